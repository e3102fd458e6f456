"""Seconds per epoch of MLPClassifier on a TF-IDF corpus, one configuration per process.

Used to measure training-path changes before and after (optimizer, batch size, width):

    python benchmarks/epoch_time.py --data-dir ../shared/data --dataset 20ng \
        --config "optimizer=adam" --config "optimizer=lazy_adam;batch_size=256"

Each ``--config`` is a semicolon-separated list of MLPClassifier parameters (and
``tfidf__*`` parameters of the vectorizer). Reports the
median seconds per epoch over epochs 2.. (the first pays for tracing), test accuracy
and the process's peak RSS.
"""

import argparse
import ast
import json
import os
import subprocess
import sys

from _worker import DATA_DIR

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_config(text):
    params = {}
    for item in filter(None, text.split(";")):
        key, value = item.split("=", 1)
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def worker(args):
    import resource
    import statistics
    import time

    import keras
    import numpy as np
    from _worker import load

    import skbig

    X_train, y_train = load(args.data_dir, args.dataset, "train")
    X_test, y_test = load(args.data_dir, args.dataset, "test")
    config = parse_config(args.config[0])
    tfidf_params = {k: v for k, v in config.items() if k.startswith("tfidf__")}
    tfidf = skbig.make_text_classifier(**tfidf_params).named_steps["tfidf"]
    Xtr = tfidf.fit_transform(X_train)
    Xte = tfidf.transform(X_test)

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    seconds = []
    params = dict(random_state=0)
    params.update({k: v for k, v in config.items() if not k.startswith("tfidf__")})
    clf = skbig.MLPClassifier(callbacks=[Timer()], **params)
    start = time.perf_counter()
    clf.fit(Xtr, np.asarray(y_train))
    fit_s = time.perf_counter() - start
    accuracy = float(np.mean(clf.predict(Xte) == np.asarray(y_test)))
    print(
        json.dumps(
            {
                "config": args.config[0],
                "s_per_epoch": statistics.median(seconds[1:] or seconds),
                "first_epoch_s": seconds[0],
                "epochs": len(seconds),
                "fit_s": fit_s,
                "accuracy": 100 * accuracy,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                / 1024,
                "vocabulary": Xtr.shape[1],
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--dataset", default="20ng")
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, HERE)
        worker(args)
        return
    for config in args.config or [""]:
        command = [sys.executable, __file__, "--worker", "--config", config]
        command += ["--data-dir", args.data_dir, "--dataset", args.dataset]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = result.stdout.strip().splitlines()
        print(
            lines[-1] if lines else result.stderr.strip().splitlines()[-3:], flush=True
        )


if __name__ == "__main__":
    main()
