"""MLPClassifier behaviour a scikit-learn user relies on."""

import pickle
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError

from skbig import MLPClassifier, SparseAdagrad

# Fixed epochs (early_stopping=False): these tests pin behaviour, not the stopping
# rule, which tests/test_plan.py covers.
TINY = dict(
    hidden_layer_sizes=(16,),
    learning_rate_init=0.02,
    batch_size=64,
    early_stopping=False,
    class_weight=None,
)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return X, np.array(["red", "green", "blue"])[y]


@pytest.fixture(scope="module")
def fitted(blobs):
    X, y = blobs
    return MLPClassifier(**TINY, epochs=20, random_state=0).fit(X, y)


def test_string_multiclass(fitted, blobs):
    X, y = blobs
    assert list(fitted.classes_) == ["blue", "green", "red"]
    assert set(fitted.predict(X)) <= set(y)
    assert fitted.score(X, y) > 0.8
    proba = fitted.predict_proba(X)
    assert proba.shape == (300, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(
        fitted.classes_[proba.argmax(axis=1)], fitted.predict(X)
    )


def test_log_probabilities_are_minus_infinity_where_a_probability_is_zero(
    fitted, blobs
):
    X = blobs[0][:50] * 1e4  # outputs far apart: float32 softmax rows of 1 and 0
    proba = fitted.predict_proba(X)
    assert fitted.temperature_ is None and (proba == 0).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "divide by zero" from the logarithm
        log_proba = fitted.predict_log_proba(X)
    assert np.array_equal(np.isneginf(log_proba), proba == 0)
    finite = proba > 0
    np.testing.assert_allclose(np.log(proba[finite]), log_proba[finite], rtol=1e-12)


def test_fitted_attributes(fitted):
    assert fitted.n_features_in_ == 8
    assert isinstance(fitted.model_, keras.Model)
    assert fitted.n_iter_ == len(fitted.loss_curve_) == len(fitted.history_["loss"])
    assert fitted.loss_curve_[-1] < fitted.loss_curve_[0]
    assert fitted.validation_scores_ is None
    assert fitted.best_validation_score_ is None


def test_single_sample_proba_is_2d(fitted, blobs):
    assert fitted.predict_proba(blobs[0][:1]).shape == (1, 3)


def test_binary_integer_labels():
    X, y = make_classification(n_samples=200, n_features=6, random_state=1)
    clf = MLPClassifier(**TINY, epochs=15, random_state=0).fit(X, y + 5)
    assert list(clf.classes_) == [5, 6]
    assert clf.predict_proba(X).shape == (200, 2)
    assert clf.score(X, y + 5) > 0.85


def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = MLPClassifier(**TINY, epochs=40, random_state=0).fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    # Independent sigmoids, not a softmax over labels.
    assert not np.allclose(proba.sum(axis=1), 1)
    assert np.mean(clf.predict(X) == Y) > 0.75


def test_sample_weight_and_class_weight_steer_the_model(blobs):
    X, y = blobs
    heavy = np.where(y == "red", 100.0, 1.0)
    weighted = MLPClassifier(**TINY, epochs=10, random_state=0).fit(
        X, y, sample_weight=heavy
    )
    by_class = MLPClassifier(
        **dict(TINY, class_weight={"red": 100.0}), epochs=10, random_state=0
    ).fit(X, y)
    plain = MLPClassifier(**TINY, epochs=10, random_state=0).fit(X, y)
    for model in (weighted, by_class):
        assert np.mean(model.predict(X) == "red") > np.mean(plain.predict(X) == "red")


def test_default_class_weights_weigh_text_and_leave_tables_alone(blobs):
    X, y = blobs
    y = np.where(y == "red", "red", "other")  # one class in three
    params = dict(TINY, epochs=2, random_state=0)
    del params["class_weight"]  # the default, "auto"

    def proba(X, class_weight="auto"):
        clf = MLPClassifier(**params, class_weight=class_weight).fit(X, y)
        return clf.predict_proba(X)

    table = proba(X)
    np.testing.assert_array_equal(table, proba(X, None))
    assert not np.allclose(table, proba(X, "balanced_sqrt"))
    # every row holds all its columns, as a table's would: kept sparse, as text
    params["densify_tables"] = False
    text = sp.csr_matrix(np.abs(X))
    np.testing.assert_array_equal(proba(text), proba(text, "balanced_sqrt"))


def test_same_random_state_same_predictions(blobs):
    X, y = blobs
    first = MLPClassifier(**TINY, epochs=3, random_state=7).fit(X, y)
    second = MLPClassifier(**TINY, epochs=3, random_state=7).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    refit = first.fit(X, y)
    np.testing.assert_array_equal(refit.predict_proba(X), second.predict_proba(X))


def test_same_random_state_same_model_on_sparse_input():
    # The sparse path (SparseDense, LazyAdam's scatters, skbig's batches) is seeded
    # without TensorFlow's op determinism on CPU; it must still repeat exactly.
    X = sp.random(200, 300, density=0.05, format="csr", random_state=0)
    y = np.arange(200) % 3
    fits = [MLPClassifier(**TINY, epochs=3, random_state=3).fit(X, y) for _ in range(2)]
    for first, second in zip(*(f.model_.get_weights() for f in fits), strict=True):
        np.testing.assert_array_equal(first, second)


def test_early_stopping_uses_a_shuffled_stratified_split():
    # Sorted labels: an unshuffled last 10% would hold out one class only.
    X, y = make_classification(n_samples=300, n_features=6, random_state=0)
    order = np.argsort(y)
    params = dict(TINY, early_stopping=True, refit=False)
    clf = MLPClassifier(**params, epochs=30, n_iter_no_change=2, random_state=0).fit(
        X[order], y[order]
    )
    assert clf.n_iter_ == len(clf.validation_scores_)
    # The held-out loss leads: the best epoch has the lowest, and its accuracy is
    # the best_validation_score_.
    loss = clf.history_["val_loss"]
    best = int(np.argmin(loss))
    assert clf.best_epoch_ == best + 1
    assert clf.best_validation_score_ == clf.validation_scores_[best] > 0.8
    assert "val_loss" in clf.history_


def test_warm_start_and_partial_fit_continue_training(blobs):
    X, y = blobs
    clf = MLPClassifier(**TINY, epochs=2, warm_start=True, random_state=0).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model and clf.n_iter_ == 4
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 5


def test_partial_fit_with_classes_then_unknown_label(blobs):
    X, y = blobs
    clf = MLPClassifier(**TINY, random_state=0)
    clf.partial_fit(X[y == "red"], y[y == "red"], classes=["blue", "green", "red"])
    clf.partial_fit(X[y == "blue"], y[y == "blue"])
    assert list(clf.classes_) == ["blue", "green", "red"]
    with pytest.raises(ValueError, match=r"has not trained on: \[.purple.\]"):
        clf.partial_fit(X[:3], ["purple"] * 3)


def test_partial_fit_balances_classes_over_the_whole_stream(blobs):
    """Batches of one class each: "balanced" weighs each by the counts of every
    batch so far, as fit would weigh the whole stream; a fit's counts carry over
    to partial_fit, through pickling too."""
    X, y = blobs
    y = np.where(y == "red", "red", "other")
    red, other = np.flatnonzero(y == "red")[:90], np.flatnonzero(y == "other")[:10]
    classes, args = ["other", "red"], dict(TINY, random_state=0)

    def streamed(class_weight, weight_of_other):
        clf = MLPClassifier(**{**args, "class_weight": class_weight})
        clf.partial_fit(X[red], y[red], classes=classes)  # counts: 90 red
        weights = None if weight_of_other is None else np.full(10, weight_of_other)
        return clf.partial_fit(X[other], y[other], sample_weight=weights)

    proba = streamed("balanced", None).predict_proba(X)
    explicit = streamed(None, 100 / (2 * 10)).predict_proba(X)  # 90 red, 10 other
    np.testing.assert_allclose(proba, explicit, atol=1e-6)
    unweighted = streamed(None, None).predict_proba(X)
    assert not np.allclose(proba, unweighted, atol=1e-3)

    first = np.concatenate([red[:80], other])  # 80 red, 10 other
    fitted = MLPClassifier(**{**args, "class_weight": "balanced", "epochs": 1})
    fitted = pickle.loads(pickle.dumps(fitted.fit(X[first], y[first])))
    fitted.partial_fit(X[red[80:]], y[red[80:]])  # now 90 red, 10 other
    by_hand = MLPClassifier(**{**args, "epochs": 1})
    by_hand.fit(
        X[first], y[first], sample_weight=np.where(y[first] == "red", 90 / 160, 4.5)
    )
    by_hand.partial_fit(X[red[80:]], y[red[80:]], sample_weight=np.full(10, 100 / 180))
    np.testing.assert_allclose(
        fitted.predict_proba(X), by_hand.predict_proba(X), atol=1e-6
    )


def test_user_model_and_routed_parameters(blobs):
    X, y = blobs

    def build(meta, hidden):
        model = keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(hidden, activation="relu"),
                keras.layers.Dense(meta["n_classes_"], activation="softmax"),
            ]
        )
        return model

    clf = MLPClassifier(
        model=build,
        model__hidden=12,
        loss="sparse_categorical_crossentropy",
        optimizer="adam",
        optimizer__learning_rate=0.02,
        epochs=5,
        random_state=0,
    ).fit(X, y)
    assert clf.model_.layers[0].units == 12
    assert clf.model_.optimizer.learning_rate.numpy() == pytest.approx(0.02)
    assert clf.predict(X).shape == (300,)


def test_a_user_model_gets_skbigs_optimizer_and_learning_rate(blobs):
    # The user guide's example, with the default optimizer: scikeras asked Keras
    # for "sparse_adagrad" ("Could not interpret optimizer identifier"), and an
    # optimizer it did build ignored learning_rate_init.
    X, y = blobs

    def build(meta, hidden):
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(hidden, activation="relu"),
                keras.layers.Dense(meta["n_classes_"], activation="softmax"),
            ]
        )

    args = dict(model=build, model__hidden=8, loss="sparse_categorical_crossentropy")
    clf = MLPClassifier(**args, epochs=3, random_state=0).fit(X, y)
    assert isinstance(clf.model_.optimizer, SparseAdagrad)
    clf = MLPClassifier(**args, optimizer="adam", learning_rate_init=0.01, epochs=1)
    assert clf.fit(X, y).model_.optimizer.learning_rate.numpy() == pytest.approx(0.01)
    assert clf.get_params()["optimizer"] == "adam"  # the parameter is left as given


def test_optimizer_parameters():
    X, y = make_classification(n_samples=50, n_features=4, random_state=0)
    sgd = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    clf = MLPClassifier(hidden_layer_sizes=(4,), optimizer=sgd, epochs=1).fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.SGD)
    assert clf.model_.optimizer is not sgd
    assert clf.model_.optimizer.momentum == pytest.approx(0.9)
    clf = MLPClassifier(
        hidden_layer_sizes=(4,), learning_rate_init=0.003, epochs=1, alpha=0.01
    ).fit(X, y)
    assert clf.model_.optimizer.learning_rate.numpy() == pytest.approx(0.003)
    assert clf.model_.losses  # the L2 penalty is part of the loss


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.array([[0.0, np.nan], [1.0, 2.0]]), [0, 1], "NaN"),
        (np.ones((4, 2)), ["a"] * 4, "only one class"),
        (np.ones((4, 2)), [0.1, 0.5, 0.7, 0.2], "Unknown label type"),
        (np.ones((4, 2)), [0, 1, 0], "inconsistent numbers of samples"),
    ],
    ids=["nan", "one-class", "continuous", "length"],
)
def test_bad_fit_input_names_the_problem(X, y, match):
    with pytest.raises(ValueError, match=match):
        MLPClassifier(epochs=1).fit(X, y)


def test_bad_predict_input_names_the_problem(fitted, blobs):
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is"):
        fitted.predict(blobs[0][:, :3])
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(blobs[0])


def test_invalid_parameter_is_reported(blobs):
    with pytest.raises(ValueError, match="dropout"):
        MLPClassifier(dropout=1.5).fit(*blobs)


def _run_python(code, timeout=300):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
def test_import_fit_predict_print_nothing():
    result = _run_python(
        """
        import warnings
        warnings.simplefilter("error")
        import numpy as np, scipy.sparse as sp
        import skbig
        X = sp.random(60, 30, density=0.2, format="csr", random_state=0)
        y = np.arange(60) % 3
        # The default rule: held-out stopping and a refit, no warning either.
        clf = skbig.MLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
        for _ in range(7):  # repeated calls: no retracing warnings either
            clf.predict(X[: np.random.randint(1, 60)])
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


@pytest.mark.slow
def test_a_million_sparse_columns_are_never_densified():
    # 500 x 1e6 float32 is 2 GB dense; the first layer alone is 1e6 x 4 floats.
    result = _run_python(
        """
        import resource, numpy as np, scipy.sparse as sp
        import skbig
        rng = np.random.RandomState(0)
        small = sp.random(50, 100, density=0.05, format="csr", random_state=0)
        warm_up = skbig.MLPClassifier(hidden_layer_sizes=(4,), epochs=1)
        warm_up.fit(small, rng.randint(0, 2, 50))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n, d, per_row = 500, 1_000_000, 20
        X = sp.csr_matrix(
            (rng.rand(n * per_row), rng.randint(0, d, n * per_row),
             np.arange(0, n * per_row + 1, per_row)),
            shape=(n, d),
        )
        clf = skbig.MLPClassifier(hidden_layer_sizes=(4,), epochs=2, batch_size=100)
        clf.fit(X, rng.randint(0, 2, 500)).predict_proba(X)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(grown // 1024)
        """
    )
    assert result.returncode == 0, result.stderr
    grown_mb = int(result.stdout.strip())
    assert grown_mb < 400, f"peak RSS grew by {grown_mb} MB"
