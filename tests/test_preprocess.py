"""Specifications for autograd.preprocess: fitted on training data, applied to the rest."""

import doctest

import numpy as np
import pytest

import autograd.preprocess as preprocess
from autograd.data import make_factory_sensors, train_val_test_split
from autograd.preprocess import (
    MinMaxScaler,
    NotFittedError,
    OneHotEncoder,
    SimpleImputer,
    StandardScaler,
    find_outliers,
    remove_outliers,
)

TRAIN = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 40.0]])
TEST = np.array([[4.0, 100.0], [0.0, 0.0]])


def test_docstring_examples_run():
    assert doctest.testmod(preprocess).failed == 0


# -- StandardScaler --------------------------------------------------------------------

def test_standard_scaler_saves_training_statistics():
    scaler = StandardScaler().fit(TRAIN)
    np.testing.assert_allclose(scaler.mean_, [3.0, 25.0])
    np.testing.assert_allclose(scaler.var_, [3.5, 125.0])      # population variance (/n)
    np.testing.assert_allclose(scaler.scale_, np.sqrt([3.5, 125.0]))
    assert scaler.n_features_in_ == 2 and scaler.n_samples_seen_ == 4
    Z = scaler.transform(TRAIN)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)


def test_standard_scaler_transforms_test_data_with_the_training_statistics():
    # Leakage check: the test rows must be scaled by the training mean and std,
    # not by their own (which would give mean 0 on the test set).
    scaler = StandardScaler().fit(TRAIN)
    Z = scaler.transform(TEST)
    expected = (TEST - [3.0, 25.0]) / np.sqrt([3.5, 125.0])
    np.testing.assert_allclose(Z, expected)
    assert not np.allclose(Z.mean(axis=0), 0.0)
    # Transforming test data does not refit.
    np.testing.assert_allclose(scaler.mean_, [3.0, 25.0])


def test_standard_scaler_inverse_transform_round_trips():
    scaler = StandardScaler().fit(TRAIN)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(TEST)), TEST, atol=1e-12)


def test_standard_scaler_constant_column_becomes_zero_not_nan():
    X = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 3.0]])
    scaler = StandardScaler().fit(X)
    assert scaler.scale_[0] == 1.0
    Z = scaler.transform([[5.0, 2.0], [7.0, 2.0]])
    assert np.isfinite(Z).all()
    np.testing.assert_allclose(Z[:, 0], [0.0, 2.0])
    # A "constant" column whose variance is only a rounding error is constant too.
    assert StandardScaler().fit([0.1] * 7).scale_[0] == 1.0


def test_standard_scaler_accepts_lists_and_1d_columns():
    np.testing.assert_allclose(StandardScaler().fit_transform([[1, 2], [3, 4]]),
                               [[-1, -1], [1, 1]])
    z = StandardScaler().fit_transform([1.0, 2.0, 3.0])
    assert z.shape == (3,)
    np.testing.assert_allclose(z, [-np.sqrt(1.5), 0.0, np.sqrt(1.5)])


def test_standard_scaler_without_mean_or_std():
    assert StandardScaler(with_mean=False).fit(TRAIN).transform(TEST)[0, 0] == \
        pytest.approx(4.0 / np.sqrt(3.5))
    assert StandardScaler(with_std=False).fit(TRAIN).transform(TEST)[0, 0] == 1.0


def test_standard_scaler_nan_is_an_error_unless_allowed():
    X = np.array([[1.0], [np.nan], [3.0]])
    with pytest.raises(ValueError, match=r"1 missing value.*row 1.*SimpleImputer"):
        StandardScaler().fit(X)
    with pytest.raises(ValueError, match="missing"):
        StandardScaler().fit([[1.0], [3.0]]).transform(X)
    scaler = StandardScaler(allow_nan=True).fit(X)
    assert scaler.mean_[0] == 2.0 and scaler.scale_[0] == 1.0
    Z = scaler.transform(X)
    assert np.isnan(Z[1, 0]) and Z[0, 0] == -1.0
    with pytest.raises(ValueError, match="only missing"):
        StandardScaler(allow_nan=True).fit([[np.nan, 1.0], [np.nan, 2.0]])


def test_standard_scaler_transform_before_fit_is_a_clear_error():
    with pytest.raises(NotFittedError, match=r"not fitted yet: call fit\(X_train\)"):
        StandardScaler().transform(TRAIN)
    with pytest.raises(NotFittedError):
        StandardScaler().inverse_transform(TRAIN)


def test_scalers_reject_the_wrong_number_of_columns():
    for scaler in (StandardScaler(), MinMaxScaler()):
        scaler.fit(TRAIN)
        with pytest.raises(ValueError, match="3 column.*fitted on 2"):
            scaler.transform(np.ones((2, 3)))


def test_scalers_reject_strings_infinity_and_3d_input():
    with pytest.raises(TypeError, match="OneHotEncoder"):
        StandardScaler().fit([["a", 1.0]])
    with pytest.raises(ValueError, match="infinite value at row 1, column 0"):
        StandardScaler().fit([[1.0], [np.inf]])
    with pytest.raises(ValueError, match="2-D"):
        MinMaxScaler().fit(np.ones((2, 2, 2)))


def test_scalers_do_not_modify_the_callers_array():
    X = TRAIN.copy()
    StandardScaler().fit(X).transform(X)
    MinMaxScaler().fit(X).transform(X)
    np.testing.assert_array_equal(X, TRAIN)


# -- MinMaxScaler ----------------------------------------------------------------------

def test_minmax_scaler_maps_the_training_range_to_0_1():
    scaler = MinMaxScaler().fit(TRAIN)
    np.testing.assert_allclose(scaler.data_min_, [1.0, 10.0])
    np.testing.assert_allclose(scaler.data_max_, [6.0, 40.0])
    np.testing.assert_allclose(scaler.data_range_, [5.0, 30.0])
    Z = scaler.transform(TRAIN)
    np.testing.assert_allclose(Z.min(axis=0), 0.0)
    np.testing.assert_allclose(Z.max(axis=0), 1.0)


def test_minmax_scaler_uses_training_range_for_test_data():
    scaler = MinMaxScaler().fit(TRAIN)
    np.testing.assert_allclose(scaler.transform(TEST), [[0.6, 3.0], [-0.2, -1 / 3]])
    clipped = MinMaxScaler(clip=True).fit(TRAIN).transform(TEST)
    np.testing.assert_allclose(clipped, [[0.6, 1.0], [0.0, 0.0]])


def test_minmax_scaler_custom_range_inverse_and_constant_column():
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit([[0.0, 3.0], [10.0, 3.0]])
    Z = scaler.transform([[5.0, 3.0], [10.0, 4.0]])
    np.testing.assert_allclose(Z, [[0.0, -1.0], [1.0, 1.0]])
    np.testing.assert_allclose(scaler.inverse_transform(Z), [[5.0, 3.0], [10.0, 4.0]])
    with pytest.raises(ValueError, match="low < high"):
        MinMaxScaler(feature_range=(1, 0))
    with pytest.raises(NotFittedError):
        MinMaxScaler().transform(TRAIN)


# -- SimpleImputer ---------------------------------------------------------------------

def test_imputer_fills_with_training_mean_median_or_most_frequent():
    X = np.array([[1.0, 7.0], [np.nan, 7.0], [2.0, np.nan], [9.0, 1.0]])
    for strategy, stats in (("mean", [4.0, 5.0]), ("median", [2.0, 7.0]),
                            ("most_frequent", [1.0, 7.0])):
        imputer = SimpleImputer(strategy=strategy).fit(X)
        np.testing.assert_allclose(imputer.statistics_, stats)
        out = imputer.transform(X)
        np.testing.assert_allclose(out[1, 0], stats[0])
        np.testing.assert_allclose(out[2, 1], stats[1])
        np.testing.assert_array_equal(out[[0, 3]], X[[0, 3]])


def test_imputer_transforms_test_data_with_training_statistics():
    # Leakage check: the test set's own mean (100) must not be used.
    imputer = SimpleImputer(strategy="mean").fit([[1.0], [3.0]])
    out = imputer.transform([[np.nan], [100.0], [np.nan], [100.0]])
    np.testing.assert_allclose(out.ravel(), [2.0, 100.0, 2.0, 100.0])


def test_imputer_treats_none_in_lists_as_missing():
    out = SimpleImputer().fit_transform([[1.0, None], [3.0, 4.0]])
    np.testing.assert_allclose(out, [[1.0, 4.0], [3.0, 4.0]])


def test_imputer_most_frequent_for_categories_breaks_ties_by_smallest():
    imputer = SimpleImputer(strategy="most_frequent").fit(["b", "a", None, "b", "a", "c"])
    assert imputer.statistics_.tolist() == ["a"]
    out = imputer.transform(np.array([None, "c", float("nan")], dtype=object))
    assert out.tolist() == ["a", "c", "a"]


def test_imputer_constant_strategy():
    out = SimpleImputer(strategy="constant", fill_value="unknown").fit_transform(["x", None])
    assert out.tolist() == ["x", "unknown"]
    out = SimpleImputer(strategy="constant", fill_value=-1).fit_transform([[np.nan], [np.nan]])
    np.testing.assert_array_equal(out, [[-1.0], [-1.0]])
    with pytest.raises(ValueError, match="fill_value"):
        SimpleImputer(strategy="constant")


def test_imputer_errors_name_the_problem():
    with pytest.raises(ValueError, match="strategy must be one of"):
        SimpleImputer(strategy="mode")
    with pytest.raises(TypeError, match="needs numbers, but X holds 'M1'.*most_frequent"):
        SimpleImputer(strategy="mean").fit(["M1", None])
    with pytest.raises(ValueError, match="column 1 has no observed values"):
        SimpleImputer().fit([[1.0, np.nan], [2.0, np.nan]])
    with pytest.raises(NotFittedError):
        SimpleImputer().transform([[1.0]])
    with pytest.raises(ValueError, match="1 column.*fitted on 2"):
        SimpleImputer().fit([[1.0, 2.0]]).transform([[1.0]])
    with pytest.raises(TypeError, match="fitted on numbers"):
        SimpleImputer(strategy="most_frequent").fit([1.0, 2.0]).transform(["x"])


def test_imputer_on_factory_sensors_leaves_no_missing_values():
    d = make_factory_sensors(300, seed=0)
    Xtr, Xva, _, ctr, cva, _ = train_val_test_split(d.X, d.categorical, seed=0)
    numeric = SimpleImputer(strategy="median").fit(Xtr)
    assert not np.isnan(numeric.transform(Xva)).any()
    np.testing.assert_allclose(numeric.statistics_, np.nanmedian(Xtr, axis=0))
    machine = SimpleImputer(strategy="most_frequent").fit(ctr)
    assert None not in set(machine.transform(cva))


# -- OneHotEncoder ---------------------------------------------------------------------

def test_one_hot_encodes_each_column_with_sorted_categories():
    X = [["red", "S"], ["green", "L"], ["red", "M"]]
    enc = OneHotEncoder().fit(X, feature_names=["colour", "size"])
    assert [c.tolist() for c in enc.categories_] == [["green", "red"], ["L", "M", "S"]]
    np.testing.assert_array_equal(enc.transform([["green", "M"]]), [[1, 0, 0, 1, 0]])
    assert enc.get_feature_names_out() == ["colour_green", "colour_red",
                                           "size_L", "size_M", "size_S"]
    Z = enc.transform(X)
    assert Z.shape == (3, 5) and (Z.sum(axis=1) == 2).all()
    assert enc.inverse_transform(Z).tolist() == X


def test_one_hot_unseen_category_error_names_it_and_the_known_ones():
    enc = OneHotEncoder().fit(["M1", "M2", "M3"], feature_names=["machine"])
    with pytest.raises(ValueError, match=r"column 'machine' has category 'M9' at row 1 "
                                         r"that was not seen in fit; known categories: "
                                         r"\['M1', 'M2', 'M3'\]"):
        enc.transform(["M1", "M9"])


def test_one_hot_ignore_encodes_unseen_as_all_zeros():
    enc = OneHotEncoder(handle_unknown="ignore").fit(["a", "b"])
    np.testing.assert_array_equal(enc.transform(["b", "zzz", None]), [[0, 1], [0, 0], [0, 0]])
    assert enc.inverse_transform([[0, 0]]).tolist() == [None]


def test_one_hot_numbers_as_categories_and_errors():
    enc = OneHotEncoder().fit(np.array([[3], [1], [3]]))
    assert enc.categories_[0].tolist() == [1, 3]
    np.testing.assert_array_equal(enc.transform([[3.0]]), [[0, 1]])  # 3.0 is the category 3
    assert enc.get_feature_names_out() == ["x0_1", "x0_3"]
    with pytest.raises(ValueError, match="missing value.*row 1.*SimpleImputer"):
        OneHotEncoder().fit(["a", None])
    with pytest.raises(ValueError, match="mixes types"):
        OneHotEncoder().fit(np.array(["a", 1], dtype=object))
    with pytest.raises(ValueError, match="handle_unknown"):
        OneHotEncoder(handle_unknown="skip")
    with pytest.raises(NotFittedError):
        OneHotEncoder().transform(["a"])
    with pytest.raises(ValueError, match="2 column.*fitted on 1"):
        enc.transform([[1, 3]])
    with pytest.raises(ValueError, match="missing value"):
        enc.transform([[None]])


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


# -- the whole preprocessing recipe on the factory table -------------------------------

def test_factory_pipeline_fitted_on_training_rows_gives_learnable_features():
    d = make_factory_sensors(1000, seed=0)
    itr, _, ite, ytr, _, yte = train_val_test_split(np.arange(1000), d.y, seed=0, stratify=True)
    # Fit every step on the training rows only.
    numeric = SimpleImputer(strategy="median").fit(d.X[itr])
    machine = SimpleImputer(strategy="most_frequent").fit(d.categorical[itr])
    Xtr, ytr, report = remove_outliers(numeric.transform(d.X[itr]), ytr,
                                       column_names=d.numeric_names)
    assert 0 < report.n_removed < 0.15 * len(itr)
    scaler = StandardScaler().fit(Xtr)
    encoder = OneHotEncoder().fit(machine.transform(d.categorical[itr])[report.keep])

    def features(rows, X=None):
        Z = scaler.transform(numeric.transform(d.X[rows]) if X is None else X)
        onehot = encoder.transform(machine.transform(d.categorical[rows]))
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


@pytest.mark.parametrize("make", [StandardScaler, MinMaxScaler, SimpleImputer, OneHotEncoder,
                                  lambda: SimpleImputer(strategy="most_frequent")],
                         ids=["StandardScaler", "MinMaxScaler", "SimpleImputer", "OneHotEncoder",
                              "SimpleImputer(most_frequent)"])
@pytest.mark.parametrize("case", list(EMPTY_INPUTS))
def test_fit_on_no_samples_or_no_features_is_a_value_error(make, case):
    X, message = EMPTY_INPUTS[case]
    transformer = make()
    with pytest.raises(ValueError, match=rf"^{type(transformer).__name__}\.fit {message}"):
        transformer.fit(X)
    with pytest.raises(NotFittedError):  # the failed fit left it unfitted
        transformer.transform([[1.0]])


@pytest.mark.parametrize("case", list(EMPTY_INPUTS))
def test_outlier_rules_on_no_samples_or_no_features_are_value_errors(case):
    X, message = EMPTY_INPUTS[case]
    with pytest.raises(ValueError, match=rf"^find_outliers {message}"):
        find_outliers(X)
    with pytest.raises(ValueError, match=message):
        remove_outliers(X, [] if case == "an empty list" else None)
