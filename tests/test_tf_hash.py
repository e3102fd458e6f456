"""scikit-learn's murmurhash3 in TensorFlow operations (the SavedModel's hashing)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

tf = pytest.importorskip("tensorflow")

from skbig._export._tf_hash import hashed_columns  # noqa: E402
from skbig._export._tf_hash import murmurhash3_32 as tf_murmurhash3_32  # noqa: E402

_hash = tf.function(
    tf_murmurhash3_32, input_signature=[tf.TensorSpec([None], tf.string)]
)


def test_every_tail_length_and_multibyte_characters():
    # 0 to 12 bytes: every count of whole blocks with every tail length, then
    # characters of two to four UTF-8 bytes, a NUL and a long term.
    terms = ["abcdefghijkl"[:n] for n in range(13)]
    terms += ["café", "日本語", "😀🎉", "\x00", "naïve ÉCOLE", "x" * 301]
    got = _hash(tf.constant(terms)).numpy().tolist()
    assert got == [murmurhash3_32(term, seed=0) for term in terms]


def test_no_terms():
    assert _hash(tf.constant([], tf.string)).numpy().shape == (0,)


@settings(max_examples=80, deadline=None)
@given(terms=st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_generated_terms(terms):
    got = _hash(tf.constant(terms)).numpy().tolist()
    assert got == [murmurhash3_32(term, seed=0) for term in terms]


@pytest.mark.parametrize("n_features", [2**4, 2**16, 2**20 + 7])
def test_columns_are_a_hashing_vectorizers(n_features):
    text = "the quick brown fox jumps over the lazy dog café 日本語 😀 under_score"
    vectorizer = HashingVectorizer(
        n_features=n_features, alternate_sign=False, norm=None, lowercase=False
    )
    terms = vectorizer.build_analyzer()(text)
    got = hashed_columns(tf.constant(terms), n_features).numpy()
    row = np.zeros(n_features)
    np.add.at(row, got, 1.0)
    assert (row == vectorizer.transform([text]).toarray()[0]).all()
