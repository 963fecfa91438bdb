"""Scopes: how a diagram groups, collapses and tints nodes by the scope they were made in.

A Value records the scope open when it was made (``autograd.engine.scope``), a
dotted path such as ``"layers.0.neurons.3"`` or ``"l2 penalty"``. A diagram
reads it in *levels*: a numeric part stays with the name before it, so
``"layers.0.neurons.3"`` has the two levels ``("layers.0", "neurons.3")`` and
draws as a ``neurons.3`` cluster inside a ``layers.0`` cluster.

>>> levels("layers.0.neurons.3")
('layers.0', 'neurons.3')
>>> collapse_key("layers.0.neurons.3", "layer")
('layers.0',)
>>> is_penalty("loss.l2 penalty")
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from autograd.engine import Constant, Parameter, Value

__all__ = ["levels", "collapse_key", "check_collapse", "is_penalty", "homes", "users",
           "COLLAPSE_WORDS"]

# collapse="neuron" folds the scope levels that name one neuron ("neurons.3",
# "neuron_3", "neuron3"); "layer" those that name one layer. The index is required,
# so "layernorm" or "layers" alone never count as a layer.
COLLAPSE_WORDS = ("neuron", "layer")
_INDEXED = {word: re.compile(rf"(?i)(?:^|[^a-z]){word}s?[._\[ ]?\d+\]?$")
            for word in COLLAPSE_WORDS}
_PENALTY = re.compile(r"(?i)penalty|regulari[sz]")


def levels(scope: str) -> tuple[str, ...]:
    """The levels of a scope path: parts split at ".", a numeric part joined to the one before."""
    out: list[str] = []
    for part in scope.split(".") if scope else ():
        if part.isdigit() and out:
            out[-1] = f"{out[-1]}.{part}"
        else:
            out.append(part)
    return tuple(out)


def check_collapse(collapse: str | int | None) -> str | int | None:
    """Validate ``draw``'s ``collapse`` argument and return it."""
    if collapse is None or collapse in COLLAPSE_WORDS:
        return collapse
    if isinstance(collapse, int) and not isinstance(collapse, bool) and collapse >= 1:
        return collapse
    raise ValueError(f"collapse is one of {COLLAPSE_WORDS}, a scope depth >= 1 (int) or None, "
                     f"got {collapse!r}")


def collapse_key(scope: str, collapse: str | int | None) -> tuple[str, ...] | None:
    """The levels of the box a node with this scope folds into, or None to draw it alone.

    ``collapse`` is "neuron" or "layer" (the innermost scope level naming one
    neuron or layer, with its index) or an int depth (the first that many levels).
    """
    if collapse is None or not scope:
        return None
    path = levels(scope)
    if isinstance(collapse, int):
        return path[:collapse] if len(path) >= collapse else None
    match: Callable[[str], object] = _INDEXED[collapse].search
    for i, level in enumerate(path):
        if match(level):
            return path[:i + 1]
    return None


def is_penalty(scope: str) -> bool:
    """Whether a scope belongs to a regularization branch (a level names a penalty)."""
    return bool(scope) and _PENALTY.search(scope) is not None


def _common(scopes: Sequence[str]) -> str:
    """The deepest scope level shared by all of ``scopes`` ("" if none)."""
    paths = [levels(s) for s in scopes]
    shared: list[str] = []
    for parts in zip(*paths):
        if any(p != parts[0] for p in parts):
            break
        shared.append(parts[0])
    return ".".join(shared)


def users(order: Sequence[Value]) -> dict[Value, list[Value]]:
    """Each node's users: the nodes of ``order`` that read it, in order, once per edge
    (``x * x`` lists its product twice). A node nothing reads is not a key."""
    found: dict[Value, list[Value]] = {}
    for node in order:
        for inp in node.inputs:
            found.setdefault(inp, []).append(node)
    return found


def homes(order: Sequence[Value]) -> dict[Value, str]:
    """The scope each node is drawn in.

    A node's own scope, except for a parameter or constant leaf made outside
    any scope: a model builds its weights before it is ever called, so they
    carry no scope, yet they belong to the neuron that uses them. Such a leaf
    is drawn in the deepest scope shared by the nodes that use it, leaving
    out regularization scopes (a penalty reads every weight but owns none).
    """
    users: dict[Value, list[str]] = {}
    for node in order:
        for inp in node.inputs:
            if not inp.scope and not inp.inputs and isinstance(inp, (Parameter, Constant)):
                users.setdefault(inp, []).append(node.scope)
    home = {node: node.scope for node in order}
    for leaf, scopes in users.items():
        home[leaf] = _common([s for s in scopes if not is_penalty(s)] or scopes)
    return home
