"""``skbig train --stream``: train from a file read in chunks, never held whole."""

import functools
import types

import numpy as np

from ._callbacks import HeldOutScores, fit_with_progress
from ._commands import UsageError, print_trained, scores
from ._data import (
    DataError,
    check_columns,
    check_label_column,
    is_missing,
    is_missing_label,
    iter_rows,
    read_dataset,
    split_labels,
)
from ._labels import indicator_matrix, say_unknown
from ._regression import (
    as_numbers,
    finite_number,
    not_a_number,
    regression_scores,
)

#: Rows read at a time.
CHUNK_ROWS = 10_000
#: Held-out documents scored after every epoch for the learning curve.
CURVE_SAMPLE = 1000


def fit_streamed(args, pipeline):
    """Fit ``pipeline`` on DATA in chunks with :func:`skbig.fit_stream`.

    ``--test-size`` holds out rows drawn from ``(--random-state, chunk)``, so a
    second pass finds the same rows to score; ``--test`` is scored in chunks.
    Returns the targets (for the model file's metadata) and the summary.
    """
    from .._streaming import fit_stream

    if args.dp_epsilon is not None:
        raise UsageError("--stream does not train privately; drop --dp-epsilon")
    # Multi-label: a first pass over the labels alone names the columns that every
    # chunk's indicator rows have (the fit needs them of one width).
    names = None if args.regression else _label_names(args)
    holding = 0.0 if args.test else args.test_size
    curve_texts, curve_labels = [], []
    counted = {"documents": 0, "low": np.inf, "high": -np.inf}

    def chunks():
        rng = np.random.default_rng(args.random_state)
        seen = 0
        for texts, labels, held in _chunks(args, args.data, holding, names):
            for i in np.flatnonzero(held):  # reservoir sample for the curve
                seen += 1
                slot = len(curve_texts) if seen <= CURVE_SAMPLE else rng.integers(seen)
                if slot == len(curve_texts):
                    curve_texts.append(texts[i]), curve_labels.append(labels[i])
                elif slot < CURVE_SAMPLE:
                    curve_texts[slot], curve_labels[slot] = texts[i], labels[i]
            train = np.flatnonzero(~held)
            counted["documents"] += len(train)
            labels = [labels[i] for i in train]
            if args.regression and labels:
                counted["low"] = min(counted["low"], min(labels))
                counted["high"] = max(counted["high"], max(labels))
            if names is not None:  # indicator rows, a 2-D array a chunk
                labels = np.asarray(labels, np.int64).reshape(len(train), -1)
            yield [texts[i] for i in train], labels

    callbacks = []
    if args.test or holding > 0:
        if args.test:  # its first rows; the scoring pass says unknown labels
            for texts, labels, _ in _chunks(args, args.test, 0.0, names, say=False):
                curve_texts += texts[: CURVE_SAMPLE - len(curve_texts)]
                curve_labels.extend(labels[: CURVE_SAMPLE - len(curve_labels)])
                if len(curve_texts) == CURVE_SAMPLE:
                    break
        callbacks.append(HeldOutScores(pipeline, curve_texts, curve_labels))
    given = {}
    if args.validation:  # held in memory, its labels checked by the fit
        texts, labels = read_dataset(
            args.validation, args.text_column, args.label_column,
            numbers=args.regression,
        )  # fmt: skip
        y = np.asarray(labels)
        if args.regression:
            y = as_numbers(labels, args.validation, args.label_column)
        elif names is not None:
            y = indicator_matrix(labels, names, args.validation)
        given = {"X_val": texts, "y_val": y}
    fit = functools.partial(fit_stream, **given)
    seconds = fit_with_progress(args, pipeline, callbacks, fit, pipeline, chunks)
    if args.regression:
        low, high = counted["low"], counted["high"]
        if low == high:
            raise DataError(f"{args.data}: column {args.label_column!r} holds a "
                            f"single value ({low:g}); a regressor needs targets "
                            "that vary")  # fmt: skip
        targets = types.SimpleNamespace(
            multilabel=False, numeric=True, classes=(), low=low, high=high
        )
        classes = None
    else:
        classes = pipeline[-1].classes_
        targets = types.SimpleNamespace(
            multilabel=names is not None, numeric=False,
            classes=classes.tolist() if names is None else names,
        )  # fmt: skip
    print_trained(pipeline, counted["documents"], targets, seconds)
    summary = {"documents": counted["documents"], "seconds": round(seconds, 2)}
    if args.test or holding > 0:
        truth, predicted = [], []
        for texts, labels, held in _chunks(args, args.test or args.data, holding,
                                           names):  # fmt: skip
            if not args.test:
                texts = [texts[i] for i in np.flatnonzero(held)]
                labels = [labels[i] for i in np.flatnonzero(held)]
            if texts:
                truth.extend(labels)  # rows of an indicator array too
                predicted += pipeline.predict(texts).tolist()
        if truth and args.regression:
            metrics = regression_scores(truth, predicted)
            summary.update(test_documents=len(truth), **metrics)
        elif truth:
            truth = np.asarray(truth)
            if names is None:
                truth = truth.astype(classes.dtype, copy=False)
            metrics = scores(truth, np.asarray(predicted))
            summary.update(test_documents=len(truth), **metrics)
    return targets, summary


def _label_names(args):
    """The sorted names of DATA's labels when it is multi-label (lists of labels,
    or ``--label-separator``), as the in-memory fit binarises them; None when it
    is single-label."""
    names = set()
    for number, row in enumerate(iter_rows(args.data), 1):
        label = row.get(args.label_column)
        if number == 1 and not args.label_separator and not isinstance(label, list):
            return None  # single-label, as the first row says
        if isinstance(label, list):
            names.update(label)
        elif is_missing_label(label):
            continue  # the pass that trains names the row
        elif args.label_separator:
            names.update(split_labels(label, args.label_separator))
        else:
            names.add(label)  # a lone label among lists
    if not names and not args.label_separator:
        return None
    check_label_column(args.data, args.label_column, [sorted(names, key=str)])
    if len(names) < 2:
        raise DataError(f"{args.data}: column {args.label_column!r} holds fewer "
                        "than two labels")  # fmt: skip
    return sorted(names)


def _chunks(args, path, holding, names=None, say=True):
    """``(texts, labels, held)`` for every ``CHUNK_ROWS`` rows of ``path``: ``held``
    marks the rows drawn (with probability ``holding``) for the held-out part;
    with the multi-label ``names``, ``labels`` are indicator rows over them (and
    ``say``: the labels not among them are said once the file is read)."""
    if names is None:
        yield from _read_chunks(args, path, holding, lists=False)
        return
    unknown = set()  # said once for the file, not once a chunk
    for texts, labels, held in _read_chunks(args, path, holding, lists=True):
        yield texts, indicator_matrix(labels, names, path, unknown), held
    if unknown and say:
        say_unknown(path, unknown)


def _read_chunks(args, path, holding, lists):
    """``_chunks``' rows as read (``lists``: multi-label rows are lists)."""
    texts, labels, first = [], [], 0
    distinct = set()
    for number, row in enumerate(iter_rows(path), 1):
        if number == 1:
            named = {args.text_column: "--text-column"}
            check_columns(path, row, named | {args.label_column: "--label-column"})
        text, label = row.get(args.text_column), row.get(args.label_column)
        if is_missing(text) or not isinstance(text, str):
            what = "is missing" if is_missing(text) else "is not text"
            raise DataError(f"{path}, row {number}: column {args.text_column!r} {what}")
        if not isinstance(label, list) and is_missing_label(label):
            raise DataError(
                f"{path}, row {number}: column {args.label_column!r} is missing"
            )
        if args.regression:  # a number, as --regression reads it in memory
            value = finite_number(label)
            if value is None:
                place = f"{path}, row {number}: column {args.label_column!r}"
                raise not_a_number(label, place)
            label = value
        elif args.label_separator and not isinstance(label, list):
            label = split_labels(label, args.label_separator)
        elif isinstance(label, list) and not lists:
            raise DataError(f"{path}, row {number}: a list of labels after single "
                            "labels; --stream reads the first row's kind")  # fmt: skip
        elif not isinstance(label, list):
            _check_class(args, path, number, label, distinct)
        texts.append(text)
        labels.append(label)
        if len(texts) == CHUNK_ROWS:
            yield texts, labels, _held(args, first, len(texts), holding)
            first += len(texts)
            texts, labels = [], []
    if texts:
        yield texts, labels, _held(args, first, len(texts), holding)


def _check_class(args, path, number, label, distinct):
    """A class label: of one type with the ones before it (read_dataset's checks,
    once per new label), and not unique to nearly every row."""
    if not isinstance(label, str | int | float | bool) or label not in distinct:
        check_label_column(f"{path}, row {number}", args.label_column,
                           [*list(distinct)[:1], label])  # fmt: skip
    distinct.add(label)
    if number == CHUNK_ROWS and len(distinct) > 0.5 * number:
        raise DataError(
            f"{path}: column {args.label_column!r} holds {len(distinct)} distinct "
            f"labels in the first {number} rows: nearly every label is unique. Is "
            "--label-column the column of the labels?"
        )


def _held(args, first, n, holding):
    """The held-out rows of the chunk starting at row ``first``: the same on every
    pass, whatever else reads the file."""
    rng = np.random.default_rng([args.random_state, first])
    return rng.random(n) < holding
