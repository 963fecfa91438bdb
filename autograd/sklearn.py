"""scikit-learn estimators on the engine: ``MLPClassifier`` and ``MLPRegressor``.

They follow scikit-learn's contract (as skorch does for PyTorch), so a network
of our ``Value``\\ s goes into a ``Pipeline``, ``GridSearchCV`` or
``cross_val_score``:

- ``__init__`` stores its arguments untouched; nothing is checked or built there;
- ``fit(X, y)`` validates the data with scikit-learn's own utilities, builds an
  ``autograd.nn.MLP`` and trains it with ``autograd.training.fit`` on our losses
  (``bce_with_logits`` for two classes, ``cross_entropy`` for more, ``mse`` for
  regression), our optimizers and the course's L2 penalty
  ``alpha / 2 * sum w^2`` over the weights;
- what fit learned ends in an underscore: ``model_`` (the trained network, for
  ``viz.draw`` and ``training.predict``), ``history_`` (our ``History``),
  ``loss_``, ``n_iter_``, ``classes_``, ``n_features_in_``, ``feature_names_in_``.

>>> from sklearn.datasets import make_moons
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> X, y = make_moons(200, noise=0.1, random_state=0)
>>> mlp = MLPClassifier((16, 16), learning_rate=0.05, epochs=60, random_state=0)
>>> clf = make_pipeline(StandardScaler(), mlp).fit(X, y)
>>> bool(clf.score(X, y) > 0.95)
True

scikit-learn is an optional dependency: ``pip install "autograd-viz[ml]"``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as error:  # scikit-learn missing, or older than 1.6 (no validate_data)
    raise ImportError(
        'autograd.sklearn needs scikit-learn 1.6 or newer: pip install "autograd-viz[ml]" '
        f"(or pip install scikit-learn); the import failed with: {error}") from error

import numpy as np

from autograd import losses, nn, optim, regularizers, training

__all__ = ["MLPClassifier", "MLPRegressor"]

OPTIMIZERS = ("adam", "sgd")
"""The ``optimizer`` names: ``autograd.optim.Adam`` and ``autograd.optim.SGD``."""

# scikit-learn's own MLP names two activations differently; both spellings work.
_ACTIVATION_ALIASES = {"logistic": "sigmoid", "identity": "linear"}


def _whole(value: Any, name: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def _real(value: Any, name: str, low: float = 0.0, low_open: bool = False,
          high: float = np.inf, high_open: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
    if ok:
        v = float(value)
        ok = (v > low if low_open else v >= low) and (v < high if high_open else v <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return float(value)


class _BaseMLP(BaseEstimator):
    """What the classifier and the regressor share: the parameters and the training.

    Subclasses validate y, choose the number of outputs and the loss, and call
    ``_train``.
    """

    _task = "classification"

    def __init__(self, hidden_layer_sizes: int | Sequence[int] = (16,), activation: str = "relu",
                 *, optimizer: str = "adam", learning_rate: float = 0.01,
                 momentum: float = 0.9, alpha: float = 1e-4,
                 batch_size: int | str | None = "auto", epochs: int = 200,
                 shuffle: bool = True, init: str = "xavier", early_stopping: bool = False,
                 validation_fraction: float = 0.1, patience: int = 10, tol: float = 1e-4,
                 random_state: int | np.random.RandomState | None = None,
                 verbose: bool = False) -> None:
        # scikit-learn's contract: store every argument as given, check them in fit
        # (so set_params and clone see exactly what the user wrote).
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.alpha = alpha
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.init = init
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    # -- checking the parameters ----------------------------------------------------

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = [sizes]
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)):
            raise ValueError(f"hidden_layer_sizes must be a whole number or a sequence of them "
                             f"(such as (16, 16)), got {self.hidden_layer_sizes!r}")
        return [_whole(s, "each of hidden_layer_sizes") for s in sizes]

    def _activation_name(self) -> str:
        name = _ACTIVATION_ALIASES.get(self.activation, self.activation)
        if name not in nn.ACTIVATIONS:
            choices = ", ".join(map(repr, (*nn.ACTIVATIONS, *_ACTIVATION_ALIASES)))
            raise ValueError(f"activation must be one of {choices}; got {self.activation!r}")
        return name

    def _batch_size_for(self, n: int) -> int:
        # "auto" is scikit-learn's default, min(200, n_samples); None is the whole set.
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size is None:
            return n
        return min(_whole(self.batch_size, "batch_size (or 'auto', or None)"), n)

    def _make_optimizer(self, params: list[Any]) -> optim.Optimizer:
        lr = _real(self.learning_rate, "learning_rate", low_open=True)
        if self.optimizer == "adam":
            return optim.Adam(params, lr=lr)
        if self.optimizer == "sgd":
            return optim.SGD(params, lr=lr, momentum=_real(
                self.momentum, "momentum", high=1.0, high_open=True))
        raise ValueError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}; "
                         f"got {self.optimizer!r}")

    # -- training ---------------------------------------------------------------------

    def _train(self, X: np.ndarray, targets: np.ndarray, n_outputs: int,
               loss_fn: Any, stratify: np.ndarray | None) -> None:
        """Build ``model_`` with ``n_outputs`` outputs and train it on (X, targets)."""
        sizes = self._hidden_sizes()
        activation = self._activation_name()
        if self.init not in nn.INITS:
            raise ValueError(f"init must be one of {', '.join(map(repr, nn.INITS))}; "
                             f"got {self.init!r}")
        alpha = _real(self.alpha, "alpha")
        epochs = _whole(self.epochs, "epochs")
        rng = check_random_state(self.random_state)
        # Three seeds drawn from one random_state: the same random_state gives the
        # same weights, the same batches and the same validation split.
        init_seed, shuffle_seed, split_seed = (int(s) for s in rng.randint(2**31 - 1, size=3))

        val = None
        early = None
        if self.early_stopping:
            fraction = _real(self.validation_fraction, "validation_fraction",
                             low_open=True, high=1.0, high_open=True)
            X, Xv, targets, yv = train_test_split(X, targets, test_size=fraction,
                                                  random_state=split_seed, stratify=stratify)
            val = (Xv, yv)
            early = training.EarlyStopping(patience=_whole(self.patience, "patience"),
                                           min_delta=_real(self.tol, "tol"))

        self.model_ = nn.MLP(X.shape[1], [*sizes, n_outputs], activation, init=self.init,
                             seed=init_seed)
        opt = self._make_optimizer(self.model_.parameters())
        # The course's ridge penalty on the weights only: biases move the
        # boundary, they do not make it steeper (scikit-learn's MLP spares them too).
        weights = [p for name, p in self.model_.named_parameters() if ".w." in name]
        regularizer = (lambda _params: regularizers.l2(weights, alpha)) if alpha > 0 else None
        self.history_ = training.fit(
            self.model_, loss_fn, opt, X, targets, val=val, epochs=epochs,
            batch_size=self._batch_size_for(len(X)), early_stopping=early,
            regularizer=regularizer, task=self._task, shuffle=bool(self.shuffle),
            seed=shuffle_seed, verbose=bool(self.verbose),
            # fit scores one output; several targets record the loss only
            metrics=None if n_outputs == 1 or self._task == "classification" else [])
        history = self.history_
        self.n_iter_ = history.epochs
        if history.train_loss and not math.isfinite(history.train_loss[-1]) \
                and history.best_epoch is None:
            # The weights are inf or NaN now: every prediction would be garbage.
            raise ValueError(f"{type(self).__name__}.fit diverged: {history.stop_reason}; "
                             f"lower learning_rate (it is {self.learning_rate!r}) or "
                             f"standardize X (StandardScaler); history_ shows the epochs run")
        # The data loss of the weights the model holds (the best epoch's, when
        # early stopping restored them), without the penalty; NaN if Ctrl-C came
        # before the first epoch ended.
        best = -1 if history.best_epoch is None else history.best_epoch
        self.loss_ = float(history.train_loss[best]) if history.train_loss else math.nan

    def _outputs(self, X: Any) -> np.ndarray:
        """The trained network's raw outputs for X, after checking X against fit's."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return training.outputs_of(self.model_.eval(), X)


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A multi-layer perceptron classifier trained on the engine.

    Two classes: one output, the logit z of the second class (``classes_[1]``),
    trained with ``bce_with_logits``; ``predict_proba`` is ``sigmoid(z)``.
    More classes: one logit per class, trained with ``cross_entropy``;
    ``predict_proba`` is their softmax. Labels can be any values scikit-learn
    accepts (ints, strings); ``classes_`` holds them sorted and ``predict``
    returns them.

    Each epoch the cost ``mean loss + alpha / 2 * sum w^2`` (weights, not
    biases) is minimised by mini-batches of ``batch_size`` (``"auto"``:
    ``min(200, n_samples)``; ``None``: the whole set) with ``optimizer``
    (``"adam"`` or ``"sgd"`` with ``momentum``) at ``learning_rate`` (what
    scikit-learn's MLP calls ``learning_rate_init``). Training runs ``epochs``
    epochs; with ``early_stopping`` it holds out ``validation_fraction`` of the
    data (stratified), stops when the validation loss has not improved by ``tol``
    for ``patience`` epochs, and keeps the best epoch's weights.
    ``activation`` is one of ``autograd.nn.ACTIVATIONS`` (scikit-learn's
    ``"logistic"`` and ``"identity"`` work too) and ``init`` one of
    ``autograd.nn.INITS``. ``verbose`` shows our progress bar (on a terminal).
    A fit whose loss becomes inf or NaN raises a ``ValueError`` that suggests a
    lower learning rate or scaled inputs.

    Where the defaults differ from scikit-learn's ``MLPClassifier``, it is for
    the scalar engine: ``hidden_layer_sizes=(16,)`` (not 100 units) and
    ``learning_rate=0.01`` (not 0.001) keep a fit to seconds; ``epochs`` always
    run to the end unless ``early_stopping`` is on (no stop on a plateau of the
    training loss); Glorot (``"xavier"``) initialisation as theirs.

    Attributes after ``fit``: ``classes_``, ``n_features_in_``,
    ``feature_names_in_`` (when X has string column names), ``model_`` (the
    ``autograd.nn.MLP``), ``history_`` (``autograd.training.History``),
    ``loss_`` (the training data loss of the final weights) and ``n_iter_``
    (epochs run).

    >>> from sklearn.datasets import make_blobs
    >>> X, y = make_blobs(150, centers=3, random_state=0)
    >>> names = np.array(["ant", "bee", "cat"])[y]
    >>> clf = MLPClassifier(learning_rate=0.05, epochs=30, random_state=0).fit(X, names)
    >>> clf.classes_.tolist(), clf.predict(X[:3]).tolist(), names[:3].tolist()
    (['ant', 'bee', 'cat'], ['bee', 'ant', 'ant'], ['bee', 'ant', 'ant'])
    >>> bool(clf.score(X, names) > 0.9), clf.predict_proba(X).shape
    (True, (150, 3))
    """

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Train a new network on X (n_samples, n_features) and labels y; returns self."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, indices = np.unique(y, return_inverse=True)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes to "
                             f"learn from; y holds only one class ({self.classes_[0].tolist()!r})")
        if n_classes == 2:
            self._train(X, indices.astype(float), 1, losses.bce_with_logits, indices)
        else:
            self._train(X, indices.astype(np.int64), n_classes, losses.cross_entropy, indices)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """The network's logits: shape (n_samples,) for two classes (positive means
        ``classes_[1]``), else (n_samples, n_classes)."""
        return self._outputs(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order:
        ``[1 - sigmoid(z), sigmoid(z)]`` for two classes, ``softmax(z)`` for more."""
        logits = self._outputs(X)
        if logits.ndim == 1:
            p = 0.5 * (1.0 + np.tanh(0.5 * logits))  # the sigmoid, without overflow
            return np.column_stack([1.0 - p, p])
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The log of ``predict_proba`` (``-inf`` where a probability rounds to 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most likely class of each row, as a label from ``classes_``."""
        logits = self._outputs(X)
        index = (logits >= 0).astype(int) if logits.ndim == 1 else logits.argmax(axis=1)
        return self.classes_[index]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """A multi-layer perceptron regressor trained on the engine with ``mse``.

    The output layer is linear, one unit per target column (y of shape
    (n_samples,) or (n_samples, n_outputs)). The parameters are the
    classifier's (see ``MLPClassifier``); early stopping holds out a plain
    random ``validation_fraction``. Targets are used as given: standardize
    them (``TransformedTargetRegressor`` with a ``StandardScaler``) when they
    are large, as for any network.

    Attributes after ``fit``: ``n_features_in_``, ``feature_names_in_``,
    ``n_outputs_``, ``model_``, ``history_``, ``loss_`` (training MSE of the
    final weights), ``n_iter_``.

    >>> x = np.linspace(-2, 2, 80)[:, None]
    >>> reg = MLPRegressor((16,), activation="tanh", learning_rate=0.05, random_state=0)
    >>> reg = reg.fit(x, x.ravel() ** 2)
    >>> bool(reg.score(x, x.ravel() ** 2) > 0.95), reg.predict(x).shape
    (True, (80,))
    """

    _task = "regression"

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        """Train a new network on X (n_samples, n_features) and targets y; returns self."""
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()  # one target column trains (and predicts) as one output
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self._train(X, y, self.n_outputs_, losses.mse, None)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The network's outputs: shape (n_samples,) for one target, else
        (n_samples, n_outputs)."""
        return self._outputs(X)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
