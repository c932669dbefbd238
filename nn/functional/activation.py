"""Activation functions with PyTorch's names (`dim`, `negative_slope`), composed of engine ops.

Nothing here has a backward of its own: the gradients come from the
primitives in `autograd_core.ops`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.errors import DTypeError
from autograd_core.function import register
from autograd_core.ops.special import erf


def _as_tensor(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)):
        raise TypeError(
            f"expected a Tensor, got a {type(x).__name__} (wrap it first: ag.tensor(...))"
        )
    return ag.tensor(x)


def relu(x: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise (gradient 0 at x = 0, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> relu(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return x.relu_() if inplace else ag.relu(x)


@register("leaky_relu", sample="nn_leaky_relu", kinks=(0.0,))
def leaky_relu(x: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x (gradient negative_slope at 0, as in PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> leaky_relu(ag.tensor([-2.0, 3.0]), 0.5)
    tensor([-1.,  3.])
    """
    x = _as_tensor(x)
    return ag.where(np.asarray(x) > 0, x, x * negative_slope)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), without overflow for large |x|."""
    return ag.sigmoid(x)


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ag.tanh(x)


def _softmax_dim(x: Tensor, dim: int | None, op: str) -> int:
    if dim is not None:
        return dim
    # NOTE: PyTorch's deprecated implicit choice, with its warning: 0 for 0-, 1- and 3-d
    # inputs, else 1
    warnings.warn(
        f"Implicit dimension choice for {op} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if x.ndim in (0, 1, 3) else 1


def _along(fn: Any, x: Any, dim: int | None, dtype: Any, op: str) -> Tensor:
    x = _as_tensor(x)
    if x.dtype.kind not in "fc" and dtype is None:
        raise DTypeError(
            f"{op}: expected a floating-point input, got {x.dtype} (convert it first, "
            "e.g. x.float(), or pass dtype=)"
        )
    axis = _softmax_dim(x, dim, op)
    if dtype is not None:
        x = ag.ops.astype(x, np.dtype(dtype))
    if x.ndim == 0:  # a 0-d input is its own single class, as in PyTorch
        if axis not in (0, -1):
            raise IndexError(f"{op}: dim {axis} is out of range for a 0-d input (use 0 or -1)")
        return fn(x.reshape(1), axis=0).reshape(())
    return fn(x, axis=axis)


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, stable for large inputs.

    Without `dim`, PyTorch's deprecated implicit choice is made (with its warning).

    Examples
    --------
    >>> import autograd_core as ag
    >>> softmax(ag.tensor([[0.0, 0.0]]), dim=1)
    tensor([[0.5, 0.5]])
    """
    return _along(ag.softmax, input, dim, dtype, "softmax")


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """log(softmax(x)) along `dim`, through log-sum-exp so it stays finite.

    Examples
    --------
    >>> import autograd_core as ag
    >>> log_softmax(ag.tensor([0.0, 0.0]), dim=0).exp()
    tensor([0.5, 0.5])
    """
    return _along(ag.log_softmax, input, dim, dtype, "log_softmax")


def stable_softplus(x: Tensor) -> Tensor:
    """log(1 + exp(x)) for any x, smooth to every order (also at 0), finite at +-1000.

    Examples
    --------
    >>> import autograd_core as ag
    >>> stable_softplus(ag.tensor([-1000.0, 1000.0]))
    tensor([   0., 1000.])
    """
    x = x if isinstance(x, Tensor) else ag.tensor(x)
    # NOTE: each branch only sees the values it is used for (the other ones are replaced by
    # 0), so neither overflows where it is not taken (exp(1000) would make the gradient
    # 0 * inf = NaN); and no max/abs kink at 0, whose pieces lose the curvature there.
    positive = np.asarray(x) > 0
    above = ag.where(positive, x, 0.0)  # x > 0: x + log(1 + exp(-x))
    below = ag.where(positive, 0.0, x)  # x <= 0: log(1 + exp(x))
    return ag.where(positive, above + _log1p(ag.exp(-above)), _log1p(ag.exp(below)))


_LOG1P_TERMS = 10  # e < 0.01: the series' next term is below 1e-20 of its value


def _log1p(e: Tensor) -> Tensor:
    """log(1 + e) for e >= 0, to float64 precision also for tiny e (where 1 + e rounds)."""
    # NOTE: the series e - e**2/2 + e**3/3 - ... (Horner form) below 0.01, the log above
    small = np.asarray(e) < 0.01
    t = ag.where(small, e, 0.0)
    series = t * 0.0 + 1.0 / _LOG1P_TERMS
    for n in range(_LOG1P_TERMS - 1, 0, -1):
        series = 1.0 / n - t * series
    return ag.where(small, t * series, ag.log(1 + ag.where(small, 1.0, e)))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@register("gelu", sample="nn_activation", domains=("wide",))
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF; approximate="tanh" uses PyTorch's tanh formula.

    Examples
    --------
    >>> import autograd_core as ag
    >>> gelu(ag.tensor([0.0, 10.0]))
    tensor([ 0., 10.])
    """
    x = _as_tensor(input)
    if approximate == "none":
        return x * (1 + erf(x * (1 / math.sqrt(2)))) * 0.5
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)
        return x * (1 + ag.tanh(inner)) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


@register("elu", sample="nn_activation", domains=("wide",), kinks=(0.0,))
def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha * (exp(x) - 1).

    Examples
    --------
    >>> import autograd_core as ag
    >>> elu(ag.tensor([1.0, 0.0]))
    tensor([1., 0.])
    """
    x = _as_tensor(input)
    positive = np.asarray(x) > 0
    # NOTE: exp only sees the values it is used for, so x = 1000 gives no inf (and no NaN
    # gradient through the branch not taken)
    below = ag.where(positive, 0.0, x)
    return ag.where(positive, x, (ag.exp(below) - 1) * alpha)


@register("selu", sample="nn_activation", domains=("wide",), kinks=(0.0,))
def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants (1.0507..., 1.6732...).

    Examples
    --------
    >>> import autograd_core as ag
    >>> selu(ag.tensor([0.0]))
    tensor([0.])
    """
    return elu(input, _SELU_ALPHA) * _SELU_SCALE


@register("silu", sample="nn_activation", domains=("wide",))
def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (the swish).

    Examples
    --------
    >>> import autograd_core as ag
    >>> silu(ag.tensor([0.0]))
    tensor([0.])
    """
    x = _as_tensor(input)
    return x * ag.sigmoid(x)


@register("softplus", sample="nn_activation", domains=("wide",))
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> softplus(ag.tensor([0.0, 30.0]), beta=2.0)
    tensor([ 0.3465736, 30.       ])
    """
    x = _as_tensor(input)
    scaled = x * beta
    linear = np.asarray(scaled) > threshold
    return ag.where(linear, x, stable_softplus(scaled) / beta)


@register("hardtanh", sample="nn_activation", domains=("wide",))
def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clamped to [min_val, max_val]; gradient 1 strictly inside, 0 elsewhere (as PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> hardtanh(ag.tensor([-3.0, 0.5, 3.0]))
    tensor([-1. ,  0.5,  1. ])
    """
    if not min_val <= max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    x = _as_tensor(input)
    values = np.asarray(x)
    inside = (values > min_val) & (values < max_val)
    clamped = np.clip(values, min_val, max_val).astype(x.dtype, copy=False)
    return ag.where(inside, x, clamped)


@register("relu6", sample="nn_activation", domains=("wide",), kinks=(0.0, 6.0))
def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6).

    Examples
    --------
    >>> import autograd_core as ag
    >>> relu6(ag.tensor([-1.0, 7.0]))
    tensor([0., 6.])
    """
    return hardtanh(input, 0.0, 6.0)
