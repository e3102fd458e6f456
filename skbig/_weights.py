"""Naive-Bayes weights for the columns of sparse input (``nb_weights=True``).

A classifier's sparse input (TF-IDF) has one column per term, and a network
trained by row-wise Adagrad moves each term's kernel row by about the same step
whatever the term says about the classes. Scaling each column by how unevenly
its term falls across the classes (naive Bayes' log-count ratio, as NBSVM
weighs features: Wang and Manning, 2012) makes the terms that tell classes
apart count more, from the first step. Each row is then rescaled to its
original norm, so an L2-normalised TF-IDF row stays L2-normalised.
"""

import numpy as np
import scipy.sparse as sp

#: Added to every term's document count in each class, as naive Bayes smooths.
SMOOTHING = 1.0
#: The smallest weight, against the mean square of 1.
FLOOR = 1e-3


def learns_weights(estimator, X, new_network):
    """Whether this fit learns ``feature_weights_``: ``nb_weights`` is on, ``X``
    is a sparse matrix, and a new network is trained (a warm start or
    ``partial_fit`` keeps the weights its network was trained with)."""
    wanted = bool(getattr(estimator, "nb_weights", False))
    return wanted and new_network and sp.issparse(X)


def kept_weights(estimator, X):
    """``X`` weighted by the weights the estimator's network was trained with,
    for a warm start or ``partial_fit`` (unweighted when it has none)."""
    weights = getattr(estimator, "feature_weights_", None)
    if weights is not None and not (sp.issparse(X) or isinstance(X, np.ndarray)):
        raise ValueError(
            "This network was trained on columns scaled by nb_weights, which a "
            "streamed fit cannot compute; continue it on data in memory, or "
            "stream into a new network (warm_start=False)."
        )
    return weighted(X, weights)


def learned_weights(estimator, X, y, validation=None):
    """Learns ``estimator.feature_weights_`` from the rows a training run trains
    on, ``X`` and ``y``; returns ``X`` and the held-out ``validation`` tuple
    ``(X_val, y_val)`` (or None) weighted by them."""
    estimator.feature_weights_ = nb_weights(X, y, estimator._target_kind)
    if validation is not None:
        validation = (
            weighted(validation[0], estimator.feature_weights_),
            *validation[1:],
        )
    return weighted(X, estimator.feature_weights_), validation


def nb_weights(X, y, kind):
    """One weight per column of the sparse ``X``, learned from the encoded
    targets ``y`` (class codes ``(n, 1)``, or a label indicator ``(n, L)`` when
    ``kind`` is ``"multilabel-indicator"``).

    For each class (or label) c, a term's share among the terms present in
    class c's rows and its share among the other rows' are compared, each count
    smoothed by ``SMOOTHING``; the weight is the largest absolute log ratio over
    the classes, scaled so that the weights' mean square is one. A column that
    is non-zero in every row is not a term but a number beside them: weight 1.
    """
    present = sp.csr_matrix(X, copy=True)
    present.data = (present.data != 0).astype(np.float64)
    total = np.asarray(present.sum(axis=0)).ravel()
    # A column non-zero in every row is no term whose presence could tell the
    # classes apart: it is a number beside the terms (a StandardScaler's column
    # in a ColumnTransformer), whose ratio would be about 0 whatever its values
    # say. It keeps weight 1, and the terms are weighed among themselves.
    terms = total < X.shape[0]
    present = present[:, terms]
    total = total[terms]
    y = np.asarray(y)
    if kind == "multilabel-indicator":
        members = [y[:, j] > 0.5 for j in range(y.shape[1])]
    else:
        codes = y.reshape(len(y), -1)[:, 0]
        members = [codes == code for code in np.unique(codes)]
    ratio = np.zeros(present.shape[1])
    for inside in members:
        mine = present.T @ inside.astype(np.float64)
        p = mine + SMOOTHING
        q = total - mine + SMOOTHING
        log_ratio = np.log(p / p.sum()) - np.log(q / q.sum())
        np.maximum(ratio, np.abs(log_ratio), out=ratio)
    weights = np.ones(X.shape[1], dtype=np.float32)
    size = np.sqrt(np.mean(ratio**2)) if ratio.size else 0.0
    if np.isfinite(size) and size > 0:
        # A floor keeps every column (a term spread exactly evenly has ratio 0),
        # so that no row with terms loses them all.
        weights[terms] = np.maximum(ratio / size, FLOOR)
    return weights


def weighted(X, weights):
    """``X`` with column j multiplied by ``weights[j]`` and each row rescaled to
    the norm it had (a row whose weighted terms are all 0 stays 0); ``X``
    itself when ``weights`` is None. Sparse ``X`` stays sparse."""
    if weights is None:
        return X
    if sp.issparse(X):
        X = sp.csr_matrix(X, dtype=np.float32, copy=True)
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        before = np.bincount(rows, X.data**2, minlength=X.shape[0])
        X.data *= weights[X.indices]
        after = np.bincount(rows, X.data**2, minlength=X.shape[0])
        X.data *= _factors(before, after)[rows]
        return X
    X = np.asarray(X, dtype=np.float32)
    scaled = X * weights
    return scaled * _factors((X**2).sum(axis=1), (scaled**2).sum(axis=1))[:, None]


def _factors(before, after):
    """sqrt(before / after) per row, 0 where ``after`` is 0, in float32."""
    factor = np.zeros(len(after))
    nonzero = after > 0
    factor[nonzero] = np.sqrt(before[nonzero] / after[nonzero])
    return factor.astype(np.float32)
