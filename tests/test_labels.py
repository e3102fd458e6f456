"""skbig._labels: class weights and the checks on labels."""

import numpy as np
import pytest

from skbig._labels import (
    balanced_weights,
    check_known_labels,
    check_label_types,
    class_counts,
    class_weighted,
    readable_targets,
    running_counts,
)


def test_balanced_sqrt_weights_are_the_square_root_of_balanced():
    y = np.array(["a"] * 90 + ["b"] * 10)
    weights = class_weighted(y, None, "balanced_sqrt")
    # balanced: n / (classes * count) = 100 / 180 and 100 / 20.
    np.testing.assert_allclose(weights[[0, -1]], np.sqrt([100 / 180, 100 / 20]))
    np.testing.assert_allclose(
        class_weighted(y, np.full(100, 2.0), "balanced_sqrt"), 2 * weights
    )


def test_balanced_weights_from_counts_match_scikit_learn():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0] * 90 + [1] * 7 + [2] * 3)
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_array_equal(balanced_weights([90, 7, 3], "balanced"), expected)
    sqrt = balanced_weights([90, 7, 3], "balanced_sqrt")
    np.testing.assert_array_equal(sqrt, np.sqrt(expected))
    assert balanced_weights([90, 7, 3], None) is None


def test_class_weights_leave_multilabel_and_none_alone():
    Y = np.eye(3, dtype=int)[[0, 1, 2, 0]]
    assert class_weighted(Y, None, "balanced_sqrt") is None
    weights = np.ones(4)
    assert class_weighted(["a", "b", "a", "a"], weights, None) is weights
    np.testing.assert_allclose(
        class_weighted(["a", "b"], None, {"a": 1.0, "b": 3.0}), [1.0, 3.0]
    )


def test_auto_class_weights_weigh_sparse_input_unless_private():
    y = np.array(["a"] * 90 + ["b"] * 10)
    text = class_weighted(y, None, "auto", sparse=True)
    np.testing.assert_allclose(text, class_weighted(y, None, "balanced_sqrt"))
    assert class_weighted(y, None, "auto") is None  # dense input: a table
    assert class_weighted(y, None, "auto", sparse=True, private=True) is None


def test_class_counts_add_up_over_batches():
    classes = np.array(["a", "b", "c"])
    first = class_counts(["a", "a", "c"], classes)
    np.testing.assert_array_equal(first, [2, 0, 1])
    both = class_counts(["b", "a", "x"], classes, first)  # "x": not a class
    np.testing.assert_array_equal(both, [3, 1, 1])
    np.testing.assert_array_equal(first, [2, 0, 1])  # a new array, not an edit
    assert class_counts(np.eye(3, dtype=int), np.arange(3)) is None  # multi-label


@pytest.mark.parametrize("weighting", ["balanced", "balanced_sqrt"])
def test_running_counts_weigh_a_batch_as_the_whole_stream_would(weighting):
    # Batches of one class each: on their own counts every weight would be 1.
    classes, counts = np.array(["a", "b"]), np.array([90, 10])
    batch = np.array(["b"] * 10)
    weights = class_weighted(batch, None, weighting, seen=(classes, counts))
    whole = class_weighted(np.array(["a"] * 90 + ["b"] * 10), None, weighting)
    np.testing.assert_allclose(weights, whole[-10:])
    assert not np.allclose(class_weighted(batch, None, weighting), whole[-10:])
    # Multi-label targets keep no running counts: "balanced" weighs each batch.
    Y = np.eye(3, dtype=int)[[0, 1, 2, 0]]
    from sklearn.utils.class_weight import compute_sample_weight

    np.testing.assert_allclose(
        class_weighted(Y, None, "balanced", seen=(np.arange(3), None)),
        compute_sample_weight("balanced", Y),
    )
    # Classes not seen yet count for nothing; "balanced" is over those seen.
    first = class_weighted(["a"] * 5, None, weighting, seen=(classes, [5, 0]))
    np.testing.assert_allclose(first, 1.0)


def test_unknown_labels_are_named():
    check_known_labels(["a", "b"], np.array(["a", "b", "c"]))
    check_known_labels(np.eye(2, dtype=int), np.array([0, 1]))  # multi-label: no check
    with pytest.raises(ValueError, match=r"has not trained on: \['d'\]"):
        check_known_labels(["a", "d"], np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"missing from classes=: \['d'\]"):
        check_known_labels(["a", "d"], np.array(["a", "b"]), first=True)


@pytest.mark.parametrize(
    "y",
    [[["a", "b"], ["c"]], [("a",), ("b", "c")], [{"a"}, {"b"}], ["a", ["b"]]],
    ids=["lists", "tuples", "sets", "some"],
)
def test_a_list_of_labels_per_sample_is_named_before_numpy_reads_it(y):
    # numpy's own word for it was "setting an array element with a sequence"
    for check in (
        lambda: check_label_types(y),
        lambda: class_weighted(y, None, "balanced"),
        lambda: running_counts(y, None, clf=None),  # partial_fit
    ):
        with pytest.raises(ValueError, match=r"list of labels per sample.*Binarizer"):
            check()


def test_label_rows_of_one_length_are_left_to_the_estimator():
    check_label_types([[0, 1], [1, 1]])  # an indicator matrix, as lists
    check_label_types(np.array([["a", "b"], ["c", "d"]], dtype=object))


def test_a_column_of_labels_is_raveled_with_scikit_learns_warning():
    from sklearn.exceptions import DataConversionWarning

    for column in (np.array([["a"], ["b"]]), [["a"], ["b"]]):
        with pytest.warns(DataConversionWarning, match="column-vector y"):
            got = readable_targets(column)
        np.testing.assert_array_equal(got, ["a", "b"])
    kept = np.array([["a"], ["b"]])
    assert readable_targets(kept, fitted_ndim=2) is kept  # continuing a 2-D fit
    for other in (["a", "b"], np.eye(2), [["a", "b"], ["c"]]):
        assert readable_targets(other) is other


def test_numbers_held_as_objects_are_read_as_numbers():
    # scikit-learn: "Unknown label type: unknown" (a pandas column of dtype object).
    from sklearn.utils.multiclass import type_of_target

    for y, kind in (
        (np.array([1, 2, 2], dtype=object), "i"),
        (np.array([0.5, 1, 1], dtype=object), "f"),
        (np.array([[1, 0], [0, 1]], dtype=object), "i"),
    ):
        assert type_of_target(y) == "unknown"
        assert readable_targets(y).dtype.kind == kind
        np.testing.assert_array_equal(readable_targets(y), y.astype(float))
    for y in (np.array(["a", 1], dtype=object), np.array([1, None], dtype=object)):
        assert readable_targets(y) is y  # left to check_label_types to name


def test_mixed_label_types_are_refused():
    check_label_types(["a", "b"])
    check_label_types(np.array([1, 2]))
    with pytest.raises(TypeError, match="mixes text and non-text labels"):
        check_label_types(["a", 1])


def test_log_loss_charges_an_unseen_label_the_floor_instead_of_failing():
    from sklearn.metrics import log_loss as sklearn_log_loss

    from skbig._labels import MIN_PROBABILITY, log_loss, true_label_probability

    classes = np.array(["a", "b", "c"])
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]])
    labels = ["a", "c", "c"]
    expected = sklearn_log_loss(labels, proba, labels=classes)
    assert log_loss(classes, labels, proba) == pytest.approx(expected)
    p = true_label_probability(classes, ["a", "z", "c"], proba)
    np.testing.assert_allclose(p, [0.7, 0.0, 0.6])
    unseen = log_loss(classes, ["z"], proba[:1])
    assert unseen == pytest.approx(-np.log(MIN_PROBABILITY))


def test_picked_names_follow_the_indicator_columns():
    from skbig._labels import picked_names

    indicator = np.array([[1, 0, 1], [0, 0, 0], [0, 1, 0]])
    names = ["earn", "grain", "wheat"]
    assert picked_names(indicator, names) == [["earn", "wheat"], [], ["grain"]]
