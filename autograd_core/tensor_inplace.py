"""The in-place methods of `Tensor` (`add_`, `+=`, `t[i] = v`, ...), one delegating line each.

Each writes the tensor's memory (its views and aliases see the change) and,
on a tensor in the graph, records the op as the tensor's new `grad_fn`; the
machinery is in `autograd_core.inplace`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only (postponed): the core needs nothing beyond numpy
    from typing_extensions import Self


class InPlaceMethods:
    """Mixed into `Tensor`: the in-place forms of the ops, as PyTorch names them."""

    __slots__ = ()

    def __iadd__(self, other: Any) -> Self:
        return _inplace.update(self, np.add, _ops.add, other, "+=")

    def __isub__(self, other: Any) -> Self:
        return _inplace.update(self, np.subtract, _ops.sub, other, "-=")

    def __imul__(self, other: Any) -> Self:
        return _inplace.update(self, np.multiply, _ops.mul, other, "*=")

    def __itruediv__(self, other: Any) -> Self:
        return _inplace.update(self, np.true_divide, _ops.div, other, "/=")

    def __setitem__(self, index: Any, value: Any) -> None:
        _inplace.setitem(self, index, value)

    def add_(self, other: Any, alpha: float = 1) -> Self:
        return _inplace.update(self, np.add, _ops.add, _scaled(other, alpha), "add_")

    def sub_(self, other: Any, alpha: float = 1) -> Self:
        return _inplace.update(self, np.subtract, _ops.sub, _scaled(other, alpha), "sub_")

    def mul_(self, other: Any) -> Self:
        return _inplace.update(self, np.multiply, _ops.mul, other, "mul_")

    def div_(self, other: Any) -> Self:
        return _inplace.update(self, np.true_divide, _ops.div, other, "div_")

    def pow_(self, exponent: Any) -> Self:
        return _inplace.apply(self, _ops.pow, exponent, op="pow_")

    def clamp_(self, min: Any = None, max: Any = None) -> Self:
        return _inplace.apply(self, _ops.clip, min, max, op="clamp_")

    clip_ = clamp_

    def neg_(self) -> Self:
        return _inplace.apply(self, _ops.neg, op="neg_")

    def abs_(self) -> Self:
        return _inplace.apply(self, _ops.abs, op="abs_")

    def exp_(self) -> Self:
        return _inplace.apply(self, _ops.exp, op="exp_")

    def sqrt_(self) -> Self:
        return _inplace.apply(self, _ops.sqrt, op="sqrt_")

    def relu_(self) -> Self:
        return _inplace.apply(self, _ops.relu, op="relu_")

    def sigmoid_(self) -> Self:
        return _inplace.apply(self, _ops.sigmoid, op="sigmoid_")

    def tanh_(self) -> Self:
        return _inplace.apply(self, _ops.tanh, op="tanh_")

    def fill_(self, value: Any) -> Self:
        return _inplace.apply(self, _inplace.filled, value, op="fill_")

    def zero_(self) -> Self:
        return _inplace.apply(self, _inplace.filled, 0, op="zero_")

    def copy_(self, src: Any) -> Self:
        return _inplace.apply(self, _inplace.filled, src, op="copy_")

    def masked_fill_(self, mask: Any, value: Any) -> Self:
        return _inplace.apply(self, _inplace.masked_filled, mask, value, op="masked_fill_")

    def index_fill_(self, dim: int, index: Any, value: Any) -> Self:
        return _inplace.apply(self, _inplace.index_filled, dim, index, value, op="index_fill_")

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> Self:
        return _inplace.apply(self, _inplace.uniform, a, b, op="uniform_")

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Self:
        return _inplace.apply(self, _inplace.normal, mean, std, op="normal_")


def _scaled(other: Any, alpha: float) -> Any:
    return other if alpha == 1 else other * alpha


_inplace: Any  # autograd_core.inplace, set by `link`
_ops: Any  # autograd_core.ops, set by `link`


def link() -> None:
    """Import what the methods call; `tensor.py` calls this once Tensor exists (the ops and
    the in-place machinery are built on Tensor)."""
    global _inplace, _ops
    from . import inplace as _inplace
    from . import ops as _ops
