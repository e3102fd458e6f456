"""Where the first layer's time goes in one epoch, and how low TensorFlow's kernels go.

Runs, over the batches of one epoch of a corpus (skbig's default TF-IDF and batches),
each piece of a training step's work on the first layer's vocabulary x width kernel
alone, as a compiled function, best of ``--repeats`` passes:

- ``forward+backward``: SparseDense's product and its kernel gradient;
- ``LazyAdam update``: skbig's optimizer applying that row-sparse gradient;
- ``gathers+scatters only``: the same reads and writes of rows without the Adam
  arithmetic (the memory traffic any row-wise Adam must pay with separate kernels);
- ``Keras Adam update``: the dense update plain scikeras pays (whole kernel each step);
- TensorFlow's fused sparse kernels ``ResourceSparseApplyAdagradV2`` (one slot) and
  ``ResourceSparseApplyRMSProp`` (two slots, momentum): one kernel per step each.

    python benchmarks/update_profile.py --data-dir ../shared/data --dataset 20ng

Prints seconds per epoch for each, and the touched rows per batch.
"""

import argparse
import os
import statistics
import sys
import time

from _worker import DATA_DIR

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--dataset", default="20ng")
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    import keras
    import tensorflow as tf
    from _worker import load

    import skbig
    from skbig._network.batches import sparse_dataset
    from skbig._network.layers import sparse_matmul

    texts, _ = load(args.data_dir, args.dataset, "train")
    X = skbig.make_text_classifier().named_steps["tfidf"].fit_transform(texts)
    batches = list(sparse_dataset(X, batch_size=args.batch_size, shuffle=True, seed=0))
    n_terms, width = X.shape[1], args.width

    rng = tf.random.Generator.from_seed(0)
    kernel = keras.Variable(rng.normal((n_terms, width)) * 0.01)  # as in a layer
    weights = kernel.value  # the tf.Variable under it, for TensorFlow's raw ops
    slot_a = tf.Variable(rng.normal((n_terms, width)) * 1e-3)
    slot_b = tf.Variable(rng.uniform((n_terms, width)) * 1e-6)
    lazy, dense = skbig.LazyAdam(), keras.optimizers.Adam()
    lazy.build([kernel])
    dense.build([kernel])
    lr, eps = tf.constant(1e-3), tf.constant(1e-7)

    def row_gradient(x):
        # A stand-in gradient with the real sparsity: one row per distinct term.
        rows = tf.unique(x.indices[:, 1])[0]
        return rows, tf.fill((tf.shape(rows)[0], width), 1e-3)

    def forward_backward(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(sparse_matmul(x, kernel))
        return tape.gradient(loss, kernel).values[0, 0]

    def lazy_adam(x):
        rows, grad = row_gradient(x)
        lazy.apply([tf.IndexedSlices(grad, rows)], [kernel])

    def io_only(x):
        rows, grad = row_gradient(x)
        m, v = tf.gather(slot_a, rows), tf.gather(slot_b, rows)
        slot_a.scatter_update(tf.IndexedSlices(m, rows))
        slot_b.scatter_update(tf.IndexedSlices(v, rows))
        weights.scatter_sub(tf.IndexedSlices(grad, rows))

    def keras_adam(x):
        rows, grad = row_gradient(x)
        shape = tf.constant([n_terms, width], tf.int64)
        dense.apply([tf.IndexedSlices(grad, rows, shape)], [kernel])  # made dense

    def fused_adagrad(x):
        rows, grad = row_gradient(x)
        tf.raw_ops.ResourceSparseApplyAdagradV2(
            var=weights.handle, accum=slot_b.handle, lr=lr, epsilon=eps,
            grad=grad, indices=rows,
        )  # fmt: skip

    def fused_rmsprop(x):
        rows, grad = row_gradient(x)
        tf.raw_ops.ResourceSparseApplyRMSProp(
            var=weights.handle, ms=slot_b.handle, mom=slot_a.handle, lr=lr,
            rho=tf.constant(0.999), momentum=tf.constant(0.9), epsilon=eps,
            grad=grad, indices=rows,
        )  # fmt: skip

    pieces = {
        "forward+backward (SparseDense)": forward_backward,
        "LazyAdam update": lazy_adam,
        "gathers+scatters only (no arithmetic)": io_only,
        "Keras Adam update (dense)": keras_adam,
        "fused TF kernel, Adagrad (1 slot)": fused_adagrad,
        "fused TF kernel, RMSProp+momentum (2 slots)": fused_rmsprop,
    }
    rows = [int(tf.size(tf.unique(b.indices[:, 1])[0])) for b in batches]
    print(
        f"{args.dataset}: {len(batches)} batches of {args.batch_size}, "
        f"{n_terms} terms x width {width}; touched rows per batch: median "
        f"{statistics.median(rows):.0f} ({100 * statistics.median(rows) / n_terms:.0f}"
        " % of the kernel)"
    )
    print("| piece | s/epoch |\n|---|---:|")
    for name, piece in pieces.items():
        step = tf.function(piece, reduce_retracing=True)
        for x in batches[:3]:
            step(x)
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            for x in batches:
                step(x)
            best = min(best, time.perf_counter() - start)
        print(f"| {name} | {best:.2f} |", flush=True)


if __name__ == "__main__":
    main()
