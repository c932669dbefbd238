"""Composite reductions built on sum, max and logsumexp: mean, var, std, norm,
softmax and log_softmax. They need no backward of their own.

Masked formulas use the double-where form (the masked branch sees a safe
value), so a square root or a division at zero gives PyTorch's 0 gradient
instead of NaN, to second order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import register
from ..tensor import Tensor
from .axes import normalize_axes, resolve_dim
from .elementwise import abs, astype, exp, sqrt, where
from .reduce import Max, Min, Sum, logsumexp


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _count(x: Tensor, dim: Any, op: str) -> int:
    axes = normalize_axes(dim, x.ndim, op)
    return math.prod(x.shape[a] for a in axes)


def _mean_reference(x: np.ndarray, dim: Any = None, keepdim: bool = False) -> np.ndarray:
    return np.mean(x, axis=normalize_axes(dim, x.ndim, "reference"), keepdims=keepdim)


@register("mean", sample="reduce", reference=_mean_reference)
def mean(
    input: Any,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """Arithmetic mean over `dim` (None: all dims); float16 is averaged in float32.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.mean(ag.tensor([[1.0, 2.0], [3.0, 5.0]]), dim=1, keepdim=True)
    tensor([[1.5],
            [4. ]])
    """
    dim, keepdim = resolve_dim("mean", dim, keepdim, axis, keepdims)
    x = _tensor(input) if dtype is None else astype(_tensor(input), dtype)
    count = _count(x, dim, "mean")  # first, so that a bad dim is reported as mean's
    if x.dtype == np.float16:  # NOTE: a float16 total overflows long before the mean does
        return astype(mean(astype(x, np.float32), dim, keepdim), np.float16)
    total = Sum.apply(x, dim=dim, keepdim=keepdim)
    return total / count if count else total * np.nan


def _correction(op: str, unbiased: Any, correction: Any) -> float:
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}: give unbiased= or correction=, not both")
    if correction is not None:
        return float(correction)
    return 1.0 if unbiased is None or unbiased else 0.0


def _var_reference(
    x: np.ndarray, dim: Any = None, keepdim: bool = False, correction: float = 1
) -> np.ndarray:
    axes = normalize_axes(dim, x.ndim, "reference")
    return np.var(x, axis=axes, keepdims=keepdim, ddof=correction)


@register("var", sample="var", reference=_var_reference)
def var(
    input: Any,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """Variance over `dim`, dividing by N - correction (PyTorch's default: unbiased, 1).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0, 4.0])
    >>> ag.var(x), ag.var(x, correction=0)
    (tensor(1.6666666), tensor(1.25))
    """
    if isinstance(dim, bool):  # var(x, unbiased), as PyTorch's overload takes it
        dim, unbiased = None, dim
    dim, keepdim = resolve_dim("var", dim, keepdim, axis, keepdims)
    correction = _correction("var", unbiased, correction)
    x = _tensor(input)
    count = _count(x, dim, "var")  # first, so that a bad dim is reported as var's
    centred = x - mean(x, dim, keepdim=True)
    scale = _overflow_scale(centred, dim, count)
    if scale is not None:
        centred = centred / scale
    total = Sum.apply(centred * centred, dim=dim, keepdim=keepdim)
    if count - correction <= 0:
        return total * np.nan  # no degrees of freedom left: NaN, as in PyTorch
    out = total / (count - correction)
    if scale is not None:
        scale = scale if keepdim else np.squeeze(scale, normalize_axes(dim, x.ndim, "var"))
        out = out * scale * scale
    return out


def _overflow_scale(centred: Tensor, dim: Any, count: int) -> np.ndarray | None:
    """A power of two per slice to divide deviations by when their squares would overflow.

    Powers of two scale exactly, and the scale is a constant, so values and
    gradients are those of the unscaled formula wherever that one is finite.
    """
    data = np.asarray(centred._data)
    if data.size == 0 or data.dtype.kind != "f":
        return None
    largest = np.max(np.abs(data), axis=normalize_axes(dim, data.ndim, "var"), keepdims=True)
    if not np.any(largest > np.sqrt(np.finfo(data.dtype).max / max(count, 1))):
        return None
    _, exponent = np.frexp(np.where(np.isfinite(largest), largest, 1))
    return np.ldexp(np.ones_like(largest), exponent)


@register("std", sample="var", reference=lambda *a, **k: np.sqrt(_var_reference(*a, **k)))
def std(
    input: Any,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """Standard deviation, sqrt of `var` (same arguments); gradient 0 where it is 0, as torch.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.std(ag.tensor([1.0, 2.0, 3.0, 4.0]), correction=0)
    tensor(1.118034)
    """
    return _safe_sqrt(var(input, dim, unbiased, keepdim, correction=correction, axis=axis,
                          keepdims=keepdims))  # fmt: skip


def _safe_sqrt(x: Tensor) -> Tensor:
    """sqrt(x) whose gradient at x = 0 is 0 (double-where: the masked sqrt sees 1)."""
    is_zero = np.asarray(x._data) == 0
    if not is_zero.any():
        return sqrt(x)
    return where(is_zero, 0.0, sqrt(where(is_zero, 1.0, x)))


def _norm_reference(x: np.ndarray, p: Any = "fro", dim: Any = None, keepdim: bool = False):
    axes = normalize_axes(dim, x.ndim, "reference")
    a = np.abs(x)
    if p in ("fro", 2):
        return np.sqrt(np.sum(a * a, axis=axes, keepdims=keepdim))
    if p == np.inf:
        return np.max(a, axis=axes, keepdims=keepdim)
    if p == -np.inf:
        return np.min(a, axis=axes, keepdims=keepdim)
    return np.sum(a**p, axis=axes, keepdims=keepdim) ** (1 / p)


@register("norm", sample="norm", reference=_norm_reference)
def norm(
    input: Any,
    p: Any = "fro",
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """The vector p-norm over `dim` (None: all elements): p = 2 or "fro", 1, inf, -inf, 0,
    or any other number; the gradient at a zero norm is 0, as in PyTorch.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.norm(ag.tensor([[3.0, 4.0], [6.0, 8.0]]), dim=1)
    tensor([ 5., 10.])
    """
    dim, keepdim = resolve_dim("norm", dim, keepdim, axis, keepdims)
    x = _tensor(input) if dtype is None else astype(_tensor(input), dtype)
    if p in ("fro", 2, 2.0):
        return _safe_sqrt(Sum.apply(x * x, dim=dim, keepdim=keepdim))
    if p in (np.inf, -np.inf):
        return (Max if p > 0 else Min).apply(abs(x), dim=dim, keepdim=keepdim)
    if p == 0:
        nonzero = (np.asarray(x._data) != 0).astype(x.dtype)
        return Sum.apply(Tensor(nonzero), dim=dim, keepdim=keepdim)
    if isinstance(p, str) or not isinstance(p, (int, float)):
        raise ValueError(f"norm: p must be a number, 'fro', inf or -inf, got {p!r}")
    if p == 1:
        return Sum.apply(abs(x), dim=dim, keepdim=keepdim)
    total = Sum.apply(abs(x) ** p, dim=dim, keepdim=keepdim)
    is_zero = np.asarray(total._data) == 0
    return where(is_zero, 0.0, where(is_zero, 1.0, total) ** (1.0 / p))


def _softmax_reference(x: np.ndarray, dim: int = -1) -> np.ndarray:
    axes = normalize_axes(dim, x.ndim, "reference")
    e = np.exp(x - np.max(x, axis=axes, keepdims=True))
    return e / np.sum(e, axis=axes, keepdims=True)


def _one_axis(dim: Any, op: str, ndim: int) -> tuple[int, ...]:
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    return normalize_axes(dim, ndim, op)


@register("softmax", sample="softmax", reference=_softmax_reference)
def softmax(input: Any, dim: Any = -1, dtype: Any = None, *, axis: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, through logsumexp so it never overflows.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.softmax(ag.tensor([1000.0, 1000.0]), dim=0)
    tensor([0.5, 0.5])
    """
    dim, _ = resolve_dim("softmax", None if axis is not None else dim, False, axis)
    return exp(log_softmax(input, dim, dtype))


@register(
    "log_softmax",
    sample="softmax",
    reference=lambda x, dim=-1: np.log(_softmax_reference(x, dim)),
)
def log_softmax(input: Any, dim: Any = -1, dtype: Any = None, *, axis: Any = None) -> Tensor:
    """x - logsumexp(x) along `dim`: log-probabilities that stay finite for large logits."""
    dim, _ = resolve_dim("log_softmax", None if axis is not None else dim, False, axis)
    x = _tensor(input) if dtype is None else astype(_tensor(input), dtype)
    axes = _one_axis(dim, "log_softmax", x.ndim)
    # NOTE: subtracting the (constant) max first keeps float32 accurate for logits near
    # 1000; the result does not depend on the shift, so neither does its gradient.
    data = np.asarray(x._data)
    shift = np.max(data, axis=axes, keepdims=True) if data.size else np.zeros(())
    shifted = x - np.where(np.isfinite(shift), shift, 0).astype(x.dtype)
    return shifted - logsumexp(shifted, dim=axes, keepdim=True)


__all__ = ["log_softmax", "mean", "norm", "softmax", "std", "var"]
