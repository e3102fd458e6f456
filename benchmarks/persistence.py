"""Size and save/load time of the default text pipeline: skbig.save, pickle, joblib.

    python benchmarks/persistence.py --data-dir ../shared/data --dataset 20ng

Fits ``make_text_classifier()`` once, then writes and reads it back with each
format (median of ``--repeats``), checking that every reloaded pipeline gives
exactly the saved one's ``predict_proba`` on the test split.
"""

import argparse
import os
import pickle
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _timed(function, path, repeats):
    seconds, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(path)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--dataset", default="20ng")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import joblib
    import numpy as np
    from _worker import load

    import skbig

    X_train, y_train = load(args.data_dir, args.dataset, "train")
    X_test, _ = load(args.data_dir, args.dataset, "test")
    pipeline = skbig.make_text_classifier(mlp__random_state=0).fit(X_train, y_train)
    expected = pipeline.predict_proba(X_test)

    def pickle_save(path):
        with open(path, "wb") as file:
            pickle.dump(pipeline, file, protocol=pickle.HIGHEST_PROTOCOL)

    def pickle_load(path):
        with open(path, "rb") as file:
            return pickle.load(file)

    formats = {
        "skbig.save": (lambda p: skbig.save(pipeline, p), skbig.load),
        "pickle": (pickle_save, pickle_load),
        "joblib": (lambda p: joblib.dump(pipeline, p), joblib.load),
    }
    print(f"| {args.dataset} | file size | save | load | same predict_proba |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, (save, load_) in formats.items():
            path = os.path.join(folder, "model")
            save_s, _ = _timed(save, path, args.repeats)
            load_s, loaded = _timed(load_, path, args.repeats)
            same = np.array_equal(loaded.predict_proba(X_test), expected)
            size = os.path.getsize(path) / 2**20
            print(
                f"| {name} | {size:.1f} MB | {save_s:.2f} s | {load_s:.2f} s | {same} |"
            )


if __name__ == "__main__":
    main()
