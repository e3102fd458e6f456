"""TensorFlow's CPU thread pools sized to this process's share of the cores."""

import os

_configured = False


def limit_tensorflow_threads():
    """Size TensorFlow's thread pools from ``OMP_NUM_THREADS``, once per process.

    joblib's worker processes (``n_jobs`` in a grid search) and Dask's workers set
    ``OMP_NUM_THREADS`` to each worker's share of the cores, which numpy's BLAS
    obeys but TensorFlow does not: every worker would start thread pools the size
    of the whole machine and they would fight over the cores. So, before the first
    fit, skbig gives TensorFlow that many intra-op threads (and at most two
    inter-op threads), unless the user set TensorFlow's threading already. Once
    TensorFlow has run an operation its pools are fixed, and this does nothing.
    """
    global _configured
    if _configured:
        return
    _configured = True
    try:
        threads = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return
    if threads < 1:
        return
    import tensorflow as tf

    threading = tf.config.threading
    try:
        if threading.get_intra_op_parallelism_threads() == 0:
            threading.set_intra_op_parallelism_threads(threads)
        if threading.get_inter_op_parallelism_threads() == 0:
            threading.set_inter_op_parallelism_threads(min(threads, 2))
    except RuntimeError:
        pass  # TensorFlow is initialised already: its pools cannot change
