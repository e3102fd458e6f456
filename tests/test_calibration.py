"""skbig._calibration: the temperature and the per-label thresholds, in numpy."""

import numpy as np
from sklearn.metrics import f1_score

from skbig._calibration import fit_temperature, label_thresholds, tempered


def test_temperature_cools_the_over_confident_and_warms_the_unsure():
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 3, 500)
    sure = np.full((500, 3), 0.005)
    sure[np.arange(500), np.where(rng.rand(500) < 0.7, labels, (labels + 1) % 3)] = 0.99
    assert fit_temperature(sure, labels) > 1
    unsure = np.full((500, 3), 0.3)
    unsure[np.arange(500), labels] = 0.4
    assert fit_temperature(unsure, labels) < 1
    binary = np.where(labels[:, None] == 1, 0.6, 0.4)
    assert fit_temperature(binary, (labels == 1).astype(float)) < 1


def test_tempered_keeps_the_order_and_one_is_the_identity():
    rng = np.random.RandomState(0)
    p = rng.dirichlet(np.ones(4), size=50)
    np.testing.assert_allclose(tempered(p, 1.0), p, rtol=1e-6)
    hot = tempered(p, 3.0)
    np.testing.assert_allclose(hot.sum(axis=1), 1)
    np.testing.assert_array_equal(hot.argmax(axis=1), p.argmax(axis=1))
    assert hot.max(axis=1).mean() < p.max(axis=1).mean()
    sigmoid = rng.uniform(0.01, 0.99, size=(50, 1))
    np.testing.assert_allclose(tempered(sigmoid, 1.0), sigmoid, rtol=1e-6)


def test_label_thresholds_lower_the_bar_for_a_rare_label():
    rng = np.random.RandomState(0)
    y = np.zeros((200, 3), dtype=bool)
    y[:100, 0] = True  # common label, well separated at 0.5
    y[:10, 1] = True  # rare label: its positives only reach 0.2-0.3
    proba = np.where(y, 0.8, 0.2) + rng.uniform(-0.1, 0.1, y.shape)
    proba[:10, 1] = rng.uniform(0.2, 0.3, 10)
    proba[10:, 1] = rng.uniform(0.0, 0.15, 190)
    thresholds = label_thresholds(y, proba)
    assert 0.3 <= thresholds[0] <= 0.7
    assert 0.15 <= thresholds[1] <= 0.2  # catches all ten, no false positive
    # No positives held out: the threshold that maximises micro-F1 over all labels.
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    micro = [f1_score(y, proba >= t, average="micro") for t in grid]
    assert thresholds[2] == grid[int(np.argmax(micro))]
