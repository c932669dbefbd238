"""Indexing along a dim with PyTorch's semantics: gather, scatter, scatter_add,
index_select, masked_fill, masked_select.

gather and scatter_add are each other's adjoint, so their backwards are one
call of the other; the rest are compositions of getitem and where.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArgumentError, DTypeError, IndexingError, ShapeError
from ..function import Function, register
from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import where
from .movement import broadcast_to, pad, reshape
from .subscript import getitem


def _index_array(index: Any, op: str) -> np.ndarray:
    array = np.asarray(index)
    if array.dtype.kind not in "iu":
        raise DTypeError(f"{op}: index must be an integer tensor, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


def _along(x_shape: tuple[int, ...], dim: int, index: np.ndarray, op: str) -> tuple[Any, ...]:
    """The numpy index that picks x[..., index[i, j, ...], ...] along `dim`, as gather does."""
    if index.ndim != len(x_shape) and not (index.ndim <= 1 and len(x_shape) <= 1):
        raise ShapeError(
            f"{op}: index has {index.ndim} dims but the tensor has {len(x_shape)} "
            f"(index shape {index.shape}, tensor shape {x_shape})"
        )
    if not x_shape:
        return (index.reshape(()),) if index.size else ()
    for d, (n, m) in enumerate(zip(index.shape, x_shape)):
        if d != dim and n > m:
            raise ShapeError(
                f"{op}: index shape {index.shape} is larger than the tensor's {x_shape} in dim {d}"
            )
    extent = x_shape[dim]
    if index.size and (index.min() < 0 or index.max() >= extent):
        raise ArgumentError(  # a RuntimeError, as PyTorch raises (negative ones included)
            f"{op}: index values must be in [0, {extent}) for dim {dim} of shape "
            f"{x_shape}, got values in [{index.min()}, {index.max()}]"
        )
    grid = list(np.ix_(*[np.arange(n) for n in index.shape]))
    grid[dim] = index
    return tuple(grid)


@register("gather", sample="gather", reference=lambda x, dim, index: _gather_ref(x, dim, index))
class Gather(Function):
    """out[i][j] = x[index[i][j]][j] (dim 0);   dL/dx = scatter_add of grad at index"""

    array_fields = ("index",)  # freed with the saved values after backward

    def forward(ctx, x, dim, index):
        ctx.dim = normalize_axis(dim, x.ndim, "gather")
        ctx.index = index
        ctx.input_shape = x.shape
        return np.asarray(x)[_along(x.shape, ctx.dim, index, "gather")]

    def backward(ctx, grad):
        zeros = Tensor._from_op(np.zeros(ctx.input_shape, dtype=grad.dtype), None)
        return (ScatterAdd.apply(zeros, grad, dim=ctx.dim, index=ctx.index),)


def _gather_ref(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    return np.asarray(x)[_along(x.shape, normalize_axis(dim, x.ndim, "ref"), index, "ref")]


@register("scatter_add", sample="scatter_add")
class ScatterAdd(Function):
    """out = x with src[i][j] added at out[index[i][j]][j] (dim 0), repeats accumulating;
    dL/dx = grad,   dL/dsrc = gather(grad, dim, index)"""

    array_fields = ("index",)  # freed with the saved values after backward

    def forward(ctx, x, src, dim, index):
        ctx.dim = normalize_axis(dim, x.ndim, "scatter_add")
        ctx.index, ctx.src_shape = index, src.shape
        if any(n > m for n, m in zip(index.shape, src.shape)) or src.ndim != index.ndim:
            raise ShapeError(
                f"scatter_add: index shape {index.shape} must not exceed src shape {src.shape}"
            )
        out = np.array(x, copy=True)
        where_to = _along(x.shape, ctx.dim, index, "scatter_add")
        np.add.at(out, where_to, np.asarray(src)[tuple(slice(0, n) for n in index.shape)])
        return out

    def backward(ctx, grad):
        grad_src = None
        if ctx.needs_input_grad[1]:
            grad_src = Gather.apply(grad, dim=ctx.dim, index=ctx.index)
            missing = [(0, m - n) for n, m in zip(ctx.index.shape, ctx.src_shape)]
            if any(after for _, after in missing):  # src entries outside index get nothing
                grad_src = pad(grad_src, missing)
        return grad, grad_src


@register("scatter", sample="scatter_add")
class Scatter(Function):
    """out = x with src[i][j] written at out[index[i][j]][j] (dim 0);
    dL/dx = grad where nothing was written,   dL/dsrc = gather(grad, dim, index)"""

    array_fields = ("index",)  # freed with the saved values after backward

    def forward(ctx, x, src, dim, index):
        ctx.dim = normalize_axis(dim, x.ndim, "scatter")
        ctx.index, ctx.src_shape = index, src.shape
        out = np.array(x, copy=True)
        where_to = _along(x.shape, ctx.dim, index, "scatter")
        out[where_to] = np.broadcast_to(src, src.shape)[tuple(slice(0, n) for n in index.shape)]
        kept = np.ones(x.shape, dtype=x.dtype)
        kept[where_to] = 0
        ctx.save_for_backward(kept)
        return out

    def backward(ctx, grad):
        (kept,) = ctx.saved_tensors
        grad_src = None
        if ctx.needs_input_grad[1]:
            grad_src = Gather.apply(grad, dim=ctx.dim, index=ctx.index)
            missing = [(0, m - n) for n, m in zip(ctx.index.shape, ctx.src_shape)]
            if any(after for _, after in missing):
                grad_src = pad(grad_src, missing)
        return grad * kept, grad_src


# ------------------------------------------------------------ public functions


def gather(input: Any, dim: int, index: Any) -> Tensor:
    """out[i][j][k] = input[index[i][j][k]][j][k] for dim 0 (likewise for the other dims).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.gather(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, ag.tensor([[0, 0], [1, 0]]))
    tensor([[1., 1.],
            [4., 3.]])
    """
    return Gather.apply(input, dim=dim, index=_index_array(index, "gather"))


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Tensor:
    """input with src added at the places index names along dim (repeats accumulate).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.scatter_add(ag.zeros(3), 0, ag.tensor([0, 2, 0]), ag.tensor([1.0, 2.0, 3.0]))
    tensor([4., 0., 2.])
    """
    return ScatterAdd.apply(input, src, dim=dim, index=_index_array(index, "scatter_add"))


def scatter(input: Any, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:
    """input with src (or one number, `value`) written at the places index names along dim.

    As in PyTorch, which of several writes to one place wins is not specified.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.scatter(ag.zeros(3), 0, ag.tensor([2]), value=5.0)
    tensor([0., 0., 5.])
    """
    index = _index_array(index, "scatter")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter: give src (a tensor) or value (a number)")
    if not isinstance(src, Tensor) and np.ndim(src) == 0:
        like = input.dtype if isinstance(input, Tensor) else np.asarray(input).dtype
        src = Tensor._from_op(np.full(index.shape, src, dtype=like), None)
    return Scatter.apply(input, src, dim=dim, index=index)


@register("index_select", sample="index_select")
def index_select(input: Any, dim: int, index: Any) -> Tensor:
    """The entries of `input` at the positions `index` (1-d) along `dim`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.index_select(ag.tensor([[1.0, 2.0, 3.0]]), 1, ag.tensor([2, 0])).shape
    (1, 2)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    index = _index_array(index, "index_select")
    if index.ndim > 1:
        raise IndexingError(f"index_select: index must be 1-d, got shape {index.shape}")
    axis = normalize_axis(dim, x.ndim, "index_select")
    extent = x.shape[axis] if x.ndim else 1
    if index.size and (index.min() < 0 or index.max() >= extent):
        raise IndexingError(
            f"index_select: index values must be in [0, {extent}) for dim {dim} of shape "
            f"{x.shape}, got values in [{index.min()}, {index.max()}]"
        )
    if x.ndim == 0:
        return getitem(x, ()) if index.size else x
    return getitem(x, (slice(None),) * axis + (index.reshape(-1),))


@register("take", sample="take", reference=lambda x, index: np.take(x, index))
def take(input: Any, index: Any) -> Tensor:
    """The elements of the flattened `input` at `index` (negative ones count back), in the
    shape of `index`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.take(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), ag.tensor([[0, -1]]))
    tensor([[1., 4.]])
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    index = _index_array(index, "take")
    size = int(np.prod(x.shape))
    if index.size and (index.min() < -size or index.max() >= size):
        raise IndexingError(
            f"take: index values must be in [-{size}, {size}) for a tensor of {size} elements "
            f"(shape {x.shape}), got values in [{index.min()}, {index.max()}]"
        )
    return getitem(reshape(x, (-1,)), index % max(size, 1))


@register(
    "take_along_dim", sample="take_along_dim", reference=lambda x, i, dim: _along_ref(x, i, dim)
)
def take_along_dim(input: Any, indices: Any, dim: int | None = None) -> Tensor:
    """`gather` along `dim` with `indices` and `input` broadcast against each other in the
    other dims (dim None: `take` of the flattened tensor, 1-d).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor([[3.0, 1.0], [0.0, 2.0]])
    >>> ag.take_along_dim(x, x.argmax(dim=1, keepdim=True), dim=1)
    tensor([[3.],
            [2.]])
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    index = _index_array(indices, "take_along_dim")
    if dim is None:
        return take(x, index.reshape(-1))
    axis = normalize_axis(dim, x.ndim, "take_along_dim")
    if index.ndim != x.ndim:
        raise ShapeError(
            f"take_along_dim: indices with {index.ndim} dims for a tensor with {x.ndim} "
            f"(shapes {index.shape} and {x.shape})"
        )
    lead = [1 if d == axis else n for d, n in enumerate(x.shape)]
    other = [1 if d == axis else n for d, n in enumerate(index.shape)]
    try:
        common = list(np.broadcast_shapes(tuple(lead), tuple(other)))
    except ValueError:
        raise ShapeError(
            f"take_along_dim: shapes {x.shape} and {index.shape} do not broadcast outside dim {dim}"
        ) from None
    x_shape, index_shape = list(common), list(common)
    x_shape[axis], index_shape[axis] = x.shape[axis], index.shape[axis]
    if tuple(x_shape) != x.shape:
        x = broadcast_to(x, x_shape)
    return Gather.apply(x, dim=axis, index=np.broadcast_to(index, index_shape))


def _along_ref(x: np.ndarray, index: np.ndarray, dim: Any) -> np.ndarray:
    return np.take_along_axis(x, index, dim) if dim is not None else np.take(x, index.ravel())


def _mask_array(mask: Any, op: str) -> np.ndarray:
    array = np.asarray(mask)
    if array.dtype != bool:
        raise DTypeError(f"{op}: mask must be boolean, got dtype {array.dtype}")
    return array


@register("masked_fill", sample="masked_fill")
def masked_fill(input: Any, mask: Any, value: Any) -> Tensor:
    """input with `value` where `mask` is true (mask broadcasts to input's shape).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.masked_fill(ag.tensor([1.0, 2.0]), ag.tensor([True, False]), -1.0)
    tensor([-1.,  2.])
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    mask = _mask_array(mask, "masked_fill")
    if np.broadcast_shapes(mask.shape, x.shape) != x.shape:
        raise ShapeError(
            f"masked_fill: mask of shape {mask.shape} does not broadcast to shape {x.shape}"
        )
    return where(mask, value, x)


@register("masked_select", sample="masked_select")
def masked_select(input: Any, mask: Any) -> Tensor:
    """The entries of input where mask is true, as a 1-d tensor (both broadcast first).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.masked_select(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), ag.tensor([True, False]))
    tensor([1., 3.])
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    mask = _mask_array(mask, "masked_select")
    shape = np.broadcast_shapes(mask.shape, x.shape)
    if shape != x.shape:
        x = broadcast_to(x, shape)
    return getitem(x, np.broadcast_to(mask, shape))


__all__ = [
    "gather", "index_select", "masked_fill", "masked_select", "scatter", "scatter_add", "take",
    "take_along_dim",
]  # fmt: skip
