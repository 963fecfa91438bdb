"""Specifications for autograd.preprocess: outlier rules fitted on training data."""

import doctest

import numpy as np
import pytest

import autograd.preprocess as preprocess
from autograd.data import make_factory_sensors
from autograd.preprocess import find_outliers, remove_outliers


def test_docstring_examples_run():
    assert doctest.testmod(preprocess).failed == 0


# -- outliers --------------------------------------------------------------------------

def test_zscore_rule_flags_values_beyond_threshold_standard_deviations():
    column = np.concatenate([np.tile([-1.0, 1.0], 50), [20.0]])  # mean ~0.2, std ~2
    report = find_outliers(column[:, None], method="zscore", threshold=3.0)
    mean, std = column.mean(), column.std()
    assert report.lower[0] == pytest.approx(mean - 3 * std)
    assert report.upper[0] == pytest.approx(mean + 3 * std)
    assert report.removed.tolist() == [100]
    assert report.n_removed == 1 and report.keep.sum() == 100


def test_iqr_rule_uses_tukey_fences():
    X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0], [30.0], [-20.0]])
    report = find_outliers(X, method="iqr")
    q1, q3 = np.percentile(X, [25, 75])
    assert report.lower[0] == q1 - 1.5 * (q3 - q1)
    assert report.upper[0] == q3 + 1.5 * (q3 - q1)
    assert report.removed.tolist() == [8, 9]
    assert report.threshold == 1.5


def test_outlier_report_says_what_was_removed_and_why():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [2.0, 500.0], [100.0, 5.0], [2.0, 5.0]])
    report = find_outliers(X, method="iqr", column_names=["temperature", "speed"])
    assert report.per_column == {"temperature": 1, "speed": 1}
    assert report.removed.tolist() == [3, 4]
    np.testing.assert_array_equal(report.flagged[3], [False, True])
    text = str(report)
    assert "removed 2 of 6 rows (33.3%)" in text
    assert "temperature: 1 value(s) outside" in text and "speed: 1" in text
    assert "removed=2 of 6 rows" in repr(report)


def test_outliers_ignore_nan_and_unchecked_columns():
    X = np.array([[1.0, 1.0], [np.nan, 2.0], [1.0, 1.0], [1.0, 2.0], [50.0, 90.0]] * 3)
    report = find_outliers(X, method="iqr", columns=[0])
    assert not report.flagged[:, 1].any() and report.upper[1] == np.inf
    assert not report.flagged[np.isnan(X[:, 0]), 0].any()
    assert report.removed.tolist() == [4, 9, 14]


def test_remove_outliers_drops_rows_from_x_and_y_together():
    X = np.array([[1.0], [2.0], [3.0], [2.0], [100.0]])
    y = np.array([10, 11, 12, 13, 14])
    Xk, yk, report = remove_outliers(X, y, method="iqr")
    np.testing.assert_array_equal(Xk.ravel(), [1, 2, 3, 2])
    np.testing.assert_array_equal(yk, [10, 11, 12, 13])
    assert report.n_removed == 1
    Xk, yk, _ = remove_outliers([1.0, 2.0, 3.0, 2.0, 100.0], method="iqr")
    assert Xk.shape == (4,) and yk is None
    with pytest.raises(ValueError, match="5 rows but y has 4"):
        remove_outliers(X, y[:4])


def test_outlier_rules_find_the_factory_glitches():
    d = make_factory_sensors(1000, seed=0)
    z = find_outliers(d.X, method="zscore", column_names=d.numeric_names)
    iqr = find_outliers(d.X, method="iqr", column_names=d.numeric_names)
    assert (z.flagged == d.outliers).mean() > 0.999           # finds the glitches, little else
    assert (z.flagged & d.outliers).sum() == d.outliers.sum()
    assert (iqr.flagged & d.outliers).sum() == d.outliers.sum()
    assert iqr.flagged.sum() > z.flagged.sum()                 # Tukey's fences are stricter


def test_outlier_argument_errors():
    with pytest.raises(ValueError, match="method must be"):
        find_outliers([[1.0]], method="mad")
    with pytest.raises(ValueError, match="threshold"):
        find_outliers([[1.0]], threshold=0)
    with pytest.raises(ValueError, match="columns"):
        find_outliers([[1.0]], columns=[3])
    with pytest.raises(ValueError, match="column_names"):
        find_outliers([[1.0]], column_names=["a", "b"])


# -- the outlier rule inside the whole preprocessing, on the factory table ------------------

def test_factory_recipe_fitted_on_training_rows_gives_learnable_features():
    pytest.importorskip("sklearn")
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    d = make_factory_sensors(1000, seed=0)
    itr, ite, ytr, yte = train_test_split(np.arange(1000), d.y, test_size=0.2, stratify=d.y,
                                          random_state=0)
    machine = d.categorical[:, None]  # one column, None where it was not recorded
    # Fit every step on the training rows only.
    numeric = SimpleImputer(strategy="median").fit(d.X[itr])
    machines = SimpleImputer(strategy="most_frequent", missing_values=None).fit(machine[itr])
    Xtr, ytr, report = remove_outliers(numeric.transform(d.X[itr]), ytr,
                                       column_names=d.numeric_names)
    assert 0 < report.n_removed < 0.15 * len(itr)
    scaler = StandardScaler().fit(Xtr)
    encoder = OneHotEncoder(sparse_output=False).fit(machines.transform(machine[itr])[report.keep])

    def features(rows, X=None):
        Z = scaler.transform(numeric.transform(d.X[rows]) if X is None else X)
        onehot = encoder.transform(machines.transform(machine[rows]))
        return np.column_stack([Z, np.abs(Z[:, 2]), onehot])

    F = features(itr[report.keep], Xtr)
    assert not np.isnan(F).any()
    w, b = np.zeros(F.shape[1]), 0.0
    for _ in range(1500):                       # logistic regression by gradient descent
        g = 1 / (1 + np.exp(-(F @ w + b))) - ytr
        w, b = w - 0.5 * F.T @ g / len(g), b - 0.5 * g.mean()
    Fte = features(ite)                         # the test rows keep their glitches
    assert np.mean((Fte @ w + b > 0) == yte) > 0.78
    # The signal is where it was put: temperature and vibration, not humidity.
    assert w[0] > 1 and w[1] > 1 and abs(w[3]) < 0.5


def test_outlier_bounds_apply_to_new_rows():
    train = np.array([[1.0, 10.0], [2.0, 12.0], [3.0, 11.0], [2.0, 13.0], [100.0, 12.0]])
    report = find_outliers(train, method="iqr")
    new = np.array([[2.5, 11.0], [-40.0, 12.0], [np.nan, 99.0]])
    expected = (new < report.lower) | (new > report.upper)  # NaN compares False
    np.testing.assert_array_equal(report.outside(new), expected)
    np.testing.assert_array_equal(report.outside(new), [[False, False], [True, False],
                                                         [False, True]])
    repaired = report.as_missing(new)
    np.testing.assert_array_equal(np.isnan(repaired), [[False, False], [True, False],
                                                       [True, True]])
    assert repaired[0].tolist() == [2.5, 11.0]
    assert new[1, 0] == -40.0  # the caller's array is untouched
    column = find_outliers([1.0, 2.0, 3.0, 2.0, 100.0], method="iqr")
    assert column.outside([2.0, 50.0]).tolist() == [False, True]   # 1-D in, 1-D out
    with pytest.raises(ValueError, match="X has 1 column.*found on 2"):
        report.as_missing([[1.0]])
    with pytest.raises(TypeError, match="numbers"):
        report.outside([["hot", "cold"]])


# -- nothing to learn from --------------------------------------------------------------

EMPTY_INPUTS = {
    "an empty list": ([], r"got no samples \(an array of shape \(0,\)\)"),
    "rows of no columns": ([[], []],
                           r"got samples with no features \(an array of shape \(2, 0\)\)"),
    "an empty table": (np.zeros((0, 3)), r"got no samples \(an array of shape \(0, 3\)\)"),
}


@pytest.mark.parametrize("case", list(EMPTY_INPUTS))
def test_outlier_rules_on_no_samples_or_no_features_are_value_errors(case):
    X, message = EMPTY_INPUTS[case]
    with pytest.raises(ValueError, match=rf"^find_outliers {message}"):
        find_outliers(X)
    with pytest.raises(ValueError, match=message):
        remove_outliers(X, [] if case == "an empty list" else None)
