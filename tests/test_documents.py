"""skbig._documents: the document checks both of skbig's vectorisers make."""

import warnings

import numpy as np
import pytest

from skbig import HashingVectorizer, TfidfVectorizer

VECTORIZERS = [TfidfVectorizer, HashingVectorizer]


@pytest.mark.parametrize("vectorizer", VECTORIZERS)
@pytest.mark.parametrize(
    ("documents", "error", "message"),
    [
        (["a text", None, "more text"], ValueError, "1 of 3 are missing"),
        (["a text", float("nan")], ValueError, "the first at position 1"),
        (["a text", 7], TypeError, "the first at position 1: int 7"),
        ([b"caf\xe9 text"], ValueError, 'decode_error="replace"'),
        ("one string", ValueError, "string object received"),
    ],
    ids=["none", "nan", "int", "undecodable", "bare-string"],
)
def test_bad_documents_are_named_when_fitting_and_transforming(
    vectorizer, documents, error, message
):
    with pytest.raises(error, match=message):
        vectorizer().fit_transform(documents)
    fitted = vectorizer().fit(["a text", "more text"])
    with pytest.raises(error, match=message):
        fitted.transform(documents)


@pytest.mark.parametrize("vectorizer", VECTORIZERS)
def test_a_table_and_an_empty_sequence_are_refused(vectorizer):
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({"text": ["a text", "more text"]})
    with pytest.raises(ValueError, match=r"one column of text.*\['text'\]"):
        vectorizer().fit(table)
    with pytest.raises(ValueError, match="one column of text"):
        vectorizer().fit(table["text"]).transform(table)
    with pytest.raises(ValueError, match="no documents to fit on"):
        vectorizer().fit([])


@pytest.mark.parametrize("vectorizer", VECTORIZERS)
def test_good_documents_give_scikit_learns_result(vectorizer):
    from sklearn.feature_extraction import text

    documents = ["a text", b"more text", "and more"]
    theirs = getattr(text, vectorizer.__name__)().fit_transform(documents)
    ours = vectorizer().fit_transform(iter(documents))  # a generator is read once
    np.testing.assert_allclose(ours.toarray(), theirs.toarray())


# Chinese and Thai sentences (no spaces between words), and English ones.
UNSPACED = ["邮车上午顺利到达多佛。", "乔治王旅馆的帐房先生打开了车门"] * 4
UNSPACED += ["ฉันชอบกินข้าวผัดมาก"] * 4
SPACED = ["the mail coach reached Dover", "a hotel clerk opened the door"] * 4


@pytest.mark.parametrize("vectorizer", VECTORIZERS)
def test_text_written_without_spaces_gets_a_warning_naming_the_fix(vectorizer):
    step = "tfidf" if vectorizer is TfidfVectorizer else "hashing"
    with pytest.warns(UserWarning, match=rf"100% .*{step}__analyzer='char_wb'"):
        vectorizer().fit(UNSPACED)
    with pytest.warns(UserWarning, match="without spaces between words"):
        vectorizer().fit_transform(UNSPACED * 2 + SPACED)  # most letters unspaced


@pytest.mark.parametrize("vectorizer", VECTORIZERS)
@pytest.mark.parametrize(
    ("documents", "params"),
    [
        (SPACED, {}),
        (SPACED * 20 + UNSPACED, {}),  # a few quoted phrases in English text
        (UNSPACED, {"analyzer": "char_wb", "ngram_range": (1, 2)}),
        (UNSPACED, {"tokenizer": list, "token_pattern": None}),
        (UNSPACED, {"token_pattern": r"(?u)\w"}),
    ],
    ids=["english", "english-quoting", "characters", "own-tokenizer", "own-pattern"],
)
def test_no_warning_where_the_terms_are_words(vectorizer, documents, params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vectorizer(**params).fit_transform(documents)
