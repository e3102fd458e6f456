"""What the refit costs besides its epochs: the time from the end of the stopping run
to the refit's first step, and the first step of each run (where Keras traces the
training step of a network it has not trained yet); and the time from the start of
the fit to the stopping run's start (the held-out split, the feature weights, the
batches' pipeline). ``--pipelines`` times those pipelines alone instead: two built
over the corpus (as a fit's two runs build them) to their first batch, and the
first forward pass of a new default-width network, in a fresh process each.

One default ``MLPClassifier`` fit per seed, in this process; scikit-learn's tables
or a bench corpus (vectorised first, not timed). Run it with two checkouts side by
side to compare them (``PYTHONPATH=/path/to/other/checkout``):

    python benchmarks/refit.py --data iris mr 20ng --data-dir ../shared/data
"""

import argparse
import time

import keras
from _worker import DATA_DIR

TABLES = ("iris", "wine", "digits", "breast_cancer")


class Clock(keras.callbacks.Callback):
    """The first step's seconds of each training run, and the gaps between runs."""

    def __init__(self):
        super().__init__()
        self.first_steps, self.gaps, self.ended = [], [], None
        self.began = None

    def on_train_begin(self, logs=None):
        if self.began is None:
            self.began = time.perf_counter()
        if self.ended is not None:
            self.gaps.append(time.perf_counter() - self.ended)
        self.first_steps.append(None)

    def on_train_batch_begin(self, batch, logs=None):
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.first_steps[-1] is None:
            self.first_steps[-1] = time.perf_counter() - self.started

    def on_train_end(self, logs=None):
        self.ended = time.perf_counter()


def features(name, data_dir):
    if name in TABLES:
        from sklearn import datasets

        return getattr(datasets, f"load_{name}")(return_X_y=True)
    from corpora import load_corpus

    from skbig import make_text_classifier

    X, y, _, _ = load_corpus(name, data_dir)
    return make_text_classifier()[0].fit_transform(X), y


def pipelines(X, y):
    """Seconds to build two shuffled pipelines of skbig's batches to their first
    batch, and to trace a new network's forward pass."""
    import numpy as np
    import tensorflow as tf

    from skbig import MLPClassifier
    from skbig._network.batches import forward, sparse_dataset
    from skbig._network.build import build_mlp

    y = np.unique(np.asarray(y), return_inverse=True)[1]
    start = time.perf_counter()
    for seed in (0, 1):
        next(iter(sparse_dataset(X, y, batch_size=128, shuffle=True, seed=seed)))
    built = time.perf_counter() - start
    width = MLPClassifier().hidden_layer_sizes
    model = build_mlp(X.shape[1], int(y.max()) + 1, "softmax", hidden_layer_sizes=width)
    row = X[:1].tocoo()
    x = tf.SparseTensor(np.stack([row.row, row.col], 1), row.data, row.shape)
    start = time.perf_counter()
    forward(model, x)
    return f"{built:.3f}", f"{time.perf_counter() - start:.3f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=["iris", "mr"])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--pipelines", action="store_true")
    args = parser.parse_args()
    from skbig import MLPClassifier

    for name in args.data:
        X, y = features(name, args.data_dir)
        if args.pipelines:
            print(f"| {name} | {' | '.join(pipelines(X, y))} |", flush=True)
            continue
        for seed in args.seeds:
            clock = Clock()
            start = time.perf_counter()
            MLPClassifier(random_state=seed, callbacks=[clock]).fit(X, y)
            fit = time.perf_counter() - start
            steps = ", ".join(f"{s:.3f}" for s in clock.first_steps)
            gaps = ", ".join(f"{g:.3f}" for g in clock.gaps)
            setup = clock.began - start
            print(
                f"| {name} | {seed} | {fit:.2f} | {setup:.3f} | {steps} | {gaps} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
