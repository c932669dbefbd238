"""Named tuples returned by ops that give two tensors, as `torch.return_types` does.

`max(x, dim)` returns `max(values, indices)`: unpack it, index it, or read
the fields by name.
"""

from __future__ import annotations

from typing import NamedTuple

from .tensor import Tensor


class max(NamedTuple):  # noqa: N801 (PyTorch's name)
    """`values` (differentiable) and `indices` (int64) of `max(x, dim)`."""

    values: Tensor
    indices: Tensor


class min(NamedTuple):  # noqa: N801
    """`values` (differentiable) and `indices` (int64) of `min(x, dim)`."""

    values: Tensor
    indices: Tensor


class sort(NamedTuple):  # noqa: N801
    """`values` (differentiable) and `indices` (int64) of `sort(x, dim)`."""

    values: Tensor
    indices: Tensor


class topk(NamedTuple):  # noqa: N801
    """`values` (differentiable) and `indices` (int64) of `topk(x, k, dim)`."""

    values: Tensor
    indices: Tensor
