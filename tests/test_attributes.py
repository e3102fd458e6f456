"""The fitted attributes scikit-learn's MLP has, under its names, read off skbig's."""

import warnings

import keras
import numpy as np
import pytest
from conftest import make_corpus
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor

import skbig
from skbig import MLPClassifier, MLPRegressor, make_text_classifier

FIXED = dict(hidden_layer_sizes=(16, 8), epochs=5, batch_size=64, random_state=0)


def _targets(kind):
    X, y = make_classification(n_samples=120, n_features=6, n_classes=3,
                               n_informative=4, random_state=0)  # fmt: skip
    if kind == "binary":
        return X, y % 2
    if kind == "multiclass":
        return X, y
    if kind == "multilabel":
        return make_multilabel_classification(120, 6, n_classes=3, random_state=0)
    return make_regression(120, 6, n_targets=2, random_state=0)


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "regression"])
def test_the_shapes_and_names_are_scikit_learns(kind):
    X, y = _targets(kind)
    ours = MLPRegressor if kind == "regression" else MLPClassifier
    theirs = SklearnMLPRegressor if kind == "regression" else SklearnMLPClassifier
    with pytest.warns(ConvergenceWarning):
        mine = ours(**FIXED, early_stopping=False).fit(X, y)
    with warnings.catch_warnings():  # two iterations, for the shapes only
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = theirs(hidden_layer_sizes=(16, 8), max_iter=2, random_state=0)
        reference.fit(X, y)
    assert [c.shape for c in mine.coefs_] == [c.shape for c in reference.coefs_]
    assert [b.shape for b in mine.intercepts_] == [
        b.shape for b in reference.intercepts_
    ]
    assert mine.n_layers_ == reference.n_layers_ == 4
    assert mine.out_activation_ == reference.out_activation_
    # Without early stopping, as scikit-learn: the last loss and the lowest.
    assert mine.loss_ == mine.loss_curve_[-1]
    assert mine.best_loss_ == min(mine.loss_curve_)


def test_the_weights_are_the_networks_in_order():
    X, y = _targets("multiclass")
    with pytest.warns(ConvergenceWarning):
        clf = MLPClassifier(**FIXED, early_stopping=False).fit(X, y)
    assert clf.temperature_ is None
    a = clf.feature_encoder_.transform(X)
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1], strict=True):
        a = np.maximum(a @ W + b, 0)  # relu; dropout is off when predicting
    logits = a @ clf.coefs_[-1] + clf.intercepts_[-1]
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)


def test_early_stopping_leaves_no_best_loss():
    X, y = _targets("multiclass")
    clf = MLPClassifier((8,), n_iter_no_change=2, random_state=0).fit(X, y)
    assert clf.validation_scores_ is not None
    assert clf.best_loss_ is None and clf.loss_ == clf.loss_curve_[-1]


def test_a_sparse_first_layer_has_a_row_per_term_and_survives_a_model_file(
    tmp_path,
):
    texts, labels = make_corpus(120, seed=2)
    pipeline = make_text_classifier(
        mlp__hidden_layer_sizes=(8,), mlp__epochs=2, mlp__early_stopping=False,
        mlp__random_state=0,
    ).fit(texts, labels)  # fmt: skip
    first = pipeline[-1].coefs_[0]
    assert isinstance(first, np.ndarray)
    assert first.shape == (len(pipeline[0].vocabulary_), 8)
    skbig.save(pipeline, tmp_path / "m.skbig")
    loaded = skbig.load(tmp_path / "m.skbig")[-1]
    for a, b in zip(loaded.coefs_, pipeline[-1].coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.out_activation_ == pipeline[-1].out_activation_
    assert loaded.loss_ == pipeline[-1].loss_


def test_unfitted_and_user_models_have_no_layers_to_describe():
    assert not hasattr(MLPClassifier(), "coefs_")
    assert not hasattr(MLPRegressor(), "loss_")

    def build():
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2)])
        model.compile(loss="mse")
        return model

    X, y = make_regression(60, 6, n_targets=2, random_state=0)
    reg = MLPRegressor(model=build, epochs=2, random_state=0)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_") and not hasattr(reg, "n_layers_")
    with pytest.raises(AttributeError, match=r"model_\.get_weights"):
        reg.__class__.coefs_.fget(reg)
    assert reg.loss_ == reg.loss_curve_[-1]
