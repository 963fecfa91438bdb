"""The README's Python examples run as written (and print what they say they print)."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.skipif(shutil.which("dot") is None, reason="the examples save diagrams")
@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write f.svg, net.svg
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    for line, comment in re.findall(r"^print\((.*)\)\s*#\s*(.+)$", code, flags=re.M):
        assert comment.strip() in printed.getvalue(), line


def test_the_readme_has_the_seed_example():
    assert len(BLOCKS) >= 3 and any("-12.0 -4.0 -4.0 3.0" in b for b in BLOCKS)
