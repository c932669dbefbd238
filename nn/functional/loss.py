"""Loss functions with PyTorch's names and `reduction="mean"|"sum"|"none"`.

All are compositions of engine ops: cross-entropy goes through
`log_softmax` (log-sum-exp), and BCE with logits uses the form
(1 - y) x + softplus(-x), which never overflows. `multi_margin_loss` is the
multi-class SVM hinge loss.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register

from ._convert import as_tensor
from .activation import stable_softplus

_REDUCTIONS = ("mean", "sum", "none")
_LOG_FLOOR = -100.0  # PyTorch's BCE clamps log(p) here so that p = 0 gives a finite loss


def _check_reduction(reduction: Any, op: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return ag.mean(loss)
    if reduction == "sum":
        return ag.sum(loss)
    return loss


def _check_same_shape(input: Tensor, target: Tensor, op: str) -> None:
    if input.shape != target.shape:
        raise ValueError(
            f"{op}: target shape {tuple(target.shape)} must equal input shape {tuple(input.shape)}"
        )


def _class_indices(input: Tensor, target: Any, op: str) -> np.ndarray:
    """Check class-index targets against (N, C, ...) scores; return them as an int array."""
    target = np.asarray(target.data if isinstance(target, Tensor) else target)
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold integer class indices, got dtype {target.dtype} "
            "(class probabilities are not supported)"
        )
    expected = (input.shape[0], *input.shape[2:]) if input.ndim >= 2 else ()
    if target.shape != expected:
        raise ValueError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape {expected}, "
            f"got {target.shape}"
        )
    classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    if target.size and (target.min() < 0 or target.max() >= classes):
        bad = target[(target < 0) | (target >= classes)]
        raise ValueError(
            f"{op}: target class indices must lie in [0, {classes - 1}] for input of shape "
            f"{tuple(input.shape)}, got {bad.ravel()[:5].tolist()}"
        )
    return target


@register("nll_loss", sample="nn_class_loss", domains=("wide",))
def nll_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: -input[n, target[n]] for log-probabilities of shape (N, C, ...).

    `target` holds class indices of shape (N, ...); an unbatched (C,) input
    takes a 0-d target.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> nll_loss(ag.tensor([[-1.0, -2.0], [-3.0, -4.0]]), np.array([0, 1]))
    tensor(2.5)
    """
    _check_reduction(reduction, "nll_loss")
    input = as_tensor(input)
    if input.ndim < 1:
        raise ValueError(f"nll_loss: input must have shape (C,) or (N, C, ...), got {input.shape}")
    return _pick(input, _class_indices(input, target, "nll_loss"), reduction)


def _pick(input: Tensor, target: np.ndarray, reduction: str) -> Tensor:
    """-input at the target classes, reduced; the inputs are already checked."""
    class_axis = 1 if input.ndim >= 2 else 0
    classes = input.shape[class_axis]
    # One-hot mask: (N, 1, ...) == (1, C, 1, ...) -> (N, C, ...), so picking is a multiply-sum.
    column = np.arange(classes).reshape((classes,) + (1,) * (input.ndim - class_axis - 1))
    one_hot = np.expand_dims(target, class_axis) == column
    # NOTE: the sign and the 1/count of the mean are folded into the mask, so the loss
    # is two recorded ops (multiply, sum) however it is reduced.
    scale = -1.0 / max(target.size, 1) if reduction == "mean" else -1.0
    weights = one_hot.astype(input.dtype) * input.dtype.type(scale)
    if reduction == "none":
        return ag.sum(input * weights, axis=class_axis)
    return ag.sum(input * weights)


@register("cross_entropy", sample="nn_class_loss", domains=("wide",))
def cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy from raw scores (logits) of shape (N, C, ...) and class indices.

    Computed as `nll_loss(log_softmax(input, dim=1), target)`, so large
    logits do not overflow.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> round(cross_entropy(ag.tensor([[0.0, 0.0]]), np.array([1])).item(), 4)  # log 2
    0.6931
    """
    _check_reduction(reduction, "cross_entropy")
    input = as_tensor(input)
    if input.ndim < 1:
        raise ValueError(
            f"cross_entropy: input must have shape (C,) or (N, C, ...), got {input.shape}"
        )
    target = _class_indices(input, target, "cross_entropy")
    return _pick(ag.log_softmax(input, axis=1 if input.ndim >= 2 else 0), target, reduction)


@register("mse_loss", sample="nn_pointwise_loss", domains=("wide", "real"))
def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error (input - target)**2; the shapes must be equal.

    Examples
    --------
    >>> import autograd_core as ag
    >>> mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 4.0]))
    tensor(2.)
    """
    _check_reduction(reduction, "mse_loss")
    input, target = as_tensor(input), as_tensor(target)
    _check_same_shape(input, target, "mse_loss")
    difference = input - target
    return _reduce(difference * difference, reduction)


@register("binary_cross_entropy", sample="nn_pointwise_loss", domains=("unit", "unit"))
def binary_cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1].

    As in PyTorch, each log is clamped at -100, so p = 0 or 1 gives a finite
    loss (where the clamp acts, the gradient is 0). Prefer
    `binary_cross_entropy_with_logits` on raw scores: it is stabler.

    Examples
    --------
    >>> import autograd_core as ag
    >>> round(binary_cross_entropy(ag.tensor([0.5]), ag.tensor([1.0])).item(), 4)
    0.6931
    """
    _check_reduction(reduction, "binary_cross_entropy")
    input, target = as_tensor(input), as_tensor(target)
    _check_same_shape(input, target, "binary_cross_entropy")
    p = input.data
    if p.size and (np.min(p) < 0 or np.max(p) > 1 or np.isnan(p).any()):
        raise ValueError(
            "binary_cross_entropy: all elements of input must be probabilities in [0, 1], got "
            f"values in [{np.nanmin(p)}, {np.nanmax(p)}] (use binary_cross_entropy_with_logits "
            "for raw scores)"
        )
    loss = -(target * _clamped_log(input) + (1 - target) * _clamped_log(1 - input))
    return _reduce(loss, reduction)


def _clamped_log(p: Tensor) -> Tensor:
    # NOTE: max(log p, -100) without a NaN gradient: where the clamp acts the log is
    # taken of 1 instead of p, and the outer where sends it no gradient at all.
    usable = p.data > math.exp(_LOG_FLOOR)
    safe = ag.where(usable, p, 1.0)
    return ag.where(usable, ag.log(safe), _LOG_FLOOR)


@register("binary_cross_entropy_with_logits", sample="nn_pointwise_loss", domains=("wide", "unit"))
def binary_cross_entropy_with_logits(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """BCE of sigmoid(input) against target, computed stably from the logits.

    Uses (1 - y) x + softplus(-x), which is finite for any x and smooth to every order.

    Examples
    --------
    >>> import autograd_core as ag
    >>> loss = binary_cross_entropy_with_logits(ag.tensor([100.0, -100.0]), ag.tensor([0.0, 1.0]))
    >>> loss.item()
    100.0
    """
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    input, target = as_tensor(input), as_tensor(target)
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    # -y log(sigmoid(x)) - (1 - y) log(1 - sigmoid(x)) = (1 - y) x + softplus(-x), with a
    # softplus that is smooth at 0 and finite for any x
    loss = (1 - target) * input + stable_softplus(-input)
    return _reduce(loss, reduction)


@register("multi_margin_loss", sample="multi_margin_loss")
def multi_margin_loss(
    input: Tensor,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The multi-class hinge (SVM) loss of scores (N, C) or (C,) at class indices (N,) or ():
    sum over i != y of weight[y] * max(0, margin - x[y] + x[i])**p, divided by C.

    `p` is 1 or 2; `weight` (C,) rescales each class's samples; "mean" averages
    over the samples, as PyTorch's.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> multi_margin_loss(ag.tensor([[0.1, 0.2, 0.4, 0.8]]), np.array([3]))  # (0.3+0.4+0.6)/4
    tensor(0.325)
    """
    _check_reduction(reduction, "multi_margin_loss")
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 are supported, got {p!r}")
    input = as_tensor(input)
    if input.ndim not in (1, 2):
        raise ValueError(
            f"multi_margin_loss: input must have shape (N, C) or (C,), got {tuple(input.shape)}"
        )
    target = _class_indices(input, target, "multi_margin_loss")
    classes = input.shape[-1]
    scores = input.reshape(-1, classes)  # (C,) -> (1, C)
    # (N,) == (1, C) -> (N, C): the target class of each row
    one_hot = (target.reshape(-1, 1) == np.arange(classes)).astype(input.dtype)
    target_score = (scores * one_hot).sum(1, keepdims=True)  # (N, 1)
    hinge = ag.relu(margin - target_score + scores)
    if p == 2:
        hinge = hinge * hinge
    loss = (hinge * (1 - one_hot)).sum(1) / classes  # (N,)
    if weight is not None:
        weight = as_tensor(weight)
        if tuple(weight.shape) != (classes,):
            raise ValueError(
                f"multi_margin_loss: weight must have shape ({classes},) for input of shape "
                f"{tuple(input.shape)}, got {tuple(weight.shape)}"
            )
        loss = loss * weight[target.reshape(-1)]
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)
