"""The pieces the ``skbig`` commands' parsers share: the data file's columns, the
pipeline's parameters and the seed, and a command's help with its examples."""

import argparse

FORMATS = "CSV, TSV, JSON Lines (optionally .gz) or Parquet (with pyarrow)"


def add_columns(parser, labels=True, defaults=True):
    text_default = "text" if defaults else None
    parser.add_argument(
        "--text-column",
        default=text_default,
        help="column holding the texts (default: text"
        + ("" if defaults else ", or what the model was trained with")
        + ")",
    )
    if labels:
        parser.add_argument(
            "--label-column",
            default="label" if defaults else None,
            help="column holding the labels (default: label"
            + ("" if defaults else ", or what the model was trained with")
            + ")",
        )
        parser.add_argument(
            "--label-separator",
            metavar="SEP",
            help="multi-label: split label strings on SEP (JSON Lines may hold lists)",
        )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def command(commands, name, handler, help, description, examples):
    parser = commands.add_parser(
        name,
        help=help,
        description=description,
        epilog="examples:\n" + "\n".join(f"  {line}" for line in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def add_params(parser):
    parser.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a pipeline parameter, e.g. mlp__epochs=10 or "
        "tfidf__ngram_range=(1,2) (repeatable)",
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (default 0)")


def add_validation(parser):
    parser.add_argument(
        "--validation",
        metavar="DATA",
        help="labelled texts from where the model will serve (later ones, other "
        "sources): training stops and calibrates on them instead of on a tenth "
        "of DATA (the library's fit(..., X_val=, y_val=))",
    )


def add_regression(parser):
    parser.add_argument(
        "--regression",
        action="store_true",
        help="the labels are numbers (a rating, a price, a year): train "
        "make_text_regressor() and score R², MAE and RMSE",
    )
