"""skbig._runtime: quiet logs, TensorFlow's threads and the one seeding context."""

import logging
import os
import random
import subprocess
import sys
import warnings

import numpy as np
import pytest

from skbig._runtime import quiet, seeded


def test_quiet_silences_and_restores():
    logger = logging.getLogger("tensorflow")
    logger.setLevel(logging.DEBUG)
    with quiet():
        assert logger.level == logging.ERROR
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn_explicit("noise", UserWarning, "f.py", 1, module="keras.x")
        assert not caught
    assert logger.level == logging.DEBUG
    with quiet(verbose=1):
        assert logger.level == logging.DEBUG


def _global_draws():
    import tensorflow as tf

    return random.random(), np.random.rand(), float(tf.random.uniform(()))  # noqa: NPY002


def test_seeding_own_networks_leaves_the_global_generators_alone():
    random.seed(1)
    np.random.seed(1)  # noqa: NPY002
    expected_python, expected_numpy = random.random(), np.random.rand()  # noqa: NPY002
    random.seed(1)
    np.random.seed(1)  # noqa: NPY002
    with seeded(0):
        pass
    assert (random.random(), np.random.rand()) == (expected_python, expected_numpy)  # noqa: NPY002


def test_a_users_model_is_seeded_globally_then_restored():
    random.seed(1)
    state = random.getstate()
    with seeded(0, user_model=True):
        first = _global_draws()
    with seeded(0, user_model=True):
        assert _global_draws() == first
    assert random.getstate() == state
    with seeded(None, user_model=True):  # no seed: nothing is touched
        assert random.getstate() == state


THREADS = """
import numpy as np, tensorflow as tf, skbig
skbig.MLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(np.eye(4), [0, 1, 0, 1])
t = tf.config.threading
print(t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads())
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("omp", "expected"), [("1", "1 1"), ("3", "3 2"), (None, "0 0")]
)
def test_tensorflow_threads_follow_omp_num_threads(omp, expected):
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if omp:
        env["OMP_NUM_THREADS"] = omp
    out = subprocess.run(
        [sys.executable, "-c", THREADS], env=env, capture_output=True, text=True,
        timeout=300, check=True,
    ).stdout  # fmt: skip
    assert out.split()[-2:] == expected.split()


FORKED = """
import multiprocessing, sys
import numpy as np, skbig

X = np.random.RandomState(0).rand(40, 3)
clf = skbig.MLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(X, np.arange(40) % 2)

def child(queue):
    try:
        clf.predict(X)
        queue.put("predicted")
    except RuntimeError as error:
        queue.put(str(error))

context = multiprocessing.get_context("fork")
queue = context.Queue()
process = context.Process(target=child, args=(queue,))
process.start()
print(queue.get(timeout=120))
process.join(30)
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_predict_in_a_forked_child_fails_at_once_instead_of_hanging():
    out = subprocess.run(
        [sys.executable, "-c", FORKED], capture_output=True, text=True, timeout=300,
        check=True,
    ).stdout  # fmt: skip
    assert "'spawn' or 'forkserver'" in out


def test_plain_output_sets_scikit_learns_default_output_inside_only():
    import sklearn

    from skbig._runtime import plain_output

    with sklearn.config_context(transform_output="pandas"):
        with plain_output():
            assert sklearn.get_config()["transform_output"] == "default"
        assert sklearn.get_config()["transform_output"] == "pandas"
