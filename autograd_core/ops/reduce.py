"""Reductions: sum, prod, max and min (ties split equally), logsumexp, cumsum,
and the arg-reductions.

Every reduction takes PyTorch's `dim` (None, an int, a tuple; negative
counts from the end) and `keepdim`, and numpy's `axis`/`keepdims` aliases.
`max(x, dim)` and `min(x, dim)` return `(values, indices)` named tuples.
Float16 sums accumulate in float32, as PyTorch's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import return_types
from ..function import Function, register
from ..tensor import Tensor
from .axes import kept_shape, normalize_axes, normalize_axis, reduced_shape, resolve_dim
from .elementwise import exp, maximum, minimum, where
from .movement import broadcast_to, reshape


def _numpy_reduction(function: Callable[..., Any]) -> Callable[..., np.ndarray]:
    """A numpy reduction called with PyTorch's dim/keepdim: the reference of the tests."""

    def reference(x: np.ndarray, dim: Any = None, keepdim: bool = False) -> np.ndarray:
        axes = normalize_axes(dim, np.ndim(x), "reference")
        return function(x, axis=axes, keepdims=keepdim)

    return reference


def _accumulator(dtype: np.dtype) -> Any:
    """The dtype a sum of `dtype` values accumulates in (float16 in float32, as PyTorch)."""
    return np.float32 if dtype == np.float16 else None


@register("sum", sample="reduce", reference=_numpy_reduction(np.sum))
class Sum(Function):
    """out = sum of x over dims;   dL/dx = grad broadcast back over those dims"""

    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axes = normalize_axes(dim, x.ndim, "sum")
        ctx.input_shape = x.shape
        out = np.sum(x, axis=ctx.axes, keepdims=keepdim, dtype=_accumulator(x.dtype))
        return out.astype(x.dtype, copy=False) if x.dtype == np.float16 else out

    def backward(ctx, grad):
        kept = kept_shape(ctx.input_shape, ctx.axes)
        if grad.shape != kept:
            grad = reshape(grad, kept)
        return (broadcast_to(grad, ctx.input_shape),)


@register("prod", sample="reduce", domains=("nonzero",), reference=_numpy_reduction(np.prod))
class Prod(Function):
    """out = product of x over dims;   dL/dx_i = grad * (product of the other x_j)

    Zeros are exact: at a zero the product of the others is the product of the
    nonzero values times the other zeros (so the second derivative is right too).
    """

    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axes = normalize_axes(dim, x.ndim, "prod")
        ctx.kept_shape = kept_shape(x.shape, ctx.axes)
        out = np.prod(x, axis=ctx.axes, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if grad.shape != ctx.kept_shape:
            grad, out = reshape(grad, ctx.kept_shape), reshape(out, ctx.kept_shape)
        is_zero = np.asarray(x._data) == 0
        if not is_zero.any():
            return (grad * out / x,)
        # NOTE: double-where: the masked branches see safe values (1 for a zero), so no
        # 0/0 reaches the gradient or its gradient.
        nonzero = where(is_zero, 1.0, x)
        product_of_nonzero = Prod.apply(nonzero, dim=ctx.axes, keepdim=True)
        zeros = is_zero.sum(axis=ctx.axes, keepdims=True)
        zero_values = Sum.apply(where(is_zero, x, 0.0), dim=ctx.axes, keepdim=True)
        other_zeros = where(zeros == 1, 1.0, where(zeros == 2, zero_values - x, 0.0))
        at_zero = product_of_nonzero * other_zeros
        return (grad * where(is_zero, at_zero, out / nonzero),)


class _Extremum(Function):
    """Shared forward and backward of max and min over dims."""

    reduce: Any = None

    def forward(ctx, x, dim=None, keepdim=False):
        axes = normalize_axes(dim, x.ndim, ctx.name)
        if x.size == 0 and (not axes or any(x.shape[a] == 0 for a in axes)):
            raise ValueError(f"{ctx.name}: cannot reduce over an empty dim (shape {x.shape})")
        best = ctx.reduce(x, axis=axes, keepdims=True)
        if ctx.needs_input_grad[0]:
            # NOTE: tied extremes share the gradient equally, so the shares sum to grad;
            # they are computed in x's dtype (a float32 input gets float32 shares).
            shares = (x == best).astype(x.dtype)
            shares /= shares.sum(axis=axes, keepdims=True)
            ctx.save_for_backward(shares)
        ctx.kept_shape = np.shape(best)
        return best if keepdim else np.reshape(best, reduced_shape(x.shape, axes))

    def backward(ctx, grad):
        (shares,) = ctx.saved_tensors
        if grad.shape != ctx.kept_shape:
            grad = reshape(grad, ctx.kept_shape)
        return (grad * shares,)


@register("amax", sample="reduce", domains=("distinct",), reference=_numpy_reduction(np.max))
class Max(_Extremum):
    """out = max of x over dims;   the maximum gets grad, tied maxima share it equally"""

    reduce = staticmethod(np.max)


@register("amin", sample="reduce", domains=("distinct",), reference=_numpy_reduction(np.min))
class Min(_Extremum):
    """out = min of x over dims;   the minimum gets grad, tied minima share it equally"""

    reduce = staticmethod(np.min)


def _logsumexp_reference(x: np.ndarray, dim: Any = None, keepdim: bool = False) -> np.ndarray:
    axes = normalize_axes(dim, np.ndim(x), "reference")
    return np.log(np.sum(np.exp(x), axis=axes, keepdims=keepdim))


@register("logsumexp", sample="reduce", reference=_logsumexp_reference)
class LogSumExp(Function):
    """out = log(sum(exp(x)));   dL/dx = grad * exp(x - out) (the softmax)"""

    def forward(ctx, x, dim=None, keepdim=False):
        axes = normalize_axes(dim, x.ndim, "logsumexp")
        ctx.kept_shape = kept_shape(x.shape, axes)
        # NOTE: shift by the max so exp never overflows; an all -inf slice shifts by 0.
        shift = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros(ctx.kept_shape)
        shift = np.where(np.isfinite(shift), shift, 0).astype(x.dtype)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer there
            total = np.sum(np.exp(x - shift), axis=axes, keepdims=True)
            out = (np.log(total) + shift).astype(x.dtype, copy=False)
        out = out if keepdim else out.reshape(reduced_shape(x.shape, axes))
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if grad.shape != ctx.kept_shape:  # keepdim=False: put the reduced dims back
            grad, out = reshape(grad, ctx.kept_shape), reshape(out, ctx.kept_shape)
        return (grad * exp(x - out),)


def _cumsum_reference(x: np.ndarray, dim: int) -> np.ndarray:
    return np.cumsum(x, axis=normalize_axis(dim, x.ndim, "reference")).reshape(x.shape)


@register("cumsum", sample="along_dim", reference=_cumsum_reference)
class CumSum(Function):
    """out_i = sum of x_j for j <= i along dim;   dL/dx = reversed cumsum of reversed grad"""

    def forward(ctx, x, dim):
        ctx.axis = normalize_axis(dim, x.ndim, "cumsum")
        return np.cumsum(x, axis=ctx.axis, dtype=_accumulator(x.dtype)).reshape(x.shape)

    def backward(ctx, grad):
        if grad.ndim == 0:
            return (grad,)
        flipped = (slice(None),) * ctx.axis + (slice(None, None, -1),)
        return (CumSum.apply(grad[flipped], dim=ctx.axis)[flipped],)


# ------------------------------------------------------------ public functions


def sum(
    input: Any,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Sum over `dim` (None: all dims); `dtype` converts first.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sum(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=-1)
    tensor([3., 7.])
    """
    dim, keepdim = resolve_dim("sum", dim, keepdim, axis, keepdims)
    return Sum.apply(_converted(input, dtype), dim=dim, keepdim=keepdim)


def prod(
    input: Any,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Product over `dim` (None: all dims); zeros get the exact gradient.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.prod(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
    tensor([ 2., 12.])
    """
    dim, keepdim = resolve_dim("prod", dim, keepdim, axis, keepdims)
    return Prod.apply(_converted(input, dtype), dim=dim, keepdim=keepdim)


def _converted(x: Any, dtype: Any) -> Any:
    if dtype is None:
        return x
    from .elementwise import astype

    return astype(x if isinstance(x, Tensor) else Tensor(x), dtype)


def amax(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """Largest value over `dim` (() or None: all dims); tied maxima share the gradient.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.amax(ag.tensor([[1.0, 5.0], [3.0, 4.0]]), dim=0)
    tensor([3., 5.])
    """
    dim, keepdim = resolve_dim("amax", dim, keepdim, axis, keepdims)
    return Max.apply(input, dim=dim, keepdim=keepdim)


def amin(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """Smallest value over `dim` (() or None: all dims); tied minima share the gradient."""
    dim, keepdim = resolve_dim("amin", dim, keepdim, axis, keepdims)
    return Min.apply(input, dim=dim, keepdim=keepdim)


def max(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Any:
    """The largest value; with `dim`, the named tuple `(values, indices)` along it;
    with a tensor as second argument, the elementwise maximum (as torch.max).

    Examples
    --------
    >>> import autograd_core as ag
    >>> values, indices = ag.max(ag.tensor([[1.0, 5.0], [3.0, 4.0]]), 1)
    >>> values, indices
    (tensor([5., 4.]), tensor([1, 1]))
    """
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    dim, keepdim = resolve_dim("max", dim, keepdim, axis, keepdims)
    if dim is None:
        return Max.apply(input)
    values = Max.apply(input, dim=_one_dim(dim, "max"), keepdim=keepdim)
    return return_types.max(values, argmax(input, dim, keepdim))


def min(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Any:
    """The smallest value; with `dim`, `(values, indices)` along it; with a tensor, minimum."""
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    dim, keepdim = resolve_dim("min", dim, keepdim, axis, keepdims)
    if dim is None:
        return Min.apply(input)
    values = Min.apply(input, dim=_one_dim(dim, "min"), keepdim=keepdim)
    return return_types.min(values, argmin(input, dim, keepdim))


def _extremum_reference(reduce: Any, pairwise: Any) -> Callable[..., np.ndarray]:
    def reference(x: np.ndarray, other: Any = None, dim: Any = None, keepdim: bool = False):
        if other is not None:
            return pairwise(x, other)
        return reduce(x, axis=normalize_axes(dim, np.ndim(x), "reference"), keepdims=keepdim)

    return reference


@register(
    "max",
    sample="extremum",
    domains=("distinct",),
    reference=_extremum_reference(np.max, np.maximum),
)
def _max_values(input: Any, *args: Any, **kwargs: Any) -> Tensor:
    """The tensor result of `max` (the values of `max(x, dim)`), for the registry's tests."""
    out = max(input, *args, **kwargs)
    return out[0] if isinstance(out, tuple) else out  # (values, indices) with a dim


@register(
    "min",
    sample="extremum",
    domains=("distinct",),
    reference=_extremum_reference(np.min, np.minimum),
)
def _min_values(input: Any, *args: Any, **kwargs: Any) -> Tensor:
    """The tensor result of `min` (the values of `min(x, dim)`), for the registry's tests."""
    out = min(input, *args, **kwargs)
    return out[0] if isinstance(out, tuple) else out  # (values, indices) with a dim


def _one_dim(dim: Any, op: str) -> int:
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"{op}: dim must be one int here, got {dim!r} (amax takes several)")
    return int(dim)


def logsumexp(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """log(sum(exp(x))) over `dim`, computed without overflow."""
    dim, keepdim = resolve_dim("logsumexp", dim, keepdim, axis, keepdims)
    return LogSumExp.apply(input, dim=dim, keepdim=keepdim)


def cumsum(input: Any, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running sum along `dim` (required, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.cumsum(ag.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([1., 3., 6.])
    """
    dim, _ = resolve_dim("cumsum", dim, False, axis)
    if dim is None:
        raise TypeError("cumsum: missing the dim to accumulate along")
    return CumSum.apply(_converted(input, dtype), dim=dim)


# -------------------------------------------------- arg-reductions (no gradient)


def _arg_reduce(function: Any, op: str, x: Any, dim: Any, keepdim: bool) -> Tensor:
    data = np.asarray(x._data if isinstance(x, Tensor) else x)
    empty_dim = dim is None or data.ndim == 0 or data.shape[normalize_axis(dim, data.ndim, op)] == 0
    if data.size == 0 and empty_dim:
        raise ValueError(f"{op}: cannot reduce an empty dim (shape {data.shape})")
    if dim is None:
        index = function(data, axis=None, keepdims=keepdim)
    elif data.ndim == 0:
        normalize_axis(dim, 0, op)
        index = function(data.reshape(1), axis=0)
    else:
        index = function(data, axis=normalize_axis(_one_dim(dim, op), data.ndim, op))
        if keepdim:
            index = np.expand_dims(index, normalize_axis(dim, data.ndim, op))
    return Tensor._from_op(np.asarray(index, dtype=np.int64), None)


def argmax(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """Index of the largest value (the first one on ties) as an int64 tensor."""
    dim, keepdim = resolve_dim("argmax", dim, keepdim, axis, keepdims)
    return _arg_reduce(np.argmax, "argmax", input, dim, keepdim)


def argmin(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """Index of the smallest value (the first one on ties) as an int64 tensor."""
    dim, keepdim = resolve_dim("argmin", dim, keepdim, axis, keepdims)
    return _arg_reduce(np.argmin, "argmin", input, dim, keepdim)


__all__ = [
    "amax", "amin", "argmax", "argmin", "cumsum", "logsumexp", "max", "min", "prod", "sum",
]  # fmt: skip
NON_DIFFERENTIABLE = ("argmax", "argmin")
