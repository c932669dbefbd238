"""Diagonals as PyTorch has them: diagonal (of any two dims, with an offset), diag
(a vector's matrix, or a matrix's diagonal) and trace.

diagonal selects with integer indices (`getitem`, whose backward adds the
gradient back at those places), diag of a vector places it with that adjoint
(`accumulate_at`), and trace sums a diagonal: no backward code of their own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import IndexingError, ShapeError
from ..function import register
from ..tensor import Tensor
from .axes import normalize_axis
from .movement import permute
from .reduce import sum
from .subscript import accumulate_at, getitem


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _positions(rows: int, cols: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of the entries of diagonal `offset` of a rows x cols matrix."""
    count = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start_row, start_col = max(-offset, 0), max(offset, 0)
    steps = np.arange(count)
    return start_row + steps, start_col + steps


@register(
    "diagonal",
    sample="diagonal",
    reference=lambda x, offset, dim1, dim2: np.diagonal(x, offset, dim1, dim2),
)
def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The entries (i, i + offset) of dims dim1 and dim2, in a last dim that replaces them.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.diagonal(ag.arange(9.0).reshape(3, 3), 1)
    tensor([1., 5.])
    """
    return _diagonal_of(_tensor(input), int(offset), dim1, dim2)


def _diagonal_of(x: Tensor, offset: int, dim1: int, dim2: int) -> Tensor:
    if x.ndim < 2:  # dim 1 is out of range: an IndexError, as in PyTorch
        raise IndexingError(f"diagonal: needs at least 2 dims, got shape {x.shape}")
    a, b = normalize_axis(dim1, x.ndim, "diagonal"), normalize_axis(dim2, x.ndim, "diagonal")
    if a == b:
        raise ShapeError(f"diagonal: dim1 and dim2 are the same dim ({dim1}, {dim2})")
    rest = [d for d in range(x.ndim) if d not in (a, b)]
    moved = permute(x, (*rest, a, b))  # (..., rows, cols)
    rows, cols = _positions(x.shape[a], x.shape[b], offset)
    return getitem(moved, (Ellipsis, rows, cols))


@register("diag", sample="diag", reference=np.diag)
def diag(input: Any, diagonal: int = 0) -> Tensor:
    """For a vector, the square matrix with it on diagonal `diagonal`; for a matrix, that
    diagonal as a vector.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.diag(ag.tensor([1.0, 2.0]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    x = _tensor(input)
    if x.ndim == 2:
        return _diagonal_of(x, int(diagonal), 0, 1)
    if x.ndim != 1:
        raise ShapeError(f"diag: expects a 1-d or 2-d tensor, got shape {x.shape}")
    side = x.shape[0] + abs(int(diagonal))
    rows, cols = _positions(side, side, int(diagonal))
    return accumulate_at(x, (rows, cols), (side, side))


@register("trace", sample="trace", reference=np.trace)
def trace(input: Any) -> Tensor:
    """The sum of the main diagonal of a matrix.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.trace(ag.arange(9.0).reshape(3, 3))
    tensor(12.)
    """
    x = _tensor(input)
    if x.ndim != 2:
        raise ShapeError(f"trace: expects a matrix, got shape {x.shape}")
    return sum(_diagonal_of(x, 0, 0, 1))


__all__ = ["diag", "diagonal", "trace"]
