"""Training on a stream of batches with ``partial_fit``: class weights from each
batch alone (skbig before 2026-12-05) against the running counts of every batch so
far (since), on the hashing pipeline, and one ``fit`` of the same pipeline for
reference. Test accuracy and macro-F1.

    python benchmarks/partial_fit.py --data-dir ../shared/data --corpora r8 sms_spam
    python benchmarks/partial_fit.py --data-dir ../shared/data --order by-class
    python benchmarks/partial_fit.py --data-dir ../shared/data --corpora 20ng \
        --call-cost 10 100 1000

``--call-cost`` instead times single calls of each size on a shuffled stream (the
median of seven calls after a first one), on an exact TF-IDF pipeline fitted on the
first 2,000 documents and on the hashing pipeline.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _worker import DATA_DIR
from corpora import load_corpus


def batches(y, batch, rng, order):
    """The rows of each batch of one pass: a shuffled stream, or ("by-class")
    batches cut from the rows sorted by label, each of one class (as when each
    batch comes from one source), in a shuffled order of batches."""
    import numpy as np

    if order == "shuffled":
        rows = rng.permutation(len(y))
        return [rows[i : i + batch] for i in range(0, len(y), batch)]
    cut = []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        cut += [rows[i : i + batch] for i in range(0, len(rows), batch)]
    return [cut[i] for i in rng.permutation(len(cut))]


def stream(X, y, X_test, y_test, *, rule, batch, passes, seed, order):
    import numpy as np

    from skbig import make_text_classifier
    from skbig._labels import class_weighted  # the weights of one batch alone

    weighting = None if rule == "per batch" else "balanced_sqrt"
    model = make_text_classifier(
        vectorizer="hashing", mlp__class_weight=weighting, mlp__random_state=seed
    )
    classes = np.unique(y)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for _ in range(passes):
        for rows in batches(y, batch, rng, order):
            texts, labels = [X[r] for r in rows], y[rows]
            weights = None
            if rule == "per batch":
                weights = class_weighted(labels, None, "balanced_sqrt")
            model.partial_fit(texts, labels, classes=classes, sample_weight=weights)
    return scored(model, X_test, y_test, time.perf_counter() - start)


def fitted(X, y, X_test, y_test, *, seed):
    from skbig import make_text_classifier

    model = make_text_classifier(vectorizer="hashing", mlp__random_state=seed)
    start = time.perf_counter()
    model.fit(X, y)
    return scored(model, X_test, y_test, time.perf_counter() - start)


def scored(model, X_test, y_test, seconds):
    """Test accuracy and macro-F1 (percent) of ``model``, and ``seconds``."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted = model.predict(X_test)
    return (
        100 * accuracy_score(y_test, predicted),
        100 * f1_score(y_test, predicted, average="macro"),
        seconds,
    )


def call_costs(name, X, y, sizes):
    """Milliseconds a ``partial_fit`` call of each size takes, and per document."""
    import numpy as np

    from skbig import make_text_classifier

    order = np.random.default_rng(0).permutation(len(y))
    X, y = [X[i] for i in order], y[order]
    for vectorizer in ("tfidf", "hashing"):
        model = make_text_classifier(vectorizer=vectorizer, mlp__random_state=0)
        model.fit(X[:2000], y[:2000])
        for size in sizes:
            seconds = []
            for call in range(8):
                start = 2000 + (call * size) % (len(y) - 2000 - size)
                began = time.perf_counter()
                model.partial_fit(X[start : start + size], y[start : start + size])
                seconds.append(time.perf_counter() - began)
            ms = 1000 * statistics.median(seconds[1:])
            print(f"| {name} | {vectorizer} | {size} | {ms:.0f} | {ms / size:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=["r8", "sms_spam"])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--order", choices=["shuffled", "by-class"], default="shuffled")
    parser.add_argument("--call-cost", nargs="+", type=int, metavar="SIZE")
    args = parser.parse_args()
    import numpy as np

    if args.call_cost:
        print("| corpus | pipeline | documents a call | ms a call | ms a document |")
        print("|---|---|---:|---:|---:|")
        for name in args.corpora:
            X, y, _, _ = load_corpus(name, args.data_dir)
            call_costs(name, X, np.asarray(y), args.call_cost)
        return

    seeds = [int(seed) for seed in args.seeds.split(",")]
    print(
        f"| corpus | training ({args.batch} documents a batch, {args.passes} passes, "
        f"{args.order}) "
        "| accuracy | macro-F1 | seconds |\n|---|---|---:|---:|---:|"
    )
    rows = [
        ("partial_fit, weights from each batch", "per batch"),
        ("partial_fit, weights from the running counts", "running"),
        ("fit (the stopping rule)", None),
    ]
    for name in args.corpora:
        X, y, X_test, y_test = load_corpus(name, args.data_dir)
        data = (X, np.asarray(y), X_test, y_test)
        for label, rule in rows:
            if rule is None:
                results = [fitted(*data, seed=seed) for seed in seeds]
            else:
                kwargs = dict(rule=rule, batch=args.batch, passes=args.passes)
                kwargs["order"] = args.order
                results = [stream(*data, seed=seed, **kwargs) for seed in seeds]
            accuracy, f1, seconds = (
                statistics.mean(r[i] for r in results) for i in range(3)
            )
            print(f"| {name} | {label} | {accuracy:.2f} | {f1:.2f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
