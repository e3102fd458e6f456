"""Naive-Bayes weights for the columns of sparse input (``nb_weights=True``).

A classifier's sparse input (TF-IDF) has one column per term, and a network
trained by row-wise Adagrad moves each term's kernel row by about the same step
whatever the term says about the classes. Scaling each column by how unevenly
its term falls across the classes (naive Bayes' log-count ratio, as NBSVM
weighs features: Wang and Manning, 2012) makes the terms that tell classes
apart count more, from the first step. Each row is then rescaled to its
original norm, so an L2-normalised TF-IDF row stays L2-normalised.
"""

import functools

import numpy as np
import scipy.sparse as sp

from ._plan import is_streamed

#: Added to every term's document count in each class, as naive Bayes smooths.
SMOOTHING = 1.0
#: The smallest weight, against the mean square of 1.
FLOOR = 1e-3


def learns_weights(estimator, X, new_network):
    """Whether this fit learns ``feature_weights_``: ``nb_weights`` is on, ``X``
    is a sparse matrix or streamed rows (:func:`skbig.fit_stream`), and a new
    network is trained (a warm start or ``partial_fit`` keeps the weights its
    network was trained with)."""
    wanted = bool(getattr(estimator, "nb_weights", False))
    return wanted and new_network and (sp.issparse(X) or is_streamed(X))


def kept_weights(estimator, X):
    """``X`` weighted by the weights the estimator's network was trained with,
    for a warm start or ``partial_fit`` (unweighted when it has none)."""
    return weighted(X, getattr(estimator, "feature_weights_", None))


def learned_weights(estimator, X, y, validation=None):
    """Learns ``estimator.feature_weights_`` from the rows a training run trains
    on, ``X`` and ``y`` (streamed rows: counted a part at a time, their targets
    from the rows); returns ``X`` and the held-out ``validation`` tuple
    ``(X_val, y_val)`` (or None) weighted by them."""
    kind = estimator._target_kind
    if is_streamed(X):
        X.counts = _streamed_counts(X, kind)
        estimator.feature_weights_ = X.counts.weights()
    else:
        estimator.feature_weights_ = nb_weights(X, y, kind)
    if validation is not None:
        validation = (
            weighted(validation[0], estimator.feature_weights_),
            *validation[1:],
        )
    return weighted(X, estimator.feature_weights_), validation


def _streamed_counts(rows, kind):
    """The counts of streamed rows, read a part at a time; of rows a hold-out split
    (``rows.split``), the training rows' counts (kept from their run) plus the
    held-out rows', which are all the rows' without another read."""
    counts = ColumnCounts(kind)
    if rows.split is not None:
        training, X_held, codes_held = rows.split
        if training.counts is not None and training.counts.kind == kind:
            return counts.merge(training.counts).add(X_held, rows.target_of(codes_held))
    for part in rows.parts():
        X, codes = rows.load(part)
        counts.add(X, rows.target_of(codes))
    return counts


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
    counts = ColumnCounts(kind)
    counts.add(X, y)
    return counts.weights()


class ColumnCounts:
    """What :func:`nb_weights` counts, added up over parts of the rows: the
    number of rows, and the rows each column is non-zero in, among all rows and
    among each class's (label's).

    The per-class counts are a sparse matrix (columns x classes): a hashed
    vectorizer's million columns are mostly empty.
    """

    def __init__(self, kind):
        self.kind = kind
        self.n_rows = 0
        self.total = self.inside = self.sizes = None

    def add(self, X, y):
        """Count the rows of the sparse ``X`` with encoded targets ``y``."""
        present = sp.csr_matrix(X, copy=True)
        present.data = (present.data != 0).astype(np.float64)
        y = np.asarray(y)
        if self.kind == "multilabel-indicator":
            members = sp.csr_matrix(y > 0.5, dtype=np.float64)
        else:
            codes = y.reshape(len(y), -1)[:, 0].astype(np.int64)
            width = int(codes.max()) + 1 if len(codes) else 0
            members = sp.csr_matrix(
                (np.ones(len(codes)), (np.arange(len(codes)), codes)),
                shape=(len(codes), width),
            )
        part = ColumnCounts(self.kind)
        part.n_rows = X.shape[0]
        part.total = np.asarray(present.sum(axis=0)).ravel()
        part.inside = sp.csc_matrix(present.T @ members)
        part.sizes = np.asarray(members.sum(axis=0)).ravel()
        return self.merge(part, copy=False)

    def merge(self, other, copy=True):
        """Add the counts of ``other`` (of the same columns) to these; ``copy``
        False lets them take ``other``'s arrays."""
        total, sizes, inside = other.total, other.sizes, other.inside
        if copy:
            total, sizes, inside = total.copy(), sizes.copy(), inside.copy()
        if self.total is None:
            self.total, self.sizes, self.inside = total, sizes, inside
        else:
            width = max(inside.shape[1], self.inside.shape[1])  # classes seen so far
            self.inside.resize((len(total), width))
            inside.resize((len(total), width))
            self.sizes = np.pad(self.sizes, (0, width - len(self.sizes)))
            self.total = self.total + total
            self.inside = self.inside + inside
            self.sizes = self.sizes + np.pad(sizes, (0, width - len(sizes)))
        self.n_rows += other.n_rows
        return self

    def weights(self):
        """The weights of :func:`nb_weights` from the counts."""
        # A column non-zero in every row is no term whose presence could tell the
        # classes apart: it is a number beside the terms (a StandardScaler's column
        # in a ColumnTransformer), whose ratio would be about 0 whatever its values
        # say. It keeps weight 1, and the terms are weighed among themselves.
        terms = self.total < self.n_rows
        total = self.total[terms]
        inside = sp.csc_matrix(self.inside)
        ratio = np.zeros(len(total))
        for member in range(inside.shape[1]):
            if self.kind != "multilabel-indicator" and self.sizes[member] == 0:
                continue  # a class these rows do not hold
            mine = inside[:, member].toarray().ravel()[terms]
            p = mine + SMOOTHING
            q = total - mine + SMOOTHING
            log_ratio = np.log(p / p.sum()) - np.log(q / q.sum())
            np.maximum(ratio, np.abs(log_ratio), out=ratio)
        weights = np.ones(len(self.total), dtype=np.float32)
        size = np.sqrt(np.mean(ratio**2)) if ratio.size else 0.0
        if np.isfinite(size) and size > 0:
            # A floor keeps every column (a term spread exactly evenly has ratio
            # 0), so that no row with terms loses them all.
            weights[terms] = np.maximum(ratio / size, FLOOR)
        return weights


def weighted(X, weights):
    """``X`` with column j multiplied by ``weights[j]`` and each row rescaled to
    the norm it had (a row whose weighted terms are all 0 stays 0); ``X``
    itself when ``weights`` is None. Sparse ``X`` stays sparse."""
    if weights is None:
        return X
    if is_streamed(X):  # skbig.fit_stream's rows: each part as it is read
        return X.mapped(functools.partial(weighted, weights=weights))
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
