"""`Adam` and `AdamW`: adaptive moment estimation, with L2 or decoupled weight decay.

The update rules are the ones in PyTorch's documentation:
https://pytorch.org/docs/stable/generated/torch.optim.Adam.html
https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor

from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam: p <- p - lr * m_hat / (sqrt(v_hat) + eps), with bias-corrected moments.

    m <- b1 m + (1 - b1) g and v <- b2 v + (1 - b2) g^2; m_hat = m / (1 - b1^t),
    v_hat = v / (1 - b2^t). `weight_decay` adds weight_decay * p to g (L2);
    `amsgrad` uses the running maximum of v instead of v.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> w = nn.Parameter(ag.tensor([1.0, -1.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> [round(v, 4) for v in w.tolist()]  # the first step is lr * sign(g)
    [0.9, -0.9]
    """

    _decoupled = False  # AdamW applies weight decay to p directly

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        name = type(self).__name__
        betas = group["betas"]
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{name}: betas must be two numbers in [0, 1), got {betas!r}")
        if group["eps"] < 0:
            raise ValueError(f"{name}: eps must be non-negative, got {group['eps']}")

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(np.asarray(p))
            state["exp_avg_sq"] = np.zeros_like(np.asarray(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(np.asarray(p))
        if weight_decay != 0:
            if self._decoupled:
                p *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * np.asarray(p)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * (grad * grad)
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        # m_hat / (sqrt(v_hat) + eps) with the bias corrections folded into two scalars.
        step_size = lr / (1 - beta1**t)
        denom = np.sqrt(v)
        denom /= math.sqrt(1 - beta2**t)
        denom += eps
        p -= step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: p <- p * (1 - lr * weight_decay) before the Adam step.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> w = nn.Parameter(ag.tensor([1.0]))
    >>> AdamW([w]).defaults["weight_decay"]
    0.01
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
