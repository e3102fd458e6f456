"""Calibration where the test split is drawn like the training data, and where not.

Issue #14 asks the default's expected calibration error (ECE) to be at most
LogisticRegression's on every corpus; on a few the test split differs from the
training split (20ng_zipf trains on Zipf-sized classes and tests on balanced
ones; 20 Newsgroups' test split is later in time). Here each model trains on 80 %
of the training split (stratified, per seed) and is scored twice: on the other
20 %, drawn like its training data, and on the official test split. skbig's
temperature is fitted on its own held-out tenth, as always.

    python benchmarks/calibration_shift.py --data-dir ../shared/data
"""

import argparse

import numpy as np
from _worker import DATA_DIR
from bench import expected_calibration_error, logistic_regression
from corpora import load_corpus
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split

from skbig import MLPClassifier


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument(
        "--corpora",
        nargs="+",
        default=["20ng_zipf", "20ng_subjects", "20ng_space_1pct"],
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args()
    print(
        "| corpus | ECE skbig / LogReg, 20 % of train | on test "
        "| accuracy skbig / LogReg, 20 % of train | on test |"
    )
    print("|---|---:|---:|---:|---:|")
    for name in args.corpora:
        X, y, X_test, y_test = load_corpus(name, args.data_dir)
        y, y_test = np.asarray(y), np.asarray(y_test)
        rows = []
        for seed in args.seeds:
            X_fit, X_in, y_fit, y_in = train_test_split(
                X, y, test_size=0.2, stratify=y, random_state=seed
            )
            tfidf = TfidfVectorizer(sublinear_tf=True, min_df=2, dtype=np.float32)
            A = tfidf.fit_transform(X_fit)
            splits = [(tfidf.transform(X_in), y_in), (tfidf.transform(X_test), y_test)]
            row = []
            for model in (MLPClassifier(random_state=seed), logistic_regression(seed)):
                model.fit(A, y_fit)
                for B, truth in splits:
                    proba = model.predict_proba(B)
                    predicted = model.classes_[proba.argmax(axis=1)]
                    ece = expected_calibration_error(truth, proba, model.classes_)
                    row += [ece, 100 * np.mean(predicted == truth)]
            rows.append(row)
        # row: skbig (ECE in, acc in, ECE test, acc test), then LogReg's four
        m = np.mean(rows, axis=0)
        print(
            f"| {name} | {m[0]:.3f} / {m[4]:.3f} | {m[2]:.3f} / {m[6]:.3f} "
            f"| {m[1]:.2f} / {m[5]:.2f} | {m[3]:.2f} / {m[7]:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
