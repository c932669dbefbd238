"""`Adadelta`: step sizes from running averages of squared gradients and squared updates.

The update rule is the one in PyTorch's documentation:
https://pytorch.org/docs/stable/generated/torch.optim.Adadelta.html
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor

from .optimizer import Optimizer


class Adadelta(Optimizer):
    """p <- p - lr * delta, delta = sqrt(u + eps) / sqrt(v + eps) * g.

    v <- rho v + (1 - rho) g^2 before the step, u <- rho u + (1 - rho) delta^2
    after it; `weight_decay` adds weight_decay * p to g.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> w = nn.Parameter(ag.tensor([1.0]))
    >>> opt = Adadelta([w])
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 5)  # sqrt(1e-6) / sqrt(0.1 * 4 + 1e-6) * 2 = 0.00316
    0.99684
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Adadelta: rho must be in [0, 1], got {group['rho']}")
        if group["eps"] < 0:
            raise ValueError(f"Adadelta: eps must be non-negative, got {group['eps']}")

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict) -> None:
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(np.asarray(p))
            state["acc_delta"] = np.zeros_like(np.asarray(p))
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * np.asarray(p)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * (grad * grad)
        delta = np.sqrt(acc_delta + eps)
        delta /= np.sqrt(square_avg + eps)
        delta *= grad
        acc_delta *= rho
        acc_delta += (1 - rho) * (delta * delta)
        p -= group["lr"] * delta
