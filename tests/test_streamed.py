"""The network's view of streamed rows: batches with targets and weights."""

import numpy as np
import scipy.sparse as sp

from skbig._network.streamed import StreamedRows


class _InMemory(StreamedRows):
    def __init__(self, parts):
        n = sum(X.shape[0] for X, _ in parts)
        super().__init__(n, parts[0][0].shape[1], class_order=np.array([2, 0, 1]))
        self._parts = parts

    def parts(self):
        return list(range(len(self._parts)))

    def load(self, part):
        return self._parts[part]


def test_batches_carry_each_code_s_target_and_weight_over_epochs():
    X = sp.identity(10, dtype=np.float32, format="csr")
    codes = np.arange(10, dtype=np.int32) % 3
    rows = _InMemory([(X[:4], codes[:4]), (X[4:], codes[4:])])
    # Tables in classes_ order; stored code c is class class_order[c].
    rows.labelled(np.array([100, 200, 300]), np.array([1.0, 2.0, 3.0]))
    assert rows.batch_count(4) == 3
    seen = []
    for x, y, w in rows.dataset(4, seed=0).take(6):  # two epochs
        x = sp.csr_matrix(
            (x.values.numpy(), x.indices.numpy().T), shape=x.dense_shape.numpy()
        )
        row = x.toarray().argmax(axis=1)
        expected = np.array([300, 100, 200])[codes[row]]
        np.testing.assert_array_equal(y.numpy(), expected)
        np.testing.assert_array_equal(w.numpy(), expected / 100)
        seen.append(row)
    first, second = np.concatenate(seen[:3]), np.concatenate(seen[3:])
    assert sorted(first) == sorted(second) == list(range(10))
    assert first.tolist() != second.tolist()
    # The same seed, the same batches.
    again = [b[1].numpy() for b in rows.dataset(4, seed=0).take(3)]
    assert (
        np.concatenate(again).tolist()
        == np.array([300, 100, 200])[codes[first]].tolist()
    )


def test_mapped_rows_give_each_part_through_the_function_as_stored_otherwise():
    X = sp.identity(6, dtype=np.float32, format="csr")
    codes = np.zeros(6, np.int32)
    rows = _InMemory([(X[:3], codes[:3]), (X[3:], codes[3:])])
    rows.labelled(np.array([0, 1, 2]), None)
    doubled = rows.mapped(lambda part: part * 2)
    assert doubled is not rows and doubled.shape == rows.shape
    seen = [x.toarray() for x, _ in doubled.epoch(6, np.random.default_rng(0))]
    assert np.sort(np.concatenate(seen).sum(axis=1)).tolist() == [2.0] * 6
    plain = [x.toarray() for x, _ in rows.epoch(6, np.random.default_rng(0))]
    assert np.concatenate(plain).sum() == 6.0
    assert doubled.load(0)[0].sum() == 3.0  # parts as stored
