"""The demo: backpropagation on the lecture's example, then a CNN learning the 8x8 digits.

Run it with `python -m nn.demo [--out DIR] [--epochs N]`. It

1. computes f(x, y, z) = (x + y) z at (-2, 5, -4), runs backward, prints
   the value and the gradients, and writes the graph (values and gradients
   on every box) as SVG;
2. trains a small LeNet-style network (Conv2d, ReLU, MaxPool2d, Linear) on
   the 8x8 handwritten digits shipped in `nn.data` with Adam, showing a tqdm progress bar,
   and prints the test accuracy;
3. writes the training and test loss curves (PNG, matplotlib's Agg backend)
   and the graph of the network's loss on a small batch, clustered by layer
   (SVG), and prints where the files are.

Plots and progress bars come from the `demo` extra (matplotlib, tqdm; and
pygraphviz to render the graphs without Graphviz's `dot` program); the demo
says how to install it if one is missing. Builds on `autograd_core` (Tensor, viz) and `nn` (layers,
functional, optim, data).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import viz

from . import functional as F  # noqa: N812
from .containers import Sequential
from .data import DataLoader, TensorDataset, load_digits
from .layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU
from .module import Module
from .optim import Adam
from .optim.lr_scheduler import StepLR

EXTRAS = ("matplotlib", "tqdm")  # import names of the `demo` extra's packages that it needs
INSTALL_HINT = 'pip install -e ".[demo]"'


def _grad(tensor: ag.Tensor) -> float:
    """The gradient backward left on `tensor`, as a number."""
    if tensor.grad is None:
        raise RuntimeError("demo: backward left no gradient on an input of the expression")
    return tensor.grad.item()


def missing_extras() -> list[str]:
    """The packages of the `demo` extra that cannot be imported (empty when all are there).

    Examples
    --------
    >>> missing_extras()
    []
    """
    missing = []
    for name in EXTRAS:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


# ------------------------------------------------------------------ the lecture example


def lecture_example() -> tuple[dict[str, float], Any]:
    """f(x, y, z) = (x + y) z at (-2, 5, -4): the value, the gradients, and the drawn graph.

    Returns `(numbers, graph)`: numbers maps "f", "q", "df/dx", "df/dy",
    "df/dz" and "df/dq" to floats (q = x + y keeps its gradient through
    `retain_grad`); graph is the `viz.Digraph` of the expression.

    Examples
    --------
    >>> numbers, graph = lecture_example()
    >>> numbers["f"], numbers["df/dx"], numbers["df/dz"]
    (-12.0, -4.0, 3.0)
    """
    x = ag.tensor(-2.0, requires_grad=True, name="x")
    y = ag.tensor(5.0, requires_grad=True, name="y")
    z = ag.tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.retain_grad()
    f = q * z
    f.backward()
    numbers = {
        "f": f.item(),
        "q": q.item(),
        **{f"df/d{name}": _grad(t) for name, t in (("x", x), ("y", y), ("z", z), ("q", q))},
    }
    graph = viz.draw_graph(f, names={"q": q, "f": f})
    return numbers, graph


# ------------------------------------------------------------------ the digits CNN


def build_model() -> Sequential:
    """A LeNet-style network for (N, 1, 8, 8) digits: two conv-ReLU-pool stages and a classifier.

    Examples
    --------
    >>> import autograd_core as ag
    >>> build_model()(ag.zeros((2, 1, 8, 8))).shape
    (2, 10)
    """
    return Sequential(
        Conv2d(1, 8, kernel_size=3, padding=1),  # (N, 1, 8, 8) -> (N, 8, 8, 8)
        ReLU(),
        MaxPool2d(2),  # -> (N, 8, 4, 4)
        Conv2d(8, 16, kernel_size=3, padding=1),  # -> (N, 16, 4, 4)
        ReLU(),
        MaxPool2d(2),  # -> (N, 16, 2, 2)
        Flatten(),  # -> (N, 64)
        Linear(64, 10),
    )


@dataclass
class History:
    """What a training run records: loss per batch; test loss and accuracy per epoch."""

    batch_loss: list[float] = field(default_factory=list)
    epoch_end: list[int] = field(default_factory=list)  # batches seen at the end of each epoch
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


def evaluate(model: Module, x: ag.Tensor, y: ag.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of `model` on (x, y), in eval mode and without a graph.

    Examples
    --------
    >>> import autograd_core as ag
    >>> loss, accuracy = evaluate(build_model(), ag.zeros((4, 1, 8, 8)), ag.arange(4))
    >>> 0.0 <= accuracy <= 1.0
    True
    """
    model.eval()
    with ag.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
    accuracy = float(np.mean(np.argmax(np.asarray(logits), axis=1) == np.asarray(y)))
    return loss, accuracy


def train(
    model: Module,
    data: tuple[ag.Tensor, ag.Tensor, ag.Tensor, ag.Tensor],
    epochs: int,
    batch_size: int = 32,
    progress: bool = True,
) -> History:
    """Train `model` with Adam (lr 0.01, divided by 5 every 8 epochs) on (x_train, y_train).

    After each epoch the loss and accuracy on (x_test, y_test) are recorded.
    With `progress`, one tqdm bar counts the batches of the whole run and
    shows the epoch, the last batch's loss and the test accuracy.
    """
    x_train, y_train, x_test, y_test = data
    optimizer = Adam(model.parameters(), lr=0.01)
    scheduler = StepLR(optimizer, step_size=8, gamma=0.2)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    history = History()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=epochs * len(loader), desc="training", unit="batch")
    for epoch in range(1, epochs + 1):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            history.batch_loss.append(loss.item())
            if bar is not None:
                bar.set_postfix(epoch=epoch, loss=f"{loss.item():.3f}", refresh=False)
                bar.update()
        scheduler.step()
        test_loss, test_accuracy = evaluate(model, x_test, y_test)
        history.epoch_end.append(len(history.batch_loss))
        history.test_loss.append(test_loss)
        history.test_accuracy.append(test_accuracy)
        if bar is not None:
            bar.set_postfix(epoch=epoch, loss=f"{loss.item():.3f}", test_acc=f"{test_accuracy:.3f}")
    if bar is not None:
        bar.close()
    return history


def plot_history(history: History, path: Path) -> Path:
    """Write the loss curves (training per batch, test per epoch) and test accuracy as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    steps = np.arange(1, len(history.batch_loss) + 1)
    ax_loss.plot(steps, history.batch_loss, lw=0.6, alpha=0.5, label="training loss (per batch)")
    ax_loss.plot(history.epoch_end, history.test_loss, "o-", label="test loss (per epoch)")
    ax_loss.set(xlabel="batch", ylabel="cross-entropy", yscale="log", title="Loss")
    ax_loss.legend()
    epochs = np.arange(1, len(history.test_accuracy) + 1)
    ax_acc.plot(epochs, 100 * np.asarray(history.test_accuracy), "o-", color="C2")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="Test accuracy")
    ax_acc.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def network_graph(model: Module, x: ag.Tensor, y: ag.Tensor) -> Any:
    """The graph of the cross-entropy of `model` on a small batch, boxed by layer, after backward.

    Edges carry mean |grad| colours (`grad_flow`), so the drawing also shows
    how much gradient reaches each layer: the gradients of this batch alone
    (those left over from training are cleared first).
    """
    model.train()
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    viz.trace_grads(loss)
    return viz.draw_graph(
        loss, model=model, cluster_modules=True, show_values=False, grad_flow=True, rankdir="TB"
    )


# ------------------------------------------------------------------ the command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The demo's options: --out DIR (default ./demo_output) and --epochs N (default 12)."""
    parser = argparse.ArgumentParser(
        prog="python -m nn.demo",
        description="Backpropagation on (x + y) z, then a CNN trained on the 8x8 digits.",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo_output"), help="directory for the files written"
    )
    parser.add_argument("--epochs", type=int, default=12, help="training epochs (default 12)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    return args


def save_drawing(graph: Any, path: Path) -> Path:
    """Write a graph as SVG; with no renderer (dot, pygraphviz), write its DOT text instead."""
    try:
        return viz.save(graph, path)
    except RuntimeError as error:
        fallback = viz.save(graph, path.with_suffix(".dot"))
        print(f"   (no SVG: {error}; wrote the DOT text to {fallback} instead)")
        return fallback


def main(argv: Sequence[str] | None = None) -> None:
    """Run the demo; exits with a message naming the extra to install if one is missing."""
    args = parse_args(argv)
    missing = missing_extras()
    if missing:
        raise SystemExit(
            f"nn.demo needs {', '.join(missing)} (the `demo` extra); install it with: "
            f"{INSTALL_HINT}"
        )
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    ag.manual_seed(0)

    print("1. Backpropagation by hand, done by the engine")
    print("   f(x, y, z) = (x + y) * z at x = -2, y = 5, z = -4, with q = x + y")
    numbers, graph = lecture_example()
    for name, value in numbers.items():
        print(f"   {name:6s} = {value:g}")
    lecture_svg = save_drawing(graph, out / "lecture_graph.svg")

    print("\n2. A convolutional network learns the 8x8 handwritten digits")
    data = load_digits()
    x_train, _, x_test, y_test = data
    print(f"   {x_train.shape[0]} training and {x_test.shape[0]} test images of shape 1x8x8")
    model = build_model()
    print(f"   {model.num_parameters()} parameters")
    start = time.perf_counter()
    history = train(model, data, args.epochs)
    seconds = time.perf_counter() - start
    correct = round(history.test_accuracy[-1] * x_test.shape[0])
    print(
        f"test accuracy: {100 * history.test_accuracy[-1]:.1f}% ({correct}/{x_test.shape[0]}) "
        f"after {args.epochs} epochs in {seconds:.1f} s"
    )
    curve_png = plot_history(history, out / "loss_curve.png")
    network_svg = save_drawing(
        network_graph(model, x_test[:2], y_test[:2]), out / "network_graph.svg"
    )

    print("\nFiles written:")
    for label, path in (
        ("graph of (x + y) * z", lecture_svg),
        ("loss and accuracy curves", curve_png),
        ("graph of the network, by layer", network_svg),
    ):
        print(f"   {label:32s} {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
