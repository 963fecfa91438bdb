"""What fit tells and asks each epoch (autograd.callbacks): History and EarlyStopping."""

from __future__ import annotations

import doctest

import pytest

import autograd.callbacks
from autograd import nn
from autograd.callbacks import EarlyStopping, History


def test_early_stopping_waits_patience_epochs_without_an_improvement_of_min_delta():
    model = nn.Neuron(2, seed=0)
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    losses = [1.0, 0.95, 0.85, 0.8, 0.8]  # 0.95 and 0.8 are no better by 0.1
    assert [stopper.update(e, loss, model) for e, loss in enumerate(losses)] \
        == [False, False, False, False, True]
    assert (stopper.best_epoch, stopper.best_loss) == (2, 0.85)


def test_early_stopping_keeps_a_copy_of_the_best_weights():
    model = nn.Neuron(2, seed=0)
    stopper = EarlyStopping()
    stopper.update(0, 1.0, model)
    best = model.state_dict()
    model.w[0].data += 1.0
    assert stopper.best_state == best and model.state_dict() != best


def test_early_stopping_refuses_bad_settings():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="min_delta"):
        EarlyStopping(min_delta=-1.0)


def test_history_evens_up_its_series_to_the_complete_epochs():
    history = History(metrics={"train_accuracy": [], "val_accuracy": []})
    history._record(0.5, {"accuracy": 0.75}, 0.6, {"accuracy": 0.7})
    history.train_loss.append(0.4)  # an epoch interrupted after its first append
    history._even_up(with_val=True)
    assert history.epochs == 1 and history.as_dict() == {
        "train_loss": [0.5], "val_loss": [0.6], "train_accuracy": [0.75], "val_accuracy": [0.7]}


def test_docstring_examples_run():
    assert doctest.testmod(autograd.callbacks).failed == 0
