"""What skbig checks and weighs about class labels, in numpy.

scikit-learn is imported inside the functions that need it: the command line
checks its label columns with ``check_label_types`` and starts without it.
"""

import numpy as np


def class_weighted(y, sample_weight, class_weight):
    """``sample_weight`` times the weights of ``class_weight`` (a new array).

    ``class_weight`` is None, a dict, "balanced", or "balanced_sqrt": the square
    root of the "balanced" weights, and nothing for multi-label targets (each label
    is its own output there).
    """
    if class_weight is None or y is None:
        return sample_weight  # without y, validation says that y is required
    from sklearn.utils.class_weight import compute_sample_weight

    y = np.asarray(y)
    if class_weight == "balanced_sqrt":
        if y.ndim == 2 and y.shape[1] > 1:
            return sample_weight
        weights = np.sqrt(compute_sample_weight("balanced", y))
    else:
        weights = compute_sample_weight(class_weight, y)
    if sample_weight is None:
        return weights
    return np.asarray(sample_weight, dtype=np.float64) * weights


def check_known_labels(y, classes):
    """Refuse labels of a later ``partial_fit`` call that are not in ``classes``."""
    from sklearn.utils.multiclass import type_of_target

    y = np.asarray(y)
    if type_of_target(y) == "multilabel-indicator":
        return
    unseen = np.setdiff1d(np.unique(y), classes)
    if unseen.size:
        raise ValueError(
            f"y contains labels not seen in the first call to partial_fit: "
            f"{unseen.tolist()}; the classifier knows {classes.tolist()}. "
            "Pass every label through classes= on the first call."
        )


def check_label_types(y):
    """Refuse labels that mix strings and numbers, which numpy would turn into
    strings silently (``[1, "a"]`` becomes ``["1", "a"]``)."""
    if isinstance(y, np.ndarray) and y.dtype != object:
        return
    values = np.asarray(y, dtype=object).ravel()
    text = [v for v in values if isinstance(v, str | bytes)]
    if text and len(text) != len(values):
        number = next(v for v in values if not isinstance(v, str | bytes))
        raise TypeError(
            "y mixes text and non-text labels (for example "
            f"{text[0]!r} and {number!r}); use one type for every label."
        )
