"""What an export reproduces, and the settings it refuses by name."""

import keras
import numpy as np
import pytest
from sklearn.feature_extraction.text import (
    TfidfVectorizer,
)
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import Normalizer, StandardScaler

from skbig import MLPClassifier, NotExportableError, make_text_classifier
from skbig._export._spec import (
    Preprocessing,
    _dense_layers,
    check_activations,
    network_spec,
    split_pipeline,
)
from skbig._export._text_spec import text_spec

DOCS = ["Café au lait", "the cat sat", "dogs and cats", "bread and butter"] * 3


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
    union = make_union(TfidfVectorizer(), TfidfVectorizer(analyzer="char"))
    assert split_pipeline(make_pipeline(union, mlp)) == (union, mlp)
    normalizer = Normalizer()
    assert split_pipeline(make_pipeline(union, normalizer, mlp)) == (
        (union, normalizer),
        mlp,
    )


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
