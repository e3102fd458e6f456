"""The Keras callback that gives skbig's fits scikit-learn's stopping rules."""

import keras
import numpy as np

from .batches import PREDICT_BATCH_SIZE, predict

#: A held-out loss must fall by this share of the best so far to count as progress,
LOSS_RTOL = 0.01
#: a share of at least this loss a held-out row: below 0.1 nat a row (the labels
#: get about 90 % on average), 1 % of the loss is polish. A network right on
#: every held-out row but a few kept shaving percents off almost nothing
#: (20ng_space_1pct: 0.0123 -> 0.0118 nat a row, an epoch for each step).
LOSS_FLOOR = 0.1


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
    validation : tuple (X, y), (X, y, sample_weight) or None
        Held-out data in the network's own encoding; ``loss`` weighs its rows by
        ``sample_weight`` when there is one (``score`` does not).
    score : callable or None
        ``score(y, y_raw) -> float``, higher is better.
    loss : callable or None
        ``loss(y, y_raw[, sample_weight=w]) -> float``, logged as ``val_loss``.
    batch_size : int
        Batch size for predicting the validation data.
    keep_weights : bool
        Copy the best epoch's weights and restore them when training ends; off
        when the network will be retrained anyway (the best epoch's held-out
        outputs, ``best_raw``, are kept either way).
    outputs_per_row : int
        How many outputs' losses ``loss`` averages in each row (1 for a class
        label), to compare its loss a row with ``LOSS_FLOOR``.
    lead : {"score", "loss"}
        What decides the best epoch and the patience with ``validation``.
    """

    def __init__(
        self,
        tol,
        patience,
        validation=None,
        score=None,
        loss=None,
        batch_size=PREDICT_BATCH_SIZE,
        keep_weights=True,
        outputs_per_row=1,
        lead="score",
    ):
        super().__init__()
        if lead not in ("score", "loss") or (lead == "loss" and loss is None):
            raise ValueError(f"lead={lead!r} needs 'score', or 'loss' with a loss")
        self.lead = lead
        self.floor = LOSS_FLOOR / outputs_per_row
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
        loss = float(logs.get("loss", 0.0))
        if not np.isfinite(loss):
            # Keras' TerminateOnNaN stops quietly and leaves a network that
            # predicts NaN; a fit that diverged must say so.
            raise ValueError(
                f"the training loss became {loss} in epoch {epoch + 1}: the "
                "network diverged. The features are probably on a very large "
                "scale (standardise them, e.g. with StandardScaler) or the "
                "learning rate is too high."
            )
        if self.validation is None:
            # scikit-learn compares the loss to the best loss minus tol.
            current = -float(logs.get("loss", np.inf))
            improved = current > self.best + self.tol
            if current > self.best:
                self.best, self.best_epoch = current, epoch + 1
        else:
            X_val, y_val, *rest = self.validation
            weight = rest[0] if rest else None
            raw = np.asarray(
                predict(self.model, X_val, batch_size=self.batch_size, verbose=0)
            )
            current = self.score(y_val, raw)
            logs["val_score"] = current
            loss = np.inf
            if self.loss is not None:
                # Weighted as training weighs the same rows (class weights too),
                # so the loss that decides is the one being minimised.
                extra = {} if weight is None else {"sample_weight": weight}
                loss = logs["val_loss"] = self.loss(y_val, raw, **extra)
            # Under the score's lead, better: a higher score, or the same score at a
            # lower loss. On a small held-out set the accuracy soon stops moving (12
            # iris flowers are all right after a few epochs) while the loss still
            # says which is better. Under either lead, a loss that falls by less
            # than LOSS_RTOL of itself per epoch is polish, not progress (the
            # held-out loss of a network that fits its training data drifts down
            # for hundreds of epochs), and so is 1 % of a loss that is already tiny
            # (LOSS_FLOOR).
            margin = LOSS_RTOL * max(self.best_loss, self.floor)
            if self.lead == "loss":
                margin = max(self.tol, margin)
            lower = loss < (self.best_loss - margin if np.isfinite(margin) else np.inf)
            if self.lead == "loss":
                better, improved = loss < self.best_loss, lower
            else:
                improved = current >= self.best + self.tol
                improved = improved or (current >= self.best and lower)
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


def lead(kind):
    """What leads the stopping rule for a target of this ``kind``: the held-out
    log-loss for class labels, the score (R², or the multi-label subset accuracy)
    otherwise."""
    return "loss" if kind in ("binary", "multiclass") else "score"


def outputs_per_row(validation, kind):
    """How many outputs' losses the held-out loss averages in each row: one for a
    class label (a one-hot row included), every output for multi-label and
    regression targets."""
    if validation is None or kind in ("binary", "multiclass"):
        return 1
    y = np.asarray(validation[1])
    return y.shape[1] if y.ndim == 2 else 1
