"""What held-out data from where a model serves is worth: ``fit(..., X_val=, y_val=)``.

For corpora whose test split is drawn unlike their training split (later threads,
other posts, balanced classes after imbalanced training), the test split is cut in
two halves (by post for ``20ng_chunks``, whose pieces of one post stay together;
stratified otherwise; the same halves for every seed). The default pipeline is fitted
on the training split as it is (its own held-out tenth), and again with the first
half given as ``mlp__X_val``/``mlp__y_val``; both are scored on the second half:
accuracy, ECE (15 bins), log-loss, fit seconds. ``--logistic`` adds the bench's
LogisticRegression (C=10, on the pipeline's TF-IDF, fitted on the training split)
scored on the same half, once per corpus.

    python benchmarks/held_out.py --data-dir ../shared/data --corpora 20ng_chunks 20ng
"""

import argparse
import sys
import time

import numpy as np
from _worker import DATA_DIR
from bench import expected_calibration_error, logistic_regression
from corpora import _chunks, _twenty_ng, load_corpus
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupShuffleSplit, StratifiedShuffleSplit
from sklearn.pipeline import make_pipeline


def halves(name, data_dir, y_test):
    """Indices of the test split's two halves: given to fit, and scored."""
    y_test = np.asarray(y_test)
    if name == "20ng_chunks":  # a post's pieces on one side
        X, y = _twenty_ng(data_dir, "test", headers=False)
        posts = [i for i, text in enumerate(X) for _ in _chunks([text], [y[i]])[0]]
        split = GroupShuffleSplit(n_splits=1, test_size=0.5, random_state=0)
        return next(split.split(y_test, y_test, groups=np.asarray(posts)))
    split = StratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=0)
    return next(split.split(y_test, y_test))


def scores(pipeline, X, y):
    proba = pipeline.predict_proba(X)
    classes = pipeline.classes_
    return {
        "accuracy": 100 * np.mean(classes[proba.argmax(axis=1)] == y),
        "ece": expected_calibration_error(y, proba, classes),
        "log_loss": log_loss(y, proba, labels=classes),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=["20ng_chunks", "20ng"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--logistic", action="store_true")
    args = parser.parse_args()
    from skbig import make_text_classifier

    print("| corpus | seed | held out | accuracy | ECE | log-loss | fit s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name in args.corpora:
        X, y, X_test, y_test = load_corpus(name, args.data_dir)
        X_test, y_test = np.asarray(X_test, dtype=object), np.asarray(y_test)
        given, scored = halves(name, args.data_dir, y_test)
        scored_half = X_test[scored], y_test[scored]
        if args.logistic:
            model = make_pipeline(make_text_classifier()[:-1], logistic_regression(0))
            row(name, "", "LogisticRegression (C=10)", model, (X, y), scored_half)
        for seed in args.seeds:
            for label, extra in (
                ("a tenth of the training split", {}),
                (
                    "half the test split (X_val)",
                    {"mlp__X_val": X_test[given], "mlp__y_val": y_test[given]},
                ),
            ):
                pipeline = make_text_classifier(mlp__random_state=seed)
                row(name, seed, label, pipeline, (X, y, extra), scored_half)


def row(name, seed, label, model, train, scored):
    """Fit ``model`` on ``train`` (``X, y[, fit params]``) and print its row,
    scored on ``scored``."""
    X, y, *extra = train
    start = time.perf_counter()
    model.fit(X, y, **(extra[0] if extra else {}))
    seconds = time.perf_counter() - start
    s = scores(model, *scored)
    print(
        f"| {name} | {seed} | {label} | {s['accuracy']:.2f} "
        f"| {s['ece']:.3f} | {s['log_loss']:.4f} | {seconds:.1f} |",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
