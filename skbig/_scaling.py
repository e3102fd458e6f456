"""SpreadScaler: what a network's dense input is scaled by.

A network needs its dense features on one scale (a breast-cancer area in the
thousands beside a smoothness near 0.1 stalls training), which standardising each
column gives. But standardising also throws away how the columns compare, and
where they are already on comparable scales that is information: iris' petal
lengths vary four times as much as its sepal widths and say more about the species;
the informative columns of ``make_classification`` vary more than its noise
columns. Measured on the dense tables of ``benchmarks/tabular.py`` (10 splits),
keeping the relative spreads of columns within a factor of 10 of each other took
iris from 0.945 to 0.963 and ``cls_300_unit`` from 0.764 to 0.808, and on tables
held back to check it ``cls5_1000_unit`` from 0.658 to 0.716.
"""

from numbers import Real

import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval

from ._names import public


@public
class SpreadScaler(StandardScaler):
    """Standardise columns, keeping their relative spreads when they are similar.

    Every column is centred. When the standard deviations of the non-constant
    columns are all within a factor of ``max_ratio`` of each other, every column is
    divided by one common scale, the root mean square of those deviations, so the
    columns keep their relative sizes and the whole matrix has about unit
    variance; otherwise each column is divided by its own deviation, exactly as
    :class:`~sklearn.preprocessing.StandardScaler` does. ``MLPClassifier`` and
    ``MLPRegressor`` scale dense input with it (their ``feature_encoder_``).

    Parameters
    ----------
    max_ratio : float, default=10.0
        The largest ratio of the largest to the smallest column deviation for which
        the common scale is used; ``1.0`` standardises every column with
        different deviations, as ``StandardScaler`` does.
    copy, with_mean, with_std : bool, default=True
        As for :class:`~sklearn.preprocessing.StandardScaler`.

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,) or None
        What each column is divided by: one value for every non-constant column
        when their deviations are within ``max_ratio``, else each one's own
        (1 for constant columns).
    mean_, var_, n_samples_seen_, n_features_in_, feature_names_in_
        As for :class:`~sklearn.preprocessing.StandardScaler`.

    Examples
    --------
    >>> import numpy as np
    >>> from skbig import SpreadScaler
    >>> X = np.array([[0.0, 0.0], [2.0, 1.0], [4.0, 2.0]])
    >>> SpreadScaler().fit(X).scale_.round(3).tolist()  # within 10x: one scale
    [1.291, 1.291]
    >>> SpreadScaler(max_ratio=1.0).fit(X).scale_.round(3).tolist()
    [1.633, 0.816]
    """

    _parameter_constraints = {
        **StandardScaler._parameter_constraints,
        "max_ratio": [Interval(Real, 1, None, closed="left")],
    }

    def __init__(self, *, max_ratio=10.0, copy=True, with_mean=True, with_std=True):
        super().__init__(copy=copy, with_mean=with_mean, with_std=with_std)
        self.max_ratio = max_ratio

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.array_api_support = False  # the common scale is computed in NumPy
        return tags

    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the statistics with ``X``, as ``StandardScaler.partial_fit``, then
        choose between one common scale and each column's own."""
        super().partial_fit(X, y, sample_weight)
        if self.scale_ is not None:
            self.scale_ = common_scale(self.scale_, self.var_, self.max_ratio)
        return self


def common_scale(scale, var, max_ratio):
    """``scale`` with one value for its non-constant columns (the root mean square
    of their deviations) when those are within ``max_ratio`` of each other."""
    spread = np.sqrt(var[var > 0])
    if spread.size == 0 or spread.max() > max_ratio * spread.min():
        return scale
    return np.where(var > 0, np.sqrt(np.mean(spread**2)), scale).astype(scale.dtype)
