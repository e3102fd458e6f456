"""skbig's own sparse batches: every row once per pass, aligned with its targets."""

import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf

from skbig._batches import sparse_dataset


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


def test_entries_are_grouped_by_row(data):
    X, y, _ = data
    for x, _ in sparse_dataset(X, y, batch_size=7, shuffle=True, seed=1):
        rows = x.indices[:, 0].numpy()
        assert np.all(np.diff(rows) >= 0)
