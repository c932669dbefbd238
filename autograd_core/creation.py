"""Creation helpers: tensor, zeros, ones, full, arange, eye, rand, randn and the `_like` forms.

Shapes are given as numpy does (`zeros((2, 3))`, `zeros(3)`); `rand` and
`randn` also take sizes as separate arguments, as PyTorch does. Every helper
takes `dtype=` and `requires_grad=`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype
from .random import default_generator
from .tensor import Tensor

Shape = Any  # an int or a sequence of ints


def _shape(shape: Shape, op: str) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{op}: a shape is a tuple of non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)


def _float_dtype(dtype: Any) -> np.dtype:
    return get_default_dtype() if dtype is None else np.dtype(dtype)


def tensor(
    data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
) -> Tensor:
    """A new leaf tensor from numbers, nested lists or an ndarray.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tensor([1.0, 2.0]).dtype, ag.tensor([1, 2]).dtype
    (dtype('float32'), dtype('int64'))
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros, e.g. `zeros((2, 3))`."""
    data = np.zeros(_shape(shape, "zeros"), dtype=_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def ones(shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones, e.g. `ones(3)`."""
    data = np.ones(_shape(shape, "ones"), dtype=_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def full(shape: Shape, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with `fill_value`."""
    data = np.full(_shape(shape, "full"), fill_value, dtype=_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of `t`."""
    data = np.zeros_like(np.asarray(t), dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of `t`."""
    data = np.ones_like(np.asarray(t), dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, stop); integers unless a bound or step is a float.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.arange(3), ag.arange(0, 1, 0.5)
    (tensor([0, 1, 2]), tensor([0. , 0.5]))
    """
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if stop is None:
        start, stop = 0, start
    if dtype is None and any(isinstance(v, float) for v in (start, stop, step)):
        dtype = get_default_dtype()
    return Tensor(np.arange(start, stop, step, dtype=dtype), requires_grad=requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An n x m identity matrix (square when m is None)."""
    return Tensor(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def _sizes(sizes: tuple[Any, ...], op: str) -> tuple[int, ...]:
    if len(sizes) == 1 and not isinstance(sizes[0], (int, np.integer)):
        return _shape(sizes[0], op)
    return _shape(sizes, op)


def rand(*sizes: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1): `rand(2, 3)` or `rand((2, 3))`; seeded by `manual_seed`."""
    data = default_generator().random(_sizes(sizes, "rand")).astype(_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def randn(*sizes: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples: `randn(2, 3)` or `randn((2, 3))`; seeded by `manual_seed`."""
    data = default_generator().standard_normal(_sizes(sizes, "randn")).astype(_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)
