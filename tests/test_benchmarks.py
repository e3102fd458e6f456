"""The benchmarks' written-out copy of skbig's defaults still matches skbig.

``benchmarks/_methods.py`` writes the default pipeline's settings out, so that the
processes timing the other methods need not import skbig and TensorFlow, and
``skbig_default()`` asserts the copy against ``make_text_classifier()``. When a
default changed and the copy did not, every ``run.py`` fit of skbig failed with an
``AssertionError`` (``alpha`` became ``"auto"`` on 2026-12-03; found on 2026-12-04).
"""

import importlib.util
from pathlib import Path

import pytest

METHODS = Path(__file__).resolve().parents[1] / "benchmarks" / "_methods.py"


@pytest.mark.skipif(not METHODS.exists(), reason="benchmarks/ is not shipped")
def test_the_benchmarks_copy_of_the_defaults_matches_the_package():
    spec = importlib.util.spec_from_file_location("_bench_methods", METHODS)
    methods = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(methods)
    pipeline = methods.skbig_default()  # asserts every written-out setting
    params = pipeline.get_params()
    assert params["mlp__alpha"] == methods.MLP["alpha"]
    assert params["tfidf__min_df"] == methods.TFIDF["min_df"]
