"""The ``skbig`` command line."""

import argparse
import sys
import time


def _demo(args):
    from sklearn.metrics import classification_report

    from . import make_text_classifier
    from .datasets import load_sms_spam

    X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
    X_test, y_test = load_sms_spam(subset="test", return_X_y=True)
    clf = make_text_classifier(mlp__random_state=args.random_state)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(
        f"SMS Spam Collection (CC BY 4.0, Almeida et al. 2011): trained on "
        f"{len(X_train)} messages in {seconds:.1f} s, tested on {len(X_test)}.\n"
    )
    print(classification_report(y_test, clf.predict(X_test), digits=4))
    return 0


def build_parser():
    """The argument parser for ``skbig``."""
    parser = argparse.ArgumentParser(
        prog="skbig",
        description="Keras neural networks as scikit-learn estimators.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    demo = commands.add_parser(
        "demo",
        help="train the default text classifier on the bundled SMS spam data",
        description=(
            "Train make_text_classifier() on the SMS Spam Collection shipped with "
            "skbig and print a classification report on its test split."
        ),
        epilog="example: skbig demo --random-state 0",
    )
    demo.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv=None):
    """Run the ``skbig`` command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
