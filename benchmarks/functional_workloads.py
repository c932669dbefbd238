"""Derivative-as-function workloads: one gradient and one Hessian-vector product of an MLP loss.

The model is a tanh MLP 256 -> 384 -> 10 (102,538 parameters) with a
squared-error loss on a batch of 64, all in float64. The `grad` size times
the gradient w.r.t. every parameter; the `hvp` size times H v for a fixed
random direction v (reverse over reverse: the gradient recorded with
create_graph, then the gradient of <grad, v>). Comparing the two rows of
autograd_core gives the cost of an hvp in gradients; it should be a small
constant (<= 4x), whatever the number of parameters.

The floor is numpy by hand: the backward pass and, for H v, Pearlmutter's
R-operator (the directional derivative of every forward and backward
quantity along v), written out below. PyTorch runs the same double
backward with `torch.autograd.grad`. Every variant returns the gradient or
H v, so the smoke test checks that all three agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.workload import Workload, register

SIZES = (256, 384, 10)  # inputs, tanh hidden units, outputs
BATCH = 64

HVP = register(
    Workload(
        "hvp",
        "tanh MLP 256-384-10 (1e5 params, float64, batch 64): gradient vs Hessian-vector product",
        floor="numpy",
        sizes=("grad", "hvp"),
        test_size="hvp",
        size_label="product",
        rtol=1e-9,
        atol=1e-12,
    )
)


def problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Data x (B, D), targets y (B, O), parameters [W1, b1, W2, b2] and a direction v like them."""
    rng = np.random.default_rng(seed)
    d, h, o = SIZES
    x = rng.normal(size=(BATCH, d))
    y = rng.normal(size=(BATCH, o))
    params = [
        rng.normal(size=(h, d)) / np.sqrt(d),  # W1 (out, in)
        rng.normal(size=h) * 0.1,  # b1
        rng.normal(size=(o, h)) / np.sqrt(h),  # W2
        rng.normal(size=o) * 0.1,  # b2
    ]
    direction = [rng.normal(size=p.shape) for p in params]
    return x, y, params, direction


@HVP.variant("numpy")
def _numpy(product: str) -> Any:
    x, y, (w1, b1, w2, b2), (v1, c1, v2, c2) = problem()

    def gradient() -> tuple[np.ndarray, ...]:
        h = np.tanh(x @ w1.T + b1)  # (B, H)
        dz = (h @ w2.T + b2 - y) / BATCH  # dL/dz, (B, O)
        da = (dz @ w2) * (1 - h * h)  # dL/da through tanh, (B, H)
        return da.T @ x, da.sum(0), dz.T @ h, dz.sum(0)

    def hessian_vector() -> tuple[np.ndarray, ...]:
        # R{q} = d/dt q(params + t v) at t = 0, for every quantity q of the two passes.
        h = np.tanh(x @ w1.T + b1)
        slope = 1 - h * h
        dz = (h @ w2.T + b2 - y) / BATCH
        dh = dz @ w2
        r_h = slope * (x @ v1.T + c1)
        r_dz = (r_h @ w2.T + h @ v2.T + c2) / BATCH
        r_dh = r_dz @ w2 + dz @ v2
        r_da = r_dh * slope - 2 * dh * h * r_h
        return r_da.T @ x, r_da.sum(0), r_dz.T @ h + dz.T @ r_h, r_dz.sum(0)

    return gradient if product == "grad" else hessian_vector


@HVP.variant("autograd_core")
def _autograd_core(product: str) -> Any:
    import autograd_core as ag

    x, y, params, direction = problem()
    data, targets = ag.Tensor(x), ag.Tensor(y)
    params = tuple(ag.Tensor(p) for p in params)
    direction = tuple(ag.Tensor(v) for v in direction)

    def loss(w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
        h = ag.tanh(data @ w1.T + b1)
        error = h @ w2.T + b2 - targets
        return (error * error).sum() * (0.5 / BATCH)

    gradient_fn = ag.grad(loss, argnums=(0, 1, 2, 3))

    def gradient() -> tuple[np.ndarray, ...]:
        return tuple(np.asarray(g) for g in gradient_fn(*params))

    def hessian_vector() -> tuple[np.ndarray, ...]:
        return tuple(np.asarray(p) for p in ag.hvp(loss, params, direction)[1])

    return gradient if product == "grad" else hessian_vector


@HVP.variant("torch", requires="torch")
def _torch(product: str) -> Any:
    import torch

    x, y, params, direction = problem()
    data, targets = torch.tensor(x), torch.tensor(y)
    params = [torch.tensor(p, requires_grad=True) for p in params]
    direction = [torch.tensor(v) for v in direction]

    def loss() -> Any:
        w1, b1, w2, b2 = params
        error = torch.tanh(data @ w1.T + b1) @ w2.T + b2 - targets
        return (error * error).sum() * (0.5 / BATCH)

    def gradient() -> tuple[Any, ...]:
        return torch.autograd.grad(loss(), params)

    def hessian_vector() -> tuple[Any, ...]:
        grads = torch.autograd.grad(loss(), params, create_graph=True)
        projected = sum((g * v).sum() for g, v in zip(grads, direction))
        return torch.autograd.grad(projected, params)

    return gradient if product == "grad" else hessian_vector
