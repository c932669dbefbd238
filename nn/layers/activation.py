"""Activation layers: `ReLU`, `LeakyReLU`, `GELU`, `ELU`, `SELU`, `SiLU`, `Softplus`,
`Hardtanh`, `ReLU6`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`.

Each is a one-line `forward` over `nn.functional`, with PyTorch's arguments
and repr. `inplace=True` is accepted and computes a new tensor (see docs/pytorch.md).
"""

from __future__ import annotations

from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from ..module import Module
from ._checks import check_tensor, input_error


class ReLU(Module):
    """max(x, 0) elementwise.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.ReLU()(ag.tensor([-1.0, 1.0]))
    tensor([0., 1.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = bool(inplace)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.relu(x, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


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
        check_tensor(self, x)
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.sigmoid(x)


class Tanh(Module):
    """tanh(x) elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
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
    >>> nn.Softmax(dim=1)(ag.zeros((1, 4))).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        self._check(x)
        return F.softmax(x, self.dim)


class LogSoftmax(_AlongDim):
    """log(softmax(x)) along `dim`, computed stably."""

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        self._check(x)
        return F.log_softmax(x, self.dim)


class _Inplace(Module):
    """An activation with PyTorch's `inplace` flag (shown in the repr when set)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = bool(inplace)

    def _options(self) -> list[str]:
        return []

    def extra_repr(self) -> str:
        return ", ".join(self._options() + (["inplace=True"] if self.inplace else []))


class GELU(Module):
    """x * Phi(x) (`approximate="tanh"`: PyTorch's tanh formula).

    Examples
    --------
    >>> import nn
    >>> nn.GELU(approximate="tanh")
    GELU(approximate='tanh')
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class ELU(_Inplace):
    """x where x > 0, else alpha * (exp(x) - 1).

    Examples
    --------
    >>> import nn
    >>> nn.ELU(alpha=0.5)
    ELU(alpha=0.5)
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = float(alpha)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.elu(x, self.alpha)

    def _options(self) -> list[str]:
        return [f"alpha={self.alpha}"]


class SELU(_Inplace):
    """scale * elu(x, alpha) with the self-normalising constants."""

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.selu(x)


class SiLU(_Inplace):
    """x * sigmoid(x)."""

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.silu(x)


class Softplus(Module):
    """log(1 + exp(beta x)) / beta, linear above `threshold`.

    Examples
    --------
    >>> import nn
    >>> nn.Softplus()
    Softplus(beta=1.0, threshold=20.0)
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = float(beta)
        self.threshold = float(threshold)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(_Inplace):
    """x clamped to [min_val, max_val].

    Examples
    --------
    >>> import nn
    >>> nn.Hardtanh()
    Hardtanh(min_val=-1.0, max_val=1.0)
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        if not min_val <= max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
        self.min_val = float(min_val)
        self.max_val = float(max_val)

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.hardtanh(x, self.min_val, self.max_val)

    def _options(self) -> list[str]:
        return [f"min_val={self.min_val}", f"max_val={self.max_val}"]


class ReLU6(_Inplace):
    """min(max(x, 0), 6)."""

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        return F.relu6(x)
