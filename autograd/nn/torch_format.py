"""The torch form of a state dict: the arrays the equivalent PyTorch model loads.

``module.state_dict(format="torch")`` gives numpy arrays named and shaped as the
equivalent PyTorch model's ``state_dict()`` (``module.torch_equivalent()`` says
which model that is), so a model trained here continues in PyTorch, and
``load_state_dict(..., format="torch")`` takes them back.

- A layer becomes ``nn.Linear``, whose ``weight`` is (out, in): ``W[j, i]`` is
  neuron j's weight i.
- ``MLP`` and ``Sequential`` become one ``nn.Sequential`` whose modules are
  numbered as torch numbers them: a layer with a non-linear activation takes two
  indices (``Linear``, then its ``ReLU``/``Tanh``/...), ``Activation`` and
  ``Dropout`` one with no keys; nested ``MLP``/``Sequential`` modules are
  flattened into it.
- ``BatchNorm1d`` gives ``weight`` (gamma), ``bias`` (beta), ``running_mean``,
  ``running_var`` and ``num_batches_tracked`` (0: we do not count batches; torch
  reads it only with ``momentum=None``). ``LayerNorm`` gives ``weight``, ``bias``.
- ``RNN`` gives ``rnn.*`` (an ``nn.RNN``) and ``head.*`` (an ``nn.Linear``); torch
  keeps two hidden biases and we one, so on load ``rnn.bias_hh_l0`` is added to
  ``rnn.bias_ih_l0`` (see its docstring).

The running statistics are exported as they are, so the torch model in eval mode
computes what this one does. To keep training BatchNorm in torch, build
``nn.BatchNorm1d(n, momentum=1 - ours)`` (torch's momentum weighs the new batch,
ours the running value), and know that torch then blends the *unbiased* batch
variance (times m / (m - 1)) into ``running_var``, where we blend the biased one
that normalizes.

The arrays are float64 copies (``num_batches_tracked`` int64); changing them
changes nothing here. On load every array must have exactly the shape torch
gives it and hold finite numbers (CPU tensors are taken as they are), and every
value the model would get must be finite, or nothing changes.

>>> from autograd.nn import MLP
>>> state = MLP(2, [16, 1], seed=0).state_dict(format="torch")
>>> {name: a.shape for name, a in state.items()}
{'0.weight': (16, 2), '0.bias': (16,), '2.weight': (1, 16), '2.bias': (1,)}

In PyTorch (not a dependency of this package):

.. code-block:: python

    from torch import nn
    import torch
    net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    net.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    # net.double() keeps float64; otherwise the values are rounded to float32

and back: ``model.load_state_dict({k: v.numpy() for k, v in
net.state_dict().items()}, format="torch")``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from autograd.engine import Parameter

__all__ = ["TorchFormat"]


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


class TorchFormat:
    """The torch form of a ``Module``: each layer lists the torch modules it becomes in
    ``_torch_units``; a container (``_torch_container``) numbers its children's."""

    _torch_container = False  # True: its torch equivalent is an nn.Sequential, keys "k.name"

    def _torch_units(self) -> list[_TorchUnit]:
        """The torch modules this module becomes, in order."""
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

    def _torch_state_dict(self) -> dict[str, np.ndarray]:
        """The torch form's arrays: new arrays, so a copy of the model's values."""
        state = {}
        for key in self._torch_keys():
            if key.role == "count":
                state[key.name] = np.zeros(key.shape, dtype=np.int64)
            elif key.role == "add":
                state[key.name] = np.zeros(key.shape)
            else:
                state[key.name] = np.array([_ref_get(r) for r in key.refs],
                                           dtype=np.float64).reshape(key.shape)
        return state

    def _load_torch_arrays(self, state: Mapping[str, Any]) -> None:
        """Set every value the arrays of ``state`` give (a key it lacks changes nothing),
        after checking each array and each new value: on any error nothing changes."""
        keys = [key for key in self._torch_keys() if key.name in state]
        arrays = {key.name: _torch_array(state[key.name], key) for key in keys}
        new: dict[Any, tuple[Any, float]] = {}
        for role in ("set", "add"):  # "add" after "set": bias_hh_l0 adds to bias_ih_l0
            for key in keys:
                if key.role != role:
                    continue
                for k, (ref, value) in enumerate(zip(key.refs, arrays[key.name].ravel().tolist())):
                    rid = _ref_id(ref)
                    if role == "add":
                        value = (new[rid][1] if rid in new else _ref_get(ref)) + value
                        if not math.isfinite(value):
                            raise ValueError(f"{key.name}[{k}] is added to the bias it "
                                             f"accompanies, and the sum, {value}, is not a "
                                             f"finite number")
                    new[rid] = (ref, value)
        for ref, value in new.values():  # every check has passed: now change the model
            _ref_set(ref, value)

    def _torch_names(self) -> list[str]:
        """The names of the torch form, or none if there is no torch equivalent."""
        try:
            return [key.name for key in self._torch_keys()]
        except TypeError:
            return []


def _ref_id(ref: Any) -> Any:
    return id(ref) if isinstance(ref, Parameter) else (id(ref[0]), ref[1])


def _ref_get(ref: Any) -> float:
    return float(ref.data) if isinstance(ref, Parameter) else float(ref[0][ref[1]])


def _ref_set(ref: Any, value: float) -> None:
    if isinstance(ref, Parameter):
        ref.data = value
    else:
        ref[0][ref[1]] = value


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

