"""Subscripts: `x[index]` (`getitem`), its adjoint `accumulate_at`, and `index_put`, what
`x[index] = value` records on a tensor in the graph.

Internal primitives: users reach them through `Tensor.__getitem__` and `__setitem__`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .movement import broadcast_to, reshape


def _is_basic(index: Any) -> bool:
    """True for indices that select without copying and never repeat an element."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (slice, type(None), type(Ellipsis)))
        or (isinstance(p, (int, np.integer)) and not isinstance(p, bool))
        for p in parts
    )


def _plain_index(index: Any) -> Any:
    """Replace tensors and lists inside an index by numpy arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_index(p) for p in index)
    if isinstance(index, Tensor):
        return np.asarray(index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


@register("getitem", sample="getitem", reference=lambda x, index: x[index])
class GetItem(Function):
    """out = x[index];   dL/dx = zeros with grad added at the selected places"""

    array_fields = ("index",)

    def forward(ctx, x, index):
        ctx.index = index
        ctx.input_shape = x.shape
        ctx.is_view = _is_basic(index)  # slices select a view; integer arrays copy
        return x[index]

    def backward(ctx, grad):
        return (AccumulateAt.apply(grad, index=ctx.index, shape=ctx.input_shape),)


@register("accumulate_at", sample="accumulate_at")
class AccumulateAt(Function):
    """out = zeros(shape) with x added at out[index], repeated indices accumulating;
    dL/dx = grad[index]"""

    array_fields = ("index",)

    def forward(ctx, x, index, shape):
        ctx.index = index
        out = np.zeros(shape, dtype=x.dtype)
        if _is_basic(index) or (isinstance(index, np.ndarray) and index.dtype == bool):
            out[index] = x  # no element can be selected twice
        else:
            np.add.at(out, index, x)
        return out

    def backward(ctx, grad):
        return (GetItem.apply(grad, index=ctx.index),)


def getitem(x: Tensor, index: Any) -> Tensor:
    """x[index] with slices, steps, integer arrays (repeats accumulate) and boolean masks."""
    return GetItem.apply(x, index=_plain_index(index))


def accumulate_at(x: Tensor, index: Any, shape: tuple[int, ...]) -> Tensor:
    """zeros(shape) with x added at [index] (repeats accumulate): the adjoint of getitem."""
    return AccumulateAt.apply(x, index=_plain_index(index), shape=tuple(shape))


def index_put(x: Tensor, index: Any, value: Any) -> Tensor:
    """x with `value` (broadcast, in x's dtype) written at `x[index]`: what `x[index] = value`
    records on a tensor in the graph. A position written twice keeps the last value.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ops.subscript.index_put(ag.zeros(3), 1, 5.0)
    tensor([0., 5., 0.])
    """
    from .elementwise import astype, where

    index = _plain_index(index)
    size = math.prod(x.shape)
    positions = np.arange(size).reshape(x.shape)[index]  # which elements are written
    if not isinstance(value, Tensor):
        value = Tensor._from_op(np.asarray(value, dtype=x.dtype), None)
    elif value.dtype != x.dtype:
        value = astype(value, x.dtype)
    flat = positions.reshape(-1)
    # NOTE: the last write of a position wins, as numpy's assignment does.
    written, first_from_end = np.unique(flat[::-1], return_index=True)
    chosen = reshape(broadcast_to(value, positions.shape), (-1,))[flat.size - 1 - first_from_end]
    placed = reshape(AccumulateAt.apply(chosen, index=written, shape=(size,)), x.shape)
    mask = np.zeros(size, dtype=bool)
    mask[written] = True
    return where(mask.reshape(x.shape), placed, x)
