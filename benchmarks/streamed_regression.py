"""A text regressor trained on a stream (``skbig.fit_stream``) against in memory.

The ridge the in-memory default fits beside the network (``linear_part``) is
solved over rows in memory: a stream solves it on the rows its store holds (all of
a small stream, else a sample of ``MAX_RIDGE_ROWS`` the reservoir keeps). Per
corpus of ``text_regression.py`` and seed: the default ``make_text_regressor()``
fitted in memory, the same with ``linear_part=False`` (the network alone), and
``fit_stream`` of the default over chunks of ``--chunk`` documents (sorted by
target, as an export of a database often is); test R² and seconds, raw text in
(the vectoriser included).

    python benchmarks/streamed_regression.py \\
        --corpora tweets,amazon,movies,tweet_time,parl_de,sms

``--ridge-rows N`` streams as a corpus too large to hold would (its rows stay in
the bucket files) with a ridge sample of ``N`` rows; ``--max-validation`` is
``fit_stream``'s (below a corpus's size, the sample is what the reservoir keeps
besides the held-out rows); ``--ways`` picks the fits::

    python benchmarks/streamed_regression.py --corpora tweets,movies,parl_de \\
        --ways stream --max-validation 300 --ridge-rows 1000
"""

import argparse
import time
import warnings

import numpy as np
from _worker import DATA_DIR
from text_regression import load


def chunked(texts, y, size):
    order = np.argsort(y, kind="stable")
    texts, y = [texts[i] for i in order], np.asarray(y)[order]

    def chunks():
        for start in range(0, len(texts), size):
            yield texts[start : start + size], y[start : start + size].tolist()

    return chunks


def main():
    from sklearn.metrics import r2_score

    from skbig import fit_stream, make_text_regressor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="tweets,amazon,movies,tweet_time")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--ridge-rows", type=int, default=None)
    parser.add_argument("--max-validation", type=int, default=10_000)
    parser.add_argument("--ways", default="memory,alone,stream")
    parser.add_argument("--data-dir", default=DATA_DIR)
    args = parser.parse_args()
    if args.ridge_rows is not None:
        from skbig._streaming import _buckets, _fit_stream

        _buckets.SMALL_STORE = 0
        _fit_stream.MAX_RIDGE_ROWS = args.ridge_rows
    table = {}
    for corpus in args.corpora.split(","):
        Xtr, ytr, Xte, yte = load(corpus, args.data_dir)
        Xtr, Xte = list(Xtr), list(Xte)
        for seed in [int(s) for s in args.seeds.split(",")]:
            settings = {
                "in memory (default)": {},
                "in memory, network alone": {"mlp__linear_part": False},
                "fit_stream": None,
            }
            ways = dict(zip(["memory", "alone", "stream"], settings, strict=True))
            settings = {ways[w]: settings[ways[w]] for w in args.ways.split(",")}
            for name, extra in settings.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    model = make_text_regressor(mlp__random_state=seed, **(extra or {}))
                    if extra is None:
                        fit_stream(model, chunked(Xtr, ytr, args.chunk),
                                   max_validation=args.max_validation)  # fmt: skip
                    else:
                        model.fit(Xtr, ytr)
                    seconds = time.perf_counter() - start
                r2 = r2_score(yte, model.predict(Xte))
                table.setdefault((corpus, name), []).append((r2, seconds))
                print(f"{corpus} {name:26s} seed={seed} r2={r2:.4f} "
                      f"fit={seconds:.1f}s train={len(Xtr)}", flush=True)  # fmt: skip
    print("\n| corpus | fit | test R² (mean of seeds) | range | fit s |")
    print("|---|---|---:|---|---:|")
    for (corpus, name), runs in table.items():
        r2 = [r for r, _ in runs]
        print(f"| {corpus} | {name} | {np.mean(r2):.4f} | {min(r2):.4f}-"
              f"{max(r2):.4f} | {np.mean([s for _, s in runs]):.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
