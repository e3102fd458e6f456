"""Serving a text classifier: file size, load time, latency, throughput, memory.

Fits the default ``make_text_classifier()`` on a corpus, writes it every way it
can be served (``skbig.save`` with and without optimizer state, ONNX float32 /
float16 / int8, SavedModel) and trains fastText (the tool people pick for this
job) on the same documents. Each is then served by a fresh process that loads
the file and measures: load seconds, one-document latency (median and p99 over
1,000 single-document calls), the process's peak RSS while it answers them one
at a time, throughput on the whole test split at the best of 1, 32 and 256
documents per call, accuracy, and the peak RSS after the batched calls too.

    python benchmarks/serving.py --data-dir ../shared/data --corpus 20ng

``--rounds N`` serves every file N times, round-robin, and reports each column's
median (one-document latency drifts by up to 1.8x between runs here);
``--reuse --only ONNX fastText`` serves again files an earlier run left in
``--workdir``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from corpora import load_corpus

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------- serving side
def _load(kind, path):
    """A function from a list of texts to predicted labels (strings)."""
    if kind == "skbig":
        import skbig

        model = skbig.load(path)
        return lambda texts: model.predict(texts)
    if kind in ("onnx", "onnx-1-thread"):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if kind == "onnx-1-thread":  # a serving process per core, as fastText runs
            options.intra_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            path, options, providers=["CPUExecutionProvider"]
        )

        def predict(texts):
            feed = {"text": np.asarray(texts, dtype=object)}
            return session.run(["label"], feed)[0]

        return predict
    if kind == "savedmodel":
        import tensorflow as tf

        serve = tf.saved_model.load(path).signatures["serving_default"]
        return lambda texts: [
            x.decode() for x in serve(text=tf.constant(texts))["label"].numpy()
        ]
    if kind == "fasttext":
        import fasttext
        from _methods import _one_line

        model = fasttext.load_model(path)

        def predict(texts):
            labels, _ = model.predict([_one_line(text) for text in texts])
            return [label[0][len("__label__") :] for label in labels]

        return predict
    raise ValueError(kind)


def serve(kind, path, texts_file):
    start = time.perf_counter()
    predict = _load(kind, path)
    load = time.perf_counter() - start
    # The test texts are the bench's, not the service's: read after the load, so
    # that the load's peak (onnxruntime holds the parsed file and its tensors at
    # once) is not raised by 7,532 documents a service never holds.
    with open(texts_file) as file:
        texts, labels = json.load(file)
    start = time.perf_counter()
    predict(texts[:1])  # the first call builds what is built lazily
    load += time.perf_counter() - start
    latencies = []
    for text in texts[:1000]:
        start = time.perf_counter()
        predict([text])
        latencies.append(time.perf_counter() - start)
    serving_rss = _peak_rss_mb()  # one request at a time, as a service runs
    best = (0.0, None)
    for batch in (1, 32, 256):
        start = time.perf_counter()
        predicted = []
        for i in range(0, len(texts), batch):
            predicted.extend(predict(texts[i : i + batch]))
        best = max(best, (len(texts) / (time.perf_counter() - start), batch))
    return {
        "load_s": load,
        "median_ms": 1e3 * float(np.median(latencies)),
        "p99_ms": 1e3 * float(np.percentile(latencies, 99)),
        "docs_per_s": best[0],
        "batch": best[1],
        "accuracy": float(np.mean(np.asarray(predicted).astype(str) == labels)),
        "serving_rss_mb": serving_rss,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _peak_rss_mb():
    # VmHWM, not getrusage: ru_maxrss survives exec, so a child started from a
    # large parent would report the parent's peak.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ------------------------------------------------------------------ bench side
def _size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(
        os.path.getsize(os.path.join(root, name))
        for root, _, names in os.walk(path)
        for name in names
    )


def prepare(args):
    """Fit, save and export once; returns [(name, kind, path)]."""
    import skbig

    X_train, y_train, X_test, y_test = load_corpus(args.corpus, args.data_dir)
    y_train = np.asarray(y_train).astype(str)
    os.makedirs(args.workdir, exist_ok=True)
    texts_file = os.path.join(args.workdir, "test.json")
    with open(texts_file, "w") as file:
        json.dump([list(X_test), np.asarray(y_test).astype(str).tolist()], file)
    work = lambda name: os.path.join(args.workdir, name)  # noqa: E731
    start = time.perf_counter()
    pipeline = skbig.make_text_classifier(mlp__random_state=0).fit(X_train, y_train)
    print(f"fitted skbig in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    skbig.save(pipeline, work("model.skbig"))
    skbig.save(pipeline, work("inference.skbig"), include_optimizer=False)
    for quantize in (None, "float16", "int8", "int4"):
        skbig.export(pipeline, work(f"model-{quantize or 'float32'}.onnx"),
                     quantize=quantize)  # fmt: skip
    skbig.export(pipeline, work("savedmodel"), format="savedmodel")
    _train_fasttext(X_train, y_train, work)
    return texts_file, _candidates(work)


def _candidates(work):
    """[(name, kind, path)] of the files :func:`prepare` writes."""
    return [
        ("skbig.save + skbig.load", "skbig", work("model.skbig")),
        ("skbig.save(include_optimizer=False)", "skbig", work("inference.skbig")),
        ("ONNX float32 (onnxruntime)", "onnx", work("model-float32.onnx")),
        ("ONNX float32, one thread", "onnx-1-thread", work("model-float32.onnx")),
        ("ONNX float16 (onnxruntime)", "onnx", work("model-float16.onnx")),
        ("ONNX float16, one thread", "onnx-1-thread", work("model-float16.onnx")),
        ("ONNX int8 (onnxruntime)", "onnx", work("model-int8.onnx")),
        ("ONNX int8, one thread", "onnx-1-thread", work("model-int8.onnx")),
        ("ONNX int4 (onnxruntime)", "onnx", work("model-int4.onnx")),
        ("ONNX int4, one thread", "onnx-1-thread", work("model-int4.onnx")),
        ("SavedModel (tf.saved_model.load)", "savedmodel", work("savedmodel")),
        ("fastText .bin (25 epochs, bigrams)", "fasttext", work("fasttext.bin")),
        ("fastText .ftz (quantized)", "fasttext", work("fasttext.ftz")),
    ]


def _train_fasttext(X_train, y_train, work):
    """fastText as the accuracy bench runs it (``_methods.FastText``: its
    tutorial's settings, the words TF-IDF sees), saved as .bin and quantized
    .ftz (its own product quantization)."""
    from _methods import FastText

    start = time.perf_counter()
    model = FastText().fit(list(X_train), y_train).model_
    print(f"fitted fastText in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    model.save_model(work("fasttext.bin"))
    model.quantize(qnorm=True, retrain=False, cutoff=100_000)
    model.save_model(work("fasttext.ftz"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = os.path.join(HERE, "..", "..", "shared", "data")
    parser.add_argument("--data-dir", default=shared)
    parser.add_argument("--corpus", default="20ng")
    parser.add_argument("--workdir", default="/tmp/skbig-serving")
    parser.add_argument("--serve", nargs=3, metavar=("KIND", "PATH", "TEXTS"))
    parser.add_argument(
        "--rounds", type=int, default=1, help="serve every file this many times"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="serve the files already in --workdir"
    )
    parser.add_argument(
        "--only", nargs="+", help="serve only the rows whose name holds one of these"
    )
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(*args.serve)))
        return
    if args.reuse:
        work = lambda name: os.path.join(args.workdir, name)  # noqa: E731
        texts_file, candidates = work("test.json"), _candidates(work)
    else:
        texts_file, candidates = prepare(args)
    print(
        "| served as | file MB | load s | 1 doc median ms | p99 ms "
        "| docs/s (per call) | accuracy | RSS MB one at a time | after batches |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    if args.only:
        candidates = [c for c in candidates if any(w in c[0] for w in args.only)]
    # Round-robin: every candidate once a round, so a drift of the machine's
    # speed (1.2-1.8x between hours here) falls on all of them alike; each
    # column is the median over the rounds.
    runs = {name: [] for name, _, _ in candidates}
    for _ in range(args.rounds):
        for name, kind, path in candidates:
            command = [sys.executable, __file__, "--serve", kind, path, texts_file]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for name, _, path in candidates:
        r = {
            key: statistics.median(run[key] for run in runs[name])
            for key in runs[name][0]
            if key != "batch"
        }
        batches = sorted({run["batch"] for run in runs[name]})
        print(
            f"| {name} | {_size(path) / 1e6:.1f} | {r['load_s']:.2f} "
            f"| {r['median_ms']:.3f} | {r['p99_ms']:.3f} "
            f"| {r['docs_per_s']:,.0f} ({'/'.join(map(str, batches))}) "
            f"| {r['accuracy']:.4f} "
            f"| {r['serving_rss_mb']:.0f} | {r['peak_rss_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
