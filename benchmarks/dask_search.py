"""A grid search with n_jobs=1 against the same search on a local Dask cluster.

    python benchmarks/dask_search.py --data-dir ../shared/data --dataset r8

12 candidates x 3 folds of ``make_text_classifier()`` (widths x dropout x alpha),
first with ``n_jobs=1``, then under ``joblib.parallel_backend("dask")`` with a
``LocalCluster`` of ``--workers`` single-threaded worker processes. Prints wall
times, and whether both found the same best parameters and scores.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

GRID = {
    "mlp__hidden_layer_sizes": [(128,), (256,), (512,)],
    "mlp__dropout": [0.2, 0.5],
    "mlp__alpha": [0.0, 1e-5],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--dataset", default="r8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--skip-n-jobs-1", action="store_true", help="only run the Dask search"
    )
    parser.add_argument(
        "--unlimited-threads",
        action="store_true",
        help="clear the OMP_NUM_THREADS=1 Dask gives its workers, so TensorFlow "
        "in each worker uses every core (the oversubscription skbig avoids)",
    )
    args = parser.parse_args()

    import dask
    import numpy as np
    from _worker import load
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_backend
    from sklearn.model_selection import GridSearchCV

    import skbig

    texts, labels = load(args.data_dir, args.dataset, "train")

    def search(n_jobs):
        pipeline = skbig.make_text_classifier(mlp__random_state=0)
        return GridSearchCV(pipeline, GRID, cv=3, n_jobs=n_jobs)

    if args.unlimited_threads:
        dask.config.set({"distributed.nanny.pre-spawn-environ.OMP_NUM_THREADS": ""})
    local, local_s = None, float("nan")
    if not args.skip_n_jobs_1:
        start = time.perf_counter()
        local = search(1).fit(texts, labels)
        local_s = time.perf_counter() - start

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        ready_s = time.perf_counter() - start
        with parallel_backend("dask"):
            remote = search(-1).fit(texts, labels)
    dask_s = time.perf_counter() - start

    threads = "all cores" if args.unlimited_threads else "1 thread"
    if local is None:
        print(f"Dask, {args.workers} workers, TensorFlow on {threads}: {dask_s:.0f} s")
        return
    same_scores = np.allclose(
        local.cv_results_["mean_test_score"], remote.cv_results_["mean_test_score"]
    )
    print(f"| {args.dataset}, 12 candidates x 3 folds | wall time | best parameters |")
    print("|---|---|---|")
    print(f"| n_jobs=1 | {local_s:.0f} s | {local.best_params_} |")
    print(
        f"| Dask LocalCluster, {args.workers} workers, {threads} | {dask_s:.0f} s "
        f"(cluster start {ready_s:.0f} s) | {remote.best_params_} |"
    )
    print(f"\nsame best parameters: {local.best_params_ == remote.best_params_}")
    print(f"same mean test scores: {same_scores}")
    diff = np.abs(
        local.cv_results_["mean_test_score"] - remote.cv_results_["mean_test_score"]
    ).max()
    print(f"largest score difference: {diff:.6f}")


if __name__ == "__main__":
    main()
