"""`Linear` (a fully connected layer, weight (out_features, in_features)) and `Identity`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.dtypes import get_default_dtype

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from .. import init
from ..module import Module, Parameter
from ._checks import check_dtype, check_tensor, input_error


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features), as in PyTorch.

    Default initialisation as PyTorch's: kaiming_uniform_(a=sqrt(5)) for the
    weight and U(-1/sqrt(in_features), 1/sqrt(in_features)) for the bias.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.Linear(3, 2)
    >>> layer.weight.shape, layer(ag.ones((5, 3))).shape
    ((2, 3), (5, 2))
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None
    ) -> None:
        super().__init__()
        for label, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"Linear: {label} must be a non-negative int, got {n!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights with PyTorch's default rule."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise input_error(self, x, f"(*, {self.in_features})")
        weight, bias = self.weight, self.bias  # NOTE: once each: Module.__getattr__ is slow
        check_dtype(self, x, weight, bias)
        return F.linear(x, weight, bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (a placeholder where a layer is optional).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.Identity()(ag.tensor([1.0])).tolist()
    [1.0]
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()  # arguments are accepted and ignored, as PyTorch's Identity does

    def forward(self, x: Tensor) -> Tensor:
        return x
