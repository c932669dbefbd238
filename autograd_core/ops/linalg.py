"""Matrix multiplication with numpy's rules: 1-d operands, batched and
broadcast batch axes. Its backward is two more matmuls, so all of the work
goes through BLAS. PyTorch's shortcuts (mm, bmm, mv, dot, outer) check their
operands' dims first, as PyTorch does; einsum is in `einsum`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import workspace
from ..errors import ShapeError
from ..function import Function, register
from ..grad_mode import grad_enabled
from ..tensor import Tensor
from .movement import expand_dims, reshape


def _swap_last(x: Tensor) -> Tensor:
    if x.ndim == 2:
        return x.T  # the common case, and the cheapest call of transpose
    return x.transpose(-2, -1)


@register("matmul", sample="matmul", reference=np.matmul)
class MatMul(Function):
    """out = x @ y;   dL/dx = grad @ y^T,   dL/dy = x^T @ grad (batch axes summed by the engine)"""

    def forward(ctx, x, y):
        if x.ndim == 0 or y.ndim == 0:
            raise ValueError(
                "matmul: both operands need at least 1 dimension, "
                f"got shapes {x.shape} and {y.shape}"
            )
        if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
            raise ValueError(
                f"matmul: shapes {x.shape} and {y.shape} do not match: the last axis of x "
                f"({x.shape[-1]}) must equal the {'second-to-last' if y.ndim > 1 else 'only'} "
                f"axis of y ({y.shape[-2 if y.ndim > 1 else 0]})"
            )
        ctx.save_for_backward(x, y)
        return _matmul(x, y)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        # NOTE: a 1-d x acts as a (1, k) row and a 1-d y as a (k, 1) column; the
        # axis numpy dropped from the result is put back on grad for the products.
        if x.ndim == 1 and y.ndim == 1:
            grad = reshape(grad, (1, 1))
        elif x.ndim == 1:
            grad = expand_dims(grad, -2)
        elif y.ndim == 1:
            grad = expand_dims(grad, -1)
        if x.ndim == 1:
            x = reshape(x, (1, -1))
        if y.ndim == 1:
            y = reshape(y, (-1, 1))
        grad_x = grad_y = None
        # NOTE: an operand that is a transposed view (weight.T inside `linear`) gets its
        # gradient computed transposed, (y^T g^T)^T instead of g y^T: the same numbers, laid
        # out like the operand, so the gradient of the array underneath comes out
        # C-contiguous and the optimizer's update on it runs on contiguous memory.
        if ctx.needs_input_grad[0]:
            if _is_transposed(x._data):
                grad_x = _swap_last(y @ _swap_last(grad))
            else:
                grad_x = grad @ _swap_last(y)
        if ctx.needs_input_grad[1]:
            if y.ndim == 2 and x.ndim > 2:
                # NOTE: one y for every matrix of a batched x (a linear layer on a sequence):
                # all of x's rows in one product, not one product per batch entry summed
                x = reshape(x, (-1, x.shape[-1]))
                grad = reshape(grad, (-1, grad.shape[-1]))
            if _is_transposed(y._data):
                grad_y = _swap_last(_swap_last(grad) @ x)
            else:
                grad_y = _swap_last(x) @ grad
        if grad_x is not None and ctx.inputs[0].ndim == 1:
            grad_x = _drop_axis(grad_x, -2)
        if grad_y is not None and ctx.inputs[1].ndim == 1:
            grad_y = _drop_axis(grad_y, -1)
        return grad_x, grad_y


def _matmul(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.matmul, writing a large batched result into a reused workspace."""
    if x.ndim < 2 or y.ndim < 2:  # a vector
        return np.matmul(x, y)
    if _wide_times_transposed(x, y):
        # NOTE: x @ z^T with more columns than rows and a long contraction runs up to 1.8x
        # faster in OpenBLAS as (z @ x^T)^T (the same sums), copied back to C order so that
        # the layout does not change. Measured: the weight gradient of a convolution,
        # (32, 25088) @ (25088, 144), 2.46 -> 1.84 ms (see `_SWAP_MIN_INNER` for the rule).
        swapped = np.matmul(np.swapaxes(y, -1, -2), np.swapaxes(x, -1, -2))
        return np.ascontiguousarray(np.swapaxes(swapped, -1, -2))
    if x.ndim == y.ndim == 2:  # no batch axes
        return np.matmul(x, y)
    shape = (*np.broadcast_shapes(x.shape[:-2], y.shape[:-2]), x.shape[-2], y.shape[-1])
    return np.matmul(x, y, out=workspace.empty(shape, np.result_type(x, y)))


# NOTE: below about a million multiply-adds the copy costs more than the faster product saves
_SWAP_MIN_WORK = 1 << 20
# NOTE: and a contraction shorter than this gains nothing or loses. Measured on 2 threads,
# float32, swapped / plain, M x K x N: 64x784x256 0.99, 64x256x128 1.24 and 64x400x120 1.28
# (the forwards of the MLP's and LeNet-5's linear layers), 32x2048x64 1.08, 128x2048x256
# 1.02; 64x4096x256 0.84, 32x8192x64 0.70; 16x6400x150 0.55, 6x50176x25 0.64 and
# 64x32768x576 0.81 (convolutions' weight gradients, K = N*OH*OW).
_SWAP_MIN_INNER = 4096


def _wide_times_transposed(x: np.ndarray, y: np.ndarray) -> bool:
    """True for x (C order) @ y (a transposed view) whose result is wider than tall, with a
    long contraction (at least that width and `_SWAP_MIN_INNER`): the case `_matmul`
    computes transposed."""
    rows, inner = x.shape[-2:]
    columns = y.shape[-1]
    return (
        columns > rows
        and inner >= max(columns, _SWAP_MIN_INNER)
        and rows * inner * columns >= _SWAP_MIN_WORK
        and x.strides[-1] == x.itemsize
        and x.strides[-2] == inner * x.itemsize
        and y.strides[-2] == y.itemsize
        and y.strides[-1] == inner * y.itemsize
        and x.dtype == y.dtype
    )


def _is_transposed(a: np.ndarray) -> bool:
    """True when the last two axes of `a` are stored column-major (a transposed view)."""
    return a.ndim >= 2 and a.strides[-2] < a.strides[-1] and min(a.shape[-2:]) > 1


def _drop_axis(grad: Tensor, axis: int) -> Tensor:
    """Undo the row/column promotion of a 1-d operand (its batch axes are summed later)."""
    shape = list(grad.shape)
    del shape[axis]
    return reshape(grad, tuple(shape))


def matmul(x: Any, y: Any) -> Tensor:
    """Matrix product with numpy's rules.

    Examples
    --------
    >>> import autograd_core as ag
    >>> (ag.ones((2, 3)) @ ag.ones(3)).shape
    (2,)
    """
    return MatMul.apply(x, y)


def _check_ndims(op: str, x: Any, y: Any, ndims: tuple[int, int]) -> tuple[Tensor, Tensor]:
    x = x if isinstance(x, Tensor) else Tensor(x)
    y = y if isinstance(y, Tensor) else Tensor(y)
    if (x.ndim, y.ndim) != ndims:
        raise ShapeError(
            f"{op}: expects operands with {ndims[0]} and {ndims[1]} dims, "
            f"got shapes {x.shape} and {y.shape}"
        )
    return x, y


@register("mm", sample="mm", reference=np.matmul)
def mm(input: Any, mat2: Any) -> Tensor:
    """Product of two matrices, (n, k) @ (k, m) -> (n, m).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.mm(ag.ones((2, 3)), ag.ones((3, 4))).shape
    (2, 4)
    """
    return MatMul.apply(*_check_ndims("mm", input, mat2, (2, 2)))


@register("bmm", sample="bmm", reference=np.matmul)
def bmm(input: Any, mat2: Any) -> Tensor:
    """Batched matrix product without broadcasting, (b, n, k) @ (b, k, m) -> (b, n, m).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.bmm(ag.ones(5, 2, 3), ag.ones(5, 3, 4)).shape
    (5, 2, 4)
    """
    x, y = _check_ndims("bmm", input, mat2, (3, 3))
    if x.shape[0] != y.shape[0]:
        raise ShapeError(f"bmm: batch sizes differ: shapes {x.shape} and {y.shape}")
    return MatMul.apply(x, y)


@register("mv", sample="mv", reference=np.matmul)
def mv(input: Any, vec: Any) -> Tensor:
    """Matrix times vector, (n, k) @ (k,) -> (n,).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.mv(ag.ones(2, 3), ag.tensor([1.0, 2.0, 3.0]))
    tensor([6., 6.])
    """
    return MatMul.apply(*_check_ndims("mv", input, vec, (2, 1)))


@register("dot", sample="dot", reference=np.dot)
def dot(input: Any, other: Any) -> Tensor:
    """Inner product of two vectors of the same length (0-d result).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.dot(ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
    tensor(11.)
    """
    return MatMul.apply(*_check_ndims("dot", input, other, (1, 1)))


inner = dot


@register("outer", sample="outer", reference=np.outer)
def outer(input: Any, vec2: Any) -> Tensor:
    """Outer product of two vectors, (n,) and (m,) -> (n, m).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.outer(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 10.0]))
    tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    x, y = _check_ndims("outer", input, vec2, (1, 1))
    return reshape(x, (-1, 1)) * reshape(y, (1, -1))


ger = outer


# ------------------------------------------------------------------ fused primitives


def _affine_reference(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return x @ weight.T + bias


@register("affine", sample="affine", reference=_affine_reference)
class Affine(Function):
    """out = x @ weight^T + bias, x (N, in), weight (out, in), bias (out,);
    dL/dx = grad @ weight,   dL/dweight = grad^T @ x,   dL/dbias = grad summed over N

    `nn.functional.linear`'s primitive for a 2-d input with a bias: one node
    instead of three (the transposed view, the product, the broadcast sum), and
    no reduction by the engine for the bias gradient. tests/autograd_core/
    test_fused_ops.py compares it with that composition, `x @ weight.T + bias`.
    """

    def forward(ctx, x, weight, bias):
        if x.ndim != 2 or weight.ndim != 2 or bias.shape != weight.shape[:1]:
            raise ValueError(
                f"affine: expects x (N, in), weight (out, in) and bias (out,), got shapes "
                f"{x.shape}, {weight.shape} and {bias.shape}"
            )
        if x.shape[1] != weight.shape[1]:
            raise ValueError(
                f"affine: x of shape {x.shape} does not fit weight of shape {weight.shape}: "
                f"expected x.shape[1] == weight.shape[1]"
            )
        needs_x, needs_weight, _ = ctx.needs_input_grad
        ctx.save_for_backward(x if needs_weight else None, weight if needs_x else None)
        out = _matmul(x, weight.T)  # (N, in) @ (in, out) -> (N, out), fresh (`_matmul`)
        out += bias  # NOTE: in place, on the fresh product: the bias costs no second array
        return out

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        needs_x, needs_weight, needs_bias = ctx.needs_input_grad
        if grad_enabled.get():  # a recorded backward (create_graph): ops, differentiable again
            return (
                grad @ weight if needs_x else None,  # (N, out) @ (out, in) -> (N, in)
                grad.T @ x if needs_weight else None,  # (out, N) @ (N, in) -> (out, in)
                grad.sum(axis=0) if needs_bias else None,  # (N, out) -> (out,)
            )
        # NOTE: otherwise the same three formulas on the arrays: four unrecorded ops (the
        # transpose included) cost more than the products of a small layer
        g = grad._data
        return (
            Tensor._from_op(_matmul(g, weight._data), None) if needs_x else None,
            Tensor._from_op(_matmul(g.T, x._data), None) if needs_weight else None,
            Tensor._from_op(g.sum(axis=0), None) if needs_bias else None,
        )


__all__ = ["bmm", "dot", "ger", "inner", "matmul", "mm", "mv", "outer"]
ALIASES = {"inner": "dot", "ger": "outer"}
