"""The sweep behind MLPClassifier's defaults: one setting for all corpora, many seeds.

Each corpus is vectorised once (skbig's default TF-IDF, fit on the train split); each
configuration is then fitted with every seed and scored on the test split. Prints one
JSON line per (dataset, configuration): accuracy per seed, their mean, median fit
seconds (vectoriser excluded), the mean log-loss of ``predict_proba``, the mean
macro-F1 and the mean recall of the class with the fewest training documents.

    python benchmarks/sweep.py --data-dir ../shared/data --datasets 20ng,r8,mr \
        --seeds 0,1,2 --config "" --config "batch_size=256,learning_rate_init=2e-3"

A configuration is a comma-separated list of MLPClassifier parameters (Python
literals); the empty configuration is the defaults. Without ``--config`` the
configurations of the last recorded sweep are run.
"""

import argparse
import ast
import json
import os
import statistics
import sys
import time

from _worker import DATA_DIR

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = [
    "",
    "batch_size=256,learning_rate_init=2e-3",
    "batch_size=256,learning_rate_init=2e-3,epochs=4",
    "epochs=4",
    "dropout=0.4",
    "dropout=0.6",
    "learning_rate_init=1.5e-3",
    "hidden_layer_sizes=(768,)",
]


def parse_config(text):
    call = ast.parse(f"f({text})", mode="eval").body
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--datasets", default="20ng,r8,mr")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--config", action="append", default=None)
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    import numpy as np
    from _worker import load
    from sklearn.metrics import f1_score, log_loss, recall_score

    import skbig

    seeds = [int(s) for s in args.seeds.split(",")]
    for dataset in args.datasets.split(","):
        X_train, y_train = load(args.data_dir, dataset, "train")
        X_test, y_test = load(args.data_dir, dataset, "test")
        tfidf = skbig.make_text_classifier().named_steps["tfidf"]
        Xtr, Xte = tfidf.fit_transform(X_train), tfidf.transform(X_test)
        y_train, y_test = np.asarray(y_train), np.asarray(y_test)
        labels, counts = np.unique(y_train, return_counts=True)
        rarest = labels[np.argmin(counts)]
        for config in args.config if args.config is not None else CONFIGS:
            accuracy, seconds, losses, f1, recall = [], [], [], [], []
            for seed in seeds:
                clf = skbig.MLPClassifier(random_state=seed, **parse_config(config))
                start = time.perf_counter()
                clf.fit(Xtr, y_train)
                seconds.append(time.perf_counter() - start)
                predicted = clf.predict(Xte)
                accuracy.append(100 * float(np.mean(predicted == y_test)))
                f1.append(100 * f1_score(y_test, predicted, average="macro"))
                found = recall_score(y_test, predicted, labels=[rarest], average=None)
                recall.append(100 * found[0])
                proba = clf.predict_proba(Xte)
                losses.append(log_loss(y_test, proba, labels=clf.classes_))
            result = {
                "dataset": dataset,
                "config": config or "defaults",
                "accuracy": [round(a, 2) for a in accuracy],
                "mean": round(statistics.mean(accuracy), 2),
                "fit_s": round(statistics.median(seconds), 1),
                "log_loss": round(statistics.mean(losses), 4),
                "macro_f1": round(statistics.mean(f1), 2),
                "rarest_class": str(rarest),
                "rarest_recall": round(statistics.mean(recall), 1),
            }
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
