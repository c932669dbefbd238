"""Loss layers: `CrossEntropyLoss`, `NLLLoss`, `MSELoss`, `BCELoss`, `BCEWithLogitsLoss`,
`MultiMarginLoss`.

Each stores its `reduction` ("mean", "sum" or "none") and calls the
matching function of `nn.functional`.
"""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from . import functional as F  # noqa: N812 (PyTorch's idiom)
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"{type(self).__name__}: reduction must be one of 'mean', 'sum', 'none', "
                f"got {reduction!r}"
            )
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy between logits (N, C, ...) and class indices (N, ...).

    Examples
    --------
    >>> import numpy as np, nn, autograd_core as ag
    >>> round(nn.CrossEntropyLoss()(ag.zeros((2, 4)), np.array([0, 3])).item(), 4)  # log 4
    1.3863
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, reduction=self.reduction)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C, ...) at class indices (N, ...)."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Squared error (input - target)**2, averaged (or summed) over all elements.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.MSELoss(reduction="sum")(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 0.0]))
    tensor(5.)
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1] against targets in [0, 1]."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(logits), computed stably from the logits."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, reduction=self.reduction)


class MultiMarginLoss(_Loss):
    """The multi-class hinge (SVM) loss of scores (N, C) at class indices (N,)
    (see `nn.functional.multi_margin_loss`).

    Examples
    --------
    >>> import numpy as np, nn, autograd_core as ag
    >>> nn.MultiMarginLoss(margin=0.5)(ag.tensor([[2.0, 0.0, 1.0]]), np.array([0]))
    tensor(0.)
    """

    def __init__(
        self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got {p!r}")
        self.p, self.margin = p, margin
        self.register_buffer("weight", weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.multi_margin_loss(
            input, target, self.p, self.margin, self.weight, reduction=self.reduction
        )
