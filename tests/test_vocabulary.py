"""The streamed vocabulary equals scikit-learn's in-memory fit, chunk size aside."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from skbig._streaming._vocabulary import (
    VocabularyCounter,
    finish_counts,
    fitted_vectorizer,
)

WORDS = [f"w{i}" for i in range(300)] + ["Alpha", "beta", "Gamma", "the", "and"]


def _corpus(n=300, seed=0):
    rng = np.random.default_rng(seed)
    # Zipf-like word frequencies: many ties at the max_features boundary.
    p = 1 / np.arange(1, len(WORDS) + 1)
    docs = [" ".join(rng.choice(WORDS, size=rng.integers(0, 25), p=p / p.sum()))
            for _ in range(n)]  # fmt: skip
    docs[5] = ""  # empty documents count as documents
    return docs


def _streamed(vectorizer, docs, chunk):
    counter = VocabularyCounter(vectorizer)
    parts = [counter.count(docs[i : i + chunk]) for i in range(0, len(docs), chunk)]
    vocabulary, dfs, columns = counter.vocabulary()
    fitted = fitted_vectorizer(vectorizer, vocabulary, dfs, counter.n_documents)
    for part in parts:
        part.resize(part.shape[0], counter.n_terms)
    counts = sp.vstack(parts, format="csr")
    mapped = columns[counts.indices]
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    keep = mapped >= 0
    X = sp.csr_matrix(
        (counts.data[keep], (rows[keep], mapped[keep])),
        shape=(counts.shape[0], len(vocabulary)),
    )
    X.sort_indices()
    return fitted, finish_counts(fitted, X)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"min_df": 2},
        {"min_df": 0.02, "max_df": 0.5},
        {"max_df": 3, "min_df": 1},
        {"max_features": 40},  # ties in total counts at the cut
        {"max_features": 25, "min_df": 2, "binary": True},
        {"ngram_range": (1, 2), "min_df": 2, "max_features": 100},
        {"lowercase": False, "stop_words": ["the", "and"]},
        {"sublinear_tf": True, "norm": "l1", "smooth_idf": False},
        {"dtype": np.float32, "sublinear_tf": True, "min_df": 2},
    ],
)
@pytest.mark.parametrize("chunk", [13, 1000])
def test_vocabulary_idf_and_features_equal_an_in_memory_fit(params, chunk):
    docs = _corpus()
    expected = TfidfVectorizer(**params).fit(docs)
    fitted, X = _streamed(TfidfVectorizer(**params), docs, chunk)
    assert fitted.vocabulary_ == expected.vocabulary_
    np.testing.assert_array_equal(fitted.idf_, expected.idf_)
    assert fitted.idf_.dtype == expected.idf_.dtype
    reference = expected.transform(docs)
    assert X.dtype == reference.dtype
    np.testing.assert_array_equal(X.toarray(), reference.toarray())
    # The fitted vectorizer is an ordinary one.
    np.testing.assert_array_equal(fitted.transform(docs).toarray(), reference.toarray())


def test_count_vectorizer_too():
    docs = _corpus(seed=1)
    expected = CountVectorizer(min_df=2, max_features=30).fit(docs)
    fitted, X = _streamed(CountVectorizer(min_df=2, max_features=30), docs, 50)
    assert fitted.vocabulary_ == expected.vocabulary_
    assert (X != expected.transform(docs)).nnz == 0


def test_impossible_settings_fail_as_scikit_learn_does():
    docs = _corpus()
    with pytest.raises(ValueError, match="max_df corresponds to < documents"):
        _streamed(TfidfVectorizer(min_df=10, max_df=5), docs, 50)
    with pytest.raises(ValueError, match="no terms remain"):
        _streamed(TfidfVectorizer(min_df=299), docs, 50)
    with pytest.raises(ValueError, match="use_idf=True"):
        VocabularyCounter(TfidfVectorizer(use_idf=False))
