"""The one conversion nn.functional applies to its array arguments, and the dtype check of
the ops that, as in PyTorch, take only operands of one dtype."""

from __future__ import annotations

from typing import Any

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.errors import DTypeError


def as_tensor(x: Any) -> Tensor:
    """`x` itself if it is a Tensor, else a new tensor holding it (numpy's dtype rules)."""
    return x if isinstance(x, Tensor) else ag.tensor(x)


def check_same_dtype(op: str, **operands: Any) -> None:
    """A DTypeError naming `op` unless every operand given (None: absent) has one dtype.

    PyTorch's linear and convolutions raise for mixed dtypes ("expected m1 and m2 to have
    the same dtype"); promoting instead would silently turn float32 work float64."""
    if len({t.dtype for t in operands.values() if t is not None}) > 1:
        given = {name: t.dtype for name, t in operands.items() if t is not None}
        listed = ", ".join(f"{name} {dtype}" for name, dtype in given.items())
        raise DTypeError(
            f"{op}: the operands must share one dtype, got {listed} (convert with .float(), "
            ".double() or .to(dtype))"
        )
