"""Character n-grams in ONNX: the pieces scikit-learn's char analyzers cut."""

from collections import Counter
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.pipeline import make_pipeline

import skbig
from skbig import MLPClassifier

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from conftest import (  # noqa: E402
    CHAR_MESSY,
    CHAR_TEXT,
    UNICODE_DOCS,
    OnnxNames,
    character_grams,
    make_corpus,
)
from conftest import run_onnx as run  # noqa: E402

RANGES = [(1, 1), (1, 2), (2, 4), (3, 5), (4, 6), (5, 5)]


def _session(build):
    """An onnxruntime session of ``build(nodes, "text")`` alone: a string
    ``[1]`` to the 1-D string tensor it returns."""
    from onnx import TensorProto, helper

    from skbig._export._onnx_text import DOMAIN_VERSIONS, Nodes

    names = OnnxNames()
    nodes = Nodes(names, names, body=[])
    output = build(nodes, "text")
    graph = helper.make_graph(
        nodes.body,
        "piece",
        [helper.make_tensor_value_info("text", TensorProto.STRING, [1])],
        [helper.make_tensor_value_info(output, TensorProto.STRING, [None])],
        names.initializers,
    )
    opsets = [helper.make_opsetid("", 20)]
    opsets += [helper.make_opsetid(d, v) for d, v in DOMAIN_VERSIONS.items()]
    model = helper.make_model(graph, opset_imports=opsets, ir_version=9)
    return onnxruntime.InferenceSession(model.SerializeToString())


@cache
def _grams_session(analyzer, ngram_range):
    """A string ``[1]`` to its n-grams."""
    from skbig._export._onnx_chars import character_grams
    from skbig._export._onnx_text import _slices
    from skbig._export._text_spec import TextSpec

    spec = TextSpec(
        terms=None, lowercase=False, ngram_range=ngram_range, binary=False,
        sublinear_tf=False, idf=None, norm=None, analyzer=analyzer,
    )  # fmt: skip
    return _session(lambda nodes, text: character_grams(nodes, spec, text, _slices))


def _onnx_grams(analyzer, ngram_range, text):
    session = _grams_session(analyzer, ngram_range)
    (grams,) = session.run(None, {"text": np.asarray([text], dtype=object)})
    return Counter(grams.tolist())


@pytest.mark.parametrize("ngram_range", RANGES, ids=str)
@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_the_grams_are_scikit_learns(analyzer, ngram_range):
    for text in CHAR_MESSY:
        got = _onnx_grams(analyzer, ngram_range, text)
        assert got == character_grams(analyzer, ngram_range, text), repr(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=CHAR_TEXT,
    analyzer=st.sampled_from(["char", "char_wb"]),
    ngram_range=st.sampled_from(RANGES),
)
def test_the_grams_are_scikit_learns_on_generated_text(analyzer, ngram_range, text):
    got = _onnx_grams(analyzer, ngram_range, text)
    assert got == character_grams(analyzer, ngram_range, text)


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)),
        pytest.param(
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
            marks=pytest.mark.slow,
        ),
        pytest.param(  # the private pipeline's feature map, on characters
            HashingVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 4),
                alternate_sign=False,
                n_features=2**12,
            ),
            marks=pytest.mark.slow,
        ),
    ],
    ids=["char_wb-tfidf", "char-sublinear", "char_wb-hashing"],
)
def test_a_character_pipeline_exports_and_agrees(vectorizer, tmp_path):
    texts, labels = make_corpus(n_docs=120, seed=4)
    model = make_pipeline(
        vectorizer, MLPClassifier((8,), epochs=3, batch_size=64, random_state=0)
    ).fit(texts, labels)
    skbig.export(model, tmp_path / "chars.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "chars.onnx"))
    probe = [*CHAR_MESSY, *UNICODE_DOCS, *texts[:20], "GOAL match team goal"]
    label, proba = run(session, probe)
    assert list(label) == list(model.predict(probe))
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4


@pytest.mark.parametrize(
    "hashed",
    [False, pytest.param(True, marks=pytest.mark.slow)],
    ids=["vocabularies", "hashed"],
)
def test_words_beside_characters_export_and_agree(hashed, tmp_path):
    # A FeatureUnion of words and character n-grams, weighted, then normalised
    # as one row: each part's columns after the previous part's.
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import Normalizer

    make = HashingVectorizer if hashed else TfidfVectorizer
    extra = {"alternate_sign": False, "n_features": 2**10} if hashed else {}
    union = FeatureUnion(
        [
            ("words", make(ngram_range=(1, 2), **extra)),
            ("chars", make(analyzer="char_wb", ngram_range=(2, 4), **extra)),
        ],
        transformer_weights={"chars": 0.5},
    )
    texts, labels = make_corpus(n_docs=120, seed=4)
    model = make_pipeline(
        union,
        Normalizer(),
        MLPClassifier((8,), epochs=3, batch_size=64, random_state=0),
    ).fit(texts, labels)
    skbig.export(model, tmp_path / "union.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "union.onnx"))
    probe = [*CHAR_MESSY, *UNICODE_DOCS, *texts[:20]]
    label, proba = run(session, probe)
    assert list(label) == list(model.predict(probe))
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4


@cache
def _stripping_session(how):
    from skbig._export._onnx_chars import accents_stripped

    return _session(lambda nodes, text: accents_stripped(nodes, text, how))


def _onnx_stripped(how, text):
    session = _stripping_session(how)
    (stripped,) = session.run(None, {"text": np.asarray([text], dtype=object)})
    return stripped.tolist()


ACCENTED = [
    "",
    "x",
    "ﬁnance ² \uff21\uff42\uff43",
    "e\u0301cole Straße Œuvre ½ naïve",
    "ğüşöç Ωµ",
    "한국어 텍스트",  # Hangul syllables, which NFKD decomposes by rule
    "日本語 テキスト 😀🎉 x" * 9,  # more characters than a few rounds join
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.sampled_from(ACCENTED), CHAR_TEXT, st.text(max_size=40)))
@pytest.mark.parametrize("how", ["unicode", "ascii"])
def test_accents_are_stripped_as_scikit_learn_strips_them(how, text):
    from sklearn.feature_extraction.text import (
        strip_accents_ascii,
        strip_accents_unicode,
    )

    strip = strip_accents_unicode if how == "unicode" else strip_accents_ascii
    assert _onnx_stripped(how, text) == [strip(text)]


@cache
def _lowering_session():
    from skbig._export._onnx_chars import lowercased

    return _session(lowercased)


# Greek capitals and small letters, the capital sigma, what Final_Sigma skips
# (apostrophes, full stops, combining marks, a soft hyphen, modifier letters)
# and what it does not (spaces, digits, punctuation), the dotted capital I.
_SIGMA_CONTEXT = st.text(
    alphabet=st.sampled_from(list("ΣΑΒΟΔσςαο'.:\u0301\u0345\u00ad\u02b0 1-,İIiAa")),
    max_size=14,
)
LOWERED = [
    "ΟΔΟΣ",
    "ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ",  # noqa: RUF001
    "ΟΔΟΣ'. Σ ΑΣ' Σ",
    "Σ",
    "ΑΣ\u0301Α ΑΣ\u0301",  # noqa: RUF001
    "İSTANBUL İi",
    "Ⓐ ǅ Straße ẞ ΐ",
    "",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.sampled_from(LOWERED), _SIGMA_CONTEXT, CHAR_TEXT, st.text(max_size=40)
    )
)
def test_text_is_lowercased_as_python_lowercases_it(text):
    session = _lowering_session()
    (lowered,) = session.run(None, {"text": np.asarray([text], dtype=object)})
    assert lowered.tolist() == [text.lower()]


def test_python_lowercase_tables():
    from skbig._export._text_spec import lowercase_tables

    lower, classes = lowercase_tables()
    assert lower["\u0130"] == "i\u0307" and lower["\u03a3"] == "\u03c3"
    assert "a" not in lower and len(lower) > 1000
    # cased, case-ignorable, the capital sigma, neither
    assert [classes.get(c, 0) for c in "a'\u0301Σ 1"] == [1, -1, -1, 2, 0, 0]
