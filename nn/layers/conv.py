"""`Conv1d`, `Conv2d` and `ConvTranspose2d`: weights with PyTorch's layouts and default
initialisation, and a forward that is one call to `nn.functional.conv1d` / `conv2d` /
`conv_transpose2d` (after `nn.functional.pad` for a `padding_mode` other than "zeros", as in
PyTorch)."""

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

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What both convolutions share: arguments, parameters, initialisation, repr."""

    transposed = False
    dims = 2  # spatial dims: 1 for Conv1d

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
        padding_mode: str = "zeros",
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
        self.kernel_size = self._ntuple(kernel_size, "kernel_size")
        self.stride = self._ntuple(stride, "stride")
        self.dilation = self._ntuple(dilation, "dilation")
        self.padding = padding if isinstance(padding, str) else self._ntuple(padding, "padding")
        self.output_padding = self._ntuple(output_padding, "output_padding")
        if padding_mode not in PADDING_MODES or (self.transposed and padding_mode != "zeros"):
            modes = ("zeros",) if self.transposed else PADDING_MODES
            raise ValueError(
                f"{name}: padding_mode must be one of {', '.join(map(repr, modes))}, "
                f"got {padding_mode!r}"
            )
        self.padding_mode = padding_mode
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
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def _ntuple(self, value: Any, label: str) -> tuple[int, ...]:
        name = type(self).__name__
        if self.dims == 1:
            return (F.conv.single(value, label, name),)
        return pair(value, label, name)

    def _check(self, x: Tensor) -> None:
        spatial = "L" if self.dims == 1 else "H, W"
        if x.ndim not in (self.dims + 1, self.dims + 2) or x.shape[-self.dims - 1] != (
            self.in_channels
        ):
            raise input_error(
                self, x, f"(N, {self.in_channels}, {spatial}) or ({self.in_channels}, {spatial})"
            )
        check_dtype(self, x, self.weight, self.bias)

    def _padded(self, x: Tensor) -> tuple[Tensor, Any]:
        """x padded by `padding_mode` and the padding left for the convolution (PyTorch pads
        first, then convolves without padding, unless the mode is "zeros")."""
        if self.padding_mode == "zeros":
            return x, self.padding
        if self.padding == "valid":
            return x, 0
        if isinstance(self.padding, str):  # "same" ("valid" returned above)
            totals = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            sides = [(t // 2, t - t // 2) for t in totals]
        else:
            sides = [(p, p) for p in self.padding]
        widths = tuple(w for side in reversed(sides) for w in side)  # last dim first
        return F.pad(x, widths, mode=self.padding_mode), 0

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        dims = len(self.kernel_size)  # (a Lazy* module shows this repr before it has `dims`)
        if self.padding not in ((0,) * dims, "valid"):
            text += (
                f", padding={self.padding!r}"
                if isinstance(self.padding, str)
                else (f", padding={self.padding}")
            )
        if self.dilation != (1,) * dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode!r}"
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
        padding_mode: str = "zeros",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, dtype,
            padding_mode=padding_mode,
        )  # fmt: skip

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        self._check(x)
        x, padding = self._padded(x)
        return F.conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-d convolution (cross-correlation) over (N, C, L) inputs, as PyTorch's `Conv1d`.

    weight has shape (out_channels, in_channels / groups, K) and bias
    (out_channels,); `padding` may be an int, "valid" or "same"; `padding_mode`
    "zeros", "reflect", "replicate" or "circular".

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.Conv1d(3, 8, 5, padding=2, padding_mode="reflect")
    >>> layer.weight.shape, layer(ag.ones((2, 3, 10))).shape
    ((8, 3, 5), (2, 8, 10))
    """

    dims = 1

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
        padding_mode: str = "zeros",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, dtype,
            padding_mode=padding_mode,
        )  # fmt: skip

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        self._check(x)
        x, padding = self._padded(x)
        return F.conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


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
        padding_mode: str = "zeros",
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
            padding_mode,
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
