"""The features an estimator is given, validated once before its network sees them."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ._tables import as_trained, sparse_training


def checked_features(estimator, X, y, reset):
    """``(X, y)`` validated the current scikit-learn way (``y`` only when given or
    fitting). CSR input stays CSR (canonical, never the caller's matrix edited),
    values become float32; with ``reset`` (a new fit) it records scikeras'
    ``X_shape_`` and ``X_dtype_`` and whether the network trains on sparse input.
    Features that are strings are refused with what to do instead."""
    kwargs = dict(accept_sparse=("csr", "csc", "coo"), dtype=np.float32, reset=reset)
    try:
        if y is not None or reset:
            # With y=None at fit time scikit-learn raises its "requires y" error.
            kwargs["y_numeric"] = estimator._numeric_target
            X, y = validate_data(estimator, X, y, multi_output=True, **kwargs)
        else:
            X = validate_data(estimator, X, **kwargs)
    except (ValueError, TypeError) as error:  # pandas: TypeError for dates
        name = type(estimator).__name__
        message = _strings_message(name, X)
        if message is None and y is not None and estimator._numeric_target:
            message = _target_message(name, y)
        if message is None:
            raise
        raise ValueError(message) from error
    if reset:
        # scikeras' metadata, read by users' build functions (``meta``).
        estimator.X_shape_ = X.shape
        estimator.X_dtype_ = X.dtype
        estimator._sparse_input = sparse_training(estimator, X)
    if sp.issparse(X):
        # Keras turns each batch into a tf.SparseTensor, which wants canonical
        # (sorted, duplicate-free) CSR; never edit the caller's.
        X = sp.csr_matrix(X)
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
    return as_trained(estimator, X), y


def _strings_message(name, X):
    """What to do with features that are strings (raw text, a table's categories)
    or a table's dates, or None when ``X`` holds none."""
    columns = getattr(X, "columns", None)
    if columns is not None and hasattr(X, "dtypes"):  # a DataFrame
        kinds = [getattr(dtype, "kind", "O") for dtype in X.dtypes]
        named = [
            str(c) for c, kind in zip(columns, kinds, strict=True) if kind in "OUS"
        ]
        dated = [str(c) for c, kind in zip(columns, kinds, strict=True) if kind in "mM"]
        if dated and not named:
            return (
                f"{name} takes numbers, and the columns {', '.join(dated[:5])} hold "
                "dates or durations: turn them into numbers first (a year, a day "
                "of the week, seconds since a date)."
            )
        if not named:
            return None
        return (
            f"{name} takes numbers, and the columns {', '.join(named[:5])} hold "
            "strings: one-hot encode them first (a ColumnTransformer with a "
            "OneHotEncoder), or put a vectorizer before a column of text."
        )
    if sp.issparse(X):
        return None
    try:
        values = np.asarray(X, dtype=object)
    except (TypeError, ValueError):
        return None
    first = next(_strings(values), None)
    if first is None:
        return None
    if values.ndim == 1:
        return (
            f"{name} takes numbers, not raw text (got strings such as "
            f"{first[:40]!r}): make_text_classifier() vectorises text first, "
            "or put a TfidfVectorizer before it in a Pipeline."
        )
    return (
        f"{name} takes numbers, and X holds strings such as {first[:40]!r}: "
        "encode them first (a OneHotEncoder for categories)."
    )


def _strings(values):
    """The strings among ``values`` (any array-like), lazily."""
    flat = np.asarray(values, dtype=object).ravel()
    return (value for value in flat if isinstance(value, str))


def _target_message(name, y):
    """What to do with a regressor's targets that are not numbers, or None."""
    for value in _strings(y):
        try:
            float(value)
        except ValueError:
            return (
                f"{name} predicts numbers, and y holds strings such as "
                f"{value[:40]!r}: use MLPClassifier for labels."
            )
    return None


def numeric_targets(name, y):
    """A regressor's targets given as strings, as float64 (as scikit-learn reads
    "1.5"); labels that are no numbers are refused with what to do instead."""
    try:
        return y.astype(np.float64)
    except ValueError as error:
        raise ValueError(_target_message(name, y) or str(error)) from error
