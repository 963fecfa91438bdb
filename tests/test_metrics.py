"""Specifications for autograd.metrics: hand-computed cases and the edge cases."""

import doctest

import numpy as np
import pytest

import autograd.metrics as metrics
from autograd.engine import Value
from autograd.metrics import (
    accuracy,
    as_numpy,
    confusion_matrix,
    f1,
    mae,
    mse,
    precision,
    r2,
    recall,
)

# 10 samples: TP = 3, FP = 1, FN = 2, TN = 4
Y_TRUE = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
Y_PRED = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def test_docstring_examples_run():
    assert doctest.testmod(metrics).failed == 0


# -- binary, by hand -------------------------------------------------------------------

def test_binary_metrics_match_hand_counts():
    assert accuracy(Y_TRUE, Y_PRED) == 0.7                     # (3 + 4) / 10
    assert precision(Y_TRUE, Y_PRED) == 0.75                   # 3 / (3 + 1)
    assert recall(Y_TRUE, Y_PRED) == 0.6                       # 3 / (3 + 2)
    assert f1(Y_TRUE, Y_PRED) == pytest.approx(2 / 3)          # 2*3 / (2*3 + 1 + 2)
    assert f1(Y_TRUE, Y_PRED) == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))


def test_confusion_matrix_rows_are_truth_columns_are_predictions():
    cm = confusion_matrix(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(cm, [[4, 1], [2, 3]])        # [[TN, FP], [FN, TP]]
    assert cm.dtype.kind == "i" and cm.sum() == 10


def test_pos_label_picks_the_positive_class():
    # With 0 as the positive class: TP = 4, FP = 2, FN = 1.
    assert precision(Y_TRUE, Y_PRED, pos_label=0) == pytest.approx(4 / 6)
    assert recall(Y_TRUE, Y_PRED, pos_label=0) == 0.8
    assert precision(["cat", "dog", "dog"], ["dog", "dog", "cat"], pos_label="dog") == 0.5


# -- zero division ---------------------------------------------------------------------

def test_precision_is_zero_when_nothing_is_predicted_positive():
    assert precision([1, 0, 1], [0, 0, 0]) == 0.0
    assert precision([1, 0, 1], [0, 0, 0], zero_division=1.0) == 1.0
    assert np.isnan(precision([1, 0, 1], [0, 0, 0], zero_division=np.nan))


def test_recall_is_zero_when_there_are_no_positive_labels():
    assert recall([0, 0, 0], [1, 0, 1]) == 0.0
    assert recall([0, 0, 0], [1, 0, 1], zero_division=1.0) == 1.0
    assert precision([0, 0, 0], [1, 0, 1]) == 0.0              # 0 TP of 2 predicted: a real 0


def test_f1_edge_cases():
    assert f1([0, 0, 0], [0, 0, 0]) == 0.0                     # no positives anywhere
    assert f1([0, 0, 0], [0, 0, 0], zero_division=1.0) == 1.0
    assert f1([1, 0], [0, 1]) == 0.0                           # precision = recall = 0
    assert f1([1, 0], [0, 1], zero_division=1.0) == 0.0        # a real 0, not a 0/0


def test_perfect_and_all_wrong_predictions():
    assert accuracy([0, 1, 1], [0, 1, 1]) == 1.0
    assert f1([0, 1, 1], [0, 1, 1]) == 1.0
    assert accuracy([0, 1, 1], [1, 0, 0]) == 0.0
    assert recall([0, 1, 1], [1, 0, 0]) == 0.0


# -- multiclass ------------------------------------------------------------------------

# class 0: TP 2, FP 1, FN 0;  class 1: TP 1, FP 1, FN 2;  class 2: TP 1, FP 1, FN 1
MC_TRUE = [0, 0, 1, 1, 1, 2, 2]
MC_PRED = [0, 0, 1, 2, 0, 2, 1]


def test_macro_average_is_the_mean_of_per_class_scores():
    p = [2 / 3, 1 / 2, 1 / 2]
    r = [1.0, 1 / 3, 1 / 2]
    f = [2 * 2 / (4 + 1), 2 / (2 + 1 + 2), 2 / (2 + 1 + 1)]
    np.testing.assert_allclose(precision(MC_TRUE, MC_PRED, average=None), p)
    np.testing.assert_allclose(recall(MC_TRUE, MC_PRED, average=None), r)
    np.testing.assert_allclose(f1(MC_TRUE, MC_PRED, average=None), f)
    assert precision(MC_TRUE, MC_PRED, average="macro") == pytest.approx(np.mean(p))
    assert recall(MC_TRUE, MC_PRED, average="macro") == pytest.approx(np.mean(r))
    assert f1(MC_TRUE, MC_PRED, average="macro") == pytest.approx(np.mean(f))
    assert accuracy(MC_TRUE, MC_PRED) == pytest.approx(4 / 7)


def test_macro_counts_a_class_never_predicted_as_zero():
    # Class 2 is never predicted: its precision is 0 (zero division), so the macro mean drops.
    assert precision([0, 1, 2], [0, 1, 1], average="macro") == pytest.approx((1 + 0.5 + 0) / 3)


def test_multiclass_confusion_matrix_and_explicit_labels():
    cm = confusion_matrix(MC_TRUE, MC_PRED)
    np.testing.assert_array_equal(cm, [[2, 0, 0], [1, 1, 1], [0, 1, 1]])
    np.testing.assert_array_equal(np.diag(cm).sum() / cm.sum(), accuracy(MC_TRUE, MC_PRED))
    cm = confusion_matrix(MC_TRUE, MC_PRED, labels=[2, 0])     # order given, class 1 left out
    np.testing.assert_array_equal(cm, [[1, 0], [0, 2]])
    cm = confusion_matrix([0, 0], [0, 0], labels=[0, 1])       # a class with no samples
    np.testing.assert_array_equal(cm, [[2, 0], [0, 0]])
    cm = confusion_matrix(["cat", "dog", "dog"], ["dog", "dog", "cat"])
    np.testing.assert_array_equal(cm, [[0, 1], [1, 1]])


def test_binary_average_refuses_three_classes():
    with pytest.raises(ValueError, match=r"two classes.*\[0, 1, 2\].*macro"):
        precision(MC_TRUE, MC_PRED)


def test_binary_average_with_names_needs_a_pos_label():
    with pytest.raises(ValueError, match="pos_label=1 is not one of the labels"):
        recall(["cat", "dog"], ["cat", "cat"])


def test_average_must_be_known():
    with pytest.raises(ValueError, match="average must be"):
        f1(Y_TRUE, Y_PRED, average="micro")


# -- regression ------------------------------------------------------------------------

def test_regression_metrics_by_hand():
    y, y_hat = [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]
    assert mse(y, y_hat) == pytest.approx((0.25 + 0.25 + 0 + 1) / 4)
    assert mae(y, y_hat) == pytest.approx((0.5 + 0.5 + 0 + 1) / 4)
    ss_tot = np.sum((np.array(y) - 2.875) ** 2)
    assert r2(y, y_hat) == pytest.approx(1 - 1.5 / ss_tot)


def test_r2_is_negative_when_worse_than_the_mean_and_defined_for_constant_targets():
    assert r2([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-3.0)   # 1 - 8/2
    assert r2([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert r2([2.0, 2.0], [2.0, 3.0]) == 0.0


# -- inputs: arrays, lists, Values -----------------------------------------------------

def test_metrics_accept_values_and_lists_of_values():
    batch = Value(np.array(Y_PRED, dtype=float))
    assert accuracy(Y_TRUE, batch) == 0.7
    assert precision(np.array(Y_TRUE), [Value(float(v)) for v in Y_PRED]) == 0.75
    assert mse(Value(np.array([1.0, 2.0])), [Value(np.array([1.0, 4.0]))]) == 2.0
    assert mae([Value(1.0), Value(3.0)], np.array([[2.0], [3.0]])) == 0.5   # column is fine
    np.testing.assert_array_equal(as_numpy(Value(2.0)), [2.0])


def test_float_labels_that_are_whole_numbers_are_labels():
    assert accuracy(np.array([0, 1, 1]), np.array([0.0, 1.0, 0.0])) == pytest.approx(2 / 3)
    assert precision([True, False, True], [True, True, True]) == pytest.approx(2 / 3)


def test_probabilities_are_refused_with_a_hint_to_threshold():
    with pytest.raises(ValueError, match=r"non-integer values such as 0.1.*p >= 0.5"):
        accuracy([0, 1], [0.1, 0.8])


def test_length_mismatch_and_empty_input_are_clear_errors():
    for metric in (accuracy, precision, recall, f1, confusion_matrix, mse, mae, r2):
        with pytest.raises(ValueError, match="same length, got 3 and 2"):
            metric([1, 0, 1], [1, 0])
        with pytest.raises(ValueError, match="empty"):
            metric([], [])


def test_bad_shapes_and_mixed_inputs_are_clear_errors():
    with pytest.raises(ValueError, match=r"1-D.*\(2, 3\).*argmax"):
        accuracy([0, 1], np.zeros((2, 3)))
    with pytest.raises(TypeError, match="batch Values"):
        accuracy([0, 1], [Value(np.zeros(2)), Value(np.ones(2))])
    with pytest.raises(TypeError, match="mixes Values"):
        accuracy([0, 1], [Value(0.0), 1])
    with pytest.raises(TypeError, match="different kinds of label"):
        accuracy([0, 1], ["a", "b"])
    with pytest.raises(TypeError, match="zero_division"):
        precision([0, 1], [0, 1], zero_division="warn")
