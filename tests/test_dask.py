"""Scoring on Dask: the lazy helpers, and ``skbig predict --workers/--scheduler``."""

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
distributed = pytest.importorskip("distributed")

from conftest import make_corpus  # noqa: E402

import skbig  # noqa: E402
from skbig.cli import main  # noqa: E402
from skbig.cli._data import text_chunks  # noqa: E402
from skbig.dask import predict, predict_proba, read_texts, score_partition  # noqa: E402


def _write_jsonl(path, texts, **extra):
    with open(path, "w", encoding="utf-8") as file:
        for i, text in enumerate(texts):
            file.write(json.dumps({"text": text, "id": f"doc{i}", **extra}) + "\n")
    return path


def _filled(column):
    """A column's texts as the command line reads them (missing: "")."""
    column = column.compute()
    return column.where(column.notna(), "").tolist()


def test_read_texts_reads_what_the_command_line_reader_reads(tmp_path):
    texts = [t + " " + "x" * (i % 7) for i, t in enumerate(make_corpus(400)[0])]
    texts[3], texts[8] = None, 'ünïcode, "quoted"; tab\there\nnew line'
    local = _write_jsonl(tmp_path / "one.jsonl", texts)
    frame = read_texts(local, "text", id_column="id", blocksize=4096)
    assert frame.npartitions > 3  # split at lines
    expected = [t for _, chunk in text_chunks(local, "text", 10**6) for t in chunk]
    got = _filled(frame["text"])
    assert got == expected
    assert frame["id"].compute().tolist() == [f"doc{i}" for i in range(400)]
    # A folder of JSON Lines files, and the same rows as Parquet.
    folder = tmp_path / "parts"
    folder.mkdir()
    _write_jsonl(folder / "a.jsonl", texts[:150])
    _write_jsonl(folder / "b.jsonl", texts[150:])
    assert _filled(read_texts(folder, "text")["text"]) == expected
    parquet = tmp_path / "pq"
    parquet.mkdir()
    for name, part in (("0", texts[:200]), ("1", texts[200:])):
        pd.DataFrame({"text": part}).to_parquet(parquet / f"{name}.parquet")
    assert _filled(read_texts(parquet, "text")["text"]) == expected
    csv = tmp_path / "data.csv"
    pd.DataFrame({"text": expected, "label": 1}).to_csv(csv, sep=";", index=False)
    from_csv = read_texts(csv, "text", sep=";")["text"].compute().tolist()
    assert from_csv == [t for _, c in text_chunks(csv, "text", 10**6) for t in c]


def test_predict_helpers_are_lazy_and_match_the_pipeline(fitted_pipeline, corpus):
    texts = corpus[0][:90]
    series = dd.from_pandas(pd.Series(texts, index=np.arange(100, 190)), npartitions=3)
    proba = predict_proba(fitted_pipeline, series)
    labels = predict(fitted_pipeline, series)
    assert isinstance(proba, dd.DataFrame) and isinstance(labels, dd.Series)
    assert list(proba.columns) == [str(c) for c in fitted_pipeline.classes_]
    computed = proba.compute()
    np.testing.assert_allclose(
        computed.to_numpy(), fitted_pipeline.predict_proba(texts)
    )
    assert computed.index.tolist() == list(range(100, 190))
    assert labels.compute().tolist() == fitted_pipeline.predict(texts).tolist()
    with pytest.raises(TypeError, match="texts must be strings; found a int"):
        predict(fitted_pipeline, dd.from_pandas(pd.Series([1, 2]), npartitions=1)
                ).compute()  # fmt: skip


def test_predict_gives_a_regressors_values_in_its_shape(corpus):
    # A regressor has no classes_: predict failed on it with an AttributeError.
    texts = corpus[0][:120]
    y = np.array([len(text) for text in texts], np.float64)
    series = dd.from_pandas(pd.Series(texts, index=np.arange(5, 125)), npartitions=3)
    for target in (y, y[:, None], np.column_stack([y, -2 * y])):
        reg = skbig.make_text_regressor(
            tfidf__min_df=1, mlp__hidden_layer_sizes=(8,), mlp__epochs=2,
            mlp__early_stopping=False, mlp__random_state=0,
        ).fit(texts, target)  # fmt: skip
        values = predict(reg, series)
        expected = reg.predict(texts)
        if target.ndim == 1:
            assert isinstance(values, dd.Series) and values.dtype == np.float64
        else:
            assert isinstance(values, dd.DataFrame)
            assert list(values.columns) == [str(j) for j in range(target.shape[1])]
        computed = values.compute()
        assert computed.index.tolist() == list(range(5, 125))
        np.testing.assert_allclose(computed.to_numpy(), expected, rtol=1e-6)
    with pytest.raises(TypeError, match=r"no predict_proba.*use skbig\.dask\.predict"):
        predict_proba(reg, series)


def test_texts_that_are_no_dask_series_are_named(fitted_pipeline, corpus):
    # Dask's own word for it: "'DataFrame' object has no attribute 'tolist'".
    texts = corpus[0][:4]
    frame = dd.from_pandas(pd.DataFrame({"text": texts, "id": range(4)}), 2)
    for helper in (predict, predict_proba):
        with pytest.raises(TypeError, match=r"not a Dask DataFrame.*'text', 'id'"):
            helper(fitted_pipeline, frame)
        for given, kind in ((pd.Series(texts), "pandas Series"), (texts, "list")):
            with pytest.raises(TypeError, match=f"not a {kind}; for texts in memory"):
                helper(fitted_pipeline, given)


# ------------------------------------------------ the command line on a cluster
@pytest.fixture(scope="module")
def scoring(tmp_path_factory, fitted_pipeline):
    folder = tmp_path_factory.mktemp("dask")
    skbig.save(fitted_pipeline, folder / "model.skbig")
    texts = [t + " " + " ".join(["pad"] * 40) for t in make_corpus(6000, seed=3)[0]]
    data = _write_jsonl(folder / "data.jsonl", texts)  # > 1 MB: several partitions
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert (
            main(
                [
                    "predict",
                    str(folder / "model.skbig"),
                    str(data),
                    "-o",
                    str(folder / "local.csv"),
                    "--quiet",
                    "--id-column",
                    "id",
                ]
            )
            == 0
        )
    return folder  # fmt: skip


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield cluster, client


def _predict(folder, out, *options):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            [
                "predict",
                str(folder / "model.skbig"),
                str(folder / "data.jsonl"),
                "-o",
                str(out),
                "--quiet",
                "--id-column",
                "id",
                *options,
            ]
        )
    return code, stdout.getvalue(), stderr.getvalue()  # fmt: skip


@pytest.mark.slow
def test_workers_write_exactly_the_local_output(scoring):
    code, out, err = _predict(scoring, scoring / "workers.csv", "--workers", "2")
    assert code == 0, err
    assert "6000 predictions written" in out
    local = (scoring / "local.csv").read_bytes()
    assert (scoring / "workers.csv").read_bytes() == local


@pytest.mark.slow
def test_a_scheduler_gets_the_model_once_per_worker(scoring, cluster):
    cluster, client = cluster
    code, _, err = _predict(scoring, scoring / "remote.jsonl", "--scheduler",
                            cluster.scheduler_address)  # fmt: skip
    assert code == 0, err
    rows = [json.loads(line) for line in open(scoring / "remote.jsonl")]
    local = (scoring / "local.csv").read_text().splitlines()[1:]
    assert [r["id"] for r in rows] == [line.split(",")[0] for line in local]
    assert [r["prediction"] for r in rows] == [line.split(",")[1] for line in local]

    def seen(dask_worker):
        moved = [key for entry in dask_worker.transfer_incoming_log
                 for key in entry["keys"]]  # fmt: skip
        return dask_worker.state.executed_count, moved

    report = client.run(seen)
    # The workers scored the partitions (which ones is the scheduler's choice).
    # The model crossed the network once per worker: a broadcast scatter sends
    # it to one worker and the others copy it from a peer (Dask's tree
    # replication), never once per partition.
    assert len(report) == 2 and sum(executed for executed, _ in report.values()) > 2
    copies = [sum("Pipeline" in str(key) for key in moved)
              for _, moved in report.values()]  # fmt: skip
    assert all(count <= 1 for count in copies) and sum(copies) <= len(report) - 1


@pytest.mark.slow
def test_a_lost_worker_never_leaves_half_an_output(scoring, cluster):
    cluster, client = cluster
    out = scoring / "lost.csv"
    result = {}
    worker = sorted(cluster.scheduler_info["workers"])[0]

    def run():
        result["run"] = _predict(scoring, out, "--scheduler", cluster.scheduler_address)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(2)
    with contextlib.suppress(Exception):
        client.run(lambda: os._exit(1), workers=[worker], wait=False)
    thread.join(timeout=600)
    code, _, err = result["run"]
    if code == 0:  # Dask rescheduled the lost partitions
        assert out.read_bytes() == (scoring / "local.csv").read_bytes()
    else:
        assert code == 1 and len(err.strip().splitlines()) <= 2, err
        assert not out.exists()


@pytest.mark.slow
def test_a_scheduler_that_does_not_answer_fails_in_one_line(scoring, tmp_path):
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "skbig", "predict", str(scoring / "model.skbig"),
         str(scoring / "data.jsonl"), "-o", str(tmp_path / "x.csv"),
         "--scheduler", "tcp://127.0.0.1:1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "skbig" in line]
    assert errors == [errors[0]] and "cannot reach the Dask scheduler" in errors[0]
    assert time.monotonic() - start < 60
    assert not (tmp_path / "x.csv").exists()


def test_a_partition_of_a_multi_label_model_is_scored_with_label_names():
    # A multi-label model's classes_ are its column numbers; a worker wrote
    # "0|2" where a local run writes the names from the model file.
    texts, labels = make_corpus(120)
    Y = np.array([[label == "sport", label != "sport"] for label in labels], int)
    model = skbig.make_text_classifier(
        tfidf__min_df=1, mlp__hidden_layer_sizes=(8,), mlp__epochs=3,
        mlp__early_stopping=False, mlp__random_state=0,
    ).fit(texts, Y)  # fmt: skip
    frame = pd.DataFrame({"text": texts[:20], "id": range(20)})
    ids, predictions, proba = score_partition(frame, model, "text", "id", ["a", "b"])
    assert ids == list(range(20)) and proba.shape == (20, 2)
    picked = model.predict(texts[:20])
    assert predictions == [[n for n, v in zip("ab", row, strict=True) if v]
                           for row in picked]  # fmt: skip
    assert {name for row in predictions for name in row} <= {"a", "b"}
