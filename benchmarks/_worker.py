"""Run one method on one dataset in this process and print a JSON line of results.

Kept separate from run.py so each method's peak RSS is its own.
"""

import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

# The team's corpora, beside the repository: the default of every --data-dir.
DATA_DIR = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"
)


def load(data_dir, name, split):
    with gzip.open(os.path.join(data_dir, name, f"{split}.jsonl.gz"), "rt") as f:
        rows = [json.loads(line) for line in f]
    return [row["text"] for row in rows], [row["label"] for row in rows]


NETWORKS = {"skbig", "sklearn_mlp", "plain_scikeras"}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--method", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import numpy as np
    from _methods import METHODS
    from sklearn.metrics import accuracy_score, f1_score

    try:
        make = METHODS[args.method]
        make()
    except ImportError as error:
        print(json.dumps({"skipped": str(error)}))
        return
    X_train, y_train = load(args.data_dir, args.dataset, "train")
    X_test, y_test = load(args.data_dir, args.dataset, "test")
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)

    fit_seconds, epochs = [], None
    model = None
    for _ in range(args.repeats):
        del model  # so one fitted model, not two, is alive during each fit
        model = make()
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_seconds.append(time.perf_counter() - start)
    clf = model.steps[-1][1] if hasattr(model, "steps") else model
    if args.method in NETWORKS:
        epochs = getattr(clf, "n_iter_", None) or clf.current_epoch

    # The vectoriser's share of fit_s, so that seconds per epoch are the network's.
    vectorize_s = None
    if hasattr(model, "steps"):
        from sklearn.base import clone

        start = time.perf_counter()
        clone(model.steps[0][1]).fit_transform(X_train)
        vectorize_s = time.perf_counter() - start

    start = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_seconds = time.perf_counter() - start
    # What a service scoring one document per request waits: median of 20 calls.
    one_doc = []
    for text in list(X_test[:20]):
        start = time.perf_counter()
        model.predict([text])
        one_doc.append(time.perf_counter() - start)
    fit_s = statistics.median(fit_seconds)
    print(
        json.dumps(
            {
                "accuracy": 100 * accuracy_score(y_test, y_pred),
                "macro_f1": 100 * f1_score(y_test, y_pred, average="macro"),
                "fit_s": fit_s,
                "fit_s_all": fit_seconds,
                "epochs": epochs,
                "vectorize_s": vectorize_s,
                "s_per_epoch": (fit_s - (vectorize_s or 0)) / epochs
                if epochs
                else None,
                "predict_docs_per_s": len(X_test) / predict_seconds,
                "one_doc_ms": 1000 * statistics.median(one_doc),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
