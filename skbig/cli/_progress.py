"""Progress bars on stderr for training and prediction, only when a person watches."""

import sys
import time

import keras
import numpy as np


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


class TrainingProgress(keras.callbacks.Callback):
    """Epochs and batches with the running loss and the held-out score."""

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream

    def on_epoch_begin(self, epoch, logs=None):
        label = f"epoch {epoch + 1}/{self.params['epochs']}"
        self.bar = Bar(self.params.get("steps") or 1, label, self.stream)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(batch + 1, f"loss {float((logs or {}).get('loss', 0)):.4f}")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        extra = f"loss {float(logs.get('loss', 0)):.4f}"
        for key in ("test_score", "val_score"):
            if key in logs:
                extra += f" {key.replace('_', ' ')} {float(logs[key]):.4f}"
        self.bar.finish(extra)


class HeldOutScores(keras.callbacks.Callback):
    """Loss and score on held-out texts after every epoch, into ``history_``.

    Recorded as ``test_loss`` and ``test_score`` so ``train --report-dir`` can draw
    the learning curve; the pipeline's vectorizer is already fitted when the
    network's training begins. A curve needs no more than ``sample`` documents
    (a fixed random sample of them): scoring all 7,532 of 20 Newsgroups' test
    split after every epoch made ``train --test`` take 4.5 times the fit.
    """

    def __init__(self, pipeline, texts, labels, sample=1000):
        super().__init__()
        if len(texts) > sample:
            keep = np.sort(np.random.RandomState(0).choice(len(texts), sample, False))
            texts = [texts[i] for i in keep]
            labels = np.asarray(labels)[keep]
        self.pipeline, self.texts, self.labels = pipeline, texts, labels

    def on_train_begin(self, logs=None):
        self.X = self.pipeline[:-1].transform(self.texts)

    def on_epoch_end(self, epoch, logs=None):
        # The classifier predicts with the network being trained (its model_).
        clf = self.pipeline[-1]
        proba = clf.predict_proba(self.X)
        if logs is not None:
            logs["test_loss"], logs["test_score"] = held_out_scores(
                clf.classes_, self.labels, proba
            )


def held_out_scores(classes, labels, proba):
    """Log-loss and accuracy (subset accuracy for multi-label) of ``proba``."""
    labels = np.asarray(labels)
    if labels.ndim == 2:  # multi-label indicator matrix, one column per label
        p = np.clip(proba, 1e-7, 1 - 1e-7)
        loss = -np.mean(labels * np.log(p) + (1 - labels) * np.log1p(-p))
        return float(loss), float(np.mean(np.all((proba >= 0.5) == labels, axis=1)))
    index = {label: i for i, label in enumerate(classes.tolist())}
    rows = [
        (n, index[label]) for n, label in enumerate(labels.tolist()) if label in index
    ]
    likelihood = np.zeros(len(labels))  # a label the model never saw: probability 0
    if rows:
        n, column = np.asarray(rows).T
        likelihood[n] = proba[n, column]
    loss = -np.mean(np.log(np.clip(likelihood, 1e-7, 1.0)))
    return float(loss), float(np.mean(classes[np.argmax(proba, axis=1)] == labels))
