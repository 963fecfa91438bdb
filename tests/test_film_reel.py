"""A film's numbers (viz.film.reel): each frame's weights, heat maps, prediction,
statistics and gradients per time step are the engine's for that epoch."""

from __future__ import annotations

import numpy as np
import pytest
from film_helpers import RECORDINGS, bn_dropout, cancer_mlp, moons_mlp, rnn

from autograd import batch, losses, no_grad
from autograd.training import Recorder, predict_proba
from viz.film.reel import THUMB, build_reel, pick_frames


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def test_each_frame_holds_its_epoch_s_weights_and_gradients():
    rec = moons_mlp()
    reel = build_reel(rec)
    assert reel.epochs == rec.epochs and reel.mode == "plane"
    for f in (0, 7, reel.frames - 1):
        state, grads = rec[reel.epochs[f]].state_dict(), rec[reel.epochs[f]].gradients()
        for k, weight in enumerate(reel.weights):
            assert reel.weight_values[f, k] == state[weight.name]
            if f:
                assert reel.weight_grads[f, k] == grads[weight.name]
    assert np.isnan(reel.weight_grads[0]).all()  # no step before training
    unit = next(u for u, info in enumerate(reel.units) if info.bias == "layers.1.neurons.2.b")
    assert reel.units[unit].name == "L1.N2"
    assert reel.bias_values[3, unit] == rec[reel.epochs[3]].state_dict()["layers.1.neurons.2.b"]


def test_a_neuron_s_heat_map_is_its_output_over_the_grid():
    rec = moons_mlp()
    reel = build_reel(rec)
    f = 12
    state = rec[reel.epochs[f]].state_dict()
    points = rec.grid.points
    u = next(u for u, info in enumerate(reel.units) if info.name == "L0.N4")
    w = np.array([state["layers.0.neurons.4.w.0"], state["layers.0.neurons.4.w.1"]])
    out = np.maximum(0, points @ w + state["layers.0.neurons.4.b"]).reshape(20, 20)
    pooled = out if out.shape[0] == THUMB else out.reshape(THUMB, 1, THUMB, 1).mean((1, 3))
    np.testing.assert_allclose(reel.images[f, u], pooled, rtol=1e-12, atol=1e-12)
    x1 = next(u for u, info in enumerate(reel.units) if info.name == "x1")
    np.testing.assert_array_equal(reel.images[f, x1], points[:, 1].reshape(20, 20))
    assert reel.image_scale[u] == np.abs(reel.images[:, u]).max()


def test_the_prediction_is_the_model_s_probability_of_class_1_on_the_grid():
    rec = moons_mlp()
    reel = build_reel(rec)
    for f in (0, reel.frames - 1):
        model = rec[reel.epochs[f]].model
        expected = predict_proba(model, rec.grid.points).reshape(20, 20)
        np.testing.assert_allclose(reel.boundary[f], expected, rtol=1e-12)
    assert reel.boundary_kind == "probability"
    assert reel.extent == (rec.grid.xs[0], rec.grid.xs[-1], rec.grid.ys[0], rec.grid.ys[-1])


def test_statistics_are_each_unit_s_mean_output_and_inactive_share():
    rec = cancer_mlp()
    reel = build_reel(rec)
    assert reel.mode == "stats" and reel.images is None and reel.boundary is None
    f = reel.frames - 1
    state = rec[reel.epochs[f]].state_dict()
    X = rec.data[0]
    for j in (0, 5):
        w = np.array([state[f"layers.0.neurons.{j}.w.{i}"] for i in range(30)])
        out = np.maximum(0, X @ w + state[f"layers.0.neurons.{j}.b"])
        u = next(u for u, info in enumerate(reel.units) if info.name == f"L0.N{j}")
        assert reel.stats[f, u, 0] == pytest.approx(out.mean(), rel=1e-12, abs=1e-15)
        assert reel.stats[f, u, 1] == np.mean(out <= 0)
    x3 = next(u for u, info in enumerate(reel.units) if info.name == "x3")
    assert reel.stats[f, x3, 0] == pytest.approx(X[:, 3].mean()) and reel.stats[f, x3, 1] == 0


def test_an_rnn_s_frames_hold_the_gradient_reaching_each_time_step():
    rec = rnn()
    reel = build_reel(rec)
    assert reel.steps_norms.shape == (reel.frames, 6)
    for f in (0, reel.frames - 1):
        model = rec[reel.epochs[f]].model
        X, y = rec.data
        loss = losses.bce_with_logits(model(batch(X)), y)
        np.testing.assert_allclose(reel.steps_norms[f], model.gradient_norms(loss), rtol=1e-12)
    assert any(w.shared for w in reel.weights)  # W_hh and W_xh, drawn at every step


def test_batch_norm_s_running_statistics_and_the_best_epoch():
    rec = bn_dropout()
    reel = build_reel(rec)
    assert rec.best_epoch is not None and reel.best == rec.best_epoch
    assert set(reel.running) == {"layers.1 mean", "layers.1 var"}
    f = reel.frames - 1
    state = rec[reel.epochs[f]].state_dict()
    np.testing.assert_array_equal(reel.running["layers.1 mean"][f],
                                  [state[f"layers.1.running_mean.{j}"] for j in range(5)])
    assert [u.activation for u in reel.units if u.kind == "block"][:2] == ["BN", "BN"]
    assert any("dropout" in note for note in reel.notes)
    with no_grad():  # the frame's prediction: the model in eval mode, running statistics
        model = rec[reel.epochs[f]].model
        out = model(batch(rec.grid.points)).data
    np.testing.assert_allclose(reel.boundary[f].ravel(), sigmoid(out), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(RECORDINGS))
def test_every_course_model_makes_a_reel_whose_curves_run_over_every_epoch(name):
    rec = RECORDINGS[name]()
    reel = build_reel(rec, frames=5)
    assert reel.frames <= 5 and reel.epochs[0] == 0 and reel.epochs[-1] == rec.epochs[-1]
    assert reel.span == (0, rec.epochs[-1])
    assert reel.series["train_loss"] == rec.series("train_loss")
    assert reel.weight_values.shape == (reel.frames, len(reel.weights)) and reel.weights


def test_pick_frames_spreads_them_evenly_and_keeps_the_ends_and_the_best():
    epochs = list(range(101))
    assert pick_frames(epochs, 11) == list(range(0, 101, 10))
    picked = pick_frames(epochs, 11, (37,))
    assert len(picked) == 11 and {0, 37, 100} <= set(picked)
    assert pick_frames(epochs[:5], 11) == epochs[:5]


def test_bad_input_is_refused_clearly():
    with pytest.raises(TypeError, match="Recorder"):
        build_reel([1, 2])
    with pytest.raises(ValueError, match="recorder is empty"):
        build_reel(Recorder())
    with pytest.raises(ValueError, match="frames must be"):
        build_reel(moons_mlp(), frames=0)
    with pytest.raises(ValueError, match="epoch 999 is not in this film"):
        build_reel(moons_mlp()).frame_of(999)


def test_a_hinge_loss_s_prediction_is_the_score_itself_not_a_probability():
    from sklearn.datasets import make_moons

    from autograd import nn, optim
    from autograd.training import fit, outputs_of

    X, y = make_moons(40, noise=0.1, random_state=0)
    model = nn.MLP(2, [4, 1], seed=0)
    rec = Recorder(grid=10)
    fit(model, losses.hinge, optim.SGD(model.parameters(), lr=0.1), X, 2 * y - 1, epochs=3,
        verbose=False, record=rec)
    reel = build_reel(rec)
    assert reel.boundary_kind == "output"
    np.testing.assert_allclose(reel.boundary[-1].ravel(), outputs_of(rec[3].model,
                                                                     rec.grid.points))
