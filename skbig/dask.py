"""Score a fitted text classifier or regressor on a Dask cluster, partition by
partition.

Needs ``pip install "skbig[dask]"`` (Dask's DataFrame and ``distributed``,
pyarrow). Importing ``skbig`` does not import this module or Dask.

The model travels as one object in the task graph (or, from the command line, one
scattered copy per worker), so every worker receives it once, however many
partitions it scores; each partition's texts go through the pipeline's
``predict_proba`` there. Results are lazy Dask collections with the input's
partitions and index.

Examples
--------
>>> import dask.dataframe as dd, pandas as pd
>>> from skbig import make_text_classifier
>>> from skbig.dask import predict
>>> clf = make_text_classifier(tfidf__min_df=1, mlp__hidden_layer_sizes=(8,),
...                            mlp__n_iter_no_change=5, mlp__random_state=0)
>>> clf = clf.fit(["win a free prize now", "lunch at noon?"] * 4, ["spam", "ham"] * 4)
>>> texts = dd.from_pandas(pd.Series(["claim your prize", "noon lunch"]),
...                        npartitions=2)
>>> predict(clf, texts).compute().tolist()
['spam', 'ham']
"""

import os

import dask
import numpy as np
import pandas as pd

from ._files import data_format
from ._labels import picked_names, predicted_labels

__all__ = ["predict", "predict_proba", "read_texts", "score_partition"]

#: Bytes of an uncompressed JSON Lines file per partition.
BLOCKSIZE = 32 * 2**20


def predict_proba(estimator, texts):
    """Class probabilities for a Dask Series of texts, computed lazily.

    Parameters
    ----------
    estimator : fitted classifier
        A text pipeline (``make_text_classifier``, or any classifier with
        ``predict_proba`` on a list of strings).
    texts : dask.dataframe.Series
        The documents; missing ones (None, NaN) are scored as empty texts.

    Returns
    -------
    proba : dask.dataframe.DataFrame
        One float column per class, named ``str(class)``, in ``classes_`` order,
        with the index of ``texts``.
    """
    texts = _dask_series(texts)
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"{type(estimator).__name__} has no predict_proba (a regressor's "
            "predictions are numbers); use skbig.dask.predict"
        )
    columns = [str(c) for c in estimator.classes_]
    meta = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    model = dask.delayed(estimator, pure=True, traverse=False)
    return texts.map_partitions(_proba, model, columns, meta=meta)


def predict(estimator, texts):
    """Predicted labels (or a regressor's values) for a Dask Series of texts,
    computed lazily.

    Parameters
    ----------
    estimator : fitted classifier or regressor
    texts : dask.dataframe.Series
        The documents; missing ones (None, NaN) are scored as empty texts.

    Returns
    -------
    labels : dask.dataframe.Series or DataFrame
        For a multi-label model, the labels of each document joined by ``"|"``.
        For a regressor, float values: a Series where ``predict`` gives one
        value a document, else a DataFrame with one column a target, named
        ``"0"``, ``"1"``, ...
    """
    texts = _dask_series(texts)
    if not hasattr(estimator, "predict_proba"):  # a regressor: numbers
        return _values(estimator, texts)
    classes = np.asarray(estimator.classes_)
    meta = pd.Series(dtype=object if classes.dtype.kind in "OUS" else classes.dtype)
    model = dask.delayed(estimator, pure=True, traverse=False)
    return texts.map_partitions(_labels, model, meta=meta)


def _values(estimator, texts):
    # What predict returns for one document says the shape: one value a document
    # or a row of them (y given as 1-D or as a column).
    shape = np.shape(estimator.predict([""]))
    columns = None if len(shape) == 1 else [str(j) for j in range(shape[1])]
    if columns is None:
        meta = pd.Series(dtype="float64")
    else:
        meta = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    model = dask.delayed(estimator, pure=True, traverse=False)
    return texts.map_partitions(_predicted_values, model, columns, meta=meta)


def _predicted_values(texts, model, columns):
    documents = _documents(texts)
    values = np.zeros((0,) if columns is None else (0, len(columns)))
    if documents:
        values = model.predict(documents)
    values = np.asarray(values, np.float64)
    if columns is None:
        return pd.Series(values, index=texts.index)
    return pd.DataFrame(values, index=texts.index, columns=columns)


def _dask_series(texts):
    """``texts`` if it is a Dask Series; a ``TypeError`` that says what to pass
    instead (a table's text column, or the estimator itself for data in memory)."""
    import dask.dataframe as dd

    if isinstance(texts, dd.Series):
        return texts
    if isinstance(texts, dd.DataFrame):
        columns = ", ".join(repr(c) for c in texts.columns)
        raise TypeError(
            f"texts must be a Dask Series of texts, not a Dask DataFrame; pass its "
            f"column of text, frame[name] (its columns: {columns})"
        )
    kind = type(texts).__name__
    if type(texts).__module__.startswith("pandas"):
        kind = f"pandas {kind}"
    raise TypeError(
        f"texts must be a Dask Series of texts, not a {kind}; for texts in "
        "memory, call the estimator's predict or predict_proba directly"
    )


def _documents(texts):
    documents = texts.where(texts.notna(), "").tolist()
    bad = next((d for d in documents if not isinstance(d, str)), None)
    if bad is not None:
        raise TypeError(
            f"texts must be strings; found a {type(bad).__name__}: {bad!r:.40}"
        )
    return documents


def _proba(texts, model, columns):
    documents = _documents(texts)
    proba = model.predict_proba(documents) if documents else np.zeros((0, len(columns)))
    return pd.DataFrame(np.asarray(proba, np.float64), index=texts.index,
                        columns=columns)  # fmt: skip


def _labels(texts, model):
    documents = _documents(texts)
    if not documents:
        return pd.Series([], index=texts.index, dtype=object)
    predicted = np.asarray(model.predict(documents))
    if predicted.ndim == 2:  # multi-label indicator rows
        names = [str(c) for c in model.classes_]
        predicted = ["|".join(row) for row in picked_names(predicted, names)]
    return pd.Series(predicted, index=texts.index)


def score_partition(frame, model, column, id_column, label_names=None):
    """``(ids, predictions, probabilities)`` for one partition (a pandas
    DataFrame) as ``skbig predict`` writes them (``ids`` None without an
    ``id_column``; ``label_names`` for a multi-label model, as its model file's
    metadata lists them; a regressor's probabilities are None): what a worker runs
    for the command line."""
    documents = _documents(frame[column])
    ids = frame[id_column].tolist() if id_column else None
    if not documents:  # a regressor's rows have no probabilities
        classes = getattr(model, "classes_", None)
        return ids, [], None if classes is None else np.zeros((0, len(classes)))
    return (ids, *predicted_labels(model, documents, label_names))


def read_texts(path, column, *, id_column=None, sep=",", blocksize=BLOCKSIZE):
    """A Dask DataFrame of the ``column`` (and ``id_column``) of a data file.

    Parameters
    ----------
    path : str
        A Parquet file or folder (a partition per file), a JSON Lines file (split
        into partitions of ``BLOCKSIZE`` bytes unless compressed) or a folder or
        glob of them, or a CSV/TSV file (one partition: a quoted field may hold a
        newline, so the file cannot be split at arbitrary lines).
    column, id_column : str
    sep : str, default=","
        The delimiter of a CSV file (a TSV file's is a tab).
    blocksize : int, default=BLOCKSIZE
        Bytes of an uncompressed JSON Lines file per partition.

    Returns
    -------
    dask.dataframe.DataFrame
    """
    import dask.dataframe as dd

    columns = [column] + ([id_column] if id_column else [])
    name = os.fspath(path)
    if os.path.isdir(name):
        files = sorted(os.listdir(name))
        kinds = {data_format(f) for f in files if data_format(f)}
        if len(kinds) != 1:
            raise ValueError(f"{name}: expected a folder of Parquet or JSON Lines "
                             "files")  # fmt: skip
        kind = kinds.pop()
        name = os.path.join(name, "*" + (".parquet" if kind == "parquet" else ""))
        if kind != "parquet":
            name = [os.path.join(path, f) for f in files if data_format(f) == kind]
    else:
        kind = data_format(name)
    if kind == "parquet":
        return dd.read_parquet(name, columns=columns)
    if kind == "jsonl":
        compressed = any(str(n).endswith(".gz") for n in np.atleast_1d(name))
        frame = dd.read_json(
            name, lines=True, orient="records", dtype=False,
            blocksize=None if compressed else blocksize,
            compression="gzip" if compressed else "infer",
        )  # fmt: skip
        return frame[columns]
    if kind in ("csv", "tsv"):
        return dd.read_csv(
            name, sep="\t" if kind == "tsv" else sep, dtype=str,
            keep_default_na=False, blocksize=None, encoding="utf-8-sig",
        )[columns]  # fmt: skip
    raise ValueError(f"{name}: unknown file type; use Parquet, JSON Lines or CSV")
