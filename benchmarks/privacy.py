"""Accuracy and fit time of private training (``make_text_classifier(dp_epsilon=)``).

For each corpus and epsilon: the private pipeline's test accuracy and fit
seconds, beside the non-private default and the same linear network on the
same hashed features without privacy. ``--tune`` instead holds out 20 % of the
training split (stratified, seed 0) and scores settings on it, never on test.

    python benchmarks/privacy.py --data-dir ../shared/data --corpora 20ng sms_spam
    python benchmarks/privacy.py --tune --corpora 20ng --epsilons 2 8 \\
        --grid learning_rate_init=0.5,1,2 batch_fraction=0.1,0.25 epochs=30,60
    python benchmarks/privacy.py --tune --corpora 20ng sms_spam --epsilons 1 2 8 \\
        --grid dp_intercept_scaling=1.0,0.1 --fits 3
    python benchmarks/privacy.py --probe --corpora 20ng mr sms_spam \
        --epsilons 1 2 8 --df-sigma 5 20

``--probe`` tries two changes to the private features before building either,
each beside today's features on the same 20 % held out (two fits a setting,
``random_state`` 0 and 1, the privacy noise fresh each fit):

- stop words: the hashing vectorizer drops scikit-learn's English stop words
  (public knowledge, so no privacy cost);
- an IDF from noisy document frequencies: each document adds
  ``1 / sqrt(its distinct hashed terms)`` to every bucket it contains, so one
  document moves the vector by at most 1 in L2, and Gaussian noise of standard
  deviation ``--df-sigma`` is added. **The privacy cost of that release is not
  charged**: the network trains at the full epsilon, so the numbers bound from
  above what the change can give.

``--chars`` adds two more (2026-12-05): hashed character n-grams (``char_wb``, 2 to
4 characters) in place of the words, and the words and those n-grams side by side
(each block l2-normalised, then the row again); they read neither the data nor
public text. ``--df-sigma`` with no value leaves the noisy IDFs out::

    python benchmarks/privacy.py --probe --chars --df-sigma --corpora sms_spam mr 20ng \
        --epsilons 1 2 8

``--public FRACTION`` asks what public text of the same kind is worth: a random
FRACTION of the training split stands in for public text (its labels dropped),
the rest is the private training data, and each epsilon's private fit is scored
on the test split four ways: today's features (hashed, no IDF); a
``TfidfVectorizer`` (vocabulary and IDF) fitted on the public part and frozen;
the same vocabulary without IDF; hashed features with an IDF fitted on the
public part and frozen.
"""

import argparse
import itertools
import time

import numpy as np
import scipy.sparse as sp
from _worker import DATA_DIR
from corpora import load_corpus
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize


def fit_score(make, X, y, X_test, y_test):
    start = time.perf_counter()
    model = make().fit(X, y)
    seconds = time.perf_counter() - start
    return float(np.mean(model.predict(X_test) == y_test)), seconds, model


def private(epsilon, batch_fraction=None, **params):
    import skbig
    from skbig import _privacy

    if batch_fraction is not None:
        _privacy.AUTO_BATCH_FRACTION = batch_fraction
    return lambda: skbig.make_text_classifier(
        dp_epsilon=epsilon,
        mlp__random_state=0,
        **{k if "__" in k else f"mlp__{k}": v for k, v in params.items()},
    )


def held_out(X, y):
    """The training split less 20 % (stratified, seed 0), and that 20 %."""
    return train_test_split(list(X), y, test_size=0.2, stratify=y, random_state=0)


def tune(corpus, X, y, epsilons, grid_items, fits=1):
    """Score settings on 20 % of the training split held out: the mean of
    ``fits`` fits (each draws fresh privacy noise), each fit's accuracy after it."""
    X, X_val, y, y_val = held_out(X, y)
    grid = {}
    for item in grid_items:
        name, values = item.split("=")
        grid[name] = [float(v) if "." in v else int(v) for v in values.split(",")]
    print(f"| {corpus} | epsilon | {' | '.join(grid)} | validation accuracy | s |")
    for epsilon in epsilons:
        for values in itertools.product(*grid.values()):
            make = private(epsilon, **dict(zip(grid, values, strict=True)))
            runs = [fit_score(make, X, y, X_val, y_val)[:2] for _ in range(fits)]
            accs = [acc for acc, _ in runs]
            each = f" ({', '.join(f'{acc:.4f}' for acc in accs)})" if fits > 1 else ""
            shown = " | ".join(str(v) for v in values)
            sec = np.median([sec for _, sec in runs])
            score = f"{np.mean(accs):.4f}{each}"
            print(
                f"| {corpus} | {epsilon:g} | {shown} | {score} | {sec:.1f} |",
                flush=True,
            )


def compare(corpus, X, y, X_test, y_test, epsilons):
    """Test accuracy and fit seconds: private at each epsilon, and not private."""
    import skbig

    def default():
        return skbig.make_text_classifier(mlp__random_state=0)

    def hashed_linear():
        # The private pipeline's features, network, batches and epochs, trained
        # without clipping or noise, at the rate the private fits reach at epsilon 8.
        pipeline = skbig.make_text_classifier(dp_epsilon=1.0, mlp__random_state=0)
        return pipeline.set_params(
            mlp__dp_epsilon=None, mlp__learning_rate_init=10.0, mlp__epochs=30,
            mlp__early_stopping=False, mlp__batch_size=max(256, len(X) // 4),
        )  # fmt: skip

    baselines = {
        "not private, default pipeline": default,
        "not private, same hashed linear network": hashed_linear,
    }
    for name, make in baselines.items():
        acc, sec, _ = fit_score(make, X, y, X_test, y_test)
        print(f"| {corpus} | {name} | {acc:.4f} | {sec:.1f} |", flush=True)
    for epsilon in epsilons:
        acc, sec, model = fit_score(private(epsilon), X, y, X_test, y_test)
        mlp = model[-1]
        print(
            f"| {corpus} | epsilon {mlp.epsilon_:.2f}, delta {mlp.delta_:.1e} "
            f"(sigma {mlp.noise_multiplier_:.2f}, {mlp.steps_} steps) "
            f"| {acc:.4f} | {sec:.1f} |",
            flush=True,
        )


def features(hashing, X, idf=None):
    """Sublinear tf of the hashed counts, times ``idf``, l2-normalised."""
    counts = hashing.transform(X).tocsr().astype(np.float64)
    counts.data = 1 + np.log(counts.data)
    if idf is not None:
        counts = counts @ sp.diags(idf)
    return normalize(counts).astype(np.float32)


def noisy_idf(counts, sigma, rng):
    """IDF from document frequencies with L2 sensitivity 1 plus N(0, sigma^2)."""
    present = (counts > 0).astype(np.float64)
    weight = 1 / np.sqrt(np.maximum(np.asarray(present.sum(1)).ravel(), 1))
    frequency = np.asarray(present.multiply(weight[:, None]).sum(0)).ravel()
    noisy = np.maximum(frequency + rng.normal(0, sigma, frequency.shape), 0)
    n = counts.shape[0]
    return np.log((n + 1) / (noisy * n / weight.sum() + 1)) + 1


def score(epsilon, T, y, T_val, y_val):
    import skbig

    accuracies = []
    for seed in (0, 1):
        mlp = skbig.make_text_classifier(dp_epsilon=epsilon, mlp__random_state=seed)
        accuracies.append(float(np.mean(mlp[-1].fit(T, y).predict(T_val) == y_val)))
    return accuracies


def probe(corpus, X, y, epsilons, df_sigmas, chars=False):
    import skbig

    X, X_val, y, y_val = held_out(X, y)
    print(f"| {corpus} | epsilon | features | validation accuracy (two fits) |")
    hashing = skbig.make_text_classifier(dp_epsilon=1.0).named_steps["hashing"]
    stop = type(hashing)(**{**hashing.get_params(), "stop_words": "english"})
    words = features(hashing, X), features(hashing, X_val)
    variants = {
        "today's features": words,
        "stop words removed": (features(stop, X), features(stop, X_val)),
    }
    if chars:
        pieces = type(hashing)(
            **{**hashing.get_params(), "analyzer": "char_wb", "ngram_range": (2, 4)}
        )
        grams = features(pieces, X), features(pieces, X_val)
        variants["character n-grams (char_wb, 2-4)"] = grams
        variants["words and character n-grams"] = tuple(
            normalize(sp.hstack([w, g]).tocsr()).astype(np.float32)
            for w, g in zip(words, grams, strict=True)
        )
    rng = np.random.default_rng(0)
    counts = hashing.transform(X) if df_sigmas else None  # for the noisy IDFs only
    for sigma in df_sigmas:
        idf = noisy_idf(counts, sigma, rng)
        variants[f"noisy IDF, sigma {sigma:g} (uncharged)"] = (
            features(hashing, X, idf),
            features(hashing, X_val, idf),
        )
    for epsilon in epsilons:
        for name, (T, T_val) in variants.items():
            accuracies = score(epsilon, T, y, T_val, y_val)
            each = ", ".join(f"{a:.4f}" for a in accuracies)
            print(
                f"| {corpus} | {epsilon:g} | {name} | {np.mean(accuracies):.4f} "
                f"({each}) |",
                flush=True,
            )


def public_text(corpus, X, y, X_test, y_test, epsilons, fraction):
    """Private fits on the training split less a random ``fraction`` of it, whose
    text (not labels) feeds the features; scored on the test split."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.frozen import FrozenEstimator
    from sklearn.pipeline import make_pipeline

    import skbig

    X_private, X_public, y_private, _ = train_test_split(
        list(X), y, test_size=fraction, random_state=0
    )
    vocabulary = skbig.TfidfVectorizer(sublinear_tf=True, min_df=2).fit(X_public)
    hashing = skbig.make_text_classifier(dp_epsilon=1.0)[0]  # stateless
    hashed_idf = make_pipeline(
        hashing, TfidfTransformer(sublinear_tf=True).fit(hashing.transform(X_public))
    )
    features = {
        "hashed, no IDF (default)": {},
        f"public vocabulary ({len(vocabulary.vocabulary_)} terms) and IDF": {
            "hashing": FrozenEstimator(vocabulary),
            "tf": "passthrough",
        },
        "public vocabulary, no IDF": {
            "hashing": skbig.TfidfVectorizer(
                vocabulary=vocabulary.vocabulary_, sublinear_tf=True, use_idf=False
            ),
            "tf": "passthrough",
        },
        "hashed, public IDF": {"hashing": FrozenEstimator(hashed_idf),
                               "tf": "passthrough"},
    }  # fmt: skip
    print(f"{len(X_private)} private documents, {len(X_public)} public")
    for epsilon in epsilons:
        for name, steps in features.items():
            make = private(epsilon)
            acc, sec, _ = fit_score(
                lambda make=make, steps=steps: make().set_params(**steps),
                X_private, y_private, X_test, y_test,
            )  # fmt: skip
            print(f"| {corpus} | {epsilon:g} | {name} | {acc:.4f} | {sec:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=["20ng", "sms_spam"])
    parser.add_argument("--epsilons", nargs="+", type=float, default=[1, 2, 4, 8])
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--grid", nargs="*", default=[])
    parser.add_argument("--fits", type=int, default=1, help="fits a setting (--tune)")
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--df-sigma", nargs="*", type=float, default=[5, 20])
    parser.add_argument("--chars", action="store_true")
    parser.add_argument("--public", type=float, default=None, metavar="FRACTION")
    args = parser.parse_args()
    for corpus in args.corpora:
        X, y, X_test, y_test = load_corpus(corpus, args.data_dir)
        y, y_test = np.asarray(y).astype(str), np.asarray(y_test).astype(str)
        if args.public is not None:
            public_text(corpus, X, y, X_test, y_test, args.epsilons, args.public)
        elif args.probe:
            probe(corpus, X, y, args.epsilons, args.df_sigma, args.chars)
        elif args.tune:
            tune(corpus, X, y, args.epsilons, args.grid, args.fits)
        else:
            compare(corpus, X, y, X_test, y_test, args.epsilons)


if __name__ == "__main__":
    main()
