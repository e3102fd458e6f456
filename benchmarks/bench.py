"""The wide bench: every corpus x every method, tuning and validation groups apart.

Each corpus (see ``corpora.py``) is vectorised once with skbig's default TF-IDF, fit on
its training split; every method then fits the same matrix with each seed and is
scored on the test split: accuracy, macro-F1, log-loss and expected calibration error
(15 equal-width bins of the top class's probability), and fit seconds of the
classifier alone (the shared vectoriser's seconds are reported once per corpus).
Results go to a JSON-lines file, one line per (corpus, method, seed), so a long run
can be resumed and summarised later::

    python benchmarks/bench.py --group tuning --out results/bench.jsonl
    python benchmarks/bench.py --group validation --out results/bench.jsonl
    python benchmarks/bench.py --summary results/bench.jsonl [--before OLD.jsonl]

``--config`` adds skbig variants (``MLPClassifier`` parameters as Python literals),
as ``sweep.py`` does: ``--methods skbig --config "epochs=10"``. ``--tfidf`` changes
the shared vectoriser for every method (``--tfidf "ngram_range=(1, 2)"``); write
such a run to its own ``--out``, as ``--summary`` does not tell the two apart.
"""

import argparse
import base64
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _worker import DATA_DIR  # noqa: E402
from corpora import DESCRIPTIONS, GROUPS, load_corpus  # noqa: E402
from sweep import parse_config  # noqa: E402

DEFAULT_METHODS = "skbig,linear_svc,logistic_regression,sklearn_mlp,naive_mlp"


def linear_svc(seed):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=1.0, random_state=seed)


def logistic_regression(seed):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=10.0, max_iter=1000, random_state=seed)


def sklearn_mlp(seed):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(random_state=seed)  # scikit-learn's own defaults


def naive_mlp(seed):
    """The most naive network: width 256, no dropout, 10 epochs of (row-wise) Adam.

    Every setting is pinned, so that a default skbig adds later does not reach
    it: until 2026-12-05 it inherited ``nb_weights=True`` (added 2026-12-04), which
    took it from 86.60 to 87.26 % on 20 Newsgroups and from 75.47 to 74.63 % on MR.
    """
    from skbig import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(256,),
        dropout=0.0,
        alpha=0.0,
        epochs=10,
        early_stopping=False,
        optimizer="lazy_adam",
        learning_rate_init=1e-3,
        batch_size=128,
        class_weight=None,
        nb_weights=False,
        densify_tables=False,
        temperature=None,
        n_iter_no_change=10,
        random_state=seed,
    )


def majority(seed):
    """Always the training split's largest class: what "no signal" scores."""
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(strategy="most_frequent")


def skbig_default(seed, **config):
    from skbig import MLPClassifier

    return MLPClassifier(random_state=seed, **config)


METHODS = {
    "linear_svc": linear_svc,
    "logistic_regression": logistic_regression,
    "sklearn_mlp": sklearn_mlp,
    "naive_mlp": naive_mlp,
    "majority": majority,
    "skbig": skbig_default,
}


def expected_calibration_error(y_true, proba, classes, n_bins=15):
    """ECE of the top-label probability, 15 equal-width bins (Guo et al., 2017)."""
    confidence = proba.max(axis=1)
    correct = classes[proba.argmax(axis=1)] == y_true
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        in_bin = bins == b
        if in_bin.any():
            gap = abs(correct[in_bin].mean() - confidence[in_bin].mean())
            ece += in_bin.mean() * gap
    return float(ece)


def packed(indices):
    """A label-index array as a short string, for the JSON-lines file."""
    return base64.b64encode(np.asarray(indices, "<u2").tobytes()).decode("ascii")


def unpacked(text):
    return np.frombuffer(base64.b64decode(text), "<u2").astype(np.int64)


def score(model, Xte, yte, labels):
    """The scores of ``model`` on the test split, and its predictions as indices
    into ``labels`` (every class of the corpus, sorted) for the paired intervals."""
    from sklearn.metrics import accuracy_score, f1_score, log_loss

    predicted = model.predict(Xte)
    result = {
        "accuracy": 100 * accuracy_score(yte, predicted),
        "macro_f1": 100 * f1_score(yte, predicted, average="macro"),
        "log_loss": None,
        "ece": None,
        "predicted": packed(np.searchsorted(labels, predicted)),
    }
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(Xte)
        result["log_loss"] = log_loss(yte, proba, labels=model.classes_)
        result["ece"] = expected_calibration_error(yte, proba, model.classes_)
    return result


def run_corpus(name, args, done, out):
    from sklearn.base import clone

    from skbig import make_text_classifier

    Xtr, ytr, Xte, yte = load_corpus(name, args.data_dir)
    ytr, yte = np.asarray(ytr), np.asarray(yte)
    tfidf = clone(make_text_classifier().named_steps["tfidf"])
    tfidf.set_params(**parse_config(args.tfidf))
    start = time.perf_counter()
    Xtr = tfidf.fit_transform(Xtr)
    vectorize_s = time.perf_counter() - start
    Xte = tfidf.transform(Xte)
    labels = np.unique(np.concatenate([ytr, yte]))
    if (name, "_truth", "", None, args.tfidf) not in done:
        truth = dict(corpus=name, method="_truth", config="", seed=None)
        truth.update(tfidf=args.tfidf, truth=packed(np.searchsorted(labels, yte)))
        print(json.dumps(truth), file=out, flush=True)
    variants = [(m, "") for m in args.methods.split(",") if m != "skbig"]
    if "skbig" in args.methods.split(","):
        variants += [("skbig", c) for c in (args.config or [""])]
    for method, config in variants:
        seeds = args.seeds
        if method in args.one_seed_for and Xtr.shape[0] > 5000:
            seeds = seeds[:1]
        for seed in seeds:
            key = (name, method, config, seed, args.tfidf)
            if key in done:
                continue
            model = METHODS[method](seed, **parse_config(config))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                model.fit(Xtr, ytr)
                fit_s = time.perf_counter() - start
                result = score(model, Xte, yte, labels)
            row = dict(
                corpus=name,
                method=method,
                config=config,
                seed=seed,
                tfidf=args.tfidf,
                fit_s=fit_s,
                vectorize_s=vectorize_s,
                n_train=Xtr.shape[0],
                n_features=Xtr.shape[1],
                n_iter=_iterations(model),
                **result,
            )
            print(json.dumps(row), file=out, flush=True)
            print(
                f"{name:22s} {method:20s} {config:30s} seed={seed} "
                f"acc={result['accuracy']:.2f} f1={result['macro_f1']:.2f} "
                f"ece={_fmt(result['ece'], '.3f')}"
                f" fit={fit_s:.1f}s it={row['n_iter']}",
                flush=True,
            )
            del model


def _iterations(model):
    n_iter = getattr(model, "n_iter_", None)
    return None if n_iter is None else int(np.max(n_iter))


def _fmt(value, spec):
    return "" if value is None else format(value, spec)


def _mean(rows, key):
    values = [r[key] for r in rows if r[key] is not None]
    return statistics.mean(values) if values else None


def _accuracy(truth, predicted):
    return 100 * np.mean(truth == predicted)


def _macro_f1(truth, predicted):
    """scikit-learn's macro-F1 (over the classes in either array), by counting."""
    k = max(truth.max(), predicted.max()) + 1
    hits = np.bincount(truth[truth == predicted], minlength=k)
    true, said = np.bincount(truth, minlength=k), np.bincount(predicted, minlength=k)
    present = (true + said) > 0
    return 100 * np.mean(2 * hits[present] / (true + said)[present])


def paired_interval(truth, mine, theirs, metric, draws=1000, seed=0):
    """95 % interval of ``mean(metric(mine)) - mean(metric(theirs))`` over the
    seeds' predictions, test documents drawn with replacement (the same documents
    for both sides: a paired bootstrap). Both sides' seeds share one test split,
    so the interval says what another test split of the same size could show."""
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(draws):
        rows = rng.integers(0, len(truth), len(truth))
        t = truth[rows]
        a = np.mean([metric(t, p[rows]) for p in mine])
        b = np.mean([metric(t, p[rows]) for p in theirs])
        differences.append(a - b)
    return np.percentile(differences, [2.5, 97.5])


def _interval(truth, by, mine, theirs, metric):
    """`` [lo, hi]`` for the table, or "" where the rows hold no predictions."""
    if truth is None or theirs not in by:
        return ""
    sides = [[unpacked(r["predicted"]) for r in by[m] if "predicted" in r]
             for m in (mine, theirs)]  # fmt: skip
    if not all(sides):
        return ""
    low, high = paired_interval(truth, *sides, metric)
    return f" [{low:+.2f}, {high:+.2f}]"


def compact(path, before=None):
    """One row per corpus: skbig's default against each baseline (3-seed means).

    ``before``: a JSON-lines file of an earlier default's skbig rows, shown as a
    column of its own. Where the rows hold predictions, the differences from the
    best baseline (accuracy) and from LinearSVC (macro-F1) carry their 95 %
    paired-bootstrap interval over test documents.
    """
    rows = [json.loads(line) for line in open(path)]
    old = [json.loads(line) for line in open(before)] if before else []
    baselines = ["linear_svc", "logistic_regression", "sklearn_mlp", "naive_mlp"]
    # The majority answer (``--methods majority``) is a column of its own, not a
    # baseline: it is what a corpus with no signal scores.
    floor = any(r["method"] == "majority" for r in rows)
    lines = [
        "| group | corpus | train docs | before |"
        + (" majority |" if floor else "")
        + " skbig | LinearSVC | LogReg | sklearn MLP | naive MLP | skbig - best "
        "[95 %] | macro-F1 skbig / SVC | macro-F1 skbig - SVC [95 %] | ECE skbig / "
        "LogReg | fit s skbig / SVC |",
        "|---|---|---:|---:|"
        + ("---:|" if floor else "")
        + "---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for group, corpora in GROUPS.items():
        for corpus in corpora:
            by, truth = {}, None
            for r in rows:
                if r["corpus"] == corpus and r["method"] == "_truth":
                    truth = unpacked(r["truth"])
                elif r["corpus"] == corpus and not r["config"]:
                    by.setdefault(r["method"], []).append(r)
            if "skbig" not in by:
                continue
            was = [r for r in old if r["corpus"] == corpus and r["method"] == "skbig"]
            accuracy = {m: _mean(by[m], "accuracy") for m in by}
            best = max((m for m in baselines if m in by), key=accuracy.get)
            mine = accuracy["skbig"]
            svc = by.get("linear_svc", by["skbig"])
            lr = by.get("logistic_regression", by["skbig"])
            f1_mine, f1_svc = _mean(by["skbig"], "macro_f1"), _mean(svc, "macro_f1")
            cells = [
                group,
                corpus,
                str(by["skbig"][0]["n_train"]),
                _fmt(_mean(was, "accuracy"), ".2f") if was else "",
                *([_fmt(accuracy.get("majority"), ".2f")] if floor else []),
                f"{mine:.2f}",
                *(_fmt(accuracy.get(m), ".2f") for m in baselines),
                f"{mine - accuracy[best]:+.2f}"
                + _interval(truth, by, "skbig", best, _accuracy),
                f"{f1_mine:.2f} / {f1_svc:.2f}",
                f"{f1_mine - f1_svc:+.2f}"
                + _interval(truth, by, "skbig", "linear_svc", _macro_f1),
                f"{_mean(by['skbig'], 'ece'):.3f} / {_mean(lr, 'ece'):.3f}",
                f"{_mean(by['skbig'], 'fit_s'):.1f} / {_mean(svc, 'fit_s'):.1f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--group", choices=sorted(GROUPS), default=None)
    parser.add_argument("--corpora", default=None, help="comma-separated names")
    parser.add_argument("--methods", default=DEFAULT_METHODS)
    parser.add_argument("--config", action="append", default=None)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--tfidf",
        default="",
        help="the shared vectoriser's settings other than the default, as --config "
        'writes them: --tfidf "ngram_range=(1, 2)"',
    )
    parser.add_argument(
        "--one-seed-for",
        default="sklearn_mlp",
        help="methods run with the first seed only on corpora of 5,000+ documents "
        "(scikit-learn's MLP takes minutes per fit there)",
    )
    parser.add_argument("--out", default=os.path.join(HERE, "results", "bench.jsonl"))
    parser.add_argument("--summary", metavar="JSONL", default=None)
    parser.add_argument(
        "--before", metavar="JSONL", default=None, help="an earlier default's rows"
    )
    args = parser.parse_args()
    if args.summary:
        print(compact(args.summary, args.before))
        return
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.one_seed_for = set(args.one_seed_for.split(","))
    if args.corpora:
        names = args.corpora.split(",")
    else:
        names = GROUPS[args.group] if args.group else [*GROUPS["tuning"]]
    for name in names:
        if name not in DESCRIPTIONS:
            parser.error(f"unknown corpus {name!r}")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    done = set()
    if os.path.exists(args.out):
        for line in open(args.out):
            r = json.loads(line)
            done.add(
                (r["corpus"], r["method"], r["config"], r["seed"], r.get("tfidf", ""))
            )
    with open(args.out, "a") as out:
        for name in names:
            run_corpus(name, args, done, out)


if __name__ == "__main__":
    main()
