"""How skbig runs TensorFlow in this process: quietly, on its share of the cores.

Set up once, on import and before the first fit; nothing here changes the process
on ``predict``.

**Logs.** Keep TensorFlow and Keras quiet unless the user asks them to speak.

TensorFlow's C++ runtime logs at start-up (oneDNN, CUDA probing) before any Python
code can intervene, so its log level has to be in the environment before
``tensorflow`` is imported. TensorFlow 2.19+ also logs through absl before absl is
initialised, which ignores that level (tensorflow/tensorflow#100442), so the import
itself runs with file descriptor 2 pointed at ``/dev/null`` while the level is 3
(skbig's default). A user who set a lower level has chosen to see the logs.

**Threads.** TensorFlow's CPU thread pools are sized to this process's share of the
cores (see :func:`limit_tensorflow_threads`).

**Seeds.** skbig's own network is seeded through its layers, its batches and its
split, never through the global generators; :func:`seeded` is what a seeded fit
needs on top of that, and the only place skbig touches process-wide random state.

**Output.** skbig's estimators use scikit-learn transformers on arrays inside
``fit`` and ``predict``, under :func:`plain_output` whatever the user's
``transform_output`` setting.
"""

import contextlib
import logging
import os
import random
import sys
import warnings

import sklearn

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_tensorflow_quietly():
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] != "3" or "tensorflow" in sys.modules:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        return  # no usable stderr to protect
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()

_NOISY_LOGGERS = ("tensorflow", "absl", "keras", "h5py")


@contextlib.contextmanager
def quiet(verbose=0):
    """Silence TensorFlow's Python loggers and warnings inside the block.

    At ``verbose > 0`` nothing is silenced, so the user sees what Keras has to say.
    """
    if verbose:
        yield
        return
    loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            # Keras and TensorFlow warn about retracing, input structure and
            # deprecations of their own internals: none of it is actionable for
            # a scikit-learn user at verbose=0.
            for module in ("keras", "tensorflow", "scikeras"):
                warnings.filterwarnings("ignore", module=module)
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def plain_output():
    """Inside the block, scikit-learn transformers return what they compute.

    ``sklearn.set_config(transform_output="pandas")`` makes every transformer
    return DataFrames, skbig's own included: the feature scaler, the label encoders
    scikeras fits, and the targets they encode. They work on arrays, so fitting and
    predicting run under this (thread-local) setting, whatever the user's.
    """
    return sklearn.config_context(transform_output="default")


_configured = False
#: Whether skbig has started TensorFlow in this process, and whether this process
#: is a fork of one that had (TensorFlow's runtime then hangs in the child).
_started = False
_forked_after_start = False


def _note_fork():
    global _forked_after_start
    _forked_after_start = _started


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_note_fork)


def check_not_forked():
    """Refuse to run TensorFlow in a child forked after TensorFlow started.

    ``multiprocessing``'s default start method on Linux (up to Python 3.13) forks;
    TensorFlow's thread pools do not survive that, and ``predict`` in the child
    would hang for ever.
    """
    if _forked_after_start:
        raise RuntimeError(
            "this process was forked from one that had already run TensorFlow, "
            "where TensorFlow hangs: start worker processes with the 'spawn' or "
            "'forkserver' method (multiprocessing.get_context('spawn'))"
        )


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
    global _configured, _started
    check_not_forked()
    _started = True
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


@contextlib.contextmanager
def seeded(seed, *, user_model=False):
    """What a fit with an integer ``seed`` needs around it, restored afterwards.

    Where TensorFlow sees a GPU, ops are made deterministic for the duration
    (scatters and segment sums there accumulate with atomics). On CPU the kernels
    are deterministic already: 20 Newsgroups trained to bit-identical weights with
    and without op determinism, which cost 0.3 s of a 2.1 s epoch, so it stays off.
    A ``user_model`` (a network the user built) may draw from the global Python,
    NumPy and TensorFlow generators, so for one of those they are seeded too, as
    scikeras does, and put back afterwards; skbig's own network never reads them.
    """
    if seed is None:
        yield
        return
    import numpy as np
    import tensorflow as tf

    # TensorFlow has no public getter for op determinism, nor a way to turn it off.
    from tensorflow.python.framework import config as tf_config

    deterministic = bool(tf.config.list_physical_devices("GPU"))
    was_deterministic = bool(tf_config.is_op_determinism_enabled())
    env = os.environ.get("TF_DETERMINISTIC_OPS")
    if user_model:
        python_state = random.getstate()
        numpy_state = np.random.get_state()  # noqa: NPY002 (legacy global RNG)
    try:
        if deterministic:
            os.environ["TF_DETERMINISTIC_OPS"] = "1"
            tf_config.enable_op_determinism()
        if user_model:
            random.seed(seed)
            np.random.seed(seed)  # noqa: NPY002
            tf.random.set_seed(seed)
        yield
    finally:
        if deterministic and not was_deterministic:
            tf_config.disable_op_determinism()
        if env is None:
            os.environ.pop("TF_DETERMINISTIC_OPS", None)
        else:
            os.environ["TF_DETERMINISTIC_OPS"] = env
        if user_model:
            random.setstate(python_state)
            np.random.set_state(numpy_state)  # noqa: NPY002
            tf.random.set_seed(None)
