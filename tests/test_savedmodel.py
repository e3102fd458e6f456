"""SavedModel export: TF-IDF and the network in one TensorFlow graph."""

import json
from collections import Counter

import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    CHAR_MESSY,
    CHAR_TEXT,
    DOCUMENT,
    FAST,
    UNICODE_DOCS,
    character_grams,
    make_corpus,
    serve_in_a_clean_process,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union

import skbig
from skbig import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def pipeline():
    texts, labels = make_corpus(n_docs=150, seed=3)
    texts = texts + UNICODE_DOCS * 6 + ["ΟΔΟΣ οδός İstanbul"] * 6
    texts += ["goal of the match", "the code of a team"] * 6  # "goal match"
    labels = np.concatenate([labels, ["sport", "tech", "food"] * 12])
    labels = np.concatenate([labels, ["sport", "tech"] * 6])
    params = dict(FAST, tfidf__min_df=1, tfidf__ngram_range=(1, 2))
    # stop words go before the bigrams are formed, in the graph as in scikit-learn
    params["tfidf__stop_words"] = ["the", "of", "a", "ça"]
    return skbig.make_text_classifier(**params).fit(texts, labels)


@pytest.fixture(scope="module")
def saved(pipeline, tmp_path_factory):
    path = tmp_path_factory.mktemp("savedmodel") / "model"
    report = skbig.export(pipeline, path, format="savedmodel")
    return path, report, tf.saved_model.load(str(path))


def serve(loaded, texts):
    out = loaded.signatures["serving_default"](text=tf.constant(texts, tf.string))
    labels = [label.decode("utf-8") for label in out["label"].numpy()]
    return labels, out["probabilities"].numpy()


def test_serving_signature_takes_text_and_gives_labels(saved, pipeline):
    _, report, loaded = saved
    signature = loaded.signatures["serving_default"]
    assert list(signature.structured_input_signature[1]) == ["text"]
    assert set(signature.structured_outputs) == {"label", "probabilities"}
    assert report["max_difference"] < 1e-4 and report["bytes"] > 0
    classes = loaded.metadata["classes"].numpy().decode()
    assert json.loads(classes) == list(pipeline.classes_)


def test_savedmodel_drops_stop_words_before_the_bigrams(saved, pipeline):
    assert {"goal match", "code team"} <= set(pipeline[0].vocabulary_)
    texts = ["Goal of the match", "the code OF A team", "goal match"]
    labels, proba = serve(saved[2], texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4
    assert np.abs(proba[0] - proba[2]).max() < 1e-6  # the same bigram


def test_savedmodel_lowercases_as_python_does(saved, pipeline):
    texts = ["ΟΔΟΣ and İSTANBUL", *UNICODE_DOCS, "", "goal_team 日本goal"]
    texts += ["GOAL\x00MATCH Team", "\x00"]  # ICU stops lowercasing at a NUL
    labels, proba = serve(saved[2], texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=6))
def test_savedmodel_agrees_on_generated_unicode(saved, pipeline, texts):
    labels, proba = serve(saved[2], texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4


def _tf_grams(analyzer, ngram_range, texts):
    from skbig._export._savedmodel import _GRAMS

    return _counted(_GRAMS[analyzer](tf.constant(texts, tf.string), *ngram_range))


def _counted(grams):
    rows = tf.concat(grams, axis=1).to_list()
    return [Counter(gram.decode("utf-8") for gram in row) for row in rows]


@pytest.mark.parametrize(
    "pattern", [r"(?u)\b\w\w+\b", r"\w+", r"\S+", r"[a-zA-Z']{2,}", r"[a-z0-9]+"]
)
def test_token_patterns_find_scikit_learns_tokens(pattern):
    from sklearn.feature_extraction.text import CountVectorizer

    from skbig._export._savedmodel import _word_grams
    from skbig._export._text_spec import token_runs

    texts = [*CHAR_MESSY, *UNICODE_DOCS, "C++ #1 a.b x_y (z) é-e", "日本 語"]
    texts += ["don't stop-it ABCdef x1y2 café's naïve Ǆx"]
    got = _counted(_word_grams(tf.constant(texts), 1, 2, token_runs(pattern)))
    analyzer = CountVectorizer(
        token_pattern=pattern, ngram_range=(1, 2), lowercase=False
    ).build_analyzer()
    assert got == [Counter(analyzer(text)) for text in texts]


def test_stop_words_go_before_the_ngrams_are_formed():
    from sklearn.feature_extraction.text import CountVectorizer

    from skbig._export._savedmodel import _word_grams
    from skbig._export._text_spec import TOKEN_PATTERNS

    stop_words = ["the", "of", "a", "ça"]
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(
            tf.constant(stop_words), tf.ones(len(stop_words), tf.int64)
        ),
        default_value=0,
    )
    texts = [*UNICODE_DOCS, "the goal of a goal", "ça va, the end", "", "of the"]
    tokens = TOKEN_PATTERNS[r"(?u)\b\w\w+\b"]
    got = _counted(_word_grams(tf.constant(texts), 1, 3, tokens, stop=table))
    analyzer = CountVectorizer(
        stop_words=stop_words, ngram_range=(1, 3), lowercase=False
    ).build_analyzer()
    assert got == [Counter(analyzer(text)) for text in texts]
    assert got[len(UNICODE_DOCS)] == Counter({"goal": 2, "goal goal": 1})


@pytest.mark.parametrize("ngram_range", [(1, 2), (2, 4), (4, 6)], ids=str)
@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_character_grams_are_scikit_learns(analyzer, ngram_range):
    got = _tf_grams(analyzer, ngram_range, CHAR_MESSY)
    assert got == [character_grams(analyzer, ngram_range, t) for t in CHAR_MESSY]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(CHAR_TEXT, min_size=1, max_size=4),
    analyzer=st.sampled_from(["char", "char_wb"]),
    ngram_range=st.sampled_from([(1, 1), (2, 4), (3, 5), (5, 5)]),
)
def test_character_grams_are_scikit_learns_on_generated_text(
    analyzer, ngram_range, texts
):
    got = _tf_grams(analyzer, ngram_range, texts)
    assert got == [character_grams(analyzer, ngram_range, t) for t in texts]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=4))
def test_accents_are_stripped_as_scikit_learn_strips_them(texts):
    from sklearn.feature_extraction.text import (
        strip_accents_ascii,
        strip_accents_unicode,
    )

    from skbig._export._savedmodel import _accent_table, _stripped

    fullwidth = "\uff21\uff42\uff43"
    texts = [*texts, f"ﬁnance ² {fullwidth}", "e\u0301cole Straße Œuvre ½", "ğüşöç Ωµ"]
    for how, strip in (
        ("unicode", strip_accents_unicode),
        ("ascii", strip_accents_ascii),
    ):
        got = _stripped(tf.constant(texts), how, _accent_table(how)).numpy()
        assert [text.decode("utf-8") for text in got] == [strip(t) for t in texts]


def _accents_stripped():
    return TfidfVectorizer(strip_accents="unicode", ngram_range=(1, 2))


def _characters():
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)


def _words_beside_characters():
    return make_union(
        TfidfVectorizer(stop_words=["the", "of"], ngram_range=(1, 2)),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 3), lowercase=False),
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "features", [_accents_stripped, _characters, _words_beside_characters]
)
def test_more_text_settings_export_and_agree(features, tmp_path):
    texts, labels = make_corpus(n_docs=120, seed=4)
    model = make_pipeline(
        features(), MLPClassifier((8,), epochs=3, batch_size=64, random_state=0)
    ).fit(texts, labels)
    skbig.export(model, tmp_path / "chars", format="savedmodel")
    loaded = tf.saved_model.load(str(tmp_path / "chars"))
    probe = [*CHAR_MESSY, *UNICODE_DOCS, "ΟΔΟΣ οδός İstanbul", *texts[:20]]
    labels, proba = serve(loaded, probe)
    assert labels == list(model.predict(probe))
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4


@pytest.mark.slow
def test_rewriting_an_export_replaces_the_folder(pipeline, tmp_path):
    path = tmp_path / "model"
    skbig.export(pipeline, path, format="savedmodel")
    (path / "stale.txt").write_text("from an older export")
    skbig.export(pipeline, path, format="savedmodel", quantize="float16")
    assert not (path / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # nothing left beside


@pytest.mark.slow
def test_numeric_regressor_savedmodel(tmp_path):
    from sklearn.datasets import make_regression

    X, y = make_regression(100, 5, noise=1.0, random_state=0)
    reg = MLPRegressor((8,), epochs=3, batch_size=64, random_state=0)
    reg.set_params(linear_part=True).fit(X, y + 50)
    assert reg.linear_coef_ is not None  # the graph computes the linear part too
    skbig.export(reg, tmp_path / "reg", format="savedmodel")
    signature = tf.saved_model.load(str(tmp_path / "reg")).signatures["serving_default"]
    prediction = signature(X=tf.constant(X, tf.float32))["prediction"].numpy()
    assert np.allclose(prediction, reg.predict(X), rtol=1e-4, atol=1e-3)


@pytest.mark.slow
def test_savedmodel_serves_without_sklearn_skbig_or_keras(saved, pipeline):
    path = saved[0]
    run = (
        "import tensorflow as tf\n"
        f"out = tf.saved_model.load({str(path)!r}).signatures['serving_default']("
        "text=tf.constant(texts))\n"
        "label = [x.decode() for x in out['label'].numpy()]\n"
        "proba = out['probabilities'].numpy()"
    )
    texts = [*UNICODE_DOCS, "goal team match", ""]
    blocked = {"sklearn", "skbig", "keras", "scikeras", "tf_keras"}
    labels, proba = serve_in_a_clean_process(blocked, run, texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4


def test_word_characters_are_pythons_on_every_code_point():
    import re

    from skbig._export._text_spec import NOT_WORD_CHARACTERS, re2_class

    word = re.compile(r"\w")
    characters = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    between = tf.strings.regex_full_match(
        tf.constant(characters), re2_class(NOT_WORD_CHARACTERS)
    ).numpy()
    assert np.array_equal(~between, [bool(word.match(c)) for c in characters])
