"""Progress bars on stderr for training and prediction, only when a person watches."""

import sys
import time

import numpy as np

from .._labels import MIN_PROBABILITY, log_loss


def interactive(quiet):
    """Show progress only on a terminal: piped or redirected output stays clean."""
    return not quiet and sys.stderr.isatty()


class Bar:
    """One line redrawn in place: ``label [####....] done/total extra ETA``."""

    def __init__(self, total, label, stream=None, width=24):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream or sys.stderr
        self.start = self.last = time.monotonic()

    def update(self, done, extra="", force=False):
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / self.total)
        elapsed = now - self.start
        eta = elapsed / done * (self.total - done) if done else 0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{self.total} {extra} ETA {eta:4.0f}s\033[K"
        )
        self.stream.flush()

    def finish(self, extra=""):
        self.update(self.total, extra, force=True)
        self.stream.write("\n")
        self.stream.flush()


def held_out_scores(classes, labels, proba):
    """Log-loss and accuracy (subset accuracy for multi-label) of ``proba``."""
    labels = np.asarray(labels)
    if labels.ndim == 2:  # multi-label indicator matrix, one column per label
        p = np.clip(proba, MIN_PROBABILITY, 1 - MIN_PROBABILITY)
        loss = -np.mean(labels * np.log(p) + (1 - labels) * np.log1p(-p))
        return float(loss), float(np.mean(np.all((proba >= 0.5) == labels, axis=1)))
    loss = log_loss(classes, labels, proba)
    return float(loss), float(np.mean(classes[np.argmax(proba, axis=1)] == labels))


def regression_curve(y_true, y_pred, scale):
    """Squared error in units of the targets' spread (``scale``, what the network
    trains on) and R² of a regressor's held-out predictions."""
    y_true = np.asarray(y_true, dtype=np.float64)
    gap = (np.asarray(y_pred, dtype=np.float64) - y_true) / scale
    spread = np.sum((y_true - y_true.mean()) ** 2)
    r2 = 1 - np.sum((gap * scale) ** 2) / spread if spread else 0.0
    return float(np.mean(gap**2)), float(r2)
