"""Streamed training and Dask scoring against corpus size (issue #19).

    python benchmarks/scale.py --data-dir ../shared/data --work-dir /tmp/scale \
        --factors 1 10 100 --epochs 1 --score-factor 100 --out benchmarks/scale.json

The corpus is 20 Newsgroups' training split replicated ``factor`` times in a fixed
shuffle (seed 0), written once as JSON Lines under ``--work-dir``. For each factor a
fresh process runs ``skbig.fit_stream`` on the file read in chunks of 10,000 rows
(``mlp__epochs=--epochs``, no early stopping, so every size trains the same number of
epochs; ``tfidf__min_df=2 x factor``, so every size learns the 1x vocabulary) and
reports the reading pass, seconds per epoch, documents per second and
its peak RSS. At factor 1 it also runs the in-memory fit (``pipeline.fit`` on the
whole list) with the same settings, the baseline for throughput, and, with
``--accuracy``, both with the default settings scored on the test split.
Scoring: ``skbig predict`` of the ``--score-factor`` corpus in one process, then with
``--workers 1`` and ``--workers 2`` (single-threaded Dask workers), checking that the
outputs are identical. ``--plot`` draws ``benchmarks/scale.png``.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK = 10_000


def corpus(data_dir, work_dir, factor):
    """The replicated training split as JSON Lines, written once."""
    path = os.path.join(work_dir, f"20ng_x{factor}.jsonl")
    if os.path.exists(path):
        return path
    import numpy as np

    with gzip.open(os.path.join(data_dir, "20ng", "train.jsonl.gz"), "rt") as file:
        lines = [line.rstrip("\n") for line in file if line.strip()]
    order = np.random.default_rng(0).permutation(len(lines) * factor) % len(lines)
    with open(path + ".part", "w", encoding="utf-8") as out:
        for i in order:
            out.write(lines[i] + "\n")
    os.replace(path + ".part", path)
    return path


def child_train(path, mode, epochs, accuracy_data, factor):
    """Run in a fresh process: one fit, its times and peak RSS as JSON."""
    import resource

    import keras
    import numpy as np

    from skbig import fit_stream, make_text_classifier

    class EpochTimes(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.starts, self.ends = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.starts.append(time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter())

    timer = EpochTimes()
    # Replicating a corpus multiplies every document frequency by the factor:
    # min_df=2 would keep the 1x corpus's single-document terms (56,000 terms
    # become 130,000, and the network with them). 2 x factor keeps the 1x
    # vocabulary, so every size trains the same network.
    params = {
        "mlp__random_state": 0,
        "mlp__callbacks": [timer],
        "tfidf__min_df": 2 * factor,
    }
    if epochs:
        params.update(mlp__epochs=epochs, mlp__early_stopping=False)
    clf = make_text_classifier(**params)

    def chunks():
        with open(path, encoding="utf-8") as file:
            texts, labels = [], []
            for line in file:
                row = json.loads(line)
                texts.append(row["text"])
                labels.append(row["label"])
                if len(texts) == CHUNK:
                    yield texts, labels
                    texts, labels = [], []
            if texts:
                yield texts, labels

    start = time.perf_counter()
    if mode == "stream":
        fit_stream(clf, chunks)
    else:
        texts, labels = [], []
        for t, y in chunks():
            texts += t
            labels += y
        clf.fit(texts, labels)
    seconds = time.perf_counter() - start
    n = clf[-1].X_shape_[0]
    result = {
        "mode": mode,
        "documents": n,
        "seconds": seconds,
        "first_epoch_start": timer.starts[0] - start,
        "epoch_seconds": [e - s for s, e in zip(timer.starts, timer.ends, strict=True)],
        "epochs": clf[-1].n_iter_,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "vocabulary": len(clf[0].vocabulary_),
    }
    if accuracy_data:
        with gzip.open(accuracy_data, "rt") as file:
            rows = [json.loads(line) for line in file]
        predicted = clf.predict([r["text"] for r in rows])
        truth = np.array([r["label"] for r in rows])
        result["accuracy"] = float((predicted == truth).mean())
    print(json.dumps(result))


def run_child(*args):
    out = subprocess.run(
        [sys.executable, __file__, "_child", *map(str, args)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def score(model, path, work_dir, *options):
    out = os.path.join(work_dir, f"predictions{'_'.join(options)}.csv")
    start = time.perf_counter()
    subprocess.run(
        ["skbig", "predict", model, path, "-o", out, "--quiet", *options],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start, out


def main():
    if sys.argv[1:2] == ["_child"]:
        path, mode, epochs, accuracy, factor = sys.argv[2:7]
        return child_train(path, mode, int(epochs), accuracy or None, int(factor))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--factors", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--accuracy", action="store_true")
    parser.add_argument("--score-factor", type=int, default=0)
    parser.add_argument(
        "--score-ways",
        nargs="*",
        default=["local", "1", "2"],
        help="local (one process) and/or numbers of Dask workers",
    )
    parser.add_argument("--out", default=os.path.join(HERE, "scale.json"))
    parser.add_argument("--plot", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    results = {}
    if os.path.exists(args.out):
        with open(args.out) as file:
            results = json.load(file)
    test = os.path.join(args.data_dir, "20ng", "test.jsonl.gz")
    if args.accuracy:
        path = corpus(args.data_dir, args.work_dir, 1)
        for mode in ("memory", "stream"):
            results[f"accuracy_{mode}"] = run_child(path, mode, 0, test, 1)
            print(mode, results[f"accuracy_{mode}"], flush=True)
    for factor in args.factors:
        path = corpus(args.data_dir, args.work_dir, factor)
        modes = ("memory", "stream") if factor == 1 else ("stream",)
        for mode in modes:
            result = run_child(path, mode, args.epochs, "", factor)
            results[f"train_{mode}_x{factor}"] = result
            print(factor, result, flush=True)
        with open(args.out, "w") as file:
            json.dump(results, file, indent=1)
    if args.score_factor:
        path = corpus(args.data_dir, args.work_dir, args.score_factor)
        model = os.path.join(args.work_dir, "model.skbig")
        if not os.path.exists(model):
            subprocess.run(["skbig", "train", corpus(args.data_dir, args.work_dir, 1),
                            "-o", model, "--quiet", "--test-size", "0"],
                           check=True, capture_output=True)  # fmt: skip
        scoring = {}
        outputs = []
        ways = [() if w == "local" else ("--workers", w) for w in args.score_ways]
        for options in ways:
            seconds, out = score(model, path, args.work_dir, *options)
            outputs.append(out)
            name = " ".join(options) or "one process"
            scoring[name] = seconds
            print(name, seconds, flush=True)
        contents = {open(o, "rb").read() for o in outputs}
        scoring["identical"] = len(contents) == 1
        scoring["documents"] = sum(1 for _ in open(path))
        results.setdefault(f"score_x{args.score_factor}", {}).update(scoring)
        print(scoring)
    with open(args.out, "w") as file:
        json.dump(results, file, indent=1)
    if args.plot:
        plot(results)


def plot(results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = sorted(
        (v for k, v in results.items() if k.startswith("train_stream_x")),
        key=lambda r: r["documents"],
    )
    fig, (rss, speed) = plt.subplots(1, 2, figsize=(9, 3.4))
    sizes = [r["documents"] for r in runs]
    rss.plot(sizes, [r["peak_rss_mb"] for r in runs], "o-")
    rss.set(xscale="log", xlabel="documents", ylabel="peak RSS (MB)",
            title="streamed training: memory", ylim=(0, None))  # fmt: skip
    speed.plot(sizes, [r["documents"] / r["epoch_seconds"][0] for r in runs], "o-")
    speed.set(xscale="log", xlabel="documents", ylabel="documents / s (epoch)",
              title="streamed training: speed", ylim=(0, None))  # fmt: skip
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, "scale.png"), dpi=110)


if __name__ == "__main__":
    main()
