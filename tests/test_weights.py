"""nb_weights: naive-Bayes column weights for sparse input, learned without the
held-out rows, applied wherever the network reads its input."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import FAST, make_corpus
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

import skbig
from skbig import MLPClassifier, _weights, make_text_classifier
from skbig._network import batches
from skbig._weights import nb_weights, weighted

TINY = dict(hidden_layer_sizes=(8,), batch_size=64, learning_rate_init=0.02)


def _brute_force(X, members):
    """The documented rule, one term and one class at a time."""
    present = (X.toarray() != 0).astype(float)
    ratio = np.zeros(X.shape[1])
    for inside in members:
        mine = present[inside].sum(axis=0) + 1.0
        rest = present[~inside].sum(axis=0) + 1.0
        for j in range(X.shape[1]):
            log_ratio = np.log(mine[j] / mine.sum()) - np.log(rest[j] / rest.sum())
            ratio[j] = max(ratio[j], abs(log_ratio))
    return np.maximum(ratio / np.sqrt(np.mean(ratio**2)), 1e-3)


@pytest.fixture(scope="module")
def sparse_data():
    rng = np.random.RandomState(0)
    X = sp.random(90, 25, density=0.2, format="csr", random_state=rng)
    X.data *= 3
    codes = rng.randint(0, 3, size=90)
    return X.astype(np.float32), codes


def test_weights_follow_the_log_count_ratio(sparse_data):
    X, codes = sparse_data
    members = [codes == c for c in range(3)]
    got = nb_weights(X, codes.reshape(-1, 1).astype(float), "multiclass")
    np.testing.assert_allclose(got, _brute_force(X, members), rtol=1e-5)
    indicator = np.stack([codes == 0, codes != 1], axis=1).astype(float)
    got = nb_weights(X, indicator, "multilabel-indicator")
    members = [codes == 0, codes != 1]
    np.testing.assert_allclose(got, _brute_force(X, members), rtol=1e-5)


def test_counted_part_by_part_the_weights_are_those_of_all_the_rows(sparse_data):
    X, codes = sparse_data
    codes = np.where(codes == 1, 3, codes)  # code 1 in no row: no class
    y = codes.reshape(-1, 1).astype(float)
    counts = _weights.ColumnCounts("multiclass")
    # Parts that hold some of the classes each, the largest code last.
    for part in [codes != 3, codes == 3]:
        counts.add(X[part], y[part])
    assert counts.n_rows == X.shape[0]
    np.testing.assert_allclose(counts.weights(), nb_weights(X, y, "multiclass"),
                               rtol=1e-6)  # fmt: skip
    members = [codes == c for c in (0, 2, 3)]
    np.testing.assert_allclose(counts.weights(), _brute_force(X, members), rtol=1e-5)
    indicator = np.stack([codes == 0, codes != 2, codes < 0], axis=1).astype(float)
    counts = _weights.ColumnCounts("multilabel-indicator")
    for start in range(0, X.shape[0], 40):
        counts.add(X[start : start + 40], indicator[start : start + 40])
    expected = nb_weights(X, indicator, "multilabel-indicator")
    np.testing.assert_allclose(counts.weights(), expected, rtol=1e-6)


def test_merged_counts_are_the_counts_of_both_and_leave_the_merged_alone(
    sparse_data,
):
    X, codes = sparse_data
    y = codes.reshape(-1, 1).astype(float)
    first, second = codes != 2, codes == 2  # the second part: the largest class
    counted = _weights.ColumnCounts("multiclass").add(X[first], y[first])
    before = counted.weights()
    merged = (
        _weights.ColumnCounts("multiclass").merge(counted).add(X[second], y[second])
    )
    assert merged.n_rows == X.shape[0] and counted.n_rows == first.sum()
    np.testing.assert_array_equal(merged.weights(), nb_weights(X, y, "multiclass"))
    np.testing.assert_array_equal(counted.weights(), before)  # merge copied them


def test_a_term_the_classes_share_evenly_weighs_least():
    rows = [[1, 1, 0], [1, 0, 1]] * 10 + [[0, 1, 0], [0, 0, 1]]
    X = sp.csr_matrix(np.array(rows, dtype=np.float32))
    weights = nb_weights(X, np.array([[0.0], [1.0]] * 11), "binary")
    assert weights[0] == pytest.approx(1e-3)  # in 10 documents of each class
    assert weights[1] == pytest.approx(weights[2])
    assert weights[1] > 1


def test_a_column_non_zero_in_every_row_is_a_number_not_a_term(sparse_data):
    X, codes = sparse_data
    rng = np.random.RandomState(1)
    numbers = rng.normal(size=(X.shape[0], 2)).astype(np.float32)
    numbers[:, 1] = np.abs(numbers[:, 1]) + 0.5  # positive, still in every row
    both = sp.hstack([X, sp.csr_matrix(numbers)]).tocsr()
    weights = nb_weights(both, codes.reshape(-1, 1).astype(float), "multiclass")
    np.testing.assert_array_equal(weights[-2:], [1.0, 1.0])
    # the terms are weighed among themselves, exactly as without the numbers
    members = [codes == c for c in range(3)]
    np.testing.assert_allclose(weights[:-2], _brute_force(X, members), rtol=1e-5)


def test_numbers_beside_the_text_still_count():
    # A ColumnTransformer's usual output: TF-IDF and standardised numbers in one
    # sparse matrix. Here only the number tells the classes apart; as a term its
    # presence (every row) would have weighed 1e-3 and the fit would be chance.
    rng = np.random.RandomState(0)
    texts, _ = make_corpus(n_docs=400, seed=3)
    number = rng.normal(size=(400, 1)).astype(np.float32)
    labels = np.where(number[:, 0] > 0, "high", "low")
    tfidf = TfidfVectorizer(dtype=np.float32).fit_transform(texts)
    X = sp.hstack([tfidf, sp.csr_matrix(number)]).tocsr()
    clf = MLPClassifier(epochs=30, random_state=0, **TINY).fit(X[:300], labels[:300])
    assert clf.feature_weights_[-1] == 1.0
    assert clf.score(X[300:], labels[300:]) > 0.9


def test_weighting_keeps_each_rows_norm_sparse_or_dense(sparse_data):
    X, _ = sparse_data
    X = sp.vstack([X, sp.csr_matrix((1, X.shape[1]), dtype=np.float32)]).tocsr()
    weights = np.linspace(0.1, 3, X.shape[1]).astype(np.float32)
    out = weighted(X, weights)
    assert sp.issparse(out) and out is not X
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    got = np.sqrt(np.asarray(out.multiply(out).sum(axis=1))).ravel()
    np.testing.assert_allclose(got, norms, rtol=1e-5)
    direction = X.toarray() * weights
    direction *= (norms / np.maximum(np.linalg.norm(direction, axis=1), 1e-30))[:, None]
    np.testing.assert_allclose(out.toarray(), direction, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(weighted(X.toarray(), weights), out.toarray(), 1e-6)
    assert weighted(X, None) is X


def test_the_stopping_run_learns_weights_without_its_held_out_rows(monkeypatch):
    texts, labels = make_corpus(n_docs=200, seed=1)
    seen = []

    def spy(X, y, kind):
        seen.append(X.shape[0])
        return nb_weights(X, y, kind)

    monkeypatch.setattr(_weights, "nb_weights", spy)
    params = dict(FAST, mlp__early_stopping=True, mlp__epochs=6)
    pipe = make_text_classifier(**params).fit(texts, labels)
    clf = pipe[-1]
    n_held_out = clf.training_plan_["n_validation"]
    assert n_held_out > 0
    # the stopping run's rows, then (the refit) all of them
    assert seen == [200 - n_held_out, 200]
    X = pipe[0].transform(texts)
    codes = clf.target_encoder_.transform(labels)
    expected = nb_weights(X, codes, "multiclass")
    np.testing.assert_array_equal(clf.feature_weights_, expected)
    seen.clear()
    make_text_classifier(**params, mlp__refit=False).fit(texts, labels)
    assert seen == [200 - n_held_out]


def test_predictions_read_the_weighted_columns(fitted_pipeline, corpus):
    clf = fitted_pipeline[-1]
    assert clf.nb_weights and clf.feature_weights_.shape == (clf.n_features_in_,)
    X = fitted_pipeline[0].transform(corpus[0][:20])
    raw = batches.predict(clf.model_, weighted(X, clf.feature_weights_), batch_size=64)
    np.testing.assert_allclose(clf.predict_proba(X), raw, rtol=1e-5, atol=1e-6)
    # the same network on the unweighted columns says something else
    other = batches.predict(clf.model_, X, batch_size=64)
    assert np.abs(other - raw).max() > 1e-3


def test_nb_weights_false_dense_input_partial_fit_and_private_fits_learn_none(
    sparse_data,
):
    X, codes = sparse_data
    off = MLPClassifier(nb_weights=False, epochs=2, random_state=0, **TINY)
    assert off.fit(X, codes).feature_weights_ is None
    dense = MLPClassifier(epochs=2, random_state=0, **TINY).fit(X.toarray(), codes)
    assert dense.feature_weights_ is None
    partial = MLPClassifier(random_state=0, **TINY).partial_fit(X, codes, [0, 1, 2])
    assert partial.feature_weights_ is None
    pytest.importorskip("dp_accounting")
    clf = MLPClassifier(epochs=2, random_state=0, **TINY).fit(X, codes)
    assert clf.feature_weights_ is not None
    clf.set_params(dp_epsilon=8.0, class_weight=None).fit(X, codes)  # learns none
    assert clf.feature_weights_ is None


def test_a_warm_start_keeps_the_weights_its_network_learned_with(sparse_data):
    X, codes = sparse_data
    clf = MLPClassifier(warm_start=True, epochs=2, random_state=0, **TINY)
    first = clf.fit(X, codes).feature_weights_.copy()
    clf.fit(X[:45], codes[::-1][:45])
    np.testing.assert_array_equal(clf.feature_weights_, first)


@pytest.mark.parametrize("norm", ["l2", None])
def test_exports_compute_the_weighted_columns(norm, tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    texts, labels = make_corpus(n_docs=150, seed=2)
    pipe = make_pipeline(
        TfidfVectorizer(norm=norm, sublinear_tf=True),
        MLPClassifier(epochs=6, random_state=0, **TINY),
    ).fit(texts, labels)
    assert pipe[-1].feature_weights_ is not None
    path = tmp_path / "model.onnx"
    skbig.export(pipe, path)
    session = onnxruntime.InferenceSession(str(path))
    probe = [*texts[:20], "", "match recipe", "unknown words only"]
    label, proba = session.run(None, {"text": np.asarray(probe, dtype=object)})
    assert list(label) == list(pipe.predict(probe))
    np.testing.assert_allclose(proba, pipe.predict_proba(probe), atol=1e-5)
    # a bare network on sparse input: the weights are nodes of the numeric graph
    X = pipe[0].transform(probe)
    skbig.export(pipe[-1], tmp_path / "bare.onnx")
    bare = onnxruntime.InferenceSession(str(tmp_path / "bare.onnx"))
    _, proba = bare.run(None, {"X": X.toarray().astype(np.float32)})
    np.testing.assert_allclose(proba, pipe[-1].predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("norm", ["l2", None])
def test_savedmodels_compute_the_weighted_columns(norm, tmp_path):
    import tensorflow as tf

    texts, labels = make_corpus(n_docs=150, seed=2)
    pipe = make_pipeline(
        TfidfVectorizer(norm=norm, sublinear_tf=True),
        MLPClassifier(epochs=6, random_state=0, **TINY),
    ).fit(texts, labels)
    probe = [*texts[:20], "", "match recipe", "unknown words only"]
    skbig.export(pipe, tmp_path / "text", format="savedmodel")
    serve = tf.saved_model.load(str(tmp_path / "text")).signatures["serving_default"]
    out = serve(text=tf.constant(probe, tf.string))
    assert [x.decode() for x in out["label"].numpy()] == list(pipe.predict(probe))
    np.testing.assert_allclose(
        out["probabilities"].numpy(), pipe.predict_proba(probe), atol=1e-5
    )
    X = pipe[0].transform(probe).toarray().astype(np.float32)
    skbig.export(pipe[-1], tmp_path / "bare", format="savedmodel")
    serve = tf.saved_model.load(str(tmp_path / "bare")).signatures["serving_default"]
    proba = serve(X=tf.constant(X))["probabilities"].numpy()
    np.testing.assert_allclose(proba, pipe[-1].predict_proba(X), atol=1e-5)


def test_a_weighted_network_warm_started_on_a_stream_keeps_its_weights(tmp_path):
    texts, labels = make_corpus(n_docs=60, seed=4)
    pipe = make_text_classifier(**FAST).fit(texts, labels)
    kept = pipe[-1].feature_weights_.copy()
    before = pipe.predict_proba(texts)
    pipe.set_params(mlp__warm_start=True, mlp__epochs=1)

    def chunks():
        yield texts, labels

    skbig.fit_stream(pipe, chunks, cache_dir=tmp_path)
    np.testing.assert_array_equal(pipe[-1].feature_weights_, kept)
    assert np.abs(pipe.predict_proba(texts) - before).max() > 0  # it trained on
