"""DP-SGD for skbig's MLP: Poisson batches, per-example clipping, Gaussian noise.

Each step takes every example with probability ``q`` (Poisson sampling, the
assumption of the privacy accountants; fixed shuffled batches would overstate
the privacy), clips each example's gradient to norm ``C`` and adds
``N(0, (sigma C)^2)`` noise to their sum, divided by the *expected* batch size
``q n``. Per-example gradients are never materialised ("ghost clipping"): for a
Dense layer the gradient of example i is the outer product of its input ``a_i``
and its pre-activation gradient ``g_i``, so its squared norm is
``(||a_i||^2 + b^2) ||g_i||^2``, and the clipped sum is ``a^T (c * g)``. The first
layer's input is the sparse TF-IDF row.

Each bias is trained as ``b`` times a weight on a constant input of ``b``
(``intercept_scaling``, liblinear's name for the same synthetic feature): the
clipped, noised quantity is ``b g_i`` and the bias moves by ``b`` times its noisy
step. At ``b = 1`` (the default) the bias takes half of an l2-normalised
document's clipping budget, and its noise, the same for every document, moves
each document's scores as much as all of the kernel's noise; a smaller ``b``
gives both back to the kernel, and the bias learns ``b^2`` times as fast.

The sampling and the noise come from the operating system's entropy, never from
``random_state``: an attacker who knew the seed could subtract the noise.
"""

import math

import numpy as np
import scipy.sparse as sp
import tensorflow as tf

from .batches import _as_tensor
from .build import dense_layers


def _per_example_loss(kind, y, logits):
    if kind == "multiclass":
        return tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.cast(tf.reshape(y, [-1]), tf.int32), logits=logits
        )
    if kind in ("binary", "multilabel-indicator"):
        y = tf.reshape(tf.cast(y, tf.float32), tf.shape(logits))
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
        return tf.reduce_mean(losses, axis=1)
    y = tf.reshape(tf.cast(y, tf.float32), tf.shape(logits))
    return tf.reduce_mean(tf.square(logits - y), axis=1)


class PrivateTrainer:
    """Steps of DP-SGD on ``model`` (skbig's MLP: Dense and Dropout layers)."""

    def __init__(self, model, *, kind, n_samples, sampling_rate, noise_multiplier,
                 clip_norm, alpha=0.0, sparse=True, intercept_scaling=1.0):  # fmt: skip
        self.model, self.kind = model, kind
        self.layers, self.dropout = dense_layers(model)
        self.variables = [
            v for layer in self.layers for v in (layer.kernel, layer.bias)
        ]
        self.expected_batch = sampling_rate * n_samples
        self.sampling_rate = sampling_rate
        self.noise_std = noise_multiplier * clip_norm
        self.clip_norm, self.alpha = clip_norm, alpha
        self.intercept_scaling = float(intercept_scaling)
        self.noise = tf.random.Generator.from_non_deterministic_state()
        self.sampler = np.random.default_rng()  # OS entropy, not random_state
        if sparse:
            x_spec = tf.SparseTensorSpec(
                [None, self.layers[0].kernel.shape[0]], tf.float32
            )
        else:
            x_spec = tf.TensorSpec([None, self.layers[0].kernel.shape[0]], tf.float32)
        # Traced as written (Keras' own steps are so too): the step branches on
        # no tensor, and autograph's rewrite of its source cost each fit a few
        # tenths of a second.
        self._step = tf.function(
            self._noisy_step,
            autograph=False,
            input_signature=[
                x_spec,
                tf.TensorSpec(None, tf.float32),
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([2], tf.int32),
            ],
        )

    # -------------------------------------------------------------- the step
    def clipped_sum(self, x, y, weight, seed, training=True):
        """(clipped gradient sums, per-example norms before clipping, mean loss).
        A bias's sum is that of the weight on its constant input, whose gradient
        is ``intercept_scaling`` times the bias's."""
        b = self.intercept_scaling
        inputs, pre_activations = [], []
        with tf.GradientTape() as tape:
            a = x
            for i, layer in enumerate(self.layers):
                inputs.append(a)
                if isinstance(a, tf.SparseTensor):
                    z = tf.sparse.sparse_dense_matmul(a, layer.kernel) + layer.bias
                else:
                    z = tf.matmul(a, layer.kernel) + layer.bias
                pre_activations.append(z)
                if i < len(self.layers) - 1:
                    a = layer.activation(z)
                    if training and self.dropout:
                        a = tf.nn.experimental.stateless_dropout(
                            a, self.dropout, seed=seed + i
                        )
            losses = _per_example_loss(self.kind, y, z) * weight
            total = tf.reduce_sum(losses)
        upstream = tape.gradient(total, pre_activations)
        squared = tf.zeros_like(weight)
        for a, g in zip(inputs, upstream, strict=True):
            if isinstance(a, tf.SparseTensor):
                a_squared = tf.sparse.reduce_sum(tf.square(a), axis=1)
            else:
                a_squared = tf.reduce_sum(tf.square(a), axis=1)
            squared += (a_squared + b * b) * tf.reduce_sum(tf.square(g), axis=1)
        norms = tf.sqrt(squared)
        scale = tf.minimum(1.0, self.clip_norm / tf.maximum(norms, 1e-12))[:, None]
        sums = []
        for a, g in zip(inputs, upstream, strict=True):
            g = g * scale
            if isinstance(a, tf.SparseTensor):
                kernel = tf.sparse.sparse_dense_matmul(a, g, adjoint_a=True)
            else:
                kernel = tf.matmul(a, g, transpose_a=True)
            sums += [kernel, b * tf.reduce_sum(g, axis=0)]
        return (
            sums,
            norms,
            tf.reduce_sum(losses) / tf.maximum(tf.reduce_sum(weight), 1.0),
        )

    def _noisy_step(self, x, y, weight, seed):
        sums, _, loss = self.clipped_sum(x, y, weight, seed)
        gradients = []
        for total, variable in zip(sums, self.variables, strict=True):
            noisy = total + self.noise.normal(tf.shape(total), stddev=self.noise_std)
            gradient = noisy / self.expected_batch
            if len(variable.shape) == 1:  # the bias moves b times its weight's step
                gradient *= self.intercept_scaling
            if self.alpha and len(variable.shape) == 2:
                gradient += self.alpha * variable  # data-independent: no privacy cost
            gradients.append(gradient)
        self.model.optimizer.apply_gradients(
            zip(gradients, self.variables, strict=True)
        )
        return loss

    # ------------------------------------------------------------- the steps
    def train(self, X, y, sample_weight, steps, seed, on_epoch=None):
        """``steps`` Poisson-sampled steps; ``on_epoch(epoch, mean loss)`` after
        each ``1 / q`` of them. Returns the mean batch loss per epoch."""
        n = X.shape[0]
        y = np.asarray(y, dtype=np.float32)
        weight = np.ones(n, np.float32) if sample_weight is None else sample_weight
        weight = np.asarray(weight, dtype=np.float32)
        per_epoch = max(1, round(1 / self.sampling_rate))
        if seed is None:  # dropout's seed (the privacy noise has its own source)
            seed = int(self.sampler.integers(2**31 - 1))
        losses, epoch_losses = [], []
        for step in range(steps):
            rows = np.flatnonzero(self.sampler.random(n) < self.sampling_rate)
            x = _rows(X, rows)
            loss = self._step(
                x, y[rows], weight[rows], tf.constant([seed, step], tf.int32)
            )
            epoch_losses.append(float(loss))
            if (step + 1) % per_epoch == 0 or step + 1 == steps:
                losses.append(float(np.mean(epoch_losses)))
                epoch_losses = []
                if on_epoch is not None:
                    on_epoch(len(losses), losses[-1])
        return losses


def _rows(X, rows):
    """Rows of ``X`` as the network's input tensor."""
    if sp.issparse(X):
        return _as_tensor(sp.csr_matrix(X[rows], dtype=np.float32))
    return tf.constant(np.asarray(X[rows], dtype=np.float32))


def planned_steps(epochs, sampling_rate):
    """Steps for ``epochs`` passes in expectation at sampling rate ``q``."""
    return max(1, math.ceil(epochs / sampling_rate))
