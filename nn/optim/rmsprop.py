"""`RMSprop`: divide the gradient by a running root-mean-square, with momentum and centring.

The update rule is the one in PyTorch's documentation:
https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor

from .optimizer import Optimizer


class RMSprop(Optimizer):
    """p <- p - lr * g / (sqrt(v) + eps), v <- alpha v + (1 - alpha) g^2.

    `centered` subtracts the square of the running mean of g from v (an
    estimate of the variance); `momentum` mu keeps b <- mu b + g / (sqrt(v) + eps)
    and steps by lr * b; `weight_decay` adds weight_decay * p to g.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> w = nn.Parameter(ag.tensor([1.0]))
    >>> opt = RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)  # 1 - 0.01 * 2 / sqrt(0.01 * 4) = 0.9
    0.9
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
            centered=centered, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        for key in ("alpha", "eps", "momentum"):
            if group[key] < 0:
                raise ValueError(f"RMSprop: {key} must be non-negative, got {group[key]}")

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict) -> None:
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(np.asarray(p))
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(np.asarray(p))
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(np.asarray(p))
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * np.asarray(p)
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * (grad * grad)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += eps
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += grad / avg
            p -= group["lr"] * buf
        else:
            p -= group["lr"] * (grad / avg)
