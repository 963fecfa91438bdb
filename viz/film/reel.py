"""A film's numbers: what each frame shows, computed by the engine from a ``Recorder``.

For every frame (a recorded epoch) the model is rebuilt from the snapshot's weights
(``Snapshot.model``: evaluation mode, as it predicts) and run once on a *probe*:

- for 2-D inputs, the recorder's grid over the plane: each unit's output there is
  its heat map, and the output unit's is the prediction behind the decision boundary;
- otherwise the training data (at most ``samples`` rows): each unit's mean output and
  the share of samples where it is inactive (a ReLU at 0, a tanh or sigmoid saturated);
  for an RNN also ``||∂loss/∂h_t||`` per time step on that data.

The units and weights are read from that run's graph by the network view's reader
(``viz.network.units``), so a film's neurons are the network view's, with its names.
Beside them: every weight's value and gradient per frame, batch norm's running
statistics, and every epoch's losses, metrics and learning rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Value, batch, topological_order
from autograd.language import tr
from autograd.nn import RNN
from autograd.recorder import Recorder, Snapshot
from viz.network.units import Network, gather, read_neurons

__all__ = ["Reel", "UnitInfo", "WeightInfo", "build_reel", "FRAMES", "SAMPLES", "THUMB",
           "pick_frames"]

FRAMES = 400    # the most frames a film holds unless told: the recording thinned evenly
SAMPLES = 500   # the most training samples a frame's statistics read
THUMB = 20      # a unit's heat map: THUMB x THUMB points of the grid
SATURATED = 0.97  # |tanh| above this (a sigmoid within 0.03 of 0 or 1) passes little gradient


@dataclass
class UnitInfo:
    """One box of the film's network: a unit of the network view."""

    key: str
    name: str
    kind: str             # "input", "neuron" or "block"
    activation: str       # "ReLU", "tanh", "BN", ... ("" for a linear neuron)
    column: int           # its column in the network
    rank: int             # the column's place left to right (an RNN's input shares it)
    index: int            # its place in the column
    bias: str | None = None  # the parameter name of a neuron's bias


@dataclass
class WeightInfo:
    """One weight's line: ``target`` reads ``source`` through the parameter ``name``."""

    source: int
    target: int
    name: str
    shared: bool = False  # the same weight drawn more than once (an RNN's, every step)


@dataclass
class Reel:
    """Everything a film draws, frame by frame (``build_reel``)."""

    epochs: list[int]                 # frame -> epoch
    span: tuple[int, int]             # the epochs the curves run over (the recording's)
    best: int | None                  # the epoch early stopping kept
    mode: str                         # "plane" (heat maps), "stats" or "none" (no data)
    units: list[UnitInfo]
    weights: list[WeightInfo]
    links: list[tuple[int, int]]      # unit -> unit edges that carry no weight
    weight_values: np.ndarray         # (frames, weights)
    weight_grads: np.ndarray          # (frames, weights); NaN where none (epoch 0)
    bias_values: np.ndarray           # (frames, units); NaN for units without a bias
    images: np.ndarray | None = None  # plane: (frames, units, THUMB, THUMB) outputs
    image_scale: np.ndarray | None = None  # plane: (units,) the largest |output| in the film
    boundary: np.ndarray | None = None     # plane: (frames, grid, grid) P(class 1) or output
    boundary_kind: str = ""           # "probability", "classes" or "output"
    extent: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)  # x0, x1, y0, y1
    stats: np.ndarray | None = None   # stats: (frames, units, 2) mean output, inactive share
    steps_norms: np.ndarray | None = None  # an RNN: (frames, steps) ||∂loss/∂h_t||
    running: dict[str, np.ndarray] = field(default_factory=dict)  # a batch norm's
    #   "<layer> mean" / "<layer> var": (frames, features) running statistics
    series: dict[str, tuple[list[int], list[float]]] = field(default_factory=dict)
    points: tuple[np.ndarray, np.ndarray] | None = None     # training (X, y) in the plane
    val_points: tuple[np.ndarray, np.ndarray] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return len(self.epochs)

    def frame_of(self, epoch: int) -> int:
        """The frame that shows ``epoch`` (a ``ValueError`` names the recorded ones)."""
        if epoch in self.epochs:
            return self.epochs.index(epoch)
        raise ValueError(f"epoch {epoch} is not in this film; its epochs run "
                         f"{self.epochs[0]}..{self.epochs[-1]} ({self.frames} frames)")


def pick_frames(epochs: list[int], most: int, keep: tuple[int | None, ...] = ()) -> list[int]:
    """At most ``most`` of ``epochs``, evenly spread, the first and last (and ``keep``)
    always among them."""
    if len(epochs) <= most:
        return list(epochs)
    picked = {epochs[round(i)] for i in np.linspace(0, len(epochs) - 1, most)}
    picked.update(e for e in keep if e is not None and e in epochs)
    while len(picked) > most:  # the kept ones pushed it over: drop the nearest others
        spare = sorted(picked - {epochs[0], epochs[-1], *keep})
        picked.discard(spare[len(spare) // 2])
    return sorted(picked)


def build_reel(rec: Recorder, *, frames: int = FRAMES, samples: int = SAMPLES,
               latest_only: bool = False) -> Reel:
    """The numbers of ``rec``'s film: at most ``frames`` frames (the recording thinned
    evenly, keeping the first, the last and the best epoch); with ``latest_only`` just
    the latest epoch's (a live view's), beside every epoch's curves."""
    if not isinstance(rec, Recorder):
        raise TypeError(f"a film is made from an autograd.training.Recorder, got "
                        f"{type(rec).__name__}")
    if not len(rec):
        raise ValueError("the recorder is empty: pass record=rec to fit, or call "
                         "rec.snapshot(model, epoch=..., loss=...) first")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
        raise ValueError(f"frames must be a whole number >= 1, got {frames!r}")
    epochs = [rec.epochs[-1]] if latest_only else \
        pick_frames(rec.epochs, frames, (rec.best_epoch,))
    shots = [rec[e] for e in epochs]
    twin = shots[0].model
    probe, mode = _probe(rec, samples)
    root, _ = _run(twin, probe)
    net = read_neurons(root)
    units, weights, links = _structure(net, twin)
    reel = Reel(epochs=epochs,
                span=(rec.epochs[0], rec.epochs[-1]),
                best=rec.best_epoch if rec.best_epoch in epochs else None, mode=mode,
                units=units, weights=weights, links=links,
                weight_values=np.empty((len(shots), len(weights))),
                weight_grads=np.full((len(shots), len(weights)), np.nan),
                bias_values=np.full((len(shots), len(units)), np.nan),
                series={name: rec.series(name) for name in rec.series_names})
    _weights_and_running(reel, rec, shots)
    if mode != "none":
        _pictures(reel, rec, shots, twin, probe, _places(net, root))
    if any(getattr(m, "p", None) for _, m in twin.named_modules()
           if type(m).__name__ == "Dropout"):
        reel.notes.append(tr("dropout is active only in training: the pictures show the "
                             "model as it predicts (evaluation mode)"))
    return reel


# -- the probe and the network -------------------------------------------------------

def _probe(rec: Recorder, samples: int) -> tuple[np.ndarray | None, str]:
    if rec.grid is not None:
        return rec.grid.points, "plane"
    if rec.data is not None:
        return rec.data[0][:samples], "stats"
    return None, "none"


def _run(model: Any, probe: np.ndarray | None) -> tuple[Value, Any]:
    """The model on the probe, as ``fit`` calls it (one batch Value per column), with no
    probe on two samples of zeros (as ``viz.draw(model)`` reads an architecture): a root
    whose graph holds every output (their sum, for several), and the outputs."""
    if probe is None:
        size = next((getattr(m, a) for _, m in model.named_modules()
                     for a in ("nin", "input_size", "num_features") if hasattr(m, a)), 1)
        probe = np.zeros((2, 3 if isinstance(model, RNN) else size))
    out = model(batch(probe))
    outputs = out if isinstance(out, list) else [out]
    return (outputs[0] if len(outputs) == 1 else sum(outputs[1:], outputs[0])), out


def _places(net: Network, root: Value, keys: list[str] | None = None
            ) -> tuple[list[list[int]], int]:
    """Where each unit's outputs sit in the graph's topological order (the units of
    ``keys``, in that order, when given). Every frame runs the same model on the same
    probe, so its graph has the same shape and a unit's outputs the same places: the
    network is read once, not once per frame."""
    order = topological_order(root)
    place = {v: i for i, v in enumerate(order)}
    units = {u.key: u for column in net.columns for u in column}
    chosen = [units[k] for k in keys] if keys is not None else list(units.values())
    return [[place[v] for v in unit.outputs] for unit in chosen], len(order)


def _structure(net: Network, twin: Any
               ) -> tuple[list[UnitInfo], list[WeightInfo], list[tuple[int, int]]]:
    names = {id(p): n for n, p in twin.named_parameters()}
    index: dict[int, int] = {}
    units: list[UnitInfo] = []
    for c, column in enumerate(net.columns):
        for unit in column:
            index[id(unit)] = len(units)
            bias = names.get(id(unit.bias)) if unit.bias is not None else None
            units.append(UnitInfo(unit.key, unit.name, unit.kind, unit.activation, c,
                                  net.ranks[c], unit.index, bias))
    uses: dict[int, int] = {}
    for w in net.weights:
        uses[id(w.w)] = uses.get(id(w.w), 0) + 1
    weights = [WeightInfo(index[id(w.source)], index[id(w.target)], names[id(w.w)],
                          uses[id(w.w)] > 1) for w in net.weights]
    links = [(index[id(s)], index[id(t)]) for s, t in net.links
             if id(s) in index and id(t) in index]
    return units, weights, links


# -- per frame ---------------------------------------------------------------------------

def _weights_and_running(reel: Reel, rec: Recorder, shots: list[Snapshot]) -> None:
    where = {name: i for i, name in enumerate(rec.names)}
    w_at = [where[w.name] for w in reel.weights]
    b_at = [(u, where[info.bias]) for u, info in enumerate(reel.units) if info.bias]
    running: dict[str, list[int]] = {}
    for i, name in enumerate(rec.names):
        for stat in ("running_mean", "running_var"):
            if f"{stat}." in name:
                layer = name.split(f".{stat}.")[0] if f".{stat}." in name else "bn"
                running.setdefault(f"{layer} {stat.split('_')[1]}", []).append(i)
    for f, shot in enumerate(shots):
        reel.weight_values[f] = shot.values[w_at]
        if shot.grads is not None:
            reel.weight_grads[f] = shot.grads[w_at]
        for u, i in b_at:
            reel.bias_values[f, u] = shot.values[i]
    reel.running = {key: np.array([[s.values[i] for i in at] for s in shots])
                    for key, at in running.items()}


def _pictures(reel: Reel, rec: Recorder, shots: list[Snapshot], twin: Any,
              probe: np.ndarray, places: tuple[list[list[int]], int]) -> None:
    """Each frame's heat maps and prediction (plane) or statistics (stats)."""
    places, size_of_graph = places
    n, count = len(shots), len(places)
    plane = reel.mode == "plane"
    if plane:
        size = rec.grid.size
        reel.images = np.zeros((n, count, THUMB, THUMB))
        reel.boundary = np.zeros((n, size, size))
        xs, ys = rec.grid.xs, rec.grid.ys
        reel.extent = (float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1]))
        reel.points = rec.data
        reel.val_points = rec.val
    else:
        reel.stats = np.zeros((n, count, 2))
    recurrent = isinstance(twin, RNN) and rec.loss_fn is not None
    if recurrent:
        reel.steps_norms = np.zeros((n, probe.shape[1]))
    target = rec.data[1][:len(probe)] if rec.data is not None else None
    for f, shot in enumerate(shots):
        twin.load_state_dict(shot.state_dict())
        root, out = _run(twin, probe)
        order = topological_order(root)
        if len(order) != size_of_graph:  # another shape (a model that branches on its
            # data): read this frame's network
            places, size_of_graph = _places(read_neurons(root), root,
                                            [u.key for u in reel.units])
        for u, at in enumerate(places):
            data = _unit_data([order[i] for i in at], len(probe))
            if plane:
                reel.images[f, u] = _thumb(data.reshape(size, size))
            else:
                reel.stats[f, u] = (float(np.mean(data)),
                                    _inactive(data, reel.units[u].activation))
        if plane:
            reel.boundary[f], reel.boundary_kind = _prediction(out, rec.loss_fn, size)
        if recurrent:
            reel.steps_norms[f] = twin.gradient_norms(rec.loss_fn(out, target))
    if plane:
        reel.image_scale = np.abs(reel.images).max(axis=(0, 2, 3))


def _unit_data(outputs: list[Value], n: int) -> np.ndarray:
    """A unit's value for each of the probe's n samples."""
    return np.broadcast_to(np.asarray(gather([v.data for v in outputs]), dtype=float), (n,))


def _thumb(image: np.ndarray) -> np.ndarray:
    """The grid's values at THUMB x THUMB points (averaged over blocks when it divides)."""
    size = image.shape[0]
    if size % THUMB == 0:
        k = size // THUMB
        return image.reshape(THUMB, k, THUMB, k).mean(axis=(1, 3))
    at = np.rint(np.linspace(0, size - 1, THUMB)).astype(int)
    return image[np.ix_(at, at)]


def _inactive(data: np.ndarray, activation: str) -> float:
    """The share of samples where the unit passes (almost) no gradient back."""
    if activation == "ReLU":
        return float(np.mean(data <= 0))
    if activation == "tanh":
        return float(np.mean(np.abs(data) > SATURATED))
    if activation == "sigmoid":
        return float(np.mean((data < 1 - SATURATED) | (data > SATURATED)))
    return 0.0


def _prediction(out: Any, loss_fn: Any, size: int) -> tuple[np.ndarray, str]:
    """The model's prediction on the grid: P(class 1) where the loss reads the output as a
    logit (``bce_with_logits``), the class for several outputs, otherwise the output itself
    (a hinge loss's score, a regression's value)."""
    columns = out if isinstance(out, list) else [out]
    scores = np.stack([np.broadcast_to(np.asarray(v.data, dtype=float), (size * size,))
                       for v in columns])
    if len(columns) > 1:
        return scores.argmax(axis=0).reshape(size, size).astype(float), "classes"
    scores = scores[0].reshape(size, size)
    loss = getattr(loss_fn, "__name__", "")
    if loss == "bce_with_logits":
        return 0.5 * (1.0 + np.tanh(0.5 * scores)), "probability"
    return scores, "output"
