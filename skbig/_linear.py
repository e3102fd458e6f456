"""The regressor's linear part: a cross-validated ridge, blended with the network.

``MLPRegressor`` also fits a ridge regression of the standardised targets on its
input (standardised when dense), and predicts ``(1 - w) * network + w * ridge``
with the one weight ``w`` in [0, 1] that fits the held-out part best: the
network's outputs there are those of the epoch the stopping rule kept, the
ridge's those of a ridge fitted on the training part alone. On a linear or nearly
linear target, where a network trained by gradient steps stays below the ridge,
the weight moves to the ridge; on a non-linear one it stays near zero. The ridge
that predicts is then fitted on all the rows, as the refit's network is (on the
training rows alone when the held-out ones are ``X_val``, as the network is).
A streamed fit (``skbig.fit_stream``) solves it on the rows its store holds in
memory: all of them when the stream is small, else a uniform sample.

On dense input the penalty is chosen by efficient leave-one-out cross-validation
(scikit-learn's ``RidgeCV``); on sparse input (text), where that needs an n x n
matrix, the same up to ``LOO_ROWS`` rows and three-fold cross-validation with an
iterative solver above. By default
(``"auto"``) only a single target on sparse input that is not an encoded table
(``_tables.is_table``: text) has the part: on text regression corpora set aside
before it ran there it raised R² on every one, while on tables set aside it did
not (``benchmarks/README.md``).
"""

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import Ridge, RidgeCV

from ._plan import is_streamed
from ._tables import is_table

__all__ = ["ALPHAS", "SPARSE_ALPHAS", "blended", "check_linear_part", "fit_linear_part"]

#: Penalties the leave-one-out search chooses from (features and targets are both
#: standardised, so one grid serves every table).
ALPHAS = np.logspace(-3, 4, 15)
#: Penalties cross-validation chooses from on sparse input (rows such as TF-IDF's,
#: of norm about one; the targets standardised).
SPARSE_ALPHAS = np.logspace(-2, 2, 9)
#: Up to this many rows the sparse penalty is chosen by leave-one-out in closed form
#: (an n x n matrix: 0.2 s at 1,000 rows, 1.2 s at 2,000 here), above it by three
#: folds; on a few hundred rows three folds' choice moves with the split.
LOO_ROWS = 1500
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
    if estimator.early_stopping is False:
        raise ValueError(
            "linear_part=True needs held-out data to weigh the ridge against the "
            "network; set early_stopping=True or 'auto', or linear_part=False."
        )


def fit_linear_part(estimator, train, validation, network_outputs, refit=True):
    """After a new network's stopping run: fit the ridge and choose its weight.

    ``train`` and ``validation`` are ``(X, y, sample_weight)`` of the training and
    held-out rows (encoded; ``train`` may be streamed rows, whose rows in memory
    the ridge is solved on), ``network_outputs`` the kept epoch's held-out outputs.
    ``refit``: the ridge that predicts is fitted on both, as the network's refit
    trains on both; False where the held-out rows are the caller's ``X_val``, which
    the network never trains on.
    """
    if not estimator._numeric_target:
        return
    if is_streamed(train[0]):  # skbig.fit_stream: the rows it holds in memory
        train = (*(train[0].in_memory() or (None, None)), None)
    if train[0] is None or not _applies(estimator, train, validation):
        return
    X_val, y_val, w_val = validation
    y_val = np.asarray(y_val, dtype=np.float64).reshape(len(y_val), -1)
    alpha = _cv_alpha(*train) if sp.issparse(train[0]) else None
    ridge = _ridge(*train, alpha=alpha)
    net = np.asarray(network_outputs, dtype=np.float64).reshape(y_val.shape)
    gap = ridge.predict(X_val).reshape(y_val.shape) - net
    w = np.ones(len(y_val)) if w_val is None else np.asarray(w_val, np.float64)
    denominator = np.sum(w[:, None] * gap * gap)
    weight = (
        np.sum(w[:, None] * gap * (y_val - net)) / denominator if denominator else 0
    )
    if refit:
        rows = [_stacked(a, b) for a, b in zip(train, validation, strict=True)]
        ridge = _ridge(*rows, alpha=alpha)
    k = y_val.shape[1]  # RidgeCV drops the column of a one-column target
    coef = np.asarray(ridge.coef_, dtype=np.float64).reshape(k, -1)
    estimator.linear_coef_ = coef.T.copy()
    estimator.linear_intercept_ = np.asarray(ridge.intercept_, np.float64).reshape(k)
    estimator.linear_alpha_ = float(ridge.alpha_ if alpha is None else alpha)
    estimator.linear_weight_ = float(np.clip(weight, 0.0, 1.0))


def blended(estimator, X, raw):
    """The network's outputs ``raw`` for encoded ``X``, blended with the linear
    part's where there is one."""
    coef = getattr(estimator, "linear_coef_", None)
    if coef is None:
        return raw
    if not sp.issparse(X):
        X = np.asarray(X, dtype=np.float64)
    linear = X @ coef + estimator.linear_intercept_
    weight = estimator.linear_weight_
    return (1 - weight) * raw.reshape(linear.shape) + weight * linear


def _applies(estimator, train, validation):
    if estimator.linear_part is False or validation is None or train[1] is None:
        return False
    if estimator.linear_part is True:  # a private fit never gets here
        return sp.issparse(train[0]) or isinstance(train[0], np.ndarray)
    # "auto": one target on sparse input that is not an encoded table (text),
    # as the rule was checked; the sparse solver costs a solve per target.
    one_target = np.ndim(train[1]) == 1 or np.shape(train[1])[1] == 1
    return sp.issparse(train[0]) and one_target and not is_table(train[0])


def _stacked(a, b):
    if a is None or b is None:
        return None
    return sp.vstack([a, b], format="csr") if sp.issparse(a) else np.concatenate([a, b])


def _ridge(X, y, sample_weight, alpha=None):
    y = np.asarray(y, dtype=np.float64).reshape(y.shape[0], -1)
    if alpha is not None:  # sparse input: a penalty cross-validation chose
        ridge = Ridge(alpha=alpha, solver="sparse_cg")
        return ridge.fit(X, y, sample_weight=sample_weight)
    X = np.asarray(X, dtype=np.float64)
    return RidgeCV(alphas=ALPHAS).fit(X, y, sample_weight=sample_weight)


def _cv_alpha(X, y, sample_weight, folds=3):
    """On sparse input leave-one-out needs an n x n matrix: up to ``LOO_ROWS`` rows
    it is used; above, the penalty is chosen by three-fold cross-validation of the
    training part, from the largest penalty down (the small ones cost the iterative
    solver the most steps), stopping at the first that does worse than the one
    before."""
    from sklearn.model_selection import KFold

    y = np.asarray(y, dtype=np.float64).reshape(y.shape[0], -1)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    if len(y) <= LOO_ROWS:
        ridge = RidgeCV(alphas=SPARSE_ALPHAS).fit(X, y, sample_weight=w)
        return float(ridge.alpha_)
    splits = list(KFold(folds, shuffle=True, random_state=0).split(y))
    best, best_error = None, np.inf
    for alpha in SPARSE_ALPHAS[::-1]:
        error = 0.0
        for fit, score in splits:
            ridge = _ridge(X[fit], y[fit], w[fit], alpha=alpha)
            gap = ridge.predict(X[score]).reshape(len(score), -1) - y[score]
            error += np.sum(w[score, None] * gap * gap)
        if error >= best_error:
            break
        best, best_error = float(alpha), error
    return best
