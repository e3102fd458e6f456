"""skbig._term_names: the terms behind the feature columns the explanations name."""

import numpy as np
import pytest
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import Normalizer

from skbig import make_text_classifier
from skbig._term_names import document_names, hashing_vectorizer, vocabulary_names

TEXT = "Alpha beta gamma delta alpha epsilon zeta eta theta"


def _head(**params):
    return make_text_classifier(**params)[:-1].fit([TEXT, "iota kappa"])


def test_a_vocabulary_names_every_column():
    head = _head(tfidf__min_df=1)
    columns = head.transform([TEXT]).indices
    expected = head.get_feature_names_out()[columns]
    np.testing.assert_array_equal(document_names(head, TEXT, columns), expected)
    assert len(vocabulary_names(head)) == len(head.get_feature_names_out())


@pytest.mark.parametrize("n_features", [4, 2**16])
def test_hashed_columns_are_named_by_the_documents_own_terms(n_features):
    # Four columns force collisions: terms sharing one are named together.
    head = _head(vectorizer="hashing", hashing__n_features=n_features)
    assert hashing_vectorizer(head) is head[0]
    columns = head.transform([TEXT]).indices
    names = document_names(head, TEXT, columns)
    terms = [t for name in names for t in name.split(" / ")]
    assert sorted(terms) == sorted(set(TEXT.lower().split()))
    for column, name in zip(columns, names, strict=True):
        for term in name.split(" / "):  # each term alone fills that column
            np.testing.assert_array_equal(head.transform([term]).indices, [column])
    if n_features == 4:
        assert any(" / " in name for name in names)
    with pytest.raises(TypeError, match="keep no vocabulary"):
        vocabulary_names(head)


def test_only_steps_that_keep_the_hashed_columns_in_place_are_looked_through():
    hashing = make_text_classifier(vectorizer="hashing")[:-1]
    assert hashing_vectorizer(hashing.set_params(tf=Normalizer())) is not None
    assert hashing_vectorizer(hashing.set_params(tf="passthrough")) is not None
    reduced = hashing.set_params(tf=TruncatedSVD(2)).fit([TEXT, "iota kappa", "mu"])
    assert hashing_vectorizer(reduced) is None
    with pytest.raises(TypeError, match="no term names"):
        vocabulary_names(reduced)
