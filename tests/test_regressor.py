"""MLPRegressor behaviour a scikit-learn user relies on."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_regression

from skbig import MLPRegressor

TINY = dict(hidden_layer_sizes=(32,), learning_rate_init=0.02, batch_size=32)


@pytest.mark.parametrize("n_targets", [1, 3])
def test_fits_single_and_multi_output(n_targets):
    X, y = make_regression(
        n_samples=200, n_features=6, n_targets=n_targets, noise=1, random_state=0
    )
    y = y / y.std()
    reg = MLPRegressor(**TINY, epochs=60, random_state=0).fit(X, y)
    pred = reg.predict(X)
    assert pred.shape == y.shape
    assert pred.dtype == np.float64
    assert reg.score(X, y) > 0.9
    assert reg.n_outputs_ == n_targets


def test_sparse_input_and_early_stopping():
    X, y = make_regression(n_samples=300, n_features=20, random_state=0)
    X = sp.csr_matrix(X)  # the sparse input path, on a learnable problem
    reg = MLPRegressor(
        **TINY, epochs=200, early_stopping=True, n_iter_no_change=5, random_state=0
    ).fit(X, y / y.std())
    assert reg.n_iter_ < 200
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.best_validation_score_ > 0.5
