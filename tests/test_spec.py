"""What an export reproduces, and the settings it refuses by name."""

import keras
import numpy as np
import pytest
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbig import MLPClassifier, NotExportableError, make_text_classifier
from skbig._export._spec import (
    NOT_SPACE_CHARACTERS,
    NOT_WORD_CHARACTERS,
    SPACE_CHARACTERS,
    WHITESPACE,
    WORD_CHARACTERS,
    Preprocessing,
    _dense_layers,
    check_activations,
    network_spec,
    split_pipeline,
    text_spec,
)

DOCS = ["Café au lait", "the cat sat", "dogs and cats", "bread and butter"] * 3


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"tokenizer": str.split, "token_pattern": None}, "tokenizer"),
        ({"preprocessor": str.lower}, "preprocessor"),
        ({"strip_accents": "unicode"}, "strip_accents"),
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
    # scikit-learn's character analyzers ignore token_pattern and stop_words
    vectorizer = TfidfVectorizer(
        analyzer=analyzer, ngram_range=(2, 4), token_pattern=r"\S+", stop_words=["a"]
    ).fit(DOCS)
    spec = text_spec(vectorizer)
    assert (spec.analyzer, spec.ngram_range) == (analyzer, (2, 4))
    assert " ca" in spec.terms if analyzer == "char_wb" else "e c" in spec.terms
    with pytest.raises(NotExportableError, match="strip_accents"):
        text_spec(TfidfVectorizer(analyzer=analyzer, strip_accents="ascii").fit(DOCS))


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


def test_split_pipeline_takes_a_vectorizer_and_a_network_or_the_network():
    mlp = MLPClassifier()
    pipeline = make_pipeline(TfidfVectorizer(), mlp)
    assert split_pipeline(pipeline)[1] is mlp
    assert split_pipeline(mlp) == (None, mlp)
    with pytest.raises(NotExportableError, match="steps"):
        split_pipeline(make_pipeline(TfidfVectorizer(), TfidfVectorizer(), mlp))
    scaler = StandardScaler()
    steps, network = split_pipeline(make_pipeline(scaler, "passthrough", mlp))
    assert isinstance(steps, Preprocessing) and network is mlp
    assert steps.steps == [("standardscaler", scaler)]


def test_network_spec_reads_layers_temperature_and_classes(fitted_pipeline):
    spec = network_spec(fitted_pipeline[-1])
    mlp = fitted_pipeline[-1]
    assert spec.kind == "multiclass" and list(spec.classes) == list(mlp.classes_)
    assert [layer.activation for layer in spec.layers] == ["relu", "logits"]
    assert spec.layers[0].kernel.shape == (mlp.n_features_in_, 16)
    assert spec.mean is None  # sparse input is not standardised


def test_only_dense_and_dropout_layers_with_known_activations_are_exported():
    inputs = keras.Input((4,))
    x = keras.layers.Dense(8, activation="softsign")(inputs)
    dense = keras.Model(inputs, keras.layers.Dropout(0.5)(x))
    (layer,) = _dense_layers(dense)
    assert layer.activation == "softsign" and layer.kernel.shape == (4, 8)
    with pytest.raises(NotExportableError, match="hidden activation 'softsign'"):
        check_activations([layer, layer])
    normalised = keras.Model(inputs, keras.layers.BatchNormalization()(x))
    with pytest.raises(NotExportableError, match="BatchNormalization"):
        _dense_layers(normalised)


def test_unfitted_or_foreign_estimators_are_refused():
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(NotFittedError):
        network_spec(MLPClassifier())
    with pytest.raises(NotExportableError, match="LogisticRegression"):
        network_spec(LogisticRegression())
    with pytest.raises(NotFittedError):
        text_spec(make_text_classifier()[0])


def test_a_standardisation_is_folded_into_the_first_layer():
    # A text classifier that trained its TF-IDF as a table (densify_tables)
    # standardised it first; the text graphs compute the first layer from the
    # terms, so the standardisation goes into its kernel and bias.
    from skbig._export._spec import Layer, NetworkSpec, folded

    rng = np.random.RandomState(0)
    mean, scale = rng.rand(5), rng.rand(5) + 0.5
    first = Layer(rng.randn(5, 3).astype(np.float32), rng.randn(3), "relu")
    last = Layer(rng.randn(3, 2).astype(np.float32), rng.randn(2), "logits")
    net = NetworkSpec(
        "multiclass", 5, mean, scale, [first, last], None, None, None, None, None, True
    )
    text = text_spec(TfidfVectorizer().fit(DOCS))
    _, got = folded(text, net)
    assert got.mean is None and got.scale is None and got.layers[1] is last
    x = rng.rand(4, 5)
    expected = (x - mean) / scale @ first.kernel + first.bias
    result = x @ got.layers[0].kernel + got.layers[0].bias
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)
    assert folded(None, net) == (None, net)  # a bare network standardises itself
