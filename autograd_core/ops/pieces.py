"""Cutting a tensor into pieces along a dim, as PyTorch does: narrow, split (a size
or a list of sizes), chunk and unbind. Every piece is a slice (`getitem`), so the
gradients come from that primitive.

The registry checks the ops that return several tensors through one tensor made
of all the pieces, each scaled by its position (so a piece cut at the wrong place
shows).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ArgumentError, IndexingError
from ..function import register
from ..tensor import Tensor
from .axes import normalize_axis
from .movement import cat, stack
from .subscript import getitem


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _along(x: Tensor, axis: int, start: int, stop: int) -> Tensor:
    return getitem(x, (slice(None),) * axis + (slice(start, stop),))


def _axis(x: Tensor, dim: int, op: str) -> int:
    if x.ndim == 0:
        raise IndexingError(f"{op}: a 0-d tensor has no dim to cut (dim {dim})")
    return normalize_axis(dim, x.ndim, op)


@register("narrow", sample="narrow", reference=lambda x, *args: _narrow_ref(x, *args))
def narrow(input: Any, dim: int, start: int, length: int) -> Tensor:
    """The `length` entries from `start` along `dim` (a view; a negative start counts back).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.arange(5.0).narrow(0, 1, 3)
    tensor([1., 2., 3.])
    """
    x = _tensor(input)
    axis = _axis(x, dim, "narrow")
    size = x.shape[axis]
    begin = int(start) + size if -size <= int(start) < 0 else int(start)
    if not 0 <= begin <= size or length < 0 or begin + length > size:
        raise IndexingError(
            f"narrow: start {start} and length {length} do not fit in dim {dim} of size "
            f"{size} (shape {x.shape}): need 0 <= start + length <= {size}"
        )
    return _along(x, axis, begin, begin + int(length))


def split(input: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of `split_size_or_sections` entries along `dim` (the last one smaller), or
    of the sizes in a list (which must add up to the dim's size).

    Examples
    --------
    >>> import autograd_core as ag
    >>> [p.shape for p in ag.arange(5.0).split(2)], [p.shape for p in ag.zeros(5).split([1, 4])]
    ([(2,), (2,), (1,)], [(1,), (4,)])
    """
    x = _tensor(input)
    axis = _axis(x, dim, "split")
    size = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = int(split_size_or_sections)
        if step <= 0 and not (step == 0 and size == 0):
            raise ArgumentError(f"split: split_size must be positive, got {step}")
        sizes = [min(step, size - start) for start in range(0, size, step)] if size else [0]
    else:
        sizes = [int(n) for n in split_size_or_sections]
        if any(n < 0 for n in sizes) or sum(sizes) != size:
            raise ArgumentError(
                f"split: sizes {sizes} must be >= 0 and add up to {size}, the size of dim "
                f"{dim} (shape {x.shape})"
            )
    bounds = np.cumsum([0, *sizes]).tolist()
    return tuple(_along(x, axis, a, b) for a, b in itertools.pairwise(bounds))


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """At most `chunks` pieces of ceil(size / chunks) entries along `dim` (as PyTorch, there
    may be fewer).

    Examples
    --------
    >>> import autograd_core as ag
    >>> [p.shape for p in ag.zeros(5, 2).chunk(3)]
    [(2, 2), (2, 2), (1, 2)]
    """
    x = _tensor(input)
    if int(chunks) <= 0:
        raise ArgumentError(f"chunk: chunks must be positive, got {chunks}")
    axis = _axis(x, dim, "chunk")
    size = x.shape[axis]
    if not size:  # PyTorch gives `chunks` empty pieces
        return tuple(_along(x, axis, 0, 0) for _ in range(int(chunks)))
    return split(x, -(-size // int(chunks)), dim)


def unbind(input: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along `dim`, with that dim removed.

    Examples
    --------
    >>> import autograd_core as ag
    >>> [p.shape for p in ag.zeros(2, 3).unbind(1)]
    [(2,), (2,), (2,)]
    """
    x = _tensor(input)
    axis = _axis(x, dim, "unbind")
    return tuple(getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


# --------------------------------------------- the registry's one-tensor forms


def _weighted(pieces: Sequence[Any]) -> list[Any]:
    return [piece * float(i + 1) for i, piece in enumerate(pieces)]


@register("split", sample="split", reference=lambda x, sizes, dim=0: _split_ref(x, sizes, dim))
def _split_joined(input: Any, split_size_or_sections: Any, dim: int = 0) -> Tensor:
    """The pieces of `split`, scaled by their position and joined again."""
    return cat(_weighted(split(input, split_size_or_sections, dim)), dim)


def _split_ref(x: np.ndarray, sizes: Any, dim: int) -> np.ndarray:
    size = x.shape[dim]
    if isinstance(sizes, int):
        sizes = [min(sizes, size - s) for s in range(0, size, sizes)] or [0]
    cuts = np.cumsum(sizes)[:-1]
    return np.concatenate(_weighted(np.split(x, cuts, axis=dim)), axis=dim)


@register("chunk", sample="chunk", reference=lambda x, chunks, dim=0: _chunk_ref(x, chunks, dim))
def _chunk_joined(input: Any, chunks: int, dim: int = 0) -> Tensor:
    """The pieces of `chunk`, scaled by their position and joined again."""
    return cat(_weighted(chunk(input, chunks, dim)), dim)


def _chunk_ref(x: np.ndarray, chunks: int, dim: int) -> np.ndarray:
    if not x.shape[dim]:
        return np.concatenate([x] * chunks, axis=dim)
    return _split_ref(x, -(-x.shape[dim] // chunks), dim)


@register("unbind", sample="unbind", reference=lambda x, dim=0: _unbind_ref(x, dim))
def _unbind_joined(input: Any, dim: int = 0) -> Tensor:
    """The slices of `unbind`, scaled by their position and stacked again."""
    return stack(_weighted(unbind(input, dim)), dim)


def _unbind_ref(x: np.ndarray, dim: int) -> np.ndarray:
    return np.stack(_weighted(tuple(np.moveaxis(x, dim, 0))), axis=dim)


def _narrow_ref(x: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
    start = start % x.shape[dim] if start < 0 else start
    return np.take(x, np.arange(start, start + length), axis=dim)


__all__ = ["chunk", "narrow", "split", "unbind"]
