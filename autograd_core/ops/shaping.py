"""Shapes as PyTorch spells them: view (a view or a clear error, never a silent copy),
view_as, reshape_as, expand/expand_as, unflatten, and the copies clone and contiguous.

All but the copies are compositions of `reshape` and `broadcast_to`, so their
gradients come from those primitives; `Clone` is the one primitive here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import IndexingError, ShapeError
from ..function import Function, register
from ..tensor import Tensor
from .axes import normalize_axis
from .movement import BroadcastTo, Reshape, _resolved_shape, permute, reshaped_view
from .subscript import getitem


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _sizes(shape: tuple[Any, ...]) -> tuple[Any, ...]:
    """`f(2, 3)` and `f((2, 3))` alike, as PyTorch's size arguments."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


@register("view", sample="view", reference=lambda x, shape: np.reshape(x, shape))
def view(input: Any, *shape: Any) -> Tensor:
    """The same memory seen in a new shape (one entry may be -1), as `Tensor.view`.

    As in PyTorch, a tensor whose strides cannot be read in the new shape (a
    transposed or permuted one, most often) is refused: use `reshape`, or
    `contiguous()` first.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.arange(6.0).view(2, -1).shape
    (2, 3)
    """
    x = _tensor(input)
    sizes = _sizes(shape)
    if sizes and isinstance(sizes[0], (np.dtype, type, str)):
        raise TypeError(f"view: reinterpreting the memory as dtype {sizes[0]} is not supported")
    array = np.asarray(x)
    target = _resolved_shape(sizes, array, "view")
    if array.ndim and reshaped_view(array, target) is None:
        raise ShapeError(
            f"view: a tensor of shape {x.shape} and strides {array.strides} cannot be viewed "
            f"as shape {target} (its dims are not laid out contiguously, e.g. after transpose "
            "or permute); use .reshape(...) or .contiguous().view(...)"
        )
    return Reshape.apply(x, shape=target)


def view_as(input: Any, other: Any) -> Tensor:
    """`input.view(other.shape)`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.arange(6.0).view_as(ag.zeros(3, 2)).shape
    (3, 2)
    """
    return view(input, tuple(np.shape(other)))


def reshape_as(input: Any, other: Any) -> Tensor:
    """`input.reshape(other.shape)`: a view where the strides allow it, else a copy.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.zeros(2, 3).t().reshape_as(ag.zeros(6)).shape
    (6,)
    """
    return Reshape.apply(input, shape=tuple(np.shape(other)))


@register("expand", sample="expand")
def expand(input: Any, *sizes: Any) -> Tensor:
    """A view repeating size-1 dims (and new leading dims) to `sizes`; -1 keeps a dim.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ones(3, 1).expand(2, -1, 4).shape
    (2, 3, 4)
    """
    x = _tensor(input)
    target = [int(n) for n in _sizes(sizes)]
    lead = len(target) - x.ndim
    if lead < 0:
        raise ShapeError(
            f"expand: the number of sizes ({len(target)}) must be at least the number of "
            f"dims of the tensor (shape {x.shape})"
        )
    for i, n in enumerate(target):
        if n == -1:
            if i < lead:
                raise ShapeError(f"expand: -1 is not allowed for a new leading dim ({target})")
            target[i] = x.shape[i - lead]
        elif i >= lead and x.shape[i - lead] not in (1, n):
            raise ShapeError(
                f"expand: the size {x.shape[i - lead]} of dim {i - lead} (shape {x.shape}) "
                f"must be 1 or match {n} (sizes {tuple(target)})"
            )
    return BroadcastTo.apply(x, shape=tuple(target))


def expand_as(input: Any, other: Any) -> Tensor:
    """`input.expand(other.shape)`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ones(3, 1).expand_as(ag.zeros(3, 4)).shape
    (3, 4)
    """
    return expand(input, tuple(np.shape(other)))


@register(
    "unflatten", sample="unflatten", reference=lambda x, dim, sizes: _unflat_ref(x, dim, sizes)
)
def unflatten(input: Any, dim: int, sizes: Any) -> Tensor:
    """Split dim `dim` into several with `sizes` (one may be -1).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.zeros(2, 12).unflatten(1, (3, -1)).shape
    (2, 3, 4)
    """
    x = _tensor(input)
    return Reshape.apply(x, shape=_unflattened(x.shape, dim, sizes))


def _unflattened(shape: tuple[int, ...], dim: int, sizes: Any) -> tuple[int, ...]:
    if not shape:
        raise ShapeError("unflatten: a 0-d tensor has no dim to unflatten")
    axis = normalize_axis(dim, len(shape), "unflatten")
    sizes = tuple(int(n) for n in sizes)
    known = math.prod(n for n in sizes if n != -1)
    unknown = sizes.count(-1)
    fits = unknown <= 1 and (
        known == shape[axis] if not unknown else known > 0 and shape[axis] % known == 0
    )
    if not sizes or not fits:
        raise ShapeError(
            f"unflatten: sizes {sizes} do not multiply to the size {shape[axis]} of dim {dim} "
            f"(shape {shape})"
        )
    sizes = tuple(shape[axis] // known if n == -1 else n for n in sizes)
    return (*shape[:axis], *sizes, *shape[axis + 1 :])


def _unflat_ref(x: np.ndarray, dim: int, sizes: Any) -> np.ndarray:
    return np.reshape(x, _unflattened(x.shape, dim, sizes))


@register("clone", sample="unary", reference=np.copy)
class Clone(Function):
    """out = a copy of x (in its own memory);   dL/dx = grad"""

    def forward(ctx, x, order="K"):
        return np.array(x, order=order, copy=True)

    def backward(ctx, grad):
        return (grad,)


def clone(input: Any, *, memory_format: Any = None) -> Tensor:
    """A copy of `input` in new memory, recorded in the graph (gradients flow back).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.ones(2); y = x.clone(); y is x, bool((y == x).all())
    (False, True)
    """
    return Clone.apply(input)


def contiguous(input: Any, *, memory_format: Any = None) -> Tensor:
    """`input` itself when its memory is C-contiguous, else a C-ordered copy (in the graph).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.zeros(2, 3); x.contiguous() is x, x.t().contiguous().view(-1).shape
    (True, (6,))
    """
    x = _tensor(input)
    array = np.asarray(x)
    if array.flags.c_contiguous:
        return x
    return Clone.apply(x, order="C")


def movedim(input: Any, source: Any, destination: Any) -> Tensor:
    """Move dims `source` to the positions `destination` (ints or sequences); the other dims
    keep their order (a view, through `permute`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.movedim(ag.zeros(2, 3, 4), 0, -1).shape
    (3, 4, 2)
    """
    x = _tensor(input)
    sources = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    targets = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(sources) != len(targets):
        raise ShapeError(
            f"movedim: source {sources} and destination {targets} must have the same length"
        )
    return permute(x, _moved_order(x.ndim, sources, targets))


def _moved_order(ndim: int, sources: tuple[int, ...], targets: tuple[int, ...]) -> tuple[int, ...]:
    sources = tuple(normalize_axis(d, ndim, "movedim") for d in sources)
    targets = tuple(normalize_axis(d, ndim, "movedim") for d in targets)
    if len(set(sources)) != len(sources) or len(set(targets)) != len(targets):
        raise ShapeError(f"movedim: repeated dims in source {sources} or destination {targets}")
    rest = iter(d for d in range(ndim) if d not in sources)
    placed = dict(zip(targets, sources))
    return tuple(placed[i] if i in placed else next(rest) for i in range(ndim))


moveaxis = movedim


def select(input: Any, dim: int, index: int) -> Tensor:
    """The slice at `index` of dim `dim`, that dim removed (`x.select(1, 0)` is `x[:, 0]`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.arange(6.0).reshape(2, 3).select(1, -1)
    tensor([2., 5.])
    """
    x = _tensor(input)
    if x.ndim == 0:
        raise IndexingError("select: a 0-d tensor has no dim to select from")
    axis = normalize_axis(dim, x.ndim, "select")
    if not -x.shape[axis] <= int(index) < x.shape[axis]:
        raise IndexingError(
            f"select: index {index} is out of range for dim {dim} of size {x.shape[axis]}"
        )
    return getitem(x, (slice(None),) * axis + (int(index),))


def detach(input: Tensor) -> Tensor:
    """`input.detach()`: the same data, cut off from the graph.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.detach(ag.ones(2, requires_grad=True) * 2).requires_grad
    False
    """
    return input.detach()


__all__ = [
    "clone", "contiguous", "detach", "expand", "expand_as", "moveaxis", "movedim", "reshape_as",
    "select", "unflatten", "view", "view_as",
]  # fmt: skip
NON_DIFFERENTIABLE = ("detach",)
ALIASES = {"view_as": "view", "reshape_as": "reshape", "expand_as": "expand", "contiguous": "clone",
           "movedim": "permute", "moveaxis": "permute", "select": "getitem"}  # fmt: skip
