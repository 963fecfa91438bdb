"""Specifications for autograd.data: generators, the breast cancer set, and splits."""

import doctest

import numpy as np
import pytest

import autograd.data as data
from autograd.data import (
    load_breast_cancer,
    make_blobs,
    make_circles,
    make_factory_sensors,
    make_first_symbol_sequences,
    make_moons,
    make_regression_curve,
    make_spirals,
    train_val_test_split,
    true_curve,
)

GENERATORS_2D = [make_moons, make_circles, make_blobs, make_spirals]


def test_docstring_examples_run():
    assert doctest.testmod(data).failed == 0


# -- generators ------------------------------------------------------------------------

@pytest.mark.parametrize("make", GENERATORS_2D + [make_regression_curve,
                                                  make_first_symbol_sequences])
def test_generator_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(60, seed=3)
    X2, y2 = make(60, seed=3)
    X3, _ = make(60, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", GENERATORS_2D)
def test_2d_generators_shape_and_integer_labels(make):
    X, y = make(101, seed=0)
    assert X.shape == (101, 2) and X.dtype == float
    assert y.shape == (101,) and y.dtype.kind == "i"
    assert np.isfinite(X).all()


def test_generators_accept_a_numpy_generator_and_reject_a_float_seed():
    X1, _ = make_moons(20, seed=np.random.default_rng(5))
    X2, _ = make_moons(20, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(X1, X2)
    with pytest.raises(TypeError, match="seed"):
        make_moons(20, seed=1.5)


@pytest.mark.parametrize("kwargs, error", [
    ({"n_samples": 0}, ValueError), ({"n_samples": 10.0}, TypeError),
    ({"noise": -0.1}, ValueError), ({"noise": float("nan")}, ValueError),
])
def test_generators_reject_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_moons(**kwargs)


def test_moons_without_noise_lie_on_their_arcs():
    X, y = make_moons(200, noise=0.0, seed=1)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)                       # unit circle
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 0.5).all()
    assert np.bincount(y).tolist() == [100, 100]


def test_circles_without_noise_have_radius_1_and_factor():
    X, y = make_circles(100, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(*X.T)
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    with pytest.raises(ValueError, match="factor"):
        make_circles(factor=1.0)


def test_blobs_have_n_classes_around_their_centres():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0, 0, 10.0]])
    X, y = make_blobs(4000, centers=centers, cluster_std=0.5, seed=0)
    assert X.shape == (4000, 3) and np.bincount(y).tolist() == [1000] * 4
    for k in range(4):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.08)  # 5 s.e.
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, rtol=0.1)
    X, y = make_blobs(10, centers=3, n_features=5, seed=0)
    assert X.shape == (10, 5) and np.bincount(y).tolist() == [4, 3, 3]


def test_spirals_have_balanced_classes_inside_the_unit_disc():
    X, y = make_spirals(300, n_classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert (np.hypot(*X.T) <= 1.0 + 1e-12).all()
    # Without noise, radius and class fix the angle: a point is on its own arm only.
    r = np.hypot(*X.T)
    expected = np.column_stack([np.cos(2 * np.pi * (r + y / 3)), np.sin(2 * np.pi * (r + y / 3))])
    np.testing.assert_allclose(X, r[:, None] * expected, atol=1e-12)


def test_regression_curve_is_true_curve_plus_noise_of_the_given_size():
    X, y = make_regression_curve(5000, noise=0.2, x_range=(-1.0, 2.0), seed=0)
    assert X.shape == (5000, 1) and y.shape == (5000,)
    assert X.min() >= -1.0 and X.max() <= 2.0
    residual = y - true_curve(X[:, 0])
    assert abs(residual.mean()) < 0.02
    assert residual.std() == pytest.approx(0.2, rel=0.05)
    assert true_curve(np.array([0.0]))[0] == 0.0
    assert true_curve(np.pi / 4) == pytest.approx(1 + 0.3 * np.pi / 4)


def test_first_symbol_label_is_the_first_symbol_and_balanced():
    X, y = make_first_symbol_sequences(400, length=30, seed=0)
    assert X.shape == (400, 30) and set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(y, (X[:, 0] == 1).astype(int))
    assert y.sum() == 200
    # The later symbols carry no information about the label.
    later = X[:, 1:].mean(axis=1)
    assert abs(later[y == 1].mean() - later[y == 0].mean()) < 0.05


def test_first_symbol_with_more_symbols_never_shows_1_first_for_class_0():
    X, y = make_first_symbol_sequences(300, length=4, n_symbols=4, seed=2)
    assert set(np.unique(X)) == {0.0, 1.0, 2.0, 3.0}
    assert (X[y == 0, 0] != 1).all() and (X[y == 1, 0] == 1).all()
    assert set(np.unique(X[y == 0, 0])) == {0.0, 2.0, 3.0}


# -- the factory sensor table ----------------------------------------------------------

def test_factory_sensors_structure():
    d = make_factory_sensors(400, seed=0)
    assert d.X.shape == (400, 5) and d.X.dtype == float
    assert d.categorical.shape == (400,) and d.categorical.dtype == object
    assert d.y.shape == (400,) and set(np.unique(d.y)) == {0, 1}
    assert d.numeric_names == ("temperature", "vibration", "pressure", "humidity", "speed")
    assert d.column_names == d.numeric_names + ("machine",)
    assert d.categorical_name == "machine" and d.target_name == "defect"
    assert set(d.categorical) == {"M1", "M2", "M3", None}
    assert "400 parts" in repr(d)


def test_factory_sensors_missing_values_and_outliers_at_the_requested_rates():
    d = make_factory_sensors(4000, missing_rate=0.1, outlier_rate=0.03, seed=1)
    assert np.isnan(d.X).mean() == pytest.approx(0.1, abs=0.01)
    assert np.mean([c is None for c in d.categorical]) == pytest.approx(0.1, abs=0.015)
    assert d.outliers.mean() == pytest.approx(0.03 * 0.9, abs=0.005)
    assert not (d.outliers & np.isnan(d.X)).any()
    # A glitch is at least 8 standard deviations out; a clean reading rarely beyond 5.
    means = np.array([70.0, 3.0, 6.0, 45.0, 1500.0])
    stds = np.array([5.0, 0.8, 0.5, 8.0, 100.0])
    z = np.abs(d.X - means) / stds
    assert (z[d.outliers] >= 8).all()
    clean = ~d.outliers & ~np.isnan(d.X)
    assert (z[clean] < 5.5).all()


def test_factory_sensors_clean_set_has_no_missing_values_or_outliers():
    d = make_factory_sensors(300, missing_rate=0.0, outlier_rate=0.0, seed=0)
    assert not np.isnan(d.X).any() and not d.outliers.any()
    assert None not in set(d.categorical)


def test_factory_defects_are_learnable_from_the_clean_features():
    d = make_factory_sensors(4000, missing_rate=0.0, outlier_rate=0.0, seed=0)
    assert 0.28 < d.y.mean() < 0.42
    z = (d.X - d.X.mean(axis=0)) / d.X.std(axis=0)
    score = 3 * z[:, 0] + 2.5 * z[:, 1] + 2 * np.abs(z[:, 2]) + 2.5 * (d.categorical == "M3") - 4
    assert np.mean((score > 0) == d.y) > 0.85
    # Humidity is a distractor: by itself it predicts nothing.
    assert abs(np.corrcoef(d.X[:, 3], d.y)[0, 1]) < 0.05
    assert np.corrcoef(d.X[:, 0], d.y)[0, 1] > 0.3


def test_factory_sensors_rejects_bad_rates():
    with pytest.raises(ValueError, match="missing_rate"):
        make_factory_sensors(missing_rate=1.0)
    with pytest.raises(ValueError, match="outlier_rate"):
        make_factory_sensors(outlier_rate=-0.1)


# -- breast cancer ---------------------------------------------------------------------

def test_breast_cancer_has_569_samples_30_features_and_212_malignant():
    ds = load_breast_cancer()
    assert ds.X.shape == (569, 30) and ds.X.dtype == float
    assert np.bincount(ds.y).tolist() == [357, 212]
    assert ds.target_names == ("benign", "malignant")
    assert len(ds.feature_names) == 30 and len(set(ds.feature_names)) == 30
    assert ds.feature_names[0] == "radius_mean" and ds.feature_names[10] == "radius_se"
    assert ds.feature_names[29] == "fractal_dimension_worst"
    assert "CC BY 4.0" in ds.description
    assert np.isfinite(ds.X).all() and (ds.X >= 0).all()


def test_breast_cancer_values_match_the_published_first_row_and_ranges():
    X, y = load_breast_cancer(return_X_y=True)
    # The first sample of the original file (ID 842302) is malignant.
    np.testing.assert_allclose(X[0, :4], [17.99, 10.38, 122.8, 1001.0])
    assert y[0] == 1
    # Published ranges of mean radius and worst area.
    assert X[:, 0].min() == pytest.approx(6.981) and X[:, 0].max() == pytest.approx(28.11)
    assert X[:, 23].max() == pytest.approx(4254.0)
    # Malignant masses are larger on average.
    assert X[y == 1, 0].mean() > X[y == 0, 0].mean() + 4


def test_breast_cancer_loads_fresh_arrays_each_time():
    a = load_breast_cancer()
    a.X[0, 0] = -1.0
    assert load_breast_cancer().X[0, 0] == 17.99


# -- splits ----------------------------------------------------------------------------

def _ids(X):
    return X[:, 0].astype(int).tolist()


def test_split_is_70_10_20_disjoint_and_covering():
    X = np.column_stack([np.arange(200), np.arange(200) * 2.0])
    y = np.arange(200) % 2
    Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, seed=0)
    assert (len(Xtr), len(Xva), len(Xte)) == (140, 20, 40)
    ids = _ids(Xtr) + _ids(Xva) + _ids(Xte)
    assert sorted(ids) == list(range(200))                          # covering, no duplicates
    for Xs, ys in ((Xtr, ytr), (Xva, yva), (Xte, yte)):             # rows stay paired
        np.testing.assert_array_equal(ys, Xs[:, 0].astype(int) % 2)
        np.testing.assert_array_equal(Xs[:, 1], Xs[:, 0] * 2)


def test_split_is_shuffled_and_reproducible():
    X, y = np.arange(100)[:, None], np.arange(100)
    a = train_val_test_split(X, y, seed=7)
    b = train_val_test_split(X, y, seed=7)
    c = train_val_test_split(X, y, seed=8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    assert _ids(a[0]) != sorted(_ids(a[0]))


def test_split_sizes_round_and_zero_sized_parts_are_empty():
    X, y = np.arange(10)[:, None], np.arange(10)
    Xtr, Xva, Xte, *_ = train_val_test_split(X, y, val=0.0, test=0.25, seed=0)
    assert (len(Xtr), len(Xva), len(Xte)) == (7, 0, 3)  # 2.5 rounds up
    Xtr, Xva, Xte, *_ = train_val_test_split(X, y, val=0.15, test=0.15, seed=0)
    assert (len(Xtr), len(Xva), len(Xte)) == (6, 2, 2)
    assert Xva.shape == (2, 1) and train_val_test_split(X, y, val=0.0)[1].shape == (0, 1)


def test_stratified_split_keeps_class_proportions():
    y = np.array([0] * 300 + [1] * 90 + [2] * 10)
    X = np.arange(400)[:, None]
    Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, seed=0, stratify=True)
    assert (len(ytr), len(yva), len(yte)) == (280, 40, 80)
    assert np.bincount(ytr).tolist() == [210, 63, 7]
    assert np.bincount(yva).tolist() == [30, 9, 1]
    assert np.bincount(yte).tolist() == [60, 18, 2]
    assert sorted(_ids(Xtr) + _ids(Xva) + _ids(Xte)) == list(range(400))
    # The classes are mixed within each set, not in blocks.
    assert not np.array_equal(ytr, np.sort(ytr))


def test_stratified_split_of_breast_cancer_within_one_sample_per_class():
    X, y = load_breast_cancer(return_X_y=True)
    parts = train_val_test_split(X, y, val=0.1, test=0.2, seed=3, stratify=True)
    for ys in parts[3:]:
        expected = len(ys) * 212 / 569
        assert abs(ys.sum() - expected) <= 1


def test_stratify_by_another_column():
    group = np.array(["a"] * 50 + ["b"] * 50)
    X, y = np.arange(100)[:, None], np.zeros(100)
    Xtr, Xva, Xte, *_ = train_val_test_split(X, y, seed=0, stratify=group)
    assert sum(group[i] == "a" for i in _ids(Xte)) == 10


def test_stratified_split_refuses_a_class_of_one_sample_as_scikit_learn_does():
    X, y = np.arange(10)[:, None], np.array([0] * 9 + [1])
    with pytest.raises(ValueError, match=r"class 1 has only 1 sample \(1 class\(es\) in all\)"):
        train_val_test_split(X, y, seed=0, stratify=True)
    group = np.array(["a"] * 5 + ["b"] * 4 + ["rare"])
    with pytest.raises(ValueError, match="class 'rare' has only 1 sample"):
        train_val_test_split(X, np.zeros(10), seed=0, stratify=group)


def test_stratified_split_keeps_every_class_in_training():
    y = np.array([0] * 2 + [1] * 2 + [2] * 16)  # half the samples for val and test
    X = np.arange(20)[:, None]
    for seed in range(20):
        Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, val=0.25, test=0.25,
                                                            seed=seed, stratify=True)
        assert (len(ytr), len(yva), len(yte)) == (10, 5, 5)
        assert np.bincount(ytr).tolist() == [1, 1, 8], seed
        assert sorted(_ids(Xtr) + _ids(Xva) + _ids(Xte)) == list(range(20))
    with pytest.raises(ValueError, match="2 training sample.*3 classes"):
        train_val_test_split(np.arange(12)[:, None], np.repeat([0, 1, 2], 4), val=0.4,
                             test=0.45, stratify=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"val": 0.5, "test": 0.5}, "below 1"),
    ({"val": -0.1}, "val"),
    ({"test": 1.2}, "test"),
    ({"val": "0.1"}, "val"),
])
def test_split_rejects_bad_fractions(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), **kwargs)


def test_split_rejects_mismatched_lengths_and_too_few_samples():
    with pytest.raises(ValueError, match="10 rows in X and 9 labels"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9))
    with pytest.raises(ValueError, match="none for training"):
        train_val_test_split(np.zeros((2, 2)), np.zeros(2), val=0.4, test=0.4)
    with pytest.raises(ValueError, match="one label per sample"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), stratify=np.zeros(3))


def test_split_accepts_lists():
    X = [[i, i] for i in range(10)]
    y = list(range(10))
    Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, seed=0)
    assert isinstance(Xtr, np.ndarray) and Xtr.shape == (7, 2)
    np.testing.assert_array_equal(Xtr[:, 0], ytr)
