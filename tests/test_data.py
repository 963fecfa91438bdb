"""Specifications for autograd.data: the generators scikit-learn does not ship."""

import doctest

import numpy as np
import pytest

import autograd.data as data
from autograd.data import (
    make_factory_sensors,
    make_first_symbol_sequences,
    make_regression_curve,
    make_spirals,
    true_curve,
)

GENERATORS_2D = [make_spirals]


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
    X1, _ = make_spirals(20, seed=np.random.default_rng(5))
    X2, _ = make_spirals(20, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(X1, X2)
    with pytest.raises(TypeError, match="seed"):
        make_spirals(20, seed=1.5)


@pytest.mark.parametrize("kwargs, error", [
    ({"n_samples": 0}, ValueError), ({"n_samples": 10.0}, TypeError),
    ({"noise": -0.1}, ValueError), ({"noise": float("nan")}, ValueError),
])
def test_generators_reject_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_spirals(**kwargs)


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
