"""What the refit costs besides its epochs: the time from the end of the stopping run
to the refit's first step, and the first step of each run (where Keras traces the
training step of a network it has not trained yet).

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

    def on_train_begin(self, logs=None):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=["iris", "mr"])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    from skbig import MLPClassifier

    for name in args.data:
        X, y = features(name, args.data_dir)
        for seed in args.seeds:
            clock = Clock()
            start = time.perf_counter()
            MLPClassifier(random_state=seed, callbacks=[clock]).fit(X, y)
            fit = time.perf_counter() - start
            steps = ", ".join(f"{s:.3f}" for s in clock.first_steps)
            gaps = ", ".join(f"{g:.3f}" for g in clock.gaps)
            print(f"| {name} | {seed} | {fit:.2f} | {steps} | {gaps} |", flush=True)


if __name__ == "__main__":
    main()
