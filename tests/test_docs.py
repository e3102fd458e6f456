"""The documentation builds without warnings and the examples run."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_sphinx_builds_without_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(ROOT / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        tmp_path / "html" / "api" / "generated" / "skbig.MLPClassifier.html"
    ).exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "script, expected",
    [
        ("keras_classic_text_classifier.py", "test recall (spam)"),
        ("multilabel_and_regression.py", "R² on held-out data"),
        ("streamed_search_on_dask.py", "best parameters:"),
    ],
)
def test_example_runs(script, expected):
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
