"""The whole machine-learning process, end to end: ``python -m viz.demo`` (``make demo``).

1. The problem: tell malignant from benign tumours (Wisconsin diagnostic breast cancer data).
2. The data: 569 samples, 30 features, from ``sklearn.datasets.load_breast_cancer``;
   malignant is the positive class, label 1 (scikit-learn codes it 0, so we flip it).
3. Preprocessing and split: 70% training, 10% validation, 20% test (stratified, two
   ``train_test_split`` calls); a ``StandardScaler`` fitted on the training set only.
4. Training: an MLP, by mini-batch gradient descent with Adam, an L2 penalty and
   early stopping on the validation loss.
5. Evaluation: accuracy, precision, recall and F1 (``sklearn.metrics``) on train,
   validation and test.
6. Prediction: a few test rows, with the predicted probability.
7. Pictures in ``out/``: the loss curve, the confusion matrix, the film of the
   training (a page to play and open, and an animated GIF), a two-moons decision
   boundary and the film of that network learning it, and the course's backprop
   example f = (x + y) z as a diagram (SVG) and a step-by-step page (HTML).

The demo is an application of both packages: it lives in ``viz``, since ``autograd``
never imports ``viz``. It needs the ``ml`` extra (scikit-learn, matplotlib):
``check_imports`` says so before anything runs, which is why scikit-learn is imported
inside the functions that use it.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np

from autograd import losses, nn, optim, regularizers
from autograd.engine import Value
from autograd.language import LANGUAGES, language, tr
from autograd.scores import score_name
from autograd.training import EarlyStopping, History, Recorder, fit, predict, predict_proba
from viz.common.text import text_width

# What the demo needs beyond the core package: the `ml` extra (import name, package name).
NEEDS = {"matplotlib": "matplotlib", "sklearn": "scikit-learn"}


def check_imports() -> None:
    """Exit with one line naming the extra to install if a module the demo needs is missing,
    before the demo prints or writes anything."""
    missing = [package for module, package in NEEDS.items()
               if importlib.util.find_spec(module) is None]
    if missing:
        raise SystemExit(f"The demo needs {' and '.join(missing)}, which the ml extra brings: "
                         f'pip install "autograd-viz[ml]" (in a clone: pip install -e ".[ml]")')


def _table(rows: dict[str, dict[str, float]]) -> str:
    names = {name: score_name(name) for name in ("accuracy", "precision", "recall", "f1")}
    splits = {"train": tr("train"), "validation": tr("validation"), "test": tr("test")}

    def right(text: str, width: int) -> str:  # a Hangul character takes two columns
        return " " * (width - text_width(text)) + text

    lines = [" " * 12 + "".join(right(said, 11) for said in names.values())]
    for split, scores in rows.items():
        lines.append(splits[split] + " " * (12 - text_width(splits[split]))
                     + "".join(f"{scores[n]:>11.3f}" for n in names))
    return "\n".join(lines)


def _scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """The four scores of class 1 (malignant), by ``sklearn.metrics``."""
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    return {"accuracy": accuracy_score(y_true, y_pred),
            "precision": precision_score(y_true, y_pred),
            "recall": recall_score(y_true, y_pred),
            "f1": f1_score(y_true, y_pred)}


def seed_example() -> Value:
    """The course's example: f = (x + y) z at x = -2, y = 5, z = -4, after backward."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    return f


def breast_cancer_splits(seed: int = 0) -> tuple[np.ndarray, ...]:
    """Steps 2-3 of the demo: load, split 70/10/20 (stratified), z-score with the
    training statistics only. Labels: 1 = malignant (the positive class), 0 = benign.
    Returns ``(Xtr, Xva, Xte, ytr, yva, yte)``."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, target = load_breast_cancer(return_X_y=True)
    y = 1 - target  # scikit-learn codes malignant as 0; the finding we look for is class 1
    # 20% for the test set, then 10% of all (12.5% of the rest) for validation
    Xrest, Xte, yrest, yte = train_test_split(X, y, test_size=0.2, stratify=y,
                                              random_state=seed)
    Xtr, Xva, ytr, yva = train_test_split(Xrest, yrest, test_size=0.125, stratify=yrest,
                                          random_state=seed)
    scaler = StandardScaler().fit(Xtr)
    return scaler.transform(Xtr), scaler.transform(Xva), scaler.transform(Xte), ytr, yva, yte


def train_breast_cancer(splits: tuple[np.ndarray, ...], epochs: int = 200, seed: int = 0,
                        verbose: bool = False, record: Recorder | None = None
                        ) -> tuple[nn.MLP, History]:
    """Step 4 of the demo: ``MLP(30, [16, 1])`` with Adam, an L2 penalty and early
    stopping on the validation split, recorded by ``record`` when given. Returns the
    trained model and its History."""
    Xtr, Xva, _, ytr, yva, _ = splits
    model = nn.MLP(30, [16, 1], seed=seed)
    history = fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.01),
                  Xtr, ytr, val=(Xva, yva), epochs=epochs, batch_size=32,
                  regularizer=lambda params: regularizers.l2(params, 1e-3),
                  early_stopping=EarlyStopping(patience=15, restore_best=True),
                  seed=seed, verbose=verbose, record=record)
    return model, history


def main(argv: list[str] | None = None) -> dict[str, Path]:
    parser = argparse.ArgumentParser(prog="python -m viz.demo",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=200, help="most epochs to train")
    parser.add_argument("--out", default="out", help="folder for the pictures (default out/)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the language of the pictures and of what the demo prints "
                             "(default: en)")
    args = parser.parse_args(argv)
    check_imports()
    with language(args.lang):
        return _run(args)


def _run(args: argparse.Namespace) -> dict[str, Path]:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    print(tr("1-2. Problem and data: Wisconsin diagnostic breast cancer (569 samples, "
             "30 features)"))
    splits = breast_cancer_splits(args.seed)
    Xtr, Xva, Xte, ytr, yva, yte = splits
    y = np.concatenate([ytr, yva, yte])
    print("     " + tr("{positive} {malignant} (label 1), {negative} benign (label 0)",
                       positive=int(y.sum()), malignant=tr("malignant"),
                       negative=int(len(y) - y.sum())))

    print(tr("3.   Split 70/10/20 (stratified) and z-score with training statistics only"))
    print("     " + tr("train {train}, validation {validation}, test {test}", train=len(Xtr),
                       validation=len(Xva), test=len(Xte)))

    print(tr("4.   Train MLP(30, [16, 1]) with Adam, L2 penalty and early stopping"))
    film = Recorder()
    model, history = train_breast_cancer(splits, args.epochs, args.seed, verbose=not args.quiet,
                                         record=film)
    kept = "" if history.best_epoch is None else \
        tr("; kept the weights of epoch {epoch}", epoch=history.best_epoch + 1)
    print("     " + tr("{epochs} epochs, {reason}", epochs=history.epochs,
                       reason=history.stop_reason) + kept)

    print(tr("5.   Evaluation"))
    rows = {name: _scores(t, predict(model, Xs)) for name, Xs, t in
            (("train", Xtr, ytr), ("validation", Xva, yva), ("test", Xte, yte))}
    print("     " + _table(rows).replace("\n", "\n     "))

    print(tr("6.   Predictions on the first five test rows"))
    proba = predict_proba(model, Xte[:5])
    for p, label in zip(proba, yte[:5]):
        print("     " + tr("P({malignant}) = {p} -> predicted {predicted}, true {true}",
                           malignant=tr("malignant"), p=f"{p:.3f}", predicted=int(p >= 0.5),
                           true=int(label)))

    print(tr("7.   Pictures"))
    from sklearn.metrics import confusion_matrix

    paths = _pictures(out, history, confusion_matrix(yte, predict(model, Xte), labels=[0, 1]),
                      film, args.seed)
    said = {"loss curve": tr("loss curve"), "confusion matrix": tr("confusion matrix"),
            "training film": tr("training film"), "training film GIF": tr("training film GIF"),
            "moons boundary": tr("moons boundary"), "moons film": tr("moons film"),
            "moons film GIF": tr("moons film GIF"), "backprop diagram": tr("backprop diagram"),
            "backprop stepper": tr("backprop stepper")}
    for name, path in paths.items():
        print(f"     {said[name]}{' ' * max(1, 23 - text_width(said[name]))}{path}")
    print(tr("done in {seconds} s", seconds=f"{time.perf_counter() - started:.1f}"))
    return paths


def _pictures(out: Path, history, cm: np.ndarray, film: Recorder, seed: int
              ) -> dict[str, Path]:
    from sklearn.datasets import make_moons

    import viz
    from autograd import plots

    paths: dict[str, Path] = {}
    fig = plots.plot_history(history)
    paths["loss curve"] = out / "loss_curve.png"
    fig.savefig(paths["loss curve"], dpi=110)
    fig = plots.plot_confusion_matrix(cm, labels=[tr("benign"), tr("malignant")])
    paths["confusion matrix"] = out / "confusion_matrix.png"
    fig.savefig(paths["confusion matrix"], dpi=110)
    # The film of that training: the page opens the chain rule of the first and best epochs.
    held = [0] + ([film.best_epoch] if film.best_epoch else [film.epochs[-1]])
    paths["training film"] = viz.to_html(film, out / "training_film.html", steppers=held,
                                         title=tr("MLP(30, [16, 1]) learning the breast "
                                                  "cancer data"))
    paths["training film GIF"] = viz.save(film, out / "training_film.gif", frames=60)

    X, y = make_moons(100, noise=0.1, random_state=seed)
    moons = nn.MLP(2, [16, 16, 1], seed=seed)
    watched = Recorder()
    fit(moons, losses.hinge, optim.Adam(moons.parameters(), lr=0.05), X, 2 * y - 1,
        epochs=150, verbose=False, record=watched)
    fig = plots.plot_decision_boundary(lambda points: predict(moons, points), X, y)
    paths["moons boundary"] = out / "moons_decision_boundary.png"
    fig.savefig(paths["moons boundary"], dpi=110)
    paths["moons film"] = viz.to_html(watched, out / "moons_film.html", steppers=[0, 150],
                                      title=tr("MLP(2, [16, 16, 1]) learning two moons"))
    paths["moons film GIF"] = viz.save(watched, out / "moons_film.gif", frames=75)

    f = seed_example()
    paths["backprop diagram"] = Path(viz.save(f, out / "seed_backprop.svg"))
    paths["backprop stepper"] = out / "seed_steps.html"
    viz.to_html(f, paths["backprop stepper"])
    return paths


if __name__ == "__main__":
    main()
