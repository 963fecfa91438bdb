"""autograd.sklearn: our MLPs as scikit-learn estimators."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_iris, make_moons  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import autograd.sklearn as sk  # noqa: E402
import viz  # noqa: E402
from autograd import nn, training  # noqa: E402
from autograd.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# check_estimator fits each estimator some sixty times: small epochs keep that to
# seconds on the pure-Python engine, and a larger rate still learns its blobs
# (check_classifiers_train wants > 0.83 accuracy, check_regressors_train R^2 > 0.5).
CHECKED = [
    MLPClassifier(epochs=20, learning_rate=0.05),
    MLPRegressor(epochs=20, learning_rate=0.05),
    # the other code paths: SGD, tanh, two hidden layers, a held-out validation set
    MLPClassifier((8, 8), "tanh", optimizer="sgd", learning_rate=0.1, epochs=20,
                  early_stopping=True, validation_fraction=0.2, patience=3),
]


@parametrize_with_checks(CHECKED)
def test_estimator_checks(estimator, check):
    # Every check passes: none is listed as expected to fail. The one skipped is
    # check_array_api_input, which needs SCIPY_ARRAY_API set (we compute in numpy).
    check(estimator)


def test_module_doctests():
    assert doctest.testmod(sk).failed == 0


# -- the data sets of the course -----------------------------------------------------

def _scaled_mlp(**params) -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier(**params))])


def test_pipeline_on_breast_cancer_reaches_95_percent_on_held_out_data():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y,
                                                        random_state=0)
    pipe = _scaled_mlp(hidden_layer_sizes=(8,), epochs=20, learning_rate=0.05,
                       random_state=0).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.95  # reaches 0.958
    assert pipe.named_steps["mlp"].n_features_in_ == 30


def test_cross_val_score_on_breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    pipe = _scaled_mlp(hidden_layer_sizes=(8,), epochs=20, learning_rate=0.05, random_state=0)
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.94  # 0.979, 0.953, 0.963


def test_cross_val_score_on_moons():
    X, y = make_moons(300, noise=0.2, random_state=0)
    pipe = _scaled_mlp(epochs=60, learning_rate=0.05, random_state=0)
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.95  # 0.99, 0.96, 0.96


def test_grid_search_on_moons_prefers_the_network_that_can_bend():
    # One relu unit draws a straight boundary (about 0.85 on the moons); two
    # layers of 16 follow the curve (about 0.98).
    X, y = make_moons(300, noise=0.2, random_state=0)
    pipe = _scaled_mlp(epochs=60, learning_rate=0.05, random_state=0)
    search = GridSearchCV(pipe, {"mlp__hidden_layer_sizes": [(1,), (16, 16)]}, cv=3).fit(X, y)
    assert search.best_params_ == {"mlp__hidden_layer_sizes": (16, 16)}
    assert search.best_score_ > 0.95
    assert search.cv_results_["mean_test_score"][0] < 0.9
    assert search.score(X, y) > 0.95  # refit on all the data


def test_multiclass_iris_accuracy_and_probabilities():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y,
                                                        random_state=0)
    pipe = _scaled_mlp(epochs=60, learning_rate=0.05, random_state=0).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.9  # reaches 1.0
    proba = pipe.predict_proba(X_test)
    scores = pipe.decision_function(X_test)
    assert proba.shape == scores.shape == (45, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(scores.argmax(axis=1), pipe.predict(X_test))
    # softmax of the logits, computed here independently
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    np.testing.assert_allclose(proba, e / e.sum(axis=1, keepdims=True))


def test_string_labels_round_trip():
    X, y = make_moons(200, noise=0.1, random_state=1)
    labels = np.where(y == 1, "upper", "lower")
    clf = MLPClassifier((16, 16), learning_rate=0.05, epochs=60, random_state=0)
    clf.fit(X, labels)
    assert clf.classes_.tolist() == ["lower", "upper"]
    predicted = clf.predict(X)
    assert set(predicted) == {"lower", "upper"}
    assert np.mean(predicted == labels) > 0.95
    # the single logit belongs to classes_[1]: positive means "upper"
    scores = clf.decision_function(X)
    assert scores.shape == (200,)
    np.testing.assert_array_equal(predicted == "upper", scores >= 0)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], 1.0 / (1.0 + np.exp(-scores)))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_regression_r2_on_a_sine():
    x = np.linspace(-3, 3, 120)[:, None]
    reg = MLPRegressor((16,), activation="tanh", epochs=150, learning_rate=0.05,
                       random_state=0).fit(x, np.sin(x.ravel()))
    assert reg.score(x, np.sin(x.ravel())) > 0.97  # reaches 0.991
    assert reg.predict(x).shape == (120,)
    assert reg.n_outputs_ == 1
    # loss_ is the training MSE of the final weights, and R^2 = 1 - MSE / var(y)
    assert reg.loss_ == pytest.approx(np.mean((reg.predict(x) - np.sin(x.ravel())) ** 2))


def test_regression_with_two_targets():
    x = np.linspace(-3, 3, 120)[:, None]
    Y = np.column_stack([np.sin(x.ravel()), np.cos(x.ravel())])
    reg = MLPRegressor((16,), activation="tanh", epochs=150, learning_rate=0.05,
                       random_state=0).fit(x, Y)
    assert reg.n_outputs_ == 2
    assert reg.predict(x).shape == (120, 2)
    assert reg.score(x, Y) > 0.97  # reaches 0.9995
    assert reg.model_.layers[-1].nout == 2


# -- the estimator contract ----------------------------------------------------------

def test_get_params_returns_the_constructor_arguments_untouched():
    clf = MLPClassifier([4, 4], activation="logistic", alpha=0.5, random_state=3)
    params = clf.get_params()
    assert params["hidden_layer_sizes"] == [4, 4]  # kept as given, a list
    assert params["activation"] == "logistic"
    assert params["alpha"] == 0.5 and params["random_state"] == 3
    assert params["epochs"] == 200 and params["optimizer"] == "adam"
    assert sorted(params) == sorted(MLPRegressor().get_params())


def test_set_params_and_clone():
    clf = MLPClassifier(epochs=5, random_state=0).fit(*make_moons(40, random_state=0))
    assert clf.set_params(epochs=7, learning_rate=0.2) is clf
    assert (clf.epochs, clf.learning_rate) == (7, 0.2)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "model_") and not hasattr(copy, "classes_")
    with pytest.raises(ValueError, match="Invalid parameter 'lr'"):
        clf.set_params(lr=0.1)


def test_same_random_state_trains_the_same_network():
    X, y = make_moons(80, noise=0.2, random_state=0)
    a = MLPClassifier(epochs=10, random_state=4).fit(X, y)
    b = MLPClassifier(epochs=10, random_state=4).fit(X, y)
    c = MLPClassifier(epochs=10, random_state=5).fit(X, y)
    assert a.model_.state_dict() == b.model_.state_dict()
    assert a.model_.state_dict() != c.model_.state_dict()


def test_model_is_an_mlp_whose_weights_predict_as_the_estimator():
    X, y = make_moons(100, noise=0.1, random_state=0)
    labels = np.array(["a", "b"])[y]
    clf = MLPClassifier((5, 3), learning_rate=0.05, epochs=30, random_state=0).fit(X, labels)
    model = clf.model_
    assert isinstance(model, nn.MLP)
    assert [layer.nout for layer in model.layers] == [5, 3, 1]
    assert model.activations == ["relu", "relu", "linear"]
    np.testing.assert_array_equal(clf.classes_[training.predict(model, X)], clf.predict(X))
    np.testing.assert_array_equal(training.outputs_of(model, X), clf.decision_function(X))
    # one sample through the module by hand, the way a learner would
    x = X[7].tolist()
    assert model(x).data == pytest.approx(clf.decision_function(X[7:8])[0])
    dot = viz.draw(model(x), view="network")
    assert "L1.N2" in dot.source


def test_history_records_every_epoch():
    X, y = make_moons(60, noise=0.2, random_state=0)
    clf = MLPClassifier(epochs=12, random_state=0).fit(X, y)
    assert clf.n_iter_ == clf.history_.epochs == 12
    assert len(clf.history_.metrics["train_accuracy"]) == 12
    assert clf.loss_ == clf.history_.train_loss[-1]
    assert clf.history_.train_loss[-1] < clf.history_.train_loss[0]


def test_early_stopping_keeps_the_best_epoch():
    X, y = make_moons(200, noise=0.3, random_state=0)
    clf = MLPClassifier((32, 32), learning_rate=0.1, epochs=300, early_stopping=True,
                        validation_fraction=0.25, patience=5, random_state=0).fit(X, y)
    history = clf.history_
    assert history.stop_reason.startswith("early stopping")
    assert clf.n_iter_ < 300
    assert history.best_epoch == int(np.argmin(history.val_loss))
    assert clf.n_iter_ == history.best_epoch + 1 + 5  # stopped patience epochs later
    assert clf.loss_ == history.train_loss[history.best_epoch]
    assert len(history.val_loss) == clf.n_iter_


def test_alpha_shrinks_the_weights_but_not_the_biases():
    X, y = make_moons(100, noise=0.2, random_state=0)

    def sums(alpha: float) -> tuple[float, float]:
        clf = MLPClassifier(alpha=alpha, learning_rate=0.05, epochs=40, random_state=0)
        named = dict(clf.fit(X, y).model_.named_parameters())
        w = sum(p.data ** 2 for name, p in named.items() if ".w." in name)
        b = sum(p.data ** 2 for name, p in named.items() if name.endswith(".b"))
        return w, b

    (w_free, b_free), (w_penalized, _) = sums(0.0), sums(0.5)
    assert w_penalized < 0.5 * w_free
    assert b_free > 0  # the biases exist and are learnt, so sparing them is a real choice


def test_activation_names_of_scikit_learn_work_too():
    X, y = make_moons(40, random_state=0)
    clf = MLPClassifier((3,), activation="logistic", epochs=2, random_state=0).fit(X, y)
    assert clf.model_.activations == ["sigmoid", "linear"]
    reg = MLPRegressor((3,), activation="identity", epochs=2, random_state=0).fit(X, y)
    assert reg.model_.activations == ["linear", "linear"]


def test_no_hidden_layer_is_logistic_regression():
    X, y = make_moons(40, random_state=0)
    clf = MLPClassifier((), epochs=2, random_state=0).fit(X, y)
    assert [layer.nout for layer in clf.model_.layers] == [1]


def test_feature_names_are_kept_and_checked():
    pd = pytest.importorskip("pandas")
    X, y = make_moons(60, random_state=0)
    frame = pd.DataFrame(X, columns=["width", "height"])
    clf = MLPClassifier(epochs=3, random_state=0).fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["width", "height"]
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        from_array = clf.predict(X)
    np.testing.assert_array_equal(clf.predict(frame), from_array)
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame.rename(columns={"height": "depth"}))


# -- errors --------------------------------------------------------------------------

def test_predict_before_fit_is_not_fitted_error():
    for method in ("predict", "predict_proba", "decision_function"):
        with pytest.raises(NotFittedError, match="MLPClassifier instance is not fitted yet"):
            getattr(MLPClassifier(), method)([[0.0, 1.0]])
    with pytest.raises(NotFittedError, match="MLPRegressor instance is not fitted yet"):
        MLPRegressor().predict([[0.0]])


def test_predict_with_other_features_names_the_counts():
    clf = MLPClassifier(epochs=2, random_state=0).fit(*make_moons(30, random_state=0))
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 2"):
        clf.predict(np.zeros((4, 3)))


def test_one_class_is_a_clear_error():
    with pytest.raises(ValueError, match=r"at least 2 classes.*only one class \('spam'\)"):
        MLPClassifier().fit([[0.0], [1.0]], ["spam", "spam"])


def test_continuous_targets_are_refused_by_the_classifier():
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit([[0.0], [1.0], [2.0]], [0.1, 0.5, 0.7])


def test_diverging_fit_is_an_error_that_suggests_a_lower_rate():
    x = np.linspace(-3, 3, 50)[:, None]
    reg = MLPRegressor(optimizer="sgd", learning_rate=1.0, epochs=20, random_state=0)
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(ValueError, match=r"MLPRegressor.fit diverged: the training loss "
                                            r"became (inf|nan) at epoch \d+.*lower "
                                            r"learning_rate \(it is 1.0\) or standardize X"):
        reg.fit(100 * x, 1000 * x.ravel())
    assert reg.history_.epochs < 20  # the loop stopped at the first non-finite loss


@pytest.mark.parametrize("params, message", [
    ({"hidden_layer_sizes": (4, 0)}, r"each of hidden_layer_sizes must be a whole number >= 1, "
                                      r"got 0"),
    ({"hidden_layer_sizes": "16"}, "hidden_layer_sizes must be a whole number or a sequence"),
    ({"activation": "softmax"}, r"activation must be one of 'relu', .*'logistic', 'identity'; "
                                r"got 'softmax'"),
    ({"optimizer": "rmsprop"}, r"optimizer must be one of 'adam', 'sgd'; got 'rmsprop'"),
    ({"learning_rate": 0}, r"learning_rate must be a number in \(0, inf\], got 0"),
    ({"alpha": -1.0}, r"alpha must be a number in \[0, inf\], got -1.0"),
    ({"epochs": 2.5}, "epochs must be a whole number >= 1, got 2.5"),
    ({"batch_size": 0}, r"batch_size \(or 'auto', or None\) must be a whole number >= 1"),
    ({"init": "orthogonal"}, r"init must be one of 'uniform', .*got 'orthogonal'"),
    ({"early_stopping": True, "validation_fraction": 1.0},
     r"validation_fraction must be a number in \(0, 1\), got 1.0"),
])
def test_bad_parameters_are_named_at_fit(params, message):
    clf = MLPClassifier(**params)  # __init__ stores them unchecked
    with pytest.raises(ValueError, match=message):
        clf.fit(*make_moons(20, random_state=0))


# -- scikit-learn is optional --------------------------------------------------------

def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_autograd_imports_without_scikit_learn_and_names_the_extra():
    # sys.modules[name] = None makes `import name` fail, as if it were not installed.
    result = _python("""
        import sys
        sys.modules["sklearn"] = None
        import autograd
        assert "autograd.sklearn" not in sys.modules
        try:
            import autograd.sklearn
        except ImportError as error:
            print(error)
        else:
            raise SystemExit("imported without scikit-learn")
    """)
    assert result.returncode == 0, result.stderr
    assert 'pip install "autograd-viz[ml]"' in result.stdout


def test_our_module_does_not_shadow_scikit_learn():
    # autograd/sklearn.py imports absolutely: `sklearn` is the installed package.
    import sklearn

    assert os.path.join("sklearn", "__init__.py") in sklearn.__file__
    assert os.path.join("autograd", "sklearn") not in sklearn.__file__
    assert sk.BaseEstimator.__module__ == "sklearn.base"
    assert sk.__name__ == "autograd.sklearn"
