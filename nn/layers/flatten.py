"""`Flatten`: merge axes start_dim..end_dim into one (by default all but the batch axis)."""

from __future__ import annotations

import autograd_core as ag
from autograd_core import Tensor

from ..module import Module
from ._checks import check_tensor, input_error


class Flatten(Module):
    """(N, C, H, W) -> (N, C*H*W) with the defaults; PyTorch's `start_dim`/`end_dim`.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.Flatten()(ag.zeros((2, 1, 8, 8))).shape
    (2, 64)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        ndim = max(x.ndim, 1)
        if not (-ndim <= self.start_dim < ndim and -ndim <= self.end_dim < ndim):
            raise input_error(self, x, "with axes start_dim and end_dim")
        return ag.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
