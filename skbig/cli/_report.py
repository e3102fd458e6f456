"""``skbig report`` and ``skbig card``: a saved model, shown and described."""

import os
import sys

from .._files import write_atomically
from ._commands import check_outputs_before_work
from ._data import DataError, read_dataset
from ._labels import labels_to_score
from ._model import columns, load_model
from ._regression import as_numbers, regression_shown


def _notes(args):
    if not args.card_notes:
        return None
    try:
        with open(args.card_notes, encoding="utf-8") as file:
            return file.read().strip()
    except OSError as error:
        raise DataError(
            f"{args.card_notes}: cannot read it ({error.strerror})"
        ) from None


def report(args):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise DataError(
            'the report draws figures with matplotlib: pip install "skbig[plot]"'
        ) from None
    from .._report import report as write_report

    check_outputs_before_work(args)
    notes = _notes(args)
    model, metadata = load_model(args.model, regressors="text")
    text_column, label_column, separator = columns(args, metadata)
    numbers = not hasattr(model, "classes_")  # a regressor
    texts, labels = read_dataset(
        args.data, text_column, label_column, separator, numbers=numbers
    )
    if numbers:
        labels, names = as_numbers(labels, args.data, label_column), None
    else:
        labels, names = labels_to_score(args.data, labels, model, metadata)
    scores = write_report(
        model,
        texts,
        labels,
        args.output,
        data_name=args.data,
        model_file=args.model,
        card_notes=notes,
        label_names=names,
    )
    size = os.path.getsize(args.output) / 2**20
    if numbers:
        said = regression_shown(scores)
    elif names is not None:
        said = (
            f"micro-F1 {scores['micro_f1']:.4f}, macro-F1 {scores['macro_f1']:.4f}, "
            f"every label right {scores['subset_accuracy']:.4f}"
        )
    else:
        said = f"accuracy {scores['accuracy']:.4f}, macro-F1 {scores['macro_f1']:.4f}"
    if not numbers:
        said += f", log-loss {scores['log_loss']:.4f}, ECE {scores['ece']:.4f}"
    print(f"{said} ({scores['documents']} documents)")
    print(f"report written to {args.output} ({size:.1f} MB)")
    return 0


def card(args):
    from .._report import model_card

    notes = _notes(args)
    model, _ = load_model(args.model, regressors="any")
    text = model_card(
        model, model_file=args.model, card_notes=notes, license=args.license
    )
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    write_atomically(args.output, text.encode("utf-8"))
    print(f"model card written to {args.output}")
    return 0
