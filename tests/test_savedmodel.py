"""SavedModel export: TF-IDF and the network in one TensorFlow graph."""

import json

import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    DOCUMENT,
    FAST,
    UNICODE_DOCS,
    make_corpus,
    serve_in_a_clean_process,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skbig
from skbig import MLPRegressor


@pytest.fixture(scope="module")
def pipeline():
    texts, labels = make_corpus(n_docs=150, seed=3)
    texts = texts + UNICODE_DOCS * 6 + ["ΟΔΟΣ οδός İstanbul"] * 6
    labels = np.concatenate([labels, ["sport", "tech", "food"] * 12])
    params = dict(FAST, tfidf__min_df=1, tfidf__ngram_range=(1, 2))
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


def test_savedmodel_lowercases_as_python_does(saved, pipeline):
    texts = ["ΟΔΟΣ and İSTANBUL", *UNICODE_DOCS, "", "goal_team 日本goal"]
    labels, proba = serve(saved[2], texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=6))
def test_savedmodel_agrees_on_generated_unicode(saved, pipeline, texts):
    labels, proba = serve(saved[2], texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4


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
    reg.set_params(linear_part="auto").fit(X, y + 50)
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
