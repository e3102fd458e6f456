"""The benchmarks' written-out copy of skbig's defaults still matches skbig.

``benchmarks/_methods.py`` writes the default pipeline's settings out, so that the
processes timing the other methods need not import skbig and TensorFlow, and
``skbig_default()`` asserts the copy against ``make_text_classifier()``. When a
default changed and the copy did not, every ``run.py`` fit of skbig failed with an
``AssertionError`` (``alpha`` became ``"auto"`` on 2026-12-03; found on 2026-12-04).
"""

import importlib.util
import sys
from pathlib import Path

import pytest

METHODS = Path(__file__).resolve().parents[1] / "benchmarks" / "_methods.py"


def _benchmark_module(path):
    """The script at ``path`` as a module, its folder on the path while it is
    imported (the scripts import each other: _worker, corpora)."""
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


@pytest.mark.skipif(not METHODS.exists(), reason="benchmarks/ is not shipped")
def test_the_benchmarks_copy_of_the_defaults_matches_the_package():
    methods = _benchmark_module(METHODS)
    pipeline = methods.skbig_default()  # asserts every written-out setting
    params = pipeline.get_params()
    assert params["mlp__alpha"] == methods.MLP["alpha"]
    assert params["tfidf__min_df"] == methods.TFIDF["min_df"]


BENCH = METHODS.parent / "bench.py"


@pytest.mark.skipif(not BENCH.exists(), reason="benchmarks/ is not shipped")
def test_the_bench_intervals_tell_a_real_difference_from_noise():
    import numpy as np
    from sklearn.metrics import f1_score

    bench = _benchmark_module(BENCH)
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


AUDIT = METHODS.parent / "privacy_audit.py"


@pytest.mark.skipif(not AUDIT.exists(), reason="benchmarks/ is not shipped")
def test_the_audits_lower_bound_is_what_its_counts_support():
    import numpy as np

    audit = _benchmark_module(AUDIT)
    # 20 members all above 20 non-members: the ends of the two-sided 95 %
    # Clopper-Pearson intervals of TPR 20/20 and FPR 0/20, in closed form.
    tpr_low = 0.025 ** (1 / 20)
    fpr_high = 1 - tpr_low
    bound = audit.epsilon_lower_bound(np.ones(20), np.zeros(20), delta=0.0)
    assert bound == pytest.approx(np.log(tpr_low / fpr_high))
    assert audit.epsilon_lower_bound(np.ones(20), np.zeros(20), delta=0.5) < bound
    # Scores that cannot tell members apart prove nothing.
    assert audit.epsilon_lower_bound(np.zeros(20), np.zeros(20), delta=0.0) == 0.0


@pytest.mark.skipif(not AUDIT.exists(), reason="benchmarks/ is not shipped")
def test_sentence_canaries_are_scored_by_their_own_random_labels():
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    audit = _benchmark_module(AUDIT)
    rng = np.random.default_rng(0)
    X = [f"common words {a} {b}" for a, b in rng.integers(0, 50, (200, 2))]
    y = np.array(["ham", "spam"])[rng.integers(0, 2, 200)]
    # Each "sentence" has words of its own, so only a model that remembers it
    # can give it its random label; a duplicate is drawn once.
    sentences = [f"story{i} about{i} thing{i}" for i in range(60)] + [
        "story0 about0 thing0"
    ]
    docs, labels = audit.sentence_canaries(
        60, np.random.default_rng(1), sentences, ["ham", "spam"]
    )
    assert sorted(docs) == sorted(set(sentences)) and set(labels) == {"ham", "spam"}

    def remembers():
        return make_pipeline(
            HashingVectorizer(), LogisticRegression(C=1e4, max_iter=1000)
        )

    auc, bound, _ = audit.audit(remembers, X, y, "spam", 30, 0, sentences)
    assert auc > 0.95 and bound > 1.0
    # The letter canaries, all labelled with the rarest class, as before.
    auc_letters, _, _ = audit.audit(remembers, X, y, "spam", 30, 0)
    assert auc_letters > 0.95


@pytest.mark.skipif(not AUDIT.exists(), reason="benchmarks/ is not shipped")
def test_a_regressors_canaries_are_scored_by_their_squared_error():
    import numpy as np
    from sklearn.dummy import DummyRegressor
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    audit = _benchmark_module(AUDIT)
    rng = np.random.default_rng(0)
    X = [f"common words {a} {b}" for a, b in rng.integers(0, 50, (200, 2))]
    y = rng.normal(0, 1, 200)

    def remembers():  # each canary's own hashed words carry its target
        return make_pipeline(HashingVectorizer(), Ridge(alpha=1e-3))

    auc, bound, _ = audit.audit_regression(remembers, X, y, 4.0, 30, 0)
    assert auc > 0.95 and bound > 1.0

    def forgets():  # the same prediction for every document
        return make_pipeline(HashingVectorizer(), DummyRegressor())

    auc, bound, _ = audit.audit_regression(forgets, X, y, 4.0, 30, 0)
    assert auc == 0.5 and bound == 0.0
