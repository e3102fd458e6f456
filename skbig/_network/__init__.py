"""The Keras side of skbig: the network, its layers, optimizers and batches.

Nothing here knows scikit-learn's estimator API or scikeras: the estimators
(``skbig._base`` and the classes built on it) call into this package, never the
other way round.

``build``
    The multi-layer perceptron (:func:`build.build_mlp`).
``layers``
    :class:`~skbig.SparseDense`, the first layer over a ``tf.SparseTensor``.
``optimizers``
    :class:`~skbig.SparseAdagrad` and :class:`~skbig.LazyAdam`.
``losses``
    A sparse categorical cross-entropy with label smoothing.
``batches``
    Scipy matrices as ``tf.data`` batches, and batched prediction.
``stopping``
    The callback behind early stopping.
``state``
    A network as the bytes of a ``.keras`` file, for pickles and model files.
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly, before keras)
