"""autograd.language: one table per language, and every word the pictures draw in it."""

from __future__ import annotations

import ast
import string
import threading
from pathlib import Path

import pytest

from autograd.language import LANGUAGES, check_language, get_language, language, set_language, tr
from autograd.translations import ko
from viz.ops.dot import KIND_NAMES
from viz.page.html import VIEW_NAMES

ROOT = Path(__file__).resolve().parent.parent


def _tr_keys() -> tuple[dict[str, str], list[str]]:
    """Every text the code passes to ``tr`` (where), and the calls whose text is not written
    out (so this test cannot check them)."""
    keys: dict[str, str] = {}
    dynamic: list[str] = []
    for path in sorted([*ROOT.glob("autograd/**/*.py"), *ROOT.glob("viz/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "tr"):
                continue
            text = node.args[0] if node.args else None
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            choices = [text.body, text.orelse] if isinstance(text, ast.IfExp) else [text]
            if all(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in choices):
                for choice in choices:  # tr("a" if ... else "b"): both are drawn
                    keys.setdefault(choice.value, where)
            else:
                dynamic.append(f"{where}: {ast.unparse(node)}")
    return keys, dynamic


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_word_the_code_draws_has_its_korean():
    keys, _ = _tr_keys()
    assert len(keys) > 200  # the walk found the code's words
    missing = {key: where for key, where in keys.items() if key not in ko.WORDS}
    assert not missing, missing


def test_words_drawn_through_a_name_table_have_their_korean_too():
    """The only calls with a computed text read these tables: their words are checked here."""
    _, dynamic = _tr_keys()
    assert all("KIND_NAMES[" in call or "VIEW_NAMES[" in call for call in dynamic), dynamic
    for table in (KIND_NAMES, VIEW_NAMES):
        assert all(word in ko.WORDS for word in table.values() if word), table


def test_each_korean_text_keeps_the_fields_of_its_english():
    wrong = {key: text for key, text in ko.WORDS.items() if _fields(key) != _fields(text)}
    assert not wrong, wrong


def test_the_table_has_no_entry_twice_and_none_the_code_no_longer_draws():
    tree = ast.parse((ROOT / "autograd/translations/ko.py").read_text(encoding="utf-8"))
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.AnnAssign))
    written = [key.value for key in table.keys]
    assert len(written) == len(set(written))
    keys, _ = _tr_keys()
    named = {word for table in (KIND_NAMES, VIEW_NAMES) for word in table.values()}
    assert set(written) - set(keys) - named == set()


def test_korean_texts_are_korean():
    """Not an English key copied over: each has Hangul, or is a name/abbreviation kept."""
    kept = {"f1"}
    english = [key for key, text in ko.WORDS.items()
               if key not in kept and not any("\uac00" <= ch <= "\ud7a3" for ch in text)]
    assert not english, english


def test_tr_fills_fields_in_the_language_in_use():
    assert tr("epoch {epoch}", epoch=3) == "epoch 3"
    with language("ko"):
        assert tr("epoch {epoch}", epoch=3) == "에포크 3"
        assert tr("a text no table knows") == "a text no table knows"
    assert tr("loss") == "loss"


def test_set_language_is_for_the_program_and_language_for_a_thread():
    seen = {}
    try:
        set_language("ko")
        assert get_language() == "ko"
        with language("en"):
            assert tr("loss") == "loss"
            thread = threading.Thread(target=lambda: seen.update(other=get_language()))
            thread.start()
            thread.join()
        assert seen["other"] == "ko"  # the block's language was this thread's only
        with language(None):
            assert get_language() == "ko"
    finally:
        set_language("en")
    assert get_language() == "en"


@pytest.mark.parametrize("bad", ["kr", "KO", "", None, 1])
def test_an_unknown_language_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="lang must be one of 'en', 'ko'"):
        check_language(bad)
    with pytest.raises(ValueError, match="lang must be one of"):
        set_language(bad)
    assert get_language() == "en"  # a refused call changed nothing
    if bad is not None:
        with pytest.raises(ValueError, match="lang must be one of"), language(bad):
            pass


def test_languages():
    assert LANGUAGES == ("en", "ko")
