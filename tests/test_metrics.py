"""skbig._metrics: scores and losses on raw network outputs agree with scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score

from skbig import _metrics

RNG = np.random.RandomState(0)


def test_multiclass_from_ordinal_targets():
    y = RNG.randint(0, 4, 100)
    p = RNG.dirichlet(np.ones(4), size=100)
    assert _metrics.validation_score(y, p) == accuracy_score(y, p.argmax(axis=1))
    assert _metrics.validation_loss(y, p) == pytest.approx(log_loss(y, p), rel=1e-6)


def test_binary_from_one_sigmoid_column():
    y = RNG.randint(0, 2, 100).astype(np.float32)
    p = RNG.uniform(0.01, 0.99, size=(100, 1))
    assert _metrics.validation_score(y, p) == accuracy_score(y, p[:, 0] > 0.5)
    expected = log_loss(y, np.hstack([1 - p, p]))
    assert _metrics.validation_loss(y, p) == pytest.approx(expected, rel=1e-6)


def test_multilabel_is_subset_accuracy_and_mean_binary_loss():
    y = RNG.randint(0, 2, (100, 3))
    p = RNG.uniform(0.01, 0.99, size=(100, 3))
    assert _metrics.validation_score(y, p) == accuracy_score(y, p > 0.5)
    expected = np.mean([log_loss(y[:, j], p[:, j]) for j in range(3)])
    assert _metrics.validation_loss(y, p) == pytest.approx(expected, rel=1e-6)


def test_one_hot_targets_with_softmax_outputs():
    labels = RNG.randint(0, 3, 100)
    y = np.eye(3)[labels]
    p = RNG.dirichlet(np.ones(3), size=100)
    assert _metrics.validation_score(y, p) == accuracy_score(labels, p.argmax(axis=1))


def test_regression_scores():
    y = RNG.normal(size=(50, 2))
    p = y + RNG.normal(scale=0.3, size=(50, 2))
    assert _metrics.r2_score(y, p) == pytest.approx(r2_score(y, p))
    assert _metrics.mse(y, p) == pytest.approx(mean_squared_error(y, p))
    constant = np.ones((5, 1))
    assert _metrics.r2_score(constant, constant) == 0.0  # no variance: no NaN


def test_a_known_target_type_is_not_guessed_from_the_outputs():
    # Rows whose probabilities happen to sum to one: guessed, they look like
    # one-hot multi-class (argmax); the estimator knows they are multi-label.
    y = np.array([[1, 0, 0], [0, 1, 0]])
    p = np.array([[0.4, 0.3, 0.3], [0.2, 0.45, 0.35]])
    assert _metrics.validation_score(y, p) == 1.0
    assert _metrics.validation_score(y, p, "multilabel-indicator") == 0.0


def test_losses_weigh_rows_as_scikit_learn_does():
    # Early stopping weighs the held-out rows as training weighs them.
    w = RNG.uniform(0.1, 5.0, 100)
    y = RNG.randint(0, 4, 100)
    p = RNG.dirichlet(np.ones(4), size=100)
    expected = log_loss(y, p, sample_weight=w)
    assert _metrics.validation_loss(y, p, sample_weight=w) == pytest.approx(expected)
    onehot = np.eye(4)[y]
    got = _metrics.validation_loss(onehot, p, "multiclass", sample_weight=w)
    assert got == pytest.approx(expected)
    y2 = RNG.normal(size=(100, 2))
    p2 = y2 + RNG.normal(scale=0.3, size=(100, 2))
    expected = mean_squared_error(y2, p2, sample_weight=w)
    assert _metrics.mse(y2, p2, sample_weight=w) == pytest.approx(expected)
