"""How much accuracy the stopping rule leaves on the table (issue #14).

For each corpus and seed, two fits of the default ``MLPClassifier`` behind the
default TF-IDF, both without stopping, record everything a stopping rule could
use and everything it could have won:

- run A holds out the default tenth and logs the held-out accuracy and log-loss
  after every epoch (what the rule sees);
- run B trains on all the data and logs the test accuracy after every epoch. The
  rate is constant, so the network after k epochs of B is the refit that a rule
  choosing k epochs would train.

Then any rule is replayed offline: the epoch it picks from A's curves, and the
test accuracy of B at that epoch. Replayed, today's rule gives the bench's own
3-seed means (``bench.py``), which checks the replay. "Hindsight" rows pick the
epoch count by looking at the test split, per corpus or per seed: no rule that
decides how long to train can beat them.

    python benchmarks/stopping.py --data-dir ../shared/data --group tuning
    python benchmarks/stopping.py --replay benchmarks/results/stopping.jsonl

``--pool 3`` (the default) adds the rules that pool three stopping runs' held-out
curves (``pooled``), averaged over every three of a corpus' seeds.
"""

import argparse
import itertools
import json
import os
import time
from collections import defaultdict

import keras
import numpy as np
from _worker import DATA_DIR
from corpora import GROUPS, load_corpus
from sklearn.feature_extraction.text import TfidfVectorizer

from skbig import MLPClassifier
from skbig._network.batches import predict
from skbig._network.stopping import LOSS_FLOOR, LOSS_RTOL
from skbig._plan import training_plan
from skbig._weights import weighted

NEVER = 10**6


class TestAccuracy(keras.callbacks.Callback):
    """Test accuracy of the network after every epoch. The network reads its
    input scaled by the ``feature_weights_`` that ``estimator`` learns before
    training (``nb_weights``), so the test matrix is scaled by them too."""

    def __init__(self, X, y, estimator):
        super().__init__()
        self.X, self.y, self.estimator, self.curve = X, y, estimator, []

    def on_epoch_end(self, epoch, logs=None):
        X = weighted(self.X, getattr(self.estimator, "feature_weights_", None))
        raw = np.asarray(predict(self.model, X, batch_size=4096, verbose=0))
        pred = raw.argmax(1) if raw.shape[1] > 1 else (raw[:, 0] > 0.5).astype(int)
        self.curve.append(float(np.mean(pred == self.y)))


def curves(name, data_dir, seeds, out):
    Xtr, ytr, Xte, yte = load_corpus(name, data_dir)
    tfidf = TfidfVectorizer(sublinear_tf=True, min_df=2, dtype=np.float32)
    A, T = tfidf.fit_transform(Xtr), tfidf.transform(Xte)
    y_test = np.searchsorted(np.unique(ytr), yte)
    for seed in seeds:
        plan = training_plan(MLPClassifier(), A.shape[0])
        # Long enough for every rule below to stop by itself.
        epochs = min(plan.epochs, max(12, 4 * plan.patience + 6))
        start = time.perf_counter()
        a = MLPClassifier(
            random_state=seed, epochs=epochs, n_iter_no_change=NEVER, refit=False
        ).fit(A, ytr)
        # The refit's batch is the one planned for the stopping run's share.
        b = MLPClassifier(
            random_state=seed, epochs=epochs, early_stopping=False,
            batch_size=a.training_plan_["batch_size"], n_iter_no_change=NEVER,
        )  # fmt: skip
        test = TestAccuracy(T, y_test, b)
        b.set_params(callbacks=[test]).fit(A, ytr)
        # What the replay of b's last epoch must give: skbig's own predict.
        assert abs(test.curve[-1] - np.mean(b.predict(T) == yte)) < 1e-9
        record = {
            "corpus": name, "seed": seed, "epochs": epochs,
            "patience": plan.patience, "n_validation": plan.n_validation,
            "val_score": a.history_["val_score"], "val_loss": a.history_["val_loss"],
            "test": test.curve, "seconds": time.perf_counter() - start,
        }  # fmt: skip
        print(json.dumps(record), file=out, flush=True)


def replay(val_score, val_loss, patience, n_validation, rule):
    """(best epoch, epochs run) of ``rule`` on one run's held-out curves.

    ``"today"`` is skbig's rule for class labels (``_network/stopping.py``,
    ``lead="loss"``, since 2026-12-04): the best epoch has the lowest held-out
    loss; patience restarts on a loss lower by ``LOSS_RTOL`` of the best loss, or
    of ``LOSS_FLOOR`` when the best is below it (the "lossbest" rule of the
    replay that chose it). ``"accuracy"``: the rule before
    it (``lead="score"``): a better epoch has a
    higher accuracy, or the same at a lower loss; patience restarts on a higher
    accuracy or the same one at a loss lower by ``LOSS_RTOL`` of the best loss,
    or of ``LOSS_FLOOR`` when the best is below it; ``"rtol-only"``: that rule
    before the floor (2026-12-03); ``"floor<f>"``: a floor of ``f``. ``"slack<d>"``: an
    accuracy at most ``d`` held-out documents below the highest counts as the
    same, and the loss decides; ``"slack<d>-quiet"``: the same, but only a higher
    accuracy, or the same at a lower loss, restarts the patience. ``"loss"``: the
    held-out loss alone, improving by ``LOSS_RTOL``.
    """
    best, best_loss, best_epoch, top, stale = -np.inf, np.inf, 0, -np.inf, 0
    for epoch, (score, loss) in enumerate(zip(val_score, val_loss, strict=True), 1):
        lower = loss < best_loss * (1 - LOSS_RTOL)
        if rule == "today":
            if np.isfinite(best_loss):
                lower = loss < best_loss - LOSS_RTOL * max(best_loss, LOSS_FLOOR)
            better, improved = loss < best_loss, lower
        elif rule in ("accuracy", "rtol-only") or rule.startswith("floor"):
            floor = {"accuracy": LOSS_FLOOR, "rtol-only": 0.0}.get(rule)
            floor = float(rule[5:]) if floor is None else floor
            if np.isfinite(best_loss):
                lower = loss < best_loss - LOSS_RTOL * max(best_loss, floor)
            improved = score >= best + 1e-4 or (score >= best and lower)
            better = score > best or (score == best and loss < best_loss)
        elif rule.startswith("slack"):
            docs = float(rule[5:].removesuffix("-quiet"))
            tie = top - score <= docs / n_validation * (1 + 1e-9)
            better = improved = score > top or (tie and lower)
            if rule.endswith("-quiet"):
                improved = score > top or (score >= top and lower)
        else:
            better = improved = lower
        if better:
            best, best_loss, best_epoch = score, loss, epoch
        top = max(top, score)
        stale = 0 if improved else stale + 1
        if stale >= patience:
            return max(best_epoch, 1), epoch
    return max(best_epoch, 1), len(val_score)


def pooled(runs, way="lockstep"):
    """(test accuracy, epochs) of one epoch count chosen from several stopping
    runs (one per seed: another held-out part, another initialisation) and
    applied to each run's refit curve. The epochs are every stopping run's and
    one refit's.

    ``"lockstep"``: today's rule on the mean of the runs' held-out curves, as if
    the runs went epoch by epoch together; ``"sequential"``: each run stops by
    today's rule on its own, and the best epoch of the mean curves over the
    epochs all of them ran is taken; ``"mean-best"``: the mean of the runs' own
    best epochs, rounded.
    """
    n = min(len(r["val_score"]) for r in runs)
    score = np.mean([r["val_score"][:n] for r in runs], axis=0)
    loss = np.mean([r["val_loss"][:n] for r in runs], axis=0)
    if way == "lockstep":
        held_out = sum(r["n_validation"] for r in runs)
        k, ran = replay(
            score.tolist(), loss.tolist(), runs[0]["patience"], held_out, "today"
        )
        epochs = len(runs) * ran + k
    else:
        own = [
            replay(
                r["val_score"], r["val_loss"], r["patience"], r["n_validation"], "today"
            )
            for r in runs
        ]
        epochs = sum(ran for _, ran in own)
        if way == "sequential":
            m = min(ran for _, ran in own)
            # The best of the common epochs: highest mean accuracy, then lowest loss.
            k = 1 + max(range(m), key=lambda e: (score[e], -loss[e]))
        else:
            k = round(float(np.mean([best for best, _ in own])))
        epochs += k
    return np.mean([r["test"][k - 1] for r in runs]), epochs


def pooled_cell(runs, size, way):
    """``pooled`` averaged over every ``size`` of the corpus' runs."""
    results = [pooled(list(c), way) for c in itertools.combinations(runs, size)]
    accuracy, epochs = np.mean(results, axis=0)
    return f"{100 * accuracy:.2f} ({epochs:.0f} ep)"


def table(records, rules=("today", "accuracy", "slack1", "loss"), pool=3):
    by_corpus = defaultdict(list)
    for record in records:
        by_corpus[record["corpus"]].append(record)
    ways = ("lockstep", "sequential", "mean-best")
    head = [*rules, *(f"{way} {pool}" for way in ways)]
    head += ["hindsight, per corpus", "hindsight, per seed"]
    print("| corpus | " + " | ".join(head) + " |")
    print("|---|" + "---:|" * len(head))
    for corpus, runs in by_corpus.items():
        cells = []
        for rule in rules:
            accs, epochs = [], []
            for r in runs:
                k, ran = replay(
                    r["val_score"], r["val_loss"], r["patience"],
                    r["n_validation"], rule,
                )  # fmt: skip
                accs.append(r["test"][k - 1])
                epochs.append(ran + k)  # the stopping run, then the refit
            cells.append(f"{100 * np.mean(accs):.2f} ({np.mean(epochs):.1f} ep)")
        for way in ways:
            cells.append(pooled_cell(runs, min(pool, len(runs)), way))
        n = min(len(r["test"]) for r in runs)
        mean = np.mean([r["test"][:n] for r in runs], axis=0)
        cells.append(f"{100 * mean.max():.2f} ({mean.argmax() + 1} ep)")
        cells.append(f"{100 * np.mean([max(r['test']) for r in runs]):.2f}")
        print(f"| {corpus} | " + " | ".join(cells) + " |")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--group", choices=sorted(GROUPS), default="tuning")
    parser.add_argument("--corpora", nargs="+")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--out", default=os.path.join(here, "results", "stopping.jsonl")
    )
    parser.add_argument("--replay", help="only replay the rules on this file")
    parser.add_argument(
        "--pool", type=int, default=3,
        help="stopping runs whose curves are pooled (averaged over every such "
        "choice of a corpus' seeds)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.replay is None:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "a") as out:
            for name in args.corpora or GROUPS[args.group]:
                curves(name, args.data_dir, args.seeds, out)
    with open(args.replay or args.out) as lines:
        table([json.loads(line) for line in lines], pool=args.pool)


if __name__ == "__main__":
    main()
