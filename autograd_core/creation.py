"""Creation functions with PyTorch's signatures: tensor, zeros, ones, full, arange, ... .

Sizes are given as PyTorch takes them: separate ints (`zeros(2, 3)`) or one
tuple, list or `Size` (`zeros((2, 3))`, `zeros(x.shape)`). Every function
takes the keywords `dtype=`, `device=` (only the CPU exists) and
`requires_grad=`. Python ints make int64 tensors, Python floats the default
float dtype, bools bool tensors, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .device import as_device
from .dtypes import as_array, get_default_dtype, to_dtype
from .errors import ArgumentError, DTypeError, ShapeError
from .random import default_generator
from .tensor import Tensor


def _shape(sizes: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """The shape from `*size` arguments: ints, or one tuple/list/Size of ints."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(
                f"{op}: a size is ints or one tuple of ints, got {sizes!r} "
                f"({type(n).__name__} {n!r} is not an int)"
            )
        if n < 0:
            raise ShapeError(f"{op}: a size cannot be negative, got {tuple(sizes)}")
    return tuple(int(n) for n in sizes)


def _sizes(size: tuple[Any, ...], keyword: dict[str, Any], op: str) -> tuple[Any, ...]:
    """`*size`, or the `size=` keyword PyTorch also takes (`zeros(size=(2, 3))`)."""
    if set(keyword) - {"size"}:
        raise TypeError(f"{op}: unexpected keyword arguments {sorted(keyword)}")
    if "size" in keyword:
        if size:
            raise TypeError(f"{op}: size given both as arguments and as size=")
        return (keyword["size"],)
    return size


def _dtype(dtype: Any, default: np.dtype | None, op: str) -> np.dtype:
    if dtype is None:
        return get_default_dtype() if default is None else default
    return to_dtype(dtype, op)


def _leaf(data: np.ndarray, requires_grad: bool, device: Any, op: str) -> Tensor:
    if device is not None:
        as_device(device, op)
    return Tensor(data, requires_grad=requires_grad)


def tensor(
    data: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    name: str | None = None,
) -> Tensor:
    """A new leaf tensor holding a copy of `data` (numbers, nested lists, arrays, tensors).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.tensor([1.0, 2.0]).dtype, ag.tensor([1, 2]).dtype, ag.tensor(True).dtype
    (dtype('float32'), dtype('int64'), dtype('bool'))
    """
    if device is not None:
        as_device(device, "tensor")
    if isinstance(data, Tensor):
        data = data._data
    array = as_array(data, None if dtype is None else to_dtype(dtype, "tensor"), op="tensor")
    if isinstance(data, np.ndarray) and np.shares_memory(array, data):
        array = array.copy()  # torch.tensor always copies
    return Tensor(array, requires_grad=requires_grad, name=name)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor, sharing memory with an ndarray or tensor of the same dtype."""
    if device is not None:
        as_device(device, "as_tensor")
    dtype = None if dtype is None else to_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or dtype == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype == data.dtype):
        return Tensor(data)
    return Tensor(as_array(data, dtype, op="as_tensor"))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` (changes to one show in the other).

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> a = np.zeros(2); t = ag.from_numpy(a); a[0] = 5.0; t
    tensor([5., 0.], dtype=float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(as_array(array, op="from_numpy"))


def zeros(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    **keyword_size: Any,
) -> Tensor:
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`."""
    data = np.zeros(
        _shape(_sizes(size, keyword_size, "zeros"), "zeros"), dtype=_dtype(dtype, None, "zeros")
    )
    return _leaf(data, requires_grad, device, "zeros")


def ones(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    **keyword_size: Any,
) -> Tensor:
    """A tensor of ones: `ones(2, 3)` or `ones((2, 3))`."""
    data = np.ones(
        _shape(_sizes(size, keyword_size, "ones"), "ones"), dtype=_dtype(dtype, None, "ones")
    )
    return _leaf(data, requires_grad, device, "ones")


def empty(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    **keyword_size: Any,
) -> Tensor:
    """An uninitialised tensor (its values are whatever the memory held)."""
    data = np.empty(
        _shape(_sizes(size, keyword_size, "empty"), "empty"), dtype=_dtype(dtype, None, "empty")
    )
    return _leaf(data, requires_grad, device, "empty")


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of `size` filled with `fill_value`; the dtype follows the value, as in PyTorch.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.full((2,), 7), ag.full((2,), 0.5)
    (tensor([7, 7]), tensor([0.5, 0.5]))
    """
    shape = _shape((size,), "full")
    value = as_array(fill_value.item() if isinstance(fill_value, Tensor) else fill_value, op="full")
    data = np.full(shape, value, dtype=_dtype(dtype, np.asarray(value).dtype, "full"))
    return _leaf(data, requires_grad, device, "full")


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from `start` to `end` (exclusive) by `step`: int64, or the default float
    dtype when any of the three is a float.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.arange(3), ag.arange(0, 1, 0.5)
    (tensor([0, 1, 2]), tensor([0. , 0.5]))
    """
    if end is None:
        start, end = 0, start
    bounds = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if bounds[2] == 0:
        raise ArgumentError("arange: step must not be zero")
    inferred = np.dtype(np.int64)
    if any(isinstance(v, (float, np.floating)) for v in bounds):
        inferred = get_default_dtype()
    data = np.arange(*bounds, dtype=_dtype(dtype, inferred, "arange"))
    return _leaf(data, requires_grad, device, "arange")


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`steps` evenly spaced values from `start` to `end`, both included."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace: steps must be an int, got {steps!r}")
    if steps < 0:
        raise ArgumentError(f"linspace: steps must be non-negative, got {steps}")
    data = np.linspace(start, end, int(steps), dtype=_dtype(dtype, None, "linspace"))
    return _leaf(data, requires_grad, device, "linspace")


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """An n x m matrix with ones on the diagonal (square when m is None)."""
    _shape((n,) if m is None else (n, m), "eye")
    data = np.eye(n, m, dtype=_dtype(dtype, None, "eye"))
    return _leaf(data, requires_grad, device, "eye")


# --------------------------------------------------------------------- random


def rand(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    **keyword_size: Any,
) -> Tensor:
    """Uniform samples in [0, 1): `rand(2, 3)` or `rand((2, 3))`; seeded by `manual_seed`."""
    dtype = _float_dtype(dtype, "rand")
    data = (
        default_generator().random(_shape(_sizes(size, keyword_size, "rand"), "rand")).astype(dtype)
    )
    return _leaf(data, requires_grad, device, "rand")


def randn(
    *size: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    **keyword_size: Any,
) -> Tensor:
    """Standard normal samples: `randn(2, 3)` or `randn((2, 3))`; seeded by `manual_seed`."""
    dtype = _float_dtype(dtype, "randn")
    data = (
        default_generator()
        .standard_normal(_shape(_sizes(size, keyword_size, "randn"), "randn"))
        .astype(dtype)
    )
    return _leaf(data, requires_grad, device, "randn")


def randint(
    *args: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    **bounds: Any,
) -> Tensor:
    """Random integers in [low, high): `randint(high, size)` or `randint(low, high, size)`
    (also with the keywords `low=`, `high=`, `size=`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.randint(0, 10, (2, 3)); x.shape, x.dtype
    ((2, 3), dtype('int64'))
    """
    if set(bounds) - {"low", "high"}:
        raise TypeError(f"randint: unexpected keyword arguments {sorted(set(bounds))}")
    args = (*args, *(bounds[k] for k in ("low", "high") if k in bounds))
    if size is not None:
        args = (*args, size)
    if len(args) == 2:
        low, high, size = 0, *args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError(
            f"randint: expected (high, size) or (low, high, size), got {len(args)} arguments"
        )
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint: size must be a tuple of ints, got {size!r}")
    if high <= low:
        raise ArgumentError(f"randint: expected low < high, got low={low}, high={high}")
    shape = _shape((size,), "randint")
    data = default_generator().integers(low, high, shape)
    data = data.astype(_dtype(dtype, np.dtype(np.int64), "randint"))
    return _leaf(data, requires_grad, device, "randint")


def randperm(
    n: int, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A random permutation of 0 .. n-1 (int64)."""
    data = default_generator().permutation(_shape((n,), "randperm")[0])
    data = data.astype(_dtype(dtype, np.dtype(np.int64), "randperm"))
    return _leaf(data, requires_grad, device, "randperm")


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    dtype = _dtype(dtype, None, op)
    if dtype.kind != "f":
        raise DTypeError(f"{op}: samples are floats; dtype {dtype} is not a floating dtype")
    return dtype


# ---------------------------------------------------------------- *_like forms


def _like(input: Any, dtype: Any, requires_grad: bool, device: Any, op: str, make: Any) -> Tensor:
    shape = tuple(np.shape(input))
    like = np.asarray(input).dtype if dtype is None else to_dtype(dtype, op)
    return make(shape, dtype=like, device=device, requires_grad=requires_grad)


def zeros_like(
    input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Zeros with the shape of `input` and, unless `dtype` is given, its dtype."""
    return _like(input, dtype, requires_grad, device, "zeros_like", zeros)


def ones_like(
    input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones with the shape of `input` and, unless `dtype` is given, its dtype."""
    return _like(input, dtype, requires_grad, device, "ones_like", ones)


def empty_like(
    input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor with the shape (and dtype) of `input`."""
    return _like(input, dtype, requires_grad, device, "empty_like", empty)


def rand_like(
    input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Uniform samples in [0, 1) with the shape (and dtype) of `input`."""
    return _like(input, dtype, requires_grad, device, "rand_like", rand)


def randn_like(
    input: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples with the shape (and dtype) of `input`."""
    return _like(input, dtype, requires_grad, device, "randn_like", randn)


def full_like(
    input: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`fill_value` everywhere, with the shape (and, unless given, the dtype) of `input`."""
    like = np.asarray(input).dtype if dtype is None else dtype
    return full(
        tuple(np.shape(input)), fill_value, dtype=like, device=device, requires_grad=requires_grad
    )


def randint_like(
    input: Any,
    low: int = 0,
    high: int | None = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Random integers in [low, high) with the shape (and dtype) of `input`;
    `randint_like(x, high)` draws from [0, high)."""
    if high is None:
        low, high = 0, low
    like = np.asarray(input).dtype if dtype is None else dtype
    shape = tuple(np.shape(input))
    return randint(low, high, shape, dtype=like, device=device, requires_grad=requires_grad)
