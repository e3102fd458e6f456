"""SpreadScaler: one common scale for columns on similar scales, else StandardScaler."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import skbig
from skbig import MLPClassifier, MLPRegressor, SpreadScaler


def _columns(spreads, n=200, seed=0):
    rng = np.random.RandomState(seed)
    return 5.0 + rng.randn(n, len(spreads)) * np.asarray(spreads)


def test_columns_within_the_ratio_share_one_scale_and_keep_their_sizes():
    X = _columns([1.0, 3.0, 9.0])
    scaler = SpreadScaler().fit(X)
    stds = X.std(axis=0)
    np.testing.assert_allclose(scaler.scale_, np.sqrt(np.mean(stds**2)))
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0) / Z.std(axis=0)[0], stds / stds[0])
    # About unit variance over the whole matrix.
    np.testing.assert_allclose(np.mean(Z**2), 1.0)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)


@pytest.mark.parametrize("spreads", [[1.0, 11.0], [0.001, 1000.0]])
def test_columns_beyond_the_ratio_are_standardised_each(spreads):
    X = _columns(spreads)
    ours, theirs = SpreadScaler().fit(X), StandardScaler().fit(X)
    np.testing.assert_array_equal(ours.scale_, theirs.scale_)
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))


def test_max_ratio_sets_the_threshold():
    X = _columns([1.0, 3.0])
    assert np.ptp(SpreadScaler(max_ratio=3.5).fit(X).scale_) == 0
    np.testing.assert_array_equal(
        SpreadScaler(max_ratio=1.0).fit(X).scale_, StandardScaler().fit(X).scale_
    )
    with pytest.raises(ValueError, match="max_ratio"):
        SpreadScaler(max_ratio=0.5).fit(X)


def test_constant_columns_neither_count_nor_change():
    X = _columns([1.0, 2.0, 0.0])  # the last column is constant
    scaler = SpreadScaler().fit(X)
    assert scaler.scale_[2] == 1.0
    assert scaler.scale_[0] == scaler.scale_[1] == pytest.approx(np.sqrt(2.5), 0.1)
    np.testing.assert_array_equal(scaler.transform(X)[:, 2], 0.0)


def test_partial_fit_in_parts_equals_one_fit():
    X = _columns([1.0, 4.0])
    whole = SpreadScaler().fit(X)
    parts = SpreadScaler().partial_fit(X[:50]).partial_fit(X[50:])
    np.testing.assert_allclose(parts.scale_, whole.scale_)
    np.testing.assert_allclose(parts.transform(X), whole.transform(X))


def test_without_std_it_only_centres():
    X = _columns([1.0, 2.0])
    scaler = SpreadScaler(with_std=False).fit(X)
    assert scaler.scale_ is None
    np.testing.assert_allclose(scaler.transform(X), X - X.mean(axis=0))


def test_scikit_learn_estimator_checks():
    check_estimator(SpreadScaler())


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_dense_networks_scale_with_it_and_files_keep_it(Estimator, tmp_path):
    X = _columns([1.0, 3.0], n=60).astype("float32")
    y = (X[:, 1] > 5).astype(int) if Estimator is MLPClassifier else X[:, 1] * 10
    model = Estimator(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(X, y)
    assert isinstance(model.feature_encoder_, SpreadScaler)
    assert np.ptp(model.feature_encoder_.scale_) == 0
    skbig.save(model, tmp_path / "m.skbig")
    loaded = skbig.load(tmp_path / "m.skbig")
    assert isinstance(loaded.feature_encoder_, SpreadScaler)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_standard_scaler_in_front_gives_plain_standardisation():
    X = _columns([1.0, 3.0])
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(SpreadScaler().fit(Z).scale_, 1.0)
    np.testing.assert_allclose(SpreadScaler().fit_transform(Z), Z, atol=1e-12)
