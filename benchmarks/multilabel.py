"""Multi-label Reuters-21578 (ModApte, 90 categories): skbig's defaults against
one-vs-rest LinearSVC and LogisticRegression, micro- and macro-F1 on the test split;
for the methods with probabilities, the mean log-loss of a label decision and the
expected calibration error of the labels' probabilities (15 bins, every document
and label), as ``skbig report`` scores them.

    python benchmarks/multilabel.py --data-dir ../shared/data --seeds 0,1,2
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _worker import DATA_DIR
from corpora import _read


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    from skbig import MLPClassifier, make_text_classifier
    from skbig._report._multilabel import multilabel_scores

    X_train, labels_train = _read(args.data_dir, "reuters21578_modapte", "train")
    X_test, labels_test = _read(args.data_dir, "reuters21578_modapte", "test")
    binarizer = MultiLabelBinarizer().fit(labels_train + labels_test)
    Y_train = binarizer.transform(labels_train)
    Y_test = binarizer.transform(labels_test)
    tfidf = make_text_classifier().named_steps["tfidf"]
    start = time.perf_counter()
    A_train = tfidf.fit_transform(X_train)
    vectorize_s = time.perf_counter() - start
    A_test = tfidf.transform(X_test)
    print(f"{A_train.shape[0]} documents, {Y_train.shape[1]} labels, "
          f"vectoriser {vectorize_s:.1f} s")  # fmt: skip

    def run(name, make, seeds):
        micro, macro, seconds, losses, eces = [], [], [], [], []
        for seed in seeds:
            model = make(seed)
            start = time.perf_counter()
            model.fit(A_train, Y_train)
            seconds.append(time.perf_counter() - start)
            predicted = model.predict(A_test)
            micro.append(f1_score(Y_test, predicted, average="micro"))
            macro.append(f1_score(Y_test, predicted, average="macro", zero_division=0))
            if hasattr(model, "predict_proba"):
                proba = model.predict_proba(A_test)
                scores = multilabel_scores(Y_test, proba, predicted)
                losses.append(scores["log_loss"])
                eces.append(scores["ece"])
        calibration = (
            f"{statistics.mean(losses):.4f} | {statistics.mean(eces):.4f}"
            if losses
            else " | "
        )
        print(
            f"| {name} | {len(seeds)} | {statistics.mean(micro):.4f} "
            f"| {statistics.mean(macro):.4f} | {calibration} "
            f"| {statistics.mean(seconds):.1f} |",
            flush=True,
        )

    print("| method | seeds | micro-F1 | macro-F1 | log-loss | ECE | fit s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    seeds = [int(s) for s in args.seeds.split(",")]
    run("one-vs-rest LinearSVC", lambda s: OneVsRestClassifier(LinearSVC()), [0])
    run(
        "one-vs-rest LogisticRegression (C=10)",
        lambda s: OneVsRestClassifier(LogisticRegression(C=10, max_iter=1000)),
        [0],
    )
    run("skbig default", lambda s: MLPClassifier(random_state=s), seeds)


if __name__ == "__main__":
    main()
