"""The dtype policy: which numpy dtype a new tensor gets.

Python floats and lists of them become the default floating dtype (float32
unless `set_default_dtype` changes it); numpy arrays keep their dtype;
integers stay integers; complex, object and string data are refused.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np

_default_dtype: np.dtype = np.dtype(np.float32)

# What a tensor holds: an ndarray, or a numpy scalar for an op's 0-d result.
Array: TypeAlias = "np.ndarray | np.generic"

_SUPPORTED_KINDS = "biuf"  # bool, signed int, unsigned int, float

# PyTorch's dtype names; the objects are numpy dtypes, so they work with numpy too.
float16 = half = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)


def get_default_dtype() -> np.dtype:
    """The floating dtype given to tensors made from Python floats."""
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the default floating dtype (float16, float32 or float64).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.set_default_dtype("float64"); ag.tensor(1.5).dtype
    dtype('float64')
    >>> ag.set_default_dtype("float32")
    """
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_dtype = dtype


def to_dtype(spec: Any, op: str) -> np.dtype:
    """The dtype named by `spec`: a dtype, a numpy name ("float32"), or a type (float, np.int64).

    As in PyTorch, Python's `float` means float64, `int` int64 and `bool` bool.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.dtypes.to_dtype(float, "op"), ag.dtypes.to_dtype("long", "op")
    (dtype('float64'), dtype('int64'))
    """
    if isinstance(spec, np.dtype):
        dtype = spec
    else:
        try:
            dtype = np.dtype(spec)
        except TypeError:
            raise TypeError(f"{op}: {spec!r} is not a dtype (expected e.g. ag.float32)") from None
    if dtype.kind not in _SUPPORTED_KINDS:
        raise TypeError(
            f"{op}: unsupported dtype {dtype} (expected a bool, integer or floating dtype)"
        )
    return dtype


def as_array(data: Any, dtype: Any = None, op: str = "tensor") -> Array:
    """Turn user data into an ndarray following the dtype policy.

    An ndarray with no `dtype` asked for is used as it is (no copy); anything
    else is converted, with Python floats taking the default dtype. 0-d data
    becomes a numpy scalar, as numpy's own 0-d results are.
    """
    if isinstance(data, np.ndarray) and dtype is None:
        array = data
    elif isinstance(data, np.generic) and dtype is None:
        array = np.asarray(data)
    else:
        try:
            array = np.asarray(data, dtype=dtype)
        except (TypeError, ValueError) as error:
            kind = TypeError if isinstance(error, TypeError) else ValueError
            raise kind(
                f"{op}: cannot make a tensor from {type(data).__name__} data ({error})"
            ) from None
        if dtype is None and array.dtype == np.float64 and not _holds_numpy_float64(data):
            array = array.astype(_default_dtype)
    if array.dtype.kind not in _SUPPORTED_KINDS:
        raise TypeError(
            f"{op}: unsupported dtype {array.dtype} (expected bool, integer or float data; "
            "complex, object and string arrays are not supported)"
        )
    # NOTE: numpy computes on scalars ten times faster than on 0-d arrays; scalar graphs
    # (and the lecture examples) are made of them.
    return array[()] if array.ndim == 0 else array


def _holds_numpy_float64(data: Any) -> bool:
    """True when `data` already carries numpy float64 values, which keep their dtype."""
    if isinstance(data, (np.ndarray, np.generic)):
        return data.dtype == np.float64
    if isinstance(data, (list, tuple)) and data:
        return all(_holds_numpy_float64(item) for item in data)
    return False


def scalar_array(value: Any, like: np.dtype) -> np.generic | np.ndarray:
    """A numpy scalar for a Python number used beside a tensor of dtype `like`.

    The number adopts the tensor's dtype where it fits (numpy's rule for
    Python scalars), so `x32 * 2.0` stays float32.
    """
    if isinstance(value, bool):
        kind = "b"
    elif isinstance(value, int):
        kind = "i"
    elif isinstance(value, float):
        kind = "f"
    else:
        return as_array(value, op="operand")
    if like.kind == "f" or kind == like.kind or kind == "b":
        return like.type(value)
    if kind == "i" and like.kind in "bu":
        return np.int64(value)
    return _default_dtype.type(value)


# ------------------------------------------------------------------ promotion
# PyTorch's rule (torch.result_type): operands fall in three classes, tensors with
# dimensions, 0-d tensors and Python numbers; within a class dtypes promote as usual, and a
# lower class changes the result only when it is of a higher category (bool < integer <
# float). So `x32 * 2.5`, `x32 * t64_0d` and `x32 + i64` stay float32, `i64 * 2.5` becomes
# the default float dtype, and `i32 + 5` stays int32.


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """The smallest dtype both promote to, as torch.promote_types: a float beats any int.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.promote_types(ag.int64, ag.float16), ag.promote_types(ag.uint8, ag.int8)
    (dtype('float16'), dtype('int16'))
    """
    if a == b:
        return a
    a_float, b_float = a.kind == "f", b.kind == "f"
    if a_float != b_float:
        return a if a_float else b
    return np.promote_types(a, b)


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """Let a lower-priority class in only where it is of a higher category."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return promote_types(higher, lower)
    return higher


def result_type(*operands: Any) -> np.dtype:
    """The dtype of an elementwise op on `operands` (tensors, arrays, Python numbers),
    by PyTorch's rules.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.zeros(2)
    >>> ag.result_type(x, ag.zeros(2, dtype=ag.int64)), ag.result_type(ag.arange(2), 2.5)
    (dtype('float32'), dtype('float32'))
    """
    classes: list[np.dtype | None] = [None, None, None]  # dimensioned, 0-d, Python numbers
    for x in operands:
        dtype: np.dtype
        if isinstance(x, bool):
            rank, dtype = 2, np.dtype(np.bool_)
        elif isinstance(x, int):
            rank, dtype = 2, np.dtype(np.int64)
        elif isinstance(x, float):
            rank, dtype = 2, _default_dtype
        else:
            data = getattr(x, "_data", x)
            if not isinstance(data, (np.ndarray, np.generic)):
                data = as_array(data, op="result_type")
            rank, dtype = (0 if data.ndim else 1), data.dtype
        seen = classes[rank]
        classes[rank] = dtype if seen is None else promote_types(seen, dtype)
    result = _combine(classes[0], _combine(classes[1], classes[2]))
    if result is None:
        raise TypeError("result_type: expected at least one operand")
    return result
