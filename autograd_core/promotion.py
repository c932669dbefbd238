"""How `Function.apply` reconciles its inputs' dtypes, and wraps numbers beside tensors.

`promoted` is the one place where an op's dtype is decided (PyTorch's rule, from
`dtypes.result_type`); a tensor that requires grad is cast by the recorded `astype` op,
so its gradient comes back in its own dtype. Python floats beside a float tensor become
shared 0-d constants of that dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import as_array, get_default_dtype, result_type, scalar_array
from .grad_mode import grad_enabled
from .tensor import Tensor


def promoted(inputs: tuple[Any, ...], mode: str) -> tuple[Tensor, ...]:
    """The inputs as tensors of one dtype, chosen by PyTorch's rule (`dtypes.result_type`).

    This is the one place where an op's dtype is decided. A tensor that requires grad is
    cast by the recorded `astype` op, so its gradient comes back in its own dtype.
    """
    # NOTE: `Function.apply` has already passed one tensor and two tensors of one dtype
    # through; the hottest case left is a float tensor beside a Python float.
    if len(inputs) == 2:
        a, b = inputs
        if isinstance(a, Tensor):
            if type(b) is float and a._data.dtype.kind == "f":
                return a, float_constant(b, a._data.dtype)
        elif type(a) is float and isinstance(b, Tensor) and b._data.dtype.kind == "f":
            return float_constant(a, b._data.dtype), b
    # NOTE: tensors of one dtype (affine, convolution with a bias): a loop, not a set and a
    # generator (10.5k -> 3k instructions for affine's three inputs)
    if inputs and isinstance(inputs[0], Tensor):
        first = inputs[0]._data.dtype
        for x in inputs:
            if not (isinstance(x, Tensor) and x._data.dtype is first):
                break
        else:
            if mode == "common" or first.kind == "f":
                return inputs
    dtypes = {x._data.dtype for x in inputs if isinstance(x, Tensor)}
    if len(dtypes) == 1 and len(inputs) == 2:  # the last hot path: a float tensor and a number
        (dtype,) = dtypes
        other = inputs[1] if isinstance(inputs[0], Tensor) else inputs[0]
        if dtype.kind == "f" and type(other) in (float, int):  # the number takes its dtype
            return as_tensors(inputs)
    target = result_type(*inputs)
    if mode == "float" and target.kind != "f":
        target = get_default_dtype()
    return tuple(_cast(x, target) for x in inputs)


# NOTE: a Python float beside a float tensor (`y * 0.5`, `x - 1.0`) becomes a 0-d constant of
# the tensor's dtype. The same few constants recur in every step, so each is made once and
# shared (nothing writes to a constant: no op hands it out); a graph then holds one tracked
# object fewer per such op for the cyclic collector to scan. Zero is left out: 0.0 and -0.0
# are equal keys but different constants.
_FLOAT_CONSTANTS: dict[tuple[float, np.dtype], Tensor] = {}


def float_constant(value: float, dtype: np.dtype) -> Tensor:
    key = (value, dtype)
    constant = _FLOAT_CONSTANTS.get(key)
    if constant is None:
        constant = Tensor._from_op(dtype.type(value), None)
        if value:
            constant._shared_constant = True  # drawn once per use (`viz.walk`)
            if len(_FLOAT_CONSTANTS) >= 4096:
                _FLOAT_CONSTANTS.clear()
            _FLOAT_CONSTANTS[key] = constant
    return constant


def _cast(x: Any, dtype: np.dtype) -> Tensor:
    if isinstance(x, Tensor):
        if x._data.dtype == dtype:
            return x
        if x.requires_grad and grad_enabled.get():
            from .ops import astype

            return astype(x, dtype)
        return Tensor._from_op(x._data.astype(dtype), None)
    if isinstance(x, (bool, int, float)):
        try:
            return Tensor._from_op(dtype.type(x), None)
        except OverflowError:  # e.g. 300 beside a uint8 tensor: wrap around, as PyTorch does
            return Tensor._from_op(np.array(x).astype(dtype)[()], None)
    return Tensor._from_op(as_array(x, op="operand").astype(dtype), None)


def as_tensors(inputs: tuple[Any, ...]) -> tuple[Tensor, ...]:
    """Wrap numbers and arrays beside tensors; Python numbers take a tensor's dtype."""
    like = None
    for x in inputs:
        if isinstance(x, Tensor):
            like = x._data.dtype
            break
    tensors = []
    for x in inputs:
        if isinstance(x, Tensor):
            tensors.append(x)
        elif type(x) is float and like is not None and like.kind == "f":  # the common case
            tensors.append(float_constant(x, like))
        else:
            tensors.append(_constant(x, like))
    return tuple(tensors)


def _constant(value: Any, like: np.dtype | None) -> Tensor:
    if like is not None and isinstance(value, (bool, int, float)):
        return Tensor._from_op(scalar_array(value, like), None)
    return Tensor._from_op(as_array(value, op="operand"), None)
