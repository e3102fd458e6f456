"""The documentation builds without warnings and the examples run."""

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


#: What each example that the gallery runs prints, checked in its rendered page.
GALLERY = {
    "quick_start": "cross-validated accuracy:",
    "grid_search": "best parameters:",
    "multilabel": "thresholds_:",
    "tabular_data": "R²",
    "explanations": "skbig-explanation",  # the highlighted words, as HTML
    "html_report": "library_name: skbig",
    "export_onnx": "labels equal to the pipeline",
    "private_training": "noise multiplier",
    "keras_classic_text_classifier": "test recall (spam)",
}
#: Examples whose page must show a figure.
FIGURES = ["quick_start", "grid_search", "tabular_data", "explanations",
           "html_report", "private_training"]  # fmt: skip


@pytest.mark.slow
def test_sphinx_builds_the_docs_and_runs_the_gallery_without_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("sphinx_gallery")
    # A copy, so that the gallery's generated sources stay out of the checkout.
    shutil.copytree(
        ROOT / "docs",
        tmp_path / "docs",
        ignore=shutil.ignore_patterns("_build", "auto_examples", "generated"),
    )
    shutil.copytree(ROOT / "examples", tmp_path / "examples")  # fmt: skip
    html = tmp_path / "html"
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
            str(tmp_path / "docs"),
            str(html),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (html / "api" / "generated" / "skbig.MLPClassifier.html").exists()
    index = (html / "auto_examples" / "index.html").read_text(encoding="utf-8")
    for name, expected in GALLERY.items():
        assert f"{name}.html" in index
        page = (html / "auto_examples" / f"{name}.html").read_text(encoding="utf-8")
        assert expected in page, name
        assert "Traceback" not in page and "retracing" not in page, name
    for name in FIGURES:
        assert (html / "_images" / f"sphx_glr_{name}_001.png").exists(), name
    # Shown, not run: it starts a Dask cluster (test_example_runs runs it).
    assert "streamed_search_on_dask.html" in index


@pytest.mark.slow
def test_example_runs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "streamed_search_on_dask.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "best parameters:" in result.stdout
