"""skbig._steps: what skbig knows of the steps in front of its network."""

import warnings

import pytest
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer, Normalizer, StandardScaler

from skbig import MLPClassifier, PrivacyWarning
from skbig._steps import (
    is_fitted,
    learns_from_data,
    restored_on_failure,
    warn_if_steps_learn_privately,
)


@pytest.mark.parametrize(
    "step, learns",
    [
        (None, False),
        ("passthrough", False),
        (HashingVectorizer(), False),
        (FunctionTransformer(), False),
        (FrozenEstimator(TfidfVectorizer().fit(["aa bb", "bb cc"])), False),
        (TfidfTransformer(use_idf=False), False),
        (TfidfTransformer(), True),
        (CountVectorizer(), True),
        (CountVectorizer(vocabulary=["a", "b"]), False),
        (TfidfVectorizer(vocabulary=["a", "b"]), True),  # its IDF is the data's
        (StandardScaler(), True),
        (Normalizer(), False),  # each row on its own
        (make_union(HashingVectorizer(), HashingVectorizer(analyzer="char")), False),
        (make_union(HashingVectorizer(), TfidfVectorizer()), True),
        (make_pipeline(HashingVectorizer(), TfidfTransformer(use_idf=False)), False),
        (make_pipeline(HashingVectorizer(), TfidfTransformer()), True),
    ],
)
def test_which_steps_learn_from_the_data(step, learns):
    assert learns_from_data(step) is learns


def test_is_fitted_as_scikit_learn_judges():
    assert not is_fitted(TfidfVectorizer())
    assert is_fitted(TfidfVectorizer().fit(["aa bb", "bb cc"]))
    assert is_fitted(HashingVectorizer())  # stateless: nothing to fit


def test_steps_are_put_back_when_the_block_raises():
    vectorizer = TfidfVectorizer().fit(["aa bb", "bb cc"])
    fresh = TfidfTransformer()
    with pytest.raises(RuntimeError):
        with restored_on_failure([("tfidf", vectorizer), ("tf", fresh)]):
            vectorizer.fit(["xx yy zz", "zz ww"])
            fresh.fit(vectorizer.transform(["xx yy"]))
            raise RuntimeError
    assert sorted(vectorizer.vocabulary_) == ["aa", "bb", "cc"]
    assert not is_fitted(fresh)
    with restored_on_failure([("tfidf", vectorizer)]):  # no error: kept as fitted
        vectorizer.fit(["xx yy zz", "zz ww"])
    assert sorted(vectorizer.vocabulary_) == ["ww", "xx", "yy", "zz"]


def test_a_private_network_behind_a_learning_step_is_warned_about():
    private = ("mlp", MLPClassifier(dp_epsilon=1.0))
    with pytest.warns(PrivacyWarning, match=r"\['tfidf'\] learn from the same data"):
        warn_if_steps_learn_privately([("tfidf", TfidfVectorizer()), private])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_if_steps_learn_privately([("hashing", HashingVectorizer()), private])
        warn_if_steps_learn_privately([("tfidf", TfidfVectorizer()), ("mlp", None)])
