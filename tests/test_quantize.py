"""Smaller ONNX files: float16 weights; int8 weights with a scale a row or column."""

import numpy as np
import pytest

import skbig
from skbig import MLPClassifier

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """A network whose weights dominate the file, as a vocabulary's do."""
    from sklearn.datasets import make_classification

    X, y = make_classification(300, 200, n_informative=20, random_state=0)
    clf = MLPClassifier((64,), epochs=5, batch_size=128, random_state=0).fit(X, y)
    folder = tmp_path_factory.mktemp("quantize")
    reports = {
        how: skbig.export(clf, folder / f"{how}.onnx", quantize=how)
        for how in (None, "float16", "int8")
    }
    return clf, X, folder, reports


def test_float16_halves_the_file_and_stays_close(wide):
    clf, X, folder, reports = wide
    assert reports["float16"]["bytes"] < 0.55 * reports[None]["bytes"]
    session = onnxruntime.InferenceSession(str(folder / "float16.onnx"))
    label, proba = session.run(None, {"X": X.astype(np.float32)})
    assert np.abs(proba - clf.predict_proba(X)).max() < 1e-2
    assert np.mean(label == clf.predict(X)) > 0.98


def test_int8_quarters_the_file_and_reports_its_agreement(wide):
    clf, X, folder, reports = wide
    assert reports["int8"]["bytes"] < 0.35 * reports[None]["bytes"]
    assert 0.9 <= reports["int8"]["label_agreement"] <= 1.0
    session = onnxruntime.InferenceSession(str(folder / "int8.onnx"))
    stored = {t.data_type for t in _graph(folder / "int8.onnx").initializer}
    assert 3 in stored  # TensorProto.INT8: the kernel, with a scale per column
    label, _ = session.run(None, {"X": X.astype(np.float32)})
    assert np.mean(label == clf.predict(X)) > 0.95


def test_quantizing_is_quiet(wide, capfd, tmp_path):
    clf = wide[0]
    skbig.export(clf, tmp_path / "q.onnx", quantize="int8")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def _graph(path):
    import onnx

    return onnx.load(str(path)).graph


def test_text_pipeline_quantizes_the_kernel_and_keeps_the_idf(tmp_path):
    """A vocabulary large enough for the IDF vector to be quantized too, if the
    quantizer got it wrong."""
    from conftest import FAST

    rng = np.random.RandomState(0)
    words = [f"w{i}" for i in range(5000)]
    # documents of many lengths, as text has (equally long rows are a table's)
    texts = [" ".join(rng.choice(words, rng.randint(10, 50))) for _ in range(400)]
    labels = np.asarray(["a", "b"])[rng.randint(0, 2, 400)]
    params = dict(FAST, tfidf__min_df=1, mlp__hidden_layer_sizes=(4,))
    model = skbig.make_text_classifier(**params).fit(texts, labels)
    assert len(model[0].vocabulary_) > 4096
    for how in ("float16", "int8"):
        report = skbig.export(model, tmp_path / f"{how}.onnx", quantize=how)
        assert report["max_difference"] < 1e-2, how
        session = onnxruntime.InferenceSession(str(tmp_path / f"{how}.onnx"))
        _, proba = session.run(None, {"text": np.asarray(texts[:50], dtype=object)})
        assert np.abs(proba - model.predict_proba(texts[:50])).max() < 1e-2, how


def test_int8_text_graph_scales_the_values_not_the_rows(unicode_pipeline, tmp_path):
    # The first layer's int8 rows are widened but not scaled; their scales (one
    # a term) multiply the TF-IDF values the MatMul multiplies the rows by.
    report = skbig.export(unicode_pipeline, tmp_path / "t.onnx", quantize="int8")
    (loop,) = [n for n in _graph(tmp_path / "t.onnx").node if n.op_type == "Loop"]
    body = {node.output[0]: node for node in loop.attribute[0].g.node}
    (matmul,) = [node for node in body.values() if node.op_type == "MatMul"]
    scaled, rows = (body[name] for name in matmul.input)
    assert rows.op_type == "Cast" and body[rows.input[0]].op_type == "Gather"
    assert scaled.op_type == "Mul" and body[scaled.input[1]].op_type == "Gather"
    session = onnxruntime.InferenceSession(str(tmp_path / "t.onnx"))
    texts = [*unicode_pipeline[0].get_feature_names_out()[:40], "", "x y"]
    label, proba = session.run(None, {"text": np.asarray(texts, dtype=object)})
    assert np.abs(proba - unicode_pipeline.predict_proba(texts)).max() < 2e-2
    assert np.mean(label == unicode_pipeline.predict(texts)) >= 0.95
    assert report["label_agreement"] >= 0.95
