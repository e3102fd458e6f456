"""``skbig train --regression`` and the commands that read its model file."""

import contextlib
import csv
import io
import json

import numpy as np
import pytest
from conftest import TOPICS, make_corpus
from sklearn.metrics import mean_absolute_error, r2_score

import skbig
from skbig.cli import main

FAST = ["--param", "mlp__epochs=30", "--param", "mlp__hidden_layer_sizes=(16,)",
        "--param", "mlp__learning_rate_init=0.02", "--param", "mlp__batch_size=64",
        "--param", "mlp__early_stopping=False", "--quiet"]  # fmt: skip
#: A number per topic, with a little noise: what the tests' regressor learns.
LEVEL = {"food": 1.0, "sport": 2.0, "tech": 4.0}
LEVEL_WORDS = {topic: words.split() for topic, words in TOPICS.items()}


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def write_jsonl(path, texts, targets):
    with open(path, "w", encoding="utf-8") as file:
        for i, (text, target) in enumerate(zip(texts, targets, strict=True)):
            file.write(json.dumps({"id": i, "text": text, "stars": target}) + "\n")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_regression")
    texts, labels = make_corpus(300, seed=3)
    noise = np.random.RandomState(0).normal(0, 0.2, len(texts))
    levels = [LEVEL[label] for label in labels]
    targets = [round(a + e, 3) for a, e in zip(levels, noise, strict=True)]
    write_jsonl(folder / "train.jsonl", texts[:240], targets[:240])
    with open(folder / "test.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)  # CSV: the targets arrive as text
        writer.writerow(["id", "text", "stars"])
        writer.writerows(zip(range(60), texts[240:], targets[240:], strict=True))
    return folder


@pytest.fixture(scope="module")
def trained(files):
    model = files / "stars.skbig"
    result = run("train", files / "train.jsonl", "--test", files / "test.csv",
                 "--label-column", "stars", "--regression", "-o", model,
                 "--report-dir", files / "report", *FAST)  # fmt: skip
    assert result[0] == 0, result[2]
    return model, result[1]


def _test_split(files):
    with open(files / "test.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return [r["text"] for r in rows], np.array([float(r["stars"]) for r in rows])


def test_train_regression_fits_make_text_regressor_and_scores_r2(trained, files):
    model, out = trained
    assert "trained on 240 documents (targets " in out
    r2 = float(out.split("held-out (60 documents): R² ")[1].split(",")[0])
    pipeline = skbig.load(model)
    assert type(pipeline[-1]).__name__ == "MLPRegressor"
    texts, y = _test_split(files)
    assert r2 == pytest.approx(r2_score(y, pipeline.predict(texts)), abs=1e-4)
    assert r2 > 0.8
    assert skbig.model_info(model)["metadata"]["task"] == "regression"
    report = json.loads((files / "report" / "training.json").read_text())
    curve = report["history"]["test_score"]  # R² of the held-out file each epoch
    assert len(curve) == 30 and curve[-1] > curve[0] and curve[-1] <= 1
    assert report["r2"] == pytest.approx(r2, abs=1e-4) and report["mae"] > 0


def test_evaluate_and_predict_speak_numbers(trained, files, tmp_path):
    model, _ = trained
    texts, y = _test_split(files)
    predicted = skbig.load(model).predict(texts)
    code, out, err = run("evaluate", model, files / "test.csv",
                         "--report-dir", tmp_path / "ev", "--quiet")  # fmt: skip
    assert code == 0, err
    assert out.startswith("R² ") and "(60 documents)" in out
    report = json.loads((tmp_path / "ev" / "evaluation.json").read_text())
    assert report["documents"] == 60
    assert report["r2"] == pytest.approx(r2_score(y, predicted))
    assert report["mae"] == pytest.approx(mean_absolute_error(y, predicted))
    for name in ("p.csv", "p.jsonl"):
        code, _, err = run("predict", model, files / "test.csv", "-o",
                           tmp_path / name, "--id-column", "id", "--quiet")  # fmt: skip
        assert code == 0, err
    with open(tmp_path / "p.csv", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["id", "prediction"]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], predicted, rtol=1e-6)
    lines = [json.loads(line) for line in open(tmp_path / "p.jsonl", encoding="utf-8")]
    assert lines[0].keys() == {"id", "prediction"}
    np.testing.assert_allclose([row["prediction"] for row in lines], predicted)


def test_card_report_and_export_take_a_regressor(trained, files, tmp_path):
    model, _ = trained
    code, out, _ = run("card", model, "-o", "-")
    assert code == 0 and "It predicts a number." in out and "- regression" in out
    header = out.split("\n---\n")[0]  # the held-out scores of skbig train, by id
    assert header.endswith("metrics:\n- r_squared\n- mae\n- rmse")
    assert "## Evaluation results\n\n- r2: " in out and "model-index" not in out
    code, out, err = run("report", model, files / "test.csv", "-o", tmp_path / "r.html")
    assert code == 0, err
    texts, y = _test_split(files)
    r2 = r2_score(y, skbig.load(model).predict(texts))
    assert out.startswith(f"R² {r2:.4f}, MAE ") and "(60 documents)" in out
    assert '<section id="predicted">' in (tmp_path / "r.html").read_text()
    pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    code, out, err = run("export", model, tmp_path / "stars.onnx")
    assert code == 0, err
    assert "100.0% of predictions agree with the model's to 1e-3" in out


def test_targets_that_are_not_numbers_are_named_by_row(files, tmp_path):
    texts, _ = make_corpus(30)
    targets = [1.5] * 29 + ["five"]
    path = write_jsonl(tmp_path / "bad.jsonl", texts, targets)
    code, _, err = run("train", path, "--label-column", "stars", "--regression",
                       "-o", tmp_path / "m.skbig")  # fmt: skip
    assert code == 1
    assert "row 30 of column 'stars' holds 'five', not a number" in err
    same = write_jsonl(tmp_path / "same.jsonl", texts, [2.0] * 30)
    code, _, err = run("train", same, "--label-column", "stars", "--regression",
                       "-o", tmp_path / "m.skbig")  # fmt: skip
    assert code == 1 and "holds a single value (2)" in err
    # Numbers trained as classes: the message says what to pass.
    code, _, err = run("train", files / "train.jsonl", "--label-column", "stars",
                       "-o", tmp_path / "m.skbig")  # fmt: skip
    assert code == 1 and "Numbers to predict: pass --regression." in err


def test_regression_refuses_what_it_cannot_do_before_reading(tmp_path):
    code, _, err = run("train", tmp_path / "absent.jsonl", "--regression", "-o",
                       tmp_path / "m.skbig", "--label-separator", "|")  # fmt: skip
    assert code == 2 and "--regression cannot be used with --label-separator" in err


@pytest.mark.slow
def test_a_streamed_regression_from_the_command_line(files, tmp_path):
    common = ["--label-column", "stars", "--regression", "--stream", *FAST]
    model = tmp_path / "streamed.skbig"
    code, out, err = run("train", files / "train.jsonl", "--test", files / "test.csv",
                         "-o", model, *common)  # fmt: skip
    assert code == 0, err
    assert "held-out (60 documents): R² " in out
    assert float(out.split("R² ")[1].split(",")[0]) > 0.5
    streamed = skbig.load(model)
    assert skbig.model_info(model)["metadata"]["task"] == "regression"
    texts, y = _test_split(files)
    assert r2_score(y, streamed.predict(texts)) > 0.5
    # Held-out rows of the file itself, and a validation file read as numbers.
    code, out, err = run("train", files / "train.jsonl", "--test-size", "0.25",
                         "--validation", files / "test.csv", "-o", model, *common,
                         "--param", "mlp__early_stopping=True")  # fmt: skip
    assert code == 0, err
    assert "held-out (" in out
    plan = skbig.load(model)[-1].training_plan_
    assert plan["validation_given"] and plan["n_validation"] == 60
    # A row that holds no number is named; so is a column of one value.
    bad = write_jsonl(tmp_path / "bad.jsonl", ["a b", "c d", "e f"], [1, "x", 2])
    code, _, err = run("train", bad, "-o", model, *common)
    assert code == 1 and "bad.jsonl, row 2: column 'stars' holds 'x', not a" in err
    same = write_jsonl(tmp_path / "same.jsonl", ["good food"] * 3, [2, 2, 2])
    code, _, err = run("train", same, "-o", model, "--test-size", "0", *common)
    assert code == 1 and "holds a single value (2)" in err


NEEDS_PRIVATE = "--dp-target-bounds needs --regression and --dp-epsilon"
NEEDS_BOUNDS = "--regression --dp-epsilon needs --dp-target-bounds LOW HIGH"


@pytest.mark.parametrize(
    "options, message",
    [
        (["--dp-target-bounds", "0", "5"], NEEDS_PRIVATE),
        (["--dp-target-bounds", "0", "5", "--regression"], NEEDS_PRIVATE),
        (["--dp-target-bounds", "0", "5", "--dp-epsilon", "8"], NEEDS_PRIVATE),
        (["--regression", "--dp-epsilon", "8"], NEEDS_BOUNDS),
    ],
)
def test_target_bounds_go_with_a_private_regression_alone(options, message, tmp_path):
    code, _, err = run("train", tmp_path / "absent.jsonl", "-o",
                       tmp_path / "m.skbig", *options)  # fmt: skip
    assert code == 2 and message in err


def test_hashed_and_private_regression_from_the_command_line(files, tmp_path):
    pytest.importorskip("dp_accounting")
    common = [files / "train.jsonl", "--test", files / "test.csv", "--label-column",
              "stars", "--regression", "--quiet"]  # fmt: skip
    code, out, err = run("train", *common, "--vectorizer", "hashing",
                         "-o", tmp_path / "hashed.skbig")  # fmt: skip
    assert code == 0, err
    hashed = skbig.load(tmp_path / "hashed.skbig")
    assert list(hashed.named_steps) == ["hashing", "tf", "mlp"]
    assert float(out.split("R² ")[1].split(",")[0]) > 0.5
    code, out, err = run("train", *common, "--dp-epsilon", "8", "--dp-target-bounds",
                         "0", "5", "-o", tmp_path / "private.skbig")  # fmt: skip
    assert code == 0, err
    assert "trained privately: (8, " in out
    private = skbig.load(tmp_path / "private.skbig")
    assert list(private[-1].dp_target_bounds) == [0.0, 5.0]
    info = skbig.model_info(tmp_path / "private.skbig")
    assert info["privacy"]["epsilon"] == pytest.approx(8, rel=0.01)
    assert info["metadata"]["task"] == "regression"
    texts, _ = _test_split(files)
    assert ((private.predict(texts) >= 0) & (private.predict(texts) <= 5)).all()


def test_predict_refuses_a_regressor_of_numbers(tmp_path):
    reg = skbig.MLPRegressor(hidden_layer_sizes=(2,), epochs=1, early_stopping=False)
    skbig.save(reg.fit(np.eye(4), np.arange(4.0)), tmp_path / "reg.skbig")
    write_jsonl(tmp_path / "d.jsonl", ["some text"], [1.0])
    code, _, err = run("predict", tmp_path / "reg.skbig", tmp_path / "d.jsonl",
                       "-o", "-")  # fmt: skip
    assert code == 1 and "of numeric input, not a text regressor" in err


@pytest.mark.slow
def test_tune_and_validation_with_regression(files, tmp_path):
    code, out, err = run("tune", files / "train.jsonl", "--label-column", "stars",
                         "--regression", "-o", tmp_path / "best.skbig", "--cv", "2",
                         "--grid", "mlp__hidden_layer_sizes=[(4,),(16,)]",
                         *FAST)  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0].split() == ["rank", "r2", "std", "parameters"]
    info = skbig.model_info(tmp_path / "best.skbig")["metadata"]
    assert info["tuning"]["scoring"] == "r2" and info["task"] == "regression"
    # Stopped on the held-out file given, numbers read from its CSV text.
    code, _, err = run("train", files / "train.jsonl", "--label-column", "stars",
                       "--regression", "--validation", files / "test.csv",
                       "-o", tmp_path / "v.skbig", "--quiet",
                       "--param", "mlp__hidden_layer_sizes=(16,)")  # fmt: skip
    assert code == 0, err
    assert skbig.load(tmp_path / "v.skbig")[-1].training_plan_["validation_given"]


def test_a_dask_workers_rows_of_a_regressor(trained, files):
    pd = pytest.importorskip("pandas")
    from skbig.cli._data import RowFormat
    from skbig.dask import score_partition

    model = skbig.load(trained[0])
    texts, _ = _test_split(files)
    frame = pd.DataFrame({"text": texts[:5], "id": range(5)})
    ids, numbers, proba = score_partition(frame, model, "text", "id")
    assert ids == list(range(5)) and proba is None
    np.testing.assert_allclose(numbers, model.predict(texts[:5]))
    tails = RowFormat(None, False, jsonl=True).tails(numbers, proba)
    assert [json.loads("{" + tail)["prediction"] for tail in tails] == numbers
    assert RowFormat(None, False, jsonl=False).header() == "id,prediction\r\n"
    assert score_partition(frame.iloc[:0], model, "text", "id") == ([], [], None)


@pytest.mark.slow
def test_workers_on_a_local_dask_cluster_write_exactly_the_local_numbers(
    trained, files
):
    pytest.importorskip("distributed")
    model, _ = trained
    outputs = []
    for name, options in (("local.jsonl", []), ("workers.jsonl", ["--workers", "2"])):
        code, out, err = run("predict", model, files / "train.jsonl", "-o",
                             files / name, "--id-column", "id", "--quiet",
                             *options)  # fmt: skip
        assert code == 0, err
        assert "240 predictions written" in out
        outputs.append((files / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_explain_attributes_a_regressors_prediction_to_its_words(trained, tmp_path):
    from skbig.explain import explain_text

    model, _ = trained
    pipeline = skbig.load(model)
    text = "recipe cook the bread and code the server"  # food (1) and tech (4) words
    explanation = explain_text(pipeline, text)
    assert explanation.target is None and explanation.quantity == "prediction"
    assert explanation.probability == pytest.approx(pipeline.predict([text])[0], 1e-5)
    assert explanation.baseline == pytest.approx(pipeline.predict([""])[0], 1e-5)
    # Integrated gradients are complete: the weights sum to the distance from the
    # empty document (the linear part's share exactly, the network's to the path).
    total = sum(explanation.all_terms.values())
    spread = abs(explanation.probability - explanation.baseline)
    assert total == pytest.approx(explanation.probability - explanation.baseline,
                                  abs=0.02 * spread)  # fmt: skip
    terms = explanation.all_terms  # tech words raise the number, food words lower it
    assert min(terms["code"], terms["server"]) > 0 > max(terms["recipe"], terms["cook"])
    with pytest.raises(ValueError, match="one of the regressor's 1 outputs"):
        explain_text(pipeline, text, target=3)
    code, out, err = run("explain", model, text, "--top-k", "3",
                         "--html", tmp_path / "why.html")  # fmt: skip
    assert code == 0, err
    assert out.startswith("prediction ") and "(empty document " in out
    assert len(out.strip().splitlines()) == 4
    assert "<p>prediction " in (tmp_path / "why.html").read_text()
    code, _, err = run("explain", model, text, "--target", "food")
    assert code == 2 and "a regressor's prediction has none" in err


def test_top_terms_of_a_regressor_raise_and_lower_its_number(trained, tmp_path):
    from skbig.explain import deletion_check, top_terms

    pipeline = skbig.load(trained[0])
    terms = top_terms(pipeline, top_k=4, plot=tmp_path / "terms.png")
    assert list(terms) == ["raise", "lower"]
    raised, lowered = dict(terms["raise"]), dict(terms["lower"])
    assert set(raised) <= set(LEVEL_WORDS["tech"]) and min(raised.values()) > 0
    assert set(lowered) <= set(LEVEL_WORDS["food"]) and max(lowered.values()) < 0
    # A term's change is the prediction for a document of that term alone.
    term, change = terms["raise"][0]
    alone, empty = pipeline.predict([term, ""])
    assert change == pytest.approx(alone - empty, rel=1e-5)
    assert (tmp_path / "terms.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(TypeError, match="a classifier's probabilities"):
        deletion_check(pipeline, ["code server"])
