"""Multi-label Reuters-21578 (ModApte, 90 categories): skbig's defaults against
one-vs-rest LinearSVC and LogisticRegression, micro- and macro-F1 on the test split;
for the methods with probabilities, the mean log-loss of a label decision and the
expected calibration error of the labels' probabilities (15 bins, every document
and label), as ``skbig report`` scores them.

    python benchmarks/multilabel.py --data-dir ../shared/data --seeds 0,1,2

``--stream`` adds the default text pipeline fitted on raw text, in memory and with
``skbig.fit_stream`` over chunks of 1,000 documents (their indicator rows).
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
    parser.add_argument("--stream", action="store_true")
    args = parser.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    from skbig import MLPClassifier, fit_stream, make_text_classifier
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

    def run(name, make, seeds, text=False, stream=False):
        micro, macro, seconds, losses, eces = [], [], [], [], []
        for seed in seeds:
            model = make(seed)
            start = time.perf_counter()
            if stream:
                fit_stream(model, [(X_train[i : i + 1000], Y_train[i : i + 1000])
                                   for i in range(0, len(X_train), 1000)])  # fmt: skip
            else:
                model.fit(X_train if text else A_train, Y_train)
            seconds.append(time.perf_counter() - start)
            A_test_or_text = X_test if text else A_test
            predicted = model.predict(A_test_or_text)
            micro.append(f1_score(Y_test, predicted, average="micro"))
            macro.append(f1_score(Y_test, predicted, average="macro", zero_division=0))
            if hasattr(model, "predict_proba"):
                proba = model.predict_proba(A_test_or_text)
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
    if args.stream:

        def pipeline(seed):
            return make_text_classifier(mlp__random_state=seed)

        run("skbig pipeline, raw text in memory", pipeline, seeds, text=True)
        run("skbig pipeline, fit_stream", pipeline, seeds, text=True, stream=True)


if __name__ == "__main__":
    main()
