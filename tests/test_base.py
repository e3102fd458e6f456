"""skbig._base: what MLPClassifier and MLPRegressor share.

Validation once, all-or-nothing fits, the training run with its refit, batched
prediction and the network in the estimator's state.
"""

import pickle

import keras
import numpy as np
import pytest

from skbig import MLPClassifier, MLPRegressor
from skbig._network.batches import PREDICT_BATCH_SIZE


def _rows(X):
    return [0, PREDICT_BATCH_SIZE, len(X) - 1]  # either side of a batch edge


TINY = dict(hidden_layer_sizes=(8,), random_state=0, learning_rate_init=0.05)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(PREDICT_BATCH_SIZE + 37, 4)).astype(np.float32)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(scope="module")
def fitted(data):
    # A short patience: these tests are about the fit's mechanics, not its length.
    return MLPClassifier(**TINY, n_iter_no_change=10).fit(*data)


def test_a_fit_holds_out_then_refits_on_everything(fitted, data):
    plan = fitted.training_plan_
    assert plan["early_stopping"] and plan["refit"]
    assert plan["n_validation"] == -(-len(data[0]) // 10)
    assert len(fitted.history_["refit_loss"]) == fitted.best_epoch_ == fitted.n_iter_


def test_prediction_in_batches_equals_row_by_row(fitted, data):
    X = data[0]
    whole = fitted.predict_proba(X)  # more rows than one predict batch
    rows = np.vstack([fitted.predict_proba(X[i : i + 1]) for i in _rows(X)])
    np.testing.assert_allclose(whole[_rows(X)], rows, atol=1e-6)


def test_an_error_mid_fit_leaves_the_previous_fit(fitted, data):
    before = fitted.predict_proba(data[0][:5])

    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("boom")

    fitted.set_params(callbacks=[Boom()], warm_start=True)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            fitted.fit(*data)
    finally:
        fitted.set_params(callbacks=None, warm_start=False)
    np.testing.assert_array_equal(fitted.predict_proba(data[0][:5]), before)


def test_the_network_travels_in_the_state_as_keras_bytes(fitted, data):
    state = fitted.__getstate__()
    assert isinstance(state["model_"], bytes)
    assert not any(isinstance(v, keras.callbacks.Callback) for v in state.values())
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict(data[0]), fitted.predict(data[0]))


def test_dense_features_are_standardised_sparse_ones_are_not(fitted):
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    assert isinstance(fitted.feature_encoder_, StandardScaler)
    import scipy.sparse as sp

    X = sp.random(40, 6, density=0.5, format="csr", random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=(4,), epochs=1).fit(X, np.arange(40.0))
    assert isinstance(reg.feature_encoder_, FunctionTransformer)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_pandas_transform_output_changes_nothing(Estimator, data):
    # sklearn.set_config(transform_output="pandas") reaches every transformer,
    # skbig's scaler and scikeras' target encoders included; they work on arrays.
    pd = pytest.importorskip("pandas")
    sklearn = pytest.importorskip("sklearn")
    X, y = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    params = dict(TINY, epochs=3, early_stopping=True)
    expected = Estimator(**params).fit(frame, y)
    with sklearn.config_context(transform_output="pandas"):
        model = Estimator(**params).fit(frame, y)
        predicted = model.predict(frame)
        again = pickle.loads(pickle.dumps(model)).predict(frame)
        model.partial_fit(frame, y)
    assert isinstance(predicted, np.ndarray)
    np.testing.assert_allclose(predicted, expected.predict(frame), rtol=1e-6)
    np.testing.assert_array_equal(again, predicted)
