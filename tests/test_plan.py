"""The "auto" training rule (``skbig._plan``) and what it gives a user.

Each test pins one part of the rule: the batch, the patience and the ceiling
resolved from the data's size, the held-out split and the refit on all the data,
standardised dense input and targets, and the ConvergenceWarning.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler, normalize
from sklearn.utils.fixes import parse_version

from skbig import MLPClassifier, MLPRegressor
from skbig._network.streamed import StreamedRows
from skbig._plan import (
    ALPHA_SAMPLES,
    AUTO_BATCH,
    DENSE_PATIENCE_STEPS,
    MAX_STEPS,
    MIN_BATCH,
    MIN_EPOCHS,
    MIN_PATIENCE,
    NEAR_COPY,
    PATIENCE_STEPS,
    hold_out,
    new_rows,
    novel_rows,
    resolved_alpha,
    training_plan,
)


@pytest.mark.parametrize(
    "n_samples, batch, epochs, patience",
    [
        # 20 Newsgroups' size: 10,182 train in full batches, 80 steps an epoch.
        (11_314, AUTO_BATCH, -(-MAX_STEPS // 80), MIN_PATIENCE),
        # Past 250,000 samples the floor of MIN_EPOCHS holds.
        (300_000, AUTO_BATCH, MIN_EPOCHS, MIN_PATIENCE),
        # 1,000 documents: 900 train, batches of 90, 10 steps an epoch.
        (1_000, 90, MAX_STEPS // 10, PATIENCE_STEPS // 10),
        # 100 rows: the smallest batch, 6 steps an epoch.
        (100, MIN_BATCH, -(-MAX_STEPS // 6), -(-PATIENCE_STEPS // 6)),
    ],
)
def test_auto_counts_update_steps_not_epochs(n_samples, batch, epochs, patience):
    plan = training_plan(MLPClassifier(), n_samples)
    assert plan.early_stopping and plan.refit
    assert plan.n_validation == -(-n_samples // 10)
    assert (plan.batch_size, plan.epochs, plan.patience) == (batch, epochs, patience)


def test_explicit_values_are_kept():
    clf = MLPClassifier(
        batch_size=32, epochs=7, n_iter_no_change=3, early_stopping=False, refit=True
    )
    plan = training_plan(clf, 5_000)
    assert (plan.batch_size, plan.epochs, plan.patience) == (32, 7, 3)
    assert not plan.early_stopping and not plan.refit and plan.n_validation == 0


@pytest.mark.parametrize("sparse", [False, True])
def test_a_fit_on_dense_input_waits_longer(sparse):
    # 200 rows: 180 train in batches of 18, 10 steps an epoch.
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    X = sp.csr_matrix(X) if sparse else X
    steps = PATIENCE_STEPS if sparse else DENSE_PATIENCE_STEPS
    reg = MLPRegressor(hidden_layer_sizes=(4,), epochs=2, random_state=0)
    reg.fit(X, y.astype(float))
    assert reg.training_plan_["patience"] == steps // 10
    # densify_tables=False: every sparse row holds 5 non-zeros, as a table's would
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0)
    clf.set_params(densify_tables=False).fit(X, y)
    assert clf.training_plan_["patience"] == steps // 10


def test_the_longer_patience_stays_out_of_private_fits_and_given_values():
    reg = MLPRegressor()
    reg._sparse_input = False  # as fit records it for a dense table
    assert training_plan(reg, 1_000).patience == DENSE_PATIENCE_STEPS // 10
    private = MLPRegressor(dp_epsilon=1.0)
    private._sparse_input = False
    assert training_plan(private, 1_000).patience == PATIENCE_STEPS // 10
    given = MLPRegressor(n_iter_no_change=3)
    given._sparse_input = False
    assert training_plan(given, 1_000).patience == 3


def test_a_streamed_fit_holds_out_at_most_what_it_kept():
    plan = training_plan(MLPClassifier(), 1_100_000, max_validation=10_000)
    assert plan.n_validation == 10_000
    # Steps are counted on what is left to train on.
    assert plan.epochs == MIN_EPOCHS and plan.batch_size == AUTO_BATCH
    assert training_plan(MLPClassifier(), 500, max_validation=10_000).n_validation == 50


def test_partial_fit_and_tiny_data_hold_nothing_out():
    assert not training_plan(MLPClassifier(), 5_000, partial=True).early_stopping
    assert not training_plan(MLPClassifier(), 10).early_stopping
    explicit = MLPClassifier(early_stopping=True, validation_fraction=0.5)
    with pytest.raises(ValueError, match=r"0\.5 leaves no data to train on with 1"):
        training_plan(explicit, 1)


@pytest.fixture(scope="module")
def default_fit():
    # Classes that separate and some flipped labels: the held-out loss levels off
    # within 60 epochs, so the rule stops (and the suite moves on) in seconds.
    X, y = make_classification(
        n_samples=400,
        n_features=10,
        n_informative=6,
        n_classes=3,
        class_sep=1.5,
        flip_y=0.05,
        random_state=0,
    )
    clf = MLPClassifier(hidden_layer_sizes=(32,), random_state=0).fit(X, y)
    return clf, X, y


def test_default_fit_stops_on_held_out_data_then_refits(default_fit):
    clf, X, y = default_fit
    plan = clf.training_plan_
    assert plan["early_stopping"] and plan["refit"]
    # Stopped by the rule, not by the ceiling. (A better epoch need not restart
    # the patience: a held-out loss lower by under 1 % is better, but not progress.)
    loss = clf.history_["loss"]
    assert plan["patience"] <= len(loss) < plan["epochs"]
    assert clf.best_epoch_ <= len(loss)
    # The kept network is the refit one: best_epoch_ epochs on all the data.
    assert clf.n_iter_ == clf.best_epoch_ == len(clf.history_["refit_loss"])
    assert clf.loss_curve_ == clf.history_["refit_loss"]
    assert len(clf.validation_scores_) == len(clf.history_["loss"])
    best = int(np.argmin(clf.history_["val_loss"]))
    assert clf.best_epoch_ == best + 1
    assert clf.best_validation_score_ == clf.validation_scores_[best]
    assert clf.score(X, y) > 0.8


def test_default_fit_is_deterministic_and_stops_without_a_warning(default_fit):
    clf, X, y = default_fit
    with warnings.catch_warnings():
        # The rule stopped it, not the ceiling: nothing to warn about.
        warnings.simplefilter("error", ConvergenceWarning)
        again = MLPClassifier(hidden_layer_sizes=(32,), random_state=0).fit(X, y)
    assert again.best_epoch_ == clf.best_epoch_
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X), atol=1e-6)


def test_refit_false_keeps_the_best_held_out_network(default_fit):
    _, X, y = default_fit
    clf = MLPClassifier(
        hidden_layer_sizes=(32,), refit=False, n_iter_no_change=10, random_state=0
    )
    clf.fit(X, y)
    assert "refit_loss" not in clf.history_
    # Trained until the patience ran out; kept the best epoch's network (which can
    # be the last: a loss lower by under 1 % is better without restarting patience).
    assert clf.n_iter_ == len(clf.history_["loss"]) >= clf.best_epoch_
    best = clf.best_epoch_ - 1
    assert clf.history_["val_loss"][best] == min(clf.history_["val_loss"])
    assert clf.best_validation_score_ == clf.validation_scores_[best]


def _kernels(clf):
    return [layer.kernel for layer in clf.model_.layers if hasattr(layer, "kernel")]


def test_auto_alpha_puts_a_prior_on_a_dense_network(default_fit):
    clf, X, y = default_fit
    assert clf.alpha_ == pytest.approx(ALPHA_SAMPLES / len(X))
    for kernel in _kernels(clf):
        layer = kernel.path.split("/")[0]
        config = clf.model_.get_layer(layer).kernel_regularizer.get_config()
        assert config["l2"] == pytest.approx(clf.alpha_ / 2)
    # The penalty does what it is for: smaller weights than the same epochs without.
    fits = [
        MLPClassifier(
            hidden_layer_sizes=(32,),
            alpha=alpha,
            early_stopping=False,
            epochs=30,
            random_state=0,
        ).fit(X, y)
        for alpha in ("auto", 0.0)
    ]
    assert fits[1].alpha_ == 0.0
    assert fits[1].model_.get_layer("hidden_0").kernel_regularizer is None
    norm = [sum(float(np.sum(np.square(k))) for k in _kernels(m)) for m in fits]
    assert norm[0] < norm[1]


def test_auto_alpha_leaves_text_streams_and_private_fits_alone(fitted_pipeline):
    mlp = fitted_pipeline[-1]
    assert mlp.alpha_ == 0.0
    assert mlp.model_.get_layer("hidden_0").kernel_regularizer is None
    auto = MLPClassifier()
    assert resolved_alpha(auto, 100, sparse=False, partial=True) == 0.0
    assert resolved_alpha(auto, 100, sparse=False, partial=False) == ALPHA_SAMPLES / 100
    private = MLPClassifier(dp_epsilon=1.0)
    assert resolved_alpha(private, 100, sparse=False, partial=False) == 0.0
    # A number is the user's, on any input.
    given = MLPClassifier(alpha=0.5)
    assert resolved_alpha(given, 10, sparse=True, partial=True) == 0.5
    X, y = make_classification(n_samples=60, random_state=0)
    streamed = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    assert streamed.partial_fit(X, y, classes=[0, 1]).alpha_ == 0.0


def test_unscaled_dense_features_are_standardised_inside():
    # Breast cancer: columns from 0.001 to 4,000. Unscaled, the old defaults
    # scored below always predicting the majority class.
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    # A short patience: this is about the features' scale, not how long to train.
    clf = MLPClassifier(hidden_layer_sizes=(64,), n_iter_no_change=10, random_state=0)
    clf.fit(X_train, y_train)
    assert isinstance(clf.feature_encoder_, StandardScaler)
    np.testing.assert_allclose(clf.feature_encoder_.mean_, X_train.mean(axis=0))
    assert clf.score(X_test, y_test) > 0.93


def test_sparse_features_are_left_alone(fitted_pipeline):
    assert not isinstance(fitted_pipeline[-1].feature_encoder_, StandardScaler)


def test_regression_targets_are_standardised_and_mapped_back():
    X, y = load_diabetes(return_X_y=True)  # targets from 25 to 346
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    # A short patience: this test is about the targets' scale, not how long to train.
    reg = MLPRegressor(hidden_layer_sizes=(64,), n_iter_no_change=10, random_state=0)
    reg.fit(X_train, y_train)
    assert reg.target_encoder_.mean_[0] == pytest.approx(y_train.mean())
    assert reg.score(X_test, y_test) > 0.3
    assert abs(reg.predict(X_test).mean() - y_test.mean()) < 20


def test_convergence_warning_when_the_ceiling_stops_training():
    X, y = make_classification(n_samples=200, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=1, early_stopping=False)
    with pytest.warns(ConvergenceWarning, match="epochs=1 while still improving") as w:
        clf.fit(X, y)
    assert w[0].filename == __file__  # points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.partial_fit(X, y)  # one epoch by definition: never a warning


def test_multilabel_default_predicts_with_its_held_out_thresholds():
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=300, n_classes=5, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(32,), n_iter_no_change=10, random_state=0)
    assert clf.fit(X, Y).thresholds_.shape == (5,)
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict(X), proba >= clf.thresholds_)
    fixed = MLPClassifier(hidden_layer_sizes=(32,), early_stopping=False, epochs=5)
    assert getattr(fixed.fit(X, Y), "thresholds_", None) is None


# scikit-learn 1.7, skbig's floor, has no temperature scaling (its constructor
# takes any method; fit refuses it).
TEMPERATURE = pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.8"),
    reason="CalibratedClassifierCV(method='temperature') needs scikit-learn 1.8",
)


@pytest.mark.slow
@TEMPERATURE
def test_temperature_scaling_wraps_the_text_pipeline(corpus):
    from sklearn.calibration import CalibratedClassifierCV

    from skbig import make_text_classifier

    texts, labels = corpus
    pipeline = make_text_classifier(
        tfidf__min_df=1, mlp__hidden_layer_sizes=(16,), mlp__random_state=0
    )
    calibrated = CalibratedClassifierCV(pipeline, method="temperature", cv=3)
    calibrated.fit(texts, labels)
    proba = calibrated.predict_proba(texts[:20])
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert list(calibrated.classes_) == sorted(set(labels))
    assert calibrated.score(texts, labels) > 0.9


@pytest.mark.slow
@TEMPERATURE
def test_a_fitted_pipeline_calibrates_on_other_data_without_refitting(corpus):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    from skbig import make_text_classifier

    texts, labels = corpus
    half = len(texts) // 2
    pipeline = make_text_classifier(
        tfidf__min_df=1, mlp__hidden_layer_sizes=(16,), mlp__random_state=0
    ).fit(texts[:half], labels[:half])
    network = pipeline[-1].model_
    calibrated = CalibratedClassifierCV(FrozenEstimator(pipeline), method="temperature")
    calibrated.fit(texts[half:], labels[half:])
    assert pipeline[-1].model_ is network  # frozen: not fitted again
    # One temperature moves no prediction, only how sure the probabilities are.
    np.testing.assert_array_equal(calibrated.predict(texts), pipeline.predict(texts))
    # The calibrated probabilities are the pipeline's at the fitted temperature.
    beta = calibrated.calibrated_classifiers_[0].calibrators[0].beta_
    logits = beta * np.log(np.clip(pipeline.predict_proba(texts), 1e-300, 1))
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(calibrated.predict_proba(texts), expected, atol=1e-4)
    assert np.isfinite(beta) and beta > 0


def test_temperature_is_fitted_on_held_out_data_and_keeps_predictions(default_fit):
    from skbig._calibration import tempered

    clf, X, y = default_fit
    assert 0.05 <= clf.temperature_ <= 20
    raw = clf.model_.predict_on_batch(clf.feature_encoder_.transform(X))
    raw = np.asarray(raw, dtype=np.float64)
    np.testing.assert_allclose(
        clf.predict_proba(X), tempered(raw, clf.temperature_), atol=1e-5
    )
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[raw.argmax(axis=1)])
    off = MLPClassifier(
        hidden_layer_sizes=(32,), temperature=None, n_iter_no_change=2, random_state=0
    )
    assert off.fit(X, y).temperature_ is None


def test_log_probabilities_are_those_of_the_tempered_probabilities(default_fit):
    clf, X, _ = default_fit
    log_proba = clf.predict_log_proba(X)
    np.testing.assert_allclose(np.exp(log_proba), clf.predict_proba(X), rtol=1e-12)
    np.testing.assert_array_equal(
        clf.classes_[log_proba.argmax(axis=1)], clf.predict(X)
    )


def test_a_refit_without_held_out_data_drops_the_old_temperature(default_fit):
    clf, X, y = default_fit
    again = pickle.loads(pickle.dumps(clf))
    assert again.temperature_ is not None
    again.set_params(early_stopping=False, epochs=2).fit(X, y)
    assert again.temperature_ is None and again.thresholds_ is None
    raw = again.model_.predict_on_batch(again.feature_encoder_.transform(X))
    np.testing.assert_allclose(again.predict_proba(X), raw, atol=1e-5)


def test_hold_out_keeps_the_held_out_rows_weights():
    X = np.arange(40.0).reshape(20, 2)
    y = np.repeat([0, 1], 10)
    weight = np.arange(20.0)
    X_tr, y_tr, w_tr, (X_val, y_val, w_val) = hold_out(X, y, weight, 4, 0, y)
    # Row i of X starts with 2 * i, whose weight is i: each row keeps its own.
    np.testing.assert_array_equal(w_tr, X_tr[:, 0] / 2)
    np.testing.assert_array_equal(w_val, X_val[:, 0] / 2)
    np.testing.assert_array_equal(y_tr, w_tr >= 10)
    np.testing.assert_array_equal(y_val, w_val >= 10)
    assert len(w_val) == 4 and sorted(np.r_[w_tr, w_val]) == list(weight)
    assert hold_out(X, y, None, 4, 0, y)[3][2] is None


def test_new_rows_tells_copies_of_training_rows_in_any_entry_order():
    train = sp.csr_matrix(np.array([[0, 1.0, 2.0], [3.0, 0, 0]]))
    # The first row again with its entries out of order and an explicit zero.
    copy = sp.csr_matrix(
        (np.array([2.0, 1.0, 0.0]), np.array([2, 1, 0]), np.array([0, 3])), (1, 3)
    )
    unseen = sp.csr_matrix(np.array([[0, 1.0, 2.5]]))
    held_out = sp.vstack([copy, unseen, train[1]]).tocsr()
    np.testing.assert_array_equal(new_rows(train, held_out), [False, True, False])


def _twins(n_pairs, n_single, seed=0, scale=1):
    """Sparse rows: ``n_pairs`` documents twice each (the second time times
    ``scale``), then ``n_single`` once."""
    rng = np.random.RandomState(seed)
    pairs = sp.random(n_pairs, 40, density=0.2, format="csr", random_state=rng)
    single = sp.random(n_single, 40, density=0.2, format="csr", random_state=rng)
    return sp.vstack([pairs, scale * pairs, single]).tocsr()


def test_held_out_documents_never_repeat_one_trained_on():
    X = _twins(300, 400)
    y = np.arange(X.shape[0]) % 2
    X_tr, y_tr, _, (X_val, y_val, _) = hold_out(X, y, None, 250, 0, y)
    assert not (~new_rows(X_tr, X_val)).any() and len(y_tr) == X_tr.shape[0]
    # Six rows in ten have a twin, trained on for three held-out rows in four:
    # about 45 % of the held-out rows are copies, judged on neither side.
    assert 0.3 * 250 < 250 - X_val.shape[0] < 0.6 * 250
    assert X_tr.shape[0] == X.shape[0] - 250 and len(y_val) == X_val.shape[0]
    # Where fewer than MIN_NEW_ROWS would remain, the copies stay; a dense table's
    # equal rows are different cases, and stay too.
    X_small = _twins(60, 10)
    y_small = np.arange(X_small.shape[0]) % 2
    assert hold_out(X_small, y_small, None, 30, 0, y_small)[3][0].shape[0] == 30
    dense = hold_out(X.toarray(), y, None, 250, 0, y)[3][0]
    assert dense.shape[0] == 250


@pytest.fixture
def temperature_rows(monkeypatch):
    """How many held-out rows each fit's temperature learns from (it learns 1.0)."""
    from skbig import _calibration

    seen = []

    def recording(raw, y):
        seen.append(len(y))
        return 1.0

    monkeypatch.setattr(_calibration, "fit_temperature", recording)
    return seen


def _small_fit(X):
    y = np.asarray(X[:, :20].sum(axis=1) > X[:, 20:].sum(axis=1)).ravel()
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), batch_size=500, epochs=3, validation_fraction=0.25,
        random_state=0,
    )  # fmt: skip
    return clf.fit(X, y), y


def test_a_fit_learns_its_temperature_from_held_out_documents_it_did_not_train_on(
    temperature_rows,
):
    X = _twins(300, 400)
    clf, y = _small_fit(X)
    seen = temperature_rows
    assert clf.temperature_ == 1.0 and len(seen) == 1
    assert 0.3 * 250 < 250 - seen[0] < 0.6 * 250  # the held-out copies left out
    plan = clf.training_plan_  # counted where a user can see them
    copies = plan["n_validation_copies"]
    assert plan["n_validation"] == 250 and 0.3 * 250 < copies < 0.6 * 250
    assert seen[0] <= 250 - copies  # (without the near copies either: below)
    assert clf.fit(X.toarray(), y).training_plan_["n_validation_copies"] == 0


def _near_copies(seed):
    """Training rows, and held-out rows: reweighed training rows (some with a new
    entry), unrelated rows, empty rows, and rows that share only the light terms of
    a training row (50 even weights) beside one heavy term of their own, its share
    of the squared norm s putting their cosine, sqrt(1 - s), either side of the line;
    with each held-out row's largest cosine similarity to a training row, by brute
    force."""
    rng = np.random.RandomState(seed)
    flat = np.zeros((40, 200))
    for row in flat:
        row[rng.choice(150, 50, replace=False)] = rng.uniform(0.9, 1.1, 50)
    train = sp.vstack(
        [sp.random(300, 200, density=0.05, random_state=rng), sp.csr_matrix(flat)]
    ).tocsr()
    base = train[rng.choice(300, 150)].toarray()
    added = rng.uniform(0, 0.6, size=base.shape) * (rng.rand(*base.shape) < 0.03)
    near = base * rng.uniform(0.6, 1.4, size=base.shape) + added
    share = rng.uniform(0.05, 0.25, 40)
    heavy = np.zeros((40, 200))
    heavy[np.arange(40), rng.randint(150, 200, 40)] = np.sqrt(
        share / (1 - share) * np.sum(flat**2, axis=1)
    )
    unrelated = sp.random(100, 200, density=0.05, random_state=rng)
    parts = [near, flat + heavy, unrelated, np.zeros((3, 200))]
    val = sp.vstack([sp.csr_matrix(part) for part in parts]).tocsr()
    similarity = normalize(val).toarray() @ normalize(train).toarray().T
    return train, val, similarity.max(axis=1)


@pytest.mark.parametrize("seed", range(3))
def test_novel_rows_finds_the_near_copies_a_brute_force_finds(seed):
    train, val, similarity = _near_copies(seed)
    expected = similarity < NEAR_COPY
    # Both kinds, and many on either side close to the line.
    assert 20 < (~expected).sum() < 200
    assert np.sum(np.abs(similarity - NEAR_COPY) < 0.05) > 10
    np.testing.assert_array_equal(novel_rows(train, val), expected)


def test_novel_rows_looks_at_the_first_held_out_rows_only(monkeypatch):
    from skbig import _plan

    train, val, _ = _near_copies(0)
    full = novel_rows(train, val)
    monkeypatch.setattr(_plan, "MAX_CHECKED", 100)
    cut = novel_rows(train, val)
    np.testing.assert_array_equal(cut[:100], full[:100])
    assert full[100:].any() and not cut[100:].any()


class _Parts(StreamedRows):
    """Training rows in parts, as streamed rows (``skbig.fit_stream``) give them."""

    def __init__(self, X, size):
        super().__init__(*X.shape, class_order=None)
        self._parts = [X[start : start + size] for start in range(0, X.shape[0], size)]

    def parts(self):
        return list(range(len(self._parts)))

    def load(self, part):
        return self._parts[part], np.zeros(self._parts[part].shape[0], np.int32)


def test_streamed_training_rows_are_compared_a_block_at_a_time(monkeypatch):
    from skbig import _plan

    monkeypatch.setattr(_plan, "BLOCK_ROWS", 25)  # parts of 10 rows, blocks of 30
    train, val, similarity = _near_copies(1)
    streamed = _Parts(train, 10)
    assert len(list(_plan.row_blocks(streamed))) == -(-train.shape[0] // 30)
    np.testing.assert_array_equal(novel_rows(streamed, val), similarity < NEAR_COPY)
    X = _twins(300, 400)
    np.testing.assert_array_equal(
        new_rows(_Parts(X[:500], 7), X[500:]), new_rows(X[:500], X[500:])
    )
    assert not new_rows(_Parts(X[:500], 7), X[500:]).all()  # there are copies


def test_the_temperature_leaves_out_held_out_near_copies(temperature_rows):
    # Each twin at twice its weights: a near copy (cosine 1), never an exact one.
    X = _twins(300, 400, scale=2)
    clf, y = _small_fit(X)
    assert clf.training_plan_["n_validation_copies"] == 0  # all judge the stopping
    # About 45 % of the held-out rows have a twin trained on; those teach the
    # temperature nothing.
    assert 0.3 * 250 < 250 - temperature_rows[0] < 0.6 * 250
    temperature_rows.clear()
    clf.fit(X.toarray(), y)  # dense: every row
    assert temperature_rows == [250]
