"""skbig._network.build: the multi-layer perceptron, layer by layer."""

import keras
import numpy as np

from skbig import SparseDense
from skbig._network.build import build_mlp


def _layers(model, kind):
    return [layer for layer in model.layers if isinstance(layer, kind)]


def test_sparse_input_gets_a_sparse_first_layer_and_dropout():
    model = build_mlp(30, 4, "softmax", hidden_layer_sizes=(8, 6), dropout=0.5)
    dense = _layers(model, keras.layers.Dense)
    assert isinstance(dense[0], SparseDense)
    assert [layer.units for layer in dense] == [8, 6, 4]
    assert len(_layers(model, keras.layers.Dropout)) == 2
    assert model.output_shape == (None, 4)


def test_dense_input_and_no_hidden_layer():
    model = build_mlp(5, 1, "sigmoid", hidden_layer_sizes=(), sparse=False)
    (output,) = _layers(model, keras.layers.Dense)
    assert not isinstance(output, SparseDense) and output.units == 1
    model = build_mlp(5, 2, "softmax", hidden_layer_sizes=(), sparse=True)
    assert isinstance(_layers(model, keras.layers.Dense)[0], SparseDense)


def test_scikit_learn_activation_names_and_alpha():
    model = build_mlp(
        5, 1, "linear", hidden_layer_sizes=(3,), activation="logistic", alpha=0.2,
        sparse=False,
    )  # fmt: skip
    hidden = _layers(model, keras.layers.Dense)[0]
    assert hidden.activation is keras.activations.sigmoid
    assert hidden.kernel_regularizer.l2 == np.float32(0.1)  # alpha / 2


def test_random_state_fixes_the_weights_and_none_varies_them():
    def weights(seed):
        model = build_mlp(10, 3, "softmax", hidden_layer_sizes=(4,), random_state=seed)
        return model.get_weights()[0]

    np.testing.assert_array_equal(weights(0), weights(0))
    assert not np.array_equal(weights(0), weights(1))
    assert not np.array_equal(weights(None), weights(None))
