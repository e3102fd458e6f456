"""Faithfulness and speed of skbig.explain on real corpora (the deletion test).

    python benchmarks/explain.py --data-dir ../shared/data --datasets r8,20ng

Fits the default ``make_text_classifier()`` on each train split, explains
``--documents`` test documents, and reports the mean drop in the predicted class's
probability after deleting each document's k top-attributed terms versus k random
terms of the same document, and the seconds per explanation.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--datasets", default="r8,20ng")
    parser.add_argument("--documents", type=int, default=500)
    args = parser.parse_args()

    import numpy as np
    from _worker import load

    import skbig
    from skbig.explain import deletion_check, explain_text

    print("| dataset | k | top-k deleted | k random deleted | ratio | documents |")
    print("|---|---|---|---|---|---|")
    timings = []
    for name in args.datasets.split(","):
        X_train, y_train = load(args.data_dir, name, "train")
        X_test, _ = load(args.data_dir, name, "test")
        pipeline = skbig.make_text_classifier(mlp__random_state=0)
        pipeline.fit(X_train, y_train)
        rng = np.random.RandomState(0)
        picked = [X_test[i] for i in rng.choice(len(X_test), args.documents, False)]
        start = time.perf_counter()
        for text in picked[:100]:
            explain_text(pipeline, text)
        per_doc = (time.perf_counter() - start) / min(100, len(picked))
        timings.append((name, per_doc))
        for k, result in deletion_check(pipeline, picked, random_state=0).items():
            ratio = result["top"] / result["random"]
            print(
                f"| {name} | {k} | {result['top']:.4f} | {result['random']:.4f} | "
                f"{ratio:.1f}x | {result['documents']} |"
            )
    for name, per_doc in timings:
        print(f"\n{name}: {1000 * per_doc:.0f} ms per explain_text (2 cores)")


if __name__ == "__main__":
    main()
