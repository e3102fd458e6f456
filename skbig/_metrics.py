"""The estimators' scores and losses on raw network outputs, in numpy.

Early stopping and the command line's learning curve score the network's outputs
(probabilities, or standardised regression values) against the encoded targets it
trains on, without going back through the estimator's ``predict``.
"""

import numpy as np

_EPS = 1e-7


def validation_score(y_true, y_raw, kind=None):
    """The estimator's own score on raw network outputs (accuracy or R²).

    ``y_true`` is the encoded target the network trains on; ``y_raw`` what it
    outputs; ``kind`` the target's type as the estimator knows it ("binary",
    "multiclass", "multilabel-indicator"), or None to tell from the outputs.
    """
    y_true, y_raw = np.asarray(y_true), y_raw.reshape(len(y_raw), -1)
    return _SCORERS[_kind(y_true, y_raw, kind)](y_true, y_raw)


def validation_loss(y_true, y_raw, kind=None, sample_weight=None):
    """The training loss (without regularisation) on raw network outputs, its
    rows averaged with ``sample_weight`` as training averages them."""
    y_true, y_raw = np.asarray(y_true), y_raw.reshape(len(y_raw), -1)
    rows = _LOSSES[_kind(y_true, y_raw, kind)](y_true, y_raw)
    return float(np.average(rows, weights=sample_weight))


def _kind(y_true, y_raw, kind=None):
    if kind == "multilabel-indicator":
        return "multilabel"
    if kind in ("binary", "multiclass"):
        if y_true.ndim == 2 and y_true.shape[1] > 1:
            return "onehot"  # a categorical cross-entropy's one-hot targets
        return "multiclass" if y_raw.shape[1] > 1 else "binary"
    # Not known (a bare call): tell from the shapes and the outputs.
    if y_true.ndim == 2 and y_true.shape[1] == y_raw.shape[1] > 1:
        is_prob = np.all((y_raw >= 0) & (y_raw <= 1 + _EPS))
        if is_prob and np.allclose(y_raw.sum(axis=1), 1, atol=1e-3):
            return "onehot"
        return "multilabel"
    if y_raw.shape[1] > 1:
        return "multiclass"
    return "binary"


def _binary_accuracy(y, p):
    return float(np.mean((p[:, 0] > 0.5) == (y.ravel() > 0.5)))


def _multiclass_accuracy(y, p):
    return float(np.mean(np.argmax(p, axis=1) == y.ravel().astype(int)))


def _onehot_accuracy(y, p):
    return float(np.mean(np.argmax(p, axis=1) == np.argmax(y, axis=1)))


def _subset_accuracy(y, p):
    return float(np.mean(np.all((p > 0.5) == (y > 0.5), axis=1)))


# Each row's loss (a multi-label row's averaged over its labels).
def _binary_log_loss(y, p):
    y = y.reshape(p.shape).astype(np.float64)
    p = np.clip(p, _EPS, 1 - _EPS)
    return -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p), axis=1)


def _multiclass_log_loss(y, p):
    return -np.log(np.clip(p[np.arange(len(p)), y.ravel().astype(int)], _EPS, 1))


def _onehot_log_loss(y, p):
    return -np.sum(y * np.log(np.clip(p, _EPS, 1)), axis=1)


_SCORERS = {
    "binary": _binary_accuracy,
    "multiclass": _multiclass_accuracy,
    "onehot": _onehot_accuracy,
    "multilabel": _subset_accuracy,
}
_LOSSES = {
    "binary": _binary_log_loss,
    "multiclass": _multiclass_log_loss,
    "onehot": _onehot_log_loss,
    "multilabel": _binary_log_loss,
}


def r2_score(y, p):
    """R² averaged over outputs, as scikit-learn's ``score``."""
    y = y.reshape(p.shape).astype(np.float64)
    ss_res = np.sum((y - p) ** 2, axis=0)
    ss_tot = np.sum((y - y.mean(axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / ss_tot, 0.0)
    return float(np.mean(r2))


def mse(y, p, sample_weight=None):
    """Mean squared error over all outputs, rows weighted by ``sample_weight``."""
    rows = np.mean((y.reshape(p.shape).astype(np.float64) - p) ** 2, axis=1)
    return float(np.average(rows, weights=sample_weight))
