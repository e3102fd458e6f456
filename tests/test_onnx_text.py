"""The ONNX graph of raw text: tokens, n-grams and TF-IDF as scikit-learn has them."""

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.pipeline import make_pipeline

import skbig
from skbig import MLPClassifier

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from conftest import DOCUMENT, UNICODE_DOCS, OnnxNames, make_corpus  # noqa: E402
from conftest import run_onnx as run  # noqa: E402


def test_exported_model_agrees_on_messy_documents(onnx_export, unicode_pipeline):
    texts = [*UNICODE_DOCS, "", "   ", "GOAL!!! match-team", "goal_team goalé 日本goal"]
    label, proba = run(onnx_export[2], texts)
    assert list(label) == list(unicode_pipeline.predict(texts))
    assert np.abs(proba - unicode_pipeline.predict_proba(texts)).max() < 1e-4
    for nothing in ([""], ["", " !? "]):  # batches without a single known term
        label, proba = run(onnx_export[2], nothing)
        assert list(label) == list(unicode_pipeline.predict(nothing))
        assert np.abs(proba - unicode_pipeline.predict_proba(nothing)).max() < 1e-4


def test_every_run_gives_the_same_numbers(onnx_export, corpus):
    # onnxruntime's Scatter with reduction="add" loses updates between threads,
    # which is why no version of the graph sums with it.
    texts = np.asarray(corpus[0] * 3, dtype=object)
    runs = [onnx_export[2].run(["probabilities"], {"text": texts})[0] for _ in range(8)]
    assert all(np.array_equal(runs[0], run) for run in runs[1:])


def test_a_batch_scores_each_document_as_if_it_were_alone(onnx_export, corpus):
    texts = [*corpus[0][:12], "", "GOAL!!! match-team"]
    labels, batch = run(onnx_export[2], texts)
    for i, text in enumerate(texts):
        label, alone = run(onnx_export[2], [text])
        assert label[0] == labels[i]
        # The layers after the first run on the batch's rows at once, and a
        # matrix kernel may pick its blocking by the number of rows: the last bit.
        assert np.abs(alone[0] - batch[i]).max() <= 1e-6


def test_an_empty_batch_gets_empty_outputs(onnx_export, unicode_pipeline):
    labels, proba = run(onnx_export[2], [])
    assert labels.shape == (0,)
    assert proba.shape == (0, len(unicode_pipeline.classes_))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=6))
def test_exported_model_agrees_on_generated_unicode(
    onnx_export, unicode_pipeline, texts
):
    label, proba = run(onnx_export[2], texts)
    assert list(label) == list(unicode_pipeline.predict(texts))
    assert np.abs(proba - unicode_pipeline.predict_proba(texts)).max() < 1e-4


@pytest.mark.parametrize("temperature", [0.3, 4.0, 20.0])
def test_a_fitted_temperature_is_exported(
    onnx_export, unicode_pipeline, temperature, tmp_path
):
    # The graph tempers from the logits (log-softmax, floored at log 1e-12 as
    # predict_proba clips), not from the probabilities; both must agree.
    model = copy.deepcopy(unicode_pipeline)
    model[-1].temperature_ = temperature
    skbig.export(model, tmp_path / "tempered.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "tempered.onnx"))
    texts = [*UNICODE_DOCS, "", "GOAL!!! match-team"]
    label, proba = run(session, texts)
    assert list(label) == list(model.predict(texts))
    assert np.abs(proba - model.predict_proba(texts)).max() < 1e-4
    untempered = run(onnx_export[2], texts)[1]
    assert np.abs(proba - untempered).max() > 1e-3  # the temperature did something


def test_only_the_first_layer_runs_once_per_document(onnx_export):
    # A node costs onnxruntime about a microsecond a run whatever its size: the
    # loop's body holds the TF-IDF and the first layer, the rest runs per batch.
    import onnx

    model = onnx.load(str(onnx_export[0]))
    (loop,) = [node for node in model.graph.node if node.op_type == "Loop"]
    body = [node.op_type for node in loop.attribute[0].g.node]
    assert body.count("MatMul") == 1 and "Softmax" not in body
    outside = [node.op_type for node in model.graph.node]
    assert outside.count("MatMul") == 1 and "Softmax" in outside


@pytest.mark.parametrize(
    "vectorizer",
    [
        CountVectorizer(binary=True, ngram_range=(2, 3), lowercase=False),
        # dropped before the bigrams are formed: "goal of a goal" is "goal goal"
        TfidfVectorizer(stop_words=["the", "a", "of"], ngram_range=(1, 2)),
        # tokens of anything but whitespace ("goal!!!", "c++", "#1")
        TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=1),
        # runs of ASCII letters and apostrophes: "café" is "caf", "don't" one
        TfidfVectorizer(token_pattern=r"[a-zA-Z']{3,}", ngram_range=(1, 2), min_df=1),
        pytest.param(  # single characters are tokens too
            HashingVectorizer(token_pattern=r"(?u)\b\w+\b", alternate_sign=False),
            marks=pytest.mark.slow,
        ),
        # 1,024 columns: many words share one, as hashing's collisions do
        pytest.param(
            HashingVectorizer(
                n_features=2**10, alternate_sign=False, ngram_range=(1, 2), binary=True
            ),
            marks=pytest.mark.slow,  # the private pipeline's export covers hashing
        ),
        pytest.param(  # the user guide's private recipe
            HashingVectorizer(
                stop_words="english", alternate_sign=False, ngram_range=(1, 2)
            ),
            marks=pytest.mark.slow,
        ),
        pytest.param(
            (
                HashingVectorizer(alternate_sign=False, norm=None),
                TfidfTransformer(sublinear_tf=True),
            ),
            marks=pytest.mark.slow,
        ),
    ],
    ids=[
        "binary-bigrams-trigrams-cased",
        "stop-words-bigrams",
        "non-space-tokens",
        "ascii-runs",
        "hashing-one-character-tokens",
        "hashing",
        "hashing-stop-words",
        "hashing-tfidf",
    ],
)
def test_count_and_hashing_vectorizers(vectorizer, tmp_path):
    texts, labels = make_corpus(n_docs=90, seed=5)
    steps = vectorizer if isinstance(vectorizer, tuple) else (vectorizer,)
    model = make_pipeline(
        *steps, MLPClassifier((8,), epochs=3, batch_size=64, random_state=0)
    ).fit(texts, labels)
    skbig.export(model, tmp_path / "counts.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "counts.onnx"))
    probe = [*texts[:20], "GOAL match team goal match team", "the goal of a goal"]
    probe += ["goal!!! c++ #1 a.b (team)", "a b c goal", "x\u3000goal\x85team #"]
    label, proba = run(session, probe)
    assert list(label) == list(model.predict(probe))
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4


@pytest.mark.parametrize(
    "columns",
    [
        [],
        [7],
        [3, 3, 3],
        [5, 0, 5, 2, 0, 5],
        list(np.random.default_rng(0).integers(0, 9, 300)),
    ],
    ids=["none", "one", "one-repeated", "mixed", "many"],
)
def test_distinct_columns_are_counted_as_numpy_counts_them(columns):
    from onnx import TensorProto, helper

    from skbig._export._onnx_text import Nodes, _counted

    names = OnnxNames()
    nodes = Nodes(names, names, body=[])
    distinct, counts = _counted(nodes, "columns")
    graph = helper.make_graph(
        nodes.body,
        "counts",
        [helper.make_tensor_value_info("columns", TensorProto.INT64, [None])],
        [
            helper.make_tensor_value_info(name, TensorProto.INT64, [None])
            for name in (distinct, counts)
        ],
        names.initializers,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9
    )
    session = onnxruntime.InferenceSession(model.SerializeToString())
    got = session.run(None, {"columns": np.asarray(columns, dtype=np.int64)})
    expected = np.unique(np.asarray(columns, dtype=np.int64), return_counts=True)
    assert np.array_equal(got[0], expected[0])
    assert np.array_equal(got[1], expected[1])


def test_word_characters_are_pythons_on_every_code_point():
    # RE2's \pL and \pN follow its own Unicode version, newer than some
    # Pythons': the graphs spell out this Python's \w instead.
    import re

    from onnx import TensorProto, helper

    from skbig._export._text_spec import WORD_CHARACTERS, re2_class

    word = re.compile(r"\w")
    characters = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    graph = helper.make_graph(
        [
            helper.make_node(
                "RegexFullMatch", ["x"], ["y"], pattern=re2_class(WORD_CHARACTERS)
            )
        ],
        "word",
        [helper.make_tensor_value_info("x", TensorProto.STRING, [None])],
        [helper.make_tensor_value_info("y", TensorProto.BOOL, [None])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9
    )
    session = onnxruntime.InferenceSession(model.SerializeToString())
    (matched,) = session.run(None, {"x": np.array(characters, dtype=object)})
    expected = np.array([bool(word.match(c)) for c in characters])
    assert np.array_equal(matched, expected)
