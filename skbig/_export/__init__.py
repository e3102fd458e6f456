"""``skbig.export``: a fitted model as one serving file, checked against itself.

Nothing here is imported with skbig: the ONNX side needs the ``export`` extra
(onnx, skl2onnx, onnxruntime), and each format's module is imported only when
that format is asked for.
"""

import json
import os

import numpy as np

from ._columns import Columns
from ._probe import probe_inputs
from ._spec import NotExportableError, Preprocessing, split_pipeline

FORMATS = ("onnx", "savedmodel")
QUANTIZE = {
    "onnx": (None, "float16", "int8", "int4"),
    "savedmodel": (None, "float16"),
}
# float32 exports must reproduce predict_proba this closely on the probe inputs.
TOLERANCE = 1e-4


def export(estimator, path, *, format="onnx", quantize=None, metadata=None):
    """Write a fitted model as one file that serves without skbig.

    The whole pipeline is exported: raw text in, labels and probabilities out,
    the TF-IDF computed inside the exported graph. Before anything is written,
    the exported model is run on probe inputs (documents made of the vocabulary
    in mixed case, with accents and punctuation, or random numeric rows) and
    compared with the estimator's own ``predict_proba``/``predict``; a float32
    export that disagrees by more than 1e-4 raises instead of being written.

    Parameters
    ----------
    estimator : Pipeline, MLPClassifier or MLPRegressor
        A fitted ``make_text_classifier()`` pipeline (a Count, Tfidf or Hashing
        vectorizer, optionally a TfidfTransformer, then an skbig network, as the
        private pipeline has them; or a FeatureUnion of such vectorizers,
        optionally followed by a Normalizer), or a network on numeric input, alone or
        behind numeric steps (imputers, scalers, PCA, ...: skl2onnx converts
        them for ONNX, the SavedModel computes the common ones), or behind a
        ColumnTransformer of text, numbers and categories (ONNX only: one input
        a column, named after it).
    path : str or path-like
        The file (ONNX) or folder (SavedModel) to write; replaced atomically. A
        SavedModel replaces only a SavedModel folder: any other existing path is
        refused (``FileExistsError``), as is a missing parent folder, before the
        export is built.
    format : {"onnx", "savedmodel"}, default="onnx"
        ``"onnx"``: one graph from a string tensor ``text`` of shape ``[N]`` (or
        a float tensor ``X`` of shape ``[N, n_features]``) to ``label`` and
        ``probabilities`` (classifiers) or ``prediction`` (regressors), run by
        onnxruntime. ``"savedmodel"``: a TensorFlow SavedModel whose
        ``serving_default`` signature has the same inputs and outputs.
    quantize : {None, "float16", "int8", "int4"}, default=None
        Store the weights as float16 (half the size) or, for ONNX only, as int8
        with one scale per row of the first layer's kernel and per column of the
        others (a quarter), or as int4: the first layer's kernel in four-bit
        codes with a scale per 32 values of a row (about a sixth; onnxruntime's
        ``GatherBlockQuantized``), the others int8. The arithmetic stays
        float32. The report then gives the agreement with the estimator instead
        of requiring it.
    metadata : dict of str, default=None
        Stored in the file: ONNX ``metadata_props``, or the SavedModel's
        ``metadata`` (string variables). skbig adds ``skbig_version``, ``input``
        and, for classifiers, ``classes`` (the columns of ``probabilities``, as a
        JSON list of strings) unless given.

    Returns
    -------
    report : dict
        ``path``, ``format``, ``quantize``, ``input`` (``"text"``, ``"X"`` or
        ``"columns"``),
        ``bytes`` (size on disk),
        ``probe_inputs``, ``label_agreement`` (share of probe inputs with the
        estimator's prediction) and ``max_difference`` (largest absolute
        difference of a probability or prediction).

    Raises
    ------
    NotExportableError
        A setting the exported model could not reproduce exactly (a custom
        tokenizer, a token pattern it cannot match, a layer other than Dense or
        Dropout, ...),
        named in the message; or a float32 export that disagrees on the probes.
    ImportError
        An ONNX export without onnx, skl2onnx or onnxruntime (the ``export``
        extra), naming the missing package.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}.")
    if quantize not in QUANTIZE[format]:
        raise ValueError(
            f"quantize={quantize!r} is not available for format={format!r}; "
            f"choose from {QUANTIZE[format]}."
        )
    _check_destination(path, format)
    vectorizer, network = split_pipeline(estimator)
    if isinstance(vectorizer, Preprocessing):
        vectorizer.check_input_is_a_table()
    if format == "onnx":
        backend = onnx_backend()
    else:
        from . import _savedmodel as backend
    stored = _metadata(vectorizer, network, metadata)
    exported = backend.build(vectorizer, network, quantize=quantize, metadata=stored)
    inputs = probe_inputs(vectorizer, network)
    report = compare(estimator, exported.run(inputs), inputs)
    if quantize is None and report["max_difference"] > TOLERANCE:
        raise NotExportableError(
            f"The exported model disagrees with the estimator on probe inputs (up "
            f"to {report['max_difference']:.2g}); nothing was written."
        )
    exported.write(path)
    return {
        "path": str(path),
        "format": format,
        "quantize": quantize,
        "input": stored["input"],
        "bytes": exported.size(path),
        **report,
    }


#: The export extra: what an ONNX export is built (onnx, skl2onnx) and checked
#: (onnxruntime) with.
ONNX_PACKAGES = ("onnx", "skl2onnx", "onnxruntime")


def onnx_backend():
    """skbig's ONNX module, or an ImportError that names the missing package of
    the export extra (``skbig export`` asks before loading the model)."""
    try:
        import onnxruntime  # noqa: F401  (the export is checked under it)

        from . import _onnx
    except ImportError as error:
        if error.name not in ONNX_PACKAGES:
            raise
        raise ImportError(
            f"ONNX export needs onnx, skl2onnx and onnxruntime ({error.name} is not "
            'installed): pip install "skbig[export]"'
        ) from None
    return _onnx


def _check_destination(path, format):
    """Refuse, before any work, a path the export cannot write or must not
    replace: a missing folder, a folder where the ONNX file goes, and anything
    but a SavedModel folder where a SavedModel goes (it replaces the path whole:
    ``skbig export model.skbig . --format savedmodel`` would have replaced the
    working folder)."""
    asked, path = os.fspath(path), os.path.realpath(path)
    if not os.path.isdir(os.path.dirname(path)):
        raise FileNotFoundError(f"{asked}: there is no folder to write it in")
    if format == "onnx" and os.path.isdir(path):
        raise IsADirectoryError(f"{asked} is a folder; an ONNX export is one file")
    saved = ("saved_model.pb", "saved_model.pbtxt")
    if format == "savedmodel" and os.path.lexists(path):
        if not any(os.path.isfile(os.path.join(path, name)) for name in saved):
            raise FileExistsError(
                f"{asked} exists and is no SavedModel folder, the only thing an "
                "export replaces; choose a new folder"
            )


def _metadata(vectorizer, network, given):
    from .._version import __version__

    stored = {
        "skbig_version": __version__,
        "input": "X"
        if vectorizer is None or isinstance(vectorizer, Preprocessing)
        else "text",
    }
    if isinstance(vectorizer, Columns):  # one input a column: name and type
        stored["input"] = "columns"
        stored["columns"] = json.dumps(vectorizer.inputs)
    classes = getattr(network, "classes_", None)
    if classes is not None:
        stored["classes"] = json.dumps([str(c) for c in np.asarray(classes).tolist()])
    for key, value in (given or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"metadata must map str to str; got {key!r}: {value!r}")
        stored[key] = value
    return stored


def compare(estimator, outputs, inputs):
    """How closely exported ``outputs`` match the estimator on ``inputs``."""
    if "prediction" in outputs:
        expected = np.asarray(estimator.predict(inputs), dtype=np.float64)
        got = np.asarray(outputs["prediction"], dtype=np.float64).reshape(
            expected.shape
        )
        scale = np.maximum(np.abs(expected), 1.0)
        agreement = float(np.mean(np.abs(got - expected) <= 1e-3 * scale))
        return {
            "probe_inputs": len(inputs),
            "label_agreement": agreement,
            "max_difference": float(np.max(np.abs(got - expected) / scale)),
        }
    expected_labels = np.asarray(estimator.predict(inputs))
    expected = estimator.predict_proba(inputs)
    labels = np.asarray(outputs["label"])
    if labels.dtype.kind in "SO":
        labels = labels.astype(str)
    same = labels.reshape(expected_labels.shape) == expected_labels
    if same.ndim == 2:
        same = same.all(axis=1)
    return {
        "probe_inputs": len(inputs),
        "label_agreement": float(np.mean(same)),
        "max_difference": float(np.max(np.abs(outputs["probabilities"] - expected))),
    }


__all__ = ["NotExportableError", "export"]
