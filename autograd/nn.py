"""Neural networks on the scalar engine: every weight is a ``Parameter`` you can inspect and draw.

A module is called on **one sample** (a list of numbers or Values, one per
feature) or on **a batch** (a list of batch Values, one per feature, as made
by ``autograd.batch(X)``); both run the same graph, so they agree to rounding.

>>> from autograd.engine import batch
>>> model = MLP(2, [16, 16, 1], seed=0)          # relu, relu, linear
>>> score = model([0.5, -1.0])                    # one sample: a single Value
>>> scores = model(batch([[0.5, -1.0], [1.0, 0.2]]))  # a batch: one Value, two samples
>>> bool(abs(scores.data[0] - score.data) < 1e-12)
True
>>> len(model.parameters()), next(iter(model.named_parameters()))[0]
(337, 'layers.0.neurons.0.w.0')

``Module`` gives the PyTorch surface: ``parameters()``, ``named_parameters()``,
``zero_grad()``, ``train()``/``eval()``, ``state_dict()``/``load_state_dict()``
and ``save()``/``load()`` (JSON, never pickle); ``state_dict(format="torch")``
gives the arrays the equivalent PyTorch model loads (``torch_equivalent()``
names it), and ``load_state_dict(..., format="torch")`` takes them back. A
module called as part of a bigger one opens the engine's ``scope`` named after
its path (for example ``layers.0.neurons.3``), so every Value it makes records
where it came from.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import secrets
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal, NamedTuple, overload

import numpy as np

from autograd.data import Seed, _rng
from autograd.engine import Parameter, Value, add_n, batch, no_grad, scope

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "Perceptron", "Sequential", "Activation", "Dropout",
    "BatchNorm1d", "LayerNorm", "Parameter", "IncompatibleKeys", "StateDictError", "ModelFileError",
    "ACTIVATIONS", "INITS",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
"""The activations a ``Neuron``, ``Layer`` or ``MLP`` layer can use."""

INITS = ("uniform", "xavier", "glorot", "he", "zeros")
"""Weight initialisations: ``uniform`` U(-1, 1) (micrograd's), ``xavier``/``glorot``
U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), ``he`` N(0, 2 / fan_in), ``zeros``."""

FILE_FORMAT = "autograd-viz/state_dict"
FILE_VERSION = 1
MAX_FILE_BYTES = 100_000_000
"""The largest model file ``load`` reads and ``save`` writes: 100 MB, some two million
values, far beyond what a scalar engine trains. A bigger file is refused unread."""


# -- the Module base ----------------------------------------------------------------

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


class ModelFileError(ValueError):
    """A saved model file is corrupt, truncated, or made for a different model."""


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
        state = self.state_dict()
        for name, value in state.items():
            if not math.isfinite(value):
                raise ValueError(f"cannot save {type(self).__name__}: {name} is {value} "
                                 f"(training diverged?); only finite values are saved")
        document = {"format": FILE_FORMAT, "version": FILE_VERSION,
                    "module": type(self).__name__, "count": len(state), "state": state}
        text = json.dumps(document, indent=1)  # ASCII: as many bytes as characters
        if len(text) > MAX_FILE_BYTES:
            raise ValueError(f"cannot save {type(self).__name__}: its file would be {len(text):,} "
                             f"bytes, above the {MAX_FILE_BYTES:,} that load reads "
                             f"(autograd.nn.MAX_FILE_BYTES)")
        path = os.fspath(path)
        try:
            mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            mode = None
        # Private until complete when replacing a file, whose mode it then takes.
        fd, tmp = _create_beside(path, 0o666 if mode is None else 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                if mode is not None:
                    os.chmod(tmp, mode)
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

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
        text = _read_model_text(path)
        try:
            document = json.loads(text, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as e:
            raise ModelFileError(f"{path} is corrupt or truncated: invalid JSON at line "
                                 f"{e.lineno}, column {e.colno} ({e.msg})") from None
        except _DuplicateKey as e:
            raise ModelFileError(f"{path} is corrupt: the name {_brief(e.args[0])} appears "
                                 f"twice") from None
        except RecursionError:
            raise ModelFileError(f"{path} is not a model file: its JSON nests too deep "
                                 f"(a model file nests 2 levels)") from None
        except ValueError as e:  # json's own limits, e.g. an integer of over 4300 digits
            raise ModelFileError(f"{path} is corrupt: {e}") from None
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise ModelFileError(f"{path} is not an autograd-viz model file "
                                 f"(expected 'format': {FILE_FORMAT!r})")
        if document.get("version") != FILE_VERSION:
            raise ModelFileError(f"{path} has format version {_brief(document.get('version'))}; "
                                 f"this version of autograd-viz reads version {FILE_VERSION}")
        saved_from, this = document.get("module"), type(self).__name__
        if not isinstance(saved_from, str):
            raise ModelFileError(f"{path} is corrupt: it does not name the class it was saved "
                                 f"from ('module')")
        if saved_from != this:
            # Two classes can share parameter names (a Neuron's and a Perceptron's are
            # both w.0, ..., b), so the names alone cannot tell the files apart.
            name = saved_from if saved_from.isidentifier() else _brief(saved_from)
            raise ModelFileError(f"{path} was saved from class {name}, and this model is class "
                                 f"{this}: load it into a model of class {name}")
        state, count = document.get("state"), document.get("count")
        if not isinstance(state, dict) or isinstance(count, bool) or not isinstance(count, int):
            raise ModelFileError(f"{path} is corrupt: it needs a 'state' object and a 'count'")
        if len(state) != count:
            raise ModelFileError(f"{path} is corrupt or truncated: it says it holds "
                                 f"{_brief(count)} values but holds {len(state)}")
        slots = self._state_slots()
        missing = [n for n in slots if n not in state]
        unexpected = [n for n in state if n not in slots]
        if missing or unexpected:
            raise ModelFileError(
                f"{path} was saved from a different model ({document.get('module')!r}, "
                f"{count} values) than this {type(self).__name__} ({len(slots)} values): "
                + _describe_keys(missing, unexpected))
        try:
            self.load_state_dict(state, strict=True)
        except (TypeError, ValueError) as e:
            raise ModelFileError(f"{path} is corrupt: {e}") from None
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class _DuplicateKey(Exception):
    pass


def _create_beside(path: str, mode: int) -> tuple[int, str]:
    """A new empty file in ``path``'s directory, opened for writing: (fd, its path).

    Unlike ``tempfile.mkstemp`` (always 0600) the file gets ``mode`` less the
    umask, as ``open()`` would give it.
    """
    directory = os.path.dirname(os.path.abspath(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".tmp-{secrets.token_hex(8)}.json")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:  # a name taken by chance: draw another
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}")


def _read_model_text(path: str) -> str:
    """The file's text, refused unread when larger than ``MAX_FILE_BYTES``."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError(f"{path} is {size:,} bytes, larger than a model file can be "
                                 f"({MAX_FILE_BYTES:,}, autograd.nn.MAX_FILE_BYTES)")
        # At most one byte past the limit: a pipe or device reports no size.
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"{path} holds more than {MAX_FILE_BYTES:,} bytes, more than a "
                             f"model file can (autograd.nn.MAX_FILE_BYTES)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path} is not a model file (not UTF-8 text: {e})") from None


def _brief(value: Any, width: int = 40) -> str:
    """A short repr for an error message. Containers show only their type and
    length: a hostile file can nest them deeper than ``repr`` can recurse."""
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    if isinstance(value, int) and value.bit_length() > 3 * width:  # str() of it may refuse
        return f"an integer of at least {int((value.bit_length() - 1) * math.log10(2)) + 1} digits"
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _describe_keys(missing: Sequence[str], unexpected: Sequence[str], show: int = 5) -> str:
    def some(names: Sequence[str]) -> str:
        more = f", ... ({len(names) - show} more)" if len(names) > show else ""
        return ", ".join(names[:show]) + more

    parts = []
    if missing:
        parts.append(f"{len(missing)} missing key(s): {some(missing)}")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected key(s): {some(unexpected)}")
    return "; ".join(parts)


def _finite_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {_brief(value)}")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond a float's range (about 1.8e308)
        raise ValueError(f"{name} must be a finite number, got {_brief(value)}, too large "
                         f"for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


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


def _linear_unit(rows: Sequence[Sequence[Parameter]], biases: Sequence[Parameter] | None,
                 nin: int) -> _TorchUnit:
    """``nn.Linear(nin, len(rows))``: row j of ``weight`` is neuron j's weights."""
    nout = len(rows)
    keys = [_TorchKey("weight", (nout, nin), [w for row in rows for w in row])]
    if biases is not None:
        keys.append(_TorchKey("bias", (nout,), list(biases)))
    return _TorchUnit(f"nn.Linear({nin}, {nout}{'' if biases is not None else ', bias=False'})",
                      keys)


_TORCH_ACTIVATIONS = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()",
                      "linear": "nn.Identity()"}


def _activation_unit(kind: str, negative_slope: float) -> _TorchUnit:
    code = _TORCH_ACTIVATIONS.get(kind) or f"nn.LeakyReLU({negative_slope!r})"
    return _TorchUnit(code, [])


# -- arguments ----------------------------------------------------------------------

def _size(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def _initial_weights(rng: np.random.Generator, init: str, fan_in: int, fan_out: int,
                     n: int) -> list[float]:
    if init == "uniform":
        w = rng.uniform(-1.0, 1.0, n)
    elif init in ("xavier", "glorot"):
        a = math.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-a, a, n)
    elif init == "he":
        w = rng.normal(0.0, math.sqrt(2.0 / fan_in), n)
    else:
        w = np.zeros(n)
    return w.tolist()  # plain floats: the engine's fast path


def _features(x: Any, n: int, who: Module) -> list[Any]:
    """``x`` as a list of ``n`` features (numbers or Values), or a clear error."""
    if isinstance(x, (list, tuple)):
        if len(x) == n:
            for item in x:
                if not isinstance(item, (Value, numbers.Real)):
                    break
            else:
                return list(x)
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
        return [x]
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


# -- neurons, layers, MLP -------------------------------------------------------------

class Neuron(Module):
    """One unit: ``out = activation(b + w_0 x_0 + w_1 x_1 + ...)``.

    ``w`` and ``b`` are Parameters labelled ``{label}.w0``, ..., ``{label}.b``
    (inside an MLP, ``L0.N3.w1``). ``init`` picks the weights' distribution
    (see ``INITS``); the bias starts at 0.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> out = n([1.0, 2.0])
    >>> out.op, [p.label for p in n.parameters()]
    ('tanh', ['N0.w0', 'N0.w1', 'N0.b'])
    """

    def __init__(self, nin: int, activation: str = "relu", *, init: str = "uniform",
                 seed: Seed = None, bias: bool = True, fan_out: int = 1,
                 negative_slope: float = 0.01, label: str = "N0") -> None:
        self.nin = _size(nin, "nin")
        self.activation = _choice(activation, "activation", ACTIVATIONS)
        self.negative_slope = float(negative_slope)
        init = _choice(init, "init", INITS)
        weights = _initial_weights(_rng(seed), init, self.nin, _size(fan_out, "fan_out"),
                                   self.nin)
        self.w = [Parameter(w, f"{label}.w{i}") for i, w in enumerate(weights)]
        self.b = Parameter(0.0, f"{label}.b") if bias else None

    def forward(self, x: Any) -> Value:
        return self._activate(self._net(_features(x, self.nin, self)))

    def _net(self, x: list[Any]) -> Value:
        # one "+" node for the whole sum, as the textbook neuron is drawn
        products = [wi * xi for wi, xi in zip(self.w, x)]
        return add_n([self.b, *products] if self.b is not None else products)

    def _activate(self, act: Value) -> Value:
        return _activate(act, self.activation, self.negative_slope)

    def _torch_units(self) -> list[_TorchUnit]:
        units = [_linear_unit([self.w], None if self.b is None else [self.b], self.nin)]
        if self.activation != "linear":
            units.append(_activation_unit(self.activation, self.negative_slope))
        return units

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs.

    Returns a list of ``nout`` Values, or a single Value when ``nout == 1``
    (micrograd's convention; ``squeeze=False`` always gives a list).
    Parameters are labelled ``{label}.N{j}.w{i}`` and ``{label}.N{j}.b``.
    """

    def __init__(self, nin: int, nout: int, activation: str = "relu", *,
                 init: str = "uniform", seed: Seed = None, bias: bool = True,
                 negative_slope: float = 0.01, label: str = "L0", squeeze: bool = True) -> None:
        self.nin = _size(nin, "nin")
        self.nout = _size(nout, "nout")
        self.activation = _choice(activation, "activation", ACTIVATIONS)
        self.squeeze = squeeze
        rng = _rng(seed)  # one generator for all neurons: reproducible from one seed
        self.neurons = [Neuron(nin, activation, init=init, seed=rng, bias=bias, fan_out=nout,
                               negative_slope=negative_slope, label=f"{label}.N{j}")
                        for j in range(self.nout)]

    def forward(self, x: Any) -> Value | list[Value]:
        x = _features(x, self.nin, self)
        out = []
        for j, neuron in enumerate(self.neurons):
            with scope(neuron._name or f"neurons.{j}"):
                out.append(neuron._activate(neuron._net(x)))
        return out[0] if self.squeeze and len(out) == 1 else out

    def weight_matrix(self) -> np.ndarray:
        """The weights as an ``(nout, nin)`` array W (a copy): row j holds neuron j's
        weights, so the layer computes ``W @ x + b``."""
        return np.array([[w.data for w in neuron.w] for neuron in self.neurons])

    def set_weight_matrix(self, W: Any) -> None:
        """Set every weight from an ``(nout, nin)`` array (row j: neuron j). The shape
        and values are checked before any weight changes."""
        try:
            W = np.asarray(W)
        except ValueError:  # rows of different lengths
            W = np.asarray(W, dtype=object)
        if W.shape != (self.nout, self.nin):
            raise ValueError(f"{self!r}.set_weight_matrix needs an array of shape "
                             f"({self.nout}, {self.nin}), got {W.shape}")
        rows = [[_finite_number(v, f"W[{j}, {i}]") for i, v in enumerate(row)]
                for j, row in enumerate(W.tolist())]
        for neuron, row in zip(self.neurons, rows):
            for w, value in zip(neuron.w, row):
                w.data = value

    def _torch_units(self) -> list[_TorchUnit]:
        has_bias = self.neurons[0].b is not None
        units = [_linear_unit([n.w for n in self.neurons],
                              [n.b for n in self.neurons] if has_bias else None, self.nin)]
        if self.activation != "linear":
            units.append(_activation_unit(self.activation, self.neurons[0].negative_slope))
        return units

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: fully connected layers, one after another.

    ``MLP(2, [16, 16, 1])`` has two relu hidden layers of 16 and a linear output
    layer, and returns a single Value for its one output (as micrograd's MLP,
    whose demo training loop runs unchanged on it). ``activation`` is the hidden
    layers' activation, or a list with one activation per layer (then it covers
    the output layer too); ``output_activation`` is the last layer's
    (default "linear").

    >>> model = MLP(3, [4, 4, 1], activation="tanh", init="xavier", seed=0)
    >>> model.activations
    ['tanh', 'tanh', 'linear']
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | Sequence[str] = "relu",
                 *, output_activation: str | None = None, init: str = "uniform",
                 seed: Seed = None, negative_slope: float = 0.01) -> None:
        self.nin = _size(nin, "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [self.nin] + [_size(n, "each layer size in nouts") for n in nouts]
        if isinstance(activation, str):
            activations = [activation] * (len(nouts) - 1) + [output_activation or "linear"]
        else:
            if output_activation is not None:
                raise ValueError("give output_activation, or a list of activations that "
                                 "includes the output layer, not both")
            activations = list(activation)
            if len(activations) != len(nouts):
                raise ValueError(f"activation lists one per layer: {len(nouts)} layers, "
                                 f"got {len(activations)} activations")
        self.activations = [_choice(a, "activation", ACTIVATIONS) for a in activations]
        rng = _rng(seed)
        self.layers = [Layer(sizes[i], sizes[i + 1], self.activations[i], init=init, seed=rng,
                             negative_slope=negative_slope, label=f"L{i}")
                       for i in range(len(nouts))]

    def forward(self, x: Any) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    _torch_container = True

    def _torch_units(self) -> list[_TorchUnit]:
        return [unit for layer in self.layers for unit in layer._torch_units()]

    def __repr__(self) -> str:
        sizes = [layer.nout for layer in self.layers]
        return f"MLP({self.nin}, {sizes}, activations={self.activations})"


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Layer(2, 8), BatchNorm1d(8), ...)``.

    Sub-modules are named ``layers.0``, ``layers.1``, ... like MLP's.
    """

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Modules; item {i} is {type(m).__name__}")
        self.layers = list(modules)

    def forward(self, x: Any) -> Any:
        for module in self.layers:
            x = module(x)
        return x

    _torch_container = True

    def _torch_units(self) -> list[_TorchUnit]:
        units = []
        for i, module in enumerate(self.layers):
            try:
                units.extend(module._torch_units())
            except TypeError as e:
                raise TypeError(f"Sequential item {i}: {e}") from None
        return units

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(map(repr, self.layers)) + ")"


class Perceptron(Module):
    """Rosenblatt's perceptron: ``y = step(w . x + b)``, 1 if ``w . x + b > 0`` else 0.

    The step has no useful derivative, so the perceptron does not learn by
    backpropagation but by the perceptron learning rule, for a target t in {0, 1}:

        w_i <- w_i + lr * (t - y) * x_i,     b <- b + lr * (t - y)

    It changes the weights only on a mistake, and converges when the classes
    are linearly separable. ``net(x)`` gives ``w . x + b`` as a Value (on the
    graph); calling the perceptron gives the step output as numbers (0.0 or 1.0,
    or an array of them for a batch).

    >>> p = Perceptron(2)
    >>> p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])[-1]   # AND: no mistakes
    0
    >>> [p([a, b]) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    [0.0, 0.0, 0.0, 1.0]
    """

    def __init__(self, nin: int, *, lr: float = 1.0, init: str = "zeros",
                 seed: Seed = None) -> None:
        self.nin = _size(nin, "nin")
        self.lr = float(lr)
        weights = _initial_weights(_rng(seed), _choice(init, "init", INITS), self.nin, 1,
                                   self.nin)
        self.w = [Parameter(w, f"P.w{i}") for i, w in enumerate(weights)]
        self.b = Parameter(0.0, "P.b")

    def net(self, x: Any) -> Value:
        """The weighted sum ``w . x + b``, as a Value (one "+" node, as a neuron's)."""
        return add_n([self.b] + [wi * xi for wi, xi in zip(self.w, _features(x, self.nin, self))])

    def forward(self, x: Any) -> Any:
        with no_grad():
            z = self.net(x).data
        return (z > 0).astype(float) if isinstance(z, np.ndarray) else float(z > 0)

    def update(self, x: Any, target: Any) -> int:
        """One step of the perceptron rule on one sample (or, for a batch, the sum of
        the per-sample corrections); returns how many samples were misclassified."""
        x = _features(x, self.nin, self)
        t = np.asarray(target, dtype=float)
        if not np.all((t == 0) | (t == 1)):
            raise ValueError(f"perceptron targets are 0 or 1, got {target!r:.60}")
        error = t - self(x)  # +1: should have fired, -1: should not have, 0: right
        if not np.any(error):
            return 0
        for wi, xi in zip(self.w, x):
            xi = xi.data if isinstance(xi, Value) else xi
            wi.data = float(wi.data + self.lr * np.sum(error * xi))
        self.b.data = float(self.b.data + self.lr * np.sum(error))
        return int(np.count_nonzero(error))

    def fit(self, X: Any, y: Any, epochs: int = 100) -> list[int]:
        """Apply the rule sample by sample, epoch after epoch, until an epoch makes
        no mistake (or ``epochs`` run out). Returns the mistakes of each epoch."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.nin or len(y) != len(X):
            raise ValueError(f"fit needs X of shape (n_samples, {self.nin}) and n_samples "
                             f"targets; got X {X.shape} and {len(y)} targets")
        history = []
        for _ in range(_size(epochs, "epochs")):
            history.append(sum(self.update(xi.tolist(), ti) for xi, ti in zip(X, y)))
            if history[-1] == 0:
                break
        return history

    def _torch_units(self) -> list[_TorchUnit]:
        return [_linear_unit([self.w], [self.b], self.nin)]  # the step is not a module

    def __repr__(self) -> str:
        return f"Perceptron({self.nin})"


# -- regularization and normalization layers -----------------------------------------

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


def _activate(x: Any, kind: str, negative_slope: float) -> Any:
    if kind == "relu":
        return x.relu()
    if kind == "linear":
        return x
    if kind == "tanh":
        return x.tanh()
    if kind == "sigmoid":
        return x.sigmoid()
    return x.leaky_relu(negative_slope)


class Activation(Module):
    """An activation on its own, for ``Sequential``: ``y_j = f(x_j)`` for every feature.

    ``kind`` is one of ``ACTIVATIONS``. Put it after a normalization layer, which
    goes between a linear layer and its non-linearity:

    >>> net = Sequential(Layer(3, 4, "linear", seed=0), LayerNorm(4), Activation("tanh"))
    >>> len(net([1.0, 2.0, 3.0]))
    4
    """

    def __init__(self, kind: str = "relu", negative_slope: float = 0.01) -> None:
        self.kind = _choice(kind, "activation", ACTIVATIONS)
        self.negative_slope = float(negative_slope)

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return [self.forward(sample) for sample in x]
        if isinstance(x, (list, tuple)):
            return [self._one(v) for v in x]
        return self._one(x)

    def _one(self, v: Any) -> Value:
        return _activate(_as_value(v), self.kind, self.negative_slope)

    def _torch_units(self) -> list[_TorchUnit]:
        return [_activation_unit(self.kind, self.negative_slope)]

    def __repr__(self) -> str:
        return f"Activation({self.kind!r})"


class Dropout(Module):
    """Inverted dropout: in training each feature is kept with probability 1 - p and
    scaled by 1 / (1 - p), else zeroed, so its expected value is unchanged; in eval
    it is the identity (the same Values pass through).

    ``y_j = x_j * m_j / (1 - p)``,  ``m_j ~ Bernoulli(1 - p)``, a new mask for every
    sample: for a batch input each feature gets an array of per-sample masks.
    The masks come from ``seed`` in sample order, so a batch and the same samples
    one at a time draw the same masks. ``mask`` holds the last masks used.
    """

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability p must be in [0, 1], got {p!r}")
        self.p = float(p)
        self._rng = _rng(seed)
        self.mask: np.ndarray | None = None

    def reseed(self, seed: Seed) -> None:
        """Restart the masks from ``seed``: the next calls draw the same masks again
        (for a repeatable forward, e.g. under ``gradcheck``)."""
        self._rng = _rng(seed)

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return [self.forward(sample) for sample in x]
        single = isinstance(x, (Value, numbers.Real))
        features = [x] if single else list(x)
        if not self.training or self.p == 0.0:
            return x
        n = _batch_size(features)
        # (n_samples, n_features) draws, row by row: the same stream as one sample at a time
        u = self._rng.random((n or 1, len(features)))
        keep = (u >= self.p).astype(float)
        self.mask = keep[0] if n is None else keep
        scale = keep / (1.0 - self.p) if self.p < 1.0 else keep
        if n is None:
            out = [v * s for v, s in zip(features, scale[0].tolist())]
        else:
            out = [v * scale[:, j] for j, v in enumerate(features)]
        return out[0] if single else out

    def _torch_units(self) -> list[_TorchUnit]:
        return [_TorchUnit(f"nn.Dropout(p={self.p!r})", [])]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class BatchNorm1d(Module):
    """Batch normalization over a mini-batch, per feature j:

        mu_j = mean_i x_ij,   var_j = mean_i (x_ij - mu_j)^2          (training)
        y_ij = gamma_j * (x_ij - mu_j) / sqrt(var_j + eps) + beta_j

    gamma starts at 1 and beta at 0 and both are learned. In training each call
    also updates the running statistics (the course's convention):

        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var  = momentum * running_var  + (1 - momentum) * var

    and in eval they replace mu and var. Note: PyTorch's ``momentum`` is 1 minus
    ours (its default 0.1 is our 0.9), and PyTorch keeps the unbiased variance
    (times m / (m - 1)) in ``running_var``; we keep the batch variance as
    normalized, as the course does.

    Input is either a mini-batch as a list of samples, each a list of
    ``num_features`` Values (the output is the same shape), or a batch as a list
    of ``num_features`` batch Values (statistics over the batch axis; the
    natural form). Both build the same computation. In eval a single sample
    (a list of scalar Values) is fine too.

    >>> bn = BatchNorm1d(1)
    >>> [round(s[0].data, 4) for s in bn([[1.0], [3.0]])]
    [-1.0, 1.0]
    >>> # running: 0.9 * 0 + 0.1 * 2 and 0.9 * 1 + 0.1 * 1
    >>> [round(bn.running_mean[0], 12), round(bn.running_var[0], 12)]
    [0.2, 1.0]
    """

    _buffers = ("running_mean", "running_var")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.9) -> None:
        self.num_features = _size(num_features, "num_features")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1] (the course uses 0.9, 0.99, 0.999; "
                             f"PyTorch's momentum m is our 1 - m), got {momentum!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        self.gamma = [Parameter(1.0, f"BN.gamma{j}") for j in range(self.num_features)]
        self.beta = [Parameter(0.0, f"BN.beta{j}") for j in range(self.num_features)]
        self.running_mean = [0.0] * self.num_features
        self.running_var = [1.0] * self.num_features

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return self._samples(x)
        x = _features(x, self.num_features, self)
        if self.training:
            n = _batch_size(x)
            if n is None:
                raise ValueError(f"{self!r} in training needs a batch to take statistics "
                                 f"over: a list of samples, or a list of batch Values; got one "
                                 f"sample (call .eval() to use the running statistics)")
            if n < 2:
                raise ValueError(f"{self!r} in training needs at least 2 samples, got {n}")
            for j, v in enumerate(x):
                if not (isinstance(v, Value) and isinstance(v.data, np.ndarray)):
                    raise TypeError(f"{self!r}: feature {j} is not a batch Value; a batch is a "
                                    f"list of {self.num_features} batch Values (autograd.batch)")
            return [self._normalize_feature(j, [v], n)[0] for j, v in enumerate(x)]
        return [self._eval_feature(j, v) for j, v in enumerate(x)]

    def _samples(self, samples: Sequence[Sequence[Any]]) -> list[list[Value]]:
        rows = [_features(s, self.num_features, self) for s in samples]
        if not self.training:
            return [[self._eval_feature(j, v) for j, v in enumerate(row)] for row in rows]
        m = len(rows)
        if m < 2:
            raise ValueError(f"{self!r} in training needs at least 2 samples, got {m}")
        if _batch_size([v for row in rows for v in row]) is not None:
            raise TypeError(f"{self!r} takes a list of samples of scalar Values, or a list of "
                            f"batch Values, not samples of batch Values")
        columns = [self._normalize_feature(j, [_as_value(row[j]) for row in rows], m)
                   for j in range(self.num_features)]
        return [list(sample) for sample in zip(*columns)]

    def _normalize_feature(self, j: int, xs: list[Value], m: int) -> list[Value]:
        """Normalize feature j over the batch: ``xs`` is one batch Value, or m scalars."""
        if len(xs) == 1:  # one batch Value: reductions over the batch axis
            mu = xs[0].mean()
            d = [xs[0] - mu]
            var = (d[0] * d[0]).mean()
        else:
            mu = add_n(xs) / m
            d = [v - mu for v in xs]
            var = add_n([di * di for di in d]) / m
        std = (var + self.eps).sqrt()
        gamma, beta = self.gamma[j], self.beta[j]
        out = [di / std * gamma + beta for di in d]
        mom = self.momentum
        self.running_mean[j] = mom * self.running_mean[j] + (1.0 - mom) * float(mu.data)
        self.running_var[j] = mom * self.running_var[j] + (1.0 - mom) * float(var.data)
        return out

    def _eval_feature(self, j: int, v: Any) -> Value:
        std = math.sqrt(self.running_var[j] + self.eps)
        return (_as_value(v) - self.running_mean[j]) / std * self.gamma[j] + self.beta[j]

    def _torch_units(self) -> list[_TorchUnit]:
        n = self.num_features
        # torch's momentum weighs the new batch, ours the running value; running_var is
        # exported as it is, so that eval agrees (see Module.state_dict)
        code = f"nn.BatchNorm1d({n}, eps={self.eps!r}, momentum={1.0 - self.momentum:.12g})"
        return [_TorchUnit(code, [
            _TorchKey("weight", (n,), list(self.gamma)),
            _TorchKey("bias", (n,), list(self.beta)),
            _TorchKey("running_mean", (n,), [(self.running_mean, j) for j in range(n)]),
            _TorchKey("running_var", (n,), [(self.running_var, j) for j in range(n)]),
            _TorchKey("num_batches_tracked", (), [], "count"),
        ])]

    def __repr__(self) -> str:
        return (f"BatchNorm1d({self.num_features}, eps={self.eps:g}, "
                f"momentum={self.momentum:g})")


class LayerNorm(Module):
    """Layer normalization: each sample normalized over its own features,

        mu = mean_j x_j,   var = mean_j (x_j - mu)^2
        y_j = gamma_j * (x_j - mu) / sqrt(var + eps) + beta_j

    so it needs no batch and behaves the same in training and eval. Takes one
    sample (a list of ``num_features`` Values), a batch (a list of batch Values:
    every sample is normalized on its own) or a list of samples.

    >>> ln = LayerNorm(2)
    >>> [round(v.data, 4) for v in ln([1.0, 3.0])]
    [-1.0, 1.0]
    """

    def __init__(self, num_features: int, eps: float = 1e-5,
                 elementwise_affine: bool = True) -> None:
        self.num_features = _size(num_features, "num_features")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps!r}")
        self.eps = float(eps)
        self.affine = bool(elementwise_affine)
        if self.affine:
            self.gamma = [Parameter(1.0, f"LN.gamma{j}") for j in range(self.num_features)]
            self.beta = [Parameter(0.0, f"LN.beta{j}") for j in range(self.num_features)]

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return [self.forward(sample) for sample in x]
        x = [_as_value(v) for v in _features(x, self.num_features, self)]
        n = self.num_features
        mu = add_n(x) / n
        d = [v - mu for v in x]
        var = add_n([di * di for di in d]) / n
        std = (var + self.eps).sqrt()
        if not self.affine:
            return [di / std for di in d]
        return [di / std * g + b for di, g, b in zip(d, self.gamma, self.beta)]

    def _torch_units(self) -> list[_TorchUnit]:
        n = self.num_features
        if not self.affine:
            return [_TorchUnit(f"nn.LayerNorm({n}, eps={self.eps!r}, elementwise_affine=False)",
                               [])]
        return [_TorchUnit(f"nn.LayerNorm({n}, eps={self.eps!r})",
                           [_TorchKey("weight", (n,), list(self.gamma)),
                            _TorchKey("bias", (n,), list(self.beta))])]

    def __repr__(self) -> str:
        return f"LayerNorm({self.num_features}, eps={self.eps:g})"


def __getattr__(name: str) -> Any:
    if name == "RNN":  # lives in autograd.rnn, which builds on this module
        from autograd.rnn import RNN
        return RNN
    raise AttributeError(f"module 'autograd.nn' has no attribute {name!r}")
