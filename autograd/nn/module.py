"""The ``Module`` base class: what every layer of ``autograd.nn`` holds and how its state moves.

``Module`` finds its parameters and sub-modules from its attributes and gives
the PyTorch surface: ``parameters()``, ``named_parameters()``, ``zero_grad()``,
``train()``/``eval()``, ``state_dict()``/``load_state_dict()`` in our form
(name -> float) and in torch's (name -> array, built from each layer's
``_torch_units``), and ``save()``/``load()``, whose files ``serialization``
writes and reads. Beside it are the torch form's generic machinery and
``_features``, which turns a layer's input into its list of features.
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


class _TorchKey(NamedTuple):
    """One key of the torch form: torch's name and shape, and our value behind each element.

    ``refs`` lists, in row-major order, a ``Parameter`` or a ``(buffer list, index)``
    per element. ``role`` says how the array relates to them: "set" (it holds
    their values), "add" (exported as zeros, added to them on load: torch's
    second RNN bias) or "count" (no state of ours: exported as 0, checked and
    ignored on load: BatchNorm's ``num_batches_tracked``).
    """

    name: str
    shape: tuple[int, ...]
    refs: list[Any]
    role: str = "set"


class _TorchUnit(NamedTuple):
    """One torch module: the code that builds it, and its keys (unprefixed)."""

    code: str
    keys: list[_TorchKey]


class Module:
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
        model that is), so a model trained here continues in PyTorch. A layer
        becomes ``nn.Linear``, whose ``weight`` is (out, in): ``W[j, i]`` is
        neuron j's weight i. ``MLP`` and ``Sequential`` become one
        ``nn.Sequential`` whose modules are numbered as torch numbers them: a
        layer with a non-linear activation takes two indices (``Linear``, then
        its ``ReLU``/``Tanh``/...), ``Activation`` and ``Dropout`` one with no
        keys; nested ``MLP``/``Sequential`` modules are flattened into it.
        ``BatchNorm1d`` gives ``weight`` (gamma), ``bias`` (beta),
        ``running_mean``, ``running_var`` and ``num_batches_tracked`` (0: we do
        not count batches; torch reads it only with ``momentum=None``).
        ``LayerNorm`` gives ``weight``, ``bias``. ``RNN`` gives ``rnn.*`` (an
        ``nn.RNN``) and ``head.*`` (an ``nn.Linear``); see its docstring.

        The running statistics are exported as they are, so the torch model in
        eval mode computes what this one does. To keep training BatchNorm in
        torch, build ``nn.BatchNorm1d(n, momentum=1 - ours)`` (torch's momentum
        weighs the new batch, ours the running value), and know that torch then
        blends the *unbiased* batch variance (times m / (m - 1)) into
        ``running_var``, where we blend the biased one that normalizes.

        The arrays are float64 copies (``num_batches_tracked`` int64); changing
        them changes nothing here.

        >>> from autograd.nn import MLP
        >>> model = MLP(2, [16, 16, 1], seed=0)
        >>> state = model.state_dict(format="torch")
        >>> {name: a.shape for name, a in state.items()}  # doctest: +NORMALIZE_WHITESPACE
        {'0.weight': (16, 2), '0.bias': (16,), '2.weight': (16, 16), '2.bias': (16,),
         '4.weight': (1, 16), '4.bias': (1,)}
        >>> model.torch_equivalent()
        'nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))'

        In PyTorch (not a dependency of this package):

        .. code-block:: python

            from torch import nn
            import torch
            net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                                nn.Linear(16, 1))
            net.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
            # net.double() keeps float64; otherwise the values are rounded to float32

        and back: ``model.load_state_dict({k: v.numpy() for k, v in
        net.state_dict().items()}, format="torch")``.
        """
        if _choice(format, "format", STATE_FORMATS) == "torch":
            return _torch_state(self._torch_keys())
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
        into numpy arrays; CPU tensors are taken as they are). In the torch form
        every array must have exactly the shape torch gives it (a ``ValueError``
        names the key and both shapes), and ``rnn.bias_hh_l0`` is added to
        ``rnn.bias_ih_l0``, since our RNN has one hidden bias.

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
        if _choice(format, "format", STATE_FORMATS) == "torch":
            return self._load_torch_state(state, strict)
        slots = self._state_slots()
        missing = [n for n in slots if n not in state]
        unexpected = [n for n in state if n not in slots]
        if strict and (missing or unexpected):
            raise StateDictError(f"state dict does not match {type(self).__name__}: "
                                 + _describe_keys(missing, unexpected)
                                 + self._torch_form_hint(unexpected), missing, unexpected)
        values = {}
        for name in slots:
            if name in state:
                values[name] = _finite_number(state[name], name)
        for name, value in values.items():  # every check passed: now change the model
            holder, key = slots[name]
            if key == "data":
                holder.data = value
            else:
                holder[key] = value
        return IncompatibleKeys(missing, unexpected)

    # -- the torch form -------------------------------------------------------------
    _torch_container = False  # True: its torch equivalent is an nn.Sequential, keys "k.name"

    def _torch_units(self) -> list[_TorchUnit]:
        """The torch modules this module becomes, in order (see ``state_dict``)."""
        raise TypeError(f"{type(self).__name__} has no torch equivalent: the torch form covers "
                        f"Neuron, Layer, MLP, Perceptron, Sequential, Activation, Dropout, "
                        f"BatchNorm1d, LayerNorm and RNN")

    def _torch_keys(self) -> list[_TorchKey]:
        """Every key of the torch form: its name, shape and the values behind it."""
        units = self._torch_units()
        if self._torch_container:
            return [key._replace(name=f"{k}.{key.name}")
                    for k, unit in enumerate(units) for key in unit.keys]
        # A lone layer is its torch layer, named as torch names it ("weight", not "0.weight");
        # its activation, if any, holds no state.
        return [key for unit in units for key in unit.keys]

    def torch_equivalent(self) -> str:
        """The PyTorch model whose ``state_dict()`` has the names and shapes of
        ``state_dict(format="torch")``, as code (with ``from torch import nn``).

        For a lone ``Neuron``, ``Layer`` or ``Perceptron`` that is its
        ``nn.Linear``: the activation (or the perceptron's step) holds no state
        and is applied as a function (``torch.relu(net(x))``).

        >>> from autograd.nn import Activation, Layer, LayerNorm, Sequential
        >>> Sequential(Layer(3, 4, "linear"), LayerNorm(4), Activation("tanh")).torch_equivalent()
        'nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4, eps=1e-05), nn.Tanh())'
        """
        units = self._torch_units()
        if self._torch_container:
            return "nn.Sequential(" + ", ".join(unit.code for unit in units) + ")"
        return units[0].code

    def _load_torch_state(self, state: Mapping[str, Any], strict: bool) -> IncompatibleKeys:
        keys = self._torch_keys()
        by_name = {key.name: key for key in keys}
        missing = [name for name in by_name if name not in state]
        unexpected = [name for name in state if name not in by_name]
        if strict and (missing or unexpected):
            hint = ""
            if unexpected and all(name in self._state_slots() for name in unexpected):
                hint = ' (these are names of the autograd form: load them without format="torch")'
            raise StateDictError(f"torch-form state dict does not match {type(self).__name__}: "
                                 + _describe_keys(missing, unexpected) + hint,
                                 missing, unexpected)
        arrays = {key.name: _torch_array(state[key.name], key) for key in keys
                  if key.name in state}
        # Every name, shape and value is checked: now work out the new values ...
        new: dict[Any, tuple[Any, float]] = {}
        for role in ("set", "add"):  # "add" after "set": bias_hh_l0 adds to bias_ih_l0
            for key in keys:
                if key.role != role or key.name not in arrays:
                    continue
                for ref, value in zip(key.refs, arrays[key.name].ravel().tolist()):
                    rid = _ref_id(ref)
                    if role == "add":
                        value = (new[rid][1] if rid in new else _ref_get(ref)) + value
                    new[rid] = (ref, value)
        for ref, value in new.values():  # ... and change the model
            _ref_set(ref, value)
        return IncompatibleKeys(missing, unexpected)

    def _torch_form_hint(self, unexpected: Sequence[str]) -> str:
        """A hint for a torch-form state dict loaded as the autograd form."""
        if not unexpected:
            return ""
        try:
            names = {key.name for key in self._torch_keys()}
        except TypeError:  # no torch equivalent: cannot be the torch form
            return ""
        if all(name in names for name in unexpected):
            return ' (these are names of the torch form: pass format="torch")'
        return ""

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


# -- the torch form ------------------------------------------------------------------

def _ref_id(ref: Any) -> Any:
    return id(ref) if isinstance(ref, Parameter) else (id(ref[0]), ref[1])


def _ref_get(ref: Any) -> float:
    return float(ref.data) if isinstance(ref, Parameter) else float(ref[0][ref[1]])


def _ref_set(ref: Any, value: float) -> None:
    if isinstance(ref, Parameter):
        ref.data = value
    else:
        ref[0][ref[1]] = value


def _torch_state(keys: Sequence[_TorchKey]) -> dict[str, np.ndarray]:
    """The torch form's arrays: new arrays, so a copy of the model's values."""
    state = {}
    for key in keys:
        if key.role == "count":
            state[key.name] = np.zeros(key.shape, dtype=np.int64)
        elif key.role == "add":
            state[key.name] = np.zeros(key.shape)
        else:
            state[key.name] = np.array([_ref_get(r) for r in key.refs],
                                       dtype=np.float64).reshape(key.shape)
    return state


def _torch_array(value: Any, key: _TorchKey) -> np.ndarray:
    """``value`` as a float64 array of ``key``'s shape, every element finite, or a clear error."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, RuntimeError) as e:  # e.g. a tensor that requires grad
        raise TypeError(f"{key.name} must be an array of numbers, got "
                        f"{type(value).__name__}: {e}") from None
    if array.shape != key.shape:
        hint = ""
        if len(key.shape) == 2 and array.shape == key.shape[::-1]:
            hint = " (transposed? torch keeps a weight as (out_features, in_features))"
        raise ValueError(f"{key.name} has shape {array.shape}, expected {key.shape}{hint}")
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{key.name} must hold numbers, got an array of dtype {array.dtype}")
    array = array.astype(np.float64)
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        raise ValueError(f"{key.name}{list(index) if index else ''} must be a finite number, "
                         f"got {array[index]}")
    return array


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
