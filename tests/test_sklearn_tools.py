"""scikit-learn's meta-estimators, searches and inspection tools with skbig inside.

Each test checks what the tool promises, not only that it runs: thresholds move
predictions, bagged networks differ, chains feed earlier outputs forward, the
inverse target transform is applied, importance finds the informative columns.
"""

import numpy as np
import pytest
from conftest import FAST, make_corpus
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SequentialFeatureSelector
from sklearn.inspection import permutation_importance
from sklearn.metrics import f1_score
from sklearn.model_selection import (
    FixedThresholdClassifier,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    StratifiedKFold,
    cross_val_predict,
    permutation_test_score,
    validation_curve,
)
from sklearn.multiclass import OutputCodeClassifier
from sklearn.multioutput import ClassifierChain, RegressorChain

from skbig import MLPClassifier, MLPRegressor, make_text_classifier

MLP_FAST = {key.removeprefix("mlp__"): value for key, value in FAST.items()}
REG_FAST = {**MLP_FAST, "epochs": 30, "batch_size": 32}


@pytest.fixture(scope="module")
def texts_and_tfidf():
    texts, labels = make_corpus()
    return texts, labels, TfidfVectorizer(min_df=2).fit_transform(texts)


@pytest.fixture(scope="module")
def table():
    # The label needs both of the first two columns; the other three are noise.
    X = np.random.RandomState(0).normal(size=(300, 5))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def test_a_fixed_threshold_moves_the_binary_decision(texts_and_tfidf):
    texts, labels, _ = texts_and_tfidf
    binary = np.where(labels == "sport", "sport", "other")
    pipeline = make_text_classifier(**FAST).fit(texts, binary)
    positive = list(pipeline.classes_).index("sport")
    proba = pipeline.predict_proba(texts)[:, positive]
    threshold = float(np.quantile(proba, 0.9))  # cuts through the positives
    fixed = FixedThresholdClassifier(
        pipeline,
        threshold=threshold,
        pos_label="sport",
        response_method="predict_proba",
    ).fit(texts, binary)
    # The wrapper refits a clone with the same seed: the same probabilities.
    refit = fixed.estimator_.predict_proba(texts)[:, positive]
    np.testing.assert_allclose(refit, proba, atol=1e-6)
    expected = np.where(proba >= threshold, "sport", "other")
    np.testing.assert_array_equal(fixed.predict(texts), expected)
    assert (expected == "sport").sum() < (pipeline.predict(texts) == "sport").sum()


def test_bagging_fits_differently_seeded_networks_on_sparse_input(texts_and_tfidf):
    _, labels, X = texts_and_tfidf
    bag = BaggingClassifier(
        MLPClassifier(**MLP_FAST), n_estimators=3, random_state=0
    ).fit(X, labels)
    seeds = {member.random_state for member in bag.estimators_}
    assert len(seeds) == 3  # Bagging seeds each member through random_state
    first, second = (member.predict_proba(X) for member in bag.estimators_[:2])
    assert not np.allclose(first, second)
    proba = bag.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(
        proba, np.mean([m.predict_proba(X) for m in bag.estimators_], axis=0), atol=1e-5
    )
    assert bag.score(X, labels) > 0.8


def test_output_codes_train_one_binary_network_a_code_bit(texts_and_tfidf):
    _, labels, X = texts_and_tfidf
    ecoc = OutputCodeClassifier(
        MLPClassifier(**MLP_FAST), code_size=1.5, random_state=0
    ).fit(X, labels)
    assert len(ecoc.estimators_) == ecoc.code_book_.shape[1] >= 3
    # A code column that gives every class the same bit needs no network.
    networks = [m for m in ecoc.estimators_ if isinstance(m, MLPClassifier)]
    assert networks and all(list(m.classes_) == [0, 1] for m in networks)
    assert ecoc.score(X, labels) > 0.8


def test_a_classifier_chain_feeds_each_label_to_the_next():
    X, Y = make_multilabel_classification(
        n_samples=200, n_features=8, n_classes=3, n_labels=2, random_state=0
    )
    X = X / X.max()
    chain = ClassifierChain(
        MLPClassifier(**{**MLP_FAST, "epochs": 30}), order=[0, 1, 2], random_state=0
    ).fit(X, Y)
    # Link k sees the features and the k labels before it.
    assert [link.n_features_in_ for link in chain.estimators_] == [8, 9, 10]
    assert chain.predict(X).shape == Y.shape
    proba = chain.predict_proba(X)
    assert proba.shape == Y.shape and ((0 <= proba) & (proba <= 1)).all()
    # Better than predicting each label's majority value.
    majority = np.tile((Y.mean(axis=0) > 0.5).astype(int), (len(Y), 1))
    assert f1_score(Y, chain.predict(X), average="micro") > f1_score(
        Y, majority, average="micro"
    )


def test_a_regressor_chain_and_a_transformed_target():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(240, 3))
    first = X @ [1.0, -2.0, 0.5]
    Y = np.column_stack([first, 2 * first + X[:, 2]])
    chain = RegressorChain(MLPRegressor(**REG_FAST), order=[0, 1]).fit(X, Y)
    assert [link.n_features_in_ for link in chain.estimators_] == [3, 4]
    assert chain.score(X, Y) > 0.8
    # A positive, skewed target learnt on the log scale and predicted back.
    y = np.exp(first)
    logged = TransformedTargetRegressor(
        MLPRegressor(**REG_FAST), func=np.log, inverse_func=np.exp
    ).fit(X, y)
    inner = logged.regressor_.predict(X)
    np.testing.assert_allclose(logged.predict(X), np.exp(inner), rtol=1e-5)
    assert (logged.predict(X) > 0).all() and logged.score(X, y) > 0.8


def test_permutation_importance_finds_the_informative_columns(table):
    X, y = table
    model = MLPClassifier(**{**MLP_FAST, "epochs": 20}).fit(X, y)
    importances = permutation_importance(
        model, X, y, n_repeats=3, random_state=0
    ).importances_mean
    assert importances[:2].min() > 0.05 > importances[2:].max()


def test_cross_val_predict_probabilities_follow_classes_order(texts_and_tfidf):
    texts, labels, _ = texts_and_tfidf
    proba = cross_val_predict(
        make_text_classifier(**FAST), texts, labels, cv=2, method="predict_proba"
    )
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-5)
    classes = np.unique(labels)  # scikit-learn orders columns by sorted label
    assert (classes[proba.argmax(axis=1)] == labels).mean() > 0.8


def test_validation_curve_trains_each_value(texts_and_tfidf):
    texts, labels, _ = texts_and_tfidf
    train, test = validation_curve(
        make_text_classifier(**FAST),
        texts,
        labels,
        param_name="mlp__learning_rate_init",
        param_range=[1e-7, 0.02],
        cv=2,
    )
    assert train.shape == test.shape == (2, 2)
    # At a rate of 1e-7 the network stays where it started: the curve has a slope.
    assert test[0].mean() < 0.7 < 0.9 < test[1].mean()


@pytest.mark.slow  # eleven and thirteen fits
def test_halving_searches_grow_the_resources(texts_and_tfidf):
    texts, labels, _ = texts_and_tfidf
    grid = {"mlp__hidden_layer_sizes": [(4,), (16,)], "mlp__alpha": [0.0, 1e-4]}
    for search in (
        HalvingGridSearchCV(
            make_text_classifier(**FAST), grid, cv=2, factor=2, random_state=0
        ),
        HalvingRandomSearchCV(
            make_text_classifier(**FAST),
            grid,
            n_candidates=4,
            cv=2,
            factor=2,
            random_state=0,
        ),
    ):
        search.fit(texts, labels)
        assert list(search.n_resources_) == sorted(search.n_resources_)
        assert search.n_resources_[-1] > search.n_resources_[0]
        assert search.best_params_["mlp__hidden_layer_sizes"] in ((4,), (16,))
        assert search.score(texts, labels) > 0.8


@pytest.mark.slow  # fourteen fits
def test_sequential_selection_keeps_the_informative_columns(table):
    X, y = table
    selector = SequentialFeatureSelector(
        MLPClassifier(**{**MLP_FAST, "epochs": 20}),
        n_features_to_select=2,
        cv=StratifiedKFold(2),
    ).fit(X, y)
    assert list(np.flatnonzero(selector.get_support())) == [0, 1]


@pytest.mark.slow  # three cross-validations
def test_permutation_test_score_tells_signal_from_shuffled_labels(texts_and_tfidf):
    texts, labels, _ = texts_and_tfidf
    score, permuted, pvalue = permutation_test_score(
        make_text_classifier(**FAST),
        texts,
        labels,
        cv=2,
        n_permutations=2,
        random_state=0,
    )
    assert score > 0.8 and permuted.max() < 0.6
    assert pvalue == pytest.approx(1 / 3)  # (0 permutations beating it + 1) / (2 + 1)
