"""The chain rule, walked once over a graph: ``backward()`` and ``grad()``.

    root's gradient = seed                                   (d root / d root = 1)
    for node in the graph, newest first:   # so after every node made from it
        for input, g_input in zip(node.inputs, node's rule.vjp(g, out, *inputs)):
            input's gradient += g_input                     # the chain rule

The order comes from the thread's tape when the root is on it, else from a search
sorted by creation stamp (``autograd.tape``). A rule's ``vjp`` gives what each
input receives from a node whose gradient is ``g`` (``autograd.ops``): called on
numbers it is ``backward()``; on batches it is the batched backward (a scalar input
of a batch node receives the sum over the batch); on Values it is the
``create_graph`` backward, whose gradients can be differentiated again.

A walk gathers gradients in the nodes' ``_g`` and adds them to ``.grad`` only once
it has finished: a walk that raises leaves every ``.grad`` as it was. One walk runs
at a time, since threads may share weights.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from autograd import errors, modes, tape
from autograd.tape import by_stamp

__all__ = ["backward", "gradients", "topological_order"]

ndarray = np.ndarray
_add_up = np.add.reduce
_one_walk = threading.Lock()


def backward(root: Any, seed: Any) -> None:
    """Add d root / d node to ``node.grad`` for every node ``root`` depends on (``seed``
    is d root / d root, checked by the caller)."""
    with _one_walk:
        reached = _walk(root, seed, on_graph=False)
        olds: list[Any] = []  # each .grad as it was, until every sum has worked
        try:
            for node in reached:
                old = node.grad
                olds.append(old)
                node.grad = old + node._g
                node._g = None
        except BaseException:  # a .grad set by hand to something that cannot add up
            for node, old in zip(reached, olds):
                node.grad = old
            _clear(reached)
            raise


def gradients(root: Any, seed: Any, inputs: Iterable[Any], create_graph: bool) -> list[Any]:
    """d root / d input for each input, None where root does not depend on it. With
    ``create_graph`` the rules run on Values, so the gradients are on a graph."""
    with _one_walk, modes.grad_mode(create_graph), _collector_paused(create_graph):
        reached = _walk(root, seed, on_graph=create_graph)
        found = [i._g for i in inputs]
        _clear(reached)
    return found


def _walk(root: Any, seed: Any, on_graph: bool) -> list[Any]:
    """Every node that received a gradient from ``root``, each holding it in ``_g``."""
    generic = on_graph or modes.state().anomaly
    taped = tape.take(modes.state(), root)
    inner: list[Any] = []  # the nodes with inputs that received a gradient
    leaves: list[Any] = []
    try:
        if taped is not None:
            root._g = seed
            inner.append(root)
            if _chain_rule(taped, inner, leaves, on_graph, generic) == len(inner):
                return inner + leaves
            # Some node that received a gradient was not walked: it is not on the tape
            # (made before it, or in another thread). Start again from a search.
            _clear(inner + leaves)
            inner, leaves = [], []
        root._g = seed
        (leaves if root._rule is None else inner).append(root)
        _chain_rule(sorted(reachable(root), key=by_stamp, reverse=True), inner, leaves,
                    on_graph, generic)
    except BaseException:
        _clear(inner + leaves)
        raise
    return inner + leaves


def _chain_rule(order: list[Any], inner: list[Any], leaves: list[Any], on_graph: bool,
                generic: bool) -> int:
    """Visit ``order`` (newest first): each node with a gradient passes it on to its
    inputs. A node that receives its first is appended to ``inner`` or ``leaves``.
    Returns how many nodes passed theirs on."""
    walked = 0
    node = None
    try:
        for node in order:
            g, rule = node._g, node._rule
            if g is None or rule is None:
                continue  # not reached from the root, or a leaf
            walked += 1
            a, b, data = node._a, node._b, node.data
            if generic:
                edges = _edges(node, g, on_graph)  # on Values, or checked for NaN and inf
            elif a.__class__ is tuple:  # many inputs: add_n, sum_squares, sum_abs
                edges = zip(a, rule.vjp(g, data, *[i.data for i in a]))
                if data.__class__ is ndarray:
                    edges = [(i, _batch_total(gi) if i.data.__class__ is float else gi)
                             for i, gi in edges]
            else:
                # One or two inputs: the usual node, written out (a loop would cost
                # more than its arithmetic).
                if b is None:
                    (ga,) = rule.vjp(g, data, a.data)
                else:
                    ga, gb = rule.vjp(g, data, a.data, b.data)
                    if data.__class__ is ndarray:  # a scalar input gets the batch's sum
                        if a.data.__class__ is float:
                            ga = _batch_total(ga)
                        if b.data.__class__ is float:
                            gb = _batch_total(gb)
                # a before b, as every other path adds them: x / x adds two different
                # terms to one node, and floats add up differently in another order
                if a._g is None:
                    a._g = ga
                    (leaves if a._rule is None else inner).append(a)
                else:
                    a._g = a._g + ga
                if b is not None:
                    if b._g is None:
                        b._g = gb
                        (leaves if b._rule is None else inner).append(b)
                    else:
                        b._g = b._g + gb
                continue
            for i, gi in edges:
                if i._g is None:
                    i._g = gi
                    (leaves if i._rule is None else inner).append(i)
                else:
                    i._g = i._g + gi  # never +=: a batch's array may be shared
    except ZeroDivisionError:
        raise ZeroDivisionError(errors.infinite_derivative(node)) from None
    return walked


def _edges(node: Any, g: Any, on_graph: bool) -> Iterator[tuple[Any, Any]]:
    """(input, what it receives) for each input of ``node``: on Values under
    ``create_graph``, and checked for NaN and inf under ``detect_anomaly``."""
    rule, inputs = node._rule, node.inputs
    if on_graph:  # on Values, so the gradient is a graph; constants stay numbers
        received = rule.vjp(g, node, *[i.data if i._constant else i for i in inputs])
    else:
        received = rule.vjp(g, node.data, *[i.data for i in inputs])
    anomaly = modes.state().anomaly
    for i, gi in zip(inputs, received):
        if i.data.__class__ is float and _is_batch(gi):
            gi = _batch_total(gi)  # a scalar input of a batch node: its sum over the batch
        if anomaly:
            errors.check_finite(rule, inputs, gi, f"gradient for {errors.name_of(i)}")
        yield i, gi


def _is_batch(x: Any) -> bool:
    return (x.data if hasattr(x, "_rule") else x).__class__ is ndarray


def _batch_total(x: Any) -> Any:
    """The sum over the batch: a float for an array (``np.add.reduce``, without the
    method's wrapper), a Value on the graph for a batch Value."""
    return float(_add_up(x)) if x.__class__ is ndarray else x.sum()


def _clear(reached: list[Any]) -> None:
    for node in reached:
        node._g = None


def reachable(root: Any) -> dict[Any, None]:
    """Every node ``root`` depends on, as the keys of a new dict: one visit per node,
    no recursion (a million-node chain is fine)."""
    found = {root: None}
    stack = [root]
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        if node._rule is None:
            continue
        a, b = node._a, node._b
        for i in a if a.__class__ is tuple else (a,) if b is None else (a, b):
            if i not in found:
                found[i] = None
                push(i)
    return found


def topological_order(root: Any) -> list[Any]:
    """Every node ``root`` depends on, in the order they were made: inputs before
    the nodes made from them, and the same program always gives the same order."""
    return sorted(reachable(root), key=by_stamp)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector, if it is on, while a ``create_graph`` walk
    makes its Values, and turn it back on after (as ``timeit`` does; a collector the
    user turned off stays off). The new graph has no cycles to find, but the
    collector would walk its nodes every few hundred made."""
    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
