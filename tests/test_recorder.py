"""The Recorder: what fit did, epoch by epoch, exactly and within its memory bound."""

from __future__ import annotations

import doctest
import gc
import weakref

import numpy as np
import pytest
from sklearn.datasets import make_moons

from autograd import batch, data, losses, nn, optim, recorder, regularizers, schedules
from autograd.training import EarlyStopping, Recorder, fit

X, y = make_moons(60, noise=0.2, random_state=0)
Xv, yv = make_moons(30, noise=0.2, random_state=1)


def mlp():
    return nn.MLP(2, [6, 6, 1], seed=0)


def bn_dropout():
    rng = np.random.default_rng(0)
    return nn.Sequential(nn.Layer(2, 6, "linear", seed=rng, squeeze=False), nn.BatchNorm1d(6),
                         nn.Activation("relu"), nn.Dropout(0.3, seed=1),
                         nn.Layer(6, 1, "linear", seed=rng))


def train(model, epochs, record=None, **options):
    settings = dict(val=(Xv, yv), batch_size=16, verbose=False)
    settings.update(options)
    return fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05), X, y,
               epochs=epochs, record=record, **settings)


def test_the_doctests_run():
    assert doctest.testmod(recorder).failed == 0


@pytest.mark.parametrize("make", [mlp, bn_dropout], ids=["mlp", "bn-dropout"])
def test_snapshot_k_is_the_model_trained_for_k_epochs_from_the_same_seed(make):
    rec = Recorder()
    train(make(), 12, rec, regularizer=lambda ps: regularizers.l2(ps, 1e-3))
    assert rec.epochs == list(range(13))
    for k in (0, 1, 5, 12):
        model = make()
        if k:
            history = train(model, k, regularizer=lambda ps: regularizers.l2(ps, 1e-3))
            assert rec[k].train_loss == history.train_loss[-1]
            assert rec[k].val_loss == history.val_loss[-1]
            assert rec[k].metrics["val_accuracy"] == history.metrics["val_accuracy"][-1]
            np.testing.assert_array_equal(rec[k].grads, [p.grad for p in model.parameters()])
        assert rec[k].state_dict() == model.state_dict()  # running statistics included
        copy = rec[k].model
        assert copy.state_dict() == model.state_dict() and not copy.training
        model.eval()
        assert copy(list(Xv[0])).data == model(list(Xv[0])).data
    assert rec[0].grads is None and rec[0].gradients() == {}
    assert rec[0].train_loss > rec[12].train_loss


def test_recording_changes_nothing_in_the_training():
    plain, recorded = bn_dropout(), bn_dropout()
    h1 = train(plain, 6)
    h2 = train(recorded, 6, Recorder())
    assert plain.state_dict() == recorded.state_dict()
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss


def test_a_snapshot_is_a_record_nobody_changes():
    rec = Recorder()
    model = mlp()
    train(model, 2, rec)
    copy = rec[2].model
    copy.parameters()[0].data += 1.0
    assert rec[2].values[0] == model.parameters()[0].data
    with pytest.raises(ValueError):
        rec[2].values[0] = 5.0
    assert rec[1].model is not rec[1].model


def test_the_same_seed_gives_the_same_recording_byte_for_byte():
    a, b = Recorder(), Recorder()
    train(bn_dropout(), 8, a)
    train(bn_dropout(), 8, b)
    assert a.epochs == b.epochs and a.names == b.names
    for s, t in zip(a, b):
        assert s.values.tobytes() == t.values.tobytes()
        assert (s.grads is None and t.grads is None) or s.grads.tobytes() == t.grads.tobytes()
    for name in a.series_names:
        assert a.series(name) == b.series(name)


def test_snapshots_are_thinned_evenly_past_max_frames_and_losses_kept_for_every_epoch():
    rec = Recorder(max_frames=10)
    history = train(mlp(), 100, rec, val=None)
    kept = rec.epochs
    assert len(kept) <= 10 and kept[0] == 0 and kept[-1] == 100
    gaps = np.diff(kept[:-1])
    assert len(set(gaps)) == 1 and gaps[0] == 16  # every 16th epoch, and the latest
    epochs, losses_ = rec.series("train_loss")
    assert epochs == list(range(101)) and losses_[1:] == history.train_loss
    with pytest.raises(KeyError, match="epoch 37 was thinned out.*32 and 48"):
        rec[37]
    with pytest.raises(KeyError, match="from epoch 0 to 100"):
        rec[101]
    assert rec.nbytes < 10 * 2 * 8 * len(rec.names) + 8 * 5 * 101 + 1


def test_max_bytes_bounds_the_snapshots_of_a_big_model():
    model = nn.MLP(2, [64, 64, 1], seed=0)  # 4417 parameters: about 70 kB a snapshot
    rec = Recorder(max_bytes=400_000)
    train(model, 20, rec, val=None, batch_size=None)
    assert len(rec) <= 400_000 // (2 * 8 * 4417) + 1
    assert sum(s.nbytes for s in rec) <= 400_000 + 2 * 8 * 4417
    assert rec.epochs[-1] == 20


def test_early_stopping_marks_its_best_epoch_and_keeps_it_through_thinning():
    rec = Recorder(max_frames=4)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    history = fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05),
                  X[:20], y[:20], val=(Xv, yv), epochs=200, verbose=False, record=rec,
                  early_stopping=EarlyStopping(patience=15))
    assert history.stop_reason.startswith("early stopping")
    assert rec.best_epoch == history.best_epoch + 1
    assert rec.best_epoch in rec.epochs and len(rec) <= 4
    assert rec[rec.best_epoch].state_dict() == model.state_dict()  # the weights it restored
    assert rec.finished and rec.stop_reason == history.stop_reason


def test_a_loop_of_ones_own_records_with_snapshot():
    model = nn.MLP(2, [4, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    rec = Recorder(data=(X, y))
    for epoch in range(0, 30, 3):
        if epoch:
            for _ in range(3):
                loss = losses.bce_with_logits(model(batch(X)), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
        rec.snapshot(model, epoch=epoch, loss=1.0 / (epoch + 1), lr=opt.lr)
    assert rec.epochs == list(range(0, 30, 3)) and rec.grid is not None
    assert rec.grid.points.shape == (40 * 40, 2)
    assert rec.series("lr") == (rec.epochs, [0.1] * 10)
    assert rec.series_names == ["train_loss", "lr"]
    with pytest.raises(ValueError, match="epoch 27 comes after epoch 27"):
        rec.snapshot(model, epoch=27)
    with pytest.raises(ValueError, match="has 13 parameters, the recording 17"):
        rec.snapshot(nn.MLP(2, [3, 1], seed=0), epoch=40)
    with pytest.raises(TypeError, match="a model from autograd.nn"):
        rec.snapshot([1.0], epoch=41)
    with pytest.raises(ValueError, match="epoch must be"):
        rec.snapshot(model, epoch=-1)
    assert rec.epochs[-1] == 27  # a refused snapshot records nothing


def test_fit_goes_on_from_the_recording_s_last_epoch():
    rec = Recorder()
    model = mlp()
    train(model, 5, rec)
    train(model, 3, rec)
    assert rec.epochs == list(range(9))
    assert rec[8].state_dict() == model.state_dict()


def test_the_learning_rate_each_epoch_trained_with():
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    rec = Recorder()
    fit(model, losses.bce_with_logits, opt, X, y, epochs=4, verbose=False, record=rec,
        scheduler=schedules.StepDecay(opt, step_size=1, gamma=0.5))
    assert rec.series("lr")[1] == [0.1, 0.1, 0.05, 0.025, 0.0125]


def test_hooks_hear_every_snapshot_and_the_end_until_removed():
    rec, heard = Recorder(), []
    remove = rec.register_hook(lambda r: heard.append((r.epochs[-1], r.finished)))
    train(mlp(), 3, rec)
    assert heard == [(0, False), (1, False), (2, False), (3, False), (3, True)]
    remove()
    train(mlp(), 1, Recorder())
    rec.finish()
    assert len(heard) == 5


def test_an_interrupt_leaves_the_epochs_done_recorded():
    rec = Recorder()
    calls = []

    def regularizer(params):
        calls.append(1)
        if len(calls) == 3 * 4 + 2:  # in the 4th epoch's 3rd batch... of 4 (60 / 16)
            raise KeyboardInterrupt
        return regularizers.l2(params, 0.0)

    history = train(mlp(), 10, rec, regularizer=regularizer)
    assert history.epochs == 3 and rec.epochs == [0, 1, 2, 3]
    assert rec.finished and "interrupted" in rec.stop_reason


def test_an_rnn_has_no_grid_and_its_copy_no_graph_of_the_last_call():
    X_seq, y_seq = data.make_first_symbol_sequences(20, length=5, seed=0)
    model = nn.RNN(1, 3, 1, seed=0, returns="last")
    model(X_seq[:, :, None])  # leaves the graph of this call in hidden_states
    rec = Recorder()
    fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05), X_seq, y_seq,
        epochs=2, verbose=False, record=rec)
    assert rec.grid is None and rec.data[0].shape == (20, 5)
    assert rec[0].model.hidden_states == []


def test_a_dropped_model_is_freed_while_its_recording_lives():
    model = mlp()
    rec = Recorder()
    train(model, 2, rec)
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None and len(rec) == 3


@pytest.mark.parametrize("options, message", [
    (dict(max_frames=1), "max_frames must be a whole number >= 2"),
    (dict(grid=True), "grid must be"),
    (dict(data=[[1.0, 2.0]]), "data is a pair"),
    (dict(data=([[1.0, 2.0]], [1, 0])), "X has 1 samples and y 2"),
])
def test_bad_settings_are_refused(options, message):
    with pytest.raises((TypeError, ValueError), match=message):
        Recorder(**options)


def test_fit_refuses_a_record_that_is_not_a_recorder():
    with pytest.raises(TypeError, match="record must be an autograd.training.Recorder"):
        train(mlp(), 1, record=[])


def test_indexing_an_empty_recorder_says_what_to_do():
    with pytest.raises(KeyError, match="pass record= to fit"):
        Recorder()[0]
