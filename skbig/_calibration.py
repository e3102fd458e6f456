"""Probabilities that mean what they say: temperature and per-label thresholds.

Both are learnt from the held-out part the stopping rule keeps aside (see
``MLPClassifier(temperature=...)`` and ``thresholds_``); they are plain numpy, and
``CalibratedOutputs`` gives the classifier's answers under them.
Single-label: the temperature ``T`` that minimises the held-out log-loss of
``softmax(log p / T)`` (Guo et al., 2017); it changes no prediction, only how sure
``predict_proba`` is. Multi-label: a rare label's probability seldom reaches 0.5,
so pick the threshold that maximises micro-F1 over all labels, then, for each
label with at least ``_MIN_POSITIVES`` held-out positives, the one that maximises
that label's F1.
"""

import numpy as np

from ._metrics import validation_loss
from ._plan import MIN_NEW_ROWS, novel_rows


def tempered(raw, temperature):
    """Network probabilities (softmax rows, or one sigmoid column) at a temperature
    (as they are at None or 1)."""
    if temperature is None or temperature == 1.0:
        return raw
    raw = np.clip(raw, 1e-12, 1.0)
    if raw.shape[1] == 1:
        logit = np.log(raw) - np.log1p(-np.minimum(raw, 1 - 1e-12))
        return 1.0 / (1.0 + np.exp(-logit / temperature))
    z = np.log(raw) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(raw, y):
    """The temperature in [0.05, 20] with the least log-loss on (raw, y)."""
    from scipy.optimize import minimize_scalar

    def loss(log_t):
        return validation_loss(y, tempered(raw, np.exp(log_t)))

    found = minimize_scalar(loss, bounds=(np.log(0.05), np.log(20)), method="bounded")
    return float(np.exp(found.x))


_THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)
_MIN_POSITIVES = 3


def label_thresholds(y_true, proba):
    """Thresholds on ``proba`` that maximise F1: one per label where it has at
    least ``_MIN_POSITIVES`` positives, else the one that maximises micro-F1."""
    predicted = proba[None, :, :] >= _THRESHOLDS[:, None, None]  # (t, n, labels)
    tp = np.sum(predicted & y_true, axis=1)
    fp = np.sum(predicted & ~y_true, axis=1)
    fn = np.sum(~predicted & y_true, axis=1)
    micro = 2 * tp.sum(1) / np.maximum(2 * tp.sum(1) + fp.sum(1) + fn.sum(1), 1)
    overall = _THRESHOLDS[np.argmax(micro)]
    per_label = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    thresholds = np.full(y_true.shape[1], overall)
    enough = y_true.sum(axis=0) >= _MIN_POSITIVES
    thresholds[enough] = _THRESHOLDS[np.argmax(per_label[:, enough], axis=0)]
    return thresholds


def learn_from_held_out(clf, raw, y_val, features=None):
    """Sets ``clf``'s temperature (single-label) or per-label thresholds
    (multi-label) from the best epoch's held-out outputs ``raw`` (None when
    nothing was held out).

    Given ``features`` (the training and held-out parts' sparse rows), the
    temperature learns from the held-out rows that nearly repeat no training row
    (``novel_rows``) where ``MIN_NEW_ROWS`` remain: a network is surest on text
    like what it trained on, and a held-out part full of near copies ("Re: X"
    beside "X") would teach it to stay that sure on new text.
    """
    clf.thresholds_ = None
    clf.temperature_ = None
    if raw is None:
        return
    raw = np.asarray(raw, dtype=np.float64).reshape(len(y_val), -1)
    if clf._target_kind == "multilabel-indicator":
        clf.thresholds_ = label_thresholds(np.asarray(y_val) > 0.5, raw)
    elif clf.temperature == "auto" and clf._own_probabilities():
        y_val = np.asarray(y_val)
        novel = novel_rows(*features) if features is not None else None
        if novel is not None and novel.sum() >= MIN_NEW_ROWS:
            raw, y_val = raw[novel], y_val[novel]
        clf.temperature_ = fit_temperature(raw, y_val)


class CalibratedOutputs:
    """A fitted classifier's answers, with its temperature and thresholds applied."""

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (an indicator matrix for multi-label models).
        """
        if getattr(self, "thresholds_", None) is None:
            return super().predict(X)
        proba = self.predict_proba(X)
        return (proba >= self.thresholds_).astype(np.int64)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_`` (for multi-label
            models, the probability of each label independently).
        """
        # float64, a softmax's rows renormalised (float32 sums make log_loss warn)
        temperature = getattr(self, "temperature_", None)
        raw = tempered(self._outputs(X).astype(np.float64), temperature)
        proba = np.asarray(self._probabilities(raw)).reshape(raw.shape[0], -1)
        if self._target_kind == "multiclass":
            proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict_log_proba(self, X):
        """Logarithms of the class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``, ``-inf`` where a probability is 0, as
            :class:`sklearn.neural_network.MLPClassifier` gives them.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))
