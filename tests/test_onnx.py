"""ONNX export: the whole pipeline from raw text, checked against the estimator."""

import json
import os
import re
import warnings

import numpy as np
import pytest

import skbig
from skbig import MLPClassifier, MLPRegressor, NotExportableError, make_text_classifier

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from conftest import (  # noqa: E402
    FAST,
    UNICODE_DOCS,
    as_if_the_export_extra_lacked,
    make_corpus,
    serve_in_a_clean_process,
)
from conftest import run_onnx as run  # noqa: E402


@pytest.fixture(scope="module")
def pipeline(unicode_pipeline):
    return unicode_pipeline


@pytest.fixture(scope="module")
def exported(onnx_export):
    return onnx_export


def test_export_reports_what_it_wrote_and_how_close_it_is(exported, pipeline):
    path, report, _ = exported
    assert report["bytes"] == os.path.getsize(path) > 0
    assert report["label_agreement"] == 1.0 and report["max_difference"] < 1e-4
    assert report["format"] == "onnx" and report["quantize"] is None


def test_graph_takes_text_and_gives_labels_and_probabilities(exported, pipeline):
    _, _, session = exported
    assert [i.name for i in session.get_inputs()] == ["text"]
    assert [o.name for o in session.get_outputs()] == ["label", "probabilities"]
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["classes"]) == list(pipeline.classes_)
    assert meta["skbig_version"] == skbig.__version__


@pytest.mark.parametrize("quantize", [None, "int8", "int4"])
def test_every_graph_names_the_ir_version_its_opsets_need(
    pipeline, tmp_path, monkeypatch, quantize
):
    # Opset 20 needs IR version 9. onnx's helpers write the newest IR version the
    # installed onnx knows (12 with onnx 1.19, 14 with 1.23), which an older
    # onnxruntime refuses (1.23 reads up to 11): the graphs the export runs
    # (lowercasing's probe of onnxruntime included) and the file it writes.
    import onnx

    from skbig._export import _onnx_chars

    ran = []

    class Session(onnxruntime.InferenceSession):
        def __init__(self, model, *args, **kwargs):
            ran.append(onnx.load_from_string(model).ir_version)
            super().__init__(model, *args, **kwargs)

    monkeypatch.setattr(onnxruntime, "InferenceSession", Session)
    _onnx_chars._normalizer_differs.cache_clear()  # probe again, here
    path = tmp_path / "model.onnx"
    skbig.export(pipeline, path, quantize=quantize)
    assert len(ran) >= 2 and set(ran) == {9}  # the probe and the check
    assert onnx.load(str(path)).ir_version == 9


def test_a_disagreeing_export_is_not_written(pipeline, tmp_path, monkeypatch):
    from skbig._export import _onnx

    def wrong_spec(vectorizer):
        spec = real(vectorizer)
        spec.idf = np.log1p(spec.idf)  # what a wrong IDF formula would give
        return spec

    real = _onnx.text_spec
    monkeypatch.setattr(_onnx, "text_spec", wrong_spec)
    path = tmp_path / "model.onnx"
    with pytest.raises(NotExportableError, match="disagrees"):
        skbig.export(pipeline, path)
    assert not path.exists()


def test_greek_and_turkish_capitals_are_lowercased_as_python_does(tmp_path):
    # Python lowercases a word-final capital sigma to the final form and İ to i
    # and a combining dot; onnxruntime's StringNormalizer gives the medial form
    # and i.
    texts = [
        "\u03bf\u03b4\u03cc\u03c2 \u03ba\u03b1\u03bb\u03cc\u03c2",
        "the road",
        "istanbul stanbul",
        "\u03c3\u03bf\u03c6\u03af\u03b1 \u03c3\u03b1\u03c2",
    ] * 10
    model = make_text_classifier(**dict(FAST, tfidf__min_df=1))
    model.fit(texts, ["el", "en", "tr", "el"] * 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        skbig.export(model, tmp_path / "greek.onnx")
    probe = ["ΟΔΌΣ ΚΑΛΌΣ", "ΣΟΦΊΑ ΣΑΣ.", "Οδός, καλός", "İSTANBUL", "ΣΑΣ' ΟΔΌΣ", "Σ"]
    probe += ["THE\x00ROAD", "ΟΔΌΣ\x00ΚΑΛΌΣ"]  # noqa: RUF001
    session = onnxruntime.InferenceSession(str(tmp_path / "greek.onnx"))
    label, proba = run(session, probe)
    assert list(label) == list(model.predict(probe))
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-5


@pytest.fixture(scope="module")
def tabular():
    from sklearn.datasets import make_classification, make_regression

    X, y = make_classification(120, 6, n_informative=4, n_classes=3, random_state=0)
    Xr, yr = make_regression(120, 6, noise=1.0, random_state=0)
    return X * [1, 10, 100, 1, 0.1, 5], y, Xr, yr * 100 + 40


def test_numeric_classifier_standardises_inside_the_graph(tabular, tmp_path):
    X, y, _, _ = tabular
    clf = MLPClassifier((8,), epochs=5, batch_size=64, random_state=0).fit(X, y)
    skbig.export(clf, tmp_path / "clf.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "clf.onnx"))
    assert session.get_inputs()[0].name == "X"
    label, proba = session.run(None, {"X": X.astype(np.float32)})
    assert (label == clf.predict(X)).all()
    assert np.abs(proba - clf.predict_proba(X)).max() < 1e-4


@pytest.mark.parametrize(
    "how", ["ascii", pytest.param("unicode", marks=pytest.mark.slow)]
)
def test_stripped_accents_export_and_agree(how, tmp_path):
    texts, labels = make_corpus(n_docs=60, seed=1)
    texts = [*texts, *UNICODE_DOCS, "Çafé ÉCOLE naïve", "ﬁnance Straße"] * 2
    labels = [*labels, *labels[: len(UNICODE_DOCS) + 2]] * 2
    model = make_text_classifier(
        **dict(FAST, tfidf__min_df=1), tfidf__strip_accents=how
    ).fit(texts, labels)
    skbig.export(model, tmp_path / "accents.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "accents.onnx"))
    probe = [*texts[-12:], "", "cafe ecole", "CAFÉ École naive", "ﬁ ½ 한국어 😀"]
    label, proba = run(session, probe)
    assert list(label) == list(model.predict(probe))
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4


def test_numeric_steps_in_front_are_converted_by_skl2onnx(tabular, tmp_path):
    # A table with missing values: impute, scale, then the network; the graph
    # takes the raw rows, gaps included.
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, _, _ = tabular
    X = X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    model = make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        MLPClassifier((8,), epochs=5, batch_size=64, random_state=0),
    ).fit(X, y)
    report = skbig.export(model, tmp_path / "steps.onnx")
    assert report["label_agreement"] == 1.0  # on probe rows with gaps too
    session = onnxruntime.InferenceSession(str(tmp_path / "steps.onnx"))
    assert session.get_inputs()[0].name == "X"
    assert session.get_modelmeta().custom_metadata_map["input"] == "X"
    label, proba = session.run(None, {"X": X.astype(np.float32)})
    assert (label == model.predict(X)).all()
    assert np.abs(proba - model.predict_proba(X)).max() < 1e-4
    # the SavedModel computes the same steps itself (skbig._export._tf_steps)
    report = skbig.export(model, tmp_path / "steps", format="savedmodel")
    assert report["label_agreement"] == 1.0 and report["max_difference"] < 1e-4


def test_steps_skl2onnx_cannot_convert_are_named(tabular, tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X, y, _, _ = tabular
    model = make_pipeline(
        FunctionTransformer(np.abs),
        MLPClassifier((8,), epochs=2, batch_size=64, random_state=0),
    ).fit(X, y)
    with pytest.raises(NotExportableError, match="FunctionTransformer"):
        skbig.export(model, tmp_path / "f.onnx")
    assert not (tmp_path / "f.onnx").exists()


@pytest.mark.parametrize("missing", ["onnx", "skl2onnx", "onnxruntime"])
def test_a_missing_export_extra_is_named(missing, monkeypatch, tmp_path):
    model = make_text_classifier(**FAST).fit(*make_corpus(n_docs=40, seed=0))
    as_if_the_export_extra_lacked(monkeypatch, missing)
    named = rf"\({missing} is not installed\).*\[export\]"
    with pytest.raises(ImportError, match=named):
        skbig.export(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def _word_lengths(documents):
    return np.array([[len(d), len(d.split())] for d in documents], dtype=np.float32)


@pytest.mark.parametrize("format", ["onnx", "savedmodel"])
def test_a_function_of_the_raw_text_is_named_not_exported(format, tmp_path):
    # A function that turns text into numbers (a sentence encoder, say) has no
    # exported counterpart; the refusal names the step, and nothing is written.
    from sklearn.preprocessing import FunctionTransformer

    texts, labels = make_corpus(n_docs=40, seed=0)
    model = skbig.TextPipeline(
        [
            ("encoder", FunctionTransformer(_word_lengths)),
            ("mlp", MLPClassifier((4,), epochs=1, random_state=0)),
        ]
    ).fit(texts, labels)
    with pytest.raises(NotExportableError, match=r"'encoder' \(FunctionTransformer\)"):
        skbig.export(model, tmp_path / "f", format=format)
    assert not (tmp_path / "f").exists()


@pytest.mark.slow
def test_regressor_behind_numeric_steps(tabular, tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, PolynomialFeatures

    _, _, X, y = tabular
    model = make_pipeline(
        PolynomialFeatures(2),
        MinMaxScaler(),
        MLPRegressor((8,), epochs=5, batch_size=64, random_state=0),
    ).fit(X, y)
    skbig.export(model, tmp_path / "reg.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "reg.onnx"))
    (prediction,) = session.run(["prediction"], {"X": X.astype(np.float32)})
    assert np.allclose(prediction, model.predict(X), rtol=1e-4, atol=1e-3)


@pytest.mark.slow
def test_regressor_outputs_prediction_in_target_units(tabular, tmp_path):
    _, _, X, y = tabular
    reg = MLPRegressor((8,), epochs=5, batch_size=64, random_state=0).fit(X, y)
    skbig.export(reg, tmp_path / "reg.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "reg.onnx"))
    (prediction,) = session.run(["prediction"], {"X": X.astype(np.float32)})
    assert prediction.shape == (len(X),)
    assert np.allclose(prediction, reg.predict(X), rtol=1e-4, atol=1e-3)


@pytest.mark.slow  # the default stopping rule and its thresholds: a longer fit
def test_multilabel_labels_use_the_fitted_thresholds(tmp_path):
    texts, labels = make_corpus(n_docs=120, seed=1)
    Y = np.stack([labels == "sport", labels != "food", labels == "tech"], 1) * 1
    model = make_text_classifier(
        **dict(FAST, mlp__early_stopping=True, mlp__epochs=6)
    ).fit(texts, Y)
    assert model[-1].thresholds_ is not None
    skbig.export(model, tmp_path / "ml.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "ml.onnx"))
    label, proba = run(session, texts)
    assert (label == model.predict(texts)).all()
    assert np.abs(proba - model.predict_proba(texts)).max() < 1e-4


def test_bad_format_or_quantization_is_refused(pipeline, tmp_path):
    with pytest.raises(ValueError, match="format"):
        skbig.export(pipeline, tmp_path / "m", format="pickle")
    with pytest.raises(ValueError, match="int8"):
        skbig.export(pipeline, tmp_path / "m", format="savedmodel", quantize="int8")
    with pytest.raises(TypeError, match="str to str"):
        skbig.export(pipeline, tmp_path / "m.onnx", metadata={"n": 1})


def test_a_destination_that_must_not_be_replaced_is_refused_first(pipeline, tmp_path):
    # A SavedModel replaces its path whole: a folder of the user's was replaced,
    # its files gone. Each refusal comes before the export is built.
    kept = tmp_path / "project"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    refused = re.escape(f"{kept} exists and is no SavedModel")
    with pytest.raises(FileExistsError, match=refused):
        skbig.export(pipeline, kept, format="savedmodel")
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
    with pytest.raises(FileExistsError, match="no SavedModel folder"):
        skbig.export(pipeline, kept / "notes.txt", format="savedmodel")
    assert (kept / "notes.txt").read_text() == "mine"
    with pytest.raises(IsADirectoryError, match="an ONNX export is one file"):
        skbig.export(pipeline, kept)
    with pytest.raises(FileNotFoundError, match="there is no folder to write it in"):
        skbig.export(pipeline, tmp_path / "missing" / "m.onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


@pytest.mark.slow
def test_onnx_serves_with_onnxruntime_alone(exported, pipeline):
    run = (
        "import numpy as np, onnxruntime\n"
        f"session = onnxruntime.InferenceSession({str(exported[0])!r})\n"
        "label, proba = session.run(None, {'text': np.array(texts, dtype=object)})\n"
    )
    texts = [*UNICODE_DOCS, "goal team match", ""]
    blocked = {"sklearn", "skbig", "tensorflow", "keras", "scikeras", "skl2onnx"}
    labels, proba = serve_in_a_clean_process(blocked, run, texts)
    assert labels == list(pipeline.predict(texts))
    assert np.abs(proba - pipeline.predict_proba(texts)).max() < 1e-4


def test_a_text_classifier_trained_as_a_table_exports_exactly(tmp_path):
    # Three terms in every document: the rows look like a one-hot table's, and
    # the classifier standardised them as a table (densify_tables).
    texts = [f"a{i % 7} b{i * 3 % 11} c{i % 5}" for i in range(240)]
    labels = [("x", "y")[(i % 7) % 2] for i in range(240)]
    model = make_text_classifier(**dict(FAST, tfidf__min_df=1)).fit(texts, labels)
    assert not model[-1]._sparse_input
    report = skbig.export(model, tmp_path / "table.onnx")
    assert report["max_difference"] < 1e-4
    session = onnxruntime.InferenceSession(str(tmp_path / "table.onnx"))
    probe = [*texts[:5], "a3 unseen", ""]
    label, proba = session.run(None, {"text": np.asarray(probe, dtype=object)})
    assert label.tolist() == model.predict(probe).tolist()
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4
