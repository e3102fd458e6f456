"""A streamed corpus's features on disk, in random buckets, with a held-out sample.

Vowpal Wabbit's cache file, shuffled: the one pass over the source writes each
document's sparse features to one of ``n_buckets`` files chosen at random, so every
bucket is a uniform random sample of the corpus (even of a file sorted by label, as
20 Newsgroups' is) and an epoch can read one bucket at a time in a random order.
Meanwhile a reservoir sample (Vitter's algorithm R) keeps up to
``reservoir_size`` documents in memory, the candidates for the held-out set of the
stopping rule; those not held out in the end train like the rest. Everything is
drawn from one seeded generator, so a seed gives the same split and the same files.
"""

import os

import numpy as np
import scipy.sparse as sp

from .._network.streamed import StreamedRows
from .._plan import split_rows, without_copies

_HEADER = np.int64
#: Stores of at most this many bytes are read once and trained from memory:
#: reading 256 nearly empty buckets every epoch is a fixed cost per epoch (40
#: documents, 490 epochs with the refit: `skbig train --stream` 24.7 -> 20.3 s).
SMALL_STORE = 8 * 2**20


class FeatureCache:
    """Write rows of sparse features, with class codes, into random buckets.

    Parameters
    ----------
    folder : str
        An existing, empty folder for the bucket files.
    n_buckets : int
    reservoir_size : int
        Rows kept in memory as candidates for the held-out set.
    seed : int
    """

    def __init__(self, folder, *, n_buckets, reservoir_size, seed):
        self.paths = [os.path.join(folder, f"bucket{b}.bin") for b in range(n_buckets)]
        self._files = [open(path, "wb") for path in self.paths]
        self._rng = np.random.default_rng(seed)
        self._size = reservoir_size
        self.reservoir = []  # (indices, data, code) per row
        self.n_rows = 0

    def add(self, X, codes):
        """Store the rows of CSR ``X`` and their ``codes``."""
        n = X.shape[0]
        first = self.n_rows
        slots = self._rng.integers(0, np.arange(first, first + n) + 1)
        to_disk = np.ones(n, dtype=bool)
        evicted = []
        for r in np.flatnonzero((slots < self._size) | (np.arange(first, first + n)
                                                        < self._size)):  # fmt: skip
            row = (X.indices[X.indptr[r] : X.indptr[r + 1]].copy(),
                   X.data[X.indptr[r] : X.indptr[r + 1]].copy(), codes[r])  # fmt: skip
            to_disk[r] = False
            if len(self.reservoir) < self._size:
                self.reservoir.append(row)
            else:
                evicted.append(self.reservoir[slots[r]])
                self.reservoir[slots[r]] = row
        self.n_rows += n
        kept = X[to_disk]
        self._write(
            np.concatenate([np.diff(kept.indptr), [len(r[0]) for r in evicted]]),
            np.concatenate([kept.indices, *(r[0] for r in evicted)]),
            np.concatenate([kept.data, *(r[1] for r in evicted)]),
            np.concatenate([codes[to_disk], [r[2] for r in evicted]]),
        )

    def _write(self, lengths, indices, data, codes):
        lengths = lengths.astype(np.int32)
        buckets = self._rng.integers(len(self._files), size=len(lengths))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        for b in np.unique(buckets):
            rows = np.flatnonzero(buckets == b)
            entries = np.concatenate(
                [np.arange(starts[r], ends[r]) for r in rows]
            ).astype(np.int64)
            file = self._files[b]
            file.write(np.array([len(rows), len(entries)], _HEADER).tobytes())
            file.write(lengths[rows].tobytes())
            file.write(np.asarray(codes, np.int32)[rows].tobytes())
            file.write(indices[entries].astype(np.int32).tobytes())
            file.write(data[entries].astype(np.float32).tobytes())

    def close(self):
        for file in self._files:
            file.close()


def read_bucket(path):
    """``(indptr, indices, data, codes)`` of one bucket file."""
    lengths, codes, indices, data = [], [], [], []
    with open(path, "rb") as file:
        while header := file.read(16):
            n_rows, nnz = np.frombuffer(header, _HEADER)
            lengths.append(np.fromfile(file, np.int32, n_rows))
            codes.append(np.fromfile(file, np.int32, n_rows))
            indices.append(np.fromfile(file, np.int32, nnz))
            data.append(np.fromfile(file, np.float32, nnz))
    if not lengths:  # a bucket that no row was drawn into
        empty = np.zeros(0, np.int32)
        return np.zeros(1, np.int64), empty, np.zeros(0, np.float32), empty
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(lengths))])
    return indptr, np.concatenate(indices), np.concatenate(data), np.concatenate(codes)


class BucketRows(StreamedRows):
    """The rows of a :class:`FeatureCache`, for the network.

    Parameters
    ----------
    paths : list of str
        The bucket files.
    reservoir : list of (indices, data, code)
        The rows kept in memory.
    n_features : int
    features : callable
        Turns a part's stored CSR (``indptr, indices, data``) into the network's
        features (the fitted vectorizer's weighting, the pipeline's middle steps).
    n_rows : int
    class_order : ndarray or None
        The position in ``classes_`` of each stored class code; None for rows
        whose codes ``decode`` reads (a regressor's float32 targets, a label set's
        number).
    max_validation : int, default=None
        The most rows to hold out (None: the reservoir's).
    """

    def __init__(
        self, paths, reservoir, n_features, features, n_rows, class_order, *,
        max_validation=None,
    ):  # fmt: skip
        super().__init__(n_rows, n_features, class_order)
        self.paths = self._stored = paths
        self._features = features
        self._memory = None  # read on first use: hold_out may make another
        self._reservoir = reservoir
        # what can be held out (the rest of the reservoir trains from memory)
        self.max_validation = len(reservoir)
        if max_validation is not None:
            self.max_validation = min(self.max_validation, max_validation)

    def _read_memory(self):
        """The reservoir's rows, and the whole store when it is small."""
        self._memory = {}
        if self._reservoir:
            self._memory["reservoir"] = self._matrix(self._reservoir)
        if sum(os.path.getsize(path) for path in self.paths) <= SMALL_STORE:
            parts = [self.load(part) for part in self.parts()]
            X = sp.vstack([X for X, _ in parts], format="csr")
            self.paths = []
            self._memory = {"all": (X, np.concatenate([c for _, c in parts]))}

    def _matrix(self, rows):
        lengths = [len(r[0]) for r in rows]
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        X = self._features(
            indptr,
            np.concatenate([r[0] for r in rows]),
            np.concatenate([r[1] for r in rows]),
        )
        return X, np.array([r[2] for r in rows], np.int32)

    def parts(self):
        if self._memory is None:
            self._read_memory()
        return list(self.paths) + list(self._memory)

    def load(self, part):
        if self._memory is None:
            self._read_memory()
        if part in self._memory:
            return self._memory[part]
        indptr, indices, data, codes = read_bucket(part)
        return self._features(indptr, indices, data), codes

    def in_memory(self):
        """Every row when the store is small, else the reservoir's rows not held
        out (a uniform sample of these rows)."""
        if self._memory is None:
            self._read_memory()
        X, codes = self._memory.get("all", self._memory.get("reservoir", (None,) * 2))
        return None if X is None else (X, self.target_of(codes))

    def hold_out(self, n_validation, seed):
        n = min(n_validation, self.max_validation)
        size = len(self._reservoir)
        if self.class_order is not None and 0 < n < size:  # as fit's, by class
            rest, held = split_rows(size, n, seed, [row[2] for row in self._reservoir])
        else:
            order = np.random.default_rng(seed).permutation(size)
            rest, held = order[n:], order[:n]
        held = [self._reservoir[i] for i in np.sort(held)]
        rest = [self._reservoir[i] for i in np.sort(rest)]
        training = BucketRows(
            self._stored, rest, self.shape[1], self._features, self.shape[0] - n,
            self.class_order,
        ).labelled(*self.tables)  # fmt: skip
        training.encode, training.decode = self.encode, self.decode
        training._maps = self._maps
        held = self._matrix(held)
        self.split = (training, *held)  # the training rows and every held-out one
        # Copies of rows trained on are judged on neither side, as in memory.
        X, codes = without_copies(training, held)
        for function in self._maps:
            X = function(X)
        # judged with the class weights training gives them, as fit's held-out rows
        weights = None if self.weights is None else self.weights[codes]
        return training, (X, self.target_of(codes), weights)
