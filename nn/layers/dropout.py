"""`Dropout`: inverted dropout while training, the identity in eval mode."""

from __future__ import annotations

from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from ..module import Module
from ._checks import check_tensor


class Dropout(Module):
    """Zero each element with probability p while training; scale the rest by 1/(1-p).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.Dropout(0.5).eval()
    >>> layer(ag.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p must be between 0 and 1, got {p}")
        self.p = float(p)
        self.inplace = bool(inplace)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
