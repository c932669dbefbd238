"""Checking and normalising `axis` arguments, shared by the reductions and movements."""

from __future__ import annotations

from typing import Any

from ..errors import IndexingError


def normalize_axis(axis: Any, ndim: int, op: str) -> int:
    """One axis as a non-negative int; a clear error names the op, axis and ndim."""
    if isinstance(axis, bool) or not hasattr(axis, "__index__"):
        raise TypeError(f"{op}: axis must be an int, got {axis!r}")
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise IndexingError(
            f"{op}: axis {axis} is out of range for a tensor with ndim {ndim} "
            f"(expected -{ndim} <= axis < {ndim})"
            if ndim
            else f"{op}: axis {axis} is out of range for a 0-d tensor (which has no axes)"
        )
    return axis % ndim


def normalize_axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """None, an int or a tuple of ints as a sorted tuple of distinct non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = tuple(normalize_axis(a, ndim, op) for a in axis)
    else:
        axes = (normalize_axis(axis, ndim, op),)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(axes))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))
