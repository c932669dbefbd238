"""Movement primitives: ops that rearrange, select or place values without
computing new ones. Their backward moves the gradient back the same way.

Composites (flatten, squeeze, expand_dims, stack) are reshapes and
concatenations, so they need no backward of their own.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import parallel, workspace
from ..errors import ShapeError
from ..function import Function, register
from ..tensor import Tensor
from .axes import normalize_axes, normalize_axis


@register("reshape", sample="reshape", reference=lambda x, shape: np.reshape(x, shape))
class Reshape(Function):
    """out = x with a new shape of the same size;   dL/dx = grad reshaped back"""

    is_view = True  # usually: numpy copies only when the strides do not allow a view

    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        shape = _resolved_shape(shape, x)
        if type(x) is not np.ndarray:  # a numpy scalar
            return x.reshape(shape)
        view = reshaped_view(x, shape)
        return contiguous_copy(x, shape) if view is None else view

    def backward(ctx, grad):
        return (reshape(grad, ctx.input_shape),)


def contiguous_copy(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """x's values in C order and in `shape`, in a reused workspace array, the copy split over
    threads.

    The im2col copy of a convolution is the main case: a fresh multi-megabyte array each
    step costs more in page faults than the copy itself.
    """
    out = workspace.empty(shape, x.dtype)
    target = out.reshape(x.shape)  # a view of the contiguous workspace, in x's order
    axis = parallel.split_axis(x.shape)

    def copy(start: int, stop: int) -> None:
        index = (slice(None),) * axis + (slice(start, stop),)
        target[index] = x[index]

    parallel.over_leading_axis(copy, x.shape[axis], x.nbytes)
    return out


# numpy >= 2.1 says "a view or an error" with reshape(copy=False); before, setting .shape
# on a view does the same (it refuses to copy).
_RESHAPE_HAS_COPY = np.lib.NumpyVersion(np.__version__) >= "2.1.0"


def reshaped_view(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """`x` in `shape` without copying, or None when its strides do not allow a view.

    Examples
    --------
    >>> x = np.arange(6.0).reshape(2, 3)
    >>> np.shares_memory(reshaped_view(x, (3, 2)), x), reshaped_view(x.T, (6,))
    (True, None)
    """
    if _RESHAPE_HAS_COPY:
        try:
            return np.reshape(x, shape, copy=False)
        except ValueError:
            return None
    view = x.view()
    try:
        view.shape = shape
    except AttributeError:
        return None
    return view


def _resolved_shape(shape: tuple[Any, ...], x: np.ndarray, op: str = "reshape") -> tuple[int, ...]:
    """`shape` with its -1 (if any) worked out; a clear error when it cannot hold x."""
    message = f"{op}: cannot reshape a tensor of shape {x.shape} (size {x.size}) into shape {shape}"
    try:
        sizes = [int(n) for n in shape]
    except (TypeError, ValueError):
        raise ShapeError(message) from None
    unknown = [i for i, n in enumerate(sizes) if n == -1]
    known = math.prod(n for n in sizes if n != -1)
    fits = (
        all(n >= -1 for n in sizes)
        and len(unknown) <= 1
        and (known == x.size if not unknown else known > 0 and x.size % known == 0)
    )
    if not fits:
        raise ShapeError(message)
    if unknown:
        sizes[unknown[0]] = x.size // known
    return tuple(sizes)


@register("permute", sample="permute", reference=lambda x, dims: np.transpose(x, dims))
class Permute(Function):
    """out = x with its dims reordered (out dim i is x dim dims[i]);   dL/dx = grad permuted back"""

    is_view = True

    def forward(ctx, x, dims):
        ctx.dims = _permutation(dims, x.ndim, x.shape)
        return np.transpose(x, ctx.dims)

    def backward(ctx, grad):
        return (Permute.apply(grad, dims=tuple(np.argsort(ctx.dims).tolist())),)


def _permutation(dims: Any, ndim: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    axes = tuple(normalize_axis(a, ndim, "permute") for a in dims)
    if sorted(axes) != list(range(ndim)):
        raise ValueError(
            f"permute: dims {tuple(dims)} are not a permutation of the "
            f"{ndim} dims of a tensor of shape {shape}"
        )
    return axes


@register("broadcast_to", sample="broadcast_to", reference=np.broadcast_to)
class BroadcastTo(Function):
    """out = x repeated along new or size-1 axes;   dL/dx = grad summed back (by the engine)"""

    is_view = True

    def forward(ctx, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(
                f"broadcast_to: cannot broadcast a tensor of shape {x.shape} to shape {shape}"
            ) from None

    def backward(ctx, grad):
        return (grad,)  # the engine's unbroadcast sums the repeated axes


@register("cat", sample="concatenate", reference=lambda *xs, axis=0: np.concatenate(xs, axis))
class Concatenate(Function):
    """out = the inputs joined along `axis`;   each input gets its slice of grad"""

    def forward(ctx, *xs, axis=0):
        if not xs:
            raise ValueError("cat: need at least one tensor")
        if xs[0].ndim == 0:
            raise ValueError("cat: 0-d tensors cannot be concatenated (use stack)")
        axis = normalize_axis(axis, xs[0].ndim, "concatenate")
        others = [x.shape[:axis] + x.shape[axis + 1 :] for x in xs]
        if any(x.ndim != xs[0].ndim for x in xs) or len(set(others)) > 1:
            raise ValueError(
                f"cat: shapes {[x.shape for x in xs]} must match except along dim {axis}"
            )
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [x.shape[axis] for x in xs]).tolist()
        return np.concatenate(xs, axis=axis)

    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        bounds = ctx.bounds
        pieces = [(*lead, slice(start, stop)) for start, stop in itertools.pairwise(bounds)]
        return tuple(
            grad[piece] if needed else None for piece, needed in zip(pieces, ctx.needs_input_grad)
        )


def _pad_width(pad_width: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """numpy's pad_width forms (n, (before, after), one pair per axis) as one pair per axis."""
    widths = np.asarray(pad_width)
    if ndim == 0 and widths.size == 0:
        return ()
    if widths.dtype.kind not in "iu" or np.any(widths < 0):
        raise ValueError(f"pad: pad_width must be non-negative integers, got {pad_width!r}")
    try:
        pairs = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit a tensor with {ndim} axes "
            "(give an int, a (before, after) pair, or one pair per axis)"
        ) from None
    return tuple((int(a), int(b)) for a, b in pairs)


@register(
    "pad",
    sample="pad",
    reference=lambda x, pad_width, constant_values=0: np.pad(
        x, pad_width, constant_values=constant_values
    ),
)
class Pad(Function):
    """out = x surrounded by a constant;   dL/dx = the middle of grad"""

    def forward(ctx, x, pad_width, constant_values=0):
        ctx.pairs = _pad_width(pad_width, x.ndim)
        if np.ndim(constant_values) or type(x) is not np.ndarray:
            return np.pad(x, ctx.pairs, mode="constant", constant_values=constant_values)
        return padded_array(x, ctx.pairs, constant_values)

    def backward(ctx, grad):
        middle = tuple(slice(a, n - b) for (a, b), n in zip(ctx.pairs, grad.shape))
        return (grad[middle],)


def padded_array(x: np.ndarray, pairs: Any, value: Any = 0) -> np.ndarray:
    """x surrounded by `value`, (before, after) per axis, in a reused workspace array (a
    fresh one each step would cost page faults)."""
    shape = tuple(n + a + b for n, (a, b) in zip(x.shape, pairs))
    out = workspace.empty(shape, x.dtype)
    out.fill(value)
    out[tuple(slice(a, a + n) for n, (a, _) in zip(x.shape, pairs))] = x
    return out


# ------------------------------------------------------------ public functions


def reshape(x: Tensor, shape: Any) -> Tensor:
    """The same values in a new shape (one entry may be -1)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return Reshape.apply(x, shape=shape)


def permute(input: Any, *dims: Any) -> Tensor:
    """Reorder the dims: out dim i is input dim dims[i] (a view, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.permute(ag.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return Permute.apply(input, dims=tuple(dims))


@register(
    "transpose",
    sample="transpose",
    reference=lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1) if np.ndim(x) else x,
)
def transpose(input: Any, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (PyTorch's transpose; `permute` reorders them all).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.transpose(ag.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    a, b = normalize_axis(dim0, x.ndim, "transpose"), normalize_axis(dim1, x.ndim, "transpose")
    dims = list(range(x.ndim))
    if x.ndim:
        dims[a], dims[b] = dims[b], dims[a]
    return Permute.apply(x, dims=tuple(dims))


swapaxes = swapdims = transpose


@register("t", sample="t", reference=lambda x: np.transpose(x))
def t(input: Any) -> Tensor:
    """Transpose a matrix; 0-d and 1-d tensors come back as they are (as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.t(ag.zeros((2, 3))).shape
    (3, 2)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim > 2:
        raise ValueError(f"t: expects a tensor with <= 2 dims, got shape {x.shape} (use mT)")
    return Permute.apply(x, dims=tuple(range(x.ndim))[::-1])


def reversed_dims(x: Tensor) -> Tensor:
    """All dims reversed: `Tensor.T` (PyTorch deprecates it beyond 2 dims but keeps it)."""
    return Permute.apply(x, dims=tuple(range(x.ndim))[::-1])


def matrix_transpose(x: Tensor) -> Tensor:
    """The last two dims swapped: `Tensor.mT`, the transpose of a batch of matrices."""
    if x.ndim < 2:
        raise ValueError(f"mT: needs a tensor with at least 2 dims, got shape {x.shape}")
    return transpose(x, -2, -1)


def broadcast_to(x: Tensor, shape: Any) -> Tensor:
    """x repeated to `shape` by numpy's broadcasting rules."""
    return BroadcastTo.apply(x, shape=tuple(shape) if not isinstance(shape, int) else (shape,))


def cat(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dim (also named `concat` and `concatenate`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.cat([ag.zeros((2, 3)), ag.ones((1, 3))]).shape
    (3, 3)
    """
    if axis is not None:
        dim = axis
    return Concatenate.apply(*tensors, axis=dim)


concat = concatenate = cat


def pad(x: Tensor, pad_width: Any, constant_values: float = 0) -> Tensor:
    """Pad with a constant, taking numpy's `pad_width` forms."""
    return Pad.apply(x, pad_width=pad_width, constant_values=constant_values)


@register("flatten", sample="flatten")
def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims start_dim..end_dim into one (all of them by default); 0-d gives shape (1,).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.flatten(ag.zeros((2, 3, 4)), 1).shape
    (2, 12)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim == 0:
        normalize_axis(start_dim, 0, "flatten"), normalize_axis(end_dim, 0, "flatten")
        return reshape(x, (1,))
    start = normalize_axis(start_dim, x.ndim, "flatten")
    end = normalize_axis(end_dim, x.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = math.prod(x.shape[start : end + 1])
    return reshape(x, (*x.shape[:start], merged, *x.shape[end + 1 :]))


@register("squeeze", sample="squeeze", reference=lambda x, dim=None: _squeeze_reference(x, dim))
def squeeze(input: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """Drop size-1 dims (all of them, or those of `dim` that have size 1, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.squeeze(ag.zeros((1, 3, 1)), 1).shape, ag.squeeze(ag.zeros((1, 3, 1))).shape
    ((1, 3, 1), (3,))
    """
    from .axes import resolve_dim

    dim, _ = resolve_dim("squeeze", dim, False, axis)
    x = input if isinstance(input, Tensor) else Tensor(input)
    named = normalize_axes(dim, x.ndim, "squeeze", empty_is_all=False)
    axes = tuple(a for a in named if x.shape[a] == 1)
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _squeeze_reference(x: np.ndarray, dim: Any) -> np.ndarray:
    axes = normalize_axes(dim, x.ndim, "reference", empty_is_all=False)
    return np.squeeze(x, tuple(a for a in axes if x.shape[a] == 1))


@register("unsqueeze", sample="unsqueeze", reference=lambda x, dim: np.expand_dims(x, dim))
def unsqueeze(input: Any, dim: int) -> Tensor:
    """Insert a size-1 dim at position `dim` of the result (-1: last).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.unsqueeze(ag.zeros((2, 3)), -1).shape
    (2, 3, 1)
    """
    return expand_dims(input, normalize_axis(dim, np.ndim(input) + 1, "unsqueeze"))


@register("expand_dims", sample="expand_dims", reference=np.expand_dims)
def expand_dims(x: Tensor, axis: Any) -> Tensor:
    """Insert size-1 dims at the positions `axis` of the result (numpy's name)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    ndim = x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1)
    axes = normalize_axes(axis, ndim, "expand_dims", empty_is_all=False)
    sizes = iter(x.shape)
    return reshape(x, tuple(1 if i in axes else next(sizes) for i in range(ndim)))


@register("stack", sample="stack", reference=lambda *xs, dim=0: np.stack(xs, dim))
def stack(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new dim.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.stack([ag.zeros(3), ag.ones(3)], dim=1).shape
    (3, 2)
    """
    if axis is not None:
        dim = axis
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: need at least one tensor")
    if len({t.shape for t in tensors}) > 1:
        raise ValueError(
            f"stack: all tensors must have the same shape, got {[t.shape for t in tensors]}"
        )
    dim = normalize_axis(dim, tensors[0].ndim + 1, "stack")
    return cat([expand_dims(x, dim) for x in tensors], dim=dim)


__all__ = [
    "broadcast_to", "cat", "concat", "concatenate", "expand_dims", "flatten", "pad", "permute",
    "reshape", "squeeze", "stack", "swapaxes", "swapdims", "t", "transpose", "unsqueeze",
]  # fmt: skip
ALIASES = {"concat": "cat", "concatenate": "cat", "swapaxes": "transpose", "swapdims": "transpose"}
