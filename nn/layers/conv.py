"""`Conv2d` and `ConvTranspose2d`: weights with PyTorch's layouts and default initialisation,
and a forward that is one call to `nn.functional.conv2d` / `conv_transpose2d`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.dtypes import get_default_dtype
from autograd_core.ops.window import pair

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from .. import init
from ..module import Module, Parameter
from ._checks import check_dtype, check_tensor, input_error


class _ConvNd(Module):
    """What both convolutions share: arguments, parameters, initialisation, repr."""

    transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any,
        padding: Any,
        dilation: Any,
        groups: int,
        bias: bool,
        dtype: Any,
        output_padding: Any = 0,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        for label, n in (
            ("in_channels", in_channels),
            ("out_channels", out_channels),
            ("groups", groups),
        ):
            if not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"{name}: {label} must be a positive int, got {n!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) "
                f"must both be divisible by groups ({groups})"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair(kernel_size, "kernel_size", name)
        self.stride = pair(stride, "stride", name)
        self.dilation = pair(dilation, "dilation", name)
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding", name)
        self.output_padding = pair(output_padding, "output_padding", name)
        for label, values in (
            ("kernel_size", self.kernel_size),
            ("stride", self.stride),
            ("dilation", self.dilation),
        ):
            if min(values) < 1:
                raise ValueError(f"{name}: {label} must be positive, got {values}")
        if self.transposed:  # (in, out/groups, KH, KW)
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:  # (out, in/groups, KH, KW)
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, U(+-1/sqrt(fan_in))
        for the bias, with fan_in = weight.shape[1] * KH * KW."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def _check(self, x: Tensor) -> None:
        if x.ndim not in (3, 4) or x.shape[-3] != self.in_channels:
            raise input_error(
                self, x, f"(N, {self.in_channels}, H, W) or ({self.in_channels}, H, W)"
            )
        check_dtype(self, x, self.weight, self.bias)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding not in ((0, 0), "valid"):
            text += (
                f", padding={self.padding!r}"
                if isinstance(self.padding, str)
                else (f", padding={self.padding}")
            )
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.output_padding != (0, 0):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_ConvNd):
    """2-d convolution (cross-correlation) over (N, C, H, W) inputs, as PyTorch's `Conv2d`.

    weight has shape (out_channels, in_channels / groups, KH, KW) and bias
    (out_channels,); `padding` may be an int, a pair, "valid" or "same".

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.Conv2d(3, 8, 3, padding=1)
    >>> layer.weight.shape, layer(ag.ones((2, 3, 5, 5))).shape
    ((8, 3, 3, 3), (2, 8, 5, 5))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, dtype
        )

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        self._check(x)
        return F.conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )


class ConvTranspose2d(_ConvNd):
    """Transposed 2-d convolution (the gradient of a convolution with respect to its input),
    as PyTorch's `ConvTranspose2d`: it up-samples by `stride`.

    weight has shape (in_channels, out_channels / groups, KH, KW); the output
    size is (H - 1) * stride - 2 * padding + dilation * (KH - 1) + output_padding + 1.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.ConvTranspose2d(8, 3, 2, stride=2)
    >>> layer.weight.shape, layer(ag.ones((1, 8, 4, 4))).shape
    ((8, 3, 2, 2), (1, 3, 8, 8))
    """

    transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        dtype: Any = None,
    ) -> None:
        if isinstance(padding, str):
            raise ValueError(f"ConvTranspose2d: padding must be an int or a pair, got {padding!r}")
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            dtype,
            output_padding,
        )

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        self._check(x)
        return F.conv_transpose2d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.output_padding,
            self.groups,
            self.dilation,
        )
