"""Weight initialisation with PyTorch's rules (`nn.init`), in place on a tensor's data.

Fans are computed as PyTorch does, so the same functions serve Linear
weights (out, in) and convolution weights (out, in/groups, kh, kw). The
random numbers come from `autograd_core.random.default_generator()`, so
`ag.manual_seed` makes an initialisation reproducible; the tensor keeps its dtype.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad
from autograd_core.random import default_generator

_LINEAR_LIKE = (
    "linear", "identity", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid",
)  # fmt: skip


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale of the weights in front of `nonlinearity` (PyTorch's table).

    Examples
    --------
    >>> round(calculate_gain("relu"), 4), round(calculate_gain("tanh"), 4)
    (1.4142, 1.6667)
    """
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r} (expected one of "
        f"{', '.join(_LINEAR_LIKE)}, tanh, relu, leaky_relu, selu)"
    )


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(
            f"init: fan in and fan out need a tensor with at least 2 dimensions, "
            f"got shape {tensor.shape}"
        )
    receptive_field = int(np.prod(tensor.shape[2:], dtype=np.int64))  # kh * kw for a conv
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: Any) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a Tensor, got {type(tensor).__name__}")
    values = np.asarray(values).astype(tensor.dtype, copy=False)
    with no_grad():  # in place, counted by the tensor's version, as in PyTorch
        tensor.copy_(values)
    return tensor


def _empty(tensor: Tensor) -> bool:
    if tensor.numel() == 0:
        warnings.warn("init: initialising a zero-element tensor is a no-op", stacklevel=3)
        return True
    return False


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples from U(a, b).

    Examples
    --------
    >>> import autograd_core as ag
    >>> t = np.asarray(uniform_(ag.zeros(100), -1, 1)); bool((t >= -1).all() and (t < 1).all())
    True
    """
    if a > b:
        raise ValueError(f"uniform_: lower bound a={a} exceeds upper bound b={b}")
    return _fill(tensor, default_generator().uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples from N(mean, std**2)."""
    if std < 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    return _fill(tensor, default_generator().normal(mean, std, tensor.shape))


def trunc_normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0
) -> Tensor:
    """Fill with samples from N(mean, std**2) restricted to [a, b] (values outside are redrawn).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> w = nn.init.trunc_normal_(ag.zeros((100,)), std=1.0, a=-0.5, b=0.5)
    >>> bool(np.abs(np.asarray(w)).max() <= 0.5)
    True
    """
    if std < 0 or a >= b:
        raise ValueError(f"trunc_normal_: needs std >= 0 and a < b, got std={std}, a={a}, b={b}")
    if not a <= mean <= b:
        raise ValueError(f"trunc_normal_: mean {mean} must lie in [a, b] = [{a}, {b}]")
    generator = default_generator()
    values = generator.normal(mean, std, tensor.shape)
    outside = (values < a) | (values > b)
    while outside.any():  # NOTE: each round redraws only the values that fell outside
        values[outside] = generator.normal(mean, std, int(outside.sum()))
        outside = (values < a) | (values > b)
    return _fill(tensor, values)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with the value `val`."""
    return _fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return _fill(tensor, np.zeros(tensor.shape))


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return _fill(tensor, np.ones(tensor.shape))


def kaiming_uniform_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He initialisation: U(-bound, bound) with bound = gain * sqrt(3 / fan).

    `a` is the negative slope of the leaky ReLU that follows (Linear and
    Conv2d use a = sqrt(5) for their default initialisation).

    Examples
    --------
    >>> import autograd_core as ag
    >>> w = kaiming_uniform_(ag.zeros((256, 64)), nonlinearity="relu")
    >>> bool(np.abs(np.asarray(w)).max() <= (6 / 64) ** 0.5)
    True
    """
    if _empty(tensor):
        return tensor
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return _fill(tensor, default_generator().uniform(-bound, bound, tensor.shape))


def kaiming_normal_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He initialisation: N(0, std**2) with std = gain / sqrt(fan)."""
    if _empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return _fill(tensor, default_generator().normal(0.0, std, tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot initialisation: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, default_generator().uniform(-bound, bound, tensor.shape))


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot initialisation: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, default_generator().normal(0.0, std, tensor.shape))
