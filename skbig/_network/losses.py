"""Classifier losses: the output layer and loss for each kind of target, and
cross-entropy against smoothed labels for integer class targets."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="skbig")
class SparseCategoricalCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy of integer labels smoothed towards uniform.

    The target of a sample of class ``y`` among ``K`` classes is
    ``(1 - label_smoothing) * onehot(y) + label_smoothing / K``, as in
    :class:`keras.losses.CategoricalCrossentropy`, which needs one-hot targets;
    Keras' own ``SparseCategoricalCrossentropy`` has no smoothing.

    Examples
    --------
    >>> import numpy as np
    >>> from skbig._network.losses import SparseCategoricalCrossentropy
    >>> loss = SparseCategoricalCrossentropy(label_smoothing=0.2)
    >>> round(float(loss(np.array([0]), np.array([[0.5, 0.5]]))), 4)
    0.6931
    """

    def __init__(
        self,
        label_smoothing=0.0,
        reduction="sum_over_batch_size",
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        nll = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
        if not self.label_smoothing:
            return nll
        y_pred = ops.clip(y_pred, keras.config.epsilon(), 1.0)
        uniform = -ops.mean(ops.log(y_pred), axis=-1)
        return (1 - self.label_smoothing) * nll + self.label_smoothing * uniform

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


def classifier_output(kind, n_classes, label_smoothing=0.0):
    """(units, output activation, loss) of a classifier for a ``kind`` of target
    ("binary", "multiclass" or "multilabel-indicator")."""
    binary, categorical = "binary_crossentropy", "sparse_categorical_crossentropy"
    if label_smoothing:
        binary = keras.losses.BinaryCrossentropy(label_smoothing=label_smoothing)
        categorical = SparseCategoricalCrossentropy(label_smoothing=label_smoothing)
    if kind == "binary":
        return 1, "sigmoid", binary
    if kind == "multiclass":
        return n_classes, "softmax", categorical
    if kind == "multilabel-indicator":
        return n_classes, "sigmoid", binary
    raise ValueError(
        f"MLPClassifier does not support {kind!r} targets; use a binary "
        "indicator matrix for multi-label data or one estimator per output."
    )
