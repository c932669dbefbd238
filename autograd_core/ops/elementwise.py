"""Elementwise primitives: arithmetic with broadcasting, unary functions, selections.

Broadcasting needs nothing here: a backward returns gradients of the
broadcast shape and the engine sums them back to each input's shape.
(The comparisons, which give booleans, are in `logical`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import workspace
from ..dtypes import result_type
from ..errors import ArgumentError
from ..function import Function, register
from ..tensor import Tensor

# ------------------------------------------------------------------ arithmetic


@register("add", sample="binary", reference=np.add)
class Add(Function):
    """out = x + y;   dL/dx = grad,   dL/dy = grad"""

    def forward(ctx, x, y):
        return x + y

    def backward(ctx, grad):
        return grad, grad


@register("sub", sample="binary", reference=np.subtract)
class Sub(Function):
    """out = x - y;   dL/dx = grad,   dL/dy = -grad"""

    def forward(ctx, x, y):
        return x - y

    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


@register("mul", sample="binary", reference=np.multiply)
class Mul(Function):
    """out = x * y;   dL/dx = grad * y,   dL/dy = grad * x"""

    def forward(ctx, x, y):
        needs_x, needs_y = ctx.needs_input_grad
        ctx.save_for_backward(x if needs_y else None, y if needs_x else None)  # only what's used
        return x * y

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return (
            grad * y if ctx.needs_input_grad[0] else None,
            grad * x if ctx.needs_input_grad[1] else None,
        )


@register("div", sample="binary", domains=("real", "nonzero"), reference=np.divide)
class Div(Function):
    """out = x / y;   dL/dx = grad / y,   dL/dy = -(grad / y) * (x / y)"""

    promotion = "float"

    def forward(ctx, x, y):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)  # only what's used
        return x / y

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = grad / y
        # NOTE: -grad * x / y**2 as two quotients: y**2 underflows (float32 y = 1e-23)
        # where the true gradient is finite.
        return (
            grad_x if ctx.needs_input_grad[0] else None,
            -grad_x * (x / y) if ctx.needs_input_grad[1] else None,
        )


@register("pow", sample="binary", domains=("positive", "real"), reference=np.power)
class Pow(Function):
    """out = x ** y;   dL/dx = grad * y * x**(y-1),   dL/dy = grad * out * log(x)

    As in PyTorch, dL/dx is 0 at x = y = 0 and dL/dy is 0 where x = 0 and y >= 0.
    """

    def forward(ctx, x, y):
        out = x**y
        ctx.save_for_backward(x, y, out)
        return out

    def backward(ctx, grad):
        x, y, out = ctx.saved_tensors
        grad_x = grad_y = None
        # NOTE: double-where: masked entries compute on a safe base of 1, so neither the
        # gradient nor its gradient meets 0 * inf (x**0 at 0, x**1 twice at 0, 0**y).
        if ctx.needs_input_grad[0]:
            both_zero = (np.asarray(y._data) == 0) & (np.asarray(x._data) == 0)
            if both_zero.any():
                safe = where(both_zero, 1.0, x)
                grad_x = where(both_zero, 0.0, grad * y * safe ** (y - 1))
            else:
                grad_x = grad * y * x ** (y - 1)
        if ctx.needs_input_grad[1]:
            base_zero = (np.asarray(x._data) == 0) & (np.asarray(y._data) >= 0)
            if base_zero.any():
                safe = where(base_zero, 1.0, x)
                grad_y = where(base_zero, 0.0, grad * out * log(safe))
            else:
                grad_y = grad * out * log(x)
        return grad_x, grad_y


@register("neg", sample="unary", reference=np.negative)
class Neg(Function):
    """out = -x;   dL/dx = -grad"""

    def forward(ctx, x):
        return -x

    def backward(ctx, grad):
        return (-grad,)


# ------------------------------------------------------------- unary functions


@register("exp", sample="unary", reference=np.exp)
class Exp(Function):
    """out = e**x;   dL/dx = grad * out"""

    promotion = "float"

    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out,)


@register("log", sample="unary", domains=("positive",), reference=np.log)
class Log(Function):
    """out = ln x;   dL/dx = grad / x"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad / x,)


@register("sqrt", sample="unary", domains=("positive",), reference=np.sqrt)
class Sqrt(Function):
    """out = sqrt(x);   dL/dx = grad / (2 out)"""

    promotion = "float"

    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad / (out * 2),)


@register("tanh", sample="unary", reference=np.tanh)
class Tanh(Function):
    """out = tanh(x);   dL/dx = grad * (1 - out**2)"""

    promotion = "float"

    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * (1 - out * out),)


def _stable_sigmoid(x: np.ndarray) -> np.ndarray:
    # NOTE: exp(-|x|) never overflows; the two branches are the same function.
    if x.dtype.kind != "f":  # integers and booleans promote as np.exp promotes them
        x = x.astype(np.result_type(x.dtype, np.float16))
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


@register("sigmoid", sample="unary", reference=_stable_sigmoid)
class Sigmoid(Function):
    """out = 1 / (1 + e**-x);   dL/dx = grad * out * (1 - out)"""

    promotion = "float"

    def forward(ctx, x):
        out = _stable_sigmoid(x)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out * (1 - out),)


@register("relu", sample="unary", domains=("nonzero",), reference=lambda x: np.maximum(x, 0))
class Relu(Function):
    """out = max(x, 0);   dL/dx = grad where x > 0, else 0 (0 at the kink, as in PyTorch)"""

    def forward(ctx, x):
        if x.nbytes < workspace.MIN_BYTES:
            ctx.save_for_backward((x > 0).astype(x.dtype))
            return np.maximum(x, 0)
        # NOTE: a conv net's activations are megabytes: reused arrays cost no page faults,
        # and the mask is written as floats in one pass (bool to float is a safe cast)
        positive = np.greater(x, 0, out=workspace.empty(x.shape, x.dtype))
        ctx.save_for_backward(positive)
        return np.maximum(x, 0, out=workspace.empty(x.shape, x.dtype))

    def backward(ctx, grad):
        (positive,) = ctx.saved_tensors
        return (grad * positive,)


@register("abs", sample="unary", domains=("nonzero",), reference=np.abs)
class Abs(Function):
    """out = |x|;   dL/dx = grad * sign(x) (0 at x = 0)"""

    def forward(ctx, x):
        ctx.save_for_backward(np.sign(x))
        return np.abs(x)

    def backward(ctx, grad):
        (sign,) = ctx.saved_tensors
        return (grad * sign,)


def _clip_reference(x: np.ndarray, min: Any, max: Any) -> np.ndarray:
    # numpy < 2.1 refuses np.clip(x, None, None); the op returns x unchanged then.
    return x if min is None and max is None else np.clip(x, min, max)


@register("clip", sample="clip", reference=_clip_reference)
class Clip(Function):
    """out = min(max(x, min), max);   dL/dx = grad where min <= x <= max, else 0

    With min > max every value becomes max (and gets no gradient), as in PyTorch.
    """

    def forward(ctx, x, min=None, max=None):
        if min is None and max is None:
            raise ValueError("clip: at least one of min and max must not be None")
        if x.dtype.kind in "iu":
            info = np.iinfo(x.dtype)
            for bound in (min, max):
                if bound is not None and np.any(
                    (np.asarray(bound) < info.min) | (np.asarray(bound) > info.max)
                ):
                    raise ArgumentError(
                        f"clip: the bound {bound} does not fit the tensor's dtype {x.dtype} "
                        f"(from {info.min} to {info.max})"
                    )
        inside = np.ones(x.shape, dtype=bool)
        if min is not None:
            inside &= x >= min
        if max is not None:
            inside &= x <= max
        ctx.save_for_backward(inside.astype(x.dtype))
        return np.clip(x, min, max)  # min > max gives max everywhere, as PyTorch

    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return (grad * inside,)


class _Extremum(Function):
    """maximum and minimum: the winning input gets grad, a tie splits it in half."""

    x_wins: Any  # np.greater or np.less, x against y
    pick: Any  # np.maximum or np.minimum

    def forward(ctx, x, y):
        # NOTE: a tie gives each side half, so the shares always sum to the upstream grad.
        share_x = np.where(x == y, 0.5, ctx.x_wins(x, y)).astype(np.result_type(x, y))
        ctx.save_for_backward(share_x, 1 - share_x)
        return ctx.pick(x, y)

    def backward(ctx, grad):
        share_x, share_y = ctx.saved_tensors
        return grad * share_x, grad * share_y


@register("maximum", sample="binary", domains=("distinct", "distinct"), reference=np.maximum)
class Maximum(_Extremum):
    """out = max(x, y) elementwise;   the larger input gets grad, a tie splits it in half"""

    x_wins, pick = staticmethod(np.greater), staticmethod(np.maximum)


@register("minimum", sample="binary", domains=("distinct", "distinct"), reference=np.minimum)
class Minimum(_Extremum):
    """out = min(x, y) elementwise;   the smaller input gets grad, a tie splits it in half"""

    x_wins, pick = staticmethod(np.less), staticmethod(np.minimum)


@register("where", sample="where", reference=lambda x, y, condition: np.where(condition, x, y))
class Where(Function):
    """out = x where condition else y;   the chosen side gets grad, the other 0"""

    array_fields = ("condition",)

    def forward(ctx, x, y, condition):
        ctx.condition = condition
        return np.where(condition, x, y)

    def backward(ctx, grad):
        condition = ctx.condition
        return (
            Where.apply(grad, 0.0, condition=condition) if ctx.needs_input_grad[0] else None,
            Where.apply(0.0, grad, condition=condition) if ctx.needs_input_grad[1] else None,
        )


@register("astype", sample="astype", reference=lambda x, dtype: x.astype(dtype))
class AsType(Function):
    """out = x converted to `dtype`;   dL/dx = grad converted back to x's dtype"""

    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    def backward(ctx, grad):
        return (AsType.apply(grad, dtype=ctx.input_dtype),)


# ------------------------------------------------------------ public functions


def add(x: Any, y: Any, *, alpha: Any = 1) -> Tensor:
    """x + alpha * y with broadcasting (as torch.add)."""
    return Add.apply(x, y if alpha == 1 else Mul.apply(y, alpha))


def sub(x: Any, y: Any, *, alpha: Any = 1) -> Tensor:
    """x - alpha * y with broadcasting (as torch.sub)."""
    return Sub.apply(x, y if alpha == 1 else Mul.apply(y, alpha))


def mul(x: Any, y: Any) -> Tensor:
    """x * y with broadcasting."""
    return Mul.apply(x, y)


def div(x: Any, y: Any, *, rounding_mode: str | None = None) -> Tensor:
    """x / y with broadcasting; `rounding_mode` "floor" or "trunc" rounds the quotient (in
    the inputs' dtype for integers, as torch.div; the gradient of the rounding is 0)."""
    quotient = Div.apply(x, y)
    if rounding_mode is None:
        return quotient
    if rounding_mode not in ("floor", "trunc"):
        raise ArgumentError(
            f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}"
        )
    from .unary import floor, trunc

    rounded = floor(quotient) if rounding_mode == "floor" else trunc(quotient)
    common = result_type(x, y)  # PyTorch's promotion: integers stay integers here
    return rounded if common.kind == "f" else astype(rounded, common)


def pow(x: Any, y: Any) -> Tensor:
    """x ** y with broadcasting."""
    return Pow.apply(x, y)


def neg(x: Any) -> Tensor:
    """-x."""
    return Neg.apply(x)


def exp(x: Any) -> Tensor:
    """e ** x, elementwise."""
    return Exp.apply(x)


def log(x: Any) -> Tensor:
    """Natural logarithm, elementwise."""
    return Log.apply(x)


def sqrt(x: Any) -> Tensor:
    """Square root, elementwise."""
    return Sqrt.apply(x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent, elementwise."""
    return Tanh.apply(x)


def sigmoid(x: Any) -> Tensor:
    """Logistic sigmoid 1 / (1 + e**-x), computed without overflow for large |x|.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sigmoid(ag.tensor([-1000.0, 0.0, 1000.0]))
    tensor([0. , 0.5, 1. ])
    """
    return Sigmoid.apply(x)


def relu(x: Any) -> Tensor:
    """max(x, 0), elementwise."""
    return Relu.apply(x)


def abs(x: Any) -> Tensor:
    """|x|, elementwise."""
    return Abs.apply(x)


def clip(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """Limit x to [min, max] (one bound may be None); gradient passes where it is inside.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.clamp(ag.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
    tensor([0. , 0.5, 1. ])
    """
    return Clip.apply(input, min=_bound(min), max=_bound(max))


clamp = clip


def _bound(value: Any) -> Any:
    """A clip bound as a number or array (a Tensor bound is a constant here)."""
    return np.asarray(value._data) if isinstance(value, Tensor) else value


def maximum(x: Any, y: Any) -> Tensor:
    """Elementwise larger of x and y; a tie splits the gradient equally.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x, y = ag.tensor(2.0, requires_grad=True), ag.tensor(2.0, requires_grad=True)
    >>> ag.maximum(x, y).backward(); x.grad, y.grad
    (tensor(0.5), tensor(0.5))
    """
    return Maximum.apply(x, y)


def minimum(x: Any, y: Any) -> Tensor:
    """Elementwise smaller of x and y; a tie splits the gradient equally."""
    return Minimum.apply(x, y)


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """Choose x where `condition` is true and y elsewhere, broadcasting all three; with
    the condition alone, `nonzero(condition, as_tuple=True)` (as torch.where)."""
    if x is None and y is None:
        from .finding import nonzero

        return nonzero(condition, as_tuple=True)
    condition = np.asarray(condition)
    if condition.dtype != bool:
        raise TypeError(f"where: condition must be boolean, got dtype {condition.dtype}")
    return Where.apply(x, y, condition=condition)


def astype(x: Tensor, dtype: Any) -> Tensor:
    """x converted to `dtype`; the gradient is converted back (none flows to integers)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f" and isinstance(x, Tensor):
        x = x.detach()
    return AsType.apply(x, dtype=dtype)


__all__ = [
    "abs", "add", "clamp", "clip", "div", "exp", "log", "maximum", "minimum", "mul", "neg",
    "pow", "relu", "sigmoid", "sqrt", "sub", "tanh", "where",
]  # fmt: skip
ALIASES = {"clamp": "clip"}
