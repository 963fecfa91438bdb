"""The training loop: fit, early stopping, predict, overfitting made measurable."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons
from sklearn.model_selection import train_test_split

from autograd import batch, data, losses, nn, optim, regularizers
from autograd.training import EarlyStopping, History, fit, predict, predict_proba


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(200, noise=0.1, random_state=1)
    Xrest, Xte, yrest, yte = train_test_split(X, y, test_size=30, random_state=0)
    Xtr, Xva, ytr, yva = train_test_split(Xrest, yrest, test_size=30, random_state=0)
    return Xtr, Xva, Xte, ytr, yva, yte  # 140/30/30


def test_fit_learns_two_moons_and_records_history(moons):
    Xtr, Xva, Xte, ytr, yva, yte = moons
    model = nn.MLP(2, [16, 16, 1], seed=0)
    history = fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.03),
                  Xtr, ytr, val=(Xva, yva), epochs=80, batch_size=32, verbose=False)
    assert isinstance(history, History) and history.epochs == 80
    assert len(history.val_loss) == 80 and len(history.metrics["val_accuracy"]) == 80
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert (predict(model, Xte) == yte).mean() >= 0.95
    p = predict_proba(model, Xte)
    assert p.shape == (len(Xte),) and np.all((p >= 0) & (p <= 1))
    np.testing.assert_array_equal(predict(model, Xte), (p >= 0.5).astype(int))


def test_early_stopping_restores_the_best_epoch(moons):
    Xtr, Xva, _, ytr, yva, _ = moons
    model = nn.MLP(2, [32, 32, 1], seed=3)
    stopper = EarlyStopping(patience=4, restore_best=True)
    history = fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.2),
                  Xtr[:30], ytr[:30], val=(Xva, yva), epochs=200, batch_size=8,
                  early_stopping=stopper, verbose=False)
    assert history.epochs < 200 and "early stopping" in history.stop_reason
    best = int(np.argmin(history.val_loss))
    assert history.best_epoch == best
    # the model holds exactly the weights it had after the best epoch
    restored = losses.bce_with_logits(model(batch(Xva)), yva).data
    assert restored == pytest.approx(history.val_loss[best], rel=1e-12)
    assert restored < history.val_loss[-1]


def test_overfitting_is_visible_and_l2_closes_the_gap():
    """A big MLP on 24 noisy points: training accuracy far above validation; an L2
    penalty (weight decay) narrows the gap."""
    X, y = make_moons(424, noise=0.35, random_state=7)
    Xtr, ytr, Xva, yva = X[:24], y[:24], X[24:], y[24:]

    def gap(penalty):
        model = nn.MLP(2, [16, 16, 1], seed=0)
        fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.03),
            Xtr, ytr, epochs=200, regularizer=penalty, verbose=False)
        train = (predict(model, Xtr) == ytr).mean()
        val = (predict(model, Xva) == yva).mean()
        return train, val

    train, val = gap(None)
    assert train == 1.0 and train - val >= 0.1
    train_l2, val_l2 = gap(lambda params: regularizers.l2(params, 0.02))
    assert train_l2 - val_l2 < 0.6 * (train - val)
    assert val_l2 > val


def test_regression_task_predicts_raw_outputs():
    X, y = data.make_regression_curve(120, noise=0.05, seed=0)
    model = nn.MLP(1, [16, 1], activation="tanh", seed=0)
    history = fit(model, losses.mse, optim.Adam(model.parameters(), lr=0.02), X, y,
                  epochs=150, task="regression", metrics=["mse", "r2"], verbose=False)
    out = predict(model, X, task="regression")
    assert out.shape == (120,)
    assert history.metrics["train_r2"][-1] > 0.8
    assert history.metrics["train_mse"][-1] == pytest.approx(np.mean((out - y) ** 2))


def test_multiclass_predict_is_argmax():
    X, y = make_blobs(150, centers=3, random_state=0)
    model = nn.MLP(2, [16, 3], seed=0)
    fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=0.05), X, y,
        epochs=40, verbose=False)
    p = predict_proba(model, X)
    assert p.shape == (150, 3) and np.allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(predict(model, X), p.argmax(axis=1))
    assert (predict(model, X) == y).mean() > 0.9


def test_ctrl_c_stops_cleanly_keeping_the_best_weights(moons):
    Xtr, Xva, _, ytr, yva, _ = moons
    model = nn.MLP(2, [8, 1], seed=0)
    opt = optim.Adam(model.parameters(), lr=0.05)
    calls = {"n": 0}
    step = opt.step

    def interrupting_step():
        calls["n"] += 1
        if calls["n"] == 25:
            raise KeyboardInterrupt
        step()

    opt.step = interrupting_step
    stopper = EarlyStopping(patience=50)
    history = fit(model, losses.bce_with_logits, opt, Xtr, ytr, val=(Xva, yva), epochs=100,
                  batch_size=40, early_stopping=stopper, verbose=False)
    assert history.stop_reason == "interrupted (Ctrl-C)"
    assert 0 < history.epochs < 100
    assert history.best_epoch == int(np.argmin(history.val_loss))


def test_fit_rejects_bad_input(moons):
    Xtr, _, _, ytr, _, _ = moons
    model = nn.MLP(2, [4, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="140 samples but y has 10"):
        fit(model, losses.mse, opt, Xtr, ytr[:10])
    with pytest.raises(ValueError, match="NaN"):
        fit(model, losses.mse, opt, np.full((4, 2), np.nan), np.zeros(4))
    with pytest.raises(ValueError, match="unknown metric"):
        fit(model, losses.mse, opt, Xtr, ytr, metrics=["accuracyy"])
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)


def test_docstring_examples_run():
    import autograd.training

    assert doctest.testmod(autograd.training).failed == 0


# -- checked inputs, interrupts, last batches --------------------------------------------

def test_fit_refuses_non_finite_targets_naming_the_row_before_any_weight_changes(moons):
    Xtr, Xva, _, ytr, yva, _ = moons
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    opt = optim.SGD(model.parameters(), lr=0.1)
    y_nan = ytr.astype(float)
    y_nan[7] = np.nan
    with pytest.raises(ValueError, match=r"^fit: y holds NaN or inf \(nan at row 7; 1 "):
        fit(model, losses.mse, opt, Xtr, y_nan, verbose=False)
    y_inf = yva.astype(float)
    y_inf[[2, 5]] = np.inf
    with pytest.raises(ValueError, match=r"fit\(val=...\): y holds NaN or inf \(inf at row 2; "
                       r"2 non-finite"):
        fit(model, losses.mse, opt, Xtr, ytr, val=(Xva, y_inf), verbose=False)
    X_inf = Xtr.copy()
    X_inf[3, 1] = -np.inf
    with pytest.raises(ValueError, match=r"X holds NaN or inf \(-inf at row 3, column 1\)"):
        fit(model, losses.mse, opt, X_inf, ytr, verbose=False)
    with pytest.raises(ValueError, match="y must hold numbers"):
        fit(model, losses.mse, opt, Xtr[:2], ["a", "b"], verbose=False)
    assert model.state_dict() == before


def test_an_interrupt_at_any_line_of_an_epoch_leaves_the_history_consistent(moons):
    """Ctrl-C can arrive between any two lines: every series keeps the same complete
    epochs, and the restored weights are those of the recorded best epoch."""
    import inspect
    import sys

    import autograd.callbacks as callbacks
    import autograd.scores as scores
    import autograd.training as training

    Xtr, Xva, _, ytr, yva, _ = moons
    source, first = inspect.getsourcelines(training.fit)
    loop = first + next(i for i, line in enumerate(source) if "for epoch in" in line)
    end = first + next(i for i, line in enumerate(source) if "except KeyboardInterrupt" in line)

    def in_epoch_loop(frame):  # a line of fit's epoch loop, or of a helper it called
        while frame is not None and frame.f_code is not training.fit.__code__:
            frame = frame.f_back
        return frame is not None and loop < frame.f_lineno < end

    def run(interrupt_at):
        count = {"lines": 0}

        def local(frame, event, arg):
            if event == "line" and in_epoch_loop(frame):
                count["lines"] += 1
                if count["lines"] == interrupt_at:
                    raise KeyboardInterrupt
            return local

        def tracer(frame, event, arg):  # fit's lines, and those of what it records to
            return local if frame.f_code.co_filename in files else None

        files = {training.__file__, callbacks.__file__, scores.__file__}

        model = nn.MLP(2, [3, 1], seed=0)
        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            history = fit(model, losses.bce_with_logits,
                          optim.Adam(model.parameters(), lr=0.1), Xtr, ytr, val=(Xva, yva),
                          epochs=2, early_stopping=EarlyStopping(patience=5), verbose=False)
        finally:
            sys.settrace(previous)
        return model, history, count["lines"]

    _, _, total = run(interrupt_at=0)  # never interrupts: counts the lines
    assert total > 50
    interrupted_in = set()
    for k in range(1, total + 1):
        model, history, _ = run(interrupt_at=k)
        assert history.stop_reason == "interrupted (Ctrl-C)", k
        lengths = [len(history.train_loss), len(history.val_loss),
                   *(len(history.metrics.get(name, [])) for name in ("train_accuracy",
                                                                     "val_accuracy"))]
        assert lengths == [history.epochs] * 4, (k, lengths)
        interrupted_in.add(history.epochs)
        if history.best_epoch is not None:
            restored = losses.bce_with_logits(model(batch(Xva)), yva).data
            assert restored == history.val_loss[history.best_epoch], k
    assert interrupted_in == {0, 1, 2}  # 2: after the last epoch was recorded


def batchnorm_model():
    return nn.Sequential(nn.Layer(2, 4, "linear", seed=0), nn.BatchNorm1d(4),
                         nn.Activation("relu"), nn.Layer(4, 1, "linear", seed=1))


def test_a_last_batch_of_one_for_batchnorm_is_refused_before_training():
    X, y = make_moons(33, random_state=0)
    model = batchnorm_model()
    before = model.state_dict()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"33 samples in batches of 8 leave a last batch of 1 "
                       r"sample, but the model's BatchNorm1d \(layers.1\).*drop_last=True"):
        fit(model, losses.bce_with_logits, opt, X, y, batch_size=8, verbose=False)
    with pytest.raises(ValueError, match="batch_size=1 gives one-sample batches"):
        fit(model, losses.bce_with_logits, opt, X, y, batch_size=1, verbose=False)
    with pytest.raises(ValueError, match="got 1 sample"):
        fit(model, losses.bce_with_logits, opt, X[:1], y[:1], verbose=False)
    assert model.state_dict() == before


def test_drop_last_skips_the_short_last_batch_of_each_epoch():
    X, y = make_moons(33, random_state=0)
    sizes = []

    def loss(out, target):
        sizes.append(len(target))
        return losses.bce_with_logits(out, target)

    model = batchnorm_model()
    history = fit(model, loss, optim.SGD(model.parameters(), lr=0.1), X, y, batch_size=8,
                  drop_last=True, epochs=2, verbose=False)
    assert history.epochs == 2 and history.stop_reason == "finished all epochs"
    assert sizes == [8, 8, 8, 8, 33] * 2  # four batches, then the evaluation on all 33
    sizes.clear()
    plain = nn.MLP(2, [4, 1], seed=0)  # no BatchNorm: a last batch of 1 trains as usual
    fit(plain, loss, optim.SGD(plain.parameters(), lr=0.1), X, y, batch_size=8, epochs=1,
        verbose=False)
    assert sizes == [8, 8, 8, 8, 1, 33]
    with pytest.raises(ValueError, match="leaves no full batch"):
        fit(plain, loss, optim.SGD(plain.parameters(), lr=0.1), X, y, batch_size=40,
            drop_last=True, verbose=False)


def test_an_error_mid_training_keeps_the_history_on_the_exception(moons):
    Xtr, Xva, _, ytr, yva, _ = moons
    calls = {"n": 0}

    def failing_loss(out, target):
        calls["n"] += 1
        if calls["n"] == 8:  # epoch 2's training step: 3 calls per epoch
            raise RuntimeError("loss exploded")
        return losses.bce_with_logits(out, target)

    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(RuntimeError, match="loss exploded") as info:
        fit(model, failing_loss, optim.Adam(model.parameters(), lr=0.05), Xtr, ytr,
            val=(Xva, yva), epochs=5, verbose=False)
    history = info.value.history
    assert history.epochs == 2 and len(history.val_loss) == 2
    assert history.stop_reason == "stopped by RuntimeError in epoch 2"
