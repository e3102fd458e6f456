"""What averaging two default networks would give (issue #14, a probe).

Fits the default ``make_text_classifier()`` with four seeds on each corpus and
compares one network's test accuracy (mean of the four) with the average of two
networks' probabilities (seeds 0+1 and 2+3, mean of the two pairs) and of all
four. Nothing in skbig averages networks; this measures what it would be worth.

    python benchmarks/ensemble.py --data-dir ../shared/data --corpora mr r8 20ng
"""

import argparse
import time

import numpy as np
from _worker import DATA_DIR
from corpora import load_corpus

from skbig import make_text_classifier


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=["mr", "r8", "20ng", "20ng_50"])
    args = parser.parse_args()
    print("| corpus | one network | two averaged | four averaged | fit s (one) |")
    print("|---|---:|---:|---:|---:|")
    for name in args.corpora:
        X, y, X_test, y_test = load_corpus(name, args.data_dir)
        probas, seconds = [], []
        for seed in range(4):
            start = time.perf_counter()
            model = make_text_classifier(mlp__random_state=seed).fit(X, y)
            seconds.append(time.perf_counter() - start)
            probas.append(model.predict_proba(X_test))
        classes, truth = model.classes_, np.asarray(y_test)

        def accuracy(p, classes=classes, truth=truth):
            return 100 * np.mean(classes[p.argmax(axis=1)] == truth)

        one = np.mean([accuracy(p) for p in probas])
        two = np.mean(
            [accuracy(probas[0] + probas[1]), accuracy(probas[2] + probas[3])]
        )
        print(
            f"| {name} | {one:.2f} | {two:.2f} | {accuracy(sum(probas)):.2f} "
            f"| {np.mean(seconds):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
