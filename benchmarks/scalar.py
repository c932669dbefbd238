"""Scalar-graph workloads: the micrograd MLP and a long chain of scalar ops.

Both measure the engine's per-op Python overhead, the cost that dominates
when every node of the graph holds one number. The floor is plain Python
floats with a hand-written backward; the peers are micrograd (the classic
pure-Python scalar engine) and PyTorch's eager mode on 0-d tensors. All
variants compute in float64 from the same data and the same initial
weights, so their results agree to rounding.
"""

from __future__ import annotations

import gc
import itertools
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.workload import Skip, Target, Workload, register

# ------------------------------------------------------------- shared inputs

MLP_SIZES = (2, 16, 16, 1)  # inputs, two ReLU hidden layers, one linear output
LEARNING_RATE = 0.05


def two_moons(n: int, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """`n` points of two interleaved half circles with a little noise; labels -1 and +1."""
    rng = np.random.default_rng(seed)
    upper = n // 2
    angle = rng.uniform(0.0, np.pi, n)
    points = np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (n, 2)
    points[upper:] = 1.0 - points[upper:] - np.array([0.0, 0.5])  # the lower moon, shifted
    points += rng.normal(0.0, 0.1, points.shape)
    labels = np.where(np.arange(n) < upper, -1.0, 1.0)
    return points.tolist(), labels.tolist()


def mlp_init(seed: int = 1) -> list[tuple[list[list[float]], list[float]]]:
    """Initial weights shared by every variant: per layer, (weight rows (out, in), biases).

    micrograd's scheme: weights uniform in [-1, 1], biases zero.
    """
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in itertools.pairwise(MLP_SIZES):
        weight = rng.uniform(-1.0, 1.0, (n_out, n_in))  # (out, in)
        layers.append((weight.tolist(), [0.0] * n_out))
    return layers


def mlp_ops(points: int) -> int:
    """Graph ops of one scalar_mlp step: per neuron one mul and one add per input,
    a ReLU on hidden units; per point a sub, a square and an add into the sum; one mean."""
    per_point = 3
    for i, (n_in, n_out) in enumerate(itertools.pairwise(MLP_SIZES)):
        hidden = i < len(MLP_SIZES) - 2
        per_point += n_out * (2 * n_in + hidden)
    return per_point * points + 1


def _number(value: Any) -> float:
    """A Tensor's or a micrograd Value's number."""
    return float(value.item()) if hasattr(value, "item") else float(value.data)


def _scalar_mlp_step(params, forward, inputs, labels, zero_grad, update) -> Callable[[], Any]:
    """The step every graph-building variant shares: mean squared error, backward, SGD."""

    def step():
        losses = []
        for x, y in zip(inputs, labels):
            losses.append((forward(x) - y) ** 2)
        loss = sum(losses) * (1.0 / len(losses))
        zero_grad()
        loss.backward()
        update()
        return _number(loss), [_number(p) for p in params[-17:]]  # the output neuron

    return step


SCALAR_MLP = register(
    Workload(
        "scalar_mlp",
        "micrograd's scalar MLP 2-16-16-1 on 100 two-moons points: MSE, backward, SGD",
        floor="python",
        sizes=(100,),
        test_size=6,
        ops_per_step=mlp_ops,
        size_label="points",
        warmup=1,
        min_repeats=3,
        budget_s=3.0,
        rtol=1e-7,
        targets=(Target("micrograd", 0.5),),
    )
)


def _scalar_network(
    scalar: Callable[..., Any], points: int
) -> tuple[list[Any], Callable[[list[Any]], Any], list[list[Any]], list[float]]:
    """The MLP built neuron by neuron from 0-d values made by `scalar(value, requires_grad)`:
    (parameters, forward, inputs, targets), shared by the tensor frameworks' variants."""
    layers = [
        [([scalar(w, True) for w in row], scalar(b, True)) for row, b in zip(weight, bias)]
        for weight, bias in mlp_init()
    ]
    params = [p for layer in layers for ws, b in layer for p in [*ws, b]]
    xs, ys = two_moons(points)
    inputs = [[scalar(v) for v in x] for x in xs]

    def forward(x: list[Any]) -> Any:
        for i, layer in enumerate(layers):
            # each neuron as micrograd writes it: b + w0*x0 + w1*x1 + ...
            x = [sum((w * xi for w, xi in zip(ws, x)), b) for ws, b in layer]
            if i < len(layers) - 1:
                x = [a.relu() for a in x]
        return x[0]

    return params, forward, inputs, ys


@SCALAR_MLP.variant("autograd_core")
def _mlp_autograd_core(points: int) -> Callable[[], Any]:
    import autograd_core as ag

    def scalar(value: float, requires_grad: bool = False) -> ag.Tensor:
        return ag.Tensor(np.float64(value), requires_grad=requires_grad)  # 0-d, float64

    params, forward, inputs, ys = _scalar_network(scalar, points)

    def zero_grad():
        for p in params:
            p.grad = None

    @ag.no_grad()
    def update():
        for p in params:
            p -= LEARNING_RATE * p.grad  # in place, as in PyTorch

    return _scalar_mlp_step(params, forward, inputs, ys, zero_grad, update)


def _micrograd_mlp(points: int) -> Callable[[], Any]:
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(MLP_SIZES[0], list(MLP_SIZES[1:]))  # ReLU hidden neurons, a linear output
    for layer, (weight, bias) in zip(model.layers, mlp_init()):
        for neuron, row, b in zip(layer.neurons, weight, bias):
            for w, value in zip(neuron.w, row):
                w.data = value
            neuron.b.data = b
    params = model.parameters()
    xs, ys = two_moons(points)
    inputs = [[Value(v) for v in x] for x in xs]

    def update():
        for p in params:
            p.data -= LEARNING_RATE * p.grad

    return _scalar_mlp_step(params, model, inputs, ys, model.zero_grad, update)


@SCALAR_MLP.variant("micrograd", requires="micrograd")
def _mlp_micrograd(points: int) -> Callable[[], Any]:
    return _micrograd_mlp(points)


@SCALAR_MLP.variant("micrograd-nogc", requires="micrograd")
def _mlp_micrograd_nogc(points: int) -> Callable[[], Any]:
    # micrograd's closures make reference cycles, so Python's cyclic GC runs all
    # through its step; with it off (the harness then collects between steps,
    # outside the clock) what remains is micrograd's own cost. For information.
    gc.disable()
    return _micrograd_mlp(points)


@SCALAR_MLP.variant("torch", requires="torch")
def _mlp_torch(points: int) -> Callable[[], Any]:
    import torch

    def scalar(value: float, requires_grad: bool = False) -> torch.Tensor:
        return torch.tensor(value, dtype=torch.float64, requires_grad=requires_grad)

    params, forward, inputs, ys = _scalar_network(scalar, points)

    def zero_grad():
        for p in params:
            p.grad = None

    def update():
        with torch.no_grad():
            for p in params:
                p -= LEARNING_RATE * p.grad

    return _scalar_mlp_step(params, forward, inputs, ys, zero_grad, update)


@SCALAR_MLP.variant("python")
def _mlp_python(points: int) -> Callable[[], Any]:
    layers = [([list(row) for row in weight], list(bias)) for weight, bias in mlp_init()]
    xs, ys = two_moons(points)
    last = len(layers) - 1

    def step():
        grads = [([[0.0] * len(row) for row in w], [0.0] * len(b)) for w, b in layers]
        total = 0
        saved = []  # per point: the activations entering each layer, and each layer's output
        for x, y in zip(xs, ys):
            acts = [x]
            for i, (weight, bias) in enumerate(layers):
                out = []
                for row, b in zip(weight, bias):
                    z = b
                    for w, a in zip(row, acts[-1]):
                        z = z + w * a
                    out.append(z if i == last or z > 0 else 0.0)
                acts.append(out)
            diff = acts[-1][0] - y
            total = total + diff**2
            saved.append((acts, diff))
        scale = 1.0 / len(xs)
        loss = total * scale
        for acts, diff in saved:  # backward, by hand: dL/ds = 2 (s - y) / n
            upstream = [2 * diff * scale]
            for i in range(last, -1, -1):
                weight = layers[i][0]
                d_weight, d_bias = grads[i]
                below = acts[i]
                if i != last:  # ReLU: pass the gradient where the output is positive
                    upstream = [g if a > 0 else 0.0 for g, a in zip(upstream, acts[i + 1])]
                d_below = [0.0] * len(below)
                for j, g in enumerate(upstream):
                    d_bias[j] += g
                    row, d_row = weight[j], d_weight[j]
                    for k, a in enumerate(below):
                        d_row[k] += g * a
                        d_below[k] += g * row[k]
                upstream = d_below
        for (weight, bias), (d_weight, d_bias) in zip(layers, grads):  # SGD
            for row, d_row in zip(weight, d_weight):
                for k, g in enumerate(d_row):
                    row[k] -= LEARNING_RATE * g
            for j, g in enumerate(d_bias):
                bias[j] -= LEARNING_RATE * g
        weight, bias = layers[-1]
        return loss, [*weight[0], bias[0]]

    return step


# ----------------------------------------------------------------- the chain

CHAIN = register(
    Workload(
        "chain",
        "a chain of n scalar ops on one 0-d tensor (y = y*c + d, n/2 times), forward+backward",
        floor="python",
        sizes=(10**3, 10**4, 10**5, 10**6),
        quick_sizes=(10**3, 10**4),
        test_size=100,
        ops_per_step=lambda n: n,
        size_label="ops",
        warmup=1,
        min_repeats=3,
        budget_s=2.0,
        rtol=1e-9,
        targets=(Target("torch", 0.5, 10**4),),
    )
)


def chain_constants(n: int) -> tuple[float, float]:
    """c and d such that y stays near 0.5 and dy/dx = c**(n/2) ~ 1/e over the chain."""
    return 1.0 - 2.0 / n, 1.0 / n


@CHAIN.variant("autograd_core")
def _chain_autograd_core(n: int) -> Callable[[], Any]:
    import autograd_core as ag

    c, d = chain_constants(n)
    x = ag.Tensor(np.float64(1.0), requires_grad=True)

    def step():
        x.grad = None
        y = x
        for _ in range(n // 2):
            y = y * c + d
        y.backward()
        return float(y), float(x.grad)

    return step


@CHAIN.variant("torch", requires="torch")
def _chain_torch(n: int) -> Callable[[], Any]:
    import torch

    c, d = chain_constants(n)
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)

    def step():
        x.grad = None
        y = x
        for _ in range(n // 2):
            y = y * c + d
        y.backward()
        return y.item(), x.grad.item()

    return step


@CHAIN.variant("micrograd", requires="micrograd")
def _chain_micrograd(n: int) -> Callable[[], Any]:
    if n > 10**4:
        raise Skip("recursive topological sort: RecursionError from 10^4 ops on")
    from micrograd.engine import Value

    # NOTE: micrograd's backward recurses once per node; Python's default limit (1000)
    # stops even the 10^3 chain, so allow 10^3 with room to spare, as its users do.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    c, d = chain_constants(n)
    x = Value(1.0)

    def step():
        x.grad = 0
        y = x
        for _ in range(n // 2):
            y = y * c + d
        y.backward()
        return y.data, x.grad

    return step


@CHAIN.variant("python")
def _chain_python(n: int) -> Callable[[], Any]:
    c, d = chain_constants(n)

    def step():
        y = 1.0
        for _ in range(n // 2):
            y = y * c + d
        grad = 1.0  # backward by hand: each add passes the gradient, each mul scales it by c
        for _ in range(n // 2):
            grad = grad * c
        return y, grad

    return step
