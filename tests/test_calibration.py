"""skbig._calibration: the temperature and the per-label thresholds, in numpy."""

import numpy as np
import pytest
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


def test_new_rows_tells_copies_of_training_rows_in_any_entry_order():
    import scipy.sparse as sp

    from skbig._calibration import new_rows

    train = sp.csr_matrix(np.array([[0, 1.0, 2.0], [3.0, 0, 0]]))
    # The first row again with its entries out of order and an explicit zero.
    copy = sp.csr_matrix(
        (np.array([2.0, 1.0, 0.0]), np.array([2, 1, 0]), np.array([0, 3])), (1, 3)
    )
    unseen = sp.csr_matrix(np.array([[0, 1.0, 2.5]]))
    held_out = sp.vstack([copy, unseen, train[1]]).tocsr()
    np.testing.assert_array_equal(new_rows(train, held_out), [False, True, False])
    dense = new_rows(train.toarray(), held_out.toarray())
    np.testing.assert_array_equal(dense, [False, True, False])
    assert new_rows(train, iter(())) is None  # a stream: not told


class _Classifier:
    _target_kind, temperature = "multiclass", "auto"

    def _own_probabilities(self):
        return True


def _held_out(n_copies, n_new, rng):
    """Network outputs for held-out rows: copies of training rows, 90 % sure and
    always right; new rows, as sure and right three times in five."""
    y = rng.randint(0, 3, n_copies + n_new)
    guess = np.where(rng.rand(len(y)) < 0.6, y, (y + 1) % 3)
    guess[:n_copies] = y[:n_copies]
    raw = np.full((len(y), 3), 0.05)
    raw[np.arange(len(y)), guess] = 0.9
    return raw, y


def test_the_temperature_leaves_out_held_out_copies_of_training_rows(monkeypatch):
    from skbig import _calibration

    rng = np.random.RandomState(0)
    raw, y = _held_out(150, 100, rng)
    X_val = np.arange(len(y), dtype=float)[:, None]
    X_train = X_val[:150]  # the first 150 held-out rows are copies
    clf = _Classifier()
    _calibration.learn_from_held_out(clf, raw, y, X_val, X_train)
    assert clf.temperature_ == pytest.approx(fit_temperature(raw[150:], y[150:]))
    everything = fit_temperature(raw, y)
    assert clf.temperature_ > 1.5 * everything  # the copies made it far too sure
    assert clf.temperature_ > 1  # new rows: the network is over-confident

    # Too few new rows to learn from: all of them, as without X_train.
    monkeypatch.setattr(_calibration, "MIN_NEW_ROWS", 101)
    _calibration.learn_from_held_out(clf, raw, y, X_val, X_train)
    assert clf.temperature_ == pytest.approx(everything)
    _calibration.learn_from_held_out(clf, raw, y)
    assert clf.temperature_ == pytest.approx(everything)


def test_a_fit_learns_its_temperature_from_held_out_rows_it_did_not_train_on(
    monkeypatch,
):
    import scipy.sparse as sp

    from skbig import MLPClassifier, _calibration

    seen = []

    def recording(raw, y):
        seen.append(len(y))
        return 1.0

    monkeypatch.setattr(_calibration, "fit_temperature", recording)
    rng = np.random.RandomState(0)
    X = sp.random(300, 40, density=0.2, format="csr", random_state=rng)
    X = sp.vstack([X, X[:300]]).tocsr()  # every row twice
    X = sp.vstack([X, sp.random(400, 40, density=0.2, format="csr", random_state=1)])
    y = (
        np.asarray(X[:, :20].sum(axis=1)).ravel()
        > np.asarray(X[:, 20:].sum(axis=1)).ravel()
    )
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), batch_size=500, epochs=3, validation_fraction=0.25,
        random_state=0,
    )  # fmt: skip
    clf.fit(X, y)
    assert clf.temperature_ == 1.0 and len(seen) == 1
    held_out = clf.training_plan_["n_validation"]
    # Six rows in ten have a twin, trained on for three held-out rows in four:
    # about 45 % of the held-out rows are left out.
    assert 0.4 * held_out < seen[0] < 0.7 * held_out
