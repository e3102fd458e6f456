"""skbig._network.build: the multi-layer perceptron, layer by layer."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp

from skbig import MLPClassifier, SparseAdagrad, SparseDense
from skbig._network import build
from skbig._network.batches import _as_tensor
from skbig._network.build import _COPIED, InitialState, build_mlp


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
    # alpha / 2; Keras 3.11 keeps the float it is given, later ones a float32
    assert hidden.kernel_regularizer.l2 == pytest.approx(0.1, rel=1e-6)


def test_random_state_fixes_the_weights_and_none_varies_them():
    def weights(seed):
        model = build_mlp(10, 3, "softmax", hidden_layer_sizes=(4,), random_state=seed)
        return model.get_weights()[0]

    np.testing.assert_array_equal(weights(0), weights(0))
    assert not np.array_equal(weights(0), weights(1))
    assert not np.array_equal(weights(None), weights(None))


@pytest.mark.parametrize("block", [build._BLOCK, 1000])
def test_initial_state_puts_back_weights_slots_and_dropout_seeds(block, monkeypatch):
    # A first layer (and its Adagrad slot) over the copying limit: refilled and
    # redrawn (whole, or a block of rows at a time), not copied; everything else
    # copied.
    monkeypatch.setattr(build, "_BLOCK", block)
    model = build_mlp(3000, 3, "softmax", hidden_layer_sizes=(32,), dropout=0.5,
                      random_state=0)  # fmt: skip
    model.compile(optimizer=SparseAdagrad(), loss="categorical_crossentropy")
    model.optimizer.build(model.trainable_variables)
    variables = [*model.variables, *model.optimizer.variables]
    assert max(np.prod(v.shape) for v in variables) > _COPIED
    built = [v.numpy().copy() for v in variables]
    initial = InitialState.of(model)
    X = sp.random(64, 3000, density=0.01, format="csr", random_state=0)
    y = keras.utils.to_categorical(np.arange(64) % 3, 3)
    model.fit(_as_tensor(X), y, epochs=2, batch_size=16, verbose=0)
    changed = " ".join(
        v.path for a, v in zip(built, variables, strict=True)
        if not np.array_equal(a, v.numpy())
    )  # fmt: skip
    for part in ("hidden_0/kernel", "accumulator", "seed_generator_state", "iteration"):
        assert part in changed
    initial.restore()
    for before, variable in zip(built, variables, strict=True):
        np.testing.assert_array_equal(variable.numpy(), before, err_msg=variable.path)


@pytest.mark.parametrize("way", ["reset", "reset in blocks", "rebuilt"])
def test_the_refit_trains_the_stopping_runs_network_again_from_the_start(
    way, monkeypatch
):
    """The refit reuses the network (its training step is not traced again), or
    builds a new one when it is too large to reset; either way it ends exactly as
    a plain fit of ``best_epoch_`` epochs on all the data."""
    if way == "reset in blocks":
        monkeypatch.setattr(build, "_BLOCK", 1000)
    if way == "rebuilt":  # as for a large kernel with another initializer
        monkeypatch.setattr(build, "MAX_RESET", 0)
        monkeypatch.setattr(build, "_drawable", lambda initializer: False)
    X = sp.random(300, 3000, density=0.02, format="csr", random_state=1)
    y = np.asarray(X[:, :1500].sum(axis=1) > X[:, 1500:].sum(axis=1)).ravel()
    trained = []

    class Seen(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            trained.append(self.model)

    params = dict(hidden_layer_sizes=(32,), dropout=0.2, random_state=0)
    clf = MLPClassifier(**params, callbacks=[Seen()]).fit(X, y)
    assert len(trained) == 2 and trained[1] is clf.model_
    assert (trained[0] is trained[1]) == (way != "rebuilt")
    plain = MLPClassifier(
        **params, early_stopping=False, epochs=clf.best_epoch_,
        batch_size=clf.training_plan_["batch_size"],  # a tenth of the stopping run's
    ).fit(X, y)  # fmt: skip
    for refit, fresh in zip(
        clf.model_.get_weights(), plain.model_.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(refit, fresh)


@pytest.mark.parametrize(
    ("shape", "seed"), [((5003, 37), 123456789), ((4097, 3), 2**31 - 2), ((9, 250), 0)]
)
def test_a_kernel_drawn_a_block_at_a_time_is_keras_own_draw(shape, seed, monkeypatch):
    # Blocks of rows whose sizes are not multiples of the columns, seeds at the
    # ends of the range: bit for bit the values of the initializer's whole draw.
    monkeypatch.setattr(build, "_BLOCK", 1000)
    initializer = keras.initializers.GlorotUniform(seed=seed)
    variable = keras.Variable(np.zeros(shape, "float32"))
    assert build._in_blocks(variable, initializer)
    expected = keras.ops.convert_to_numpy(initializer(shape, "float32"))
    np.testing.assert_array_equal(variable.numpy(), expected)
    assert build._in_blocks(variable, build._Fill(0.1))
    np.testing.assert_array_equal(variable.numpy(), np.full(shape, 0.1, "float32"))
    assert not build._in_blocks(variable, keras.initializers.HeUniform(seed=0))
