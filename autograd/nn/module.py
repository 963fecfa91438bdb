"""The ``Module`` base class: what every layer of ``autograd.nn`` holds and how its state moves.

``Module`` finds its parameters and sub-modules from its attributes and gives
the PyTorch surface: ``parameters()``, ``named_parameters()``, ``zero_grad()``,
``train()``/``eval()``, ``state_dict()``/``load_state_dict()`` in our form
(name -> float) and in torch's (name -> array: ``torch_format``), and
``save()``/``load()``, whose files ``serialization`` writes and reads. Beside it
is ``_features``, which turns a layer's input into its list of features.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal, NamedTuple, overload

import numpy as np

from autograd.engine import Parameter, Value, batch, scope
from autograd.nn._checks import _choice, _describe_keys, _finite_number
from autograd.nn.serialization import ModelFileError, read_model_file, write_model_file
from autograd.nn.torch_format import TorchFormat
from autograd.nn.torch_format import _TorchKey as _TorchKey  # where autograd.nn.rnn takes it

__all__ = ["Module", "IncompatibleKeys", "StateDictError", "STATE_FORMATS"]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class StateDictError(ValueError):
    """A state dict does not fit the module; ``missing_keys``/``unexpected_keys`` say why."""

    def __init__(self, message: str, missing_keys: Sequence[str] = (),
                 unexpected_keys: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing_keys = list(missing_keys)
        self.unexpected_keys = list(unexpected_keys)


STATE_FORMATS = ("autograd", "torch")
"""The forms of ``state_dict``: ours (name -> float) and PyTorch's (name -> array)."""


class Module(TorchFormat):
    """Base class of everything with parameters.

    Parameters and sub-modules are found from the attributes: a ``Parameter``
    or a ``Module``, or a list/tuple of them, in the order they were assigned.
    Names are dotted attribute paths, list items by index: ``layers.0.neurons.3.w.1``.
    Attributes whose name starts with "_" are private and never searched.

    A subclass sets ``_buffers`` to the names of attributes holding lists of
    floats that belong to the state but are not learned (BatchNorm's running
    statistics); they are saved with the parameters.
    """

    training: bool = True
    _name: str = ""  # the path in the parent module; opened as a scope when called
    _buffers: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        # A child learns its name when it is assigned, so calling it can open the
        # scope named after its path (scopes nest: "layers.0" then "neurons.3").
        if not name.startswith("_"):
            if isinstance(value, Module):
                object.__setattr__(value, "_name", name)
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        object.__setattr__(item, "_name", f"{name}.{i}")
        object.__setattr__(self, name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._scope():
            return self.forward(*args, **kwargs)

    def _scope(self) -> AbstractContextManager[Any]:
        """The scope named after this module's path in its parent (none at the top);
        for any method that, like ``forward``, builds graph."""
        return scope(self._name) if self._name else nullcontext()

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # -- what a module holds ------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, Any]]:
        """(name, item) for each Parameter or Module attribute, list items included."""
        for attr, value in vars(self).items():
            if attr.startswith("_"):
                continue
            if isinstance(value, (Parameter, Module)):
                yield attr, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Parameter, Module)):
                        yield f"{attr}.{i}", item

    def named_modules(self) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ("") and every sub-module, depth first."""
        stack: list[tuple[str, Module]] = [("", self)]
        seen: set[int] = set()
        while stack:
            prefix, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield prefix, module
            children = [(f"{prefix}.{n}" if prefix else n, m)
                        for n, m in module._members() if isinstance(m, Module)]
            stack.extend(reversed(children))

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) for every parameter, each once, in a stable order.

        >>> from autograd.nn import Neuron
        >>> [n for n, _ in Neuron(2, seed=0).named_parameters()]
        ['w.0', 'w.1', 'b']
        """
        seen: set[int] = set()
        for prefix, module in self.named_modules():
            for name, item in module._members():
                if isinstance(item, Parameter) and id(item) not in seen:
                    seen.add(id(item))
                    yield (f"{prefix}.{name}" if prefix else name), item

    def parameters(self) -> list[Parameter]:
        """Every parameter, in the order of ``named_parameters()``.

        Walks the same attributes without building names: training loops call
        this every step, so it is kept cheap.
        """
        params: list[Parameter] = []
        seen: set[int] = set()
        stack: list[Module] = [self]
        visited: set[int] = set()
        while stack:
            module = stack.pop()
            if id(module) in visited:
                continue
            visited.add(id(module))
            children: list[Module] = []
            for attr, value in module.__dict__.items():
                if attr[0] == "_":
                    continue
                items = value if isinstance(value, (list, tuple)) else (value,)
                for item in items:
                    if isinstance(item, Parameter):
                        if id(item) not in seen:
                            seen.add(id(item))
                            params.append(item)
                    elif isinstance(item, Module):
                        children.append(item)
            stack.extend(reversed(children))
        return params

    def named_buffers(self) -> Iterator[tuple[str, float]]:
        """(dotted name, value) for every buffer entry, e.g. ``running_mean.0``."""
        for prefix, module in self.named_modules():
            for attr in module._buffers:
                for i, value in enumerate(getattr(module, attr)):
                    yield (f"{prefix}.{attr}.{i}" if prefix else f"{attr}.{i}"), value

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (gradients accumulate between steps)."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Switch this module and its sub-modules to training (or, with False, eval) mode."""
        for _, module in self.named_modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode: Dropout is the identity, BatchNorm uses running stats."""
        return self.train(False)

    # -- state: a flat {name: float} --------------------------------------------------
    def _state_slots(self) -> dict[str, tuple[Any, Any]]:
        """name -> (holder, key): a Parameter and "data", or a buffer list and its index."""
        slots: dict[str, tuple[Any, Any]] = {n: (p, "data") for n, p in self.named_parameters()}
        for prefix, module in self.named_modules():
            for attr in module._buffers:
                values = getattr(module, attr)
                for i in range(len(values)):
                    slots[f"{prefix}.{attr}.{i}" if prefix else f"{attr}.{i}"] = (values, i)
        return slots

    @overload
    def state_dict(self, *, format: Literal["autograd"] = ...) -> dict[str, float]: ...
    @overload
    def state_dict(self, *, format: Literal["torch"]) -> dict[str, np.ndarray]: ...

    def state_dict(self, *, format: str = "autograd") -> dict[str, Any]:
        """A copy of every parameter's and buffer's value, by name.

        ``format="autograd"`` (the default): one float per dotted name, as
        ``save`` writes them (``layers.0.neurons.3.w.1``).

        ``format="torch"``: numpy arrays named and shaped as the equivalent
        PyTorch model's ``state_dict()`` (``torch_equivalent()`` says which
        model that is), so a model trained here continues in PyTorch; see
        ``autograd.nn.torch_format`` for how each layer maps.

        >>> from autograd.nn import MLP
        >>> model = MLP(2, [16, 16, 1], seed=0)
        >>> state = model.state_dict(format="torch")
        >>> {name: a.shape for name, a in state.items()}  # doctest: +NORMALIZE_WHITESPACE
        {'0.weight': (16, 2), '0.bias': (16,), '2.weight': (16, 16), '2.bias': (16,),
         '4.weight': (1, 16), '4.bias': (1,)}
        >>> model.torch_equivalent()
        'nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))'
        """
        if _choice(format, "format", STATE_FORMATS) == "torch":
            return self._torch_state_dict()
        state = {}
        for name, (holder, key) in self._state_slots().items():
            state[name] = float(holder.data) if key == "data" else float(holder[key])
        return state

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True, *,
                        format: str = "autograd") -> IncompatibleKeys:
        """Copy values from ``state`` (as made by ``state_dict(format=...)``) into this module.

        ``format`` says which form ``state`` is in, as for ``state_dict``:
        ``"autograd"`` (name -> number, the default) or ``"torch"`` (name ->
        array in torch's shape, e.g. a PyTorch model's ``state_dict()`` turned
        into numpy arrays; see ``autograd.nn.torch_format``).

        With ``strict`` (the default) a missing or unexpected key is a
        ``StateDictError`` naming them, and nothing is changed. Without it the
        matching keys are loaded and the others reported in the returned
        ``IncompatibleKeys``. A wrong shape or a value that is not a finite
        number is always an error, raised before anything is changed.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict needs a mapping of name -> "
                            f"{'array' if format == 'torch' else 'number'}, "
                            f"got {type(state).__name__}")
        torch = _choice(format, "format", STATE_FORMATS) == "torch"
        slots = self._state_slots()
        names = self._torch_names() if torch else slots
        missing = [n for n in names if n not in state]
        unexpected = [n for n in state if n not in names]
        if strict and (missing or unexpected):
            other, hint = (slots, " load them without format=\"torch\"") if torch \
                else (self._torch_names(), " pass format=\"torch\"")
            hint = (f" (these are names of the {'autograd' if torch else 'torch'} form:{hint})"
                    if unexpected and all(n in other for n in unexpected) else "")
            raise StateDictError(f"{'torch-form ' if torch else ''}state dict does not match "
                                 f"{type(self).__name__}: " + _describe_keys(missing, unexpected)
                                 + hint, missing, unexpected)
        if torch:
            self._load_torch_arrays(state)
            return IncompatibleKeys(missing, unexpected)
        values = {name: _finite_number(state[name], name) for name in slots if name in state}
        for name, value in values.items():  # every check passed: now change the model
            holder, key = slots[name]
            if key == "data":
                holder.data = value
            else:
                holder[key] = value
        return IncompatibleKeys(missing, unexpected)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state dict to ``path`` as JSON, atomically.

        The file is written beside ``path`` and renamed over it only when
        complete, so an interrupted save never leaves a half-written model.
        Floats are written with ``repr``, so ``load`` restores them bit for bit.
        A file that exists keeps its permissions; a new one gets those ``open()``
        would give it (0666 less the umask).
        """
        write_model_file(path, type(self).__name__, self.state_dict())

    def load(self, path: str | os.PathLike[str]) -> Module:
        """Read a file written by ``save`` into this module and return the module.

        The file must be saved from this module's class (a ``Neuron``'s file
        does not load into a ``Perceptron``, though their names match), be at
        most ``MAX_FILE_BYTES`` long, and name exactly this module's parameters
        and buffers, as many as it says it holds, each a finite number;
        otherwise ``ModelFileError`` says what is wrong and the module is left
        unchanged.
        """
        path = os.fspath(path)
        state = read_model_file(path, type(self).__name__, self._state_slots())
        try:
            self.load_state_dict(state, strict=True)
        except (TypeError, ValueError) as e:
            raise ModelFileError(f"{path} is corrupt: {e}") from None
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# -- a module's input ---------------------------------------------------------------

def _features(x: Any, n: int, who: Module) -> list[Value]:
    """``x`` as a list of ``n`` feature Values, or a clear error. A plain number becomes
    a Value here, once: every neuron of a layer then reads the same input node (one
    box per feature in a diagram, not one per neuron)."""
    if isinstance(x, (list, tuple)):
        if len(x) == n:
            for item in x:
                if not isinstance(item, (Value, numbers.Real)):
                    break
            else:
                return [_as_value(item) for item in x]
        if x and all(isinstance(item, (list, tuple, np.ndarray)) for item in x):
            raise TypeError(f"{who!r} takes one sample (a list of {n} features) or a batch "
                            f"(a list of {n} batch Values, see autograd.batch); got a list of "
                            f"{len(x)} sequences: call it once per sample, or pass batch(X)")
        if len(x) != n:
            raise ValueError(f"{who!r} expects {n} input features, got {len(x)}")
        bad = next(item for item in x if not isinstance(item, (Value, numbers.Real)))
        raise TypeError(f"{who!r} expects {n} input features, each a number or a Value; "
                        f"got a {type(bad).__name__}: {bad!r:.40}")
    if isinstance(x, (Value, numbers.Real)):
        if n != 1:
            raise ValueError(f"{who!r} expects {n} input features, got a single "
                             f"{'Value' if isinstance(x, Value) else 'number'}")
        return [_as_value(x)]
    if isinstance(x, np.ndarray):
        if x.ndim == 1 and x.shape[0] == n:
            return _features(x.tolist(), n, who)
        if x.ndim == 2 and x.shape[1] == n and x.shape[0] > 0:
            return batch(x)  # (n_samples, n_features): one batch Value per feature
        raise ValueError(f"{who!r} expects {n} input features: an array of shape ({n},) or "
                         f"(n_samples, {n}); got shape {x.shape}")
    if isinstance(x, str):
        raise TypeError(f"{who!r} expects {n} input features (numbers or Values), "
                        f"got a string of length {len(x)}: {x!r:.40}")
    raise TypeError(f"{who!r} expects {n} input features (a list of numbers or Values), "
                    f"got {type(x).__name__}")


def _batch_size(x: Sequence[Any]) -> int | None:
    """The batch length of the first batch Value in ``x``, or None for one sample."""
    for v in x:
        if isinstance(v, Value) and isinstance(v.data, np.ndarray):
            return v.data.size
    return None


def _as_value(v: Any) -> Value:
    return v if isinstance(v, Value) else Value(v)


def _is_samples(x: Any) -> bool:
    return isinstance(x, (list, tuple)) and len(x) > 0 and isinstance(x[0], (list, tuple))
