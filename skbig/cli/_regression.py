"""``--regression``: numbers as the targets of ``skbig train`` and ``tune``, scored
as numbers by ``train``, ``evaluate`` and ``predict``."""

import math
import os

import numpy as np

from ._data import DataError


class NumericTargets:
    """The label column read as numbers (a rating, a price, a year): what
    ``make_text_regressor()`` trains on. Same interface as ``Targets``."""

    multilabel = False
    numeric = True
    classes = ()

    def __init__(self, labels, path, column):
        self.path, self.column = path, column
        values = self.encode(labels)
        if np.unique(values).size < 2:
            raise DataError(
                f"{path}: column {column!r} holds a single value ({values[0]:g}); a "
                "regressor needs targets that vary"
            )
        self.low, self.high = float(values.min()), float(values.max())

    def encode(self, labels, path=None):
        return as_numbers(labels, path or self.path, self.column)


def as_numbers(labels, path, column):
    """``labels`` as float64, or a DataError naming the first that is not a finite
    number (and its row)."""
    values = np.empty(len(labels))
    for row, label in enumerate(labels):
        number = finite_number(label)
        if number is None:
            raise not_a_number(label, f"{path}: row {row + 1} of column {column!r}")
        values[row] = number
    return values


def finite_number(label):
    """``label`` as a finite float (a number, or text that reads as one), else
    None."""
    number = parsed_number(label)
    return number if number is not None and math.isfinite(number) else None


def not_a_number(label, place):
    """The error for a ``label`` at ``place`` (the file, row and column) that is no
    finite number."""
    return DataError(
        f"{place} holds {str(label)[:60]!r}, not a number; --regression trains on "
        "numeric targets"
    )


def parsed_number(label):
    """``label`` as a float (a number, or text that reads as one), else None."""
    if isinstance(label, bool | list):
        return None
    try:
        return float(label)
    except (TypeError, ValueError):
        return None


def regression_scores(y_true, y_pred):
    """R², mean absolute error, root mean squared error and mean error, as the
    report scores them."""
    from .._report._regression import regression_scores as scored

    return scored(np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64))


def regression_shown(metrics):
    return (
        f"R² {metrics['r2']:.4f}, MAE {metrics['mae']:.4g}, RMSE {metrics['rmse']:.4g}"
    )


def check_regression_options(args):
    """What ``--regression`` cannot be combined with, refused before any work."""
    from ._commands import UsageError

    if getattr(args, "label_separator", None):
        raise UsageError(
            "--regression cannot be used with --label-separator (a regressor trains "
            "on one number a document)"
        )


def evaluate_regressor(args, model, texts, labels, label_column):
    """``skbig evaluate`` of a regressor: its scores on the labelled ``texts``."""
    from ._commands import predict_in_chunks
    from ._data import write_json

    y_true = as_numbers(labels, args.data, label_column)
    y_pred = predict_in_chunks(model, texts, args.quiet)
    metrics = regression_scores(y_true, y_pred)
    print(f"{regression_shown(metrics)}\n({len(texts)} documents)")
    if args.report_dir:
        os.makedirs(args.report_dir, exist_ok=True)
        result = dict(metrics, documents=len(texts))
        write_json(os.path.join(args.report_dir, "evaluation.json"), result)
        print(f"report written to {args.report_dir}")
    return 0
