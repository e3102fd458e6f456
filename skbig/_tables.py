"""Sparse input that is an encoded table, not text (``densify_tables``).

A ``ColumnTransformer`` that one-hot encodes a table's categories hands the
classifier a sparse matrix, as a ``TfidfVectorizer`` does; scikit-learn makes it
sparse whenever under 30 % of its entries are non-zero. Text and such a table
are told apart by their rows: every row of a one-hot table holds one column per
category and one per standardised number, while a document holds as many terms
as it has words to say (on every corpus of the bench at most 19 % of the
documents share their number of distinct terms; 20 Newsgroups cut into chunks
of exactly 5 words, 65 %; of 50 words, 14 %). A classifier trains such a table
as the dense table it is: standardised, with the dense defaults.
"""

import numpy as np
import scipy.sparse as sp

#: The share of the rows that must hold equally many non-zeros in a table (a few
#: may hold fewer: a standardised number that is exactly 0).
SAME_COUNT_SHARE = 0.9
#: The largest dense copy made of a sparse table, in bytes (float32 entries).
MAX_DENSE_BYTES = 2**30
#: The fewest rows a table is told by: on a handful, equal counts say nothing (the
#: rule was checked on tables of 838 to 22,272 rows).
MIN_ROWS = 200


def is_table(X):
    """Whether the sparse ``X`` looks like an encoded table: it has ``MIN_ROWS``
    rows or more, ``SAME_COUNT_SHARE`` of them hold the same (non-zero) number of
    non-zeros, and its dense copy fits ``MAX_DENSE_BYTES``."""
    n_rows, n_columns = X.shape
    if n_rows < MIN_ROWS or n_rows * n_columns * 4 > MAX_DENSE_BYTES:
        return False
    counts = np.bincount(np.diff(X.tocsr().indptr))
    counts[0] = 0  # empty rows are no table's
    return bool(counts.max() >= SAME_COUNT_SHARE * n_rows)


def sparse_training(estimator, X, *, partial=False):
    """Whether ``estimator`` trains on ``X`` as sparse input: ``X`` is sparse and
    not a table that ``densify_tables`` trains dense (a private fit and a first
    ``partial_fit``, whose batch cannot speak for the stream, never do; a later one
    goes on as its network was trained)."""
    if not sp.issparse(X):
        return False
    if partial or vars(estimator).get("_scikeras_partial", False):
        return getattr(estimator, "_sparse_input", True)
    densify = getattr(estimator, "densify_tables", False)
    if not densify or estimator.dp_epsilon is not None:
        return True
    return not is_table(X)


def as_trained(estimator, X):
    """``X`` as the fitted network reads it: a sparse ``X`` densified for a
    network trained on dense input."""
    if sp.issparse(X) and not getattr(estimator, "_sparse_input", True):
        return X.toarray()
    return X


def standardised(estimator, rows):
    """``rows`` of raw features (an array or a tensor) as the estimator's network
    reads them: standardised where it was trained on dense input."""
    encoder = getattr(estimator, "feature_encoder_", None)
    mean = getattr(encoder, "mean_", None)
    if mean is None:
        return rows
    return (rows - mean.astype(np.float32)) / encoder.scale_.astype(np.float32)
