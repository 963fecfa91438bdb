"""The switches every op reads, one set per thread: grad mode, anomaly mode and the scope.

Within ``no_grad()`` ops record no graph; within ``detect_anomaly()`` the first
NaN or inf raises; within ``scope(name)`` every Value made records ``name``. Each
applies to the calling thread only, as PyTorch's grad mode does, so one thread
can predict under ``no_grad()`` while another trains.

>>> with no_grad():
...     is_grad_enabled()
False
>>> with scope("layers.0"), scope("neurons.3"):
...     current_scope()
'layers.0.neurons.3'
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["no_grad", "is_grad_enabled", "detect_anomaly", "scope", "current_scope"]


class State:
    """What the engine keeps for one thread.

    ``grad_enabled`` and ``anomaly`` are the two modes. ``names`` is the pair
    (label, scope) that every Value made now starts with: ``("", scope)``, one
    tuple shared by all of them. ``tape`` and ``unswept`` are the thread's
    recording of the nodes it made (``autograd.tape``).
    """

    __slots__ = ("grad_enabled", "anomaly", "names", "tape", "unswept")

    def __init__(self) -> None:
        self.grad_enabled, self.anomaly, self.names = True, False, ("", "")
        self.tape: list[Any] = []
        self.unswept = 0  # bytes recorded on the tape since it was last swept


class _PerThread(threading.local):
    """``_thread.state`` is the calling thread's own State, made on its first use. (A
    plain object inside: each attribute of a threading.local costs a lookup of the
    thread's dict, and an op reads several.)"""

    def __init__(self) -> None:
        self.state = State()


_thread = _PerThread()


def state() -> State:
    """The calling thread's State."""
    return _thread.state


@contextmanager
def _switched(mode: str, on: bool) -> Iterator[None]:
    """Within this block, the calling thread's ``mode`` (a State field) is ``on``."""
    current = _thread.state
    previous = getattr(current, mode)
    setattr(current, mode, on)
    try:
        yield
    finally:
        setattr(current, mode, previous)


def grad_mode(enabled: bool) -> Any:
    """Record the graph (``enabled``) or not within this block, in this thread."""
    return _switched("grad_enabled", enabled)


def no_grad() -> Any:
    """Within ``with no_grad():`` ops record no graph: for inference and weight updates.

    Works as a decorator too. It applies to the calling thread only, as in
    PyTorch: other threads go on recording.
    """
    return grad_mode(False)


def is_grad_enabled() -> bool:
    """Whether ops record the graph now in this thread (False inside ``no_grad()``)."""
    return _thread.state.grad_enabled


def detect_anomaly() -> Any:
    """Within this block, the first op whose value or gradient is NaN or inf raises
    ``FloatingPointError`` naming that op and its inputs (in the calling thread)."""
    return _switched("anomaly", True)


class scope:
    """Record ``name`` on every Value made inside ``with scope(name):``; nested scopes
    join with ".", so modules give paths like ``layers.0.neurons.3``.

    Diagrams group nodes by scope: ``with scope("l2 penalty"): ...``. (A class
    rather than a generator: modules open one per neuron per call, so it is hot.)
    """

    __slots__ = ("name", "_previous")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a scope name is a non-empty string, got {name!r}")
        self.name = name

    def __enter__(self) -> str:
        current = _thread.state
        self._previous = previous = current.names
        path = f"{previous[1]}.{self.name}" if previous[1] else self.name
        current.names = ("", path)
        return path

    def __exit__(self, *exc: object) -> None:
        _thread.state.names = self._previous


def current_scope() -> str:
    """The scope new Values are recorded in, in this thread ("" outside any scope)."""
    return _thread.state.names[1]
