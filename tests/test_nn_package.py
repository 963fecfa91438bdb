"""autograd.nn as a package: its names, its modules' doctests and their import order."""

from __future__ import annotations

import doctest
import importlib

import pytest

NN_MODULES = ["autograd.nn", "autograd.nn.module", "autograd.nn.serialization",
              "autograd.nn.torch_format",
              "autograd.nn.linear", "autograd.nn.sequential", "autograd.nn.perceptron",
              "autograd.nn.activation", "autograd.nn.dropout", "autograd.nn.normalization",
              "autograd.nn.rnn"]


@pytest.mark.parametrize("name", NN_MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)

    result = doctest.testmod(module)
    assert result.failed == 0
    if name.rsplit(".", 1)[-1] in ("nn", "module", "torch_format", "linear", "perceptron",
                                   "activation", "normalization", "rnn"):
        assert result.attempted > 0  # the examples moved here with the code


def test_every_module_of_the_package_is_in_the_doctest_list():
    import pkgutil

    import autograd.nn

    found = {f"autograd.nn.{m.name}" for m in pkgutil.iter_modules(autograd.nn.__path__)
             if not m.name.startswith("_")}
    assert found | {"autograd.nn"} == set(NN_MODULES)


def test_the_package_keeps_every_name_it_had():
    import autograd.nn
    from autograd.engine import Parameter as EngineParameter
    from autograd.engine import add_n

    assert set(autograd.nn.__all__) == {
        "Module", "Neuron", "Layer", "MLP", "Perceptron", "Sequential", "Activation", "Dropout",
        "BatchNorm1d", "LayerNorm", "Parameter", "IncompatibleKeys", "StateDictError",
        "ModelFileError", "ACTIVATIONS", "INITS", "RNN"}
    for name in autograd.nn.__all__ + ["MAX_FILE_BYTES", "FILE_FORMAT", "FILE_VERSION", "Seed",
                                       "Value", "add_n", "batch", "no_grad", "scope",
                                       "_features", "_rng", "_size", "_as_value", "_TorchKey"]:
        assert hasattr(autograd.nn, name), name
    assert autograd.nn.Parameter is EngineParameter and autograd.nn.add_n is add_n
    assert autograd.nn.MAX_FILE_BYTES == 100_000_000


def test_the_package_modules_import_each_other_in_one_direction():
    import ast
    from pathlib import Path

    import autograd.nn

    order = ["_checks", "serialization", "torch_format", "module", "linear", "sequential",
             "perceptron", "activation", "dropout", "normalization", "rnn"]
    folder = Path(autograd.nn.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__") == sorted(order)
    for rank, name in enumerate(order):
        tree = ast.parse((folder / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd.nn"):
                assert node.module.startswith("autograd.nn."), f"{name} imports the package"
                used = node.module.split(".")[2]
                assert order.index(used) < rank, f"{name} imports {used}, which comes after it"
