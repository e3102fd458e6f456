"""Benchmark skbig's default text pipeline against what a user would pick instead.

Each method runs in its own process (so peak RSS is its own), on the official
train/test split of each corpus, with the same TF-IDF settings. Reports accuracy,
macro-F1, fit seconds (raw text in, vectoriser included, median of --repeats), seconds
per epoch for the networks, prediction throughput on raw text and peak RSS, and writes
a markdown table, JSON and a PNG chart of accuracy against fit time.

    python benchmarks/run.py --data-dir ../shared/data --datasets 20ng,r8,mr,sms_spam
"""

import argparse
import datetime
import json
import os
import subprocess
import sys

from _worker import DATA_DIR

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_METHODS = (
    "skbig,linear_svc,logistic_regression,sklearn_mlp,plain_scikeras,fasttext"
)


def run_one(method, dataset, args):
    command = [sys.executable, os.path.join(HERE, "_worker.py")]
    command += ["--method", method, "--dataset", dataset]
    command += ["--data-dir", args.data_dir, "--repeats", str(args.repeats)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _fmt(value, digits=2):
    return "" if value is None else f"{value:.{digits}f}"


def markdown(results, meta):
    lines = [
        f"Measured {meta['date']} on commit {meta['commit']} ({meta['machine']}), "
        f"fit time median of {meta['repeats']} run(s).",
        "",
        "| dataset | method | accuracy | macro-F1 | fit s | epochs | s/epoch "
        "| predict docs/s | 1-doc ms | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for dataset, methods in results.items():
        for method, r in methods.items():
            if "accuracy" not in r:
                lines.append(f"| {dataset} | {method} | {r} ||||||||")
                continue
            lines.append(
                f"| {dataset} | {method} | {_fmt(r['accuracy'])} "
                f"| {_fmt(r['macro_f1'])} "
                f"| {_fmt(r['fit_s'], 1)} | {r['epochs'] or ''} "
                f"| {_fmt(r['s_per_epoch'])} | {r['predict_docs_per_s']:.0f} "
                f"| {_fmt(r.get('one_doc_ms'), 1)} | {r['peak_rss_mb']:.0f} |"
            )
    return "\n".join(lines) + "\n"


def chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = list(results)
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 4))
    axes = [axes] if len(datasets) == 1 else axes
    for ax, dataset in zip(axes, datasets, strict=True):
        for method, r in results[dataset].items():
            if "accuracy" in r:
                ax.scatter(r["fit_s"], r["accuracy"], label=method)
                ax.annotate(method, (r["fit_s"], r["accuracy"]), fontsize=7)
        ax.set_xscale("log")
        ax.set_title(dataset)
        ax.set_xlabel("fit seconds (log scale)")
        ax.set_ylabel("test accuracy %")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--datasets", default="20ng,r8,mr,sms_spam")
    parser.add_argument("--methods", default=DEFAULT_METHODS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
        cwd=HERE, check=False,
    ).stdout.strip()  # fmt: skip
    meta = {
        "date": datetime.date.today().isoformat(),
        "commit": commit,
        "machine": f"{os.cpu_count()} CPU cores",
        "repeats": args.repeats,
    }
    results = {}
    for dataset in args.datasets.split(","):
        results[dataset] = {}
        for method in args.methods.split(","):
            results[dataset][method] = run_one(method, dataset, args)
            print(dataset, method, results[dataset][method], flush=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=2)
    table = markdown(results, meta)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(table)
    chart(results, os.path.join(args.out, "accuracy_vs_fit_time.png"))
    print(table)


if __name__ == "__main__":
    main()
