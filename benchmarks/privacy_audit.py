"""An empirical privacy audit: do canary documents leak through the model?

Canaries are random token sequences with a fixed label. Half of them (the
"in" canaries) are inserted into the training data, half ("out") are not. After
training, a loss-threshold membership-inference attack scores each canary by
the model's loss on it (members should have a lower loss). Reported: the
attack's AUC (0.5 = no better than chance) and the empirical lower bound on
epsilon its best threshold implies, ``log((TPR - delta) / FPR)`` with the TPR
and FPR taken at the ends of their two-sided 95 % Clopper-Pearson intervals (the
lower end of the TPR's, the upper of the FPR's), so that the bound is a statement
the data supports, next to the epsilon the fit claims.

    python benchmarks/privacy_audit.py --data-dir ../shared/data --corpus sms_spam
    python benchmarks/privacy_audit.py --param mlp__dp_intercept_scaling=0.1
    python benchmarks/privacy_audit.py --encoder   # needs sentence-transformers

``--encoder [MODEL]`` puts a public sentence encoder in front of every network in
place of the hashed words (the user guide's recipe; ``private_encoder.py``'s default
model without a value), each distinct document embedded once per run.

Random letter strings embed close to one another, so an encoder cannot tell them
apart and the model has nothing to memorise. ``--canaries-from CORPUS`` draws the
canaries from another corpus's training sentences instead (real text the encoder
places apart), each with a label drawn at random from the training classes: a
label the model can only get right for a canary by remembering that canary, as
the audits that insert mislabelled examples do::

    python benchmarks/privacy_audit.py --encoder --canaries-from mr

``--regression CORPUS`` audits the private text regressor
(``make_text_regressor(dp_epsilon=..., dp_target_bounds=...)``) on one of
``text_regression.py``'s corpora with ``private_regression.py``'s public bounds:
the canaries' target is the upper bound, and each is scored by minus its squared
error. The model without privacy is the same network trained without clipping or
noise on standardised targets::

    python benchmarks/privacy_audit.py --regression tweets
"""

import argparse
import string

import numpy as np
from _worker import DATA_DIR
from corpora import load_corpus
from scipy.stats import beta
from sklearn.metrics import roc_auc_score


def canaries(n, rng, length=8):
    letters = np.array(list(string.ascii_lowercase))
    return [
        " ".join("".join(rng.choice(letters, 7)) for _ in range(length))
        for _ in range(n)
    ]


def sentence_canaries(n, rng, sentences, classes):
    """``n`` distinct documents of ``sentences`` (another corpus), each with a
    label drawn at random from ``classes``."""
    distinct = list(dict.fromkeys(sentences))
    picked = rng.choice(len(distinct), n, replace=False)
    return [distinct[i] for i in picked], rng.choice(classes, n)


def epsilon_lower_bound(scores_in, scores_out, delta, confidence=0.95):
    """The largest ``log((TPR_low - delta) / FPR_high)`` over thresholds."""
    alpha = 1 - confidence
    n_in, n_out = len(scores_in), len(scores_out)
    best = 0.0
    for threshold in np.unique(np.concatenate([scores_in, scores_out])):
        tp = int(np.sum(scores_in >= threshold))
        fp = int(np.sum(scores_out >= threshold))
        tpr_low = beta.ppf(alpha / 2, tp, n_in - tp + 1) if tp else 0.0
        fpr_high = beta.ppf(1 - alpha / 2, fp + 1, n_out - fp) if fp < n_out else 1.0
        if tpr_low - delta > 0 and fpr_high > 0:
            best = max(best, float(np.log((tpr_low - delta) / fpr_high)))
    return best


def encoder_step(model):
    """A ``FunctionTransformer`` of a sentence encoder (public weights), which
    remembers the documents it has embedded: every fit of the audit reuses them."""
    from private_encoder import default_model
    from sentence_transformers import SentenceTransformer
    from sklearn.preprocessing import FunctionTransformer

    encoder = SentenceTransformer(model or default_model(), device="cpu")
    seen = {}

    def embed(documents):
        documents = list(documents)
        new = [d for d in dict.fromkeys(documents) if d not in seen]
        if new:
            vectors = encoder.encode(new, normalize_embeddings=True)
            seen.update(zip(new, vectors, strict=True))
        return np.stack([seen[d] for d in documents])

    return FunctionTransformer(embed)


def audit(make, X, y, label, n_canaries, seed, sentences=None):
    """One fit with the "in" canaries: the attack's AUC, the lower bound and the
    model. Random letter strings labelled ``label``, or with ``sentences``, that
    corpus's documents with random labels."""
    rng = np.random.default_rng(seed)
    if sentences is None:
        docs, labels = canaries(2 * n_canaries, rng), np.full(2 * n_canaries, label)
    else:
        docs, labels = sentence_canaries(2 * n_canaries, rng, sentences, np.unique(y))
    inside, outside = docs[:n_canaries], docs[n_canaries:]
    model = make().fit(list(X) + inside, np.concatenate([y, labels[:n_canaries]]))
    columns = np.searchsorted(model.classes_, labels)

    def member_score(texts, own):  # higher = more likely a member: minus the loss
        proba = model.predict_proba(texts)[np.arange(len(texts)), own]
        return np.log(np.clip(proba, 1e-12, 1))

    scores_in = member_score(inside, columns[:n_canaries])
    scores_out = member_score(outside, columns[n_canaries:])
    return (*attacked(scores_in, scores_out, model, len(X)), model)


def attacked(scores_in, scores_out, model, n_training):
    """The attack's AUC and the epsilon lower bound at the fit's delta (or
    ``1 / (10 n)`` for a fit without one)."""
    truth = np.r_[np.ones(len(scores_in)), np.zeros(len(scores_out))]
    auc = roc_auc_score(truth, np.r_[scores_in, scores_out])
    delta = getattr(model[-1], "delta_", 1 / (10 * n_training))
    return auc, epsilon_lower_bound(scores_in, scores_out, delta)


def print_table(title, epsilons, seeds, fit):
    """The audit's table: ``fit(epsilon, seed)`` gives (AUC, bound, model) for the
    setting without privacy (epsilon None) and each epsilon."""
    print(title)
    print("| training | claimed epsilon | attack AUC | empirical epsilon lower bound |")
    print("|---|---:|---:|---:|")
    settings = [("not private (same features and linear network)", None)]
    settings += [(f"private, epsilon={e:g}", e) for e in epsilons]
    for name, epsilon in settings:
        for seed in seeds:
            auc, bound, model = fit(epsilon, seed)
            claimed = getattr(model[-1], "epsilon_", None)
            shown = "none" if claimed is None else f"{claimed:.2f}"
            print(f"| {name}, seed {seed} | {shown} | {auc:.3f} | {bound:.2f} |",
                  flush=True)  # fmt: skip


def audit_regression(make, X, y, target, n_canaries, seed):
    """``audit`` for a regressor: random letter canaries with the target
    ``target``, scored by minus their squared error."""
    rng = np.random.default_rng(seed)
    docs = canaries(2 * n_canaries, rng)
    inside, outside = docs[:n_canaries], docs[n_canaries:]
    model = make().fit(list(X) + inside, np.r_[y, np.full(n_canaries, target)])
    scores_in = -((model.predict(inside) - target) ** 2)
    scores_out = -((model.predict(outside) - target) ** 2)
    return (*attacked(scores_in, scores_out, model, len(X)), model)


def regression_setting(corpus, data_dir, params):
    """The corpus, its canaries' target and a ``make(epsilon)`` for ``--regression``."""
    from private_regression import BOUNDS
    from text_regression import load

    import skbig

    X, y, _, _ = load(corpus, data_dir)
    bounds = BOUNDS[corpus]

    def make(epsilon):
        if epsilon is None:  # the same network trained without clipping or noise
            private = skbig.make_text_regressor(dp_epsilon=1.0, dp_target_bounds=bounds)
            return private.set_params(
                mlp__dp_epsilon=None, mlp__learning_rate_init=0.1, mlp__epochs=30,
                mlp__early_stopping=False, mlp__batch_size=max(256, len(X) // 4),
                **params,
            )  # fmt: skip
        return skbig.make_text_regressor(
            dp_epsilon=epsilon, dp_target_bounds=bounds, **params
        )

    return X, y, bounds[1], make


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpus", default="sms_spam")
    parser.add_argument("--canaries", type=int, default=100)
    parser.add_argument("--epsilons", nargs="+", type=float, default=[1, 8])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--param",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the private pipelines, e.g. mlp__dp_intercept_scaling=0.1",
    )
    parser.add_argument("--encoder", nargs="?", const="", default=None, metavar="MODEL")
    parser.add_argument(
        "--canaries-from",
        metavar="CORPUS",
        help="canaries: this corpus's training documents, with random labels",
    )
    parser.add_argument(
        "--regression",
        metavar="CORPUS",
        help="audit the private text regressor on this text_regression.py corpus",
    )
    args = parser.parse_args()
    params = {}
    for item in args.param:
        name, value = item.split("=")
        params[name] = float(value) if "." in value else int(value)
    if args.regression:
        return main_regression(args, params)

    import skbig

    if args.encoder is not None:
        params.update(hashing=encoder_step(args.encoder or None), tf="passthrough")
    X, y, _, _ = load_corpus(args.corpus, args.data_dir)
    y = np.asarray(y).astype(str)
    label = str(sorted(set(y), key=list(y).count)[0])  # the rarest class
    sentences, labelled = None, f"labelled {label!r}"
    if args.canaries_from:
        sentences = load_corpus(args.canaries_from, args.data_dir)[0]
        labelled = f"{args.canaries_from} documents with random labels"

    def make(epsilon):
        pipeline = skbig.make_text_classifier(dp_epsilon=epsilon or 1.0, **params)
        if epsilon is None:  # the same network trained without clipping or noise
            pipeline.set_params(
                mlp__dp_epsilon=None, mlp__learning_rate_init=1.0, mlp__epochs=30,
                mlp__early_stopping=False, mlp__batch_size=max(256, len(X) // 4),
            )  # fmt: skip
        return pipeline

    def fit(epsilon, seed):
        return audit(lambda: make(epsilon), X, y, label, args.canaries, seed, sentences)

    title = (
        f"{args.canaries} canaries in, {args.canaries} out, {labelled}, "
        f"on {args.corpus} ({len(X)} training documents)"
    )
    print_table(title, args.epsilons, args.seeds, fit)


def main_regression(args, params):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)  # 30 epochs, as planned
    X, y, target, make = regression_setting(args.regression, args.data_dir, params)

    def fit(epsilon, seed):
        return audit_regression(
            lambda: make(epsilon), X, y, target, args.canaries, seed
        )

    title = (
        f"{args.canaries} canaries in, {args.canaries} out, target {target:g} (the "
        f"upper bound), on {args.regression} ({len(X)} training documents)"
    )
    print_table(title, args.epsilons, args.seeds, fit)


if __name__ == "__main__":
    main()
