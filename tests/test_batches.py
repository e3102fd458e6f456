"""skbig's own sparse batches: every row once per pass, aligned with its targets;
prediction over a whole matrix."""

import logging

import keras
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf

from skbig._network import batches
from skbig._network.batches import EAGER_BATCHES, predict, sparse_dataset
from skbig._network.build import build_mlp


@pytest.fixture
def data():
    X = sp.random(23, 9, density=0.3, format="csr", random_state=0, dtype=np.float32)
    X = X.tolil()
    X[5] = 0  # an empty row
    X = X.tocsr()
    return X, np.arange(23), np.linspace(0.5, 1.5, 23)


def _passes(dataset, n_passes, n_batches):
    iterator = iter(dataset)
    return [[next(iterator) for _ in range(n_batches)] for _ in range(n_passes)]


def test_batches_rebuild_the_rows_with_their_targets_and_weights(data):
    X, y, w = data
    dataset = sparse_dataset(X, y, w, batch_size=5, shuffle=True, seed=0)
    assert dataset.cardinality() == 5
    seen = []
    for x, y_batch, w_batch in dataset:
        rows = y_batch.numpy()
        assert x.dense_shape[0] == len(rows) <= 5
        np.testing.assert_array_equal(tf.sparse.to_dense(x), X[rows].toarray())
        np.testing.assert_array_equal(w_batch, w[rows])
        seen += list(rows)
    assert sorted(seen) == list(range(23))


def test_without_shuffle_the_rows_keep_their_order(data):
    X, _, _ = data
    batches = list(sparse_dataset(X, batch_size=10))
    dense = np.vstack([tf.sparse.to_dense(b).numpy() for b in batches])
    np.testing.assert_array_equal(dense, X.toarray())


def test_each_pass_has_a_new_order_reproducible_from_the_seed(data):
    X, y, _ = data
    orders = []
    for _ in range(2):
        dataset = sparse_dataset(X, y, batch_size=23, shuffle=True, seed=3, repeat=True)
        orders.append([p[0][1].numpy() for p in _passes(dataset, 3, 1)])
    assert orders[0][0].tolist() != orders[0][1].tolist()  # a new order per epoch
    for first, second in zip(*orders, strict=True):
        np.testing.assert_array_equal(first, second)  # the same for the same seed
    for order in orders[0]:
        assert sorted(order) == list(range(23))


@pytest.mark.parametrize("dense", [False, True])
def test_one_short_pass_made_as_tensors_equals_the_traced_pipelines_first(data, dense):
    # partial_fit's pass of a few batches is built without tracing anything; its
    # batches and element spec must be the endless pipeline's first pass.
    X, y, w = data
    X = X.toarray() if dense else X
    assert sp.issparse(X) != dense and 5 <= EAGER_BATCHES
    assert sparse_dataset(X, batch_size=5).cardinality() == 5  # Keras counts on it
    one = sparse_dataset(X, y, w, batch_size=5, shuffle=True, seed=4)
    endless = sparse_dataset(X, y, w, batch_size=5, shuffle=True, seed=4, repeat=True)
    assert one.element_spec == endless.element_spec
    assert one.cardinality() == 5
    for mine, theirs in zip(one, _passes(endless, 1, 5)[0], strict=True):
        for a, b in zip(mine, theirs, strict=True):
            if isinstance(a, tf.SparseTensor):
                np.testing.assert_array_equal(a.indices, b.indices)
                a, b = a.values, b.values
            np.testing.assert_array_equal(a, b)


def test_short_passes_of_one_layout_share_an_empty_prefix_that_holds_no_data(data):
    # The relaxed-length prefix costs ~11 ms to set up, so it is made once per
    # layout, from a batch of no rows: other data of that layout reuse it.
    X, y, w = data
    batches._no_batches.cache_clear()
    first = sparse_dataset(X, y, w, batch_size=5)
    again = sparse_dataset(X[3:] * 2, y[3:], w[3:], batch_size=4, shuffle=True, seed=1)
    other = sparse_dataset(X, y, batch_size=5)  # no weights: another layout
    info = batches._no_batches.cache_info()
    assert (info.misses, info.hits) == (2, 1)
    assert first.element_spec == again.element_spec != other.element_spec
    layouts = tuple(map(batches._layout, first.element_spec))
    assert not list(batches._no_batches(layouts, True))


def test_a_long_pass_takes_the_traced_pipeline(data, monkeypatch):
    X, y, _ = data
    made = []
    monkeypatch.setattr(batches, "_eager_dataset", lambda *a: made.append(a))
    sparse_dataset(X, y, batch_size=1)  # 23 batches
    monkeypatch.setattr(batches, "EAGER_ROWS", 10)
    sparse_dataset(X, y, batch_size=5)  # 5 batches, but 23 rows
    assert not made
    monkeypatch.setattr(batches, "EAGER_ROWS", 23)
    sparse_dataset(X, y, batch_size=5)
    assert len(made) == 1
    monkeypatch.undo()
    empty = sparse_dataset(X[:0], y[:0], batch_size=5)  # no rows: an empty pass
    assert empty.cardinality() == 0 and not list(empty)


def test_the_pipeline_and_forward_pass_are_traced_without_autograph(
    data, autograph_conversions
):
    # Autograph's rewrite of the functions' source cost each fit a few tenths of
    # a second and changes nothing: none of them branches on a tensor.
    X, y, w = data
    dataset = sparse_dataset(X, y, w, batch_size=5, shuffle=True, seed=0, repeat=True)
    next(iter(dataset))
    model = build_mlp(9, 3, "softmax", hidden_layer_sizes=(4,), random_state=0)
    predict(model, X, batch_size=10)
    assert not autograph_conversions


def test_entries_are_grouped_by_row(data):
    X, y, _ = data
    for x, _ in sparse_dataset(X, y, batch_size=7, shuffle=True, seed=1):
        rows = x.indices[:, 0].numpy()
        assert np.all(np.diff(rows) >= 0)


@pytest.fixture(scope="module")
def network():
    return build_mlp(9, 3, "softmax", hidden_layer_sizes=(4,), random_state=0)


@pytest.mark.parametrize("batch_size", [4, 23, 100])
def test_predict_in_chunks_equals_keras_predict(data, network, batch_size):
    X, _, _ = data
    expected = network.predict(X.toarray(), verbose=0)
    for matrix in (X, X.tocsc(), X.toarray()):
        got = predict(network, matrix, batch_size=batch_size)
        assert got.shape == (23, 3)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_predict_concatenates_each_output_of_a_multi_output_model(data):
    X, _, _ = data
    inputs = keras.Input((9,))
    model = keras.Model(
        inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(1)(inputs)]
    )
    first, second = predict(model, X.toarray(), batch_size=5)
    assert first.shape == (23, 2) and second.shape == (23, 1)
    # Keras' predict in the same batches: oneDNN picks its float32 kernels by
    # batch shape, so batches of 32 could move a value near 0 past 1e-6 relative
    # (4e-6 on 0.0034 in one CI run, whose weights were drawn unseeded).
    expected = model.predict(X.toarray(), batch_size=5, verbose=0)[1]
    np.testing.assert_allclose(second, expected, rtol=1e-6)


def test_each_network_is_traced_once_per_input_kind_and_logs_nothing(data):
    # Keras' predict_on_batch traced twice per model, and TensorFlow counts
    # traces across models: predicting with a few models in turn logged
    # "triggered tf.function retracing" warnings at verbose=0.
    X, _, _ = data
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("tensorflow")
    logger.addHandler(handler)
    try:
        for seed in range(4):
            model = build_mlp(
                9, 3, "softmax", hidden_layer_sizes=(4,), random_state=seed
            )
            predict(model, X, batch_size=10)  # rows 10, 10, 3
            for batch_size in (4, 23):
                predict(model, X, batch_size=batch_size)
                predict(model, X.toarray(), batch_size=batch_size)
            assert len(model.__dict__["_skbig_traced"].functions) == 2  # sparse, dense
    finally:
        logger.removeHandler(handler)
    assert not [r.getMessage() for r in records if "retracing" in r.getMessage()]


def test_predict_runs_keras_loop_for_callbacks(data, network):
    X, _, _ = data

    class Count(keras.callbacks.Callback):
        batches = 0

        def on_predict_batch_end(self, batch, logs=None):
            Count.batches += 1

    got = predict(network, X, batch_size=10, callbacks=[Count()], verbose=0)
    assert Count.batches == 3
    np.testing.assert_allclose(got, predict(network, X, batch_size=10), rtol=1e-6)
