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


BENCH = METHODS.parent / "bench.py"


@pytest.mark.skipif(not BENCH.exists(), reason="benchmarks/ is not shipped")
def test_the_bench_intervals_tell_a_real_difference_from_noise():
    import numpy as np
    from sklearn.metrics import f1_score

    spec = importlib.util.spec_from_file_location("_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 5, 2000)
    noisy = [np.where(rng.random(2000) < 0.8, truth, rng.integers(0, 5, 2000))
             for _ in range(3)]  # fmt: skip
    assert bench._macro_f1(truth, noisy[0]) == pytest.approx(
        100 * f1_score(truth, noisy[0], average="macro")
    )
    assert np.array_equal(bench.unpacked(bench.packed(noisy[0])), noisy[0])
    # The same classifier against itself (other seeds): the interval holds zero.
    low, high = bench.paired_interval(truth, noisy[:1], noisy[1:], bench._accuracy)
    assert low < 0 < high
    # One that is right on 10 % more documents: the interval is well above zero.
    better = [np.where(rng.random(2000) < 0.5, truth, p) for p in noisy]
    low, high = bench.paired_interval(truth, better, noisy, bench._accuracy, 200)
    assert 5 < low < high < 15
