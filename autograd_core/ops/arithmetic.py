"""PyTorch's arithmetic shortcuts, compositions of the elementwise primitives:
reciprocal, frac, lerp, the one-sided clamps (clamp_min, clamp_max) and the
division names (true_divide, floor_divide).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import register
from ..tensor import Tensor
from .elementwise import add, clip, div, mul, sub
from .unary import trunc


@register("reciprocal", sample="unary", domains=("nonzero",), reference=lambda x: 1 / x)
def reciprocal(input: Any) -> Tensor:
    """1 / x, elementwise (integers give floats).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.reciprocal(ag.tensor([2.0, -0.5]))
    tensor([ 0.5, -2. ])
    """
    return div(1.0, input)


@register(
    "frac", sample="unary", kinks=(-2.0, -1.0, 0.0, 1.0, 2.0), reference=lambda x: x - np.trunc(x)
)
def frac(input: Any) -> Tensor:
    """The fractional part, x - trunc(x) (with x's sign); gradient 1.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.frac(ag.tensor([1.25, -1.25]))
    tensor([ 0.25, -0.25])
    """
    return sub(input, trunc(input))


@register(
    "lerp", sample="lerp", reference=lambda start, end, weight: start + weight * (end - start)
)
def lerp(input: Any, end: Any, weight: Any) -> Tensor:
    """input + weight * (end - input), with broadcasting (weight a number or a tensor).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.lerp(ag.tensor([0.0, 10.0]), ag.tensor([10.0, 20.0]), 0.25)
    tensor([ 2.5, 12.5])
    """
    return add(input, mul(weight, sub(end, input)))


def clamp_min(input: Any, min: Any) -> Tensor:
    """`clamp(input, min=min)`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.clamp_min(ag.tensor([-1.0, 2.0]), 0.0), ag.clamp_max(ag.tensor([-1.0, 2.0]), 0.0)
    (tensor([0., 2.]), tensor([-1.,  0.]))
    """
    return clip(input, min, None)


def clamp_max(input: Any, max: Any) -> Tensor:
    """`clamp(input, max=max)`."""
    return clip(input, None, max)


def true_divide(input: Any, other: Any) -> Tensor:
    """`div(input, other)`: true division."""
    return div(input, other)


def floor_divide(input: Any, other: Any) -> Tensor:
    """`div(input, other, rounding_mode="floor")`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.floor_divide(ag.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    return div(input, other, rounding_mode="floor")


__all__ = [
    "clamp_max", "clamp_min", "floor_divide", "frac", "lerp", "reciprocal", "true_divide",
]  # fmt: skip
ALIASES = {
    "clamp_min": "clip", "clamp_max": "clip", "true_divide": "div", "floor_divide": "div",
}  # fmt: skip
