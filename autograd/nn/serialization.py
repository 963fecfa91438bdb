"""Model files: the JSON that ``Module.save`` writes and ``Module.load`` reads back.

A model file holds a state dict (one float per parameter and buffer, by name),
the class it was saved from and how many values it holds, as JSON, never
pickle. ``write_model_file`` writes it beside its path and renames it over the
path only when complete, so an interrupted save never leaves a half-written
model; ``read_model_file`` refuses a file above ``MAX_FILE_BYTES`` unread and
says what is wrong with a corrupt, truncated or foreign one before any model
changes.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import stat
from collections.abc import Mapping
from typing import Any

from autograd.nn._checks import _brief, _describe_keys

__all__ = ["ModelFileError", "FILE_FORMAT", "FILE_VERSION", "MAX_FILE_BYTES",
           "write_model_file", "read_model_file"]

FILE_FORMAT = "autograd-viz/state_dict"
FILE_VERSION = 1
MAX_FILE_BYTES = 100_000_000
"""The largest model file ``load`` reads and ``save`` writes: 100 MB, some two million
values, far beyond what a scalar engine trains. A bigger file is refused unread."""


class ModelFileError(ValueError):
    """A saved model file is corrupt, truncated, or made for a different model."""


def write_model_file(path: str | os.PathLike[str], module_name: str,
                     state: Mapping[str, float]) -> None:
    """Write ``state``, the state dict of a ``module_name`` module, to ``path``, as
    ``Module.save`` describes: finite values only, at most ``MAX_FILE_BYTES``, atomically."""
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(f"cannot save {module_name}: {name} is {value} "
                             f"(training diverged?); only finite values are saved")
    document = {"format": FILE_FORMAT, "version": FILE_VERSION,
                "module": module_name, "count": len(state), "state": state}
    text = json.dumps(document, indent=1)  # ASCII: as many bytes as characters
    if len(text) > MAX_FILE_BYTES:
        raise ValueError(f"cannot save {module_name}: its file would be {len(text):,} "
                         f"bytes, above the {MAX_FILE_BYTES:,} that load reads "
                         f"(autograd.nn.serialization.MAX_FILE_BYTES)")
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


def read_model_file(path: str, this: str, slots: Mapping[str, Any]) -> dict[str, Any]:
    """The state dict in the file at ``path``, checked as ``Module.load`` describes: saved
    from class ``this``, naming exactly the keys of ``slots``; else ``ModelFileError``."""
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
    saved_from = document.get("module")
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
    missing = [n for n in slots if n not in state]
    unexpected = [n for n in state if n not in slots]
    if missing or unexpected:
        raise ModelFileError(
            f"{path} was saved from a different model ({document.get('module')!r}, "
            f"{count} values) than this {this} ({len(slots)} values): "
            + _describe_keys(missing, unexpected))
    return state


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
    """The file's text, refused unread when larger than ``MAX_FILE_BYTES`` or when not a
    regular file (a FIFO would block ``open`` until something writes to it)."""
    # Opened without blocking, then checked: a FIFO opens at once, and is refused.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISCHR(info.st_mode):
            kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else \
                "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ModelFileError(f"{path} is {kind}, not a model file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a device (a terminal, say) may be read
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError(f"{path} is {size:,} bytes, larger than a model file can be "
                                 f"({MAX_FILE_BYTES:,}, "
                                 f"autograd.nn.serialization.MAX_FILE_BYTES)")
        # At most one byte past the limit: a device reports no size.
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"{path} holds more than {MAX_FILE_BYTES:,} bytes, more than a "
                             f"model file can (autograd.nn.serialization.MAX_FILE_BYTES)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path} is not a model file (not UTF-8 text: {e})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out
