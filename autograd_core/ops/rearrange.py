"""Ops that move values around in new memory, with PyTorch's names and arguments:
flip, roll, repeat, tile, and the triangles tril/triu.

flip and roll are primitives (numpy copies; the backward flips or rolls the
gradient back); repeat and tile are a reshape and a broadcast (so the
gradient sums the copies), and tril/triu a `where` with a constant mask.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import IndexingError, ShapeError
from ..function import Function, register
from ..tensor import Tensor
from .axes import normalize_axes, normalize_axis
from .elementwise import where
from .movement import broadcast_to, reshape


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _ints(values: Any) -> tuple[int, ...]:
    if len(values) == 1 and isinstance(values[0], (tuple, list)):
        values = values[0]
    return tuple(int(v) for v in values)


@register("flip", sample="flip", reference=lambda x, dims: np.flip(x, dims) if np.ndim(x) else x)
class Flip(Function):
    """out = x with the order along `dims` reversed (a copy);   dL/dx = grad flipped back"""

    def forward(ctx, x, dims):
        axes = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        ctx.axes = normalize_axes(axes, x.ndim, "flip", empty_is_all=False)
        if len(set(a % max(x.ndim, 1) for a in axes)) != len(axes):
            raise ShapeError(f"flip: dims {axes} repeat a dim")
        return np.flip(x, ctx.axes).copy() if ctx.axes else np.array(x, copy=True)

    def backward(ctx, grad):
        return (Flip.apply(grad, dims=ctx.axes),)


def flip(input: Any, dims: Any) -> Tensor:
    """Reverse the order of the elements along `dims` (an int or a tuple).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.flip(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), (0, 1))
    tensor([[4., 3.],
            [2., 1.]])
    """
    return Flip.apply(input, dims=dims)


def _roll_reference(x: np.ndarray, shifts: Any, dims: Any = None) -> np.ndarray:
    if dims is None or np.ndim(x) == 0:
        return np.roll(x, shifts if np.ndim(x) else 0)
    return np.roll(x, shifts, dims)


@register("roll", sample="roll", reference=_roll_reference)
class Roll(Function):
    """out = x shifted cyclically by `shifts` along `dims` (all elements, flattened, if
    None);   dL/dx = grad rolled back by -shifts"""

    def forward(ctx, x, shifts, dims=None):
        shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        if dims is None:
            if len(shifts) != 1:
                raise ShapeError(f"roll: {len(shifts)} shifts need as many dims, got none")
            ctx.shifts, ctx.dims = shifts, None
            return np.roll(x, shifts[0]) if x.ndim else np.array(x, copy=True)
        dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if x.ndim == 0:
            raise IndexingError(f"roll: dims {dims} given for a 0-d tensor, which has none")
        if len(shifts) != len(dims):
            raise ShapeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
        ctx.shifts = shifts
        ctx.dims = tuple(normalize_axis(d, x.ndim, "roll") for d in dims)
        return np.roll(x, shifts, ctx.dims)

    def backward(ctx, grad):
        back = tuple(-s for s in ctx.shifts)
        return (Roll.apply(grad, shifts=back, dims=ctx.dims),)


def roll(input: Any, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the elements cyclically along `dims` (None: over the flattened tensor).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.roll(ag.tensor([1.0, 2.0, 3.0]), 1)
    tensor([3., 1., 2.])
    """
    return Roll.apply(input, shifts=shifts, dims=dims)


@register("repeat", sample="repeat", reference=lambda x, *sizes: np.tile(x, sizes))
def repeat(input: Any, *sizes: Any) -> Tensor:
    """The tensor repeated `sizes[i]` times along dim i (new leading dims where `sizes` is
    longer than the shape), as `Tensor.repeat` (numpy's `tile`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tensor([1.0, 2.0]).repeat(2, 2)
    tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]])
    """
    x = _tensor(input)
    counts = _ints(sizes)
    if len(counts) < x.ndim:
        raise ShapeError(
            f"repeat: the number of repeats ({len(counts)}) must be at least the number of "
            f"dims of the tensor (shape {x.shape})"
        )
    if any(n < 0 for n in counts):
        raise ShapeError(f"repeat: repeats must be >= 0, got {counts}")
    shape = (1,) * (len(counts) - x.ndim) + tuple(x.shape)
    spread = reshape(x, tuple(s for n in shape for s in (1, n)))  # (1, s0, 1, s1, ...)
    copies = broadcast_to(spread, tuple(v for pair in zip(counts, shape) for v in pair))
    return reshape(copies, tuple(c * n for c, n in zip(counts, shape)))  # (c0*s0, c1*s1, ...)


def tile(input: Any, dims: Any) -> Tensor:
    """`repeat`, with `dims` padded with leading 1s when shorter than the shape.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tile(ag.ones(2, 2), (3,)).shape
    (2, 6)
    """
    x = _tensor(input)
    counts = _ints((dims,) if isinstance(dims, (int, np.integer)) else tuple(dims))
    return repeat(x, (1,) * (x.ndim - len(counts)) + counts)


def _triangle(op: str, x: Any, diagonal: int, lower: bool) -> Tensor:
    x = _tensor(x)
    if x.ndim < 2:
        raise ShapeError(f"{op}: needs a tensor with at least 2 dims, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]  # column minus row
    keep = offset <= diagonal if lower else offset >= diagonal
    return where(keep, x, np.zeros((), dtype=x.dtype))


@register("tril", sample="triangle", reference=lambda x, diagonal=0: np.tril(x, diagonal))
def tril(input: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims (entries with column - row <= diagonal);
    zeros elsewhere.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tril(ag.ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle("tril", input, diagonal, lower=True)


@register("triu", sample="triangle", reference=lambda x, diagonal=0: np.triu(x, diagonal))
def triu(input: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims (column - row >= diagonal); zeros elsewhere.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.triu(ag.ones(2, 2))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _triangle("triu", input, diagonal, lower=False)


__all__ = ["flip", "repeat", "roll", "tile", "tril", "triu"]
ALIASES = {"tile": "repeat"}
