"""The text side of an export: what it reproduces, and what it refuses by name."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)

from skbig import NotExportableError
from skbig._export._text_spec import (
    NOT_SPACE_CHARACTERS,
    NOT_WORD_CHARACTERS,
    SPACE_CHARACTERS,
    WHITESPACE,
    WORD_CHARACTERS,
    text_spec,
)

DOCS = ["Café au lait", "the cat sat", "dogs and cats", "bread and butter"] * 3


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"tokenizer": str.split, "token_pattern": None}, "tokenizer"),
        ({"preprocessor": str.lower}, "preprocessor"),
        ({"strip_accents": str.lower}, "strip_accents"),
        ({"analyzer": str.split}, "analyzer"),
        ({"token_pattern": r"(?u)\b[a-z]+\b"}, "token_pattern"),
    ],
)
def test_settings_that_cannot_be_reproduced_are_named(params, named):
    vectorizer = TfidfVectorizer(**params).fit(DOCS)
    with pytest.raises(NotExportableError, match=named):
        text_spec(vectorizer)


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_character_analyzers_are_exported_whatever_their_word_settings(analyzer):
    # scikit-learn's character analyzers ignore token_pattern and stop_words (and
    # say so at fit)
    vectorizer = TfidfVectorizer(
        analyzer=analyzer, ngram_range=(2, 4), token_pattern=r"\S+", stop_words=["a"]
    )
    with pytest.warns(UserWarning, match="will not be used") as said:
        vectorizer.fit(DOCS)
    ignored = {str(w.message).split("'")[1] for w in said}
    assert ignored == {"stop_words", "token_pattern"}
    spec = text_spec(vectorizer)
    assert (spec.analyzer, spec.ngram_range) == (analyzer, (2, 4))
    assert " ca" in spec.terms if analyzer == "char_wb" else "e c" in spec.terms
    with pytest.raises(NotExportableError, match="strip_accents"):
        text_spec(TfidfVectorizer(analyzer=analyzer, strip_accents=str.lower).fit(DOCS))


def test_stop_words_are_exported_for_word_ngrams():
    vectorizer = TfidfVectorizer(stop_words=["the", "and"], ngram_range=(1, 2))
    spec = text_spec(vectorizer.fit(DOCS))
    assert spec.stop_words == ["and", "the"]
    assert text_spec(TfidfVectorizer().fit(DOCS)).stop_words == []
    hashed = HashingVectorizer(stop_words="english", alternate_sign=False)
    assert "the" in text_spec(hashed.fit(DOCS)).stop_words


@pytest.mark.parametrize(
    ("pattern", "shortest", "spaces"),
    [(r"(?u)\b\w\w+\b", 2, False), (r"\w+", 1, False), (r"\S+", 1, True)],
)
def test_token_patterns_that_find_runs_are_exported(pattern, shortest, spaces):
    spec = text_spec(CountVectorizer(token_pattern=pattern).fit(DOCS))
    run, between, length = spec.tokens
    assert length == shortest
    # runs of word characters, separated by anything else; or of anything but
    # whitespace, separated by whitespace
    assert (between, run) == (
        (SPACE_CHARACTERS, NOT_SPACE_CHARACTERS)
        if spaces
        else (NOT_WORD_CHARACTERS, WORD_CHARACTERS)
    )


@pytest.mark.parametrize(
    ("pattern", "tokens"),
    [
        (r"[a-zA-Z]{2,}", ("[a-zA-Z]", "[^a-zA-Z]", 2)),
        (r"(?u)[A-Za-z0-9_']+", ("[A-Za-z0-9_']", "[^A-Za-z0-9_']", 1)),
        (r"[a-z][a-z]+", ("[a-z]", "[^a-z]", 2)),
        # a word boundary cuts runs differently; a negated class holds spaces; a
        # longest run, an escape or a different second class are no runs of one
        (r"\b[a-z]{2,}\b", None),
        (r"[^0-9]+", None),
        (r"[a-z]{2,5}", None),
        (r"[a-z]{0,}", None),
        (r"[\w-]+", None),
        (r"[a-z][0-9]+", None),
    ],
)
def test_runs_of_an_ascii_class_are_exported(pattern, tokens):
    from skbig._export._text_spec import token_runs

    assert token_runs(pattern) == tokens


def test_whitespace_is_what_python_splits_words_on():
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert len(WHITESPACE) == len(set(WHITESPACE))


def test_hashing_settings_that_cannot_be_reproduced_are_named():
    with pytest.raises(NotExportableError, match="alternate_sign=True"):
        text_spec(HashingVectorizer().fit(DOCS))
    normalised_twice = (HashingVectorizer(alternate_sign=False), TfidfTransformer())
    with pytest.raises(NotExportableError, match="norm='l2'"):
        text_spec(normalised_twice)
    spec = text_spec((HashingVectorizer(alternate_sign=False, norm=None).fit(DOCS),
                      TfidfTransformer(sublinear_tf=True, use_idf=False)))  # fmt: skip
    assert spec.terms is None and spec.width == 2**20 and spec.sublinear_tf


def test_text_spec_keeps_columns_in_order_with_idf_and_settings():
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit(DOCS)
    spec = text_spec(vectorizer)
    assert [vectorizer.vocabulary_[t] for t in spec.terms] == list(
        range(len(spec.terms))
    )
    assert spec.idf.dtype == np.float32 and np.allclose(spec.idf, vectorizer.idf_)
    assert (spec.sublinear_tf, spec.norm, spec.ngram_range) == (True, "l2", (1, 2))
    counts = text_spec(CountVectorizer(binary=True).fit(DOCS))
    assert counts.idf is None and counts.norm is None and counts.binary


def test_a_union_of_vectorizers_is_parts_side_by_side():
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import Normalizer

    from skbig._export._text_spec import TextUnion, text_parts

    words = TfidfVectorizer().fit(DOCS)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(DOCS)
    hashed = make_pipeline(
        HashingVectorizer(n_features=64, alternate_sign=False, norm=None),
        TfidfTransformer(),
    ).fit(DOCS)
    union = FeatureUnion(
        [("w", words), ("gone", "drop"), ("c", chars), ("h", hashed)],
        transformer_weights={"c": 0.5},
    )
    spec = text_spec((union, Normalizer()))
    assert isinstance(spec, TextUnion) and spec.norm == "l2"
    offsets = [
        0,
        len(words.vocabulary_),
        len(words.vocabulary_) + len(chars.vocabulary_),
    ]
    assert [(o, w) for _, o, w in text_parts(spec)] == list(
        zip(offsets, [1.0, 0.5, 1.0], strict=True)
    )
    assert spec.width == offsets[-1] + 64 == union.transform(DOCS).shape[1]
    assert [part.analyzer for part in spec.parts] == ["word", "char_wb", "word"]
    with pytest.raises(NotExportableError, match="max"):
        text_spec((union, Normalizer(norm="max")))
    with pytest.raises(NotExportableError, match="strip_accents"):
        text_spec(
            FeatureUnion([("a", TfidfVectorizer(strip_accents=str.lower).fit(DOCS))])
        )


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(
            [
                *"aeÉéèçñßøÅİ ﬁ²½ＡｂｶΩµǅ™ℌ①日本😀",
                "\u0131",
                "\u0301",
                "\u0308",
                "\u0327",
            ]
        ),
        max_size=20,
    ),
    how=st.sampled_from(["unicode", "ascii"]),
)
def test_stripping_accents_is_a_map_of_each_character(text, how):
    # What lets a SavedModel strip accents exactly: a character at a time.
    from sklearn.feature_extraction.text import (
        strip_accents_ascii,
        strip_accents_unicode,
    )

    from skbig._export._text_spec import accent_map

    strip = strip_accents_unicode if how == "unicode" else strip_accents_ascii
    changed = accent_map(how)

    def one(character):
        if character in changed:
            return changed[character]
        return character if how == "unicode" or character.isascii() else ""

    assert "".join(one(c) for c in text) == strip(text)
