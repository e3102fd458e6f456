"""Resident memory over many consecutive fits in one process, as GridSearchCV does.

    python benchmarks/memory.py --data-dir ../shared/data --dataset r8 --fits 50

Vectorises the corpus once, then fits ``MLPClassifier`` (skbig's default width,
``--epochs`` per fit) ``--fits`` times in a row, printing resident memory after
each fit; reports the growth from the end of the first fit to the end of the last.
"""

import argparse
import gc
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def rss_mb():
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * resource.getpagesize() / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--dataset", default="r8")
    parser.add_argument("--fits", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()

    from _worker import load

    import skbig

    texts, labels = load(args.data_dir, args.dataset, "train")
    X = skbig.make_text_classifier()[0].fit_transform(texts)
    model = skbig.MLPClassifier(epochs=args.epochs)
    readings = []
    start = time.perf_counter()
    for i in range(args.fits):
        model.fit(X, labels)
        gc.collect()
        readings.append(rss_mb())
        print(f"fit {i + 1:3d}: {readings[-1]:8.1f} MB", flush=True)
    seconds = time.perf_counter() - start
    print(
        f"\n{args.dataset}: {args.fits} fits in {seconds:.0f} s; RSS after fit 1 "
        f"{readings[0]:.0f} MB, after fit {args.fits} {readings[-1]:.0f} MB "
        f"(growth {readings[-1] - readings[0]:+.0f} MB, max {max(readings):.0f} MB)"
    )


if __name__ == "__main__":
    main()
