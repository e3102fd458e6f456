"""Held-out data given to ``fit`` (``skbig._validation``): ``X_val``, ``y_val`` and
``sample_weight_val``, as scikit-learn's HistGradientBoosting takes them.

Pinned here: the fit stops on exactly the rows given and trains on every row of
``X`` (no held-out part of its own, no refit), a classifier's held-out rows weigh
what its training rows of the same class weigh, raw documents pass through a
TextPipeline's vectorizer (and through scikit-learn's ``transform_input`` with
metadata routing), and every misuse is named.
"""

import keras
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from conftest import make_corpus
from sklearn.datasets import make_multilabel_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skbig import MLPClassifier, MLPRegressor, TfidfVectorizer, make_text_classifier
from skbig._plan import training_plan
from skbig._validation import given

QUICK = dict(hidden_layer_sizes=(8,), learning_rate_init=0.05, random_state=0)


class StepsPerEpoch(keras.callbacks.Callback):
    """How many update steps each epoch of each training run took."""

    def __init__(self):
        super().__init__()
        self.steps = []

    def on_epoch_begin(self, epoch, logs=None):
        self.steps.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.steps[-1] += 1


@pytest.fixture(scope="module")
def features():
    texts, labels = make_corpus(300, seed=1)
    vectorizer = TfidfVectorizer().fit(texts)
    X = vectorizer.transform(texts)
    return X[:200], labels[:200], X[200:], labels[200:]


@pytest.fixture(scope="module")
def stopped_on_given(features):
    X, y, X_val, y_val = features
    counter = StepsPerEpoch()
    clf = MLPClassifier(**QUICK, batch_size=20, callbacks=[counter])
    return clf.fit(X, y, X_val=X_val, y_val=y_val), counter


def test_the_plan_trains_on_every_sample_and_keeps_the_network():
    plan = training_plan(MLPClassifier(), 1_000, n_given=300)
    assert plan.early_stopping and not plan.refit
    assert plan.n_validation == 300
    assert plan.batch_size == 100  # a tenth of the 1,000 trained on, not of 900
    own = training_plan(MLPClassifier(early_stopping="auto"), 10, n_given=5)
    assert own.early_stopping  # fewer samples than a fit would hold some out of


def test_the_fit_stops_on_the_rows_given(features, stopped_on_given):
    *_, X_val, y_val = features
    clf, _ = stopped_on_given
    assert clf.training_plan_["n_validation"] == X_val.shape[0]
    assert clf.training_plan_["validation_given"] and not clf.training_plan_["refit"]
    # The kept network is the best epoch's on the rows given: its accuracy there
    # is the best held-out score the stopping rule saw (the temperature leaves
    # every prediction as it is).
    assert clf.score(X_val, y_val) == pytest.approx(clf.best_validation_score_)
    assert len(clf.validation_scores_) == clf.n_iter_


def test_every_training_row_is_trained_on(features, stopped_on_given):
    X = features[0]
    _, counter = stopped_on_given
    assert set(counter.steps) == {X.shape[0] // 20}  # 10 steps of 20: all 200 rows
    own = StepsPerEpoch()
    MLPClassifier(**QUICK, batch_size=20, callbacks=[own]).fit(X, features[1])
    assert own.steps[0] == 9  # 180 rows: a tenth held out


def test_the_temperature_learns_from_the_rows_given(features):
    X, y, X_val, y_val = features
    wrong = np.roll(y_val, 1)  # every label of the rows given is wrong
    clf = MLPClassifier(**QUICK).fit(X, y, X_val=X_val, y_val=wrong)
    mine = MLPClassifier(**QUICK).fit(X, y)
    assert clf.temperature_ > mine.temperature_  # told it is always wrong there


def test_held_out_rows_weigh_what_training_rows_of_their_class_weigh():
    X = sp.random(40, 5, density=0.5, format="csr", random_state=0)
    y = np.array(["a"] * 36 + ["b"] * 4)
    held_out = given(MLPClassifier(), X, y, X[:3], ["a", "b", "b"], [1.0, 1.0, 2.0])
    a, b = np.sqrt(40 / (2 * 36)), np.sqrt(40 / (2 * 4))  # "balanced_sqrt", on text
    np.testing.assert_allclose(held_out.sample_weight, [a, b, 2 * b])
    dense = given(
        MLPClassifier(), X.toarray(), y, X[:3].toarray(), ["a", "b", "b"], None
    )
    assert dense.sample_weight is None  # no class weights on tables


def test_a_text_pipeline_takes_raw_documents():
    texts, labels = make_corpus(240, seed=2)
    pipeline = make_text_classifier(
        mlp__hidden_layer_sizes=(8,), mlp__learning_rate_init=0.05, mlp__random_state=0
    )
    pipeline.fit(
        texts[:180], labels[:180], mlp__X_val=texts[180:], mlp__y_val=labels[180:]
    )
    clf = pipeline[-1]
    assert clf.training_plan_["n_validation"] == 60
    assert pipeline.score(texts[180:], labels[180:]) == pytest.approx(
        clf.best_validation_score_
    )


def test_every_candidate_of_a_grid_search_stops_on_them():
    texts, labels = make_corpus(240, seed=4)
    pipeline = make_text_classifier(
        mlp__hidden_layer_sizes=(8,), mlp__learning_rate_init=0.05, mlp__random_state=0
    )
    search = GridSearchCV(pipeline, {"mlp__dropout": [0.0, 0.5]}, cv=2, refit=True)
    search.fit(
        texts[:180], labels[:180], mlp__X_val=texts[180:], mlp__y_val=labels[180:]
    )
    plan = search.best_estimator_[-1].training_plan_
    assert plan["validation_given"] and plan["n_validation"] == 60


def test_scikit_learns_transform_input_routes_them_too():
    texts, labels = make_corpus(240, seed=3)
    with sklearn.config_context(enable_metadata_routing=True):
        mlp = MLPClassifier(**QUICK).set_fit_request(X_val=True, y_val=True)
        pipeline = Pipeline(
            [("tfidf", TfidfVectorizer()), ("mlp", mlp)], transform_input=["X_val"]
        )
        pipeline.fit(texts[:180], labels[:180], X_val=texts[180:], y_val=labels[180:])
    assert pipeline[-1].training_plan_["n_validation"] == 60


def test_a_regressor_stops_on_the_rows_given():
    X, y = make_regression(200, 4, noise=5.0, random_state=0)
    reg = MLPRegressor(**QUICK, n_iter_no_change=3)
    reg.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    assert reg.training_plan_["n_validation"] == 50
    assert not reg.training_plan_["refit"]
    assert reg.score(X[150:], y[150:]) == pytest.approx(
        reg.best_validation_score_, abs=1e-5
    )


def test_multi_label_thresholds_come_from_the_rows_given():
    X, Y = make_multilabel_classification(160, 6, n_classes=3, random_state=0)
    clf = MLPClassifier(**QUICK, n_iter_no_change=3)
    clf.fit(X[:120], Y[:120], X_val=X[120:], y_val=Y[120:])
    assert clf.thresholds_.shape == (3,)
    assert clf.training_plan_["n_validation"] == 40
    with pytest.raises(ValueError, match=r"y_val has shape \(40, 2\), but the multi"):
        clf.fit(X[:120], Y[:120], X_val=X[120:], y_val=Y[120:, :2])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(X_val="X"), "y_val is missing"),
        (dict(y_val="y"), "X_val is missing"),
        (dict(sample_weight_val=np.ones(3)), "without X_val and y_val"),
        (dict(X_val="X", y_val="y", sample_weight_val=np.ones(3)), r"shape \(3,\)"),
        (dict(X_val="X", y_val=["a"]), "X_val has 100 samples, but y_val has 1"),
        (
            dict(X_val="X", y_val="unknown"),
            r"labels the training data does not: \['z'\]",
        ),
    ],
)
def test_misuse_is_named(features, params, match):
    X, y, X_val, y_val = features
    values = {"X": X_val, "y": y_val, "unknown": np.r_[y_val[:-1], ["z"]]}
    params = {
        k: values.get(v, v) if isinstance(v, str) else v for k, v in params.items()
    }
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**QUICK).fit(X, y, **params)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(early_stopping=False), "early_stopping=False"),
        (dict(dp_epsilon=8.0), "private"),
    ],
)
def test_fits_that_cannot_stop_on_them_say_so(features, params, match):
    X, y, X_val, y_val = features
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**QUICK, **params).fit(X, y, X_val=X_val, y_val=y_val)


def test_raw_documents_that_no_step_transformed_are_named():
    texts, labels = make_corpus(120, seed=5)
    pipeline = Pipeline([("tfidf", TfidfVectorizer()), ("mlp", MLPClassifier(**QUICK))])
    with pytest.raises(ValueError, match=r"X_val, y_val: .*raw text.*transform_input"):
        pipeline.fit(
            texts[:90], labels[:90], mlp__X_val=texts[90:], mlp__y_val=labels[90:]
        )


def test_a_failed_fit_leaves_nothing_for_the_next(features):
    X, y, X_val, y_val = features
    clf = MLPClassifier(**QUICK)
    with pytest.raises(ValueError, match="features"):
        clf.fit(X, y, X_val=X_val[:, :5], y_val=y_val)  # too few columns
    clf.fit(X, y)
    assert clf.training_plan_["refit"]  # its own held-out tenth again
    assert not clf.training_plan_["validation_given"]
    assert not hasattr(clf, "_held_out")
