"""Checking and normalising dims, shared by the reductions and movements.

Ops take PyTorch's `dim=` and `keepdim=` and, as PyTorch does, numpy's
`axis=` and `keepdims=` spellings; `resolve_dim` merges the two. As in
PyTorch, a 0-d tensor accepts dim 0 and -1 (it behaves as if it had one axis).
"""

from __future__ import annotations

from typing import Any

from ..errors import IndexingError


def resolve_dim(
    op: str, dim: Any, keepdim: Any, axis: Any = None, keepdims: Any = None
) -> tuple[Any, bool]:
    """(dim, keepdim) from PyTorch's names or numpy's aliases; a TypeError if both are given."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: got both dim={dim!r} and its alias axis={axis!r}; give one")
        dim = axis
    if keepdims is not None:
        if keepdim:
            raise TypeError(f"{op}: got both keepdim and its alias keepdims; give one")
        keepdim = keepdims
    return dim, bool(keepdim)


def normalize_axis(axis: Any, ndim: int, op: str) -> int:
    """One dim as a non-negative int; a clear error names the op, dim and ndim.

    A 0-d tensor takes dim 0 or -1 (normalised to 0), as in PyTorch.
    """
    if isinstance(axis, bool) or not hasattr(axis, "__index__"):
        raise TypeError(f"{op}: dim must be an int, got {axis!r}")
    axis = int(axis)
    extent = max(ndim, 1)
    if not -extent <= axis < extent:
        raise IndexingError(
            f"{op}: dim {axis} is out of range for a tensor with {ndim} dims "
            f"(expected -{extent} <= dim < {extent})"
        )
    return axis % extent


def normalize_axes(axis: Any, ndim: int, op: str, empty_is_all: bool = True) -> tuple[int, ...]:
    """None, an int or a tuple of ints as a sorted tuple of distinct non-negative dims.

    None means all dims, and so does () where `empty_is_all` (PyTorch's reductions);
    on a 0-d tensor dim 0/-1 name no real axis, so they give ().
    """
    if axis is None or (empty_is_all and isinstance(axis, (tuple, list)) and not axis):
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = tuple(normalize_axis(a, ndim, op) for a in axis)
    else:
        axes = (normalize_axis(axis, ndim, op),)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: dim {axis!r} repeats a dim")
    return () if ndim == 0 else tuple(sorted(axes))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with keepdim=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with keepdim=False."""
    return tuple(n for i, n in enumerate(shape) if i not in axes)
