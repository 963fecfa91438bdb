"""The Korean notebooks (notebooks/ko/<name>) teach with the English notebooks' code.

Each one is its English namesake with every markdown cell in Korean, one extra first code cell
that sets the pictures' language, and otherwise the same cells in the same order, each code
cell the same Python token for token: only comments may differ (they may be translated).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KOREAN = NOTEBOOKS / "ko"
LANGUAGE_CELL = 'import viz\nviz.set_language("ko")'
HANGUL = re.compile("[\uac00-\ud7a3]")

ENGLISH = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def code_tokens(code: str) -> list[tokenize.TokenInfo]:
    """The tokens that run: every token but comments, the end and the line breaks of blank or
    comment-only lines. String literals are kept, so a changed string is a changed cell."""
    return [tok for tok in tokenize.generate_tokens(io.StringIO(code).readline)
            if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER)]


def same(a: tokenize.TokenInfo, b: tokenize.TokenInfo) -> bool:
    """A line's end is the same end whether the cell's last line has its newline or not."""
    if a.type == b.type == tokenize.NEWLINE:
        return True
    return (a.type, a.string) == (b.type, b.string)


def code_difference(english: str, korean: str) -> str | None:
    """None when both cells are the same code; otherwise the first lines that differ."""
    en, ko = code_tokens(english), code_tokens(korean)
    for a, b in zip(en, ko):
        if not same(a, b):
            return f"English line {a.start[0]}: {a.line!r}\nKorean line {b.start[0]}: {b.line!r}"
    if len(en) != len(ko):
        longer, which = (en, "English") if len(en) > len(ko) else (ko, "Korean")
        extra = longer[min(len(en), len(ko))]
        return f"only the {which} cell goes on, at line {extra.start[0]}: {extra.line!r}"
    return None


def english_and_korean(name: str) -> tuple[list[dict], list[dict]]:
    """Both notebooks' cells, the Korean one's without its first code cell (the language)."""
    korean = KOREAN / name
    assert korean.exists(), f"every English notebook has its Korean edition: no notebooks/ko/{name}"
    ko = cells(korean)
    first_code = next(i for i, cell in enumerate(ko) if cell["cell_type"] == "code")
    return cells(NOTEBOOKS / name), ko[:first_code] + ko[first_code + 1:]


def test_the_comparison_masks_comments_only():
    english = 'x = f(2, label="x")  # the input\nprint("x =", x)\n'
    assert code_difference(english, 'x = f(2, label="x")    # 입력\n\nprint("x =", x)') is None
    assert code_difference(english, 'x = f(2, label="x")\n# 입력을 출력\nprint("x =", x)\n') is None
    assert "line 1" in code_difference(english, 'x = f(3, label="x")\nprint("x =", x)\n')
    assert "line 2" in code_difference(english, 'x = f(2, label="x")\nprint("x는", x)\n')
    assert "goes on" in code_difference(english, english + "x.backward()\n")


@pytest.mark.parametrize("name", ENGLISH)
def test_korean_notebook_first_sets_the_language(name):
    korean = KOREAN / name
    assert korean.exists(), f"every English notebook has its Korean edition: no notebooks/ko/{name}"
    first = next(cell for cell in cells(korean) if cell["cell_type"] == "code")
    assert source(first).strip() == LANGUAGE_CELL


@pytest.mark.parametrize("name", ENGLISH)
def test_korean_notebook_has_the_english_cells_in_order(name):
    en, ko = english_and_korean(name)
    assert [cell["cell_type"] for cell in ko] == [cell["cell_type"] for cell in en]


@pytest.mark.parametrize("name", ENGLISH)
def test_korean_notebook_runs_the_english_code(name):
    en, ko = english_and_korean(name)
    pairs = [(a, b) for a, b in zip(en, ko) if a["cell_type"] == b["cell_type"] == "code"]
    assert len(pairs) == sum(cell["cell_type"] == "code" for cell in en)
    for number, (a, b) in enumerate(pairs, start=1):
        difference = code_difference(source(a), source(b))
        assert difference is None, (f"code cell {number} of {name} (id {a.get('id')}) differs:\n"
                                    f"{difference}")


@pytest.mark.parametrize("name", ENGLISH)
def test_korean_notebook_markdown_is_korean(name):
    _, ko = english_and_korean(name)
    untranslated = [source(cell)[:60] for cell in ko
                    if cell["cell_type"] == "markdown" and not HANGUL.search(source(cell))]
    assert not untranslated, f"markdown cells of notebooks/ko/{name} with no Korean"
