"""Prediction time of a fitted default pipeline: 1 document, 100, the test split.

    python benchmarks/predict_time.py --data-dir ../shared/data --dataset r8

Fits ``make_text_classifier()`` once (``--epochs``, default 1: the weights do not
change the time), then reports the median over ``--repeats`` calls of
``predict_proba`` on raw text and on the already vectorised matrix (the network's
share), for each ``--batch-size`` given (skbig's default is 512).
"""

import argparse
import json
import os
import statistics
import sys
import time

from _worker import DATA_DIR

HERE = os.path.dirname(os.path.abspath(__file__))


def median_ms(call, repeats):
    call()  # the first call traces the predict function
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--dataset", default="r8")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--batch-size", default="512")
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    from _worker import load

    import skbig

    X_train, y_train = load(args.data_dir, args.dataset, "train")
    X_test, _ = load(args.data_dir, args.dataset, "test")
    pipeline = skbig.make_text_classifier(mlp__epochs=args.epochs, mlp__random_state=0)
    pipeline.fit(X_train, y_train)
    tfidf, mlp = pipeline.named_steps["tfidf"], pipeline.named_steps["mlp"]
    for batch_size in (int(b) for b in args.batch_size.split(",")):
        mlp.set_params(predict__batch_size=batch_size)
        result = {"dataset": args.dataset, "batch_size": batch_size}
        for n in (1, 100, len(X_test)):
            texts = X_test[:n]
            matrix = tfidf.transform(texts)
            result[f"text_{n}_ms"] = median_ms(
                lambda t=texts: pipeline.predict_proba(t), args.repeats
            )
            result[f"network_{n}_ms"] = median_ms(
                lambda m=matrix: mlp.predict_proba(m), args.repeats
            )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
