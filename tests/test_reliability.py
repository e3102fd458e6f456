"""Reliability: messy input, interrupted fits, long searches, threads and workers."""

import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import FAST, make_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.model_selection import GridSearchCV

import skbig
from skbig import MLPClassifier, MLPRegressor, make_text_classifier

TINY = dict(
    hidden_layer_sizes=(4,),
    epochs=2,
    batch_size=64,
    early_stopping=False,
    random_state=0,
)
TINY_PIPE = {f"mlp__{k}": v for k, v in TINY.items()}
TINY_PIPE["tfidf__min_df"] = 1

# ------------------------------------------------------------------ messy input
words = st.sampled_from("goal team code data bread cook the of and".split())
ordinary = st.lists(words, min_size=1, max_size=12).map(" ".join)
odd = st.one_of(
    st.just(""),
    st.text(alphabet=" \t\n\r", max_size=5),  # whitespace only
    st.text(alphabet="😀🎉🚀👍🔥", min_size=1, max_size=6),  # emoji only
    st.text(max_size=40),  # any unicode at all
    st.lists(words, min_size=2000, max_size=2001).map(" ".join),  # very long
    st.binary(max_size=20).map(lambda b: b"goal " + b),  # bytes
)
wrong = st.sampled_from([None, float("nan"), 3, 2.5, object(), ["a", "list"]])
# Mostly ordinary documents, so that fits succeed as well as fail.
documents = st.one_of(*[ordinary] * 6, odd, odd, wrong)
label_pools = st.sampled_from(
    [
        ["spam", "ham", "eggs"],
        [0, 1, 2],
        [True, False],
        ["spam", 1],  # mixed types
        ["spam", None],  # missing labels
    ]
)


def _outcome(fit_and_predict):
    """Run and classify: a result, or a ValueError/TypeError with a message."""
    try:
        return "ok", fit_and_predict()
    except (ValueError, TypeError) as error:
        message = str(error)
        assert message.strip(), f"{type(error).__name__} without a message"
        assert "tensorflow" not in message.lower(), message
        assert "Traceback" not in message
        return "refused", message


def _property(check):
    """Run the hypothesis test ``check(cases, ...)`` and make sure its examples
    were not all fitted nor all refused (either would mean a vacuous test)."""

    def test():
        cases = {"ok": [], "refused": []}
        check(cases=cases)
        assert cases["ok"] and cases["refused"], cases

    test.__name__ = check.__name__
    test.__doc__ = check.__doc__
    return test


@_property
@settings(
    max_examples=50,
    deadline=None,
    # Fixed examples: random ones were, once in a while, all refused (a mix of odd
    # documents, wrong labels and lengths), failing the check against vacuity.
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    texts=st.lists(documents, min_size=1, max_size=16),
    data=st.data(),
)
def test_messy_text_never_crashes(cases, texts, data):
    pool = data.draw(label_pools)
    y = data.draw(
        st.lists(st.sampled_from(pool), min_size=len(texts), max_size=len(texts))
    )
    if data.draw(st.integers(0, 9)) == 0:  # sometimes y of the wrong length
        y = y + y[:1]

    def run():
        model = make_text_classifier(**TINY_PIPE).fit(texts, y)
        new = data.draw(st.lists(documents, min_size=1, max_size=4))
        proba = model.predict_proba(new)
        assert proba.shape == (len(new), len(model.classes_))
        np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-5)
        assert set(model.predict(new)) <= set(model.classes_)
        return proba

    kind, message = _outcome(run)
    cases[kind].append(message)


@_property
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    X=st.lists(
        st.lists(
            st.floats(-1e3, 1e3, width=32),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=8,
    ),
    kind=st.sampled_from(["classes", "multilabel", "regression"]),
    data=st.data(),
)
def test_messy_numbers_never_crash(cases, X, kind, data):
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    if data.draw(st.integers(0, 4)) == 0:  # one NaN or infinity somewhere
        X[data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, 2))] = data.draw(
            st.sampled_from([np.nan, np.inf, -np.inf])
        )
    if kind == "classes":
        y = data.draw(st.lists(st.sampled_from(["a", "b"]), min_size=n, max_size=n))
        model = MLPClassifier(**TINY)
    elif kind == "multilabel":  # rows with no label at all included
        y = np.asarray(
            data.draw(
                st.lists(
                    st.lists(st.integers(0, 1), min_size=2, max_size=2),
                    min_size=n,
                    max_size=n,
                )
            )
        )
        model = MLPClassifier(**TINY)
    else:
        y = data.draw(st.lists(st.floats(-5, 5), min_size=n, max_size=n))
        model = MLPRegressor(**TINY)

    def run():
        return model.fit(X, y).predict(X)

    kind, message = _outcome(run)
    if not np.isfinite(X).all():
        assert kind == "refused" and ("NaN" in message or "infinity" in message)
    cases[kind].append(message)


@pytest.mark.parametrize(
    ("texts", "y", "error", "message"),
    [
        (["a b", None, "c d"], [0, 1, 0], ValueError, "missing (None or NaN)"),
        (["a b", float("nan"), "c"], [0, 1, 0], ValueError, "at position 1"),
        (["a b", 42, "c d"], [0, 1, 0], TypeError, "the first at position 1: int 42"),
        (["", " ", "\n"], [0, 1, 0], ValueError, "empty vocabulary"),
        (["😀", "🎉"], [0, 1], ValueError, "empty vocabulary"),
        (["aa bb", "cc dd"], ["x", "x"], ValueError, "only one class: 'x'"),
        (["aa bb", "cc dd"], [0, 1, 1], ValueError, "inconsistent numbers of samples"),
        (["aa", "bb", "cc"], ["x", 1, "x"], TypeError, "mixes text and non-text"),
        ("just one string", [0], ValueError, "string object received"),
        (["aa bb"], [0], ValueError, "only one class"),
        ([b"aa \xff"], [0], ValueError, 'decode_error="replace"'),
        ([], [], ValueError, "no documents to fit on"),
        (["aa bb", "cc dd"], [["x", "y"], ["z"]], ValueError, "MultiLabelBinarizer"),
    ],
    ids=["none", "nan", "int", "whitespace", "emoji", "one-class", "wrong-length",
         "mixed-labels", "bare-string", "one-sample", "undecodable-bytes",
         "no-documents", "label-lists"],
)  # fmt: skip
def test_named_errors(texts, y, error, message):
    with pytest.raises(error, match=None) as info:
        make_text_classifier(**TINY_PIPE).fit(texts, y)
    assert message in str(info.value)


def test_a_table_of_documents_is_refused_not_read_as_its_column_names(
    fitted_pipeline,
):
    # A DataFrame iterates over its column names: fitted, it failed on min_df;
    # at predict time it gave one prediction, for the word "text".
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({"text": ["goal team match", "vote law"], "n": [1, 2]})
    with pytest.raises(ValueError, match=r"one column of text.*\['text', 'n'\]"):
        fitted_pipeline.predict(table)
    with pytest.raises(ValueError, match="one column of text"):
        make_text_classifier(**TINY_PIPE).fit(table[["text"]], ["a", "b"])
    assert fitted_pipeline.predict(table["text"]).shape == (2,)


def test_a_column_of_labels_trains_as_one_label_per_sample(tfidf_data):
    # scikeras kept y's shape: predictions came back (n, 1), without a word.
    X, y = tfidf_data
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        clf = MLPClassifier(**TINY).fit(X, y.reshape(-1, 1))
    assert clf.predict(X).shape == (X.shape[0],)
    assert clf.score(X, y.reshape(-1, 1)) == clf.score(X, y)
    reg = MLPRegressor(**TINY).fit(X, np.arange(X.shape[0], dtype=float))
    assert np.isfinite(reg.score(X, np.arange(X.shape[0], dtype=float)[:, None]))


def test_numbers_held_as_objects_are_labels(tfidf_data):
    # scikit-learn said "Unknown label type: unknown" for a column of dtype object.
    X, y = tfidf_data
    codes = np.unique(y, return_inverse=True)[1]
    held = MLPClassifier(**TINY).fit(X, codes.astype(object))
    plain = MLPClassifier(**TINY).fit(X, codes)
    np.testing.assert_array_equal(held.classes_, plain.classes_)
    np.testing.assert_array_equal(held.predict(X), plain.predict(X))


def test_label_indicators_as_a_data_frame_or_a_sparse_matrix(tfidf_data):
    # A data frame of indicator columns failed with "'DataFrame' object has no
    # attribute 'dtype'", and MultiLabelBinarizer(sparse_output=True)'s matrix
    # with "Unknown label type: unknown"; scikit-learn's classifiers take both.
    pd = pytest.importorskip("pandas")
    X, y = tfidf_data
    Y = np.stack([y == label for label in np.unique(y)[:2]], axis=1).astype(int)
    plain = MLPClassifier(**TINY).fit(X, Y)
    for labels in (pd.DataFrame(Y, columns=["a", "b"]), sp.csr_matrix(Y)):
        clf = MLPClassifier(**TINY).fit(X, labels)
        np.testing.assert_array_equal(clf.predict(X), plain.predict(X))
        assert clf.score(X, labels) == plain.score(X, Y)


def test_all_zero_rows_and_unseen_labels_in_score(fitted_pipeline):
    # Documents with no known term are all-zero TF-IDF rows: still a prediction.
    proba = fitted_pipeline.predict_proba(["", "zzz qqq", "😀"])
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-6)
    assert fitted_pipeline.score(["goal team match"], ["never-seen"]) == 0.0


# ------------------------------------------------------------------ interrupts
class _Interrupt(keras.callbacks.Callback):
    def __init__(self, at_batch=2):
        super().__init__()
        self.at_batch = at_batch

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.at_batch:
            raise KeyboardInterrupt


@pytest.fixture(scope="module")
def tfidf_data():
    texts, labels = make_corpus()
    X = make_text_classifier()[0].fit_transform(texts)
    return X, labels


def test_sample_weights_of_the_wrong_shape_are_named(tfidf_data):
    X, y = tfidf_data
    n = X.shape[0]
    # Text: class weights multiply the sample weights before anything else reads them.
    for weights in (np.ones(3), np.ones((n, 2))):
        message = re.escape(f"sample_weight has shape {weights.shape}")
        with pytest.raises(ValueError, match=message):
            MLPClassifier(**TINY).fit(X, y, sample_weight=weights)
        with pytest.raises(ValueError, match=r"(?i)sample.weight"):  # a table
            MLPClassifier(**TINY).fit(X[:, :40].toarray(), y, sample_weight=weights)
    # A scalar weighs every sample alike, as in scikit-learn.
    assert MLPClassifier(**TINY).fit(X, y, sample_weight=2.0).predict(X).shape == (n,)


def test_a_later_partial_fit_names_a_list_of_labels_per_sample(tfidf_data):
    X, y = tfidf_data
    clf = MLPClassifier(**TINY).partial_fit(X[:20], y[:20], classes=np.unique(y))
    with pytest.raises(ValueError, match="MultiLabelBinarizer"):
        clf.partial_fit(X[:2], [[y[0], y[1]], [y[0]]])
    with pytest.raises(ValueError, match="has not trained on: \\['never-seen'\\]"):
        clf.partial_fit(X[:1], ["never-seen"])
    with pytest.raises(ValueError, match="has not trained on"):  # classes= again
        clf.partial_fit(X[:1], ["never-seen"], classes=np.unique(y))
    # A first call whose classes= lacks a label of y (scikit-learn's encoder
    # said "Found unknown categories [np.str_('...')] in column 0 during fit").
    first = MLPClassifier(**TINY)
    with pytest.raises(ValueError, match=r"missing from classes=: \['.+'\]"):
        first.partial_fit(X[:20], y[:20], classes=np.unique(y[:20])[1:])
    assert not hasattr(first, "model_")


def test_interrupted_first_fit_leaves_it_unfitted(tfidf_data):
    X, y = tfidf_data
    model = MLPClassifier(**dict(TINY, batch_size=16), callbacks=[_Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    with pytest.raises(NotFittedError):
        model.predict(X)
    assert not hasattr(model, "model_") and not hasattr(model, "classes_")
    model.set_params(callbacks=None).fit(X, y)  # and it can still be fitted
    assert model.predict(X).shape == (X.shape[0],)


@pytest.mark.parametrize(
    "how", ["warm_start", "partial_fit", "refit", "dense", "few_terms"]
)
def test_interrupted_later_fit_keeps_the_previous_one(tfidf_data, how):
    X, y = tfidf_data
    if how == "dense":  # Keras' own Adam updates every weight, in place
        X, how = X[:, :40].toarray(), "partial_fit"
    batch = slice(None)
    if how == "few_terms":  # the first layer is kept by the rows these terms touch
        X = sp.hstack([X, sp.csr_matrix((X.shape[0], 100))], format="csr")
        batch, how = slice(0, 48), "partial_fit"
        assert len(np.unique(X[batch].indices)) < X.shape[1] // 2
    model = MLPClassifier(**dict(TINY, batch_size=16), warm_start=how == "warm_start")
    model.fit(X, y)
    before = model.predict_proba(X)
    history = {k: list(v) for k, v in model.history_.items()}
    weights = [w.copy() for w in model.model_.get_weights()]
    model.set_params(callbacks=[_Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        if how == "partial_fit":
            model.partial_fit(X[batch], y[batch])
        else:
            model.fit(X, y)
    model.set_params(callbacks=None)
    np.testing.assert_array_equal(model.predict_proba(X), before)
    assert {k: list(v) for k, v in model.history_.items()} == history
    assert model.n_iter_ == TINY["epochs"]
    for old, new in zip(weights, model.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    # The optimizer state came back too: continuing gives what it would have.
    twin = MLPClassifier(**dict(TINY, batch_size=16), warm_start=True).fit(X, y)
    model.set_params(warm_start=True).fit(X, y)
    twin.fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), twin.predict_proba(X), atol=1e-5)


# ------------------------------------------------------------------ long searches
MANY_FITS = """
import gc, resource, sys
import numpy as np, scipy.sparse as sp
import skbig

def rss_mb():
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * resource.getpagesize() / 2**20

X = sp.random(128, 20000, density=0.001, format="csr", random_state=0, dtype=np.float32)
y = np.tile([0, 1], 64)
model = skbig.MLPClassifier(hidden_layer_sizes=(64,), epochs=1, batch_size=128)
kept = []
for _ in range(2):  # warm up: tracing caches, allocator pools
    model.fit(X, y)
gc.collect()
start = rss_mb()
for _ in range(12):
    model.fit(X, y)
    if sys.argv[1] == "keep":
        kept.append(model.model_)
    gc.collect()
print(rss_mb() - start)
"""


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_memory_stays_flat_over_many_fits():
    # In a fresh process, as a grid search's worker. Each network holds 15 MB (a
    # 20,000 x 64 kernel and Adam's two moments): keeping the old ones alive, as
    # the "keep" run does on purpose, grows RSS by about 260 MB over 12 fits.
    def growth(mode):
        out = subprocess.run(
            [sys.executable, "-c", MANY_FITS, mode],
            capture_output=True, text=True, timeout=600, check=True,
        ).stdout  # fmt: skip
        return float(out.split()[-1])

    released, kept = growth("release"), growth("keep")
    assert kept > 150, "the check cannot see a leak of whole networks"
    # Measured: about 0 MB; benchmarks/memory.py: R8, 50 fits, +133 MB (+11 to
    # +51 MB after the first ten, run to run). The bound is generous.
    assert released < 60, f"resident memory grew by {released:.0f} MB over 12 fits"


# ------------------------------------------------------------------ threads
def test_concurrent_predict_from_many_threads(fitted_pipeline, corpus):
    texts = list(corpus[0])
    # Each thread's slice, predicted alone first: the same batch shapes as in the
    # threads, since a row's last float32 bit can depend on its batch's shape and
    # its place in it (tests/test_common.py, _FLOAT32_BATCHES).
    expected = [fitted_pipeline.predict_proba(texts[i::8]) for i in range(8)]
    barrier = threading.Barrier(8)

    def work(i):
        barrier.wait()  # all threads call predict at the same moment
        return [fitted_pipeline.predict_proba(texts[i::8]) for _ in range(3)]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    for i, repeats in enumerate(results):
        for proba in repeats:
            np.testing.assert_array_equal(proba, expected[i])


PREDICT_SAVED = """
import sys, numpy as np, skbig
np.save(sys.argv[2], skbig.load(sys.argv[1]).predict_proba(sys.argv[3:]))
"""


@pytest.mark.slow
def test_same_file_predicts_the_same_with_other_thread_counts(
    fitted_pipeline, corpus, tmp_path
):
    # Another machine may split the matrix products differently: predictions
    # agree to float32 rounding, and the predicted classes agree exactly.
    path = tmp_path / "m.skbig"
    skbig.save(fitted_pipeline, path)
    texts = list(corpus[0][:50])
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = tmp_path / "p.npy"
    subprocess.run(
        [sys.executable, "-c", PREDICT_SAVED, str(path), str(out), *texts],
        env=env, check=True, timeout=300,
    )  # fmt: skip
    other = np.load(out)
    here = fitted_pipeline.predict_proba(texts)
    np.testing.assert_allclose(other, here, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(other.argmax(axis=1), here.argmax(axis=1))


# ------------------------------------------------------------------ Dask
@pytest.mark.slow
def test_grid_search_on_a_dask_cluster_matches_n_jobs_1(corpus):
    distributed = pytest.importorskip("dask.distributed")
    from joblib import parallel_backend

    texts, labels = corpus
    grid = {"mlp__hidden_layer_sizes": [(2,), (16,)]}

    def search(n_jobs):
        return GridSearchCV(
            make_text_classifier(**dict(FAST, mlp__epochs=4)), grid, cv=2, n_jobs=n_jobs
        )

    local = search(1).fit(texts, labels)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_backend("dask"),
    ):
        remote = search(-1).fit(texts, labels)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def test_interrupted_pipeline_refit_restores_the_vectorizer(fitted_pipeline, corpus):
    # The vectorizer is refitted before the network's training is interrupted;
    # the whole pipeline must be as it was, not a new vocabulary before the old
    # network ("X has 10 features, but MLPClassifier is expecting 8").
    from sklearn.base import clone

    texts, labels = corpus
    pipeline = clone(fitted_pipeline).fit(texts, labels)
    before = pipeline.predict_proba(texts[:20])
    vocabulary = dict(pipeline[0].vocabulary_)
    other = ["brand new words only " + t.split()[0] for t in texts[:60]]
    pipeline.set_params(mlp__callbacks=[_Interrupt(at_batch=0)])
    with pytest.raises(KeyboardInterrupt):
        pipeline.fit(other, labels[:60])
    pipeline.set_params(mlp__callbacks=None)
    assert pipeline[0].vocabulary_ == vocabulary
    np.testing.assert_array_equal(pipeline.predict_proba(texts[:20]), before)


# ------------------------------------------------------- issue #15: more edges
def test_predict_changes_no_process_wide_state(fitted_pipeline, corpus):
    import logging
    import warnings

    logger = logging.getLogger("tensorflow")
    logger.setLevel(logging.INFO)
    filters = list(warnings.filters)
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: fitted_pipeline.predict(corpus[0][:50]), range(16)))
        assert logger.level == logging.INFO
        assert warnings.filters == filters
    finally:
        logger.setLevel(logging.NOTSET)


def test_parameters_are_validated_on_every_fit(tfidf_data):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = tfidf_data
    model = MLPClassifier(**TINY).fit(X, y)
    model.set_params(warm_start=True, dropout=7.0)
    with pytest.raises(InvalidParameterError, match="dropout"):
        model.fit(X, y)
    model.set_params(dropout=0.0, tol=-1)
    with pytest.raises(InvalidParameterError, match="tol"):
        model.partial_fit(X, y)


def test_unknown_constructor_parameters_are_refused_with_a_hint(tfidf_data):
    X, y = tfidf_data
    with pytest.raises(
        TypeError, match=r"max_iter \(scikit-learn's MLP name; skbig: epochs\)"
    ):
        MLPClassifier(max_iter=200, solver="sgd", foo_bar=1).fit(X, y)
    with pytest.raises(TypeError, match="foo_bar"):
        MLPRegressor(foo_bar=1).fit(X, np.arange(X.shape[0], dtype=float))
    # Routed parameters keep working.
    MLPClassifier(**TINY, optimizer="adam", optimizer__beta_1=0.8).fit(X, y)
    # Names Keras does not know are named with their parameter (Keras said
    # "Could not interpret activation function identifier: nope").
    for param, message in (
        ("activation", "activation='nope' is not a Keras activation"),
        ("optimizer", "optimizer='nope' is not an optimizer name"),
    ):
        model = MLPClassifier(**TINY, **{param: "nope"})
        with pytest.raises(ValueError, match=message):
            model.fit(X, y)
        assert not hasattr(model, "model_")


def test_bytes_as_x_and_negative_weights_are_refused(tfidf_data):
    with pytest.raises(ValueError, match="bytes object received"):
        make_text_classifier(**TINY_PIPE).fit(b"aa bb cc", [0])
    X, y = tfidf_data
    weights = np.ones(X.shape[0])
    weights[0] = -1
    with pytest.raises(ValueError, match="Negative values"):
        MLPClassifier(**TINY).fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_huge_features_train_or_raise_never_predict_nan(estimator):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int) if estimator is MLPClassifier else X[:, 0]
    # Dense features are standardised inside: a scale of 1e30 trains as 1 does.
    model = estimator(**TINY).fit(X * 1e30, y)
    assert np.isfinite(model.predict(X * 1e30)).all()
    # Sparse ones are not (centring would densify them); a loss that leaves the
    # floats stops the fit with the reason, instead of a network predicting NaN.
    with pytest.raises(ValueError, match=r"loss became inf in epoch 1.*scale"):
        MLPRegressor(**TINY).fit(sp.csr_matrix(X * 1e34), X[:, 0])
