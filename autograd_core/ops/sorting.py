"""Sorting along a dim as PyTorch does: sort and topk (named tuples `(values,
indices)`, like `max`) and argsort.

The order is computed on numpy (stable: equal values keep their order, NaN
counts as the largest value) and the values are `gather`ed with it, so their
gradient goes back through gather's backward to the places they came from.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..errors import ArgumentError
from ..function import register
from ..tensor import Tensor
from .axes import normalize_axis
from .indexing import Gather
from .movement import reshape


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _order(array: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """The int64 indices that sort `array` along `axis`, stably, NaN last (first if
    descending: the flipped ascending order of the flipped array keeps ties in order)."""
    if not descending:
        return np.argsort(array, axis=axis, kind="stable").astype(np.int64, copy=False)
    flipped = np.argsort(np.flip(array, axis), axis=axis, kind="stable")
    return (array.shape[axis] - 1 - np.flip(flipped, axis)).astype(np.int64, copy=False)


def _sorted(op: str, input: Any, dim: int, descending: bool) -> tuple[Tensor, np.ndarray, int]:
    x = _tensor(input)
    axis = normalize_axis(dim, x.ndim, op)
    if x.ndim == 0:  # one element: as a (1,) tensor
        x = reshape(x, (1,))
    return x, _order(np.asarray(x), axis, descending), axis


def sort(
    input: Any, dim: int = -1, descending: bool = False, stable: bool = False
) -> return_types.sort:
    """The values along `dim` in order and where they were: `(values, indices)`. The sort
    is always stable (`stable=` is accepted); NaN sorts as the largest value.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.sort(ag.tensor([3.0, 1.0, 2.0]), descending=True)
    sort(values=tensor([3., 2., 1.]), indices=tensor([0, 2, 1]))
    """
    x, order, axis = _sorted("sort", input, dim, descending)
    values = Gather.apply(x, dim=axis, index=order)
    if np.ndim(input) == 0:
        values, order = reshape(values, ()), order.reshape(())
    return return_types.sort(values, Tensor._from_op(order, None))


def argsort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort `input` along `dim` (stable; not differentiable).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.argsort(ag.tensor([[2.0, 1.0, 2.0]]), dim=1)
    tensor([[1, 0, 2]])
    """
    _, order, _ = _sorted("argsort", input, dim, descending)
    return Tensor._from_op(order.reshape(np.shape(input)), None)


def topk(
    input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> return_types.topk:
    """The `k` largest (or smallest) values along `dim` and their indices, in order (also
    with `sorted=False`); among equal values the first comes first.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.topk(ag.tensor([1.0, 4.0, 2.0, 3.0]), 2)
    topk(values=tensor([4., 3.]), indices=tensor([1, 3]))
    """
    x, order, axis = _sorted("topk", input, dim, largest)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"topk: k must be an int, got {k!r}")
    if not 0 <= k <= x.shape[axis]:
        raise ArgumentError(
            f"topk: k ({k}) must be between 0 and the size {x.shape[axis]} of dim {dim} "
            f"(shape {np.shape(input)})"
        )
    if np.ndim(input) == 0:  # k = 0 or 1: the element itself, as PyTorch gives
        return return_types.topk(*sort(input))
    order = np.take(order, np.arange(k), axis=axis)
    return return_types.topk(Gather.apply(x, dim=axis, index=order), Tensor._from_op(order, None))


# --------------------------------------------- the registry's one-tensor forms


@register(
    "sort", sample="sort", domains=("distinct",), reference=lambda x, *a, **k: _ref(x, *a, **k)
)
def _sort_values(input: Any, dim: int = -1, descending: bool = False) -> Tensor:
    """The values of `sort`, for the registry's tests."""
    return sort(input, dim, descending).values


def _ref(x: np.ndarray, dim: int = -1, descending: bool = False) -> np.ndarray:
    if np.ndim(x) == 0:
        return x
    out = np.sort(x, axis=dim)
    return np.flip(out, dim) if descending else out


@register(
    "topk", sample="topk", domains=("distinct",), reference=lambda x, k, **kw: _topk_ref(x, k, **kw)
)
def _topk_values(input: Any, k: int, dim: int = -1, largest: bool = True) -> Tensor:
    """The values of `topk`, for the registry's tests."""
    return topk(input, k, dim, largest).values


def _topk_ref(x: np.ndarray, k: int, dim: int = -1, largest: bool = True) -> np.ndarray:
    return x if np.ndim(x) == 0 else np.take(_ref(x, dim, largest), np.arange(k), axis=dim)


__all__ = ["argsort", "sort", "topk"]
NON_DIFFERENTIABLE = ("argsort",)
