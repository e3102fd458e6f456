"""The ``skbig`` command line (``skbig --help`` lists its commands).

Exit codes: 0 on success, 1 when a data or model file cannot be used (one line on
stderr says why), 2 for a command line that cannot work (with the usage), 130 after
Ctrl-C, 143 after SIGTERM.
"""

import argparse
import os
import sys
import threading

from ._commands import UsageError, demo, evaluate, explain, predict, train
from ._data import DataError
from ._export import export_model
from ._options import (
    FORMATS,
    add_columns,
    add_params,
    add_regression,
    add_validation,
    command,
)
from ._report import card, report
from ._signals import install, interruption, stopped
from ._tune import tune


def build_parser():
    """The argument parser for ``skbig``."""
    parser = argparse.ArgumentParser(
        prog="skbig",
        description="Keras neural networks as scikit-learn estimators: train, "
        "evaluate, tune and apply text classifiers.",
        epilog="Run 'skbig COMMAND --help' for each command's options and examples.",
    )
    from .._version import __version__

    parser.add_argument("--version", action="version", version=f"skbig {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    p = command(
        commands,
        "demo",
        demo,
        "train the default text classifier on the bundled SMS spam data",
        "Train make_text_classifier() on the SMS Spam Collection shipped with skbig "
        "and print a classification report on its test split.",
        ["skbig demo", "skbig demo --random-state 1"],
    )
    p.add_argument("--random-state", type=int, default=0, help="seed (default 0)")

    p = command(
        commands,
        "train",
        train,
        "train a text classifier on a data file and save it",
        f"Train make_text_classifier() on DATA ({FORMATS}) and save it with "
        "skbig.save (make_text_regressor() with --regression). A held-out split "
        "(--test-size, or the file given by --test) is scored in the summary, and a "
        "sample of up to 1,000 of its documents after every epoch for the learning "
        "curve.",
        [
            "skbig train reviews.csv -o reviews.skbig",
            "skbig train train.jsonl.gz --test test.jsonl.gz -o news.skbig "
            "--param mlp__epochs=10 --report-dir report/",
            "skbig train tickets.tsv --text-column body --label-column tags "
            "--label-separator '|' -o tickets.skbig",
            "skbig train year_of_messages.jsonl.gz --stream -o messages.skbig",
            "skbig train reviews.csv --label-column stars --regression -o stars.skbig",
        ],
    )
    p.add_argument("data", help="training data file")
    p.add_argument("-o", "--output", required=True, help="model file to write")
    add_columns(p)
    held_out = p.add_mutually_exclusive_group()
    held_out.add_argument("--test", metavar="DATA", help="held-out data file")
    held_out.add_argument(
        "--test-size",
        type=float,
        default=0.1,
        metavar="F",
        help="fraction of DATA held out when no --test is given (default 0.1; 0 "
        "trains on everything)",
    )
    add_validation(p)
    add_params(p)
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="write learning_curve.png and training.json here",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="read DATA in chunks of 10,000 rows and never hold it whole (exact "
        "TF-IDF counted chunk by chunk, features cached on disk; multi-label after "
        "a first pass over the labels; with --regression, the network without the "
        "ridge beside it)",
    )
    p.add_argument(
        "--vectorizer",
        choices=["tfidf", "hashing"],
        default="tfidf",
        help="hashing: hashed word counts, no vocabulary to learn (default tfidf)",
    )
    add_regression(p)
    p.add_argument(
        "--dp-epsilon",
        type=float,
        metavar="EPS",
        help="train with differential privacy to this epsilon (hashed features, "
        'DP-SGD; needs "skbig[privacy]"); the model file records the guarantee',
    )
    p.add_argument(
        "--dp-target-bounds",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="with --regression and --dp-epsilon (and needed there): the range the "
        "numbers lie in, known without looking at the data (a rating scale, the "
        "years covered)",
    )

    p = command(
        commands,
        "evaluate",
        evaluate,
        "score a saved model on a labelled data file",
        "Print accuracy, macro-F1 and scikit-learn's classification report for "
        "MODEL (written by skbig train, tune or skbig.save) on DATA.",
        [
            "skbig evaluate news.skbig test.jsonl.gz",
            "skbig evaluate news.skbig test.csv --report-dir report/",
        ],
    )
    p.add_argument("model", help="model file")
    p.add_argument("data", help="labelled data file")
    add_columns(p, defaults=False)
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="write evaluation.json and confusion_matrix.png here",
    )

    p = command(
        commands,
        "predict",
        predict,
        "write predictions and class probabilities for a data file",
        "Predict every row of DATA with MODEL, streaming in chunks, and write the "
        "prediction and one probability column per class to OUT (.csv or .jsonl; "
        "'-' writes CSV to stdout).",
        [
            "skbig predict news.skbig new.jsonl -o predictions.csv",
            "skbig predict news.skbig new.csv --id-column id -o - | head",
            "skbig predict news.skbig archive/ -o predictions.csv --workers 2",
            "skbig predict news.skbig year.jsonl -o out.jsonl "
            "--scheduler tcp://10.0.0.5:8786",
        ],
    )
    p.add_argument("model", help="model file")
    p.add_argument("data", help="data file with a text column")
    p.add_argument("-o", "--output", required=True, help="output file, or -")
    add_columns(p, labels=False, defaults=False)
    p.add_argument(
        "--id-column", help="copy this column to the output (default: row number)"
    )
    p.add_argument(
        "--chunk-size",
        type=int,
        default=2048,
        metavar="N",
        help="rows predicted at a time (default 2048)",
    )
    cluster = p.add_mutually_exclusive_group()
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="score DATA's partitions on this dask.distributed scheduler "
        '(tcp://host:8786; needs "skbig[dask]")',
    )
    cluster.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="score DATA's partitions on a local Dask cluster of N single-threaded "
        "worker processes",
    )

    p = command(
        commands,
        "tune",
        tune,
        "grid-search the pipeline with cross-validation and save the best model",
        "Run GridSearchCV over make_text_classifier() on DATA, print the ranked "
        "candidates and save the best one refitted on all of DATA.",
        [
            "skbig tune train.csv -o best.skbig "
            "--grid 'mlp__hidden_layer_sizes=[(256,),(1024,)]' "
            "--grid 'tfidf__ngram_range=[(1,1),(1,2)]' --cv 3",
        ],
    )
    p.add_argument("data", help="training data file")
    p.add_argument("-o", "--output", required=True, help="model file to write")
    add_columns(p)
    p.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=[V1,V2,...]",
        help="a parameter and the Python list of values to try (repeatable)",
    )
    p.add_argument("--cv", type=int, default=3, help="folds (default 3)")
    p.add_argument(
        "--scoring",
        help="scikit-learn scorer name (default accuracy; r2 with --regression)",
    )
    add_regression(p)
    p.add_argument("--n-jobs", type=int, default=1, help="parallel fits (default 1)")
    add_validation(p)
    add_params(p)

    p = command(
        commands,
        "explain",
        explain,
        "show which words drove a saved model's prediction for a text",
        "Attribute MODEL's probability for a class (default: the predicted one; a "
        "regressor's: its prediction) to the words of TEXT with integrated gradients "
        "(skbig.explain.explain_text).",
        [
            "skbig explain spam.skbig 'WIN a FREE prize, call now'",
            "skbig explain news.skbig 'the pitcher threw a no-hitter' "
            "--target rec.sport.baseball --html why.html",
            "cat message.txt | skbig explain spam.skbig",
        ],
    )
    p.add_argument("model", help="model file")
    p.add_argument("text", nargs="*", help="texts to explain (default: stdin)")
    p.add_argument("--target", help="class to explain (default: the predicted one)")
    p.add_argument("--top-k", type=int, default=10, help="terms shown (default 10)")
    p.add_argument("--html", metavar="FILE", help="also write highlighted HTML")

    p = command(
        commands,
        "export",
        export_model,
        "write a saved model as one serving file (ONNX or TensorFlow SavedModel)",
        "Export MODEL, vectorizer included, to OUT: an ONNX file for onnxruntime "
        "or a SavedModel folder for TensorFlow Serving, both taking raw text. The "
        "export is checked against MODEL on probe documents before it is written.",
        [
            "skbig export news.skbig news.onnx",
            "skbig export news.skbig news-int8.onnx --quantize int8",
            "skbig export news.skbig news_savedmodel --format savedmodel",
        ],
    )
    p.add_argument("model", help="model file")
    p.add_argument("output", metavar="OUT", help="ONNX file or SavedModel folder")
    p.add_argument("--format", choices=["onnx", "savedmodel"], default="onnx")
    p.add_argument(
        "--quantize",
        choices=["float16", "int8", "int4"],
        help="store the weights as float16 (half the size), int8 or int4 (ONNX "
        "only; int4: the first layer's kernel in four-bit blocks)",
    )

    p = command(
        commands,
        "report",
        report,
        "write one self-contained HTML report of a saved model on labelled data",
        "Score MODEL on DATA and write OUT: headline scores, per-class table, "
        "confusion matrix, calibration, learning curve, top terms, explained "
        "examples and the model card (a regressor's: R², errors, predicted against "
        "true), in one file that needs no network "
        '(needs "skbig[plot]").',
        [
            "skbig report news.skbig test.jsonl.gz -o report.html",
            "skbig report news.skbig test.csv -o report.html --card-notes notes.md",
        ],
    )
    p.add_argument("model", help="model file")
    p.add_argument("data", help="labelled data file")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    add_columns(p, defaults=False)
    p.add_argument(
        "--card-notes",
        metavar="FILE",
        help="the model's intended use and limits, for the card",
    )

    p = command(
        commands,
        "card",
        card,
        "write a saved model's model card as Markdown (Hugging Face layout)",
        "Describe MODEL in the Hugging Face model-card layout (a YAML header with "
        "library, license and metrics; then description, intended use, training, "
        "evaluation, privacy, versions and the file's SHA-256), to publish beside it.",
        [
            "skbig card news.skbig -o README.md --card-notes notes.md",
            "skbig card news.skbig -o - --license cc-by-4.0",
        ],
    )
    p.add_argument("model", help="model file")
    p.add_argument("-o", "--output", required=True, help="Markdown file, or -")
    p.add_argument(
        "--card-notes",
        metavar="FILE",
        help="the model's intended use and limits (Markdown)",
    )
    p.add_argument(
        "--license",
        default="other",
        help="license identifier for the header (default other)",
    )
    return parser


def _refuse_overwriting_inputs(args):
    """No command writes over one of its own inputs: the same path, a hard link or
    a symbolic link to it (``predict data.csv -o data.csv`` would truncate the
    file while still reading it)."""
    names = ("data", "model", "test", "validation")
    inputs = [getattr(args, name, None) for name in names]
    out = "OUT" if args.command == "export" else "-o"
    for option, output in ((out, getattr(args, "output", None)),
                           ("--html", getattr(args, "html", None))):  # fmt: skip
        if not output or output == "-" or not os.path.exists(output):
            continue
        for given in filter(None, inputs):
            if os.path.exists(given) and os.path.samefile(output, given):
                raise UsageError(
                    f"{option} {output} would overwrite its input {given}; "
                    "write to another file"
                )


def main(argv=None):
    """Run the ``skbig`` command line; returns the exit code."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # argparse ends a list at an option: "explain MODEL --target X TEXT" left TEXT.
    if extra and args.command == "explain" and not any(a[:1] == "-" for a in extra):
        args.text = [*args.text, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    on_term = threading.current_thread() is threading.main_thread()
    if on_term:
        restore = install()
    try:
        try:
            _refuse_overwriting_inputs(args)
            return args.handler(args)
        except Exception as error:
            signalled = interruption(error)  # SIGTERM or Ctrl-C in an extension's call
            if signalled is None:
                raise
            return stopped(signalled)
    except UsageError as error:
        print(f"skbig {args.command}: usage error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as signalled:
        return stopped(signalled)
    except BrokenPipeError:
        return 0  # e.g. `skbig predict ... -o - | head`
    except (DataError, OSError) as error:
        print(f"skbig: error: {error}", file=sys.stderr)
        return 1
    except (ValueError, TypeError) as error:  # ModelFileError, what sklearn rejects
        print(f"skbig: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    finally:
        if on_term:
            restore()


if __name__ == "__main__":
    sys.exit(main())
