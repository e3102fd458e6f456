"""Resident memory over many consecutive fits in one process, as a search's worker.

    python benchmarks/memory.py --fits 200                 # the four cases below
    python benchmarks/memory.py --input dense --estimator regressor --fits 200
    python benchmarks/memory.py --data-dir ../shared/data --dataset r8 --fits 50

Each case runs in a fresh process: ``--fits`` fits in a row of one estimator at
skbig's defaults (``--epochs`` each, no held-out stopping, so every fit does the
same work), printing resident memory after each. Inputs: ``dense``, a 400 x 300
standard-normal table (issue #15's case); ``sparse``, the TF-IDF of ``--rows``
documents of ``--dataset`` when ``--data-dir`` is given, else a random 400 x 300
matrix of density 0.05. Targets: classes from the sign of the first column, or
the column itself for the regressor. Reports the growth from the end of fit 1 and
from the end of fit 10 (allocator pools and tracing caches fill up over the first
few) to the end of the last fit.
"""

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def rss_mb():
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * resource.getpagesize() / 2**20


def data(args):
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    if args.input == "dense":
        X = rng.normal(size=(400, 300)).astype(np.float32)
        first = X[:, 0]
    elif args.data_dir:
        from _worker import load

        import skbig

        texts, _ = load(args.data_dir, args.dataset, "train")
        X = skbig.make_text_classifier()[0].fit_transform(texts[: args.rows])
        first = rng.normal(size=X.shape[0])
    else:
        X = sp.random(400, 300, density=0.05, format="csr", random_state=0)
        first = X[:, 0].toarray().ravel() - 0.025
    target = first if args.estimator == "regressor" else first > np.median(first)
    return X, target


def one_case(args):
    import skbig

    X, y = data(args)
    estimator = {"classifier": skbig.MLPClassifier, "regressor": skbig.MLPRegressor}
    model = estimator[args.estimator](epochs=args.epochs, early_stopping=False)
    readings = []
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not converged" after a fixed epoch count
        for i in range(args.fits):
            model.fit(X, y)
            gc.collect()
            readings.append(rss_mb())
            if args.verbose:
                print(f"fit {i + 1:3d}: {readings[-1]:8.1f} MB", flush=True)
    tenth = readings[min(9, len(readings) - 1)]
    return {
        "input": args.input,
        "estimator": args.estimator,
        "fits": args.fits,
        "seconds": round(time.perf_counter() - start, 1),
        "rss_fit_1": round(readings[0], 1),
        "rss_fit_10": round(tenth, 1),
        "rss_last": round(readings[-1], 1),
        "growth_from_1": round(readings[-1] - readings[0], 1),
        "growth_from_10": round(readings[-1] - tenth, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", choices=["dense", "sparse"])
    parser.add_argument("--estimator", choices=["classifier", "regressor"])
    parser.add_argument("--fits", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--data-dir", help="corpora for --input sparse (optional)")
    parser.add_argument("--dataset", default="r8")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--verbose", action="store_true", help="RSS after every fit")
    args = parser.parse_args()
    if args.input and args.estimator:
        print(json.dumps(one_case(args)), flush=True)
        return
    # Every case in a fresh process, as the issue asks.
    print("| input | estimator | fits | s | RSS fit 1 | fit 10 | last | growth "
          "from 1 | from 10 |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in [args.input] if args.input else ["dense", "sparse"]:
        for est in [args.estimator] if args.estimator else ["classifier", "regressor"]:
            command = [sys.executable, __file__, "--input", kind, "--estimator", est,
                       "--fits", str(args.fits), "--epochs", str(args.epochs),
                       "--dataset", args.dataset]  # fmt: skip
            if args.data_dir:
                command += ["--data-dir", args.data_dir]
            if args.rows:
                command += ["--rows", str(args.rows)]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            cells = [kind, est, r["fits"], f"{r['seconds']:.0f}"]
            cells += [f"{r[k]:.0f}" for k in ("rss_fit_1", "rss_fit_10", "rss_last")]
            cells += [f"{r[k]:+.0f}" for k in ("growth_from_1", "growth_from_10")]
            print("| " + " | ".join(map(str, cells)) + " |", flush=True)


if __name__ == "__main__":
    main()
