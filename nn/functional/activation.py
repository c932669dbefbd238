"""Activation functions with PyTorch's names (`dim`, `negative_slope`), composed of engine ops.

Nothing here has a backward of its own: the gradients come from the
primitives in `autograd_core.ops`.
"""

from __future__ import annotations

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register


def relu(x: Tensor) -> Tensor:
    """max(x, 0) elementwise (gradient 0 at x = 0, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> relu(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return ag.relu(x)


@register("leaky_relu", sample="nn_leaky_relu", kinks=(0.0,))
def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else negative_slope * x (gradient negative_slope at 0, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> leaky_relu(ag.tensor([-2.0, 3.0]), 0.5)
    tensor([-1.,  3.])
    """
    x = x if isinstance(x, Tensor) else ag.tensor(x)
    return ag.where(np.asarray(x) > 0, x, x * negative_slope)


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


def stable_softplus(x: Tensor) -> Tensor:
    """log(1 + exp(x)) for any x, smooth to every order (also at 0), finite at +-1000.

    Examples
    --------
    >>> import autograd_core as ag
    >>> stable_softplus(ag.tensor([-1000.0, 1000.0]))
    tensor([   0., 1000.])
    """
    x = x if isinstance(x, Tensor) else ag.tensor(x)
    # NOTE: each branch only sees the values it is used for (the other ones are replaced by
    # 0), so neither overflows where it is not taken (exp(1000) would make the gradient
    # 0 * inf = NaN); and no max/abs kink at 0, whose pieces lose the curvature there.
    positive = np.asarray(x) > 0
    above = ag.where(positive, x, 0.0)  # x > 0: x + log(1 + exp(-x))
    below = ag.where(positive, 0.0, x)  # x <= 0: log(1 + exp(x))
    return ag.where(positive, above + ag.log(1 + ag.exp(-above)), ag.log(1 + ag.exp(below)))
