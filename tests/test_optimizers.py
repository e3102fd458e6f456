"""LazyAdam and SparseAdagrad: the row-sparse updates behind skbig's fast training."""

import itertools

import keras
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf

from skbig import LazyAdam, SparseAdagrad, SparseDense
from skbig._network.build import build_mlp


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


def _two_layer_model(sparse):
    return keras.Sequential(
        [
            keras.Input((10,), sparse=sparse),
            SparseDense(4, activation="relu", kernel_initializer=_init(0)),
            keras.layers.Dense(1, activation="sigmoid", kernel_initializer=_init(1)),
        ]
    )


def _init(seed):
    return keras.initializers.GlorotUniform(seed=seed)


def _trained(sparse, optimizer, seed):
    """The two-layer model trained by ``optimizer`` on 8 batches in which terms 2
    and 7 never occur, and those batches."""
    batches = _batches(np.random.RandomState(seed), 8, mask=[2, 7])
    if not sparse:
        batches = [(tf.sparse.to_dense(X), y) for X, y in batches]
    model = _two_layer_model(sparse)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    for X, y in batches:
        model.train_on_batch(X, y)
    return model, batches


def _by_hand(sparse, batches, first_kernel_step, epsilon):
    """The same steps written out: ``first_kernel_step(kernel, gradient)`` on the
    first kernel, Keras' Adam on the rest; the reference model."""
    reference = _two_layer_model(sparse)
    kernel, *rest = reference.trainable_variables
    adam = keras.optimizers.Adam(0.01, epsilon=epsilon)
    loss = keras.losses.BinaryCrossentropy()
    for X, y in batches:
        with tf.GradientTape() as tape:
            value = loss(y, reference(X, training=True))
        first, *others = tape.gradient(value, reference.trainable_variables)
        first_kernel_step(kernel, tf.convert_to_tensor(first))
        adam.apply(others, rest)
    return reference


def _assert_same_and_absent_rows_unmoved(model, reference, sparse):
    for got, expected in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-5)
    # Masked terms never had a gradient: their rows are still the initial ones.
    initial = _two_layer_model(sparse).get_weights()[0]
    np.testing.assert_array_equal(model.get_weights()[0][[2, 7]], initial[[2, 7]])


@pytest.mark.parametrize("sparse", [True, False], ids=["sparse", "dense"])
def test_sparse_adagrad_is_adagrad_on_the_first_kernel_and_adam_elsewhere(sparse):
    # epsilon sits outside the square root in TensorFlow's Adagrad kernel and
    # inside it in Keras' Adagrad: a negligible one makes both the same formula.
    model, batches = _trained(sparse, SparseAdagrad(0.01, epsilon=1e-10), seed=3)
    # By hand with Keras' own optimizers: Adagrad at 7x the rate on the first
    # kernel.
    adagrad = keras.optimizers.Adagrad(0.07, initial_accumulator_value=1e-8, epsilon=0)
    reference = _by_hand(
        sparse, batches, lambda kernel, g: adagrad.apply([g], [kernel]), 1e-10
    )
    _assert_same_and_absent_rows_unmoved(model, reference, sparse)


@pytest.mark.parametrize("sparse", [True, False], ids=["sparse", "dense"])
def test_row_wise_adagrad_shares_one_step_size_a_row(sparse):
    optimizer = SparseAdagrad(0.01, epsilon=1e-7, row_wise=True)
    model, batches = _trained(sparse, optimizer, seed=4)
    # By hand: each row's accumulator adds the mean of its squared gradient, and
    # the row moves by 7x the rate times its gradient over the root of that sum.
    sums = np.full(10, 1e-8, np.float32)

    def row_wise_step(kernel, gradient):
        gradient = gradient.numpy()
        sums[:] += np.mean(gradient**2, axis=1)
        step = 0.07 * gradient / (np.sqrt(sums) + 1e-7)[:, None]
        kernel.assign(kernel.numpy() - step)

    reference = _by_hand(sparse, batches, row_wise_step, 1e-7)
    _assert_same_and_absent_rows_unmoved(model, reference, sparse)
    accumulator = model.optimizer._accumulators[0]  # the first kernel's
    np.testing.assert_allclose(accumulator.numpy(), sums, rtol=1e-5)


@pytest.mark.parametrize("row_wise", [True, False])
def test_sparse_adagrad_keeps_no_adam_slots_for_the_first_kernel(row_wise):
    model = _two_layer_model(True)
    optimizer = SparseAdagrad(row_wise=row_wise)
    optimizer.build(model.trainable_variables)
    kernel = model.trainable_variables[0]
    # One accumulator, a value a row or of the kernel's shape; not Adam's two
    # moments.
    shapes = [tuple(v.shape) for v in optimizer.variables]
    assert shapes.count(tuple(kernel.shape)) == (0 if row_wise else 1)
    assert shapes.count((kernel.shape[0],)) == (1 if row_wise else 0)


def test_row_wise_is_an_option_and_survives_its_config():
    assert SparseAdagrad().row_wise is False
    restored = SparseAdagrad.from_config(SparseAdagrad(row_wise=True).get_config())
    assert restored.row_wise is True


@pytest.mark.parametrize("name", ["sparse_adagrad", "SparseAdagrad"])
def test_sparse_adagrad_is_the_default_and_serializable(name):
    from skbig import MLPClassifier

    X = sp.random(30, 20, density=0.2, format="csr", random_state=0)
    assert MLPClassifier().optimizer == "sparse_adagrad"
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=1, optimizer=name)
    clf.set_params(optimizer__adagrad_scale=3.0).fit(X, np.arange(30) % 2)
    assert isinstance(clf.model_.optimizer, SparseAdagrad)
    config = keras.optimizers.serialize(clf.model_.optimizer)
    restored = keras.optimizers.deserialize(config)
    assert isinstance(restored, SparseAdagrad)
    assert restored.adagrad_scale == 3.0


@pytest.mark.parametrize("row_wise", [True, False])
def test_sparse_adagrad_state_survives_saving(tmp_path, row_wise):
    import pickle

    import skbig

    X = sp.random(40, 30, density=0.2, format="csr", random_state=0)
    clf = skbig.MLPClassifier(
        hidden_layer_sizes=(4,), epochs=2, random_state=0,
        optimizer__row_wise=row_wise,
    )  # fmt: skip
    clf.fit(X, np.arange(40) % 2)
    skbig.save(clf, tmp_path / "clf.skbig")
    copies = [skbig.load(tmp_path / "clf.skbig"), pickle.loads(pickle.dumps(clf))]
    for restored in copies:
        optimizer = restored.model_.optimizer
        assert isinstance(optimizer, SparseAdagrad)
        assert optimizer.row_wise is row_wise
        # The accumulator (and Adam's moments) come back, so warm starts continue.
        saved = [v.numpy() for v in clf.model_.optimizer.variables]
        loaded = [v.numpy() for v in optimizer.variables]
        assert len(loaded) == len(saved)
        for got, expected in zip(loaded, saved, strict=True):
            np.testing.assert_array_equal(got, expected)


def _train_steps_alive():
    import gc

    from tensorflow.python.framework.func_graph import FuncGraph

    gc.collect()
    graphs = [g for g in gc.get_objects() if isinstance(g, FuncGraph)]
    return sum(g.name == "one_step_on_data" for g in graphs)


@pytest.mark.parametrize(
    "estimator, optimizer",
    [("MLPClassifier", "sparse_adagrad"), ("MLPRegressor", "sparse_adagrad"),
     ("MLPClassifier", "adam"), ("MLPClassifier", keras.optimizers.SGD(0.1))],
)  # fmt: skip
def test_dense_fits_free_their_traced_train_steps(estimator, optimizer):
    # Keras' all-reduce of dense gradients wrapped them in a tf.custom_gradient,
    # whose gradient function TensorFlow keeps in a process-wide registry with the
    # traced train step it came from: every fit on a dense table kept its graph
    # (3-4 MB) for the life of the process. skbig's optimizers skip that sum
    # without a distribution strategy; Keras' own get the same on their instance.
    import skbig

    X = np.random.RandomState(0).normal(size=(64, 5)).astype(np.float32)
    y = X[:, 0] > 0 if estimator == "MLPClassifier" else X[:, 0]
    model = getattr(skbig, estimator)(
        hidden_layer_sizes=(4,), epochs=1, early_stopping=False, batch_size=64,
        optimizer=optimizer,
    )  # fmt: skip
    before = _train_steps_alive()
    for _ in range(3):
        model.fit(X, y)
    # The last fit's train step belongs to the fitted network, which is alive.
    assert _train_steps_alive() - before <= 1


def test_the_replica_sum_is_kept_under_a_distribution_strategy():
    from skbig._network.optimizers import _one_replica_sum

    calls = []

    def inherited(grads_and_vars):
        calls.append(grads_and_vars)
        return grads_and_vars

    assert _one_replica_sum(inherited, iter([(1, 2)])) == [(1, 2)]
    assert calls == []
    with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
        _one_replica_sum(inherited, [(1, 2)])
    assert calls == [[(1, 2)]]


def test_a_keras_optimizer_with_the_mend_saves_and_pickles(tmp_path):
    import pickle

    import skbig

    X = np.random.RandomState(0).normal(size=(32, 3)).astype(np.float32)
    clf = skbig.MLPClassifier(hidden_layer_sizes=(4,), epochs=1, optimizer="adam")
    clf.fit(X, X[:, 0] > 0)
    skbig.save(clf, tmp_path / "clf.skbig")
    for copy in [skbig.load(tmp_path / "clf.skbig"), pickle.loads(pickle.dumps(clf))]:
        assert type(copy.model_.optimizer) is keras.optimizers.Adam
        np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
        copy.partial_fit(X, X[:, 0] > 0)  # a warm start trains on


@pytest.mark.parametrize(
    "optimizer, name",
    [("lazy_adam", "lazy_adam"), ("sparse_adagrad", "sparse_adagrad"),
     ("adam", "adam"), ("SGD", "sgd"), ("RMSprop", "rm_sprop"),
     (keras.optimizers.Adagrad, "adagrad")],
)  # fmt: skip
def test_every_fit_names_its_optimizer_alike(monkeypatch, optimizer, name):
    # Left to Keras, each fit's optimizer got a new name (adam_1, adam_2, ...), and
    # each new name cost the process 0.1-0.4 MB for good (benchmarks/memory.py:
    # MLPRegressor's LazyAdam grew 0.35 MB a fit); Keras' optimizers.get built one
    # more, auto-named, instance per fit only to find the class.
    from skbig._network.optimizers import make_optimizer

    def no_throwaway(identifier):
        raise AssertionError(f"keras.optimizers.get({identifier!r}) was called")

    monkeypatch.setattr(keras.optimizers, "get", no_throwaway)
    names = {make_optimizer(optimizer, 1e-3, {}).name for _ in range(3)}
    assert names == {name}
    assert make_optimizer(optimizer, 1e-3, {"name": "mine"}).name == "mine"


def test_a_registered_optimizer_name_and_a_class_without_name_still_work():
    from skbig._network.optimizers import make_optimizer

    @keras.saving.register_keras_serializable(package="skbig_test")
    class Plain(keras.optimizers.SGD):
        def __init__(self, learning_rate=0.01):  # no **kwargs: no name
            super().__init__(learning_rate=learning_rate)

    assert isinstance(make_optimizer(Plain, 0.5, {}), Plain)
    optimizer = make_optimizer("skbig_test>Plain", 0.5, {})
    assert type(optimizer) is Plain
    assert float(optimizer.learning_rate) == 0.5
    with pytest.raises(ValueError, match="nope"):
        make_optimizer("nope", 1e-3, {})
