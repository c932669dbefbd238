"""`MaxPool2d`, `AvgPool2d`, `MaxUnpool2d` and the adaptive pools (`AdaptiveAvgPool2d`, ...):
argument holders around the functions of `nn.functional`, with PyTorch's arguments."""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from ..module import Module
from ._checks import check_tensor, input_error


def _check(layer: Module, x: Tensor) -> None:
    if x.ndim not in (3, 4):
        raise input_error(layer, x, "(N, C, H, W) or (C, H, W)")


class MaxPool2d(Module):
    """Largest value of each window (see `nn.functional.max_pool2d`; tied maxima share the
    gradient equally).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.MaxPool2d(2)(ag.ones((1, 3, 8, 8))).shape
    (1, 3, 4, 4)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        check_tensor(self, x)
        _check(self, x)
        return F.max_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return (
            f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Mean of each window (see `nn.functional.avg_pool2d`).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.AvgPool2d(2, stride=1)(ag.ones((1, 3, 8, 8))).shape
    (1, 3, 7, 7)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        _check(self, x)
        return F.avg_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad
        )

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


class MaxUnpool2d(Module):
    """Puts pooled maxima back at the positions `MaxPool2d(return_indices=True)` reported,
    zeros elsewhere (see `nn.functional.max_unpool2d`).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> out, where = nn.MaxPool2d(2, return_indices=True)(ag.randn(1, 2, 4, 4))
    >>> nn.MaxUnpool2d(2)(out, where).shape
    (1, 2, 4, 4)
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x: Tensor, indices: Any, output_size: Any = None) -> Tensor:
        check_tensor(self, x)
        _check(self, x)
        return F.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


class _AdaptivePool(Module):
    """What the adaptive pooling layers share: output_size (and return_indices), repr."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average over adaptive bins to an `output_size` output whatever the input's size
    (see `nn.functional.adaptive_avg_pool2d`); `AdaptiveAvgPool2d(1)` is the global average.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.AdaptiveAvgPool2d((1, 1))(ag.ones((2, 8, 7, 7))).shape
    (2, 8, 1, 1)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.adaptive_avg_pool2d(x, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePool):
    """Largest value of each adaptive bin (see `nn.functional.adaptive_max_pool2d`).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.AdaptiveMaxPool2d((2, None))(ag.ones((1, 3, 5, 6))).shape
    (1, 3, 2, 6)
    """

    def forward(self, x: Tensor) -> Any:
        check_tensor(self, x)
        return F.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average over adaptive bins of a (N, C, L) input (see `nn.functional.adaptive_avg_pool1d`).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.AdaptiveAvgPool1d(3)(ag.ones((2, 4, 10))).shape
    (2, 4, 3)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveMaxPool1d(_AdaptivePool):
    """Largest value of each adaptive bin of a (N, C, L) input
    (see `nn.functional.adaptive_max_pool1d`).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.AdaptiveMaxPool1d(3)(ag.ones((2, 4, 10))).shape
    (2, 4, 3)
    """

    def forward(self, x: Tensor) -> Any:
        check_tensor(self, x)
        return F.adaptive_max_pool1d(x, self.output_size, self.return_indices)
