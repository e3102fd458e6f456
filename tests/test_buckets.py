"""The feature cache stores every row once, in random buckets, reproducibly."""

import numpy as np
import pytest
import scipy.sparse as sp

from skbig._streaming import _buckets
from skbig._streaming._buckets import BucketRows, FeatureCache, read_bucket


def _rows(n, seed=0):
    X = sp.random(n, 50, density=0.1, format="csr", dtype=np.float32, random_state=seed)
    X.data[:] = np.arange(1, X.nnz + 1)  # every entry its own value
    codes = np.repeat(np.arange(4, dtype=np.int32), n // 4)  # sorted by label
    return X, codes


def _fill(folder, X, codes, seed=0, chunk=64, reservoir=30):
    cache = FeatureCache(folder, n_buckets=8, reservoir_size=reservoir, seed=seed)
    for start in range(0, X.shape[0], chunk):
        cache.add(X[start : start + chunk], codes[start : start + chunk])
    cache.close()
    return cache


def _as_rows(indptr, indices, data, codes):
    return sorted(
        (tuple(indices[a:b]), tuple(data[a:b]), int(c))
        for a, b, c in zip(indptr[:-1], indptr[1:], codes, strict=True)
    )


def _identity(indptr, indices, data):
    return sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, 50))


def test_every_row_is_stored_once_and_buckets_mix_a_sorted_corpus(tmp_path):
    X, codes = _rows(400)
    cache = _fill(tmp_path, X, codes)
    stored = []
    for path in cache.paths:
        indptr, indices, data, bucket_codes = read_bucket(path)
        stored += _as_rows(indptr, indices, data, bucket_codes)
        # A label-sorted corpus: each bucket still holds every class.
        assert len(set(bucket_codes.tolist())) == 4
    stored += sorted((tuple(i), tuple(d), int(c)) for i, d, c in cache.reservoir)
    assert sorted(stored) == _as_rows(X.indptr, X.indices, X.data, codes)
    assert len(cache.reservoir) == 30 and cache.n_rows == 400
    # The reservoir is a sample of the whole stream, not its head.
    assert len({int(c) for *_, c in cache.reservoir}) == 4


def test_the_seed_decides_everything(tmp_path):
    X, codes = _rows(200)
    caches = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        (tmp_path / name).mkdir()
        caches.append(_fill(tmp_path / name, X, codes, seed=seed))
    files = [[open(p, "rb").read() for p in cache.paths] for cache in caches]
    assert files[0] == files[1] and files[0] != files[2]


@pytest.mark.parametrize("in_memory", [False, True], ids=["on-disk", "in-memory"])
def test_epochs_visit_every_training_row_once_and_hold_out_the_rest(
    tmp_path, monkeypatch, in_memory
):
    X, codes = _rows(400)
    cache = _fill(tmp_path, X, codes)
    if not in_memory:  # this store is small enough to be read once
        monkeypatch.setattr(_buckets, "SMALL_STORE", 0)
    reads, read = [], _buckets.read_bucket
    monkeypatch.setattr(_buckets, "read_bucket", lambda p: reads.append(p) or read(p))
    rows = BucketRows(cache.paths, cache.reservoir, 50, _identity, 400, np.arange(4))
    rows.labelled(np.array([10, 11, 12, 13]), np.array([1.0, 2.0, 3.0, 4.0]))
    training, (X_val, y_val, w_val) = rows.hold_out(20, seed=0)
    # Judged with the class weights training gives them, as in memory.
    np.testing.assert_array_equal(w_val, np.array([1.0, 2.0, 3.0, 4.0])[y_val - 10])
    # One part in memory, or every bucket and the reservoir's training rows.
    assert len(training.parts()) == (1 if in_memory else 8 + 1)
    assert training.shape == (380, 50) and X_val.shape == (20, 50)
    assert set(y_val.tolist()) <= {10, 11, 12, 13}
    rng = np.random.default_rng(0)
    batches = list(training.epoch(64, rng))
    assert [b[0].shape[0] for b in batches] == [64] * 5 + [60]
    seen = sp.vstack([b[0] for b in batches] + [X_val], format="csr")
    seen_codes = np.concatenate([b[1] for b in batches] + [y_val - 10])
    assert _as_rows(seen.indptr, seen.indices, seen.data, seen_codes) == _as_rows(
        X.indptr, X.indices, X.data, codes
    )
    # A new epoch, a new order.
    again = list(training.epoch(64, rng))
    assert not all((a[0] != b[0]).nnz == 0 for a, b in zip(batches, again, strict=True))
    # Each bucket read by the check for held-out copies of training rows, then
    # once an epoch; or once in all when kept in memory.
    assert sorted(reads) == sorted(cache.paths * (1 if in_memory else 3))


@pytest.mark.parametrize("in_memory", [True, False], ids=["small", "bucketed"])
def test_rows_in_memory_are_every_row_or_the_reservoirs_rest(
    tmp_path, monkeypatch, in_memory
):
    X, codes = _rows(400)
    cache = _fill(tmp_path, X, codes, reservoir=50)
    if not in_memory:
        monkeypatch.setattr(_buckets, "SMALL_STORE", 0)
    rows = BucketRows(cache.paths, cache.reservoir, 50, _identity, 400, np.arange(4),
                      max_validation=20)  # fmt: skip
    rows.labelled(np.array([10, 11, 12, 13]), None)
    assert rows.max_validation == 20  # of a reservoir of 50
    training, (X_val, _, no_weights) = rows.hold_out(100, seed=0)
    assert X_val.shape[0] == 20  # what the plan asks, at most what can be held out
    assert no_weights is None  # no class weights, none for the held-out rows
    X_mem, y_mem = training.in_memory()
    assert X_mem.shape[0] == y_mem.shape[0] == (380 if in_memory else 30)
    assert set(y_mem.tolist()) <= {10, 11, 12, 13}
    memory = _as_rows(X_mem.indptr, X_mem.indices, X_mem.data, y_mem - 10)
    held = _as_rows(X_val.indptr, X_val.indices, X_val.data, np.zeros(20))
    assert memory and not {row[:2] for row in memory} & {row[:2] for row in held}


@pytest.mark.parametrize("class_order", [np.arange(4), None], ids=["classes", "none"])
def test_a_classifiers_held_out_rows_are_stratified_by_class(tmp_path, class_order):
    X, _ = _rows(400)
    codes = np.repeat(np.arange(4, dtype=np.int32), [250, 100, 30, 20])
    cache = _fill(tmp_path, X, codes, reservoir=400)  # the reservoir: every row
    rows = BucketRows(cache.paths, cache.reservoir, 50, _identity, 400, class_order)
    rows.labelled(np.array([10, 11, 12, 13]), None)
    if class_order is None:  # codes a regressor's or a label set's: as drawn
        rows.encode = rows.decode = lambda codes: codes
    counts = []
    for seed in range(5):
        training, (X_val, y_val, _) = rows.hold_out(40, seed=seed)
        held = y_val - 10 if class_order is not None else y_val
        counts.append(np.bincount(held.astype(int), minlength=4).tolist())
        assert X_val.shape[0] == 40 and training.shape[0] == 360
    if class_order is not None:  # a tenth of each class, as fit's hold-out
        assert counts == [[25, 10, 3, 2]] * 5
    else:  # a plain random sample, which seldom matches the classes' shares
        assert any(c != [25, 10, 3, 2] for c in counts)
