"""The elementwise losses, with PyTorch's names, options and `reduction`.

`mse_loss`, `l1_loss`, `smooth_l1_loss`, `huber_loss`, `kl_div`,
`binary_cross_entropy`, `binary_cross_entropy_with_logits` and
`multi_margin_loss`, the multi-class SVM hinge loss (the other class losses
are in `classification`). All are compositions of registered engine
ops; BCE with logits is (1 - y) x + softplus(-x), finite for any x and
smooth to every order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register

from .activation import stable_softplus
from .classification import class_indices
from .reduction import as_tensor, check_reduction, legacy_reduction, mean_or_nan, reduce_loss

_LOG_FLOOR = -100.0  # PyTorch's BCE clamps log(p) here so that p = 0 gives a finite loss


def _pair(input: Any, target: Any, op: str) -> tuple[Tensor, Tensor]:
    input, target = as_tensor(input), as_tensor(target)
    if input.shape != target.shape:
        raise ValueError(
            f"{op}: target shape {tuple(target.shape)} must equal input shape {tuple(input.shape)}"
        )
    return input, target


def _weighted(loss: Tensor, weight: Any, reduction: str, op: str, by_weight: bool) -> Tensor:
    """loss * weight, reduced; the mean divides by the total weight when `by_weight`."""
    if weight is None:
        return reduce_loss(loss, reduction)
    weight = as_tensor(weight)
    if weight.shape != loss.shape:
        raise ValueError(
            f"{op}: weight must have the input's shape {tuple(loss.shape)}, got "
            f"{tuple(weight.shape)}"
        )
    loss = loss * weight
    if reduction == "mean" and by_weight:
        with np.errstate(invalid="ignore", divide="ignore"):  # empty: 0 / 0, NaN
            return ag.sum(loss) / ag.sum(weight)
    return reduce_loss(loss, reduction)


@register("mse_loss", sample="nn_pointwise_loss", domains=("wide", "real"))
def mse_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Squared error (input - target)**2; the shapes must be equal.

    With `weight` (the input's shape) the mean is sum(weight * loss) / sum(weight).

    Examples
    --------
    >>> import autograd_core as ag
    >>> mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 4.0]))
    tensor(2.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "mse_loss")
    check_reduction(reduction, "mse_loss")
    input, target = _pair(input, target, "mse_loss")
    difference = input - target
    return _weighted(difference * difference, weight, reduction, "mse_loss", by_weight=True)


@register("l1_loss", sample="nn_regression_loss")
def l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Absolute error |input - target| (gradient 0 where they are equal, as PyTorch).

    Examples
    --------
    >>> import autograd_core as ag
    >>> l1_loss(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 4.0]))
    tensor(1.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "l1_loss")
    check_reduction(reduction, "l1_loss")
    input, target = _pair(input, target, "l1_loss")
    return _weighted(ag.abs(input - target), weight, reduction, "l1_loss", by_weight=True)


@register("smooth_l1_loss", sample="nn_regression_loss")
def smooth_l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta, with d = input - target.

    Examples
    --------
    >>> import autograd_core as ag
    >>> smooth_l1_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none")
    tensor([0.125, 2.5  ])
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "smooth_l1_loss")
    check_reduction(reduction, "smooth_l1_loss")
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    input, target = _pair(input, target, "smooth_l1_loss")
    difference = input - target
    distance = ag.abs(difference)
    if beta == 0:
        return reduce_loss(distance, reduction)
    inside = np.asarray(distance) < beta
    loss = ag.where(inside, difference * difference * (0.5 / beta), distance - 0.5 * beta)
    return reduce_loss(loss, reduction)


@register("huber_loss", sample="nn_regression_loss")
def huber_loss(
    input: Tensor,
    target: Any,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Any = None,
) -> Tensor:
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target.

    With `weight`, the mean is mean(weight * loss), as PyTorch's.

    Examples
    --------
    >>> import autograd_core as ag
    >>> huber_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none", delta=2.0)
    tensor([0.125, 4.   ])
    """
    check_reduction(reduction, "huber_loss")
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    input, target = _pair(input, target, "huber_loss")
    difference = input - target
    distance = ag.abs(difference)
    inside = np.asarray(distance) < delta
    loss = ag.where(inside, difference * difference * 0.5, (distance - 0.5 * delta) * delta)
    return _weighted(loss, weight, reduction, "huber_loss", by_weight=False)


@register("kl_div", sample="nn_kl_div", domains=("real", "positive"))
def kl_div(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence target * (log target - input) of log-probabilities `input`.

    With `log_target` the target holds log-probabilities too. A target of 0
    adds 0. `reduction="batchmean"` divides the sum by the batch size (the
    true KL divergence); "mean" divides by the number of elements.

    Examples
    --------
    >>> import autograd_core as ag
    >>> kl_div(ag.tensor([0.0, 0.0]), ag.tensor([1.0, 0.0]), reduction="sum")
    tensor(0.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "kl_div")
    if reduction != "batchmean":
        check_reduction(reduction, "kl_div")
    input, target = _pair(input, target, "kl_div")
    if log_target:
        loss = ag.exp(target) * (target - input)
    else:
        present = np.asarray(target) > 0
        # NOTE: 0 log 0 = 0: the log is taken of 1 where the target is 0
        log_t = ag.log(ag.where(present, target, 1.0))
        loss = ag.where(present, target * (log_t - input), 0.0)
    if reduction == "batchmean":
        return mean_or_nan(ag.sum(loss), input.shape[0] if input.ndim else 1)
    return reduce_loss(loss, reduction)


@register("binary_cross_entropy", sample="nn_binary_loss", domains=("unit", "unit"))
def binary_cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-weight (y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1].

    As in PyTorch, each log is clamped at -100, so p = 0 or 1 gives a finite
    loss (where the clamp acts, the gradient is 0); `weight` broadcasts
    against the input. Prefer `binary_cross_entropy_with_logits` on raw
    scores: it is stabler.

    Examples
    --------
    >>> import autograd_core as ag
    >>> round(binary_cross_entropy(ag.tensor([0.5]), ag.tensor([1.0])).item(), 4)
    0.6931
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "binary_cross_entropy")
    check_reduction(reduction, "binary_cross_entropy")
    input, target = _pair(input, target, "binary_cross_entropy")
    p = np.asarray(input)
    if p.size and (np.min(p) < 0 or np.max(p) > 1 or np.isnan(p).any()):
        raise ValueError(
            "binary_cross_entropy: all elements of input must be probabilities in [0, 1], got "
            f"values in [{np.nanmin(p)}, {np.nanmax(p)}] (use binary_cross_entropy_with_logits "
            "for raw scores)"
        )
    loss = -(target * _clamped_log(input) + (1 - target) * _clamped_log(1 - input))
    return reduce_loss(_times_weight(loss, weight, "binary_cross_entropy"), reduction)


def _clamped_log(p: Tensor) -> Tensor:
    # NOTE: max(log p, -100) without a NaN gradient: where the clamp acts the log is
    # taken of 1 instead of p, and the outer where sends it no gradient at all.
    usable = np.asarray(p) > math.exp(_LOG_FLOOR)
    safe = ag.where(usable, p, 1.0)
    return ag.where(usable, ag.log(safe), _LOG_FLOOR)


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


def _times_weight(loss: Tensor, weight: Any, op: str) -> Tensor:
    if weight is None:
        return loss
    weight = as_tensor(weight)
    if not _broadcasts_to(weight.shape, loss.shape):
        raise ValueError(
            f"{op}: weight of shape {tuple(weight.shape)} does not broadcast to the input's "
            f"shape {tuple(loss.shape)}"
        )
    return loss * weight


@register("binary_cross_entropy_with_logits", sample="nn_binary_loss", domains=("wide", "unit"))
def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """BCE of sigmoid(input) against target, computed stably from the logits.

    Uses (1 - y) x + (1 + (pos_weight - 1) y) softplus(-x), finite for any x;
    `pos_weight` (broadcast along the classes, the last axis) weighs the
    positive term, `weight` the whole loss.

    Examples
    --------
    >>> import autograd_core as ag
    >>> loss = binary_cross_entropy_with_logits(ag.tensor([100.0, -100.0]), ag.tensor([0.0, 1.0]))
    >>> loss.item()
    100.0
    """
    op = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    check_reduction(reduction, op)
    input, target = _pair(input, target, op)
    # -y log(sigmoid(x)) - (1 - y) log(1 - sigmoid(x)) = (1 - y) x + softplus(-x)
    positive_part = stable_softplus(-input)
    if pos_weight is not None:
        pos_weight = as_tensor(pos_weight)
        if not _broadcasts_to(pos_weight.shape, input.shape):
            raise ValueError(
                f"{op}: pos_weight of shape {tuple(pos_weight.shape)} does not broadcast to the "
                f"input's shape {tuple(input.shape)} (give one weight per class, the last axis)"
            )
        positive_part = positive_part * (1 + (pos_weight - 1) * target)
    loss = (1 - target) * input + positive_part
    return reduce_loss(_times_weight(loss, weight, op), reduction)


@register("multi_margin_loss", sample="multi_margin_loss")
def multi_margin_loss(
    input: Tensor,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The multi-class hinge (SVM) loss of scores (N, C) or (C,) at class indices (N,) or ():
    sum over i != y of weight[y] * max(0, margin - x[y] + x[i])**p, divided by C.

    `p` is 1 or 2; `weight` (C,) rescales each class's samples; "mean" averages
    over the samples, as PyTorch's. The target scores are selected (not
    multiplied by a one-hot), so a -inf score in another class gives no NaN.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> multi_margin_loss(ag.tensor([[0.1, 0.2, 0.4, 0.8]]), np.array([3]))  # (0.3+0.4+0.6)/4
    tensor(0.325)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "multi_margin_loss")
    check_reduction(reduction, "multi_margin_loss")
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 are supported, got {p!r}")
    input = as_tensor(input)
    if input.ndim not in (1, 2):
        raise ValueError(
            f"multi_margin_loss: input must have shape (N, C) or (C,), got {tuple(input.shape)}"
        )
    target = class_indices(input, target, None, "multi_margin_loss").reshape(-1)
    classes = input.shape[-1]
    scores = input.reshape(-1, classes)  # (C,) -> (1, C)
    own = target.reshape(-1, 1) == np.arange(classes)  # (N, 1) == (C,) -> (N, C)
    target_score = scores[np.arange(len(target)), target].reshape(-1, 1)  # (N, C) -> (N, 1)
    hinge = ag.relu(margin - target_score + scores)
    if p == 2:
        hinge = hinge * hinge
    loss = ag.sum(ag.where(own, 0.0, hinge), 1) / classes  # (N,)
    if weight is not None:
        weight = as_tensor(weight)
        if tuple(weight.shape) != (classes,):
            raise ValueError(
                f"multi_margin_loss: weight must have shape ({classes},) for input of shape "
                f"{tuple(input.shape)}, got {tuple(weight.shape)}"
            )
        loss = loss * weight[target]
    if input.ndim == 1:
        loss = loss.reshape(())
    return reduce_loss(loss, reduction)
