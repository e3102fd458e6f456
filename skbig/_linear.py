"""The regressor's linear part: a cross-validated ridge, blended with the network.

On dense input ``MLPRegressor`` also fits a ridge regression of the standardised
targets on the standardised features, in closed form, its penalty chosen by
efficient leave-one-out cross-validation (scikit-learn's ``RidgeCV``). Its
predictions and the network's are blended, ``(1 - w) * network + w * ridge``, with
the one weight ``w`` in [0, 1] that fits the held-out part best: the network's
outputs there are those of the epoch the stopping rule kept, the ridge's those of a
ridge fitted on the training part alone. On a linear or nearly linear target, where a
network trained by gradient steps on a few hundred noisy rows stays below the ridge,
the weight moves to the ridge; on a non-linear one it stays near zero. The ridge that
predicts is then fitted on all the rows, as the refit's network is.
"""

import numpy as np
from sklearn.linear_model import RidgeCV

__all__ = ["ALPHAS", "MAX_COST", "blended", "check_linear_part", "fit_linear_part"]

#: Penalties the leave-one-out search chooses from (features and targets are both
#: standardised, so one grid serves every table).
ALPHAS = np.logspace(-3, 4, 15)
#: ``linear_part="auto"`` fits the linear part when its closed form costs at most
#: about this many multiply-adds (``n * p * min(n, p)``: a few seconds here).
MAX_COST = 1e10
_NAMES = ("linear_coef_", "linear_intercept_", "linear_alpha_", "linear_weight_")


def check_linear_part(estimator, new_network):
    """At the start of training: a new network forgets the previous fit's linear
    part, and settings that cannot have one are refused before any training."""
    if not estimator._numeric_target:  # a classifier's targets are its classes
        return
    if new_network:
        for name in _NAMES:
            setattr(estimator, name, None)
    if estimator.linear_part is not True:
        return
    if estimator.dp_epsilon is not None:
        raise ValueError(
            "linear_part=True cannot be combined with dp_epsilon: the linear part is "
            "fitted in closed form, which differential privacy does not cover; use "
            "linear_part='auto' or False."
        )
    if estimator._sparse_input:
        raise ValueError(
            "linear_part=True needs dense input; got a sparse matrix. Use "
            "linear_part='auto' (which fits it on dense input only) or False."
        )
    if estimator.early_stopping is False:
        raise ValueError(
            "linear_part=True needs held-out data to weigh the ridge against the "
            "network; set early_stopping=True or 'auto', or linear_part=False."
        )


def fit_linear_part(estimator, train, validation, network_outputs):
    """After a new network's stopping run: fit the ridge and choose its weight.

    ``train`` and ``validation`` are ``(X, y, sample_weight)`` of the training and
    held-out rows (encoded), ``network_outputs`` the kept epoch's held-out outputs.
    """
    if not estimator._numeric_target or not _applies(estimator, train, validation):
        return
    X_val, y_val, w_val = validation
    y_val = np.asarray(y_val, dtype=np.float64).reshape(len(y_val), -1)
    ridge = _ridge(*train)
    net = np.asarray(network_outputs, dtype=np.float64).reshape(y_val.shape)
    gap = ridge.predict(X_val).reshape(y_val.shape) - net
    w = np.ones(len(y_val)) if w_val is None else np.asarray(w_val, np.float64)
    denominator = np.sum(w[:, None] * gap * gap)
    weight = (
        np.sum(w[:, None] * gap * (y_val - net)) / denominator if denominator else 0
    )
    rows = [np.concatenate([a, b]) if a is not None else None for a, b in zip(
        train, validation, strict=True
    )]  # fmt: skip
    ridge = _ridge(*rows)
    k = y_val.shape[1]  # RidgeCV drops the column of a one-column target
    coef = np.asarray(ridge.coef_, dtype=np.float64).reshape(k, -1)
    estimator.linear_coef_ = coef.T.copy()
    estimator.linear_intercept_ = np.asarray(ridge.intercept_, np.float64).reshape(k)
    estimator.linear_alpha_ = float(ridge.alpha_)
    estimator.linear_weight_ = float(np.clip(weight, 0.0, 1.0))


def blended(estimator, X, raw):
    """The network's outputs ``raw`` for encoded ``X``, blended with the linear
    part's where there is one."""
    coef = getattr(estimator, "linear_coef_", None)
    if coef is None:
        return raw
    linear = np.asarray(X, dtype=np.float64) @ coef + estimator.linear_intercept_
    weight = estimator.linear_weight_
    return (1 - weight) * raw.reshape(linear.shape) + weight * linear


def _applies(estimator, train, validation):
    X = train[0]
    if estimator.linear_part is False or validation is None or train[1] is None:
        return False
    # Sparse input or a stream; a private fit never gets here (its own path).
    if not isinstance(X, np.ndarray):
        return False
    n, p = X.shape[0] + validation[0].shape[0], X.shape[1]
    return estimator.linear_part is True or n * p * min(n, p) <= MAX_COST


def _ridge(X, y, sample_weight):
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    X = np.asarray(X, dtype=np.float64)
    return RidgeCV(alphas=ALPHAS).fit(X, y, sample_weight=sample_weight)
