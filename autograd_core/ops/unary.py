"""More elementwise functions with PyTorch's names: rsqrt, the trigonometric
functions, log1p, expm1, square, and the piecewise-constant sign, floor,
ceil and round (whose gradient is 0 everywhere, as in PyTorch).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .elementwise import Mul

_INTEGERS = (-2.0, -1.0, 0.0, 1.0, 2.0)  # the steps of floor and ceil on [-2, 2]
_HALVES = (-1.5, -0.5, 0.5, 1.5)  # the steps of round
_LN2, _LN10 = math.log(2.0), math.log(10.0)


@register("rsqrt", sample="unary", domains=("positive",), reference=lambda x: 1 / np.sqrt(x))
class Rsqrt(Function):
    """out = 1 / sqrt(x);   dL/dx = -grad * out**3 / 2"""

    promotion = "float"

    def forward(ctx, x):
        out = 1 / np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out * out * out * -0.5,)


@register("sin", sample="unary", reference=np.sin)
class Sin(Function):
    """out = sin(x);   dL/dx = grad * cos(x)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * Cos.apply(x),)


@register("cos", sample="unary", reference=np.cos)
class Cos(Function):
    """out = cos(x);   dL/dx = -grad * sin(x)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (-grad * Sin.apply(x),)


@register("tan", sample="unary", domains=("unit",), reference=np.tan)
class Tan(Function):
    """out = tan(x);   dL/dx = grad * (1 + out**2)"""

    promotion = "float"

    def forward(ctx, x):
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * (1 + out * out),)


@register("log1p", sample="unary", domains=("positive",), reference=np.log1p)
class Log1p(Function):
    """out = log(1 + x), accurate for small x;   dL/dx = grad / (1 + x)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad / (x + 1),)


@register("expm1", sample="unary", reference=np.expm1)
class Expm1(Function):
    """out = e**x - 1, accurate for small x;   dL/dx = grad * (out + 1)"""

    promotion = "float"

    def forward(ctx, x):
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * (out + 1),)


@register("log2", sample="unary", domains=("positive",), reference=np.log2)
class Log2(Function):
    """out = log2(x);   dL/dx = grad / (x ln 2)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad / (x * _LN2),)


@register("log10", sample="unary", domains=("positive",), reference=np.log10)
class Log10(Function):
    """out = log10(x);   dL/dx = grad / (x ln 10)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad / (x * _LN10),)


@register("exp2", sample="unary", reference=np.exp2)
class Exp2(Function):
    """out = 2**x;   dL/dx = grad * out * ln 2"""

    promotion = "float"

    def forward(ctx, x):
        out = np.exp2(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out * _LN2,)


class _Step(Function):
    """A piecewise-constant function: its gradient is 0 (PyTorch's convention at the steps)."""

    function: Any = None

    def forward(ctx, x):
        if x.dtype.kind in "biu" and ctx.function is not np.sign:
            return x.copy()  # integers are their own floor, ceil and round, in their dtype
        return ctx.function(x)

    def backward(ctx, grad):
        return (grad * 0.0,)


# NOTE: the kinks keep the gradient tests' samples off the steps (integers for floor and
# ceil, halves for round), where central differences would see the jump.
@register("sign", sample="unary", kinks=(0.0,), reference=np.sign)
class Sign(_Step):
    """out = -1, 0 or 1;   dL/dx = 0"""

    function = staticmethod(np.sign)


@register("floor", sample="unary", kinks=_INTEGERS, reference=np.floor)
class Floor(_Step):
    """out = the largest integer <= x;   dL/dx = 0"""

    function = staticmethod(np.floor)


@register("ceil", sample="unary", kinks=_INTEGERS, reference=np.ceil)
class Ceil(_Step):
    """out = the smallest integer >= x;   dL/dx = 0"""

    function = staticmethod(np.ceil)


@register("trunc", sample="unary", kinks=_INTEGERS, reference=np.trunc)
class Trunc(_Step):
    """out = x rounded towards 0;   dL/dx = 0"""

    function = staticmethod(np.trunc)


@register("round", sample="unary", kinks=_HALVES, reference=np.round)
class Round(_Step):
    """out = x rounded to the nearest integer, halves to even (as torch.round);   dL/dx = 0"""

    function = staticmethod(np.round)


@register("square", sample="unary", reference=np.square)
def square(input: Any) -> Tensor:
    """x * x, elementwise.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.square(ag.tensor([-2.0, 3.0]))
    tensor([4., 9.])
    """
    return Mul.apply(input, input)


def rsqrt(input: Any) -> Tensor:
    """1 / sqrt(x), elementwise.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.rsqrt(ag.tensor([4.0, 0.25]))
    tensor([0.5, 2. ])
    """
    return Rsqrt.apply(input)


def sin(input: Any) -> Tensor:
    """Sine, elementwise (radians).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sin(ag.tensor([0.0])), ag.cos(ag.tensor([0.0])), ag.tan(ag.tensor([0.0]))
    (tensor([0.]), tensor([1.]), tensor([0.]))
    """
    return Sin.apply(input)


def cos(input: Any) -> Tensor:
    """Cosine, elementwise (radians).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tensor([0.0, 3.14159265]).cos().round()
    tensor([ 1., -1.])
    """
    return Cos.apply(input)


def tan(input: Any) -> Tensor:
    """Tangent, elementwise (radians).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tan(ag.tensor([0.0]))
    tensor([0.])
    """
    return Tan.apply(input)


def log1p(input: Any) -> Tensor:
    """log(1 + x), accurate where x is tiny.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor([1e-20], dtype=ag.float64); ag.log1p(x).item(), ag.log(1 + x).item()
    (1e-20, 0.0)
    """
    return Log1p.apply(input)


def expm1(input: Any) -> Tensor:
    """exp(x) - 1, accurate where x is tiny.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor([1e-20], dtype=ag.float64); ag.expm1(x).item(), (ag.exp(x) - 1).item()
    (1e-20, 0.0)
    """
    return Expm1.apply(input)


def log2(input: Any) -> Tensor:
    """Logarithm to base 2, elementwise.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.log2(ag.tensor([1.0, 8.0])), ag.exp2(ag.tensor([3.0]))
    (tensor([0., 3.]), tensor([8.]))
    >>> ag.log10(ag.tensor([100.0], dtype="float64"))  # float32 may be 1 ulp off (numpy's SIMD)
    tensor([2.], dtype=float64)
    """
    return Log2.apply(input)


def log10(input: Any) -> Tensor:
    """Logarithm to base 10, elementwise."""
    return Log10.apply(input)


def exp2(input: Any) -> Tensor:
    """2 to the power x, elementwise."""
    return Exp2.apply(input)


def sign(input: Any) -> Tensor:
    """-1, 0 or 1 by the sign of x; gradient 0.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sign(ag.tensor([-2.0, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    """
    return Sign.apply(input)


def floor(input: Any) -> Tensor:
    """Round down to an integer value (same dtype); gradient 0.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.floor(ag.tensor([-1.5, 1.5]))
    tensor([-2.,  1.])
    """
    return Floor.apply(input)


def ceil(input: Any) -> Tensor:
    """Round up to an integer value (same dtype); gradient 0.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ceil(ag.tensor([-1.5, 1.5]))
    tensor([-1.,  2.])
    """
    return Ceil.apply(input)


def trunc(input: Any) -> Tensor:
    """Round towards zero to an integer value (same dtype); gradient 0.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.trunc(ag.tensor([-1.5, 1.5]))
    tensor([-1.,  1.])
    """
    return Trunc.apply(input)


def round(input: Any, *, decimals: int = 0) -> Tensor:
    """Round to the nearest integer (halves to even, as PyTorch), or to `decimals` places.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.round(ag.tensor([0.5, 1.5, 2.7]))
    tensor([0., 2., 3.])
    """
    if decimals:
        scale = 10.0**decimals
        return Round.apply(Mul.apply(input, scale)) / scale
    return Round.apply(input)


__all__ = [
    "ceil", "cos", "expm1", "floor", "log1p", "round", "rsqrt", "sign", "sin", "square", "tan",
    "trunc", "log2", "log10", "exp2",
]  # fmt: skip
