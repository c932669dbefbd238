"""Where values are and which values there are, as PyTorch answers it: nonzero
(indices, or one index tensor per dim with `as_tuple`), argwhere, and unique
(sorted, with the inverse indices and the counts). Integer results: not
differentiable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArgumentError
from ..tensor import Tensor
from .axes import normalize_axes


def _indices(values: Any) -> Tensor:
    return Tensor._from_op(np.asarray(values, dtype=np.int64), None)


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero elements: an (n, ndim) int64 tensor, or with `as_tuple`
    one 1-d tensor per dim (a 0-d input counts as 1-d).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.nonzero(ag.tensor([[0.0, 1.0], [2.0, 0.0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    array = np.asarray(input)
    if as_tuple:
        return tuple(_indices(i) for i in np.nonzero(np.atleast_1d(array)))
    return _indices(np.argwhere(array))


def argwhere(input: Any) -> Tensor:
    """`nonzero(input)`: the (n, ndim) indices of the nonzero elements.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.argwhere(ag.tensor([0.0, 3.0, 4.0]))
    tensor([[1],
            [2]])
    """
    return _indices(np.argwhere(np.asarray(input)))


def count_nonzero(input: Any, dim: Any = None) -> Tensor:
    """The number of nonzero elements (over `dim`: an int or a tuple; all by default).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.count_nonzero(ag.tensor([[0.0, 1.0], [2.0, 3.0]]), dim=0)
    tensor([1, 2])
    """
    array = np.asarray(input)
    axes = normalize_axes(dim, array.ndim, "count_nonzero")
    return _indices(np.count_nonzero(array, axis=axes) if array.ndim else int(array != 0))


def unique(
    input: Any,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct values, sorted (also with `sorted=False`); with `return_inverse` the
    index of each element's value in them, with `return_counts` how often each occurs.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.unique(ag.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    if dim is not None:
        raise ArgumentError("unique: dim= is not supported (unique values of all elements only)")
    array = np.asarray(input)
    values, inverse, counts = np.unique(array, return_inverse=True, return_counts=True)
    out: list[Tensor] = [Tensor._from_op(values, None)]
    if return_inverse:
        out.append(_indices(inverse.reshape(array.shape)))
    if return_counts:
        out.append(_indices(counts))
    return out[0] if len(out) == 1 else tuple(out)


__all__ = ["argwhere", "count_nonzero", "nonzero", "unique"]
NON_DIFFERENTIABLE = ("argwhere", "count_nonzero", "nonzero", "unique")
