"""make_text_classifier in model selection, ensembles and persistence."""

import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from conftest import FAST, make_corpus
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_validate,
)
from sklearn.multiclass import OneVsOneClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.semi_supervised import SelfTrainingClassifier

from skbig import MLPClassifier, make_text_classifier

MLP_FAST = {key.removeprefix("mlp__"): value for key, value in FAST.items()}


def test_steps_and_parameters():
    pipe = make_text_classifier(tfidf__ngram_range=(1, 2), mlp__epochs=5)
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == ["tfidf", "mlp"]
    assert isinstance(pipe.named_steps["tfidf"], TfidfVectorizer)
    assert isinstance(pipe.named_steps["mlp"], MLPClassifier)
    assert pipe.get_params()["tfidf__ngram_range"] == (1, 2)
    assert pipe.get_params()["mlp__epochs"] == 5
    assert pipe.get_params()["tfidf__sublinear_tf"] is True
    with pytest.raises(ValueError, match="Invalid parameter"):
        make_text_classifier(mlp__not_a_parameter=1)


@pytest.mark.parametrize(
    "kwargs, hint",
    [
        ({"random_state": 0}, "pass it as mlp__random_state="),
        ({"epochs": 3}, "pass it as mlp__epochs="),
        ({"dtype": "float64"}, "pass it as tfidf__dtype="),
        ({"n_features": 8}, "pass it as hashing__n_features="),
        ({"not_a_parameter": 1}, r"the steps are \['tfidf', 'mlp'\]"),
    ],
)
def test_a_bare_step_parameter_is_refused_with_its_step_named(kwargs, hint):
    vectorizer = "hashing" if "n_features" in kwargs else "tfidf"
    with pytest.raises(ValueError, match=f"takes step parameters.*{hint}"):
        make_text_classifier(vectorizer=vectorizer, **kwargs)


def test_fit_predict_on_raw_text(fitted_pipeline, corpus):
    texts, labels = corpus
    assert fitted_pipeline.score(texts, labels) > 0.9
    assert fitted_pipeline.predict(["goal match team score win"])[0] == "sport"


def test_tfidf_reaches_the_network_sparse(fitted_pipeline, corpus):
    Xt = fitted_pipeline[:-1].transform(corpus[0])
    assert sp.issparse(Xt) and Xt.dtype == np.float32
    assert fitted_pipeline[-1].model_.inputs[0].sparse


def test_clone_and_set_params(fitted_pipeline):
    fresh = clone(fitted_pipeline)
    assert not hasattr(fresh[-1], "model_")
    assert fresh.get_params()["mlp__epochs"] == FAST["mlp__epochs"]
    fresh.set_params(mlp__hidden_layer_sizes=(8,), tfidf__min_df=1)
    assert fresh[-1].hidden_layer_sizes == (8,)
    assert fresh[0].min_df == 1


# n_jobs=2 starts joblib's worker processes (TensorFlow imported in each: 7 s).
@pytest.mark.parametrize("n_jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_grid_search(corpus, n_jobs):
    texts, labels = corpus
    grid = GridSearchCV(
        make_text_classifier(**FAST),
        {"tfidf__ngram_range": [(1, 1), (1, 2)], "mlp__hidden_layer_sizes": [(8,)]},
        cv=2,
        n_jobs=n_jobs,
    ).fit(texts, labels)
    assert grid.best_score_ > 0.8
    assert len(grid.cv_results_["params"]) == 2
    assert grid.best_estimator_.predict(texts[:3]).shape == (3,)


@pytest.mark.slow  # GridSearchCV above covers searches in the quick run
def test_randomized_search(corpus):
    texts, labels = corpus
    search = RandomizedSearchCV(
        make_text_classifier(**FAST),
        {"mlp__dropout": [0.0, 0.2, 0.5], "mlp__learning_rate_init": [0.01, 0.02]},
        n_iter=2,
        cv=2,
        random_state=0,
    ).fit(texts, labels)
    assert search.best_score_ > 0.8


def test_cross_validate_with_several_scorers(corpus):
    texts, labels = corpus
    scores = cross_validate(
        make_text_classifier(**FAST),
        texts,
        labels,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring=["accuracy", "f1_macro", "neg_log_loss"],
    )
    assert np.all(scores["test_accuracy"] > 0.8)
    assert np.all(scores["test_f1_macro"] > 0.8)
    assert np.all(scores["test_neg_log_loss"] < 0)


def test_sample_weights_reach_the_network_through_metadata_routing(
    corpus, fitted_pipeline
):
    # scikit-learn's metadata routing: the network requests sample_weight, and
    # cross-validation routes it to every fit and score; a label weighing nothing
    # is never learnt, and the weighted score leaves it out.
    texts, labels = np.asarray(corpus[0], dtype=object), np.asarray(corpus[1])
    weights = np.where(labels == labels[0], 0.0, 1.0)
    assert labels[0] in fitted_pipeline.predict(texts)
    with sklearn.config_context(enable_metadata_routing=True):
        weighted = make_text_classifier(**FAST, mlp__class_weight=None)
        weighted["mlp"].set_fit_request(sample_weight=True)
        weighted["mlp"].set_score_request(sample_weight=True)
        # scikit-learn 1.7's Pipeline.score takes sample_weight itself, and asks
        # for the request on the pipeline too (1.8 routes it without).
        weighted.set_score_request(sample_weight=True)
        with pytest.raises(UnsetMetadataPassedError, match="set_fit_request"):
            make_text_classifier(**FAST).fit(texts, labels, sample_weight=weights)
        cv = cross_validate(
            weighted, texts, labels, cv=2, params={"sample_weight": weights},
            return_estimator=True, return_indices=True,
        )  # fmt: skip
    for model, test, score in zip(
        cv["estimator"], cv["indices"]["test"], cv["test_score"], strict=True
    ):
        predicted = model.predict(texts[test])
        assert labels[0] not in predicted
        expected = accuracy_score(labels[test], predicted, sample_weight=weights[test])
        assert score == pytest.approx(expected) and score > 0.8


@pytest.mark.slow  # nine fits of three ensembles
def test_calibration_voting_and_stacking(corpus):
    texts, labels = corpus
    tfidf = TfidfVectorizer(min_df=2)
    calibrated = make_pipeline(
        tfidf, CalibratedClassifierCV(MLPClassifier(**MLP_FAST), cv=2)
    ).fit(texts, labels)
    voting = make_pipeline(
        clone(tfidf),
        VotingClassifier(
            [("mlp", MLPClassifier(**MLP_FAST)), ("lr", LogisticRegression())],
            voting="soft",
        ),
    ).fit(texts, labels)
    stacking = make_pipeline(
        clone(tfidf),
        StackingClassifier(
            [("mlp", MLPClassifier(**MLP_FAST)), ("lr", LogisticRegression())], cv=2
        ),
    ).fit(texts, labels)
    for model in (calibrated, voting, stacking):
        proba = model.predict_proba(texts)
        assert proba.shape == (len(texts), 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-5)
        assert model.score(texts, labels) > 0.8


def test_threshold_tuning_self_training_and_one_vs_one(corpus):
    texts, labels = corpus
    binary = np.where(labels == "sport", "sport", "other")
    tuned = TunedThresholdClassifierCV(
        make_text_classifier(**FAST), cv=2, scoring="balanced_accuracy"
    ).fit(texts, binary)
    assert 0 < tuned.best_threshold_ < 1 and tuned.score(texts, binary) > 0.8
    # These two validate X as a 2-D array, so they take the TF-IDF matrix (any
    # raw-text Pipeline is refused by scikit-learn there, LogisticRegression's too).
    X = TfidfVectorizer(min_df=2).fit_transform(texts)
    codes = np.unique(labels, return_inverse=True)[1]
    partly = np.where(np.arange(len(codes)) % 4 == 0, -1, codes)  # a quarter unlabelled
    selfed = SelfTrainingClassifier(MLPClassifier(**MLP_FAST), max_iter=2)
    assert selfed.fit(X, partly).score(X, codes) > 0.8
    assert (selfed.labeled_iter_ > 0).any()  # it labelled some itself
    ovo = OneVsOneClassifier(MLPClassifier(**MLP_FAST)).fit(X, labels)
    assert ovo.score(X, labels) > 0.8 and ovo.decision_function(X).shape == (
        X.shape[0],
        3,
    )


LOAD_AND_PREDICT = """
import sys, pickle, joblib, numpy as np
path, kind, texts = sys.argv[1], sys.argv[2], sys.argv[3:]
if kind == "pickle":
    with open(path, "rb") as f:
        model = pickle.load(f)
else:
    model = joblib.load(path)
np.save(path + ".npy", model.predict_proba(texts))
"""


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pickle", "joblib"])
def test_persistence_round_trip_in_a_fresh_process(
    fitted_pipeline, corpus, tmp_path, kind
):
    texts = list(corpus[0][:20])
    path = tmp_path / f"model.{kind}"
    if kind == "pickle":
        path.write_bytes(pickle.dumps(fitted_pipeline))
    else:
        joblib.dump(fitted_pipeline, path)
    subprocess.run(
        [sys.executable, "-c", LOAD_AND_PREDICT, str(path), kind, *texts],
        check=True,
        timeout=300,
    )
    reloaded = np.load(str(path) + ".npy")
    np.testing.assert_array_equal(reloaded, fitted_pipeline.predict_proba(texts))


def test_hashing_variant_has_a_fixed_feature_space():
    from sklearn.feature_extraction.text import HashingVectorizer

    from skbig._factories import HASHING_FEATURES

    clf = make_text_classifier(vectorizer="hashing", mlp__epochs=3)
    assert [name for name, _ in clf.steps] == ["hashing", "tf", "mlp"]
    assert isinstance(clf[0], HashingVectorizer)
    assert clf[0].n_features == HASHING_FEATURES and clf[-1].epochs == 3
    assert not clf[1].use_idf and clf[1].sublinear_tf
    with pytest.raises(ValueError, match='vectorizer must be "tfidf" or "hashing"'):
        make_text_classifier(vectorizer="bag-of-words")


def test_partial_fit_on_raw_text_keeps_the_feature_space(corpus):
    texts, labels = corpus
    classes = sorted(set(labels))
    hashed = make_text_classifier(vectorizer="hashing", **FAST)
    by_hand = make_text_classifier(vectorizer="hashing", **FAST)
    for batch in (slice(0, 120), slice(120, 240)):
        hashed.partial_fit(texts[batch], labels[batch], classes=classes)
        features = by_hand[:-1].fit(texts[batch]).transform(texts[batch])
        by_hand[-1].partial_fit(features, labels[batch], classes=classes)
    assert hashed[-1].n_iter_ == 2
    np.testing.assert_array_equal(
        hashed.predict_proba(texts), by_hand.predict_proba(texts)
    )

    fresh = make_text_classifier(vectorizer="hashing", **FAST)
    with pytest.raises(ValueError, match="at least 2 classes"):
        fresh.partial_fit(texts[:5], [labels[0]] * 5)
    assert not hasattr(fresh[1], "n_features_in_")  # the step fitted here, put back

    exact = make_text_classifier(**FAST)
    with pytest.raises(NotFittedError, match=r"step 'tfidf' .* learns from the data"):
        exact.partial_fit(texts[:10], labels[:10], classes=classes)
    assert not hasattr(exact[-1], "model_")  # nothing trained
    exact.fit(texts[:120], labels[:120])
    vocabulary = dict(exact[0].vocabulary_)
    exact.partial_fit(["words never seen before", *texts[120:]], labels[119:])
    assert exact[0].vocabulary_ == vocabulary and exact[-1].n_iter_ == 9


def test_partial_fit_fits_a_union_of_steps_that_learn_nothing(corpus):
    # Words beside characters, hashed, then a Normalizer of the row: all fitted
    # on the first batch, as the hashing pipeline's steps are.
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.preprocessing import Normalizer

    texts, labels = corpus
    clf = make_text_classifier(vectorizer="hashing", **FAST)
    words = make_pipeline(clf["hashing"], clf["tf"])
    chars = clone(words).set_params(hashingvectorizer__analyzer="char_wb")
    clf.set_params(hashing=make_union(words, chars), tf=Normalizer())
    classes = sorted(set(labels))
    clf.partial_fit(texts[:120], labels[:120], classes=classes)
    clf.partial_fit(texts[120:], labels[120:])
    assert clf[-1].n_iter_ == 2 and clf.predict(texts[:5]).shape == (5,)
    learning = clf.set_params(hashing=make_union(words, TfidfVectorizer()))
    with pytest.raises(NotFittedError, match="step 'hashing'"):
        clone(learning).partial_fit(texts[:10], labels[:10], classes=classes)


# ------------------------------------------------ the vocabulary in saved state
MESSY = ["Café crème 東京 😀 x_y 42", "naïve CAFÉ tokyo 東京", "x_y again"]


def test_a_pickled_vectorizer_keeps_its_vocabulary_as_two_arrays():
    import skbig

    vectorizer = skbig.TfidfVectorizer(min_df=1).fit(MESSY)
    state = vectorizer.__getstate__()
    assert "vocabulary_" not in state
    assert state["_vocabulary_text"].dtype == np.uint8
    assert len(state["_vocabulary_lengths"]) == len(vectorizer.vocabulary_)
    copy = pickle.loads(pickle.dumps(vectorizer))
    assert copy.vocabulary_ == vectorizer.vocabulary_
    assert "_vocabulary_text" not in vars(copy)
    assert (copy.transform(MESSY) != vectorizer.transform(MESSY)).nnz == 0
    # Unfitted, or a vocabulary whose columns are not 0 .. n-1, stays as it is.
    assert "_vocabulary_text" not in skbig.TfidfVectorizer().__getstate__()
    vectorizer.vocabulary_ = {"a": 0, "b": 2}
    assert vectorizer.__getstate__()["vocabulary_"] == {"a": 0, "b": 2}


@pytest.mark.parametrize(
    "text, lengths, problem",
    [
        (b"ab\xff", [1, 2], "not UTF-8"),
        (b"abc", [1, 1], "lengths do not fit"),
        (b"abc", [4, -1], "lengths do not fit"),
        (b"abab", [2, 2], "repeats a term"),
        (b"ab", None, "not two 1-D arrays"),
    ],
)
def test_a_damaged_stored_vocabulary_is_refused(text, lengths, problem):
    import skbig

    state = skbig.TfidfVectorizer().__getstate__()
    state["_vocabulary_text"] = np.frombuffer(text, dtype=np.uint8)
    state["_vocabulary_lengths"] = None if lengths is None else np.array(lengths)
    with pytest.raises(ValueError, match=problem):
        skbig.TfidfVectorizer().__setstate__(state)


def test_make_text_regressor_is_the_classifiers_vectorizer_before_a_regressor():
    from sklearn.base import is_regressor

    from skbig import make_text_regressor

    texts, labels = make_corpus(120)
    y = np.array([{"food": 1.0, "sport": 2.0, "tech": 4.0}[lab] for lab in labels])
    reg = make_text_regressor(**FAST)
    assert is_regressor(reg) and list(reg.named_steps) == ["tfidf", "mlp"]
    tfidf = make_text_classifier().named_steps["tfidf"]
    assert reg.named_steps["tfidf"].get_params() == tfidf.get_params()
    before = reg.fit(texts, y).predict(texts)
    assert before.shape == (120,) and before.dtype.kind == "f"
    reg.partial_fit(texts[:60], y[:60])  # a regressor's partial_fit has no classes
    assert not np.allclose(reg.predict(texts), before)
    with pytest.raises(ValueError, match=r"make_text_regressor\(\) takes step"):
        make_text_regressor(epochs=3)
