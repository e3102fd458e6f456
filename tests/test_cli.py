"""The skbig command line, end to end on small files the tests write."""

import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import TOPICS, as_if_the_export_extra_lacked, make_corpus

from skbig.cli import build_parser, main
from skbig.cli._callbacks import TrainingProgress
from skbig.cli._progress import Bar

FAST = ["--param", "mlp__epochs=8", "--param", "mlp__hidden_layer_sizes=(16,)",
        "--param", "mlp__learning_rate_init=0.02",
        "--param", "mlp__early_stopping=False"]  # fmt: skip


def skbig(*argv, check=True):
    """Run the installed command line in a fresh process, output piped."""
    result = subprocess.run(
        [sys.executable, "-m", "skbig", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def write_csv(path, rows, columns=("id", "text", "label"), delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    texts, labels = make_corpus(300)
    rows = [(i, t, lab) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))]
    write_csv(folder / "train.csv", rows[:240])
    write_csv(folder / "test.tsv", rows[240:], delimiter="\t")
    with gzip.open(folder / "multi.jsonl.gz", "wt", encoding="utf-8") as file:
        for text, label in zip(texts, labels, strict=True):
            tags = [label, "gadget"] if label == "tech" else [label]
            file.write(json.dumps({"body": text, "tags": tags}) + "\n")
    return folder


@pytest.fixture(scope="module")
def trained(files):
    # In this process (a fresh one costs TensorFlow's import again); the commands'
    # own subprocess tests are in the slow run.
    import contextlib
    import types

    model = files / "model.skbig"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["train", str(files / "train.csv"), "--test",
                     str(files / "test.tsv"), "-o", str(model), "--quiet",
                     "--report-dir", str(files / "train-report"), *FAST])  # fmt: skip
    assert code == 0, err.getvalue()
    return model, types.SimpleNamespace(
        returncode=code, stdout=out.getvalue(), stderr=err.getvalue()
    )


@pytest.mark.slow
def test_demo_prints_a_classification_report():
    result = skbig("demo")
    assert result.stderr == ""
    assert "precision" in result.stdout and "spam" in result.stdout
    accuracy = float(result.stdout.split("accuracy")[1].split()[0])
    assert accuracy > 0.95


def test_train_prints_a_summary_and_writes_the_report(trained, files):
    model, result = trained
    # Piped: no progress bar (8 fixed epochs may still warn that they were few).
    assert "ETA" not in result.stderr and "\r" not in result.stderr
    out = result.stdout
    assert "trained on 240 documents (3 classes: food, sport, tech)" in out
    assert "vocabulary: 45 terms" in out
    accuracy = float(out.split("held-out (60 documents): accuracy ")[1].split(",")[0])
    assert accuracy > 0.8
    assert model.exists()
    report = json.loads((files / "train-report" / "training.json").read_text())
    assert len(report["history"]["loss"]) == 8
    assert len(report["history"]["test_loss"]) == 8
    assert report["history"]["test_loss"][-1] < report["history"]["test_loss"][0]
    png = (files / "train-report" / "learning_curve.png").read_bytes()
    assert png.startswith(b"\x89PNG")


@pytest.mark.slow
def test_evaluate_prints_the_report_and_writes_json_and_png(trained, files):
    model, _ = trained
    result = skbig("evaluate", model, files / "test.tsv", "--report-dir", files / "ev")
    assert "macro avg" in result.stdout and "sport" in result.stdout
    report = json.loads((files / "ev" / "evaluation.json").read_text())
    assert report["documents"] == 60
    assert report["accuracy"] > 0.8
    matrix = report["confusion_matrix"]["matrix"]
    assert sum(map(sum, matrix)) == 60
    assert report["confusion_matrix"]["labels"] == ["food", "sport", "tech"]
    assert (files / "ev" / "confusion_matrix.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_predict_writes_csv_and_jsonl_in_chunks(trained, files):
    model, _ = trained
    skbig("predict", model, files / "test.tsv", "-o", files / "p.csv",
          "--id-column", "id", "--chunk-size", "7")  # fmt: skip
    with open(files / "p.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 60
    assert [r["id"] for r in rows] == [str(i) for i in range(240, 300)]
    assert set(rows[0]) == {
        "id",
        "prediction",
        "proba_food",
        "proba_sport",
        "proba_tech",
    }
    for row in rows:
        probabilities = [float(row[f"proba_{c}"]) for c in ("food", "sport", "tech")]
        assert abs(sum(probabilities) - 1) < 1e-4
        best = ("food", "sport", "tech")[probabilities.index(max(probabilities))]
        assert row["prediction"] == best


def test_predict_to_stdout_and_jsonl(trained, files, capsys):
    model, _ = trained
    assert main(["predict", str(model), str(files / "test.tsv"), "-o", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,prediction")
    assert len(lines) == 61
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    main(["predict", str(model), str(files / "test.tsv"), "-o", str(files / "p.jsonl")])
    records = [json.loads(line) for line in open(files / "p.jsonl")]
    assert [r["prediction"] for r in records] == [r["prediction"] for r in rows]


@pytest.mark.slow
def test_multilabel_lists_in_json_lines(files, capsys):
    model = files / "multi.skbig"
    result = skbig(
        "train", files / "multi.jsonl.gz", "--text-column", "body",
        "--label-column", "tags", "-o", model, *FAST, "--param", "mlp__epochs=20",
    )  # fmt: skip
    assert "4 labels: food, gadget, sport, tech" in result.stdout
    main(["predict", str(model), str(files / "multi.jsonl.gz"), "-o",
          str(files / "multi.jsonl")])  # fmt: skip
    records = [json.loads(line) for line in open(files / "multi.jsonl")]
    assert all(isinstance(r["prediction"], list) for r in records)
    tech = [r for r in records if "tech" in r["prediction"]]
    assert tech and all("gadget" in r["prediction"] for r in tech)
    assert main(["evaluate", str(model), str(files / "multi.jsonl.gz")]) == 0
    assert "gadget" in capsys.readouterr().out
    page = files / "multi.html"
    assert main(["report", str(model), str(files / "multi.jsonl.gz"), "-o",
                 str(page)]) == 0  # fmt: skip
    assert "micro-F1" in capsys.readouterr().out
    assert "<tr><td>gadget</td>" in page.read_text(encoding="utf-8")
    # The exported model names its labels, which the pipeline only knows by column.
    onnxruntime = pytest.importorskip("onnxruntime")
    assert main(["export", str(model), str(files / "multi.onnx")]) == 0
    meta = onnxruntime.InferenceSession(str(files / "multi.onnx")).get_modelmeta()
    assert json.loads(meta.custom_metadata_map["classes"]) == [
        "food", "gadget", "sport", "tech"
    ]  # fmt: skip


@pytest.mark.slow
def test_tune_ranks_candidates_and_saves_the_best(files):
    model = files / "best.skbig"
    result = skbig(
        "tune", files / "train.csv", "-o", model, "--cv", "2", *FAST,
        "--grid", "mlp__hidden_layer_sizes=[(2,),(32,)]",
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["rank", "accuracy"]
    assert lines[1].split()[0] == "1" and "(32,)" in lines[1]
    assert "2 candidates x 2 folds" in result.stdout
    assert model.exists()


@pytest.mark.parametrize(
    "command",
    ["demo", "train", "evaluate", "predict", "tune", "explain", "export", "report",
     "card"],
)  # fmt: skip
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main([command, "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"skbig {command}" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["no-such-command"], ["train", "x.csv"], ["predict", "m.skbig"]],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(argv)
    assert exit.value.code == 2
    assert "usage: skbig" in capsys.readouterr().err


def test_bad_parameters_are_usage_errors(files, capsys):
    code = main(["train", str(files / "train.csv"), "-o", str(files / "x.skbig"),
                 "--param", "mlp__no_such=1"])  # fmt: skip
    assert code == 2
    assert "Invalid parameter no_such" in capsys.readouterr().err
    code = main(["tune", str(files / "train.csv"), "-o", str(files / "x.skbig"),
                 "--grid", "mlp__epochs=3"])  # fmt: skip
    assert code == 2
    assert "needs a non-empty list" in capsys.readouterr().err
    # Checked before the data is read: a file that does not exist is never opened.
    for option, value, message in (
        ("--grid", "epochs=[2,3]", "--grid epochs: name the step, as in mlp__epochs"),
        ("--scoring", "acuracy", "--scoring acuracy: not a scikit-learn scorer"),
    ):
        grid = [] if option == "--grid" else ["--grid", "mlp__epochs=[2]"]
        code = main(["tune", str(files / "missing.csv"), "-o", str(files / "x.skbig"),
                     *grid, option, value])  # fmt: skip
        assert code == 2
        assert message in capsys.readouterr().err


def _bad(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "argv", "message"),
    [
        ("a.csv", "id,body,label\n1,hi,a\n", [],
         "no column 'text'; the columns are 'id', 'body', 'label'"),
        ("a.csv", "Text,Label\nhi,a\n", [],
         "no column 'text' (did you mean 'Text'? --text-column names it)"),
        ("a.csv", "", [], "has no rows"),
        ("a.csv", "text,label\n", [], "has no rows"),
        ("a.csv", b"text,label\nok,a\n\xff\xfe bad,b\n", [], "not valid UTF-8"),
        ("a.csv", "text,label\nx,a\ny,a\n", [], "single class (a)"),
        ("a.csv", "text,label\nx,a\ny,\nz,b\nw,\n", [],
         "missing values in 2 row(s) (first: row 2)"),
        ("a.jsonl", '{"text": "x", "label": "a"}\nnot json\n', [], "line 2: not JSON"),
        ("a.xlsx", "whatever", [], "unknown file type"),
    ],
    ids=["missing-column", "column-in-capitals", "empty", "header-only",
         "undecodable", "one-class", "missing-labels", "bad-json", "unknown-type"],
)  # fmt: skip
def test_bad_data_files_get_one_clear_line(
    tmp_path, capsys, name, content, argv, message
):
    path = _bad(tmp_path, name, content)
    code = main(
        ["train", str(path), "-o", str(tmp_path / "m.skbig"), "--test-size", "0", *argv]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "m.skbig").exists()


@pytest.mark.parametrize("missing", ["onnx", "skl2onnx", "onnxruntime"])
def test_export_without_the_extra_names_it_before_loading(
    missing, monkeypatch, capsys, tmp_path
):
    as_if_the_export_extra_lacked(monkeypatch, missing)
    # The model file does not exist: the extra is asked for first, so the user
    # is not kept waiting for a model that cannot be exported anyway.
    assert main(["export", str(tmp_path / "nope.skbig"), str(tmp_path / "m.onnx")]) == 2
    err = capsys.readouterr().err
    assert f"({missing} is not installed)" in err and 'skbig[export]"' in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_unreadable_model_file_exits_1_in_a_fresh_process(files, tmp_path):
    fake = _bad(tmp_path, "fake.skbig", "not a model")
    result = skbig("predict", fake, files / "test.tsv", "-o", "-", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("skbig: error:") and "not" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    missing = main(["evaluate", str(tmp_path / "nope.skbig"), str(files / "test.tsv")])
    assert missing == 1


def test_parquet_when_pyarrow_is_installed(files, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    with open(files / "train.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    table = pa.table(
        {"text": [r["text"] for r in rows], "label": [r["label"] for r in rows]}
    )
    pq.write_table(table, tmp_path / "train.parquet")
    output = tmp_path / "m.skbig"
    code = main(["train", str(tmp_path / "train.parquet"), "-o", str(output), *FAST])
    assert code == 0
    assert output.exists()


def test_progress_bar_shows_epochs_batches_loss_and_eta():
    stream = io.StringIO()
    progress = TrainingProgress(stream)
    progress.set_params({"epochs": 2, "steps": 4})
    progress.on_epoch_begin(0)
    progress.bar.last = 0  # draw every update
    progress.on_train_batch_end(0, {"loss": 1.5})
    progress.on_epoch_end(0, {"loss": 1.25, "test_score": 0.75})
    text = stream.getvalue()
    assert "epoch 1/2" in text and "1/4" in text and "loss 1.5000" in text
    assert "4/4" in text and "test score 0.7500" in text and "ETA" in text
    assert text.endswith("\n")
    bar = Bar(10, "predict", io.StringIO())
    bar.finish()
    assert "10/10" in bar.stream.getvalue()


def test_explain_prints_the_words_and_writes_html(trained, files, capsys):
    model, _ = trained
    html = files / "why.html"
    code = main(["explain", str(model), "goal match team and the coach",
                 "--top-k", "3", "--html", str(html)])  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("sport: probability")
    assert len(lines) == 4
    assert {line.split()[0] for line in lines[1:]} <= set(TOPICS["sport"].split())
    assert "<span" in html.read_text()
    assert main(["explain", str(model), "x", "--target", "chess"]) == 2
    assert "the classes are food, sport, tech" in capsys.readouterr().err
    # The text after the options, as the help's second example writes it; argparse
    # had called it "unrecognized arguments".
    assert main(["explain", str(model), "--target", "food", "--top-k", "2",
                 "goal match", "team coach"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.count("food: probability") == 2
    with pytest.raises(SystemExit):  # an unknown option is still refused
        main(["explain", str(model), "--target", "food", "--bogus", "x"])
    assert "unrecognized arguments: --bogus x" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["same path", "hard link", "symbolic link"])
@pytest.mark.parametrize(
    "case", ["train over its data", "predict over its data", "predict over its model",
             "explain's html over its model"],
)  # fmt: skip
def test_no_command_writes_over_its_own_input(files, tmp_path, capsys, how, case):
    data = tmp_path / "data.csv"
    data.write_bytes((files / "train.csv").read_bytes())
    model = tmp_path / "m.skbig"
    model.write_bytes(b"stands for a model")
    victim = data if "data" in case else model
    output = tmp_path / "output"
    if how == "same path":
        output = victim
    elif how == "hard link":
        os.link(victim, output)
    else:
        os.symlink(victim, output)
    argv = {
        "train over its data": ["train", data, "-o", output],
        "predict over its data": ["predict", model, data, "-o", output],
        "predict over its model": ["predict", model, data, "-o", output],
        "explain's html over its model": ["explain", model, "some text", "--html",
                                          output],
    }[case]  # fmt: skip
    before = {path: path.read_bytes() for path in (data, model)}
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "would overwrite its input" in err and len(err.strip().splitlines()) == 1
    assert {path: path.read_bytes() for path in before} == before


def test_mixed_label_types_and_odd_labels_are_refused(tmp_path, capsys):
    path = tmp_path / "mixed.jsonl"
    rows = [{"text": "goal team", "label": 1}, {"text": "code data", "label": "1"},
            {"text": "bake bread", "label": 2}]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["train", str(path), "-o", str(tmp_path / "m.skbig")]) == 1
    assert "mixes text and non-text labels" in capsys.readouterr().err
    rows[1]["label"] = {"a": 1}
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["train", str(path), "-o", str(tmp_path / "m.skbig")]) == 1
    assert "holds a dict label" in capsys.readouterr().err


def test_nan_labels_are_missing_not_a_class(tmp_path, capsys):
    rows = [
        (i, t, lab) for i, (t, lab) in enumerate(zip(*make_corpus(30), strict=True))
    ]
    rows[3] = (3, rows[3][1], "NaN")
    path = write_csv(tmp_path / "nan.csv", rows)
    assert main(["train", str(path), "-o", str(tmp_path / "m.skbig")]) == 1
    assert "missing values in 1 row(s) (first: row 4)" in capsys.readouterr().err


def test_bom_long_fields_and_singleton_classes(tmp_path, capsys):
    texts, labels = make_corpus(60)
    labels = list(labels)
    labels[0] = "only-once"
    texts[1] = texts[1] + " word" * 40_000  # a 200 KB field
    rows = [(i, t, lab) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))]
    path = write_csv(tmp_path / "excel.csv", rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Excel's byte-order mark
    code = main(["train", str(path), "-o", str(tmp_path / "m.skbig"), "--quiet",
                 "--test-size", "0.2", *FAST])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "1 class(es) with a single document stay in training only: only-once" in out
    assert "trained on 48 documents" in out  # 47 of the 59 others, and the single


def test_version(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.startswith("skbig 0.")


def test_problems_are_found_before_training(files, tmp_path, capsys):
    train = str(files / "train.csv")
    assert main(["train", train, "-o", str(tmp_path / "no" / "m.skbig")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["train", train, "-o", str(tmp_path / "m.skbig"),
                 "--label-column", "text"]) == 1  # fmt: skip
    assert "nearly every label is unique" in capsys.readouterr().err
    assert main(["train", train, "-o", str(tmp_path / "m.skbig"),
                 "--param", "epochs=3"]) == 2  # fmt: skip
    assert "mlp__epochs" in capsys.readouterr().err
    assert main(["predict", str(tmp_path / "missing.skbig"), train, "-o", "-"]) == 1
    assert "missing.skbig: no such file" in capsys.readouterr().err


def test_semicolons_in_a_csv_and_the_line_of_bad_utf8(files, tmp_path, capsys):
    texts, labels = make_corpus(30)
    rows = [(i, t, lab) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))]
    path = write_csv(tmp_path / "semicolons.csv", rows, delimiter=";")
    assert main(["train", str(path), "-o", str(tmp_path / "m.skbig"), "--quiet",
                 "--test-size", "0", *FAST]) == 0  # fmt: skip
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"text,label\nfine,a\nnot \xff utf8,b\n")
    assert main(["train", str(bad), "-o", str(tmp_path / "x.skbig")]) == 1
    assert "line 3, byte 5" in capsys.readouterr().err


def test_models_that_are_not_text_classifiers_get_one_line(tmp_path, capsys):
    import numpy as np

    import skbig

    reg = skbig.MLPRegressor(hidden_layer_sizes=(2,), epochs=1, early_stopping=False)
    skbig.save(reg.fit(np.eye(4), np.arange(4.0)), tmp_path / "reg.skbig")
    data = write_csv(tmp_path / "d.csv", [(0, "some text", "a")])
    for argv, said in (
        (["predict", str(tmp_path / "reg.skbig"), str(data), "-o", "-"],
         "holds a MLPRegressor of numeric input, not a text regressor"),
        (["explain", str(tmp_path / "reg.skbig"), "some text"],
         "holds a MLPRegressor of numeric input, not a text regressor"),
    ):  # fmt: skip
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert said in err and len(err.strip().splitlines()) == 1


def test_deeply_nested_json_and_a_damaged_gzip_are_one_line(tmp_path, capsys):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + ', "label": "a"}\n')
    broken = tmp_path / "broken.csv.gz"
    data = gzip.compress(b"text,label\n" + b"some words,a\n" * 2000)
    broken.write_bytes(data[:40] + bytes(200) + data[240:])
    for path in (deep, broken):
        assert main(["train", str(path), "-o", str(tmp_path / "m.skbig")]) == 1
        err = capsys.readouterr().err
        assert err.startswith("skbig: error:") and len(err.strip().splitlines()) == 1


def test_more_one_line_errors(files, tmp_path, capsys, fitted_pipeline):
    import skbig

    train = str(files / "train.csv")
    # Code given as a parameter is a string, never run; the error is one line.
    argv = ["train", train, "-o", str(tmp_path / "m.skbig"), "--param",
            "mlp__model=os.system", "--test-size", "0", *FAST]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "model" in err and len(err.strip().splitlines()) == 1
    # Metadata that says multi-label without the list of classes.
    path = tmp_path / "odd.skbig"
    skbig.save(fitted_pipeline, path, metadata={"multilabel": True, "classes": [1]})
    assert main(["predict", str(path), train, "-o", "-"]) == 1
    err = capsys.readouterr().err
    assert "without a list of classes" in err and len(err.strip().splitlines()) == 1


def test_export_writes_onnx_and_savedmodel_and_says_how_close(trained, files, capsys):
    pytest.importorskip("onnxruntime")
    model = trained[0]
    assert (
        main(["export", str(model), str(files / "m.onnx"), "--quantize", "int8"]) == 0
    )
    out = capsys.readouterr().out
    assert "int8" in out and "labels agree" in out and (files / "m.onnx").exists()
    saved = files / "m_savedmodel"
    assert main(["export", str(model), str(saved), "--format", "savedmodel"]) == 0
    assert (saved / "saved_model.pb").exists()
    code = main(["export", str(model), str(files / "x"), "--format", "savedmodel",
                 "--quantize", "int8"])  # fmt: skip
    assert code == 2 and "int8" in capsys.readouterr().err
    four_bits = files / "m4.onnx"
    assert main(["export", str(model), str(four_bits), "--quantize", "int4"]) == 0
    assert "int4" in capsys.readouterr().out
    assert main(["export", str(model), str(model)]) == 2  # its own input


def test_export_of_a_numeric_pipeline_speaks_of_rows(tmp_path, capsys):
    pytest.importorskip("onnxruntime")
    from sklearn.datasets import make_classification
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    import skbig as library

    X, y = make_classification(80, 4, random_state=0)
    network = library.MLPClassifier((4,), epochs=2, batch_size=64, random_state=0)
    library.save(make_pipeline(SimpleImputer(), network).fit(X, y), tmp_path / "m")
    assert main(["export", str(tmp_path / "m"), str(tmp_path / "m.onnx")]) == 0
    out = capsys.readouterr().out
    assert "on 64 probe rows 100.0% of labels agree" in out, out


def test_train_stops_and_calibrates_on_the_validation_file(files, tmp_path, capsys):
    import skbig as library

    model = tmp_path / "validated.skbig"
    code = main(["train", str(files / "train.csv"), "-o", str(model), "--quiet",
                 "--validation", str(files / "test.tsv"), "--test-size", "0",
                 "--param", "mlp__hidden_layer_sizes=(8,)"])  # fmt: skip
    assert code == 0
    assert "trained on 240 documents" in capsys.readouterr().out
    clf = library.load(model)[-1]
    assert clf.training_plan_["n_validation"] == 60  # the file's rows
    assert not clf.training_plan_["refit"] and clf.temperature_ is not None


def test_train_stream_stops_on_the_validation_file(files, tmp_path, capsys):
    import skbig as library

    model = tmp_path / "streamed-validated.skbig"
    code = main(["train", str(files / "train.csv"), "-o", str(model), "--quiet",
                 "--stream", "--validation", str(files / "test.tsv"), "--test-size",
                 "0", "--param", "mlp__hidden_layer_sizes=(8,)"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    clf = library.load(model)[-1]
    assert clf.training_plan_["n_validation"] == 60 and not clf.training_plan_["refit"]


def test_tune_stops_every_candidate_on_the_validation_file(files, tmp_path, capsys):
    import skbig as library

    model = tmp_path / "tuned.skbig"
    base = ["tune", str(files / "train.csv"), "-o", str(model), "--quiet", "--cv",
            "2", "--param", "mlp__hidden_layer_sizes=(8,)", "--validation"]  # fmt: skip
    grid = ["--grid", "mlp__dropout=[0.0, 0.5]"]
    assert main([*base, str(files / "test.tsv"), *grid]) == 0
    plan = library.load(model)[-1].training_plan_
    assert plan["validation_given"] and plan["n_validation"] == 60
    assert main([*base, str(files / "train.csv"), *grid]) == 2  # as many rows as DATA
    assert "a grid search splits with the folds" in capsys.readouterr().err


def test_train_refuses_a_validation_file_it_cannot_use(files, tmp_path, capsys):
    rows = [(0, "goal match team", "sport"), (1, "chip code data", "gossip")]
    odd = write_csv(tmp_path / "odd.csv", rows)
    base = ["train", str(files / "train.csv"), "-o", str(tmp_path / "m.skbig"),
            "--quiet", "--validation"]  # fmt: skip
    assert main([*base, str(odd)]) == 1
    assert "labels the training data does not hold: gossip" in capsys.readouterr().err
    assert main([*base, str(odd), "--stream"]) == 1  # found once the stream is read
    assert "labels the training data does not: ['gossip']" in capsys.readouterr().err
    assert main([*base, str(odd), "--dp-epsilon", "8"]) == 2
    assert "--validation cannot be used with --dp-epsilon" in capsys.readouterr().err
    assert not (tmp_path / "m.skbig").exists()


def test_train_with_dp_epsilon_records_the_guarantee(files, tmp_path, capsys):
    pytest.importorskip("dp_accounting")
    import skbig as library

    model = tmp_path / "private.skbig"
    code = main(["train", str(files / "train.csv"), "-o", str(model), "--quiet",
                 "--dp-epsilon", "8", "--param", "mlp__epochs=3"])  # fmt: skip
    assert code == 0
    assert "trained privately: (8" in capsys.readouterr().out
    assert library.model_info(model)["privacy"]["epsilon"] <= 8


def test_train_stream_scores_the_held_out_rows_it_left_out(files, tmp_path, capsys):
    import skbig as library

    model = tmp_path / "streamed.skbig"
    args = ["train", str(files / "train.csv"), "-o", str(model), "--quiet",
            "--stream", "--test-size", "0.25", *FAST]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    trained = int(out.split("trained on ")[1].split()[0])
    tested = int(out.split("held-out (")[1].split()[0])
    assert trained + tested == 240 and 30 < tested < 90
    assert float(out.split("accuracy ")[1].split(",")[0]) > 0.8
    loaded = library.load(model)
    assert loaded[-1].X_shape_[0] == trained
    assert library.model_info(model)["metadata"]["training"]["test_documents"] == tested


def test_train_stream_reads_of_a_test_file_only_the_curve_s_rows_twice(
    files, tmp_path, capsys, monkeypatch
):
    import skbig.cli._stream as stream

    read = []  # the test file's chunks, as each pass reads them
    chunks = stream._read_chunks

    def spy(args, path, *rest, **named):
        for chunk in chunks(args, path, *rest, **named):
            if path == str(files / "test.tsv"):
                read.append(len(chunk[0]))
            yield chunk

    monkeypatch.setattr(stream, "_read_chunks", spy)
    monkeypatch.setattr(stream, "CHUNK_ROWS", 20)  # the test file's 60 rows in 3
    monkeypatch.setattr(stream, "CURVE_SAMPLE", 20)
    assert main(["train", str(files / "train.csv"), "-o", str(tmp_path / "m"),
                 "--quiet", "--stream", "--test", str(files / "test.tsv"),
                 *FAST]) == 0  # fmt: skip
    assert read == [20, 20, 20, 20]  # the curve's first chunk, then all to score
    assert "held-out (60 documents): accuracy " in capsys.readouterr().out


@pytest.mark.slow
def test_train_stream_multi_label_lists_and_labels_joined(
    files, tmp_path, capsys, monkeypatch
):
    import skbig as library

    model, joined = tmp_path / "tags.skbig", tmp_path / "joined.skbig"
    base = ["--stream", "--quiet", *FAST, "--param", "mlp__epochs=20",
            "--param", "mlp__early_stopping=True", "--test-size", "0.25"]  # fmt: skip
    assert main(["train", str(files / "multi.jsonl.gz"), "--text-column", "body",
                 "--label-column", "tags", "-o", str(model), *base]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "4 labels: food, gadget, sport, tech" in out
    assert float(out.split("accuracy ")[1].split(",")[0]) > 0.8  # every label right
    metadata = library.model_info(model)["metadata"]
    assert metadata["multilabel"] and metadata["classes"] == [
        "food", "gadget", "sport", "tech"
    ]  # fmt: skip
    texts, labels = make_corpus(60, seed=9)
    picked = library.load(model).predict(texts)
    tech = [label == "tech" for label in labels]
    assert [bool(row[1]) for row in picked] == tech  # gadget, exactly with tech

    # The same tags as one column joined by "|", in a CSV, scored on a --test
    # file (whose indicator rows once broke the curve's list of labels).
    def joined_rows(texts, labels):
        tags = ["tech|gadget" if label == "tech" else label for label in labels]
        return list(zip(range(len(texts)), texts, tags, strict=True))

    data = write_csv(tmp_path / "joined.csv", joined_rows(*make_corpus(300)))
    rows = joined_rows(texts, labels)
    for i in (5, 25, 45):  # a label training never saw, in each chunk of 20
        rows[i] = (*rows[i][:2], rows[i][2] + "|extra")
    test = write_csv(tmp_path / "joined_test.csv", rows)
    import skbig.cli._stream

    monkeypatch.setattr(skbig.cli._stream, "CHUNK_ROWS", 20)  # the test in 3 chunks
    assert main(["train", str(data), "-o", str(joined), "--label-separator", "|",
                 *base[:-2], "--test", str(test)]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    # Said once for the file (by the pass that scores it), not once a chunk, nor
    # again by the curve's pass.
    assert err.count("1 label(s) of") == 1 and "count as absent: 'extra'" in err
    assert "4 labels: food, gadget, sport, tech" in out
    assert "held-out (60 documents): accuracy " in out
    assert float(out.split("accuracy ")[1].split(",")[0]) > 0.8
    assert [bool(row[1]) for row in library.load(joined).predict(texts)] == tech
    # A list among single labels is named by its row.
    lists = tmp_path / "lists.jsonl"
    rows = [{"text": f"goal match {i}", "label": label}
            for i, label in enumerate(["a", "b", ["a"]])]  # fmt: skip
    lists.write_text("\n".join(json.dumps(row) for row in rows))
    assert main(["train", str(lists), "-o", str(tmp_path / "m.skbig"),
                 "--stream"]) == 1  # fmt: skip
    assert "row 3: a list of labels after single labels" in capsys.readouterr().err


@pytest.mark.parametrize(
    "labels, message",
    [
        ([1, "2"], "row 2: column 'label' mixes text and non-text labels"),
        (["sport", "NaN"], "row 2: column 'label' is missing"),
        ([{"a": 1}, {"b": 2}], "row 1: column 'label' holds a dict label"),
    ],
    ids=["mixed-types", "spreadsheet-nan", "dict"],
)
def test_train_stream_checks_labels_as_training_in_memory_does(
    labels, message, tmp_path, capsys
):
    data = tmp_path / "rows.jsonl"
    rows = [{"text": f"goal match {i}", "label": labels[i % 2]} for i in range(20)]
    data.write_text("\n".join(json.dumps(row) for row in rows))
    for stream in ([], ["--stream"]):
        code = main(["train", str(data), "-o", str(tmp_path / "m.skbig"), *stream])
        assert code == 1
        err = capsys.readouterr().err
        assert "rows.jsonl" in err and "column 'label'" in err
    assert message in err  # streaming names the row it stopped at


@pytest.mark.slow
def test_sigterm_stops_a_streamed_fit_and_leaves_no_store_or_model(files, tmp_path):
    temp, model = tmp_path / "temp", tmp_path / "m.skbig"
    temp.mkdir()
    command = [
        sys.executable,
        "-m",
        "skbig",
        "train",
        str(files / "train.csv"),
        "-o",
        str(model),
        "--stream",
        *FAST,
        "--param",
        "mlp__epochs=100000",
        # Without a held-out part the training loss is watched: on these 213
        # documents it stops improving after about 37 epochs, 2 s, which ended
        # the fit before the signal came whenever the machine ran fast.
        "--param",
        "mlp__n_iter_no_change=100000",
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(temp.glob("skbig-stream-*/bucket*.bin")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(3)  # into the (endless) training
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "terminated" in err
    assert not list(temp.glob("skbig-stream-*")) and not model.exists()


def test_main_puts_the_sigterm_handler_back(tmp_path, capsys):
    before = signal.getsignal(signal.SIGTERM)
    assert (
        main(["train", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "m")]) == 1
    )
    assert signal.getsignal(signal.SIGTERM) is before
    assert "missing.csv" in capsys.readouterr().err


def test_report_and_card_describe_a_saved_model(trained, files, tmp_path, capsys):
    model, _ = trained
    notes = tmp_path / "notes.md"
    notes.write_text("For the three topics of the tests.")
    page = tmp_path / "report.html"
    assert main(["report", str(model), str(files / "test.tsv"), "-o", str(page),
                 "--card-notes", str(notes)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "accuracy" in out and "(60 documents)" in out
    missing = tmp_path / "missing" / "report.html"  # said before any scoring
    assert main(["report", str(model), str(files / "test.tsv"), "-o",
                 str(missing)]) != 0  # fmt: skip
    assert f"the folder {missing.parent} does not exist" in capsys.readouterr().err
    text = page.read_text()
    assert "test.tsv" in text and "For the three topics of the tests." in text
    card = tmp_path / "README.md"
    assert main(["card", str(model), "-o", str(card), "--license", "mit"]) == 0
    assert card.read_text().startswith('---\nlibrary_name: skbig\nlicense: "mit"')
    assert main(["card", str(model), "-o", str(card), "--card-notes",
                 str(tmp_path / "missing.md")]) == 1  # fmt: skip
    assert "missing.md: cannot read it" in capsys.readouterr().err


def test_row_format_is_safe_to_share_between_threads():
    # A Dask worker with several threads formats its partitions with one
    # RowFormat at once; what each thread gets must be its own rows.
    from concurrent.futures import ThreadPoolExecutor

    from skbig.cli._data import RowFormat

    row_format = RowFormat(["x", "y"], False, jsonl=False)
    parts = [
        ([f"p{k}-{n}" for n in range(200)], [[k / 10, 1 - k / 10]] * 200)
        for k in range(8)
    ]
    alone = [row_format.tails(*part) for part in parts]
    assert row_format.tails([], []) == [] and row_format.rows([], []) == ""
    with ThreadPoolExecutor(8) as pool:
        for _ in range(20):
            together = list(pool.map(lambda part: row_format.tails(*part), parts))
            assert together == alone


def test_row_format_writes_what_one_csv_or_json_writer_would():
    # Dask's workers format rows without ids and the client joins them: the
    # result must be byte for byte what one writer of whole rows writes.
    import csv
    import pickle

    from skbig.cli._data import RowFormat

    ids = [1, "a,b", 'q"uote', "", "new\nline", 3.5]
    predictions = ["x", "y", "x,z", "", 'say "y"', "x"]
    proba = [[0.25, 0.75], [1 / 3, 2 / 3], [0.1234567, 0.8765433], [1.0, 0.0],
             [0.5, 0.5], [1e-9, 1 - 1e-9]]  # fmt: skip
    rounded = [[round(float(p), 6) for p in row] for row in proba]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "prediction", "proba_x", "proba_y"])
    rows = list(zip(ids, predictions, rounded, strict=True))
    writer.writerows([i, p, *r] for i, p, r in rows)
    lines = "".join(
        json.dumps({"id": i, "prediction": p,
                    "probabilities": dict(zip("xy", r, strict=True))}, default=str)
        + "\n"
        for i, p, r in rows
    )  # fmt: skip
    for jsonl, expected in ((False, buffer.getvalue()), (True, lines)):
        row_format = pickle.loads(pickle.dumps(RowFormat(["x", "y"], False, jsonl)))
        tails = row_format.tails(predictions, proba)
        assert row_format.header() + row_format.rows(ids, tails) == expected


def test_sigterm_inside_a_finalizer_is_delivered_again(monkeypatch):
    # Python drops an exception raised inside a __del__ (it printed "Exception
    # ignored in AtomicFunction.__del__" and training went on): the handler sends
    # the signal again a moment later instead; anywhere else it raises.
    from skbig.cli import _signals

    sent = []
    monkeypatch.setattr(_signals.os, "kill", lambda pid, signum: sent.append(signum))

    class Finalized:
        def __del__(self):
            _signals.terminate(signal.SIGTERM, sys._getframe())

    Finalized()
    deadline = time.monotonic() + 10
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sent == [signal.SIGTERM]
    with pytest.raises(_signals.Terminated):
        _signals.terminate(signal.SIGTERM, sys._getframe())


@pytest.mark.parametrize(
    ("signalled", "code", "said"),
    [("Terminated", 128 + signal.SIGTERM, "terminated"), ("KeyboardInterrupt", 130,
     "interrupted")],
)  # fmt: skip
def test_a_signal_inside_an_extensions_call_still_stops_the_command(
    monkeypatch, capsys, signalled, code, said
):
    # SIGTERM while TensorFlow converted a batch through numpy's __array__ came out
    # of numpy as "SystemError: ... returned a result with an exception set",
    # chained to the Terminated: the command said "skbig: error" and exited 1.
    import skbig.cli as cli
    from skbig.cli import _signals

    stop = getattr(_signals, signalled, None) or KeyboardInterrupt

    def handler(args):
        try:
            raise stop()
        except KeyboardInterrupt as error:
            raise SystemError("returned a result with an exception set") from error

    monkeypatch.setattr(cli, "demo", handler)
    assert cli.main(["demo"]) == code
    assert capsys.readouterr().err.strip() == said
    assert _signals.interruption(SystemError("no signal behind it")) is None


def test_a_sigterm_the_command_does_not_stop_on_is_delivered_again(monkeypatch):
    # Once in many CI runs a streamed fit went on training a minute after its
    # SIGTERM, silent: the handler's Terminated was dropped where no __del__ or
    # unraisable hook shows it. Until the command stops, the signal comes again.
    from skbig.cli import _signals

    sent = []
    monkeypatch.setattr(_signals.os, "kill", lambda pid, signum: sent.append(signum))
    monkeypatch.setattr(_signals, "RETRY_SECONDS", 0.05)
    with pytest.raises(_signals.Terminated):  # not inside a command: no watch
        _signals.terminate(signal.SIGTERM, sys._getframe())
    time.sleep(0.3)
    assert sent == []
    restore = _signals.install()
    try:
        with pytest.raises(_signals.Terminated):
            _signals.terminate(signal.SIGTERM, sys._getframe())  # then dropped
        deadline = time.monotonic() + 10
        while len(sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sent[:2] == [signal.SIGTERM, signal.SIGTERM]
        assert _signals.stopped(_signals.Terminated()) == 128 + signal.SIGTERM
        time.sleep(0.2)  # a delivery under way when it stopped may still land
        count = len(sent)
        time.sleep(0.3)
        assert len(sent) == count  # none once the command has stopped
    finally:
        restore()


def test_sigterm_dropped_in_a_weakref_callback_is_delivered_again():
    # A weakref (or garbage-collector) callback shows no __del__ frame, and Python
    # drops what it raises too: a training that got SIGTERM there went on for
    # good. sys.unraisablehook sees the dropped Terminated and sends it again.
    import weakref

    from skbig.cli import _signals

    class Owner:
        pass

    def callback():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs here, inside the callback

    before = sys.unraisablehook
    restore = _signals.install()
    try:
        with pytest.raises(_signals.Terminated):
            owner = Owner()
            watch = weakref.ref(owner, lambda _: callback())
            del owner  # the callback runs, its Terminated is dropped
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        restore()
    assert watch() is None and sys.unraisablehook is before


def test_multilabel_labels_joined_by_a_separator_are_named(tmp_path, capsys):
    # A CSV of "a|b" labels (as skbig predict writes them) scored without
    # --label-separator was read as labels the model never saw, and scored as
    # if every document had none, under a raw scikit-learn warning.
    import numpy as np

    import skbig
    from skbig import make_text_classifier

    texts, topics = make_corpus(90, seed=4)
    names = ["food", "indoors", "sport", "tech"]
    Y = np.column_stack([topics == "food", (topics == "food") | (topics == "tech"),
                         topics == "sport", topics == "tech"]).astype(int)  # fmt: skip
    model = tmp_path / "multi.skbig"
    clf = make_text_classifier(mlp__hidden_layer_sizes=(8,), mlp__random_state=0)
    skbig.save(clf.fit(texts, Y), model,
               metadata={"multilabel": True, "classes": names})  # fmt: skip
    data = tmp_path / "tagged.csv"
    rows = [[t, "|".join(n for n, on in zip(names, y, strict=True) if on)]
            for t, y in zip(texts, Y, strict=True)]  # fmt: skip
    rows[0][1] += "|vegan"  # a label the model does not know
    with open(data, "w", newline="") as file:
        csv.writer(file).writerows([["text", "label"], *rows])
    for command in (["evaluate"], ["report", "-o", str(tmp_path / "r.html")]):
        assert main([*command[:1], str(model), str(data), *command[1:]]) == 1
        err = capsys.readouterr().err
        assert "labels joined by '|'; pass --label-separator '|'" in err
    assert main(["evaluate", str(model), str(data), "--label-separator", "|"]) == 0
    captured = capsys.readouterr()
    assert "1 label(s) of" in captured.err and "'vegan'" in captured.err
    assert "UserWarning" not in captured.err and "samples avg" in captured.out
    # Every document with two labels: none of the file's labels is the model's.
    joined = tmp_path / "joined.csv"
    with open(joined, "w", newline="") as file:
        pairs = [row for row in rows if "|" in row[1]]
        csv.writer(file).writerows([["text", "label"], *pairs])
    assert main(["evaluate", str(model), str(joined)]) == 1
    assert "pass --label-separator '|'" in capsys.readouterr().err
