"""`Upsample`: nearest-neighbour resizing as a layer, one call to `nn.functional.interpolate`."""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from ..module import Module
from ._checks import check_tensor, input_error


class Upsample(Module):
    """Resize (N, C, *spatial) inputs to `size` or by `scale_factor`, copying the nearest pixel.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.Upsample(scale_factor=2)(ag.ones((1, 3, 4, 4))).shape
    (1, 3, 8, 8)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest") -> None:
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size and scale_factor")
        if mode != "nearest":
            raise ValueError(f"Upsample: only mode='nearest' is implemented, got {mode!r}")
        self.size, self.scale_factor, self.mode = size, scale_factor, mode

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        if not 3 <= x.ndim <= 5:
            raise input_error(self, x, "(N, C, *spatial) with 1 to 3 spatial axes")
        return F.interpolate(x, self.size, self.scale_factor, self.mode)

    def extra_repr(self) -> str:
        what = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return f"{what}, mode={self.mode!r}"
