"""The methods of `Tensor` that PyTorch has for its ops, one delegating line each.

Each hands the tensor to the function of the same name in `autograd_core.ops`
(where the op, its backward and its documentation live). `Tensor` mixes this
class in; the operators and Python's protocols are in `tensor.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tensor import Tensor


class OpMethods:
    """Mixed into `Tensor`: `x.sin()` is `ops.sin(x)`, with the function's arguments."""

    __slots__ = ()

    # ------------------------------------------------------------- elementwise

    def add(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return _ops.add(self, other, alpha=alpha)

    def sub(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return _ops.sub(self, other, alpha=alpha)

    def mul(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return _ops.div(self, other, rounding_mode=rounding_mode)

    def where(self, condition: Any, other: Any) -> Tensor:
        return _ops.where(condition, self, other)

    def rsqrt(self) -> Tensor:
        return _ops.rsqrt(self)

    def sin(self) -> Tensor:
        return _ops.sin(self)

    def cos(self) -> Tensor:
        return _ops.cos(self)

    def tan(self) -> Tensor:
        return _ops.tan(self)

    def log2(self) -> Tensor:
        return _ops.log2(self)

    def log10(self) -> Tensor:
        return _ops.log10(self)

    def exp2(self) -> Tensor:
        return _ops.exp2(self)

    def erf(self) -> Tensor:
        return _ops.erf(self)

    def asin(self) -> Tensor:
        return _ops.asin(self)

    def acos(self) -> Tensor:
        return _ops.acos(self)

    def atan(self) -> Tensor:
        return _ops.atan(self)

    def atan2(self, other: Any) -> Tensor:
        return _ops.atan2(self, other)

    def sinh(self) -> Tensor:
        return _ops.sinh(self)

    def cosh(self) -> Tensor:
        return _ops.cosh(self)

    def reciprocal(self) -> Tensor:
        return _ops.reciprocal(self)

    def frac(self) -> Tensor:
        return _ops.frac(self)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        return _ops.lerp(self, end, weight)

    def clamp_min(self, min: Any) -> Tensor:
        return _ops.clamp_min(self, min)

    def clamp_max(self, max: Any) -> Tensor:
        return _ops.clamp_max(self, max)

    def true_divide(self, other: Any) -> Tensor:
        return _ops.true_divide(self, other)

    def floor_divide(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def sign(self) -> Tensor:
        return _ops.sign(self)

    def log1p(self) -> Tensor:
        return _ops.log1p(self)

    def expm1(self) -> Tensor:
        return _ops.expm1(self)

    def square(self) -> Tensor:
        return _ops.square(self)

    def floor(self) -> Tensor:
        return _ops.floor(self)

    def ceil(self) -> Tensor:
        return _ops.ceil(self)

    def trunc(self) -> Tensor:
        return _ops.trunc(self)

    def round(self, *, decimals: int = 0) -> Tensor:
        return _ops.round(self, decimals=decimals)

    # ---------------------------------------------------------------- booleans

    def eq(self, other: Any) -> Tensor:
        return _ops.eq(self, other)

    def equal(self, other: Any) -> bool:
        return _ops.equal(self, other)

    def not_equal(self, other: Any) -> Tensor:
        return _ops.not_equal(self, other)

    def less(self, other: Any) -> Tensor:
        return _ops.less(self, other)

    def less_equal(self, other: Any) -> Tensor:
        return _ops.less_equal(self, other)

    def greater(self, other: Any) -> Tensor:
        return _ops.greater(self, other)

    def greater_equal(self, other: Any) -> Tensor:
        return _ops.greater_equal(self, other)

    def ne(self, other: Any) -> Tensor:
        return _ops.ne(self, other)

    def lt(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def le(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def gt(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def ge(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def isnan(self) -> Tensor:
        return _ops.isnan(self)

    def isinf(self) -> Tensor:
        return _ops.isinf(self)

    def isfinite(self) -> Tensor:
        return _ops.isfinite(self)

    def logical_and(self, other: Any) -> Tensor:
        return _ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Tensor:
        return _ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        return _ops.logical_xor(self, other)

    def logical_not(self) -> Tensor:
        return _ops.logical_not(self)

    def all(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.all(self, dim, keepdim, **aliases)

    def any(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.any(self, dim, keepdim, **aliases)

    # ---------------------------------------------------------- linear algebra

    def mm(self, mat2: Any) -> Tensor:
        return _ops.mm(self, mat2)

    def bmm(self, mat2: Any) -> Tensor:
        return _ops.bmm(self, mat2)

    def mv(self, vec: Any) -> Tensor:
        return _ops.mv(self, vec)

    def dot(self, other: Any) -> Tensor:
        return _ops.dot(self, other)

    def inner(self, other: Any) -> Tensor:
        return _ops.inner(self, other)

    def outer(self, vec2: Any) -> Tensor:
        return _ops.outer(self, vec2)

    def ger(self, vec2: Any) -> Tensor:
        return _ops.ger(self, vec2)

    # ------------------------------------------------------- indexing by a dim

    def gather(self, dim: int, index: Any) -> Tensor:
        return _ops.gather(self, dim, index)

    def scatter(self, dim: int, index: Any, src: Any = None, **kw: Any) -> Tensor:
        return _ops.scatter(self, dim, index, src, **kw)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor:
        return _ops.scatter_add(self, dim, index, src)

    def scatter_(self, dim: int, index: Any, src: Any = None, **kw: Any) -> Tensor:
        return _inplace.apply(self, _ops.scatter, dim, index, src, op="scatter_", **kw)

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Tensor:
        return _inplace.apply(self, _ops.scatter_add, dim, index, src, op="scatter_add_")

    def take(self, index: Any) -> Tensor:
        return _ops.take(self, index)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        return _ops.take_along_dim(self, indices, dim)

    def index_select(self, dim: int, index: Any) -> Tensor:
        return _ops.index_select(self, dim, index)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return _ops.masked_fill(self, mask, value)

    def masked_select(self, mask: Any) -> Tensor:
        return _ops.masked_select(self, mask)

    # ------------------------------------------------------------------ shapes

    def view(self, *shape: Any) -> Tensor:
        return _ops.view(self, *shape)

    def view_as(self, other: Any) -> Tensor:
        return _ops.view_as(self, other)

    def reshape_as(self, other: Any) -> Tensor:
        return _ops.reshape_as(self, other)

    def expand(self, *sizes: Any) -> Tensor:
        return _ops.expand(self, *sizes)

    def expand_as(self, other: Any) -> Tensor:
        return _ops.expand_as(self, other)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        return _ops.swapdims(self, dim0, dim1)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        return _ops.movedim(self, source, destination)

    def moveaxis(self, source: Any, destination: Any) -> Tensor:
        return _ops.moveaxis(self, source, destination)

    def select(self, dim: int, index: int) -> Tensor:
        return _ops.select(self, dim, index)

    def type_as(self, other: Any) -> Tensor:
        return self.to(other.dtype)  # type: ignore[attr-defined]

    def unflatten(self, dim: int, sizes: Any) -> Tensor:
        return _ops.unflatten(self, dim, sizes)

    def contiguous(self, memory_format: Any = None) -> Tensor:
        return _ops.contiguous(self)

    def clone(self, *, memory_format: Any = None) -> Tensor:
        return _ops.clone(self)

    # ------------------------------------------------------ values rearranged

    def flip(self, *dims: Any) -> Tensor:
        return _ops.flip(self, dims[0] if len(dims) == 1 else dims)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return _ops.roll(self, shifts, dims)

    def repeat(self, *sizes: Any) -> Tensor:
        return _ops.repeat(self, *sizes)

    def tile(self, *dims: Any) -> Tensor:
        return _ops.tile(self, dims[0] if len(dims) == 1 else dims)

    def tril(self, diagonal: int = 0) -> Tensor:
        return _ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return _ops.triu(self, diagonal)

    # ------------------------------------------------------------------ pieces

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        return _ops.narrow(self, dim, start, length)

    def split(self, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
        return _ops.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        return _ops.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        return _ops.unbind(self, dim)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return _ops.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0) -> Tensor:
        return _ops.diag(self, diagonal)

    def trace(self) -> Tensor:
        return _ops.trace(self)

    # --------------------------------------------------------- sorting, finding

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return _ops.nonzero(self, as_tuple=as_tuple)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        return _ops.count_nonzero(self, dim)

    def argwhere(self) -> Tensor:
        return _ops.argwhere(self)

    def unique(self, sorted: bool = True, return_inverse: bool = False, **kw: Any) -> Any:
        return _ops.unique(self, sorted, return_inverse, **kw)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, **kw: Any) -> Tensor:
        return _ops.isclose(self, other, rtol, atol, **kw)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, **kw: Any) -> bool:
        return _ops.allclose(self, other, rtol, atol, **kw)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return _ops.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return _ops.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return _ops.topk(self, k, dim, largest, sorted)

    # ------------------------------------ the first ops: math, reductions, shapes

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def neg(self) -> Tensor:
        return _ops.neg(self)

    def pow(self, exponent: Any) -> Tensor:
        return _ops.pow(self, exponent)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        return _ops.clip(self, min, max)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        return _ops.clip(self, min, max)

    def maximum(self, other: Any) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return _ops.minimum(self, other)

    def sum(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.sum(self, dim, keepdim, **aliases)

    def mean(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.mean(self, dim, keepdim, **aliases)

    def prod(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.prod(self, dim, keepdim, **aliases)

    def max(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
        return _ops.max(self, dim, keepdim, **aliases)

    def min(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
        return _ops.min(self, dim, keepdim, **aliases)

    def amax(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.amax(self, dim, keepdim, **aliases)

    def amin(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.amin(self, dim, keepdim, **aliases)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.var(self, dim, unbiased, keepdim, **kw)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.std(self, dim, unbiased, keepdim, **kw)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.norm(self, p, dim, keepdim, **kw)

    def logsumexp(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.logsumexp(self, dim, keepdim, **aliases)

    def cumsum(self, dim: Any = None, **kw: Any) -> Tensor:
        return _ops.cumsum(self, dim, **kw)

    def softmax(self, dim: Any = -1, dtype: Any = None, **aliases: Any) -> Tensor:
        return _ops.softmax(self, dim, dtype, **aliases)

    def log_softmax(self, dim: Any = -1, dtype: Any = None, **aliases: Any) -> Tensor:
        return _ops.log_softmax(self, dim, dtype, **aliases)

    def argmax(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.argmax(self, dim, keepdim, **aliases)

    def argmin(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.argmin(self, dim, keepdim, **aliases)

    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def permute(self, *dims: Any) -> Tensor:
        return _ops.permute(self, *dims)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def swapaxes(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        return _ops.t(self)

    @property
    def mT(self) -> Tensor:  # noqa: N802 (PyTorch's name)
        return _ops.matrix_transpose(self)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, dim: Any = None, **aliases: Any) -> Tensor:
        return _ops.squeeze(self, dim, **aliases)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def expand_dims(self, axis: Any) -> Tensor:
        return _ops.expand_dims(self, axis)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return _ops.broadcast_to(self, shape)

    def matmul(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)


_ops: Any  # autograd_core.ops, set by `link` (the ops are built on Tensor)
_inplace: Any  # autograd_core.inplace (the in-place forms record through it), set by `link`


def link() -> None:
    """Import the ops the methods call; `tensor.py` calls this once `Tensor` exists."""
    global _ops, _inplace
    from . import inplace as _inplace
    from . import ops as _ops
