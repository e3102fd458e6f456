"""The scikeras seam: what skbig mends for current scikit-learn stays mended."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_classifier, is_regressor
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.utils import get_tags

from skbig import MLPClassifier, MLPRegressor, make_text_classifier


@pytest.mark.parametrize("estimator", [MLPClassifier(), make_text_classifier()])
def test_classifiers_are_classifiers(estimator):
    assert is_classifier(estimator)
    assert not is_regressor(estimator)


def test_regressor_is_regressor():
    assert is_regressor(MLPRegressor())
    assert not is_classifier(MLPRegressor())


def test_cross_validation_stratifies_the_pipeline():
    y = np.array(["a"] * 10 + ["b"] * 10)
    cv = check_cv(3, y, classifier=is_classifier(make_text_classifier()))
    assert isinstance(cv, StratifiedKFold)


def test_tags():
    clf_tags = get_tags(MLPClassifier())
    assert clf_tags.estimator_type == "classifier"
    assert clf_tags.classifier_tags.multi_label
    assert clf_tags.input_tags.sparse
    assert clf_tags.target_tags.required
    reg_tags = get_tags(MLPRegressor())
    assert reg_tags.estimator_type == "regressor"
    assert reg_tags.input_tags.sparse


def test_sparse_input_stays_csr_float32():
    X = sp.random(20, 50, density=0.1, format="csr", random_state=0, dtype=np.float64)
    y = np.arange(20) % 2
    clf = MLPClassifier()
    clf.classes_ = None  # as fit() leaves it before validating
    X_valid, _ = clf._validate_data(X, y, reset=True)
    assert sp.issparse(X_valid) and X_valid.format == "csr"
    assert X_valid.dtype == np.float32
    assert X_valid.has_canonical_format


def test_one_label_per_row_stays_multilabel():
    # scikeras would call this "one-hot multi-class" and predict with argmax.
    rng = np.random.RandomState(0)
    X = rng.rand(60, 4)
    Y = np.eye(3, dtype=int)[np.arange(60) % 3]
    clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(X, Y)
    assert clf.model_.layers[-1].activation.__name__ == "sigmoid"
    assert clf.predict(X).shape == Y.shape


def test_class_weight_leaves_the_callers_sample_weight_alone():
    X = np.random.RandomState(0).rand(40, 3)
    y = np.arange(40) % 2
    weights = np.ones(40)
    MLPClassifier(
        hidden_layer_sizes=(4,), epochs=1, class_weight="balanced", random_state=0
    ).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(weights, np.ones(40))


def test_repr_is_scikit_learns():
    assert repr(MLPClassifier(epochs=3)) == "MLPClassifier(epochs=3)"


def test_seeded_fit_leaves_tensorflow_as_it_found_it():
    # scikeras' own seeding context left op determinism on for the whole process,
    # after which any unseeded random op (dropout, shuffling) raised.
    from tensorflow.python.framework import config

    X = np.random.RandomState(0).rand(40, 3)
    y = np.arange(40) % 2
    MLPClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(X, y)
    assert not config.is_op_determinism_enabled()
    MLPClassifier(hidden_layer_sizes=(4,), epochs=1, dropout=0.5).fit(X, y)


def test_non_canonical_csr_is_canonicalised_on_a_copy():
    # Unsorted column indices with a duplicate entry: (0, 2) appears twice.
    X = sp.csr_matrix(
        (np.array([1.0, 2.0, 3.0, 5.0], dtype=np.float32), [2, 0, 2, 1], [0, 3, 4]),
        shape=(2, 3),
    )
    X.has_canonical_format = False
    clf = MLPClassifier()
    clf.classes_ = None
    X_valid, _ = clf._validate_data(X, np.array([0, 1]), reset=True)
    assert X_valid.has_canonical_format
    np.testing.assert_array_equal(X_valid.toarray(), [[2.0, 0.0, 4.0], [0, 5.0, 0]])
    np.testing.assert_array_equal(X.indices, [2, 0, 2, 1])  # the caller's is untouched
