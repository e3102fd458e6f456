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

    if args.label_separator:
        raise UsageError("--stream trains single-label classifiers; drop "
                         "--label-separator or train in memory")  # fmt: skip
    if args.dp_epsilon is not None:
        raise UsageError("--stream does not train privately; drop --dp-epsilon")
    holding = 0.0 if args.test else args.test_size
    curve_texts, curve_labels = [], []
    counted = {"documents": 0}

    def chunks():
        rng = np.random.default_rng(args.random_state)
        seen = 0
        for texts, labels, held in _chunks(args, args.data, holding):
            for i in np.flatnonzero(held):  # reservoir sample for the curve
                seen += 1
                slot = len(curve_texts) if seen <= CURVE_SAMPLE else rng.integers(seen)
                if slot == len(curve_texts):
                    curve_texts.append(texts[i]), curve_labels.append(labels[i])
                elif slot < CURVE_SAMPLE:
                    curve_texts[slot], curve_labels[slot] = texts[i], labels[i]
            train = np.flatnonzero(~held)
            counted["documents"] += len(train)
            yield [texts[i] for i in train], [labels[i] for i in train]

    callbacks = []
    if args.test or holding > 0:
        if args.test:
            for texts, labels, _ in _chunks(args, args.test, 0.0):
                curve_texts += texts[: CURVE_SAMPLE - len(curve_texts)]
                curve_labels += labels[: CURVE_SAMPLE - len(curve_labels)]
        callbacks.append(HeldOutScores(pipeline, curve_texts, curve_labels))
    given = {}
    if args.validation:  # held in memory, its labels checked by the fit
        texts, labels = read_dataset(args.validation, args.text_column,
                                     args.label_column)  # fmt: skip
        given = {"X_val": texts, "y_val": np.asarray(labels)}
    fit = functools.partial(fit_stream, **given)
    seconds = fit_with_progress(args, pipeline, callbacks, fit, pipeline, chunks)
    classes = pipeline[-1].classes_
    targets = types.SimpleNamespace(
        multilabel=False, numeric=False, classes=classes.tolist()
    )
    print_trained(pipeline, counted["documents"], targets, seconds)
    summary = {"documents": counted["documents"], "seconds": round(seconds, 2)}
    if args.test or holding > 0:
        truth, predicted = [], []
        for texts, labels, held in _chunks(args, args.test or args.data, holding):
            if not args.test:
                texts = [texts[i] for i in np.flatnonzero(held)]
                labels = [labels[i] for i in np.flatnonzero(held)]
            if texts:
                truth += labels
                predicted += pipeline.predict(texts).tolist()
        if truth:
            truth = np.asarray(truth).astype(classes.dtype, copy=False)
            metrics = scores(truth, np.asarray(predicted))
            summary.update(test_documents=len(truth), **metrics)
    return targets, summary


def _chunks(args, path, holding):
    """``(texts, labels, held)`` for every ``CHUNK_ROWS`` rows of ``path``: ``held``
    marks the rows drawn (with probability ``holding``) for the held-out part."""
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
        if isinstance(label, list):
            raise DataError(f"{path}, row {number}: a list of labels; --stream trains "
                            "single-label classifiers")  # fmt: skip
        if is_missing_label(label):
            raise DataError(
                f"{path}, row {number}: column {args.label_column!r} is missing"
            )
        if not isinstance(label, str | int | float | bool) or label not in distinct:
            # read_dataset's checks, once per new label: against one seen before
            check_label_column(f"{path}, row {number}", args.label_column,
                               [*list(distinct)[:1], label])  # fmt: skip
        texts.append(text)
        labels.append(label)
        distinct.add(label)
        if number == CHUNK_ROWS and len(distinct) > 0.5 * number:
            raise DataError(
                f"{path}: column {args.label_column!r} holds {len(distinct)} distinct "
                f"labels in the first {number} rows: nearly every label is unique. Is "
                "--label-column the column of the labels?"
            )
        if len(texts) == CHUNK_ROWS:
            yield texts, labels, _held(args, first, len(texts), holding)
            first += len(texts)
            texts, labels = [], []
    if texts:
        yield texts, labels, _held(args, first, len(texts), holding)


def _held(args, first, n, holding):
    """The held-out rows of the chunk starting at row ``first``: the same on every
    pass, whatever else reads the file."""
    rng = np.random.default_rng([args.random_state, first])
    return rng.random(n) < holding
