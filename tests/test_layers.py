"""SparseDense: the CSR first layer must compute exactly what Dense computes."""

import gc
import weakref

import keras
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf

from skbig import SparseDense


def _sparse_tensor(matrix, order=None):
    coo = sp.coo_matrix(matrix)
    rows, cols, values = coo.row, coo.col, coo.data
    if order is not None:
        rows, cols, values = rows[order], cols[order], values[order]
    indices = np.stack([rows, cols], axis=1).astype(np.int64)
    return tf.SparseTensor(indices, values.astype(np.float32), coo.shape)


def _pair(units=5, n_features=30, activation="relu"):
    """A SparseDense and a Dense with the same weights."""
    sparse_layer = SparseDense(units, activation=activation)
    dense_layer = keras.layers.Dense(units, activation=activation)
    sparse_layer.build((None, n_features))
    dense_layer.build((None, n_features))
    rng = np.random.RandomState(0)
    weights = [rng.randn(n_features, units).astype("float32"), rng.randn(units)]
    sparse_layer.set_weights(weights)
    dense_layer.set_weights(weights)
    return sparse_layer, dense_layer


@pytest.fixture
def batch():
    X = sp.random(8, 30, density=0.2, format="csr", random_state=1, dtype=np.float32)
    X = X.tolil()
    X[3] = 0  # a document without any term
    return X.tocsr()


def test_forward_equals_dense_on_the_densified_batch(batch):
    sparse_layer, dense_layer = _pair()
    expected = dense_layer(batch.toarray())
    np.testing.assert_allclose(sparse_layer(_sparse_tensor(batch)), expected, atol=1e-5)


def test_gradient_is_the_dense_gradient_on_each_distinct_row_once(batch):
    sparse_layer, dense_layer = _pair()
    grads = []
    inputs = ((sparse_layer, _sparse_tensor(batch)), (dense_layer, batch.toarray()))
    for layer, x in inputs:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(layer(x)))
        grads.append(tape.gradient(loss, layer.kernel))
    sparse_grad, dense_grad = grads
    assert isinstance(sparse_grad, tf.IndexedSlices)
    rows = sparse_grad.indices.numpy()
    assert len(np.unique(rows)) == len(rows)  # the optimizer needs no dedupe
    np.testing.assert_array_equal(np.sort(rows), np.unique(batch.indices))
    np.testing.assert_allclose(tf.convert_to_tensor(sparse_grad), dense_grad, atol=1e-4)


def test_entries_in_any_order(batch):
    sparse_layer, _ = _pair()
    shuffled = np.random.RandomState(2).permutation(batch.nnz)
    np.testing.assert_allclose(
        sparse_layer(_sparse_tensor(batch, order=shuffled)),
        sparse_layer(_sparse_tensor(batch)),
        atol=1e-5,
    )


def test_a_batch_without_any_term_gives_the_bias():
    sparse_layer, _ = _pair(activation=None)
    empty = tf.SparseTensor(tf.zeros([0, 2], tf.int64), tf.zeros([0]), [4, 30])
    out = sparse_layer(empty)
    np.testing.assert_allclose(out, np.tile(sparse_layer.bias.numpy(), (4, 1)))


def test_float64_values_and_dense_input(batch):
    sparse_layer, dense_layer = _pair()
    dense = batch.toarray()
    values = batch.tocoo().data.astype(np.float64)
    x64 = tf.SparseTensor(_sparse_tensor(batch).indices, values, batch.shape)
    np.testing.assert_allclose(sparse_layer(x64), dense_layer(dense), atol=1e-5)
    np.testing.assert_allclose(sparse_layer(dense), dense_layer(dense), atol=1e-6)


def test_inside_a_compiled_function(batch):
    sparse_layer, dense_layer = _pair()
    call = tf.function(lambda x: sparse_layer(x))
    np.testing.assert_allclose(
        call(_sparse_tensor(batch)), dense_layer(batch.toarray()), atol=1e-5
    )


def test_serializes_as_a_registered_layer():
    layer = SparseDense(3, activation="relu", name="hidden_0")
    config = keras.layers.serialize(layer)
    again = keras.layers.deserialize(config)
    assert type(again) is SparseDense
    assert again.get_config() == layer.get_config()


def test_gradient_inside_a_compiled_function(batch):
    sparse_layer, dense_layer = _pair()

    @tf.function
    def gradient(layer, x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(layer(x)))
        return tf.convert_to_tensor(tape.gradient(loss, layer.kernel))

    np.testing.assert_allclose(
        gradient(sparse_layer, _sparse_tensor(batch)),
        gradient(dense_layer, batch.toarray()),
        atol=1e-4,
    )


def test_gradient_of_a_whole_compiled_function(batch):
    # An outer tape differentiates the function symbolically, not through the
    # record the layer leaves on the tape inside it.
    sparse_layer, dense_layer = _pair()
    grads = []
    for layer, x in (
        (sparse_layer, _sparse_tensor(batch)),
        (dense_layer, batch.toarray()),
    ):
        call = tf.function(lambda x, layer=layer: tf.reduce_sum(tf.square(layer(x))))
        with tf.GradientTape() as tape:
            loss = call(x)
        grads.append(tf.convert_to_tensor(tape.gradient(loss, layer.kernel)))
    np.testing.assert_allclose(grads[0], grads[1], atol=1e-4)


def test_traced_layers_are_freed(batch):
    # tf.custom_gradient registers a gradient function per trace, which keeps the
    # traced layer (and its whole model) alive for the life of the process.
    def trace_and_forget():
        layer = SparseDense(3)
        x = _sparse_tensor(batch)

        @tf.function
        def gradient(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(layer(x))
            return tape.gradient(loss, layer.kernel)

        gradient(x)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.function(lambda x: layer(x))(x))
        tape.gradient(loss, layer.kernel)
        return weakref.ref(layer)

    alive = trace_and_forget()
    gc.collect()
    assert alive() is None


@pytest.mark.slow
def test_a_batch_of_empty_documents_trains(tmp_path):
    # An empty message alone in the last, short batch of an epoch once killed the
    # process (SIGFPE in SparseMatrixMatMul on a zero-row matrix); run it apart.
    script = tmp_path / "empty_batch.py"
    script.write_text(
        "import numpy as np, scipy.sparse as sp\n"
        "from skbig import MLPClassifier\n"
        "X = sp.random(50, 30, density=0.2, format='csr', random_state=0,\n"
        "              dtype=np.float32)\n"
        "X = sp.vstack([X, sp.csr_matrix((1, 30), dtype=np.float32)]).tocsr()\n"
        "y = np.arange(51) % 2\n"
        "for optimizer in ['sparse_adagrad', 'lazy_adam']:\n"
        "    clf = MLPClassifier(hidden_layer_sizes=(4,), batch_size=50, epochs=2,\n"
        "                        early_stopping=False, optimizer=optimizer,\n"
        "                        fit__shuffle=False).fit(X, y)\n"
        "    assert np.isfinite(clf.model_.get_weights()[0]).all()\n"
        "print('trained')\n"
    )
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "trained"
