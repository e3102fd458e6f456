"""Held-out data given to ``fit``: ``X_val``, ``y_val`` and ``sample_weight_val``.

scikit-learn's ``HistGradientBoostingClassifier.fit`` takes them under these names.
A fit stops on them instead of holding out a part of its own training data, so it
trains on every training sample at once (no refit), and the temperature (and a
multi-label model's thresholds) is fitted on them: data drawn where the model will
serve, other posts than the ones trained on, later messages. A held-out part of
the training data cannot show how much harder those are (``benchmarks/README.md``,
"Calibration where the test split is drawn like the training data").

In a :class:`skbig.TextPipeline` (what :func:`skbig.make_text_classifier`
returns), ``fit(texts, y, mlp__X_val=texts_val, mlp__y_val=y_val)`` takes raw
documents: the steps before the network transform them once they are fitted
(:class:`Untransformed`). scikit-learn's own way, with metadata routing on, is
``Pipeline(..., transform_input=["X_val"])``.
"""

import contextlib
from dataclasses import dataclass

import numpy as np
from sklearn.base import is_classifier

from . import _labels


class Untransformed:
    """``X_val`` for a pipeline's last step, still in the pipeline's input form:
    the steps before it transform it when the step's ``fit`` asks
    (:func:`given`), after the pipeline has fitted them."""

    def __init__(self, pipeline, X):
        self.pipeline, self.X = pipeline, X

    def transformed(self):
        return self.pipeline[:-1].transform(self.X)


@dataclass(frozen=True)
class Given:
    """The held-out data a fit stops on, as given (``X`` validated by
    :func:`encoded`, once the fit has learned what its features are)."""

    X: object
    y: object
    sample_weight: object


@contextlib.contextmanager
def given_for_fit(estimator, X, y, X_val, y_val, sample_weight_val):
    """Around ``estimator.fit``: the held-out data given to it, as
    ``estimator._held_out`` (what :func:`given` returns) until the fit ends,
    however it ends."""
    estimator._held_out = given(estimator, X, y, X_val, y_val, sample_weight_val)
    try:
        yield
    finally:
        vars(estimator).pop("_held_out", None)


def given(estimator, X, y, X_val, y_val, sample_weight_val):
    """The held-out data given to ``estimator.fit`` on ``X``, ``y`` (None when
    none was given), its labels checked against ``y``'s; a classifier's held-out
    rows get the class weights its training rows get, from the training labels'
    counts."""
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError("sample_weight_val was given without X_val and y_val.")
        return None
    if X_val is None or y_val is None:
        missing = "X_val" if X_val is None else "y_val"
        raise ValueError(f"X_val and y_val go together; {missing} is missing.")
    name = type(estimator).__name__
    if estimator.early_stopping is False:
        raise ValueError(
            f"X_val and y_val were passed to {name}.fit with early_stopping=False, "
            "which trains without held-out data; set early_stopping to 'auto' or "
            "True to stop on them."
        )
    if estimator.dp_epsilon is not None:
        raise ValueError(
            f"a private {name} (dp_epsilon) does not stop on held-out data, whose "
            "use its guarantee does not cover; fit it without X_val and y_val."
        )
    if isinstance(X_val, Untransformed):
        X_val = X_val.transformed()
    n_rows = _n_rows(X_val)
    if n_rows != len(y_val):
        raise ValueError(f"X_val has {n_rows} samples, but y_val has {len(y_val)}.")
    weights = sample_weight_val
    if weights is not None:
        weights = _labels.one_per_sample(weights, n_rows, "sample_weight_val")
    if is_classifier(estimator):
        y_val = _labels.readable_targets(y_val)
        weights = _class_weighted(estimator, X, y, y_val, weights)
    return Given(X_val, y_val, weights)


def _n_rows(X):
    shape = getattr(X, "shape", None)
    return shape[0] if shape is not None and len(shape) else len(X)


def _class_weighted(clf, X, y, y_val, weights):
    """``weights`` times the class weights of ``y_val``'s labels (checked to be
    labels of the training targets ``y``), as a fit on ``X`` weighs its rows."""
    _labels.check_label_types(y_val)
    y, y_val = np.asarray(y), np.asarray(y_val)
    seen = None
    if y.ndim == 1 or y.shape[1] == 1:
        classes = np.unique(y)
        unseen = np.setdiff1d(np.unique(y_val), classes)
        if unseen.size:
            raise ValueError(
                f"y_val holds labels the training data does not: {unseen.tolist()}; "
                f"the classifier learns {classes.tolist()}."
            )
        seen = (classes, _labels.class_counts(y, classes))
    elif y_val.ndim != 2 or y_val.shape[1] != y.shape[1]:
        raise ValueError(
            f"y_val has shape {y_val.shape}, but the multi-label targets have "
            f"{y.shape[1]} labels a row."
        )
    return _labels.weighted_for(clf, X, y_val, weights, seen=seen, held_out=True)


def encoded(estimator, held_out):
    """A :class:`Given`'s rows validated as ``fit`` validated its training data,
    and encoded as the fitted encoders encoded it: ``(X_val, y_val,
    sample_weight_val)`` for the stopping rule."""
    try:
        X, y = estimator._check_data(held_out.X, held_out.y)
    except ValueError as error:
        hint = ""
        if "raw text" in str(error):  # a Pipeline that passed X_val on untouched
            hint = (
                " In a Pipeline, X_val reaches the network through the steps before "
                "it in skbig's TextPipeline (make_text_classifier), or with "
                "scikit-learn's Pipeline(..., transform_input=['X_val']) and "
                "metadata routing."
            )
        raise ValueError(f"X_val, y_val: {error}{hint}") from error
    X = estimator.feature_encoder_.transform(X)
    y = estimator.target_encoder_.transform(y)
    weights = held_out.sample_weight
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float32)
    return X, y, weights
