"""viz as a package: a folder per view over the shared parts, imports on floors, no circle.

The floors, from the bottom: the shared parts (``viz.common``, ``viz.errors``), rendering
with ``dot`` (``viz.render``), the two views (``viz.ops``, ``viz.network``), the stepper's
frames of either view (``viz.frames``), the page (``viz.page``), the training's film
(``viz.film``, drawn on the network view's units, opening the page of an epoch) and the
command line, and on top the package's own functions, and the demo, which uses them. A
module imports only from floors below its own or from its own folder; the two views never
import each other. Every import is read, lazy ones inside functions too, here and in autograd: no
circle anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FLOORS = {"viz.common": 0, "viz.errors": 0, "viz.render": 1, "viz.ops": 2, "viz.network": 2,
          "viz.frames": 3, "viz.page": 4, "viz.film": 5, "viz.cli": 5, "viz": 6, "viz.demo": 7,
          "viz.__main__": 7}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for folder in ("autograd", "viz") for p in (ROOT / folder).rglob(
    "*.py")}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside a function (``from pkg import
    module`` imports that module; ``from pkg import name``, the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def part_of(name: str) -> str:
    """The floor a module of viz belongs to: its folder (viz.ops), or itself (viz.frames)."""
    for part in sorted(FLOORS, key=len, reverse=True):
        if name == part or name.startswith(part + "."):
            return part
    raise AssertionError(f"{name} is on no floor: add it to FLOORS")


def project_imports(name: str) -> set[str]:
    """The project's modules that module ``name`` imports (a package for ``from pkg import``)."""
    return {m for m in imports(MODULES[name]) if m in MODULES and m != name}


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("viz")))
def test_a_module_imports_only_from_floors_below_or_its_own_folder(name):
    here = part_of(name)
    for used in project_imports(name):
        if not used.startswith("viz"):
            continue
        there = part_of(used)
        if there == here:
            continue
        assert FLOORS[there] < FLOORS[here], f"{name} (floor {FLOORS[here]}) imports " \
                                             f"{used} (floor {FLOORS[there]})"
        assert {here, there} != {"viz.ops", "viz.network"}, f"{name} imports {used}"


def test_no_circle_of_imports_anywhere_in_the_project():
    graph = {name: project_imports(name) for name in MODULES}
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    for start in graph:
        stack = [(start, iter(sorted(graph[start])))]
        state.setdefault(start, 1)
        if state[start] == 2:
            continue
        while stack:  # depth first, without recursion
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                path = [n for n, _ in stack]
                raise AssertionError("a circle: " + " -> ".join(path[path.index(child):]
                                                                 + [child]))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(graph[child]))))


def test_every_view_and_shared_part_is_a_folder_a_newcomer_finds_by_name():
    folders = {p.name for p in (ROOT / "viz").iterdir() if p.is_dir() and not
               p.name.startswith("__")}
    assert folders == {"common", "render", "ops", "network", "page", "film", "cli"}


def test_the_public_names_are_unchanged():
    import viz

    for name in ("draw", "save", "show", "to_html", "step_backward", "step_forward",
                 "show_steps", "Frame", "Frames", "Diagram", "GraphvizNotFoundError",
                 "TooLargeError", "FORMATS", "Film"):
        assert hasattr(viz, name), name
    assert viz.budget.LAYOUT_BUDGET > 0
