"""The READMEs' Python examples run as written (and print what they say they print):
README.md's and README.ko.md's, the Korean one drawing in Korean."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from autograd.language import get_language, set_language

ROOT = Path(__file__).resolve().parents[1]
READMES = ["README.md", "README.ko.md"]
BLOCKS = {name: re.findall(r"```python\n(.*?)```", (ROOT / name).read_text(encoding="utf-8"),
                           flags=re.S)
          for name in READMES}
EXAMPLES = [(name, code) for name in READMES for code in BLOCKS[name]]
SEED = "-12.0 -4.0 -4.0 3.0"


@pytest.mark.skipif(shutil.which("dot") is None, reason="the examples save diagrams")
@pytest.mark.parametrize("readme, code", EXAMPLES,
                         ids=[f"{name}-block{i}" for name in READMES
                              for i in range(len(BLOCKS[name]))])
def test_readme_example_runs(readme, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write f.svg, net.svg
    printed = io.StringIO()
    language = get_language()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(ROOT / readme), "exec"), {"__name__": "readme"})
    finally:
        set_language(language)  # README.ko.md's examples switch to Korean; the tests after, not
    for line, comment in re.findall(r"^print\((.*)\)\s*#\s*(.+)$", code, flags=re.M):
        assert comment.strip() in printed.getvalue(), line


def test_the_readme_has_the_seed_example():
    assert len(BLOCKS["README.md"]) >= 3 and any(SEED in b for b in BLOCKS["README.md"])


def test_the_korean_readme_has_the_seed_example_in_korean():
    assert any(SEED in b and 'viz.set_language("ko")' in b for b in BLOCKS["README.ko.md"])
