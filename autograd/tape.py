"""The order nodes were made in: a creation stamp on every node, and each thread's tape.

A node is always made after its inputs, so nodes sorted by stamp, newest first,
come each after every node made from it: the order the chain rule needs
(``autograd.backward``). Finding a graph's nodes and sorting them costs more than
walking them, so each thread also keeps a *tape*: the nodes its ops recorded since
its last walk, in the order they were made. ``loss.backward()`` just after the
forward pass reads its order straight off the tape.

The tape holds its nodes, so graphs made and dropped without a walk (a notebook
predicting without ``no_grad()``) would stay alive on it. So each time a thread has
recorded ``SWEEP_BYTES`` of nodes, its tape lets go of every node nobody else
holds. It looks newest first: a node whose only reference is the tape's is
dropped, which drops its references to its inputs, older nodes the sweep has yet
to look at, so a whole dropped graph goes in one pass. What the engine keeps for
nobody is never much more than ``SWEEP_BYTES``, with the garbage collector on or off.
"""

from __future__ import annotations

import itertools
import operator
import sys
from typing import Any

from autograd.modes import State

__all__ = ["SWEEP_BYTES", "NODE_BYTES"]

# Creation stamps, floats rather than ints: 24 bytes against 28, on every node.
# (itertools.count is one C call, and safe across threads.)
stamps = itertools.count(0.0)
by_stamp = operator.attrgetter("_stamp")

NODE_BYTES = 150
"""What a scalar node costs (``bench/engine.py``); a batch node costs its array more."""

SWEEP_BYTES = 16 << 20
"""How much a thread records between sweeps of its tape: at most this much is kept for
nobody (16 MB, some 110,000 scalar nodes)."""


# What sys.getrefcount says of an item only its list holds (the list's reference and the
# call's own), asked as the sweep asks; None where there are no reference counts.
_probe = [object()]
_ALONE = sys.getrefcount(_probe[0]) if hasattr(sys, "getrefcount") else None
del _probe


def sweep(state: State) -> None:
    """Drop from ``state``'s tape every node nobody else holds, newest first."""
    tape = state.tape
    if _ALONE is None:  # no reference counts (not CPython): forget the whole tape
        del tape[:]
    else:
        for i in range(len(tape) - 1, -1, -1):
            if sys.getrefcount(tape[i]) <= _ALONE:
                tape[i] = None
        tape[:] = [node for node in tape if node is not None]
    state.unswept = 0


def take(state: State, root: Any) -> list[Any] | None:
    """``root`` and every node ``state``'s tape recorded before it, newest first, or None
    if root is not on the tape. The tape then starts afresh: what a walk has taken is
    no longer recorded, and is searched for by any later walk."""
    tape = state.tape
    if tape and tape[-1] is root:  # the usual case: the loss was made last
        order = tape[::-1]
    else:
        try:
            order = tape[tape.index(root)::-1]
        except ValueError:
            return None
    del tape[:]
    state.unswept = 0
    return order
