"""Activation layers: `ReLU`, `LeakyReLU`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`.

Each is a one-line `forward` over `nn.functional`.
"""

from __future__ import annotations

from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from ..module import Module
from ._checks import input_error


class ReLU(Module):
    """max(x, 0) elementwise.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.ReLU()(ag.tensor([-1.0, 1.0]))
    tensor([0., 1.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """x where x > 0, else negative_slope * x.

    Examples
    --------
    >>> import nn
    >>> nn.LeakyReLU(0.2)
    LeakyReLU(negative_slope=0.2)
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """tanh(x) elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class _AlongDim(Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"{type(self).__name__}: dim must be an int, got {dim!r}")
        self.dim = dim

    def _check(self, x: Tensor) -> None:
        if not -x.ndim <= self.dim < x.ndim:
            raise input_error(
                self, x, f"with at least {self.dim + 1 if self.dim >= 0 else -self.dim} dimensions"
            )

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """exp(x) / sum(exp(x)) along `dim` (probabilities that sum to 1).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.Softmax(dim=1)(ag.zeros((1, 4))).data.tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """

    def forward(self, x: Tensor) -> Tensor:
        self._check(x)
        return F.softmax(x, self.dim)


class LogSoftmax(_AlongDim):
    """log(softmax(x)) along `dim`, computed stably."""

    def forward(self, x: Tensor) -> Tensor:
        self._check(x)
        return F.log_softmax(x, self.dim)
