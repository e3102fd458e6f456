"""A text classifier trained on a stream (``skbig.fit_stream``) against in memory.

Per bench corpus (``corpora.py``) and seed: the default ``make_text_classifier()``
fitted in memory, and ``fit_stream`` of the same pipeline over chunks of
``--chunk`` documents sorted by label (as 20 Newsgroups' files are, and an export
of a database often is); test accuracy, macro-F1, expected calibration error (15
bins, as ``bench.py``) and seconds, raw text in (the vectoriser included).
``--no-nb-weights`` fits both with ``nb_weights=False``.

    python benchmarks/streamed_classification.py --corpora 20ng,r8,mr,sms_spam
"""

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
from _worker import DATA_DIR
from bench import expected_calibration_error
from corpora import load_corpus


def chunked(texts, labels, size):
    order = np.argsort(np.asarray(labels, dtype=str), kind="stable")
    texts, labels = [texts[i] for i in order], [labels[i] for i in order]

    def chunks():
        for start in range(0, len(texts), size):
            yield texts[start : start + size], labels[start : start + size]

    return chunks


def main():
    from sklearn.metrics import accuracy_score, f1_score

    from skbig import fit_stream, make_text_classifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="20ng,r8,mr,sms_spam")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--ways", default="memory,stream")
    parser.add_argument("--no-nb-weights", action="store_true")
    parser.add_argument("--data-dir", default=DATA_DIR)
    args = parser.parse_args()
    extra = {"mlp__nb_weights": False} if args.no_nb_weights else {}
    table = {}
    for corpus in args.corpora.split(","):
        Xtr, ytr, Xte, yte = load_corpus(corpus, args.data_dir)
        Xtr, ytr, Xte = list(Xtr), list(ytr), list(Xte)
        for seed in [int(s) for s in args.seeds.split(",")]:
            for way in args.ways.split(","):
                model = make_text_classifier(mlp__random_state=seed, **extra)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    if way == "stream":
                        fit_stream(model, chunked(Xtr, ytr, args.chunk))
                    else:
                        model.fit(Xtr, ytr)
                    seconds = time.perf_counter() - start
                predicted = model.predict(Xte)
                accuracy = 100 * accuracy_score(yte, predicted)
                macro = 100 * f1_score(yte, predicted, average="macro")
                ece = expected_calibration_error(
                    np.asarray(yte), model.predict_proba(Xte), model.classes_
                )
                table.setdefault((corpus, way), []).append(
                    (accuracy, macro, ece, seconds)
                )
                print(f"{corpus} {way:7s} seed={seed} acc={accuracy:.2f} "
                      f"macro_f1={macro:.2f} ece={ece:.4f} fit={seconds:.1f}s "
                      f"weights={model[-1].feature_weights_ is not None}",
                      flush=True)  # fmt: skip
    print("\n| corpus | fit | accuracy | macro-F1 | ECE | fit s |")
    print("|---|---|---:|---:|---:|---:|")
    for (corpus, way), runs in table.items():
        accuracy, macro, ece, seconds = np.mean(runs, axis=0)
        print(f"| {corpus} | {way} | {accuracy:.2f} | {macro:.2f} | {ece:.4f} "
              f"| {seconds:.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
