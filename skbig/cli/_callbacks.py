"""Keras callbacks of ``skbig train``: progress bars and held-out scores per epoch.

Imported only when a network trains, so that the command line starts without
TensorFlow.
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly, before keras)

# isort: split
import time

import keras
import numpy as np

from ._progress import Bar, held_out_scores, interactive, regression_curve


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
        # The estimator predicts with the network being trained (its model_).
        mlp = self.pipeline[-1]
        if logs is None:
            return
        if hasattr(mlp, "predict_proba"):
            logs["test_loss"], logs["test_score"] = held_out_scores(
                mlp.classes_, self.labels, mlp.predict_proba(self.X)
            )
        else:  # a regressor: the loss on its standardised scale, as it trains
            scale = np.reshape(getattr(mlp.target_encoder_, "scale_", 1.0), -1)
            logs["test_loss"], logs["test_score"] = regression_curve(
                self.labels, mlp.predict(self.X), scale
            )


def fit_with_progress(args, pipeline, callbacks, fit, *data):
    """``fit(*data)`` with the held-out scores and a progress bar; the seconds."""
    if interactive(args.quiet):
        callbacks.append(TrainingProgress())
    pipeline.set_params(mlp__callbacks=callbacks or None)
    start = time.perf_counter()
    try:
        fit(*data)
    finally:
        pipeline.set_params(mlp__callbacks=None)  # live Keras objects are not saved
    return time.perf_counter() - start
