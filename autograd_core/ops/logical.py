"""Boolean results, not differentiable: the comparisons (with PyTorch's short names
eq, ne, lt, le, gt, ge), isnan/isinf/isfinite, the logical_* functions, and the
reductions all/any (with dim/keepdim).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from .axes import normalize_axes, resolve_dim


def _array(x: Any) -> np.ndarray:
    return np.asarray(x)


def _boolean(values: Any) -> Tensor:
    return Tensor._from_op(np.asarray(values, dtype=bool), None)


def _compare(ufunc: np.ufunc, x: Any, y: Any) -> Tensor:
    a = np.asarray(x) if isinstance(x, Tensor) else x
    b = np.asarray(y) if isinstance(y, Tensor) else y
    try:
        return Tensor._from_op(np.asarray(ufunc(a, b)), None)
    except ValueError as error:
        raise ValueError(f"{ufunc.__name__}: {error}") from None


def less(x: Any, y: Any) -> Tensor:
    """x < y as a boolean tensor.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.less(ag.tensor([1.0, 2.0]), 2), ag.tensor([1.0, 2.0]).lt(2)
    (tensor([ True, False]), tensor([ True, False]))
    """
    return _compare(np.less, x, y)


def less_equal(x: Any, y: Any) -> Tensor:
    """x <= y as a boolean tensor.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.le(ag.tensor([1.0, 2.0]), 1.0)
    tensor([ True, False])
    """
    return _compare(np.less_equal, x, y)


def greater(x: Any, y: Any) -> Tensor:
    """x > y as a boolean tensor.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.gt(ag.tensor([1.0, 2.0]), 1.0)
    tensor([False,  True])
    """
    return _compare(np.greater, x, y)


def greater_equal(x: Any, y: Any) -> Tensor:
    """x >= y as a boolean tensor.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ge(ag.tensor([1.0, 2.0]), 2.0)
    tensor([False,  True])
    """
    return _compare(np.greater_equal, x, y)


def eq(x: Any, y: Any) -> Tensor:
    """x == y as a boolean tensor (the `==` operator).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.eq(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 3.0]))
    tensor([ True, False])
    """
    return _compare(np.equal, x, y)


def equal(input: Any, other: Any) -> bool:
    """True if both have the same shape and the same values (NaN equals nothing), as
    `torch.equal`; `eq` compares elementwise.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.equal(ag.tensor([1.0, 2.0]), ag.tensor([1, 2])), ag.equal(ag.ones(2), ag.ones(1, 2))
    (True, False)
    """
    a, b = np.asarray(input), np.asarray(other)
    return bool(a.shape == b.shape and np.array_equal(a, b))


def not_equal(x: Any, y: Any) -> Tensor:
    """x != y as a boolean tensor.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ne(ag.tensor([1.0, 2.0]), 1.0)
    tensor([False,  True])
    """
    return _compare(np.not_equal, x, y)


ne, lt, le, gt, ge = not_equal, less, less_equal, greater, greater_equal


def isclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """True where |input - other| <= atol + rtol * |other|, with broadcasting.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.isclose(ag.tensor([1.0, 2.0]), ag.tensor([1.0 + 1e-9, 2.1]))
    tensor([ True, False])
    """
    return _boolean(_close("isclose", input, other, rtol, atol, equal_nan))


def _close(op: str, x: Any, y: Any, rtol: float, atol: float, equal_nan: bool) -> np.ndarray:
    a, b = _array(x), _array(y)
    try:
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError:
        raise ShapeError(f"{op}: shapes {a.shape} and {b.shape} do not broadcast") from None


def allclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """True if `isclose` holds everywhere (one bool, as torch.allclose).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.allclose(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    return bool(np.all(_close("allclose", input, other, rtol, atol, equal_nan)))


def isnan(input: Any) -> Tensor:
    """True where x is NaN.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.isnan(ag.tensor([1.0, float("nan")]))
    tensor([False,  True])
    """
    return _boolean(np.isnan(_array(input)))


def isinf(input: Any) -> Tensor:
    """True where x is +inf or -inf.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.isinf(ag.tensor([1.0, float("-inf")]))
    tensor([False,  True])
    """
    return _boolean(np.isinf(_array(input)))


def isfinite(input: Any) -> Tensor:
    """True where x is neither NaN nor infinite.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.isfinite(ag.tensor([1.0, float("inf"), float("nan")]))
    tensor([ True, False, False])
    """
    return _boolean(np.isfinite(_array(input)))


def _logical(ufunc: np.ufunc, x: Any, y: Any) -> Tensor:
    a, b = _array(x), _array(y)
    try:
        return _boolean(ufunc(a, b))
    except ValueError:
        raise ShapeError(
            f"{ufunc.__name__}: shapes {a.shape} and {b.shape} do not broadcast"
        ) from None


def logical_and(input: Any, other: Any) -> Tensor:
    """x and y elementwise (nonzero is true), with broadcasting.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.logical_and(ag.tensor([True, True]), ag.tensor([True, False]))
    tensor([ True, False])
    """
    return _logical(np.logical_and, input, other)


def logical_or(input: Any, other: Any) -> Tensor:
    """x or y elementwise (nonzero is true), with broadcasting.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.logical_or(ag.tensor([0, 1]), ag.tensor([0, 0]))
    tensor([False,  True])
    """
    return _logical(np.logical_or, input, other)


def logical_xor(input: Any, other: Any) -> Tensor:
    """x xor y elementwise (nonzero is true), with broadcasting.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.logical_xor(ag.tensor([True, True]), ag.tensor([True, False]))
    tensor([False,  True])
    """
    return _logical(np.logical_xor, input, other)


def logical_not(input: Any) -> Tensor:
    """not x elementwise (nonzero is true).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.logical_not(ag.tensor([0.0, 2.0]))
    tensor([ True, False])
    """
    return _boolean(np.logical_not(_array(input)))


def all(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """True where every element over `dim` is nonzero (None: all elements).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.all(ag.tensor([[1.0, 0.0], [2.0, 3.0]]), dim=1)
    tensor([False,  True])
    """
    dim, keepdim = resolve_dim("all", dim, keepdim, axis, keepdims)
    data = _array(input)
    return _boolean(np.all(data, axis=normalize_axes(dim, data.ndim, "all"), keepdims=keepdim))


def any(
    input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """True where some element over `dim` is nonzero (None: all elements).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.any(ag.tensor([[0.0, 0.0], [0.0, 3.0]]), dim=1)
    tensor([False,  True])
    """
    dim, keepdim = resolve_dim("any", dim, keepdim, axis, keepdims)
    data = _array(input)
    return _boolean(np.any(data, axis=normalize_axes(dim, data.ndim, "any"), keepdims=keepdim))


__all__ = [
    "all", "allclose", "any", "eq", "equal", "ge", "greater", "greater_equal", "gt", "isclose",
    "isfinite", "isinf", "isnan", "le", "less", "less_equal", "logical_and", "logical_not",
    "logical_or", "logical_xor", "lt", "ne", "not_equal",
]  # fmt: skip
ALIASES = {"ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater",
           "ge": "greater_equal"}  # fmt: skip
NON_DIFFERENTIABLE = tuple(name for name in __all__ if name not in ALIASES)
