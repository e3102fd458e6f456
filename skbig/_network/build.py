"""The Keras network behind skbig's estimators: a plain multi-layer perceptron."""

import keras
import numpy as np

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
