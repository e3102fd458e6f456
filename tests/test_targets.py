"""The codes a stream's rows store for each kind of target, and what they say."""

import numpy as np
import pytest

from skbig._streaming._targets import Classes, LabelSets, Numbers, stream_targets


def test_the_first_labels_and_the_estimator_say_the_kind():
    assert isinstance(stream_targets(True, [1.5, 2.0]), Numbers)
    assert isinstance(stream_targets(False, ["a", "b"]), Classes)
    assert isinstance(stream_targets(False, [[0, 1], [1, 1]]), LabelSets)
    assert isinstance(stream_targets(False, [["a"], ["b", "c"]]), Classes)


def test_numbers_keep_the_whole_streams_mean_and_spread_chunk_by_chunk():
    rng = np.random.RandomState(0)
    y = 1e6 + rng.standard_normal(1000)  # far from zero: a naive sum loses digits
    numbers = Numbers()
    stored = [numbers.codes(list(part), i) for i, part in enumerate(
        np.split(y, [1, 7, 400, 401, 999]), 1)]  # fmt: skip
    assert numbers.n == 1000
    assert numbers.mean == pytest.approx(y.mean(), rel=1e-15)
    assert np.sqrt(numbers.m2 / numbers.n) == pytest.approx(y.std(), rel=1e-9)
    decoded = Numbers.decode(np.concatenate(stored))
    np.testing.assert_array_equal(decoded, y.astype(np.float32))
    assert stored[0].dtype == np.int32  # four bytes, where a class code goes


def test_label_sets_number_each_distinct_set_once():
    sets = LabelSets()
    first = sets.codes([[1, 0, 1], [0, 1, 0], [1, 0, 1]], 1)
    second = sets.codes(np.array([[0, 1, 0], [0, 0, 0]]), 2)
    assert first.tolist() == [0, 1, 0] and second.tolist() == [1, 2]
    assert [s.tolist() for s in sets.sets] == [[0, 2], [1], []]
    with pytest.raises(ValueError, match="chunk 3: indicator rows of 2 labels after"):
        sets.codes([[1, 0]], 3)
    for bad in ([[0, 2, 1]], [["a", "b", "c"]], [[0.5, 0, 1]]):
        with pytest.raises(ValueError, match="chunk 4: multi-label targets are ind"):
            sets.codes(bad, 4)


def test_classes_count_labels_in_order_of_appearance_and_sort_them():
    classes = Classes()
    assert classes.codes(["b", "a", "b"], 1).tolist() == [0, 1, 0]
    assert classes.codes(["c", "a"], 2).tolist() == [2, 1]
    labels, position = classes.classes()
    assert labels.tolist() == ["a", "b", "c"] and position.tolist() == [1, 0, 2]
    assert classes.counts.tolist() == [2, 2, 1]
    with pytest.raises(TypeError, match="chunk 3"):
        classes.codes([1, 2], 3)
