"""Keras callbacks that give skbig scikit-learn's stopping rules."""

import keras
import numpy as np

from ._batches import predict

_EPS = 1e-7
#: A held-out loss must fall by this share of the best so far to count as progress.
LOSS_RTOL = 0.01


def validation_score(y_true, y_raw):
    """The estimator's own score on raw network outputs (accuracy or R²).

    ``y_true`` is the encoded target the network trains on; ``y_raw`` what it outputs.
    """
    y_raw = y_raw.reshape(len(y_raw), -1)
    return _SCORERS[_kind(y_true, y_raw)](y_true, y_raw)


def validation_loss(y_true, y_raw):
    """The training loss (without regularisation) on raw network outputs."""
    y_raw = y_raw.reshape(len(y_raw), -1)
    return _LOSSES[_kind(y_true, y_raw)](y_true, y_raw)


def _kind(y_true, y_raw):
    y_true = np.asarray(y_true)
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


def _binary_log_loss(y, p):
    y = y.reshape(p.shape).astype(np.float64)
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def _multiclass_log_loss(y, p):
    p = np.clip(p[np.arange(len(p)), y.ravel().astype(int)], _EPS, 1)
    return float(-np.mean(np.log(p)))


def _onehot_log_loss(y, p):
    return float(-np.mean(np.sum(y * np.log(np.clip(p, _EPS, 1)), axis=1)))


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


def mse(y, p):
    """Mean squared error over all outputs."""
    return float(np.mean((y.reshape(p.shape).astype(np.float64) - p) ** 2))


class Convergence(keras.callbacks.Callback):
    """Stop when the monitored quantity stops improving, as scikit-learn's MLP does.

    With ``validation`` data it follows ``early_stopping=True``: the validation score
    must beat the best so far by ``tol`` within ``patience`` epochs, and the weights
    of the best epoch are restored when training ends. Without it, the training loss
    must fall by ``tol`` within ``patience`` epochs.

    Parameters
    ----------
    tol : float
        Smallest improvement that counts.
    patience : int
        Epochs without improvement before stopping.
    validation : tuple (X, y) or None
        Held-out data in the network's own encoding.
    score : callable or None
        ``score(y, y_raw) -> float``, higher is better.
    loss : callable or None
        ``loss(y, y_raw) -> float``, logged as ``val_loss``.
    batch_size : int
        Batch size for predicting the validation data.
    keep_weights : bool
        Copy the best epoch's weights and restore them when training ends; off
        when the network will be retrained anyway (the best epoch's held-out
        outputs, ``best_raw``, are kept either way).
    """

    def __init__(
        self,
        tol,
        patience,
        validation=None,
        score=None,
        loss=None,
        batch_size=4096,
        keep_weights=True,
    ):
        super().__init__()
        self.keep_weights = keep_weights
        self.best_raw = None
        self.tol = tol
        self.patience = patience
        self.validation = validation
        self.score = score
        self.loss = loss
        self.batch_size = batch_size
        self.best = -np.inf
        self.best_loss = np.inf
        self.best_weights = None
        self.best_epoch = 0
        self.stale_epochs = 0
        self.stopped = False

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        if self.validation is None:
            # scikit-learn compares the loss to the best loss minus tol.
            current = -float(logs.get("loss", np.inf))
            improved = current > self.best + self.tol
            if current > self.best:
                self.best, self.best_epoch = current, epoch + 1
        else:
            X_val, y_val = self.validation
            raw = np.asarray(
                predict(self.model, X_val, batch_size=self.batch_size, verbose=0)
            )
            current = self.score(y_val, raw)
            logs["val_score"] = current
            loss = np.inf
            if self.loss is not None:
                loss = logs["val_loss"] = self.loss(y_val, raw)
            # Better: a higher score, or the same score at a lower loss. On a small
            # held-out set the accuracy soon stops moving (12 iris flowers are all
            # right after a few epochs) while the loss still says which is better;
            # a loss that falls by less than LOSS_RTOL of itself per epoch is
            # polish, not progress (the held-out loss of a network that fits its
            # training data drifts down for hundreds of epochs).
            improved = current >= self.best + self.tol or (
                current >= self.best and loss < self.best_loss * (1 - LOSS_RTOL)
            )
            better = current > self.best or (
                current == self.best and loss < self.best_loss
            )
            if better:
                self.best, self.best_loss, self.best_epoch = current, loss, epoch + 1
                self.best_raw = raw
                if self.keep_weights:
                    self.best_weights = self.model.get_weights()
        self.stale_epochs = 0 if improved else self.stale_epochs + 1
        if self.stale_epochs >= self.patience:
            self.stopped = True
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)
