"""Batch normalisation layers `BatchNorm1d` and `BatchNorm2d`, with PyTorch's buffers,
`LayerNorm`, and `LocalResponseNorm` (AlexNet's).

The parameters (`weight`, `bias`) and buffers (`running_mean`,
`running_var`, `num_batches_tracked`) carry PyTorch's names, so state dicts
move between the two libraries unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.dtypes import get_default_dtype

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from .. import init
from ..module import Module, Parameter
from ._checks import check_dtype, check_tensor, input_error


class _BatchNorm(Module):
    """Shared construction and forward of the batch-norm layers."""

    _ndims: tuple[int, ...] = ()  # the input ranks a subclass accepts
    _layout = ""  # how it names them in errors, with {C} for num_features

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_features, (int, np.integer)) or num_features <= 0:
            raise ValueError(f"{name}: num_features must be a positive int, got {num_features!r}")
        if eps <= 0:
            raise ValueError(f"{name}: eps must be positive, got {eps}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None, got {momentum}")
        self.num_features = int(num_features)
        self.eps = float(eps)
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = get_default_dtype()
        self.use_bias = affine and bias  # PyTorch 2.13's keyword: affine with no shift
        if affine:
            self.weight = Parameter(np.empty(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if self.use_bias:
            self.bias = Parameter(np.empty(num_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics, and weight to 1 and bias to 0."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            raise input_error(self, x, self._layout.format(C=self.num_features))
        stats = (self.weight, self.bias, self.running_mean, self.running_var)
        # NOTE: PyTorch's one mixed case: float16 input, float32 parameters and statistics
        # (the normalisation computed in float32, the output float16)
        half = x.dtype == np.float16 and all(t is None or t.dtype == np.float32 for t in stats)
        if half:
            x = x.to(np.float32)
        check_dtype(self, x, *stats)
        tracking = self.training and self.track_running_stats
        momentum = self.momentum
        if tracking and momentum is None:  # a cumulative average over all batches so far
            momentum = 1.0 / (int(self.num_batches_tracked) + 1)
        use_running = not self.training or self.track_running_stats
        out = F.batch_norm(
            x,
            self.running_mean if use_running else None,
            self.running_var if use_running else None,
            self.weight,
            self.bias,
            training=self.training or self.running_mean is None,
            momentum=0.0 if momentum is None else momentum,
            eps=self.eps,
        )
        if tracking:  # counted after the call, so a failed call leaves no trace
            self.num_batches_tracked += 1
        return out.to(np.float16) if half else out

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.use_bias}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input over N (and L), per feature C.

    Examples
    --------
    >>> import nn
    >>> [name for name, _ in nn.BatchNorm1d(3).named_buffers()]
    ['running_mean', 'running_var', 'num_batches_tracked']
    """

    _ndims = (2, 3)
    _layout = "(N, {C}) or (N, {C}, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input over N, H and W, per channel C.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.BatchNorm2d(3)(ag.randn(4, 3, 5, 5)).shape
    (4, 3, 5, 5)
    """

    _ndims = (4,)
    _layout = "(N, {C}, H, W)"


class LocalResponseNorm(Module):
    """AlexNet's normalisation across neighbouring channels (see
    `nn.functional.local_response_norm`); no parameters.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.LocalResponseNorm(5)(ag.ones((1, 8, 3, 3))).shape
    (1, 8, 3, 3)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class LayerNorm(Module):
    """Normalise each sample over its last dims (`normalized_shape`), then scale and shift
    elementwise, as PyTorch's `LayerNorm`: weight (ones) and bias (zeros) of that shape.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> norm = nn.LayerNorm(4)
    >>> norm(ag.randn(2, 3, 4)).shape, norm.weight.shape
    ((2, 3, 4), (4,))
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight to 1 and bias to 0."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        count = len(self.normalized_shape)
        if x.ndim < count or tuple(x.shape[x.ndim - count :]) != self.normalized_shape:
            raise input_error(self, x, f"(*, {', '.join(map(str, self.normalized_shape))})")
        check_dtype(self, x, self.weight, self.bias)
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
