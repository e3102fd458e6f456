"""densify_tables: a one-hot encoded table in a sparse matrix trains as the dense
table it is; text, a first ``partial_fit`` and private fits stay sparse."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_corpus
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder

from skbig import MLPClassifier, MLPRegressor, _tables
from skbig._tables import is_table, sparse_training

TINY = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)


@pytest.fixture(scope="module")
def table():
    """Six categorical columns one-hot encoded (one non-zero each a row)."""
    rng = np.random.RandomState(0)
    codes = rng.randint(0, 5, size=(300, 6))
    y = np.where((codes[:, 0] == 1) | (codes[:, 1] == codes[:, 2]), "yes", "no")
    return OneHotEncoder().fit_transform(codes).tocsr(), y


@pytest.fixture(scope="module")
def fitted(table):
    X, y = table
    with pytest.warns(Warning):  # three epochs: unconverged
        return MLPClassifier(**TINY).fit(X, y)


def test_one_hot_rows_are_a_table_and_text_rows_are_not(table):
    X, _ = table
    assert is_table(X) and is_table(sp.coo_array(X))
    texts, _ = make_corpus(n_docs=120)
    assert not is_table(TfidfVectorizer().fit_transform(texts))
    assert not is_table(sp.csr_matrix((300, 3)))  # no non-zeros at all
    assert not is_table(X[: _tables.MIN_ROWS - 1])  # too few rows to tell
    assert is_table(X[: _tables.MIN_ROWS])
    # a number, standardised, is 0 in a few rows (9 %) or in many (11 %)
    for zeros, expected in ((27, True), (33, False)):
        number = np.arange(300.0) + 1
        number[:zeros] = 0
        assert is_table(sp.hstack([X, number[:, None]]).tocsr()) is expected


def test_a_table_past_the_dense_size_limit_stays_sparse(table, monkeypatch):
    X, _ = table
    monkeypatch.setattr(_tables, "MAX_DENSE_BYTES", X.shape[0] * X.shape[1] * 4 - 1)
    assert not is_table(X)


def test_a_sparse_table_trains_exactly_as_its_dense_copy(table, fitted):
    X, y = table
    with pytest.warns(Warning):
        dense = MLPClassifier(**TINY).fit(X.toarray(), y)
    assert fitted.feature_weights_ is None  # no naive-Bayes weights on a table
    assert type(fitted.feature_encoder_).__name__ == "StandardScaler"
    np.testing.assert_array_equal(fitted.predict_proba(X), dense.predict_proba(X))
    np.testing.assert_array_equal(
        fitted.predict_proba(X.toarray()), dense.predict_proba(X)
    )


def test_densify_tables_false_trains_the_table_as_text(table):
    X, y = table
    with pytest.warns(Warning):
        sparse = MLPClassifier(densify_tables=False, **TINY).fit(X, y)
    assert sparse.feature_weights_ is not None
    assert type(sparse.feature_encoder_).__name__ == "FunctionTransformer"


def test_partial_fit_keeps_how_the_network_was_trained(table, fitted):
    X, y = table
    first = MLPClassifier(**TINY).partial_fit(X, y, classes=["no", "yes"])
    assert first._sparse_input  # one batch cannot say what the stream is
    assert sparse_training(first, X, partial=True)
    assert not sparse_training(fitted, X, partial=True)
    before = fitted.predict_proba(X)
    fitted_again = MLPClassifier(**TINY).fit(X.toarray(), y)
    fitted_again.partial_fit(X, y)  # sparse batches into a network trained dense
    assert not np.array_equal(fitted_again.predict_proba(X), before)


def test_private_fits_and_the_regressor_never_densify(table):
    X, _ = table
    private = MLPClassifier(dp_epsilon=8.0)
    assert sparse_training(private, X)
    assert sparse_training(MLPRegressor(), X)
    assert not sparse_training(MLPClassifier(), X)
    assert not sparse_training(MLPClassifier(densify_tables=False), X.toarray())


def test_a_network_trained_dense_predicts_sparse_input(table):
    X, _ = table
    target = np.asarray(X[:, 0].toarray().ravel() * 2.0 + 1.0)
    reg = MLPRegressor(**TINY).fit(X.toarray(), target)
    np.testing.assert_array_equal(reg.predict(X), reg.predict(X.toarray()))
