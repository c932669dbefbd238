"""Reductions: sum, max and min (ties split equally), logsumexp; and the
composites built on them: mean, var, softmax, log_softmax.

Every reduction takes numpy's `axis` (None, an int, a tuple; negative
counts from the end) and `keepdims`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .axes import kept_shape, normalize_axes, normalize_axis
from .elementwise import exp
from .movement import broadcast_to, reshape


@register("sum", sample="reduce", reference=np.sum)
class Sum(Function):
    """out = sum of x over axes;   dL/dx = grad broadcast back over those axes"""

    def forward(ctx, x, axis=None, keepdims=False):
        ctx.axes = normalize_axes(axis, x.ndim, "sum")
        ctx.input_shape = x.shape
        return np.sum(x, axis=ctx.axes, keepdims=keepdims)

    def backward(ctx, grad):
        kept = kept_shape(ctx.input_shape, ctx.axes)
        if grad.shape != kept:
            grad = reshape(grad, kept)
        return (broadcast_to(grad, ctx.input_shape),)


class _Extremum(Function):
    """Shared forward and backward of max and min over axes."""

    reduce: Any = None

    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalize_axes(axis, x.ndim, ctx.name)
        if x.size == 0 and any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"{ctx.name}: cannot reduce over an empty axis (shape {x.shape})")
        best = ctx.reduce(x, axis=axes, keepdims=True)
        if ctx.needs_input_grad[0]:
            # NOTE: tied extremes share the gradient equally, so the shares sum to grad;
            # they are computed in x's dtype (a float32 input gets float32 shares).
            shares = (x == best).astype(x.dtype)
            shares /= shares.sum(axis=axes, keepdims=True)
            ctx.save_for_backward(shares)
        ctx.kept_shape = best.shape
        return (
            best if keepdims else best.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        )

    def backward(ctx, grad):
        (shares,) = ctx.saved_tensors
        if grad.shape != ctx.kept_shape:
            grad = reshape(grad, ctx.kept_shape)
        return (grad * shares,)


@register("max", sample="reduce", domains=("distinct",), reference=np.max)
class Max(_Extremum):
    """out = max of x over axes;   the maximum gets grad, tied maxima share it equally"""

    reduce = staticmethod(np.max)


@register("min", sample="reduce", domains=("distinct",), reference=np.min)
class Min(_Extremum):
    """out = min of x over axes;   the minimum gets grad, tied minima share it equally"""

    reduce = staticmethod(np.min)


def _logsumexp_reference(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


@register("logsumexp", sample="reduce", reference=_logsumexp_reference)
class LogSumExp(Function):
    """out = log(sum(exp(x)));   dL/dx = grad * exp(x - out) (the softmax)"""

    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalize_axes(axis, x.ndim, "logsumexp")
        ctx.kept_shape = kept_shape(x.shape, axes)
        # NOTE: shift by the max so exp never overflows; an all -inf slice shifts by 0.
        shift = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros(ctx.kept_shape)
        shift = np.where(np.isfinite(shift), shift, 0).astype(x.dtype)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer there
            out = np.log(np.sum(np.exp(x - shift), axis=axes, keepdims=True)) + shift
        out = out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if grad.shape != ctx.kept_shape:  # keepdims=False: put the reduced axes back
            grad, out = reshape(grad, ctx.kept_shape), reshape(out, ctx.kept_shape)
        return (grad * exp(x - out),)


# ------------------------------------------------------------ public functions


def sum(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over `axis` (None: all axes).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sum(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=-1)
    tensor([3., 7.])
    """
    return Sum.apply(x, axis=axis, keepdims=keepdims)


def max(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Largest value over `axis`; tied maxima share the gradient equally."""
    return Max.apply(x, axis=axis, keepdims=keepdims)


def min(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Smallest value over `axis`; tied minima share the gradient equally."""
    return Min.apply(x, axis=axis, keepdims=keepdims)


def logsumexp(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))) over `axis`, computed without overflow."""
    return LogSumExp.apply(x, axis=axis, keepdims=keepdims)


def _count(x: Tensor, axis: Any, op: str) -> int:
    axes = normalize_axes(axis, x.ndim, op)
    return int(np.prod([x.shape[a] for a in axes], dtype=np.int64))


@register("mean", sample="reduce", reference=np.mean)
def mean(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over `axis`."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    count = _count(x, axis, "mean")  # first, so that a bad axis is reported as mean's
    total = sum(x, axis, keepdims)
    return total / count if count else total * np.nan


@register("var", sample="var", reference=np.var)
def var(x: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over `axis`, dividing by N - ddof (numpy's convention: ddof=0)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    count = _count(x, axis, "var")  # first, so that a bad axis is reported as var's
    deviation = x - mean(x, axis, keepdims=True)
    return sum(deviation * deviation, axis, keepdims) / (count - ddof)


def _softmax_reference(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@register("softmax", sample="softmax", reference=_softmax_reference)
def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `axis`, through logsumexp so it never overflows.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.softmax(ag.tensor([1000.0, 1000.0]))
    tensor([0.5, 0.5])
    """
    x = x if isinstance(x, Tensor) else Tensor(x)
    return exp(log_softmax(x, axis))


@register(
    "log_softmax",
    sample="softmax",
    reference=lambda x, axis=-1: np.log(_softmax_reference(x, axis)),
)
def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """x - logsumexp(x) along `axis`: log-probabilities that stay finite for large logits."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    axis = normalize_axis(axis, x.ndim, "log_softmax")
    # NOTE: subtracting the (constant) max first keeps float32 accurate for logits near
    # 1000; the result does not depend on the shift, so neither does its gradient.
    shift = np.max(x.data, axis=axis, keepdims=True) if x.numel() else np.zeros(())
    shifted = x - np.where(np.isfinite(shift), shift, 0).astype(x.dtype)
    return shifted - logsumexp(shifted, axis=axis, keepdims=True)


# -------------------------------------------------- arg-reductions (no gradient)


def argmax(x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the largest value (the first one on ties) as an integer tensor."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    axis = None if axis is None else normalize_axis(axis, data.ndim, "argmax")
    return Tensor._from_op(np.asarray(np.argmax(data, axis=axis, keepdims=keepdims)), None)


def argmin(x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest value (the first one on ties) as an integer tensor."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    axis = None if axis is None else normalize_axis(axis, data.ndim, "argmin")
    return Tensor._from_op(np.asarray(np.argmin(data, axis=axis, keepdims=keepdims)), None)
