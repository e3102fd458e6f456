"""The scikeras seam: what skbig mends for current scikit-learn stays mended."""

import ast
import inspect
import os
import pathlib

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_classifier, is_regressor
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.utils import get_tags

import skbig
from skbig import MLPClassifier, MLPRegressor, make_text_classifier
from skbig._scikeras import HOOKS, _Seam


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


def test_seeded_fit_leaves_the_process_as_it_found_it():
    # scikeras' own seeding context left op determinism on for the whole process,
    # after which any unseeded random op (dropout, shuffling) raised; and it
    # reseeded the global generators around every fit.
    X = np.random.RandomState(0).rand(40, 3)
    y = np.arange(40) % 2
    np.random.seed(5)  # noqa: NPY002
    expected = np.random.rand()  # noqa: NPY002
    np.random.seed(5)  # noqa: NPY002
    MLPClassifier(
        hidden_layer_sizes=(4,), epochs=1, early_stopping=False, random_state=0
    ).fit(X, y)
    assert np.random.rand() == expected  # noqa: NPY002
    assert "TF_DETERMINISTIC_OPS" not in os.environ
    MLPClassifier(
        hidden_layer_sizes=(4,), epochs=1, early_stopping=False, dropout=0.5
    ).fit(X, y)


def test_every_hook_still_exists_in_scikeras():
    import scikeras.utils.transformers
    import scikeras.wrappers

    source = inspect.getsource(scikeras.wrappers) + inspect.getsource(
        scikeras.utils.transformers
    )
    for name in HOOKS:
        assert f"self.{name}" in source or f"def {name}(" in source, name


def test_the_seam_overrides_each_method_hook_itself():
    from scikeras.wrappers import BaseWrapper

    methods = [n for n in HOOKS if callable(getattr(BaseWrapper, n, None))]
    assert {"_validate_data", "_fit_keras_model", "_build_keras_model"} <= set(methods)
    for name in methods:
        if name != "_initialize_callbacks":  # only called, not overridden
            assert name in vars(_Seam), name


def test_no_other_module_names_a_hook():
    package = pathlib.Path(skbig.__file__).parent
    for path in package.rglob("*.py"):
        if path.name == "_scikeras.py":
            continue
        tree = ast.parse(path.read_text())
        named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        named |= {
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert not (named & set(HOOKS)), (path.name, named & set(HOOKS))


def test_a_loaded_encoder_is_rebuilt_from_plain_numbers():
    rng = np.random.RandomState(0)
    X = rng.rand(30, 3)
    for y in (
        np.array(["b", "a", "c"] * 10, dtype=object),
        np.array([0, 1] * 15),  # integers keep their dtype
        np.eye(3, dtype=int)[np.arange(30) % 3],
    ):
        clf = MLPClassifier(
            hidden_layer_sizes=(4,), epochs=1, early_stopping=False, random_state=0
        )
        clf.fit(X, y)
        state = clf.__getstate__()
        assert isinstance(state["target_encoder_"], dict)
        again = MLPClassifier.__new__(MLPClassifier)
        again.__setstate__(state)
        np.testing.assert_array_equal(again.predict(X), clf.predict(X))
        assert again.predict(X).dtype == clf.predict(X).dtype
    reg = MLPRegressor(hidden_layer_sizes=(4,), epochs=1, early_stopping=False).fit(
        X, 100 * X[:, :2]
    )
    again = MLPRegressor.__new__(MLPRegressor)
    again.__setstate__(reg.__getstate__())
    np.testing.assert_allclose(again.predict(X), reg.predict(X))


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


def test_callbacks_without_predict_hooks_leave_predict_on_the_direct_path(
    monkeypatch,
):
    import keras

    class EpochLog(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.epochs = epoch + 1

    class PredictLog(keras.callbacks.Callback):
        batches = 0

        def on_predict_batch_end(self, batch, logs=None):
            self.batches += 1

    X = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    epoch_log, predict_log = EpochLog(), PredictLog()
    clf = MLPClassifier((4,), epochs=2, early_stopping=False, random_state=0,
                        callbacks=[epoch_log, [predict_log]]).fit(X, y)  # fmt: skip
    assert epoch_log.epochs == 2
    clf.predict(X)  # the callback that listens to predict still hears it
    assert predict_log.batches > 0
    clf.set_params(callbacks=[epoch_log]).fit(X, y)

    def keras_predict_loop(*args, **kwargs):
        raise AssertionError("Keras' predict loop ran for a callback that ignores it")

    monkeypatch.setattr(type(clf.model_), "predict", keras_predict_loop)
    assert clf.predict_proba(X).shape == (40, 2)
