"""Loss layers with PyTorch's names and constructor arguments, over `nn.functional`
(`MultiMarginLoss` included).

Each stores its `reduction` ("mean", "sum" or "none"; PyTorch's deprecated
`size_average`/`reduce` are mapped to it) and its options, and calls the
matching function. Class weights and `pos_weight` are buffers, as in PyTorch,
so they follow `Module.to(...)` and appear in `state_dict()` when given.
"""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from . import functional as F  # noqa: N812 (PyTorch's idiom)
from .functional.reduction import as_tensor, legacy_reduction
from .layers._checks import check_tensor
from .module import Module


class _Loss(Module):
    def __init__(
        self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        name = type(self).__name__
        reduction = legacy_reduction(size_average, reduce, reduction, name)
        allowed = (
            ("mean", "sum", "none", "batchmean") if name == "KLDivLoss" else ("mean", "sum", "none")
        )
        if reduction not in allowed:
            raise ValueError(
                f"{name}: reduction must be one of {', '.join(map(repr, allowed))}, "
                f"got {reduction!r}"
            )
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", None if weight is None else as_tensor(weight))


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy between logits (N, C, ...) and class indices or probabilities.

    Examples
    --------
    >>> import numpy as np, nn, autograd_core as ag
    >>> round(nn.CrossEntropyLoss()(ag.zeros((2, 4)), np.array([0, 3])).item(), 4)  # log 4
    1.3863
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C, ...) at class indices (N, ...)."""

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class MSELoss(_Loss):
    """Squared error (input - target)**2, averaged (or summed) over all elements.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> nn.MSELoss(reduction="sum")(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 0.0]))
    tensor(5.)
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Absolute error |input - target|, averaged (or summed) over all elements."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below `beta`, absolute error above it (continuous at beta)."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below `delta`, delta times the absolute error above it."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities `input` from `target` ("batchmean" is the true KL)."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1] against targets in [0, 1]."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(logits), computed stably from the logits."""

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", None if weight is None else as_tensor(weight))
        self.register_buffer("pos_weight", None if pos_weight is None else as_tensor(pos_weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class MultiMarginLoss(_WeightedLoss):
    """The multi-class hinge (SVM) loss of scores (N, C) at class indices (N,)
    (see `nn.functional.multi_margin_loss`).

    Examples
    --------
    >>> import numpy as np, nn, autograd_core as ag
    >>> nn.MultiMarginLoss(margin=0.5)(ag.tensor([[2.0, 0.0, 1.0]]), np.array([0]))
    tensor(0.)
    """

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got {p!r}")
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Any) -> Tensor:
        check_tensor(self, input, target)
        return F.multi_margin_loss(
            input, target, self.p, self.margin, self.weight, reduction=self.reduction
        )
