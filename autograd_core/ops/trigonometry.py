"""The inverse and hyperbolic trigonometric functions with PyTorch's names: asin,
acos, atan, atan2 (the angle of the point (x, y)), sinh, cosh. (sin, cos and
tan are in `unary`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .elementwise import sqrt


@register("asin", sample="unary", domains=("unit",), reference=np.arcsin)
class Asin(Function):
    """out = arcsin(x);   dL/dx = grad / sqrt(1 - x**2)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad / sqrt(1 - x * x),)


@register("acos", sample="unary", domains=("unit",), reference=np.arccos)
class Acos(Function):
    """out = arccos(x);   dL/dx = -grad / sqrt(1 - x**2)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (-grad / sqrt(1 - x * x),)


@register("atan", sample="unary", reference=np.arctan)
class Atan(Function):
    """out = arctan(x);   dL/dx = grad / (1 + x**2)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad / (1 + x * x),)


@register("atan2", sample="binary", domains=("nonzero", "nonzero"), reference=np.arctan2)
class Atan2(Function):
    """out = the angle of (other, input), atan(input / other) in the right quadrant;
    dL/dinput = grad * other / r**2,   dL/dother = -grad * input / r**2"""

    promotion = "float"

    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y, x)

    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        scale = grad / (x * x + y * y)
        return scale * x, -(scale * y)


@register("sinh", sample="unary", reference=np.sinh)
class Sinh(Function):
    """out = sinh(x);   dL/dx = grad * cosh(x)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * Cosh.apply(x),)


@register("cosh", sample="unary", reference=np.cosh)
class Cosh(Function):
    """out = cosh(x);   dL/dx = grad * sinh(x)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * Sinh.apply(x),)


def asin(input: Any) -> Tensor:
    """Arcsine, elementwise (NaN outside [-1, 1]).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.asin(ag.tensor([0.0, 1.0])) * 2, ag.acos(ag.tensor([1.0])), ag.atan(ag.tensor([0.0]))
    (tensor([0.       , 3.1415927]), tensor([0.]), tensor([0.]))
    """
    return Asin.apply(input)


def acos(input: Any) -> Tensor:
    """Arccosine, elementwise (NaN outside [-1, 1])."""
    return Acos.apply(input)


def atan(input: Any) -> Tensor:
    """Arctangent, elementwise."""
    return Atan.apply(input)


def atan2(input: Any, other: Any) -> Tensor:
    """The angle of the point (other, input) in (-pi, pi], with broadcasting.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.atan2(ag.tensor([1.0, -1.0]), ag.tensor([0.0, 0.0])) * 2
    tensor([ 3.1415927, -3.1415927])
    """
    return Atan2.apply(input, other)


def sinh(input: Any) -> Tensor:
    """Hyperbolic sine, elementwise.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sinh(ag.tensor([0.0])), ag.cosh(ag.tensor([0.0]))
    (tensor([0.]), tensor([1.]))
    """
    return Sinh.apply(input)


def cosh(input: Any) -> Tensor:
    """Hyperbolic cosine, elementwise."""
    return Cosh.apply(input)


__all__ = ["acos", "asin", "atan", "atan2", "cosh", "sinh"]
