"""What a stream's targets are: the code each row stores, and the network's fit.

Every stored row carries four bytes beside its features. A single-label
classifier's are a class code (its classes counted as they come, for the class
weights); a regressor's, the target itself as a float32 (their mean and spread
kept as they come); a multi-label classifier's, the number of the row's label set
among the distinct sets seen. Each kind then fits the network through its ordinary
``fit`` on a few placeholder rows that carry what the encoder must learn (the
classes, the labels, the targets' mean and spread), with the stored rows handed to
its training (``_streamed_rows``).
"""

import math

import numpy as np
import scipy.sparse as sp

from .._labels import (
    balanced_weights,
    check_label_types,
    class_weighted,
    resolved_class_weight,
)

__all__ = ["Classes", "LabelSets", "Numbers", "stream_targets"]


def stream_targets(regressor, labels):
    """The kind of targets a stream holds, from its estimator and first labels."""
    if regressor:
        return Numbers()
    try:
        rows = np.ndim(labels) == 2
    except ValueError:  # lists of different lengths: Classes names the problem
        rows = False
    return LabelSets() if rows else Classes()


def _fit_on(mlp, rows, placeholder_y, held, **fit_params):
    """``mlp``'s own fit on one empty placeholder row per target in
    ``placeholder_y``, training on the stored ``rows`` instead."""
    placeholder = sp.csr_matrix((len(placeholder_y), rows.shape[1]), dtype=np.float32)
    if held is not None:
        fit_params.update(X_val=held[0], y_val=held[1])
    mlp._streamed_rows = rows
    try:
        mlp.fit(placeholder, placeholder_y, **fit_params)
    finally:
        vars(mlp).pop("_streamed_rows", None)
    mlp.X_shape_ = rows.shape
    return mlp


class Classes:
    """A single-label classifier's labels: each a code in order of appearance,
    counted."""

    def __init__(self):
        self.seen, self.counts = {}, np.zeros(0, np.int64)

    def codes(self, labels, number):
        if any(isinstance(y, list | tuple | set | np.ndarray) for y in labels):
            raise ValueError(
                f"chunk {number}: a label is a list; fit_stream takes multi-label "
                "targets as indicator rows (a 2-D array of 0 and 1 a chunk, as fit "
                "does), a chunk of one kind after another"
            )
        try:  # with a label of an earlier chunk: one type across the stream
            check_label_types(np.asarray(list(self.seen)[:1] + labels, dtype=object))
        except TypeError as error:
            raise TypeError(f"chunk {number}: {error}") from None
        codes = [self.seen.setdefault(y, len(self.seen)) for y in labels]
        counts = np.bincount(codes, minlength=len(self.seen))
        counts[: len(self.counts)] += self.counts
        self.counts = counts
        return np.array(codes, np.int32)

    def classes(self):
        """``classes_`` (sorted, as a fit finds them) and each stored code's
        position in it."""
        labels = np.asarray(list(self.seen), dtype=object)
        try:
            labels = np.asarray(labels.tolist())  # strings or numbers, as fit sees y
        except ValueError:
            pass
        order = np.argsort(labels, kind="stable")
        position = np.empty(len(labels), np.int64)
        position[order] = np.arange(len(labels))
        return labels[order], position

    def class_order(self):
        return self.classes()[1]

    def fit(self, mlp, rows, held=None):
        """Fit ``mlp`` on one placeholder row per class; ``held``: the held-out
        ``(X_val, y_val)`` given, whose rows get their classes' weights from the
        stream's counts (the placeholder's are one each)."""
        classes, order = self.classes()
        counts = np.bincount(order, weights=self.counts)
        private = mlp.dp_epsilon is not None
        weighting = resolved_class_weight(
            mlp.class_weight, sparse=True, private=private
        )
        weights = balanced_weights(counts, weighting)  # None: fit applies the rest
        extra = {}
        if held is not None and weights is not None:  # from the stream's counts
            seen = (classes, counts)
            extra["sample_weight_val"] = class_weighted(
                held[1], None, weighting, seen=seen
            )
        _fit_on(mlp, rows, classes, held, sample_weight=weights, **extra)
        mlp._class_counts = None if private else np.asarray(counts, np.int64)
        return mlp


class Numbers:
    """A regressor's targets: each stored as its float32 (in the code's four
    bytes), their count, mean and sum of squared deviations kept as they come
    (Chan et al.'s pairwise update)."""

    def __init__(self):
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def codes(self, labels, number):
        for label in labels:
            if not _finite_number(label):
                raise ValueError(f"chunk {number}: a regressor trains on finite "
                                 f"numbers, not {label!r:.40}")  # fmt: skip
        values = np.asarray(labels, dtype=np.float64)
        n, mean = len(values), float(values.mean())
        m2 = float(((values - mean) ** 2).sum())
        total = self.n + n
        delta = mean - self.mean
        self.m2 += m2 + delta * delta * self.n * n / total
        self.mean += delta * n / total
        self.n = total
        return values.astype(np.float32).view(np.int32)

    def class_order(self):
        return None

    @staticmethod
    def decode(codes):
        return np.asarray(codes, np.int32).view(np.float32).astype(np.float64)

    def fit(self, mlp, rows, held=None):
        """Fit the regressor ``mlp`` on two placeholder rows whose targets have
        the stream's mean and spread, so its target encoder standardises as over
        the whole stream; the rows are labelled by that encoder."""
        spread = np.sqrt(self.m2 / self.n)
        rows.decode = self.decode
        rows.encode = lambda values: mlp.target_encoder_.transform(values)
        if held is not None:
            held = (held[0], np.asarray(held[1], np.float64))
        return _fit_on(mlp, rows, np.array([self.mean - spread, self.mean + spread]),
                       held)  # fmt: skip


class LabelSets:
    """A multi-label classifier's indicator rows: each row's label set numbered
    among the distinct sets seen (memory grows with the number of distinct sets,
    not of rows), each set kept as its labels' columns."""

    def __init__(self):
        self.seen, self.sets, self.width = {}, [], None

    def codes(self, labels, number):
        try:
            Y = np.asarray(labels)
            valid = Y.ndim == 2 and Y.dtype.kind in "biuf" and np.isin(Y, (0, 1)).all()
        except (TypeError, ValueError):  # ragged lists
            valid = False
        if not valid:
            raise ValueError(
                f"chunk {number}: multi-label targets are indicator rows, a 2-D "
                "array of 0 and 1 a chunk (as fit takes them), every chunk of them"
            )
        if self.width is None:
            self.width = Y.shape[1]
        if Y.shape[1] != self.width:
            raise ValueError(f"chunk {number}: indicator rows of {Y.shape[1]} labels "
                             f"after rows of {self.width}")  # fmt: skip
        codes = np.empty(len(Y), np.int32)
        for i, row in enumerate(Y.astype(bool)):
            key = np.packbits(row).tobytes()
            code = self.seen.setdefault(key, len(self.seen))
            if code == len(self.sets):
                self.sets.append(np.flatnonzero(row))
            codes[i] = code
        return codes

    def class_order(self):
        return None

    def fit(self, mlp, rows, held=None):
        """Fit ``mlp`` on one placeholder row per label (``classes_`` are the
        columns, as an indicator fit gives them); the stored rows' targets are
        their label sets' indicator rows, through the fitted label encoder."""
        if self.width < 2:
            raise ValueError("fit_stream: indicator rows of one label; give a "
                             "binary task's labels as single labels")  # fmt: skip
        if mlp.class_weight not in (None, "auto"):  # "auto": none for multi-label
            raise ValueError(
                f"fit_stream: class_weight={mlp.class_weight!r} weighs multi-label "
                "rows by counts a stream does not keep; use 'auto' or None"
            )
        lengths = [len(s) for s in self.sets]
        table = sp.csr_matrix(
            (np.ones(sum(lengths), np.float32), np.concatenate(self.sets),
             np.concatenate([[0], np.cumsum(lengths)])),
            shape=(len(self.sets), self.width),
        )  # fmt: skip
        rows.decode = lambda codes: table[np.asarray(codes)].toarray()
        rows.encode = lambda Y: mlp.target_encoder_.transform(Y.astype(np.int64))
        _fit_on(mlp, rows, np.eye(self.width, dtype=np.int64), held)
        mlp._class_counts = None  # as a multi-label fit keeps none
        return mlp


def _finite_number(value):
    if isinstance(value, bool | np.bool_ | str | bytes):
        return False
    try:
        return math.isfinite(value)
    except TypeError:
        return False
