"""`Adagrad`: per-coordinate learning rates from the running sum of squared gradients.

The update rule is the one in PyTorch's documentation:
https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor

from .optimizer import Optimizer


class Adagrad(Optimizer):
    """p <- p - lr_t * g / (sqrt(s) + eps), where s <- s + g^2 and lr_t = lr / (1 + (t-1) decay).

    `initial_accumulator_value` starts s; `weight_decay` adds weight_decay * p to g.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> w = nn.Parameter(ag.tensor([1.0, -2.0]))
    >>> opt = Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward(); opt.step()
    >>> [round(v, 4) for v in w.tolist()]  # the first step is lr * sign(g)
    [0.5, -1.5]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        for key in ("lr_decay", "initial_accumulator_value", "eps"):
            if group[key] < 0:
                raise ValueError(f"Adagrad: {key} must be non-negative, got {group[key]}")

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(np.asarray(p), group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * np.asarray(p)
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        std = np.sqrt(state["sum"])
        std += group["eps"]
        p -= clr * (grad / std)
