"""What skbig checks and weighs about class labels, in numpy.

scikit-learn is imported inside the functions that need it: the command line
checks its label columns with ``check_label_types`` and starts without it.
"""

import warnings

import numpy as np


def resolved_class_weight(class_weight, *, sparse, private):
    """``class_weight`` with "auto" resolved for ``sparse`` or dense input."""
    if class_weight != "auto":
        return class_weight
    return "balanced_sqrt" if sparse and not private else None


def balanced_weights(counts, class_weight):
    """Each class's weight under "balanced" (``n_samples / (n_classes * count)``,
    as scikit-learn computes it) or "balanced_sqrt" (its square root), from the
    classes' counts; None for any other ``class_weight`` (resolve "auto" first)."""
    if class_weight not in ("balanced", "balanced_sqrt"):
        return None
    counts = np.asarray(counts, dtype=np.float64)
    weights = counts.sum() / (len(counts) * counts)
    return np.sqrt(weights) if class_weight == "balanced_sqrt" else weights


def class_counts(y, classes, previous=None):
    """How many labels of each of ``classes`` (sorted) single-label ``y`` holds,
    added to ``previous`` (a new array); None for multi-label ``y``. Labels that
    are not in ``classes`` are not counted (validation refuses them)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return None
    classes = np.asarray(classes)
    counts = np.zeros(len(classes), np.int64)
    if previous is not None and len(previous) == len(classes):
        counts += previous
    positions = _class_positions(y, classes)
    return counts + np.bincount(positions[positions >= 0], minlength=len(classes))


def _class_positions(y, classes):
    """Each label of ``y``'s position in ``classes``; -1 for one not among them."""
    index = {label: i for i, label in enumerate(np.asarray(classes).tolist())}
    labels, codes = np.unique(np.asarray(y).ravel(), return_inverse=True)
    return np.array([index.get(v, -1) for v in labels.tolist()], np.int64)[codes]


def fit_counts(y, clf):
    """The class counts a fit of ``clf`` keeps for a later ``partial_fit``; None
    in a private fit, whose model must not publish its data's counts."""
    return None if clf.dp_epsilon is not None else class_counts(y, clf.classes_)


def running_counts(y, classes, clf):
    """``partial_fit``'s ``(classes, counts)``: a fitted ``clf``'s classes and the
    counts it has trained on (its ``_class_counts``) plus this batch's; on a first
    call, the ``classes`` given, or ``y``'s own. ``y`` is checked first: its types,
    and on a later call without ``classes``, that ``clf`` knows every label."""
    if y is None:
        return None, None
    check_label_types(y)
    if clf.__sklearn_is_fitted__():
        check_known_labels(y, clf.classes_)
        classes, previous = clf.classes_, vars(clf).get("_class_counts")
    elif classes is not None:
        classes, previous = np.unique(classes), None
        check_known_labels(y, classes, first=True)
    else:
        classes, previous = np.unique(np.asarray(y)), None
    return classes, class_counts(y, classes, previous)


def class_weighted(
    y, sample_weight, class_weight, *, sparse=False, private=False, seen=None
):
    """``sample_weight`` times the weights of ``class_weight`` (a new array).

    ``class_weight`` is None, a dict, "balanced", "balanced_sqrt" (the square root
    of the "balanced" weights, and nothing for multi-label targets: each label is
    its own output there) or "auto": "balanced_sqrt" on ``sparse`` input (text,
    where it was chosen) and None on dense input and in ``private`` fits, whose
    class counts the privacy guarantee does not cover.

    ``seen`` (``partial_fit``): ``(classes, counts)`` of every single-label target
    trained on so far, this batch's included; "balanced" and "balanced_sqrt" then
    weigh by those running counts instead of the batch's own, so that a stream
    whose batches each hold few classes is weighted as the whole stream would be.
    """
    if y is not None:
        check_label_types(y)  # before numpy reads them
    class_weight = resolved_class_weight(class_weight, sparse=sparse, private=private)
    if class_weight is None or y is None:
        return sample_weight  # without y, validation says that y is required
    from sklearn.utils.class_weight import compute_sample_weight

    y = np.asarray(y)
    balanced = class_weight in ("balanced", "balanced_sqrt")
    if balanced and seen is not None and seen[1] is not None:
        weights = _running_weights(y, *seen, class_weight)
    elif class_weight == "balanced_sqrt":
        if y.ndim == 2 and y.shape[1] > 1:
            return sample_weight
        _, codes, counts = np.unique(y.ravel(), return_inverse=True, return_counts=True)
        weights = balanced_weights(counts, class_weight)[codes]
    else:
        weights = compute_sample_weight(class_weight, y)
    if sample_weight is None:
        return weights
    return one_per_sample(sample_weight, len(y)) * weights


def weighted_for(clf, X, y, sample_weight, *, seen=None, held_out=False):
    """``class_weighted`` with the classifier ``clf``'s ``class_weight``, "auto"
    resolved for how it trains on ``X``; ``seen``: a ``partial_fit``'s running
    counts, or with ``held_out`` the counts of the ``fit`` that ``y`` is held out
    from."""
    from ._tables import sparse_training

    sparse = sparse_training(clf, X, partial=seen is not None and not held_out)
    auto = dict(sparse=sparse, private=clf.dp_epsilon is not None, seen=seen)
    return class_weighted(y, sample_weight, clf.class_weight, **auto)


def one_per_sample(sample_weight, n_samples, name="sample_weight"):
    """``sample_weight`` as float64 numbers, one a sample (a scalar weighs every
    sample alike), or an error that says what it holds instead."""
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.ndim == 0:
        return np.full(n_samples, float(weights))
    if weights.shape != (n_samples,):
        raise ValueError(
            f"{name} has shape {weights.shape}, but there are {n_samples} "
            f"samples: give one weight a sample (shape ({n_samples},)) or a scalar."
        )
    return weights


def _running_weights(y, classes, counts, class_weight):
    """Each label of ``y``'s "balanced"/"balanced_sqrt" weight from the running
    ``counts`` of ``classes`` (over the classes seen so far; 1 for any other)."""
    counts = np.asarray(counts)
    present = counts > 0
    per_class = np.ones(len(counts))
    per_class[present] = balanced_weights(counts[present], class_weight)
    positions = _class_positions(y, classes)
    return np.where(positions >= 0, per_class[positions], 1.0)


def check_known_labels(y, classes, first=False):
    """Refuse labels of a ``partial_fit`` call that are not in ``classes``: the
    classifier's, or on the ``first`` call the ``classes=`` given."""
    from sklearn.utils.multiclass import type_of_target

    y = np.asarray(y)
    if type_of_target(y) == "multilabel-indicator":
        return
    unseen = np.setdiff1d(np.unique(y), classes)
    if unseen.size and first:
        raise ValueError(
            f"y contains labels missing from classes=: {unseen.tolist()}; "
            f"classes= lists {classes.tolist()} and must hold every label."
        )
    if unseen.size:
        raise ValueError(
            f"y contains labels the classifier has not trained on: "
            f"{unseen.tolist()}; it knows {classes.tolist()}. A stream's first "
            "partial_fit takes every label it will hold through classes=."
        )


def check_fit_targets(y, classes):
    """Classification targets to fit on: single-label ones of at least 2 classes
    (those of ``classes``, when the user gave them)."""
    from sklearn.utils.multiclass import check_classification_targets

    check_classification_targets(y)
    if y.ndim == 1 or y.shape[1] == 1:
        known = np.unique(y) if classes is None else classes
        if len(known) < 2:
            raise ValueError(
                "MLPClassifier needs samples of at least 2 classes, but the "
                f"data contains only one class: {known.tolist()[0]!r}."
            )


def readable_targets(y, fitted_ndim=1):
    """``y`` as a classifier reads it, two shapes of it mended: one column,
    shape (n_samples, 1) (a one-column data frame, ``y.reshape(-1, 1)``), is
    raveled with scikit-learn's ``DataConversionWarning``, as its classifiers
    do, except in a model whose fit kept 2-D targets (``fitted_ndim=2``: one
    fitted before skbig raveled a column); numbers held as objects (a pandas
    column of dtype object) become numbers, which scikit-learn calls "Unknown
    label type: unknown"; a sparse label indicator matrix becomes dense, and a
    data frame is read as one array. Anything else is returned as it is."""
    import scipy.sparse as sp

    if sp.issparse(y):  # a label indicator matrix (MultiLabelBinarizer's sparse_output)
        return y.toarray()
    if not hasattr(y, "shape"):  # a list: numpy reads it unless it holds lists
        if _label_lists(y):
            return y  # for check_label_types to name
        shape = np.asarray(y, dtype=object).shape
    else:
        if not hasattr(y, "dtype"):  # a data frame: its columns read as one array
            y = np.asarray(y)
        if getattr(y.dtype, "kind", None) == "O":  # pandas' dtypes have a kind too
            values = np.asarray(y)
            if values.size and all(isinstance(v, _NUMBERS) for v in values.flat):
                y = np.asarray(values.tolist())
        shape = y.shape  # numbers or strings: nothing to look at one by one
    if fitted_ndim == 2 or len(shape) != 2 or shape[1] != 1:
        return y
    from sklearn.exceptions import DataConversionWarning

    warnings.warn(
        "A column-vector y was passed when a 1d array was expected. Please change "
        "the shape of y to (n_samples,), for example using ravel().",
        DataConversionWarning,
        stacklevel=3,
    )
    return np.asarray(y).ravel()


#: Labels that are numbers, whatever holds them.
_NUMBERS = (bool, int, float, np.bool_, np.integer, np.floating)


def check_label_types(y):
    """Refuse labels that mix strings and numbers, which numpy would turn into
    strings silently (``[1, "a"]`` becomes ``["1", "a"]``), and a list of labels
    per sample, which numpy cannot make an array of."""
    if isinstance(y, np.ndarray) and y.dtype != object:
        return
    if _label_lists(y):
        raise ValueError(
            "y holds a list of labels per sample (multi-label); give an indicator "
            "matrix instead: MultiLabelBinarizer().fit_transform(y) "
            "(sklearn.preprocessing), whose classes_ name its columns."
        )
    values = np.asarray(y, dtype=object).ravel()
    text = [v for v in values if isinstance(v, str | bytes)]
    if text and len(text) != len(values):
        number = next(v for v in values if not isinstance(v, str | bytes))
        raise TypeError(
            "y mixes text and non-text labels (for example "
            f"{text[0]!r} and {number!r}); use one type for every label."
        )


def _label_lists(y):
    """Whether ``y`` holds a collection of labels per sample that is no indicator
    row: sets, or sequences of differing lengths (numpy cannot make an array of
    them; rows of one length are a matrix, for the estimator to judge)."""
    import scipy.sparse as sp

    if sp.issparse(y) or hasattr(y, "columns") or not hasattr(y, "__len__"):
        return False  # a matrix, a table, or a scalar: numpy and the checks read it
    rows = [v for v in y if isinstance(v, list | tuple | set | frozenset)]
    if not rows:
        return False
    if any(isinstance(v, set | frozenset) for v in rows) or len(rows) < len(y):
        return True
    return len({len(v) for v in rows}) > 1


#: The smallest probability a log-loss takes the logarithm of.
MIN_PROBABILITY = 1e-15


def true_label_probability(classes, labels, proba):
    """Each document's probability of its true label; 0 for a label the model
    never saw (a log-loss then charges it ``-log(MIN_PROBABILITY)``, not an error)."""
    index = {label: i for i, label in enumerate(np.asarray(classes).tolist())}
    likelihood = np.zeros(len(labels))
    rows = [
        (n, index[v]) for n, v in enumerate(np.asarray(labels).tolist()) if v in index
    ]
    if rows:
        n, column = np.asarray(rows).T
        likelihood[n] = np.asarray(proba)[n, column]
    return likelihood


def log_loss(classes, labels, proba):
    """The mean of ``-log`` of :func:`true_label_probability`, clipped."""
    p = true_label_probability(classes, labels, proba)
    return float(-np.mean(np.log(np.clip(p, MIN_PROBABILITY, 1.0))))


def predicted_labels(model, documents, label_names=None):
    """``(labels, probabilities)`` of ``documents`` as ``skbig predict`` writes them.

    Single-label: the most probable of ``model.classes_`` for each document.
    Multi-label (``label_names``, one per output column; a multi-label model's
    ``classes_`` are the column numbers): the list of the names of the labels that
    ``model.predict`` picks with its per-label thresholds. A regressor: its
    predictions as floats, and None.
    """
    if not hasattr(model, "predict_proba"):  # a regressor: numbers, no probabilities
        return np.asarray(model.predict(documents), dtype=np.float64).tolist(), None
    proba = model.predict_proba(documents)
    if label_names is None:
        return model.classes_[np.argmax(proba, axis=1)].tolist(), proba
    return picked_names(model.predict(documents), label_names), proba


def picked_names(indicator, label_names):
    """The names of the labels each row of a multi-label ``indicator`` picks."""
    return [[label_names[j] for j in np.flatnonzero(row)] for row in indicator]
