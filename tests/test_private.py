"""DP-SGD's mechanics: ghost clipping against brute force, Poisson batches, noise."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf

from skbig._network.build import build_mlp
from skbig._network.private import PrivateTrainer, _rows, planned_steps


def _trainer(sparse, clip_norm=0.05, noise_multiplier=0.0, n_samples=100, width=5,
             intercept_scaling=1.0):  # fmt: skip
    model = build_mlp(12, 3, "softmax", hidden_layer_sizes=(width,), sparse=sparse,
                      random_state=0)  # fmt: skip
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    return PrivateTrainer(
        model, kind="multiclass", n_samples=n_samples, sampling_rate=0.1,
        noise_multiplier=noise_multiplier, clip_norm=clip_norm, sparse=sparse,
        intercept_scaling=intercept_scaling,
    )  # fmt: skip


def _data(sparse):
    rng = np.random.RandomState(0)
    X = sp.random(6, 12, density=0.4, random_state=0, format="csr", dtype=np.float32)
    X = X if sparse else X.toarray()
    return X, rng.randint(0, 3, 6).astype(np.float32)


@pytest.mark.parametrize("scaling", [1.0, 0.1])
@pytest.mark.parametrize("sparse", [True, False], ids=["sparse", "dense"])
def test_ghost_clipping_matches_one_example_at_a_time(sparse, scaling):
    trainer = _trainer(sparse, intercept_scaling=scaling)
    X, y = _data(sparse)
    weight = np.ones(6, np.float32)
    seed = tf.constant([0, 0], tf.int32)
    sums, norms, _ = trainer.clipped_sum(_rows(X, np.arange(6)), y, weight, seed,
                                         training=False)  # fmt: skip
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected_sums = [np.zeros(v.shape) for v in trainer.variables]
    for i in range(6):
        with tf.GradientTape() as tape:
            x = _rows(X, np.array([i]))
            a = x
            for j, layer in enumerate(trainer.layers):
                if isinstance(a, tf.SparseTensor):
                    z = tf.sparse.sparse_dense_matmul(a, layer.kernel) + layer.bias
                else:
                    z = tf.matmul(a, layer.kernel) + layer.bias
                a = layer.activation(z) if j < len(trainer.layers) - 1 else z
            value = loss(y[i : i + 1], a)
        # A bias is b times a weight on a constant input of b: that weight's
        # gradient is b times the bias's.
        grads = [
            g.numpy() * (scaling if g.ndim == 1 else 1.0)
            for g in tape.gradient(value, trainer.variables)
        ]
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        np.testing.assert_allclose(norms[i], norm, rtol=1e-5)
        factor = min(1.0, trainer.clip_norm / norm)
        for total, g in zip(expected_sums, grads, strict=True):
            total += factor * g
    assert np.any(norms.numpy() > trainer.clip_norm)  # clipping was exercised
    for got, want in zip(sums, expected_sums, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-7)


def test_batches_are_poisson_samples_of_varying_size(monkeypatch):
    trainer = _trainer(sparse=True, n_samples=400)
    X = sp.random(400, 12, density=0.3, random_state=1, format="csr", dtype=np.float32)
    sizes = []
    monkeypatch.setattr(
        trainer, "_step", lambda x, y, w, s: sizes.append(len(w)) or tf.constant(0.0)
    )
    trainer.train(X, np.zeros(400), None, steps=300, seed=0)
    sizes = np.asarray(sizes)
    assert len(set(sizes)) > 10  # not a fixed batch size
    # Binomial(400, 0.1): mean 40, standard deviation 6
    assert abs(sizes.mean() - 40) < 1.5 and 4 < sizes.std() < 8


def test_noise_has_the_planned_scale_over_the_expected_batch():
    sigma, clip, n = 2.0, 0.5, 1000
    # 3,203 weights: the spread of their updates is known to about 1 %
    trainer = _trainer(sparse=False, clip_norm=clip, noise_multiplier=sigma,
                       n_samples=n, width=200, intercept_scaling=0.1)  # fmt: skip
    before = [v.numpy().copy() for v in trainer.variables]
    empty = np.zeros((0, 12), np.float32)
    trainer._step(tf.constant(empty), np.zeros(0, np.float32),
                  np.zeros(0, np.float32), tf.constant([0, 0], tf.int32))  # fmt: skip

    def moved(ndim):
        return np.concatenate(
            [
                (b - v.numpy()).ravel()
                for b, v in zip(before, trainer.variables, strict=True)
                if v.ndim == ndim
            ]
        )

    # SGD at learning rate 1: a kernel's update is the noise over the expected
    # batch (3,000 weights: their spread is known to about 1.3 %); a bias moves
    # intercept_scaling times the noisy step of its weight (203 biases: about 5 %).
    kernels, biases = moved(2), moved(1)
    assert kernels.std() == pytest.approx(sigma * clip / (0.1 * n), rel=0.06)
    assert abs(kernels.mean()) < 0.2 * kernels.std()
    assert biases.std() == pytest.approx(0.1 * sigma * clip / (0.1 * n), rel=0.2)


def test_steps_cover_the_epochs_at_the_sampling_rate():
    assert planned_steps(30, 0.1) == 300
    assert planned_steps(1, 0.3) == 4


@pytest.mark.parametrize("sparse", [True, False], ids=["sparse", "dense"])
def test_the_step_is_traced_without_autograph(sparse, autograph_conversions):
    # Autograph's rewrite of the step's source cost each private fit a few tenths
    # of a second and changes nothing: it branches on no tensor.
    trainer = _trainer(sparse, noise_multiplier=1.0)
    X, y = _data(sparse)
    trainer.train(X, y, None, steps=3, seed=0)
    assert not autograph_conversions
