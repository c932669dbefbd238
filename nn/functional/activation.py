"""Activation functions with PyTorch's names (`dim`, `negative_slope`), composed of engine ops.

Nothing here has a backward of its own: the gradients come from the
primitives in `autograd_core.ops`.
"""

from __future__ import annotations

import autograd_core as ag
from autograd_core import Tensor


def relu(x: Tensor) -> Tensor:
    """max(x, 0) elementwise (gradient 0 at x = 0, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> relu(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return ag.relu(x)


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else negative_slope * x (gradient negative_slope at 0, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> leaky_relu(ag.tensor([-2.0, 3.0]), 0.5)
    tensor([-1.,  3.])
    """
    x = x if isinstance(x, Tensor) else ag.tensor(x)
    return ag.where(x.data > 0, x, x * negative_slope)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), without overflow for large |x|."""
    return ag.sigmoid(x)


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ag.tanh(x)


def softmax(x: Tensor, dim: int) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, stable for large inputs.

    Examples
    --------
    >>> import autograd_core as ag
    >>> softmax(ag.tensor([[0.0, 0.0]]), dim=1)
    tensor([[0.5, 0.5]])
    """
    return ag.softmax(x, axis=dim)


def log_softmax(x: Tensor, dim: int) -> Tensor:
    """log(softmax(x)) along `dim`, through log-sum-exp so it stays finite."""
    return ag.log_softmax(x, axis=dim)
