"""Labels as the command line trains on them, and the held-out split."""

import sys
import warnings

import numpy as np

from ._data import DataError, read_dataset
from ._regression import NumericTargets, parsed_number


def as_lists(labels):
    """Multi-label rows as lists, a lone label counting as a list of one."""
    return [label if isinstance(label, list) else [label] for label in labels]


def labels_to_score(path, labels, model, metadata):
    """``(y, names)``: the labels of the data file ``path`` as ``model`` is scored
    on them, checked against its classes; for a multi-label model, the indicator
    matrix over its labels and their names (else None)."""
    multilabel = bool(metadata.get("multilabel"))
    check_known(path, labels, metadata.get("classes") or model.classes_, multilabel)
    if not multilabel:
        return labels, None
    names = metadata["classes"]
    return indicator_matrix(labels, names, path), names


def check_known(path, labels, classes, multilabel=False):
    """Refuse data none of whose labels is one of the model's ``classes``: the
    wrong ``--label-column``, most likely (or, for a multi-label model, labels
    joined by a separator)."""
    known = {str(c) for c in classes}
    seen = {str(v) for label in as_lists(labels) for v in label}
    if not known & seen:
        if multilabel:
            _refuse_joined(path, seen, known)
        raise DataError(
            f"{path}: none of its labels is one of the model's classes "
            f"({', '.join(sorted(known)[:10])}); is --label-column right?"
        )


#: What multi-label strings are joined by, to recognise a missing
#: ``--label-separator`` ("|" is what ``skbig predict`` writes).
SEPARATORS = ("|", ";", ",")


def indicator_matrix(labels, names, path, unknown=None):
    """Multi-label rows (lists, or lone labels) of the file ``path`` as the 0/1
    matrix of a model whose labels are ``names``. Labels that are the model's
    joined by a separator are refused with the option that splits them; others it
    does not know count as absent, said on stderr (or, given a set ``unknown``,
    added to it for the caller to say once, as a file read in chunks does)."""
    from sklearn.preprocessing import MultiLabelBinarizer

    lists = as_lists(labels)
    known = {str(name) for name in names}
    absent = sorted({str(v) for row in lists for v in row} - known)
    _refuse_joined(path, absent, known)
    if unknown is not None:
        unknown.update(absent)
    elif absent:
        say_unknown(path, absent)
    with warnings.catch_warnings():  # said above, in a line of its own
        warnings.simplefilter("ignore", UserWarning)
        return MultiLabelBinarizer(classes=names).fit([names]).transform(lists)


def say_unknown(path, unknown):
    """Say on stderr which labels of ``path`` a model does not know."""
    unknown = sorted(unknown)
    more = ", ..." if len(unknown) > 5 else ""
    shown = ", ".join(map(repr, unknown[:5])) + more
    print(
        f"skbig: {len(unknown)} label(s) of {path} are not the model's and count "
        f"as absent: {shown}",
        file=sys.stderr,
    )


def _refuse_joined(path, labels, known):
    """Refuse ``labels`` (none of them ``known``) that are ``known`` ones joined
    by a separator, naming the option that splits them."""
    for separator in SEPARATORS:
        joined = sorted(u for u in labels if set(u.split(separator)) <= known)
        if joined:
            raise DataError(
                f"{path}: labels such as {joined[0]!r} are the model's labels "
                f"joined by {separator!r}; pass --label-separator '{separator}'"
            )


class Targets:
    """Labels as the pipeline trains on them: a vector, or a multi-label matrix."""

    numeric = False  # numbers to regress on: ``_regression.NumericTargets``

    def __init__(self, labels, path, column):
        self.multilabel = any(isinstance(label, list) for label in labels)
        if self.multilabel:
            from sklearn.preprocessing import MultiLabelBinarizer

            self.binarizer = MultiLabelBinarizer().fit(as_lists(labels))
            self.classes = list(self.binarizer.classes_)
        else:
            self.classes = sorted(set(labels), key=str)
            if len(labels) >= 20 and len(self.classes) > 0.5 * len(labels):
                numbers = all(parsed_number(label) is not None for label in labels)
                raise DataError(
                    f"{path}: column {column!r} holds {len(self.classes)} distinct "
                    f"labels in {len(labels)} rows: nearly every label is unique. "
                    "Is --label-column the column of the labels?"
                    + (" Numbers to predict: pass --regression." if numbers else "")
                )
        if len(self.classes) < 2:
            raise DataError(
                f"{path}: column {column!r} holds a single class "
                f"({self.classes[0] if self.classes else 'none'}); a classifier needs "
                "at least two"
            )

    def encode(self, labels, path=None):
        if not self.multilabel:
            return np.asarray(labels)
        return self.binarizer.transform(as_lists(labels))


def training_data(args):
    """DATA's texts, its ``Targets`` (numbers with ``--regression``) and the
    labels encoded as the pipeline trains on them."""
    texts, labels = read_dataset(
        args.data, args.text_column, args.label_column, args.label_separator,
        numbers=args.regression,
    )  # fmt: skip
    kind = NumericTargets if args.regression else Targets
    targets = kind(labels, args.data, args.label_column)
    return texts, targets, targets.encode(labels)


def hold_out(texts, y, targets, args):
    """Split off ``--test-size``, stratified by class (not for multi-label or
    numeric targets); classes with a single document (real corpora have them)
    stay in training, where a stratified split cannot put them on both sides."""
    from sklearn.model_selection import train_test_split

    kept = []
    single = np.zeros(len(texts), dtype=bool)
    stratified = not (targets.multilabel or targets.numeric)
    if stratified:
        values, counts = np.unique(y, return_counts=True)
        kept = sorted(values[counts == 1].tolist(), key=str)
        single = np.isin(y, values[counts == 1])
    rest = np.flatnonzero(~single)
    try:
        train, test = train_test_split(
            rest,
            test_size=args.test_size,
            random_state=args.random_state,
            stratify=y[rest] if stratified else None,
        )
    except ValueError as error:
        raise DataError(
            f"{args.data}: cannot hold out a test split ({error})"
        ) from None
    train = np.sort(np.concatenate([train, np.flatnonzero(single)]))
    pick = lambda rows: [texts[i] for i in rows]  # noqa: E731
    return pick(train), y[train], pick(test), y[test], kept


def validation_set(args, targets):
    """``--validation``'s documents and labels, as the network's ``X_val`` and
    ``y_val`` (nothing without it)."""
    if not args.validation:
        return {}
    texts, labels = read_dataset(
        args.validation, args.text_column, args.label_column, args.label_separator,
        numbers=targets.numeric,
    )  # fmt: skip
    if targets.multilabel:
        y = indicator_matrix(labels, targets.classes, args.validation)
    elif targets.numeric:
        y = targets.encode(labels, args.validation)
    else:
        unknown = sorted({str(v) for v in labels} - {str(c) for c in targets.classes})
        if unknown:
            raise DataError(
                f"{args.validation}: labels the training data does not hold: "
                f"{', '.join(unknown[:10])}"
            )
        y = np.asarray(labels)
    return {"mlp__X_val": texts, "mlp__y_val": y}
