"""skbig._network.state: networks as .keras bytes, by value or by reference."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp

from skbig._network.state import (
    NetworkRef,
    Rollback,
    collecting_networks,
    dropout_states,
    network_bytes,
    network_from_bytes,
    network_from_state,
    network_state,
    providing_networks,
    snapshot,
)


@pytest.fixture(scope="module")
def network():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_bytes_round_trip_predicts_the_same(network):
    X = np.random.RandomState(0).rand(4, 3).astype(np.float32)
    data = network_bytes(network)
    assert data[:2] == b"PK"  # a .keras file is a zip archive
    again = network_from_bytes([data])
    np.testing.assert_allclose(again.predict_on_batch(X), network.predict_on_batch(X))
    assert network_from_state(network_state(network)) is not network


def test_dropout_states_carry_the_masks_on_past_a_round_trip():
    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dropout(0.5, seed=1)(keras.layers.Dense(8)(inputs))
    model = keras.Model(inputs, keras.layers.Dropout(0.5, seed=2)(hidden))
    X = np.ones((4, 3), np.float32)
    model(X, training=True)  # each draw moves the generators on
    states = dropout_states(model)
    assert len(states) == 2
    again = network_from_state(network_state(model), states)
    np.testing.assert_array_equal(again(X, training=True), model(X, training=True))
    fresh = network_from_state(network_state(model))  # the generators start over
    assert not np.array_equal(fresh(X, training=True), again(X, training=True))


@pytest.mark.parametrize("optimizer", ["adam", "sparse_adagrad", "lazy_adam"])
def test_a_snapshot_keeps_its_values_while_training_changes_the_variables(optimizer):
    from skbig import MLPClassifier

    X = sp.random(64, 30, density=0.2, format="csr", random_state=0, dtype=np.float32)
    y = np.tile([0, 1], 32)
    clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=1, early_stopping=False)
    clf.set_params(optimizer=optimizer, batch_size=16, random_state=0).fit(X, y)
    variables = clf.model_.variables + clf.model_.optimizer.variables
    before = [v.numpy().copy() for v in variables]
    kept = snapshot(variables)
    clf.partial_fit(X, y)
    changed = [
        not np.array_equal(a, v.numpy()) for a, v in zip(before, variables, strict=True)
    ]
    assert any(changed)  # training changed the variables; the snapshot did not
    for value, taken in zip(before, kept, strict=True):
        np.testing.assert_array_equal(np.asarray(taken), value)
    variable = keras.Variable(np.zeros((5, 2), np.float32))
    taken = snapshot([variable])[0]
    variable.assign_add(np.ones((5, 2), np.float32))
    assert not np.asarray(taken).any()


def test_model_files_get_plain_references_once_per_network(network):
    with collecting_networks() as networks:
        first, second = network_state(network), network_state(network)
    assert first == second == {"skbig_network": 0}
    assert list(networks) == [id(network)]
    with providing_networks(["loaded"]):
        assert network_from_state(first) == "loaded"
        assert network_from_state(NetworkRef(0)) == "loaded"  # format 1


@pytest.mark.parametrize("state", [{"skbig_network": 0}, {"skbig_network": 5}])
def test_a_reference_without_its_file_is_refused(state):
    with pytest.raises(ValueError, match=r"load the file with skbig\.load"):
        network_from_state(state)
    with providing_networks([]), pytest.raises(ValueError):
        network_from_state(state)


def test_without_the_optimizer_state_the_file_shrinks_and_predicts_the_same():
    inputs = keras.Input(shape=(200,))
    model = keras.Model(inputs, keras.layers.Dense(64)(inputs))
    model.compile(optimizer="adam", loss="mse")
    X = np.random.RandomState(0).rand(32, 200).astype(np.float32)
    model.train_on_batch(X, np.zeros((32, 64)))  # Adam's slots now exist
    optimizer = model.optimizer
    full, light = network_bytes(model), network_bytes(model, include_optimizer=False)
    assert model.optimizer is optimizer  # the live model keeps its training state
    assert len(light) < 0.5 * len(full)
    again = network_from_bytes(light)
    np.testing.assert_allclose(again.predict_on_batch(X), model.predict_on_batch(X))
    assert type(again.optimizer) is type(optimizer)
    assert int(again.optimizer.iterations) == 0  # a warm start restarts it


def test_the_module_that_reads_networks_registers_skbigs_keras_objects():
    # The package face imports nothing up front: a model file read in a fresh
    # process must still find skbig>SparseDense, its loss and its optimizers.
    import ast
    import pathlib

    import skbig._network as network

    folder = pathlib.Path(network.__file__).parent
    registering = {
        path.stem
        for path in folder.glob("*.py")
        if "register_keras_serializable" in path.read_text()
    }
    tree = ast.parse((folder / "state.py").read_text())
    imported = {
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
        for alias in node.names
    }
    assert registering and registering <= imported


@pytest.mark.parametrize("extra", ["../escaped.txt", "assets/file.txt"])
def test_a_network_archive_with_other_members_is_refused(network, extra):
    # The archive is written out as Keras' unzipped layout before loading: only
    # Keras' own three members, so no name can reach outside that folder.
    import io
    import zipfile

    buffer = io.BytesIO(network_bytes(network))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(extra, "x")
    with pytest.raises(ValueError, match="not a Keras network archive"):
        network_from_bytes(buffer.getvalue())


def _sparse_fit(**params):
    from skbig import MLPClassifier

    X = sp.random(96, 400, density=0.02, format="csr", random_state=1, dtype=np.float32)
    y = np.tile([0, 1, 2], 32)
    clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=2, early_stopping=False)
    return clf.set_params(batch_size=16, random_state=0, **params).fit(X, y), X, y


def _values(model):
    return [v.numpy().copy() for v in model.variables + model.optimizer.variables]


@pytest.mark.parametrize("alpha", [0.0, 1e-3])
def test_a_rollback_keeps_the_rows_a_sparse_batch_can_change_and_puts_all_back(alpha):
    clf, X, y = _sparse_fit(alpha=alpha)
    model, batch = clf.model_, X[:6]
    kernel = model.layers[1].kernel
    columns = np.unique(batch.indices)
    assert 0 < len(columns) < 200
    before = _values(model)
    kept = Rollback(model, batch)
    pairs = zip(kept._kept, kept._values, strict=True)
    shapes = {v.path: tuple(value.shape) for (v, _), value in pairs}
    accumulator = next(p for p in shapes if "accumulator" in p)
    if alpha:  # the penalty's gradient reaches every row: kept whole
        assert shapes[kernel.path] == shapes[accumulator] == (400, 8)
    else:
        assert shapes[kernel.path] == shapes[accumulator] == (len(columns), 8)
    clf.partial_fit(batch, y[:6])
    after = _values(model)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    kept.restore()
    for old, new in zip(before, _values(model), strict=True):
        np.testing.assert_array_equal(old, new)


def test_a_rollback_keeps_everything_for_dense_or_wide_batches():
    clf, X, _ = _sparse_fit()
    for batch in (X[:6].toarray(), X, X[:6, :399], None):
        kept = Rollback(clf.model_, batch)
        assert not any(rowwise for _, rowwise in kept._kept)
