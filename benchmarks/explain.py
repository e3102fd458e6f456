"""Faithfulness and speed of skbig.explain on real corpora (the deletion test).

    python benchmarks/explain.py --data-dir ../shared/data --datasets r8,20ng
    python benchmarks/explain.py --regression --datasets tweets,parl_de

Fits the default ``make_text_classifier()`` on each train split, explains
``--documents`` test documents, and reports the mean drop in the predicted class's
probability after deleting each document's k top-attributed terms versus k random
terms of the same document, and the seconds per explanation. ``--regression``: the
default ``make_text_regressor()`` on ``text_regression.py``'s corpora, and the mean
change of the predicted number (its absolute value: a term may have raised or
lowered it) after deleting the k terms of largest absolute weight versus k random.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--datasets", default="r8,20ng")
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--regression", action="store_true")
    args = parser.parse_args()
    if args.regression:
        return regression(args)
    if args.data_dir is None:
        parser.error("--data-dir is needed for the classification corpora")

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


def regression(args, ks=(1, 3)):
    import numpy as np
    from _worker import DATA_DIR
    from text_regression import load

    import skbig
    from skbig.explain import _last_vectorizer, _word_splitter, explain_text

    print("| corpus | k | top-k deleted | k random deleted | ratio | documents |")
    print("|---|---|---|---|---|---|")
    for name in args.datasets.split(","):
        X_train, y_train, X_test, _ = load(name, args.data_dir or DATA_DIR)
        pipeline = skbig.make_text_regressor(mlp__random_state=0)
        pipeline.fit(X_train, y_train)
        words_of = _word_splitter(_last_vectorizer(pipeline[:-1]))
        rng = np.random.RandomState(0)
        n = min(args.documents, len(X_test))
        picked = [X_test[i] for i in rng.choice(len(X_test), n, False)]
        changes = {k: {"top": [], "random": []} for k in ks}
        start = time.perf_counter()
        for text in picked:
            explanation = explain_text(pipeline, text)
            weights = explanation.all_terms
            ranked = sorted(weights, key=lambda term: -abs(weights[term]))
            for k in ks:
                if len(ranked) <= k:
                    continue
                random = list(rng.choice(ranked, size=k, replace=False))
                for kind, removed in (("top", ranked[:k]), ("random", random)):
                    gone = {word for term in removed for word in term.split()}
                    edited = " ".join(w for w in words_of(text) if w not in gone)
                    after = pipeline.predict([edited])[0]
                    changes[k][kind].append(abs(after - explanation.probability))
        seconds = (time.perf_counter() - start) / n
        spread = float(np.std(y_train))
        for k, d in changes.items():
            top, rand = np.mean(d["top"]), np.mean(d["random"])
            print(
                f"| {name} (sd {spread:.3g}) | {k} | {top:.4f} | {rand:.4f} | "
                f"{top / rand:.1f}x | {len(d['top'])} |"
            )
        print(f"\n{name}: {1000 * seconds:.0f} ms per document (explanation and "
              f"{2 * len(ks)} predictions)\n")  # fmt: skip


if __name__ == "__main__":
    main()
