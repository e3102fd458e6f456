"""Numeric steps in front of the network as TensorFlow operations (SavedModel)."""

import numpy as np
import pytest
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    PolynomialFeatures,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

tf = pytest.importorskip("tensorflow")

from skbig import NotExportableError  # noqa: E402
from skbig._export._tf_steps import steps_function  # noqa: E402


@pytest.fixture(scope="module")
def rows():
    """Columns on different scales, one negative, one never seen in training
    (all missing), some values missing; training and new rows."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5)) * [1, 10, 1000, 0.01, 3] + [0, -50, 2000, 0, 1]
    X[rng.random(X.shape) < 0.1] = np.nan
    return X[:150], X[150:]


STEPS = [
    [SimpleImputer(), StandardScaler()],
    [SimpleImputer(strategy="median"), StandardScaler(with_mean=False)],
    [SimpleImputer(strategy="constant", fill_value=-1.0), RobustScaler()],
    [SimpleImputer(), RobustScaler(with_centering=False)],
    [SimpleImputer(), MinMaxScaler(feature_range=(-1, 2))],
    [SimpleImputer(), MinMaxScaler(clip=True)],
    [SimpleImputer(), MaxAbsScaler(), Normalizer(norm="l1")],
    [SimpleImputer(), Normalizer(), Normalizer(norm="max")],
    [SimpleImputer(), StandardScaler(), PCA(3, whiten=True)],
    [SimpleImputer(), StandardScaler(), PCA(4), TruncatedSVD(2)],
    [SimpleImputer(), StandardScaler(), PolynomialFeatures(2)],
    [SimpleImputer(), FunctionTransformer()],
]


@pytest.mark.parametrize(
    "steps", STEPS, ids=["-".join(type(s).__name__ for s in steps) for steps in STEPS]
)
def test_the_steps_compute_what_scikit_learn_does(steps, rows):
    train, new = rows
    fitted = []
    X = train
    for step in steps:
        X = step.fit_transform(X)
        fitted.append(("", step))
    function = steps_function(fitted)
    got = function(tf.constant(new, tf.float32)).numpy()
    expected = new
    for _, step in fitted:
        expected = step.transform(expected)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_a_column_never_seen_is_dropped_as_scikit_learn_drops_it(rows):
    train, new = rows
    train = train.copy()
    train[:, 2] = np.nan
    imputer = SimpleImputer().fit(train)
    got = steps_function([("", imputer)])(tf.constant(new, tf.float32)).numpy()
    assert got.shape == (len(new), 4)
    with pytest.warns(UserWarning, match="Skipping features"):
        expected = imputer.transform(new)
    assert np.allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("step", "named"),
    [
        (QuantileTransformer(n_quantiles=10), "QuantileTransformer"),
        (FunctionTransformer(np.log1p), "FunctionTransformer of a function"),
        (SimpleImputer(add_indicator=True), "add_indicator"),
        (SimpleImputer(missing_values=-1.0), "missing_values=-1.0"),
    ],
)
def test_other_steps_are_refused_by_name(step, named, rows):
    step.fit(np.nan_to_num(rows[0], nan=-1.0) if "missing" in named else rows[0])
    with pytest.raises(NotExportableError, match=named):
        steps_function([("", step)])
