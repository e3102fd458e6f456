"""fit_stream: fit a text pipeline on chunks of a corpus larger than memory."""

import math
import os
import tempfile

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer

from .._classifier import MLPClassifier
from .._labels import (
    balanced_weights,
    check_label_types,
    class_weighted,
    resolved_class_weight,
)
from .._regressor import MLPRegressor
from .._steps import learns_from_data, restored_on_failure
from .._text import TfidfVectorizer
from ._buckets import BucketRows, FeatureCache
from ._vocabulary import (
    VocabularyCounter,
    finish_counts,
    fitted_vectorizer,
    learns_vocabulary,
)

#: At most this many documents are held out for the stopping rule (the scores of
#: 10,000 documents are precise to about half a point; more would only cost time
#: and memory at every epoch).
MAX_VALIDATION = 10_000
#: Rows of a corpus are scattered over this many bucket files: an epoch holds one
#: in memory at a time. With 64, a bucket of 1.1 million 20 Newsgroups documents
#: (17,700 each) raised the peak by 200 MB over 10x fewer (benchmarks/scale.py);
#: 256 open files stay far below the usual limit of 1,024.
N_BUCKETS = 256


def fit_stream(
    pipeline, chunks, *, cache_dir=None, max_validation=MAX_VALIDATION, X_val=None,
    y_val=None,
):  # fmt: skip
    """Fit a text pipeline on a corpus given in chunks, never holding it whole.

    The chunks are read once. The vectorizer learns exactly what its ``fit`` would
    learn from all the documents (the vocabulary with ``min_df``, ``max_df`` and
    ``max_features``, and ``idf_``), counted chunk by chunk; each document's
    features go to a random one of 256 files in ``cache_dir``, and the network
    trains from those files one at a time, in a new random order every epoch. A
    reservoir sample of at most ``max_validation`` documents, drawn from the
    stream with the network's ``random_state``, is what the stopping rule holds
    out. The network trains without ``nb_weights`` (the rows are not a matrix to
    count them from before training). The result is the same fitted pipeline
    object, an ordinary one: ``predict``, :func:`skbig.save`,
    :func:`skbig.export` and :mod:`skbig.explain` work on it unchanged.

    A regressor (:func:`make_text_regressor`) trains on one number a document,
    standardised by the whole stream's mean and spread (counted as the chunks
    come; each target is stored as a float32). It trains no ridge beside the
    network (``linear_part``): the ridge is solved over rows in memory, which a
    stream never holds, so a streamed regressor is its network alone.

    Parameters
    ----------
    pipeline : Pipeline
        Unfitted: a vectorizer (``TfidfVectorizer``, ``CountVectorizer`` or
        ``HashingVectorizer``), steps that learn nothing from the data (such as
        ``TfidfTransformer(use_idf=False)``), then an :class:`MLPClassifier` or
        :class:`MLPRegressor`, as :func:`make_text_classifier` and
        :func:`make_text_regressor` build (``vectorizer="hashing"`` for one
        without a vocabulary).
    chunks : iterable of (texts, labels), or a callable returning one
        The corpus, in chunks of any size: ``texts`` a list of strings,
        ``labels`` one label per text (single-label classification) or, for a
        regressor, one finite number per text.
    cache_dir : str, default=None
        Where the feature files go (about the size of the corpus's sparse
        features; removed afterwards). None: the system's temporary folder.
    max_validation : int, default=10_000
        The most documents held out for the stopping rule.
    X_val, y_val : list of str and array-like, default=None
        Held-out documents and their labels to stop and calibrate on instead of
        a sample of the stream, as :meth:`MLPClassifier.fit` takes them (held in
        memory); the network then trains on every document of the stream.

    Returns
    -------
    pipeline : Pipeline
        ``pipeline``, fitted.

    Examples
    --------
    >>> from skbig import fit_stream, make_text_classifier
    >>> def chunks():
    ...     for _ in range(3):
    ...         yield ["free prize now", "lunch at noon?"], ["spam", "ham"]
    >>> clf = make_text_classifier(tfidf__min_df=1, mlp__hidden_layer_sizes=(8,),
    ...                            mlp__n_iter_no_change=5, mlp__random_state=0)
    >>> fit_stream(clf, chunks).classes_.tolist()
    ['ham', 'spam']
    """
    first, middle, mlp = _check_pipeline(pipeline)
    if cache_dir is not None and not os.path.isdir(cache_dir):
        raise FileNotFoundError(f"cache_dir={os.fspath(cache_dir)!r} is no folder")
    with (
        restored_on_failure(pipeline.steps),
        tempfile.TemporaryDirectory(prefix="skbig-stream-", dir=cache_dir) as folder,
    ):
        seed = np.random.RandomState(mlp.random_state).randint(2**31 - 1)
        counter = VocabularyCounter(first) if learns_vocabulary(first) else None
        cache = FeatureCache(
            folder, n_buckets=N_BUCKETS, reservoir_size=max_validation, seed=seed
        )
        targets = _Numbers() if isinstance(mlp, MLPRegressor) else _Classes()
        try:
            _read(chunks() if callable(chunks) else chunks, first, counter, cache,
                  targets)  # fmt: skip
        finally:
            cache.close()
        features, n_features = _feature_map(first, middle, counter)
        classes, class_order = targets.classes()
        rows = BucketRows(
            cache.paths, cache.reservoir, n_features, features, cache.n_rows,
            class_order,
        )  # fmt: skip
        held = None
        if X_val is not None:  # through the steps as fitted on the stream
            held = (pipeline[:-1].transform(X_val), y_val)
        if class_order is None:
            _fit_regressor(mlp, rows, targets, held)
        else:
            counts = np.bincount(class_order, weights=targets.counts)
            _fit_network(mlp, rows, classes, counts, held)
    return pipeline


def _check_pipeline(pipeline):
    steps = [step for _, step in pipeline.steps]
    if len(steps) < 2 or not isinstance(steps[-1], MLPClassifier | MLPRegressor):
        raise TypeError("fit_stream fits a Pipeline of a vectorizer, ... and an "
                        "MLPClassifier or MLPRegressor, as make_text_classifier "
                        "and make_text_regressor build")  # fmt: skip
    first, *middle, mlp = steps
    if not isinstance(first, CountVectorizer | HashingVectorizer):
        raise TypeError(
            "fit_stream needs a TfidfVectorizer, CountVectorizer or "
            f"HashingVectorizer first, not {type(first).__name__}"
        )
    if first.input != "content":
        raise ValueError(f"fit_stream reads texts; the vectorizer has input="
                         f"{first.input!r}")  # fmt: skip
    learning = [type(s).__name__ for s in middle if learns_from_data(s)]
    if learning:
        raise ValueError(
            f"fit_stream fits steps that learn nothing from the data between the "
            f"vectorizer and the network; {learning} do (use use_idf=False, or put "
            "the statistics in the vectorizer)"
        )
    if mlp.dp_epsilon is not None:
        raise ValueError("fit_stream does not train privately: DP-SGD's accounting "
                         "assumes Poisson sampling over data in memory")  # fmt: skip
    if isinstance(mlp, MLPRegressor) and mlp.linear_part is True:
        raise ValueError("fit_stream trains no linear part (its ridge is solved "
                         "over rows in memory); use linear_part='auto' or "
                         "False")  # fmt: skip
    return first, middle, mlp


def _read(chunks, first, counter, cache, targets):
    """One pass: count, store the features and the ``targets``' codes."""
    checker = TfidfVectorizer()  # names missing and non-text documents
    for number, chunk in enumerate(chunks, 1):
        try:
            texts, labels = chunk
        except (TypeError, ValueError):
            message = f"chunk {number}: expected a (texts, labels) pair"
            raise TypeError(message) from None
        try:
            texts = list(checker._checked(texts))
        except (TypeError, ValueError) as error:
            raise type(error)(f"chunk {number}: {error}") from None
        labels = list(labels)
        if len(texts) != len(labels):
            raise ValueError(f"chunk {number}: {len(texts)} texts but {len(labels)} "
                             "labels")  # fmt: skip
        if any(isinstance(label, list | tuple | set | np.ndarray) for label in labels):
            raise ValueError(f"chunk {number}: fit_stream trains single-label "
                             "classifiers and regressors of one number; a label "
                             "is a list")  # fmt: skip
        if not texts:
            continue
        codes = targets.codes(labels, number)
        X = counter.count(texts) if counter is not None else first.transform(texts)
        cache.add(sp.csr_matrix(X), codes)
    if cache.n_rows == 0:
        raise ValueError("fit_stream: the chunks hold no documents")


class _Classes:
    """A classifier's labels: each a code in order of appearance, counted."""

    def __init__(self):
        self.seen, self.counts = {}, np.zeros(0, np.int64)

    def codes(self, labels, number):
        try:  # with a label of an earlier chunk: one type across the stream
            check_label_types(np.asarray(list(self.seen)[:1] + labels, dtype=object))
        except TypeError as error:
            raise TypeError(f"chunk {number}: {error}") from None
        codes = [self.seen.setdefault(y, len(self.seen)) for y in labels]
        counts = np.bincount(codes, minlength=len(self.seen))
        counts[: len(self.counts)] += self.counts
        self.counts = counts
        return np.array(codes, np.int32)

    def classes(self):
        """``classes_`` (sorted, as a fit finds them) and each stored code's
        position in it."""
        labels = np.asarray(list(self.seen), dtype=object)
        try:
            labels = np.asarray(labels.tolist())  # strings or numbers, as fit sees y
        except ValueError:
            pass
        order = np.argsort(labels, kind="stable")
        position = np.empty(len(labels), np.int64)
        position[order] = np.arange(len(labels))
        return labels[order], position


class _Numbers:
    """A regressor's targets: each stored as its float32 (in the code's four
    bytes), their count, mean and sum of squared deviations kept as they come
    (Chan et al.'s pairwise update)."""

    def __init__(self):
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def codes(self, labels, number):
        for label in labels:
            if not _finite_number(label):
                raise ValueError(f"chunk {number}: a regressor trains on finite "
                                 f"numbers, not {label!r:.40}")  # fmt: skip
        values = np.asarray(labels, dtype=np.float64)
        n, mean = len(values), float(values.mean())
        m2 = float(((values - mean) ** 2).sum())
        total = self.n + n
        delta = mean - self.mean
        self.m2 += m2 + delta * delta * self.n * n / total
        self.mean += delta * n / total
        self.n = total
        return values.astype(np.float32).view(np.int32)

    def classes(self):
        return None, None

    def placeholder(self):
        """Two targets with the stream's mean and spread: what the target
        encoder standardises by."""
        spread = np.sqrt(self.m2 / self.n)
        return np.array([self.mean - spread, self.mean + spread])


def _finite_number(value):
    if isinstance(value, bool | np.bool_ | str | bytes):
        return False
    try:
        return math.isfinite(value)
    except TypeError:
        return False


def _feature_map(first, middle, counter):
    """The function from stored rows to the network's features; fits the
    vectorizer (and the stateless middle steps)."""
    if counter is not None:
        vocabulary, dfs, columns = counter.vocabulary()
        fitted_vectorizer(first, vocabulary, dfs, counter.n_documents)
        width = len(vocabulary)
    else:
        first.fit([""])  # hashing, or a given vocabulary: nothing to learn
        width = first.transform([""]).shape[1]
    stub = sp.csr_matrix((1, width), dtype=np.float32)
    for step in middle:
        stub = step.fit(stub).transform(stub)  # stateless: fitted on nothing

    def features(indptr, indices, data):
        indptr = np.asarray(indptr, np.int64)
        indices, data = np.asarray(indices, np.int32), np.asarray(data, np.float32)
        n = len(indptr) - 1
        if n == 0:  # a bucket no row was drawn into
            return sp.csr_matrix((0, out_width), dtype=np.float32)
        if counter is not None:
            mapped = columns[indices] if len(indices) else indices
            keep = mapped >= 0
            rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))[keep]
            X = sp.csr_matrix((data[keep], (rows, mapped[keep])), shape=(n, width))
            X.sort_indices()
            X = finish_counts(first, X)
        else:
            X = sp.csr_matrix((data, indices, indptr), shape=(n, width))
        for step in middle:
            X = step.transform(X)
        return sp.csr_matrix(X, dtype=np.float32)

    out_width = None
    out_width = features(np.zeros(2, np.int64), [], []).shape[1]
    return features, out_width


def _fit_network(mlp, rows, classes, counts, held=None):
    """Fit ``mlp`` on the streamed ``rows``: the estimator's own fit, on one
    placeholder row per class, with the rows handed to its training; ``held``:
    the held-out ``(X_val, y_val)`` given, whose rows get their classes' weights
    from the stream's counts (the placeholder's are one each)."""
    private = mlp.dp_epsilon is not None
    weighting = resolved_class_weight(mlp.class_weight, sparse=True, private=private)
    weights = balanced_weights(counts, weighting)  # None: fit applies the rest
    placeholder = sp.csr_matrix((len(classes), rows.shape[1]), dtype=np.float32)
    given = {}
    if held is not None:
        X_val, y_val = held
        val_weights = None
        if weights is not None:  # "balanced" kinds, from the stream's counts
            seen = (classes, counts)
            val_weights = class_weighted(y_val, None, weighting, seen=seen)
        given = dict(X_val=X_val, y_val=y_val, sample_weight_val=val_weights)
    mlp._streamed_rows = rows
    try:
        mlp.fit(placeholder, classes, sample_weight=weights, **given)
    finally:
        vars(mlp).pop("_streamed_rows", None)
    mlp.X_shape_ = rows.shape
    mlp._class_counts = None if private else np.asarray(counts, np.int64)
    return mlp


def _fit_regressor(mlp, rows, targets, held=None):
    """Fit the regressor ``mlp`` on the streamed ``rows``: its own fit, on two
    placeholder rows whose targets have the stream's mean and spread (so its
    target encoder standardises as over the whole stream), with the rows handed to
    its training and labelled by that encoder."""
    placeholder = sp.csr_matrix((2, rows.shape[1]), dtype=np.float32)
    rows.encode = lambda values: mlp.target_encoder_.transform(values)
    given = {}
    if held is not None:
        given = dict(X_val=held[0], y_val=np.asarray(held[1], np.float64))
    mlp._streamed_rows = rows
    try:
        mlp.fit(placeholder, targets.placeholder(), **given)
    finally:
        vars(mlp).pop("_streamed_rows", None)
    mlp.X_shape_ = rows.shape
    return mlp
