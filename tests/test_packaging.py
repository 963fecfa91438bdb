"""The package as a user gets it: the built sdist and wheel pass `twine check`, the wheel holds
the LICENSE and the metadata PyPI shows, and, installed into a fresh venv, it runs the README's
first example and the demo from a directory far from this source tree."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPO = "https://github.com/autograd-viz/autograd-viz"
# What a build reads; everything else (.venv, .git, outputs, caches) stays behind.
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "autograd", "viz"]

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """An sdist and a wheel built from a copy of the sources (so the tree gets no build/ or
    egg-info), without build isolation: the dev extra brings setuptools, nothing is fetched."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    # byte-compiling on, as on a user's machine (setuptools warns when it is switched off)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    log = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp / "dist"),
                str(src)], cwd=tmp, env=env)
    assert not re.search(r"warn", log, flags=re.I), log
    return tmp / "dist"


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("*.whl")
    return wheel


def test_build_makes_an_sdist_and_a_wheel_that_twine_check_passes(dist):
    assert len(list(dist.glob("*.tar.gz"))) == 1 and len(list(dist.glob("*.whl"))) == 1
    out = _run([sys.executable, "-m", "twine", "check", "--strict",
                *map(str, sorted(dist.iterdir()))], cwd=dist)
    assert out.count("PASSED") == 2


def test_the_wheel_holds_the_license_and_the_metadata(dist):
    import autograd

    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = wheel.namelist()
        assert {"viz/page/assets/page.js", "viz/page/assets/page.css"} <= set(names)  # the page
        (license_file,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert "Copyright (c) 2026 autograd-viz developers" in wheel.read(license_file).decode()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(wheel.read(metadata).decode())
    assert meta["License-Expression"] == "MIT"
    assert meta["Version"] == autograd.__version__
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert urls == {"Homepage": REPO, "Repository": REPO, "Issues": f"{REPO}/issues",
                    "Changelog": f"{REPO}/blob/main/CHANGELOG.md"}
    # the core only; the demo's and the notebooks' packages come with their extras
    core = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert sorted(re.match(r"[\w-]+", r).group() for r in core) == ["graphviz", "numpy", "tqdm"]
    # the long description is the README with links that work on PyPI too
    links = re.findall(r"\]\(([^)]+)\)", meta.get_payload())
    assert links and all(link.startswith("https://") for link in links), links


def test_the_installed_wheel_runs_the_readme_example_and_the_demo(dist, tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("the README example and the demo draw with Graphviz's dot")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    # The new venv sees this interpreter's packages (numpy, scikit-learn, matplotlib, ...) but
    # not its editable install of this tree: a plain path entry runs no .pth hooks.
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=tmp_path).strip())
    here = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "outer.pth").write_text("\n".join(sorted(here)) + "\n")
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
          str(_wheel(dist))], cwd=tmp_path)

    work = tmp_path / "work"
    work.mkdir()
    code = "import autograd, viz; print(autograd.__file__, viz.__file__)"
    where = _run([str(python), "-c", code], cwd=work)
    assert all(Path(p).is_relative_to(venv) for p in where.split()), where

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_example = re.search(r"```python\n(.*?)```", readme, flags=re.S).group(1)
    (work / "example.py").write_text(first_example, encoding="utf-8")
    assert "-12.0 -4.0 -4.0 3.0" in _run([str(python), "example.py"], cwd=work)

    out = tmp_path / "out"
    printed = _run([str(python), "-m", "viz.demo", "--epochs", "4", "--out", str(out),
                    "--quiet"], cwd=work)
    assert "done in" in printed
    assert {p.name for p in out.iterdir()} >= {"loss_curve.png", "seed_backprop.svg",
                                               "seed_steps.html"}


def test_autograd_imports_no_viz():
    """Every module of the autograd package, found by walking it, imported in a fresh
    interpreter: none of them brings in viz (the demo, which uses both, is viz.demo)."""
    import pkgutil

    import autograd

    modules = ["autograd"] + [m.name for m in pkgutil.walk_packages(autograd.__path__,
                                                                     "autograd.")]
    assert {"autograd.engine", "autograd.nn.rnn", "autograd.plots.history"} <= set(modules)
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m == 'viz' or m.startswith('viz.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
