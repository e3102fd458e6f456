"""Smaller ONNX files: float16 weights; int8 weights with a scale a row or column;
int4 blocks for the first layer of a text pipeline."""

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


@pytest.mark.parametrize("width", [64, 7, 40])
def test_int4_blocks_are_what_onnxruntime_gathers(width):
    # codes 0-15 for (code - 8) x scale, the first of two in the low four bits,
    # a scale per 32 values of a row; an odd width gets a zero column
    from onnx import TensorProto, helper, numpy_helper

    from skbig._export._quantize import INT4_BLOCK, int4_blocks

    rng = np.random.RandomState(width)
    values = (rng.normal(size=(50, width)) * rng.lognormal(size=(50, 1))).astype(
        np.float32
    )
    values[3] = 0.0  # a row of zeros
    packed, scales = int4_blocks(values)
    node = helper.make_node(
        "GatherBlockQuantized", ["data", "rows", "scales"], ["out"],
        domain="com.microsoft", bits=4, block_size=INT4_BLOCK, gather_axis=0,
        quantize_axis=1,
    )  # fmt: skip
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("rows", TensorProto.INT64, [None])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
        [
            numpy_helper.from_array(packed, "data"),
            numpy_helper.from_array(scales, "scales"),
        ],
    )
    opsets = [helper.make_opsetid("", 20), helper.make_opsetid("com.microsoft", 1)]
    session = onnxruntime.InferenceSession(
        helper.make_model(graph, opset_imports=opsets, ir_version=9).SerializeToString()
    )
    rows = np.array([0, 3, 49, 0], np.int64)
    (gathered,) = session.run(None, {"rows": rows})
    codes = np.stack([packed & 15, packed >> 4], axis=2).reshape(50, -1)
    blocks = np.repeat(scales, INT4_BLOCK, axis=1)[:, : codes.shape[1]]
    decoded = (codes.astype(np.float32) - 8) * blocks
    assert np.array_equal(gathered, decoded[rows])
    # each value within half a step of its block's scale
    assert np.all(np.abs(decoded[:, :width] - values) <= blocks[:, :width] / 2 + 1e-7)
    assert not decoded[3].any() and not decoded[:, width:].any()


@pytest.mark.parametrize("units", [16, 7])
def test_int4_text_pipeline_gathers_four_bit_rows(tmp_path, units):
    from conftest import FAST

    rng = np.random.RandomState(5)
    words = np.array([f"w{i}" for i in range(3000)])
    labels = rng.randint(0, 3, 400)
    # each class leans on its own third of the words
    texts = [
        " ".join(rng.choice(words[c * 1000 : (c + 1) * 1000], rng.randint(5, 30)))
        + " " + " ".join(rng.choice(words, 10))
        for c in labels
    ]  # fmt: skip
    params = dict(FAST, tfidf__min_df=1, mlp__hidden_layer_sizes=(units,))
    model = skbig.make_text_classifier(**params).fit(texts, labels)
    assert len(model[0].vocabulary_) * units > 4096  # quantized at all
    sizes = {}
    for how in ("int8", "int4"):
        report = skbig.export(model, tmp_path / f"{how}.onnx", quantize=how)
        sizes[how] = report["bytes"]
    assert report["label_agreement"] >= 0.9
    (loop,) = [n for n in _graph(tmp_path / "int4.onnx").node if n.op_type == "Loop"]
    body = loop.attribute[0].g.node
    (gather,) = [node for node in body if node.op_type == "GatherBlockQuantized"]
    readers = [node.op_type for node in body if gather.output[0] in node.input]
    assert readers == (["Slice"] if units % 2 else ["MatMul"])  # the padding cut
    session = onnxruntime.InferenceSession(str(tmp_path / "int4.onnx"))
    label, proba = session.run(None, {"text": np.asarray(texts, dtype=object)})
    assert np.abs(proba - model.predict_proba(texts)).max() < 0.1
    assert np.mean(label == model.predict(texts)) >= 0.95
    # four bits a weight and a scale per 32 against eight bits and one a row
    weights = len(model[0].vocabulary_) * units
    assert sizes["int8"] - sizes["int4"] >= 0.4 * weights
