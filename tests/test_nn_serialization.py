"""autograd.nn.serialization: save/load, ModelFileError, file modes and size limits."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
from nn_helpers import X4, small_model

from autograd.engine import batch
from autograd.nn import MLP, ModelFileError, Neuron, Perceptron


def test_save_load_round_trip_reproduces_predictions_exactly(tmp_path):
    model = small_model()
    model(batch(X4[:, :2]))  # moves the running statistics off their defaults
    for p in model.parameters():
        p.data += 0.1 * math.pi
    path = tmp_path / "model.json"
    model.save(path)
    assert json.loads(path.read_text())["count"] == 25  # plain JSON, not pickle
    restored = small_model().load(path)
    assert restored.state_dict() == model.state_dict()
    model.eval(), restored.eval()
    np.testing.assert_array_equal(model(X4[:, :2]).data, restored(X4[:, :2]).data)


def corrupted_files(tmp_path, model):
    path = tmp_path / "good.json"
    model.save(path)
    text = path.read_text()
    document = json.loads(text)
    cases = {
        "truncated": text[: len(text) // 2],
        "empty": "",
        "not json": "\x00\x01binary",
        "not a model": json.dumps({"hello": "world"}),
        "wrong version": json.dumps({**document, "version": 99}),
        "count mismatch": json.dumps({**document, "count": document["count"] + 1}),
        "non-number": json.dumps({**document, "state": {**document["state"],
                                                         "layers.1.beta.0": "zero"}}),
        "duplicate": text.replace('"layers.1.beta.0"', '"layers.1.beta.1"'),
    }
    for name, body in cases.items():
        bad = tmp_path / f"{name}.json"
        bad.write_text(body)
        yield name, bad


def test_corrupt_or_truncated_files_give_clear_errors_and_leave_the_model_unchanged(tmp_path):
    model = small_model()
    before = model.state_dict()
    messages = {}
    for name, path in corrupted_files(tmp_path, small_model()):
        with pytest.raises(ModelFileError) as info:
            model.load(path)
        messages[name] = str(info.value)
        assert model.state_dict() == before, name
    assert "truncated" in messages["truncated"] and "line" in messages["truncated"]
    assert "not an autograd-viz model file" in messages["not a model"]
    assert "version 99" in messages["wrong version"]
    assert "says it holds 26 values but holds 25" in messages["count mismatch"]
    assert "must be a number" in messages["non-number"]
    assert "appears twice" in messages["duplicate"]


def test_loading_a_file_from_a_different_model_names_the_mismatch(tmp_path):
    path = tmp_path / "mlp.json"
    MLP(2, [4, 1], seed=0).save(path)
    model = MLP(2, [3, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ModelFileError, match=r"different model \('MLP', 17 values\) than "
                       r"this MLP \(13 values\): 4 unexpected key"):
        model.load(path)
    assert model.state_dict() == before


def test_save_is_atomic_and_refuses_non_finite_values(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=0)
    model.save(path)
    good = path.read_text()
    model.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match="layers.0.neurons.0.w.0 is nan"):
        model.save(path)
    model.parameters()[0].data = 0.5

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_text() == good
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


HOSTILE_BODIES = {
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "a value nested 1,000 deep": '{"format": "autograd-viz/state_dict", "state": {"w.0": '
                                 + "[" * 1000 + "]" * 1000 + "}}",
    "a 400-digit weight": "STATE:" + "9" * 400,
    "a negative 400-digit weight": "STATE:-" + "9" * 400,
    "a 5,000-digit count": "COUNT:" + "9" * 5000,
}


@pytest.mark.parametrize("case", list(HOSTILE_BODIES))
def test_hostile_nesting_or_huge_integers_are_model_file_errors(tmp_path, case):
    model = MLP(2, [3, 1], seed=0)
    good = tmp_path / "good.json"
    model.save(good)
    document = json.loads(good.read_text())
    body = HOSTILE_BODIES[case]
    if body.startswith("STATE:"):
        document["state"]["layers.0.neurons.0.w.0"] = "HERE"
        body = json.dumps(document).replace('"HERE"', body[len("STATE:"):])
    elif body.startswith("COUNT:"):
        document["count"] = "HERE"
        body = json.dumps(document).replace('"HERE"', body[len("COUNT:"):])
    path = tmp_path / "hostile.json"
    path.write_text(body)
    before = model.state_dict()
    with pytest.raises(ModelFileError) as info:
        model.load(path)
    assert model.state_dict() == before
    message = str(info.value)
    assert message.startswith(str(path)) and len(message) < 400
    expected = {"nested 1,000 deep": "nests too deep",
                "a value nested 1,000 deep": "nests too deep",
                "a 400-digit weight": "layers.0.neurons.0.w.0 must be a finite number, got an "
                                      "integer of at least 400 digits, too large for a float",
                "a negative 400-digit weight": "integer of at least 400 digits",
                "a 5,000-digit count": "4300 digits"}[case]
    assert expected in message


def test_a_file_saved_from_another_class_is_refused_naming_both(tmp_path):
    path = tmp_path / "neuron.json"
    Neuron(2, seed=0).save(path)  # the same names as a Perceptron's: w.0, w.1, b
    perceptron = Perceptron(2, init="uniform", seed=1)
    before = perceptron.state_dict()
    assert set(before) == set(json.loads(path.read_text())["state"])
    with pytest.raises(ModelFileError, match=r"was saved from class Neuron, and this model is "
                       r"class Perceptron: load it into a model of class Neuron"):
        perceptron.load(path)
    assert perceptron.state_dict() == before
    perceptron.save(path)
    with pytest.raises(ModelFileError, match="saved from class Perceptron.*class Neuron"):
        Neuron(2, seed=0).load(path)
    document = json.loads(path.read_text())
    del document["module"]
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"does not name the class it was saved from"):
        perceptron.load(path)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_save_keeps_an_existing_files_mode_and_gives_a_new_file_the_umask_mode(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    existing = tmp_path / "shared.json"
    existing.write_text("old")
    existing.chmod(0o644)
    previous = os.umask(0o077)
    try:
        model.save(existing)
        model.save(tmp_path / "private.json")
        os.umask(0o022)
        model.save(tmp_path / "new.json")
        (tmp_path / "private.json").chmod(0o640)
        model.save(tmp_path / "private.json")
    finally:
        os.umask(previous)
    mode = {p.name: oct(p.stat().st_mode & 0o7777) for p in tmp_path.iterdir()}
    assert mode == {"shared.json": "0o644", "private.json": "0o640", "new.json": "0o644"}
    assert MLP(2, [3, 1], seed=5).load(existing).state_dict() == model.state_dict()


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path):
    import tracemalloc

    path = tmp_path / "huge.json"
    with open(path, "wb") as f:  # 101 MB, sparse: no disk space, no time
        f.truncate(101_000_000)
    model = MLP(2, [3, 1], seed=0)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=r"is 101,000,000 bytes, larger than a model "
                           r"file can be \(100,000,000"):
            model.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_load_reads_at_most_one_byte_past_the_limit_and_save_keeps_within_it(tmp_path,
                                                                              monkeypatch):
    import autograd.nn.serialization

    model = MLP(2, [3, 1], seed=0)
    # the model's file is 663 bytes
    monkeypatch.setattr(autograd.nn.serialization, "MAX_FILE_BYTES", 500)
    if os.path.exists("/dev/zero"):  # reports size 0 and never ends: the read must stop
        with pytest.raises(ModelFileError, match="holds more than 500 bytes"):
            model.load("/dev/zero")
    with pytest.raises(ValueError, match=r"its file would be 663 bytes, above the 500"):
        model.save(tmp_path / "model.json")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_loading_a_fifo_or_a_directory_is_refused_at_once(tmp_path):
    import threading

    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    errors: list[BaseException] = []

    def load() -> None:
        try:
            model.load(fifo)
        except BaseException as error:  # noqa: BLE001 - checked below
            errors.append(error)

    thread = threading.Thread(target=load, daemon=True)  # a hang must not hang the tests
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "load() of a FIFO blocked"
    assert len(errors) == 1 and isinstance(errors[0], ModelFileError)
    assert str(errors[0]) == f"{fifo} is a FIFO, not a model file"
    with pytest.raises(ModelFileError, match="is a directory, not a model file"):
        model.load(tmp_path)
    assert model.state_dict() == before
