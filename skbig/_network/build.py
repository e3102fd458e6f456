"""The Keras network behind skbig's estimators: a plain multi-layer perceptron."""

import math
import typing

import keras
import numpy as np
import tensorflow as tf

from .layers import SparseDense


def _seeds(random_state, n):
    """``n`` integer seeds derived from ``random_state`` (None gives None seeds)."""
    if random_state is None:
        return [None] * n
    rng = np.random.RandomState(random_state)
    return [int(s) for s in rng.randint(0, 2**31 - 1, size=n)]


def build_mlp(
    n_features,
    n_outputs,
    output_activation,
    *,
    hidden_layer_sizes=(256,),
    activation="relu",
    dropout=0.0,
    alpha=0.0,
    sparse=True,
    random_state=None,
):
    """Build an uncompiled MLP: Input -> [Dense -> Dropout] * k -> Dense.

    Parameters
    ----------
    n_features : int
        Width of the input.
    n_outputs : int
        Units of the output layer.
    output_activation : str
        ``"softmax"``, ``"sigmoid"`` or ``"linear"``.
    hidden_layer_sizes : sequence of int, default=(256,)
        Units of each hidden layer.
    activation : str, default="relu"
        Activation of the hidden layers (any Keras activation name; scikit-learn's
        ``"identity"`` and ``"logistic"`` are accepted as aliases).
    dropout : float, default=0.0
        Dropout rate after each hidden layer.
    alpha : float, default=0.0
        L2 penalty on the kernels, scaled as in scikit-learn's MLP
        (``alpha / 2 * ||W||^2`` per batch mean loss).
    sparse : bool, default=True
        Whether the input arrives as a ``tf.SparseTensor``; the first layer is then
        a :class:`SparseDense`, which reads only the kernel rows of the terms
        present in each batch.
    random_state : int or None
        Seeds the initializers and dropout layers.

    Returns
    -------
    keras.Model
    """
    activation = {"identity": "linear", "logistic": "sigmoid"}.get(
        activation, activation
    )
    try:
        keras.activations.get(activation)
    except ValueError:
        raise ValueError(
            f"activation={activation!r} is not a Keras activation; for example "
            "'relu', 'tanh' or 'gelu' (scikit-learn's 'identity' and 'logistic' "
            "work too)"
        ) from None
    hidden = tuple(hidden_layer_sizes)
    seeds = iter(_seeds(random_state, 2 * len(hidden) + 3))
    regularizer = keras.regularizers.L2(alpha / 2) if alpha else None

    inputs = keras.Input(shape=(n_features,), sparse=sparse, name="features")
    x = inputs
    for i, units in enumerate(hidden):
        layer = SparseDense if sparse and i == 0 else keras.layers.Dense
        x = layer(
            units,
            activation=activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            kernel_regularizer=regularizer,
            name=f"hidden_{i}",
        )(x)
        if dropout:
            x = keras.layers.Dropout(dropout, seed=next(seeds))(x)
    last = SparseDense if sparse and not hidden else keras.layers.Dense
    outputs = last(
        n_outputs,
        activation=output_activation,
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        kernel_regularizer=regularizer,
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name="skbig_mlp")


def dense_layers(model):
    """The network's Dense layers (``SparseDense`` among them), input side first,
    and the dropout rate between them."""
    layers, rate = [], 0.0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            layers.append(layer)
        elif isinstance(layer, keras.layers.Dropout):
            rate = float(layer.rate)
    return layers, rate


#: Variables of at most this many entries are copied as they are; larger ones (the
#: first layer's kernel and its optimizer slots) are redrawn or refilled in place.
_COPIED = 2**16
#: Larger variables are redrawn or refilled this many entries at a time, so that
#: resetting a network takes no temporaries the size of its first layer (drawn
#: whole, a 20 Newsgroups kernel of 56,436 x 512 took two: +237 MB at the fit's peak).
_BLOCK = 2**20
#: Networks with a larger kernel that cannot be drawn a block at a time (an
#: initializer other than a seeded ``GlorotUniform``) are built anew instead.
MAX_RESET = 2**23


class InitialState:
    """A network's state as built, to put it back after a training run.

    The refit after the stopping run trains the same network again from this
    state rather than a new one: Keras traces a network's training step when it
    first trains (half a second to a second, a large part of a small table's or
    corpus' fit). The state is exactly what ``build_mlp`` and ``optimizer.build``
    made: kernels are redrawn by their seeded initializers (the same values every
    call), optimizer slots filled with the one value they start at, and the rest
    (biases, dropout seed states, the step counter) copied, so nothing the size of
    the first layer is copied.
    """

    @classmethod
    def of(cls, model):
        """The state of ``model``, or None when a kernel over ``MAX_RESET`` entries
        cannot be redrawn in place."""
        dense = [x for x in model.layers if isinstance(x, keras.layers.Dense)]
        for layer in dense:
            size = np.prod(layer.kernel.shape)
            if size > MAX_RESET and not _drawable(layer.kernel_initializer):
                return None
        return cls(model, {id(x.kernel): x.kernel_initializer for x in dense})

    def __init__(self, model, kernels):
        """``kernels`` maps ``id(kernel)`` to the kernel's initializer."""
        self.values = []
        for variable in [*model.variables, *model.optimizer.variables]:
            value = kernels.get(id(variable))
            if value is None:
                value = _fill_value(variable)
            if value is None:
                value = np.array(variable.numpy())
            self.values.append((variable, value))

    def restore(self):
        for variable, value in self.values:
            if np.prod(variable.shape) > _BLOCK and _in_blocks(variable, value):
                continue
            if callable(value):
                value = value(variable.shape, variable.dtype)
            elif isinstance(value, _Fill):
                value = keras.ops.full(variable.shape, value.value, variable.dtype)
            variable.assign(value)


class _Fill(typing.NamedTuple):
    value: float


def _fill_value(variable):
    """``_Fill(v)`` for a large variable whose entries are all ``v``, else None."""
    if np.prod(variable.shape) <= _COPIED:
        return None
    low, high = keras.ops.min(variable), keras.ops.max(variable)
    if float(low) != float(high):
        return None
    return _Fill(float(low))


def _drawable(initializer):
    """Whether ``_in_blocks`` can redraw ``initializer``'s values: a
    ``GlorotUniform`` with an integer seed (what ``build_mlp`` uses)."""
    return (
        type(initializer) is keras.initializers.GlorotUniform
        and isinstance(initializer.seed, int)
        and keras.backend.backend() == "tensorflow"
    )


def _in_blocks(variable, value):
    """Write ``value`` (a ``_Fill`` or a ``GlorotUniform``) into ``variable`` a
    block of rows at a time; False when it cannot be done that way.

    The draw gives bit for bit the values of Keras' own draw of the whole kernel:
    TensorFlow's stateless uniform draws entry ``i`` from Philox counter ``i // 4``
    (four 32-bit numbers a step), so the block starting at entry ``o`` is a draw
    of the block's shape whose counter is advanced by ``o // 4``.
    """
    target = variable.value
    drawn = callable(value) and _drawable(value)
    if not isinstance(target, tf.Variable) or len(variable.shape) != 2:
        return False
    if not drawn and not isinstance(value, _Fill):
        return False
    rows, cols = variable.shape
    step = max(4, _BLOCK // cols // 4 * 4)  # so each block starts at i % 4 == 0
    if drawn:
        # Keras' VarianceScaling for Glorot: scale 1 over the mean of the fans.
        limit = math.sqrt(3.0 / max(1.0, (rows + cols) / 2.0))
        bound = tf.constant(limit, variable.dtype)
        # Keras' seed for an integer, as its TensorFlow backend casts it.
        seed = tf.constant([value.seed % (2**31 - 2), 0], tf.int32)
        key, counter = tf.raw_ops.StatelessRandomGetKeyCounter(seed=seed)
        alg = tf.raw_ops.StatelessRandomGetAlg()
        low, high = (int(c) for c in counter.numpy())
    for start in range(0, rows, step):
        shape = [min(step, rows - start), cols]
        if not drawn:
            block = tf.fill(shape, tf.constant(value.value, variable.dtype))
        else:
            skip = low + start * cols // 4
            at = [skip % 2**64, (high + skip // 2**64) % 2**64]
            at = tf.constant(at, tf.uint64)
            block = tf.raw_ops.StatelessRandomUniformV2(
                shape=shape, key=key, counter=at, alg=alg, dtype=variable.dtype
            )
            block = block * (bound - -bound) + -bound
        # A scatter, the sparse write, works in place; a slice assignment first
        # copies a variable the first layer has gathered rows from (+113 MB on
        # 20 Newsgroups).
        rows_in = tf.range(start, start + shape[0])
        target.scatter_update(tf.IndexedSlices(block, rows_in))
    return True
