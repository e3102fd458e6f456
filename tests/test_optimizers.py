"""LazyAdam: the row-sparse Adam update behind skbig's fast sparse training."""

import itertools

import keras
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf

from skbig import LazyAdam
from skbig._model import build_mlp


def _train(optimizer, batches, n_features=10):
    model = build_mlp(n_features, 1, "sigmoid", hidden_layer_sizes=(4,), random_state=0)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    kernels = [model.get_layer("hidden_0").kernel.numpy().copy()]
    for X, y in batches:
        model.train_on_batch(X, y)
        kernels.append(model.get_layer("hidden_0").kernel.numpy().copy())
    return model, kernels


def _sparse_tensor(dense):
    coo = sp.coo_matrix(dense)
    indices = np.stack([coo.row, coo.col], axis=1).astype(np.int64)
    return tf.SparseTensor(indices, coo.data, coo.shape)


def _batches(rng, n_batches, mask=None):
    batches = []
    for _ in range(n_batches):
        dense = rng.rand(16, 10).astype(np.float32)
        if mask is not None:
            dense[:, mask] = 0
        batches.append((_sparse_tensor(dense), (rng.rand(16) > 0.5).astype("float32")))
    return batches


def test_equals_adam_when_every_row_is_touched():
    batches = _batches(np.random.RandomState(0), 12)
    adam, _ = _train(keras.optimizers.Adam(0.01), batches)
    lazy, _ = _train(LazyAdam(0.01), batches)
    for dense_weight, lazy_weight in zip(
        adam.get_weights(), lazy.get_weights(), strict=True
    ):
        np.testing.assert_allclose(lazy_weight, dense_weight, atol=1e-5)


def test_untouched_rows_stay_unchanged():
    rng = np.random.RandomState(1)
    absent = [0, 3]
    # Every term in the first batches, then two terms never again.
    batches = _batches(rng, 3) + _batches(rng, 3, mask=absent)
    _, lazy = _train(LazyAdam(0.01), batches)
    _, adam = _train(keras.optimizers.Adam(0.01), batches)
    for before, after in itertools.pairwise(lazy[3:]):
        np.testing.assert_array_equal(after[absent], before[absent])
        assert not np.allclose(after[1], before[1])  # present rows do move
    # Plain Adam keeps moving them on momentum alone: that is what LazyAdam saves.
    assert not np.allclose(adam[-1][absent], adam[3][absent])


def test_duplicate_rows_in_a_gradient_are_summed():
    batches = _batches(np.random.RandomState(2), 4, mask=[5, 6, 7, 8, 9])
    adam, _ = _train(keras.optimizers.Adam(0.01), batches)
    lazy, _ = _train(LazyAdam(0.01), batches)
    # Rows 0-4 appear in every document (many duplicate indices per batch) and so
    # get every update: they must match dense Adam exactly.
    np.testing.assert_allclose(
        lazy.get_layer("hidden_0").kernel.numpy()[:5],
        adam.get_layer("hidden_0").kernel.numpy()[:5],
        atol=1e-5,
    )


@pytest.mark.parametrize("name", ["lazy_adam", "LazyAdam"])
def test_selected_by_name_and_serializable(name):
    from skbig import MLPClassifier

    X = sp.random(30, 20, density=0.2, format="csr", random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=1, optimizer=name)
    clf.fit(X, np.arange(30) % 2)
    assert isinstance(clf.model_.optimizer, LazyAdam)
    config = keras.optimizers.serialize(clf.model_.optimizer)
    assert isinstance(keras.optimizers.deserialize(config), LazyAdam)
