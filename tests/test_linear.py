"""MLPRegressor's linear part: a cross-validated ridge, blended with the network."""

import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_friedman1, make_regression
from sklearn.linear_model import RidgeCV
from sklearn.preprocessing import StandardScaler

import skbig
from skbig import MLPClassifier, MLPRegressor, _linear

NET = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, batch_size=64)
TINY = dict(NET, linear_part=True)


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(
        n_samples=240, n_features=6, n_informative=4, noise=20.0, random_state=0
    )
    X[:, 0] *= 1000.0  # columns on different scales, as a table's are
    return X, y + 300.0


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return MLPRegressor(**TINY, epochs=30, random_state=0).fit(X, y)


def test_the_ridge_is_cross_validated_on_all_the_standardised_rows(data, fitted):
    X, y = data
    Xs = StandardScaler().fit_transform(X.astype(np.float32)).astype(np.float64)
    ys = (y - y.mean()) / y.std()
    ridge = RidgeCV(alphas=_linear.ALPHAS).fit(Xs, ys)
    assert fitted.linear_alpha_ == ridge.alpha_
    assert fitted.linear_coef_.shape == (6, 1)
    np.testing.assert_allclose(fitted.linear_coef_[:, 0], ridge.coef_, atol=1e-5)
    np.testing.assert_allclose(fitted.linear_intercept_, [ridge.intercept_], atol=1e-5)
    assert 0 <= fitted.linear_weight_ <= 1


def test_predictions_blend_the_network_and_the_ridge(data, fitted):
    X, _ = data
    Xs = fitted.feature_encoder_.transform(X.astype(np.float32))
    network = fitted.model_.predict(Xs, verbose=0).astype(np.float64)
    linear = Xs.astype(np.float64) @ fitted.linear_coef_ + fitted.linear_intercept_
    weight = fitted.linear_weight_
    expected = ((1 - weight) * network + weight * linear)[:, 0]
    expected = expected * fitted.target_encoder_.scale_[0]
    expected += fitted.target_encoder_.mean_[0]
    np.testing.assert_allclose(fitted.predict(X), expected, rtol=1e-6)


def _held_out_weight(network_outputs, y_val):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0] + 0.1 * rng.standard_normal(300)
    estimator = SimpleNamespace(_numeric_target=True, linear_part=True, dp_epsilon=None)
    train, validation = (X[:250], y[:250], None), (X[250:], y_val(y[250:]), None)
    _linear.fit_linear_part(estimator, train, validation, network_outputs(y[250:]))
    return estimator.linear_weight_


def test_the_weight_is_the_blend_that_fits_the_held_out_part_best():
    # A network that predicts nothing: the ridge takes (almost) all the weight.
    assert _held_out_weight(np.zeros_like, lambda y: y) > 0.95
    # A network exactly right on the held-out part: the ridge gets none.
    assert _held_out_weight(lambda y: y, lambda y: y) == 0.0
    # Targets halfway between the two: the least-squares weight, about one half.
    assert 0.45 < _held_out_weight(np.zeros_like, lambda y: 0.5 * y) < 0.55


def test_a_noisy_linear_target_leans_on_the_ridge():
    X, y = make_regression(
        n_samples=300, n_features=8, n_informative=4, noise=80.0, random_state=1
    )
    train, test = slice(0, 225), slice(225, None)
    ridge = RidgeCV(alphas=_linear.ALPHAS).fit(X[train], y[train])
    # A short patience: this is about the blend, not about how long to train.
    kwargs = dict(hidden_layer_sizes=(64,), n_iter_no_change=20, random_state=0)
    plain = MLPRegressor(**kwargs).fit(X[train], y[train])  # off on dense input
    reg = MLPRegressor(**kwargs, linear_part=True).fit(X[train], y[train])
    assert reg.linear_weight_ > 0.5
    plain, reg, ridge = (m.score(X[test], y[test]) for m in (plain, reg, ridge))
    assert plain + 0.05 < reg and reg > ridge - 0.03, (plain, reg, ridge)


def test_a_non_linear_target_leans_on_the_network():
    X, y = make_friedman1(n_samples=300, noise=1.0, random_state=1)
    reg = MLPRegressor(
        (32,),
        batch_size=64,
        learning_rate_init=0.02,
        n_iter_no_change=10,
        linear_part=True,
        random_state=0,
    ).fit(X, y)
    assert reg.linear_weight_ < 0.2
    assert reg.score(X, y) > 0.85


def test_multi_output_targets_get_one_column_each():
    X, Y = make_regression(n_samples=150, n_features=5, n_targets=3, random_state=1)
    reg = MLPRegressor(**TINY, epochs=20, random_state=0).fit(X, Y)
    assert reg.linear_coef_.shape == (5, 3)
    assert reg.linear_intercept_.shape == (3,)
    assert reg.predict(X).shape == (150, 3)
    assert reg.score(X, Y) > 0.95


@pytest.mark.parametrize(
    "case",
    [
        "default on dense input",
        "a table in a sparse matrix",
        "several targets",
        "off",
        "no held-out part",
        "partial_fit",
        "private",
    ],
)
def test_where_there_is_no_linear_part(data, case):
    X, y = data
    # Sparse input, where "auto" fits the part in a plain fit: not in these.
    Xs = sp.csr_matrix(X / np.abs(X).max(axis=0))
    reg = MLPRegressor(**NET, epochs=2, random_state=0)
    if case == "default on dense input":
        reg = MLPRegressor(epochs=2, random_state=0).fit(X, y)
        assert reg.linear_part == "auto"
    elif case == "a table in a sparse matrix":
        from sklearn.preprocessing import OneHotEncoder

        table = OneHotEncoder().fit_transform((X[:, :3] > 0).astype(int))
        assert reg.set_params(linear_part=True).fit(table, y).linear_coef_ is not None
        reg.set_params(linear_part="auto").fit(table, y)
    elif case == "several targets":
        Y = np.column_stack([y, -y])
        assert reg.set_params(linear_part=True).fit(Xs, Y).linear_coef_.shape[1] == 2
        reg.set_params(linear_part="auto").fit(Xs, Y)
    elif case == "off":
        reg.set_params(linear_part=False).fit(Xs, y)
    elif case == "no held-out part":
        reg.set_params(early_stopping=False).fit(Xs, y)
    elif case == "partial_fit":
        reg.partial_fit(Xs, y)
    elif case == "private":
        pytest.importorskip("dp_accounting")
        reg.set_params(dp_epsilon=10.0, learning_rate_init="auto").fit(Xs, y)
    assert reg.linear_coef_ is None and reg.linear_weight_ is None
    assert reg.linear_alpha_ is None and reg.linear_intercept_ is None


def test_a_classifier_has_none(data):
    X, y = data
    clf = MLPClassifier(**NET, epochs=2, random_state=0).fit(X, y > 300)
    assert not hasattr(clf, "linear_coef_")
    assert "linear_part" not in clf.get_params()


def test_settings_that_cannot_have_one_are_refused_before_training(data):
    X, y = data
    with pytest.raises(ValueError, match="linear_part=True cannot be combined"):
        MLPRegressor(**NET, linear_part=True, dp_epsilon=5.0).fit(X, y)
    with pytest.raises(ValueError, match="linear_part=True needs held-out data"):
        MLPRegressor(**NET, linear_part=True, early_stopping=False).fit(X, y)
    with pytest.raises(ValueError, match="linear_part"):
        MLPRegressor(linear_part="yes").fit(X, y)


def test_warm_start_and_partial_fit_keep_the_fitted_part(data):
    X, y = data
    reg = MLPRegressor(**TINY, epochs=10, random_state=0).fit(X, y)
    part = (reg.linear_coef_.copy(), reg.linear_weight_)
    reg.set_params(warm_start=True).fit(X[:120], y[:120] + 50)
    np.testing.assert_array_equal(reg.linear_coef_, part[0])
    reg.partial_fit(X[120:], y[120:])
    assert (reg.linear_coef_ == part[0]).all() and reg.linear_weight_ == part[1]
    reg.set_params(warm_start=False).fit(X[:120], y[:120])
    assert not np.array_equal(reg.linear_coef_, part[0])  # a new fit, a new part


def test_the_part_travels_with_pickles_and_model_files(data, fitted, tmp_path):
    X, _ = data
    expected = fitted.predict(X)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(fitted)).predict(X), expected
    )
    skbig.save(fitted, tmp_path / "reg.skbig")
    np.testing.assert_array_equal(
        skbig.load(tmp_path / "reg.skbig").predict(X), expected
    )


def test_a_regressor_saved_before_the_linear_part_predicts_as_before(data, fitted):
    X, _ = data
    state = fitted.__getstate__()
    for name in ("linear_part", *_linear._NAMES):
        del state[name]
    old = MLPRegressor.__new__(MLPRegressor)
    old.__setstate__(state)
    assert old.linear_part is False
    Xs = fitted.feature_encoder_.transform(X.astype(np.float32))
    network = fitted.model_.predict(Xs, verbose=0)[:, 0].astype(np.float64)
    expected = network * fitted.target_encoder_.scale_[0]
    expected += fitted.target_encoder_.mean_[0]
    np.testing.assert_allclose(old.predict(X), expected, rtol=1e-6)


def test_onnx_export_computes_the_blend(data, fitted, tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    X, _ = data
    assert 0 < fitted.linear_weight_ < 1  # both halves of the blend count
    skbig.export(fitted, tmp_path / "reg.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "reg.onnx"))
    (prediction,) = session.run(["prediction"], {"X": X.astype(np.float32)})
    assert np.allclose(prediction, fitted.predict(X), rtol=1e-4, atol=1e-3)


def _rated_texts(n=360, seed=0):
    """Documents whose target is a sum of per-word scores plus noise: a linear
    target in the words' counts, as a sentiment rating nearly is."""
    rng = np.random.RandomState(seed)
    words = [f"w{i}" for i in range(60)]
    scores = rng.standard_normal(len(words))
    texts, y = [], []
    for _ in range(n):
        chosen = rng.choice(len(words), size=8)
        texts.append(" ".join(words[i] for i in chosen))
        y.append(scores[chosen].sum() + 0.5 * rng.standard_normal())
    return texts, np.asarray(y) + 10.0


@pytest.fixture(scope="module")
def text_regression():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    texts, y = _rated_texts()
    pipe = make_pipeline(
        TfidfVectorizer(),
        MLPRegressor(**NET, n_iter_no_change=5, random_state=0),  # "auto"
    )
    return texts, y, pipe.fit(texts[:300], y[:300])


def test_sparse_input_gets_a_ridge_cross_validated_on_its_rows(text_regression):
    texts, _, pipe = text_regression
    reg = pipe[-1]
    assert reg.linear_part == "auto"  # the default fits one on text
    assert reg.linear_alpha_ in _linear.SPARSE_ALPHAS
    assert reg.linear_coef_.shape == (len(pipe[0].vocabulary_), 1)
    assert reg.linear_weight_ > 0.5  # a linear target leans on the ridge
    X = pipe[0].transform(texts[300:])
    network = reg.model_.predict(X, verbose=0).astype(np.float64)
    linear = X @ reg.linear_coef_ + reg.linear_intercept_  # sparse rows, no copy
    weight = reg.linear_weight_
    expected = ((1 - weight) * network + weight * linear)[:, 0]
    expected = expected * reg.target_encoder_.scale_[0] + reg.target_encoder_.mean_[0]
    np.testing.assert_allclose(pipe.predict(texts[300:]), expected, rtol=1e-5)


def test_the_penalty_search_stops_one_step_past_the_best():
    from sklearn.model_selection import KFold

    rng = np.random.RandomState(0)
    X = sp.random(400, 80, density=0.1, format="csr", random_state=rng)
    y = X @ rng.standard_normal(80) + rng.standard_normal(400)
    tried = []
    real = _linear._ridge

    def ridge(X, y, w, alpha=None):
        tried.append(alpha)
        return real(X, y, w, alpha=alpha)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_linear, "_ridge", ridge)
        patch.setattr(_linear, "LOO_ROWS", 399)  # three folds from 400 rows on
        alpha = _linear._cv_alpha(X, y, None)
    # Every penalty of the grid, scored on the same three folds.
    folds = list(KFold(3, shuffle=True, random_state=0).split(y))
    errors = [
        sum(
            np.sum((real(X[a], y[a], None, alpha=p).predict(X[b]) - y[b]) ** 2)
            for a, b in folds
        )
        for p in _linear.SPARSE_ALPHAS
    ]
    best = int(np.argmin(errors))
    assert 0 < best < len(errors) - 1  # the best is inside the grid here
    assert alpha == _linear.SPARSE_ALPHAS[best]
    penalties = list(dict.fromkeys(tried))  # largest first, one past the best
    assert penalties == list(_linear.SPARSE_ALPHAS[::-1][: len(errors) - best + 1])
    assert len(tried) == 3 * len(penalties)


def test_a_few_hundred_sparse_rows_choose_the_penalty_by_leave_one_out():
    # Three folds of a few hundred rows choose a penalty that moves with the split;
    # up to LOO_ROWS rows every row is left out once (in closed form), which is the
    # same as refitting the ridge without it, counted here one row at a time.
    from sklearn.linear_model import Ridge

    rng = np.random.RandomState(4)
    X = sp.random(120, 300, density=0.05, format="csr", random_state=rng)
    y = X @ rng.standard_normal(300) + rng.standard_normal(120)
    assert X.shape[0] <= _linear.LOO_ROWS
    errors = []
    for p in _linear.SPARSE_ALPHAS:
        error = 0.0
        for i in range(X.shape[0]):
            keep = np.arange(X.shape[0]) != i
            ridge = Ridge(alpha=p).fit(X[keep].toarray(), y[keep])
            error += (ridge.predict(X[i].toarray())[0] - y[i]) ** 2
        errors.append(error)
    assert 0 < int(np.argmin(errors)) < len(errors) - 1  # inside the grid
    assert _linear._cv_alpha(X, y, None) == _linear.SPARSE_ALPHAS[np.argmin(errors)]
    with pytest.MonkeyPatch.context() as patch:  # three folds choose otherwise here
        patch.setattr(_linear, "LOO_ROWS", 0)
        assert _linear._cv_alpha(X, y, None) != _linear.SPARSE_ALPHAS[np.argmin(errors)]


def test_a_text_regressor_exports_its_linear_part(text_regression, tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    texts, _, pipe = text_regression
    skbig.export(pipe, tmp_path / "reg.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "reg.onnx"))
    documents = np.asarray([*texts[300:], "", "w1 unknown"], dtype=object)
    (prediction,) = session.run(["prediction"], {"text": documents})
    np.testing.assert_allclose(
        prediction, pipe.predict(documents), rtol=1e-5, atol=1e-4
    )


@pytest.mark.slow
def test_a_text_regressor_savedmodel_computes_its_linear_part(
    text_regression, tmp_path
):
    tf = pytest.importorskip("tensorflow")
    texts, _, pipe = text_regression
    skbig.export(pipe, tmp_path / "reg", format="savedmodel")
    signature = tf.saved_model.load(str(tmp_path / "reg")).signatures["serving_default"]
    documents = [*texts[300:], "", "w1 unknown"]
    prediction = signature(text=tf.constant(documents))["prediction"].numpy()
    np.testing.assert_allclose(
        prediction, pipe.predict(documents), rtol=1e-5, atol=1e-4
    )


def test_a_text_regressor_reloads_with_its_linear_part(text_regression, tmp_path):
    texts, _, pipe = text_regression
    skbig.save(pipe, tmp_path / "reg.skbig")
    again = skbig.load(tmp_path / "reg.skbig")
    np.testing.assert_array_equal(again[-1].linear_coef_, pipe[-1].linear_coef_)
    np.testing.assert_array_equal(again.predict(texts[300:]), pipe.predict(texts[300:]))


def test_given_held_out_rows_weigh_the_ridge_but_never_train_it(text_regression):
    # X_val stops the fit and chooses the weight; the network never trains on it,
    # and neither does the ridge that predicts.
    from sklearn.base import clone
    from sklearn.linear_model import Ridge

    texts, y, pipe = text_regression
    X, X_val = pipe[0].transform(texts[:240]), pipe[0].transform(texts[240:300])
    reg = clone(pipe[-1]).fit(X, y[:240], X_val=X_val, y_val=y[240:300])
    assert reg.training_plan_["validation_given"] and reg.linear_coef_ is not None
    ys = (y[:240] - reg.target_encoder_.mean_[0]) / reg.target_encoder_.scale_[0]
    ridge = Ridge(alpha=reg.linear_alpha_, solver="sparse_cg").fit(X, ys)
    np.testing.assert_allclose(reg.linear_coef_[:, 0], ridge.coef_, atol=1e-4)
    np.testing.assert_allclose(reg.linear_intercept_, [ridge.intercept_], atol=1e-4)
