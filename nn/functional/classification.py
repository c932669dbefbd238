"""`nll_loss` and `cross_entropy`: the class-target losses, with PyTorch's options.

Both pick each sample's target entry with one integer-array index (so a
-inf score in another class never meets a 0 and gives NaN, as a one-hot
product would), weight it by `weight[target]`, drop `ignore_index`, and
average over the total weight of what is left, as PyTorch does.
`cross_entropy` also takes class probabilities as targets and
`label_smoothing`. Everything is a composition of registered engine ops, except the
common case of `cross_entropy` (class indices, no weight, no smoothing), which is the
fused primitive `softmax_cross_entropy` (the same numbers in one node).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.errors import IndexingError
from autograd_core.function import register

from .reduction import as_tensor, check_reduction, legacy_reduction, mean_or_nan
from .softmax_cross_entropy import class_index, softmax_cross_entropy


def _class_axis(input: Tensor, op: str) -> int:
    if input.ndim < 1:
        raise ValueError(f"{op}: input must have shape (C,) or (N, C, ...), got {input.shape}")
    return 1 if input.ndim >= 2 else 0


def _check_weight(weight: Any, classes: int, op: str) -> Tensor | None:
    if weight is None:
        return None
    weight = as_tensor(weight)
    if tuple(weight.shape) != (classes,):
        raise ValueError(
            f"{op}: weight must have one entry per class, shape ({classes},), got shape "
            f"{tuple(weight.shape)}"
        )
    return weight


def class_indices(input: Tensor, target: Any, ignore_index: int | None, op: str) -> np.ndarray:
    """Check class-index targets against (N, C, ...) scores; return them as an int array."""
    target = np.asarray(target)
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold integer class indices (or, for cross_entropy, float class "
            f"probabilities of the input's shape {tuple(input.shape)}), got dtype {target.dtype} "
            f"of shape {target.shape}"
        )
    expected = (input.shape[0], *input.shape[2:]) if input.ndim >= 2 else ()
    if target.shape != expected:
        raise ValueError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape {expected}, "
            f"got {target.shape}"
        )
    classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    bad = (target < 0) | (target >= classes)
    if ignore_index is not None:
        bad &= target != ignore_index
    if bad.any():
        ignored = "" if ignore_index is None else f" (or equal ignore_index={ignore_index})"
        raise IndexingError(
            f"{op}: target class indices must lie in [0, {classes - 1}] for input of shape "
            f"{tuple(input.shape)}{ignored}, got {target[bad].ravel()[:5].tolist()}"
        )
    return target.astype(np.int64, copy=False)


def _pick(
    input: Tensor, target: np.ndarray, weight: Tensor | None, ignore_index: int, reduction: str
) -> Tensor:
    """-weight[t] * input[..., t, ...] per sample, reduced; the arguments are already checked."""
    keep = target != ignore_index
    safe = np.where(keep, target, 0)  # ignored entries read class 0, then count for nothing
    picked = input[class_index(safe, input.ndim)]  # (N, C, *d) -> (N, *d), or (C,) -> ()
    picked = ag.where(keep, picked, 0.0)
    if weight is None:
        loss = -picked
        if reduction == "mean":
            return mean_or_nan(ag.sum(loss), int(keep.sum()))
    else:
        weights = ag.where(keep, weight[safe], 0.0)  # (C,) -> target's shape
        loss = -picked * weights
        if reduction == "mean":
            total = ag.sum(weights)
            with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: 0 / 0, NaN
                return ag.sum(loss) / total
    return ag.sum(loss) if reduction == "sum" else loss


@register("nll_loss", sample="nn_class_loss", domains=("wide",))
def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood -weight[t] * input[n, t] of log-probabilities (N, C, ...).

    `target` holds class indices of shape (N, ...) (a 0-d one for an unbatched
    (C,) input); entries equal to `ignore_index` count for nothing. The mean
    divides by the total weight of the counted targets (NaN when there are
    none, as PyTorch). `size_average` and `reduce` are PyTorch's deprecated
    spellings of `reduction`.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> nll_loss(ag.tensor([[-1.0, -2.0], [-3.0, -4.0]]), np.array([0, 1]))
    tensor(2.5)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "nll_loss")
    check_reduction(reduction, "nll_loss")
    input = as_tensor(input)
    class_axis = _class_axis(input, "nll_loss")
    weight = _check_weight(weight, input.shape[class_axis], "nll_loss")
    target = class_indices(input, target, ignore_index, "nll_loss")
    return _pick(input, target, weight, ignore_index, reduction)


@register("cross_entropy", sample="nn_class_loss", domains=("wide",))
def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy from raw scores (logits) of shape (N, C, ...), as PyTorch's.

    `target` is either class indices of shape (N, ...) (with `weight`,
    `ignore_index` as in `nll_loss`), or class probabilities of the input's
    shape (float). `label_smoothing` mixes the target with the uniform
    distribution over the C classes. Computed through `log_softmax`, so large
    logits do not overflow.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> round(cross_entropy(ag.tensor([[0.0, 0.0]]), np.array([1])).item(), 4)  # log 2
    0.6931
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "cross_entropy")
    check_reduction(reduction, "cross_entropy")
    input = as_tensor(input)
    class_axis = _class_axis(input, "cross_entropy")
    classes = input.shape[class_axis]
    weight = _check_weight(weight, classes, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            f"cross_entropy: label_smoothing must be between 0 and 1, got {label_smoothing}"
        )
    target_dtype = target.dtype if isinstance(target, Tensor) else np.asarray(target).dtype
    plain = target_dtype.kind != "f" and weight is None and not label_smoothing
    if plain and input.dtype.kind == "f":  # the common case, in one node (same numbers)
        indices = class_indices(input, target, ignore_index, "cross_entropy")
        return softmax_cross_entropy(input, indices, ignore_index, reduction)
    log_p = ag.log_softmax(input, axis=class_axis)
    # (C,) -> (1, C, 1, ...): per-class values that broadcast against the input
    column = (classes,) + (1,) * (input.ndim - class_axis - 1)
    if target_dtype.kind == "f":  # class probabilities
        target = as_tensor(target)
        if target.shape != input.shape:
            raise ValueError(
                f"cross_entropy: probability targets must have the input's shape "
                f"{tuple(input.shape)}, got {tuple(target.shape)}"
            )
        if label_smoothing:
            target = target * (1 - label_smoothing) + label_smoothing / classes
        terms = log_p * target if weight is None else log_p * target * weight.reshape(column)
        if reduction == "none":
            return -ag.sum(terms, axis=class_axis)
        if reduction == "sum":
            return -ag.sum(terms)
        return mean_or_nan(-ag.sum(terms), input.numel() // max(classes, 1) if classes else 0)
    target = class_indices(input, target, ignore_index, "cross_entropy")
    nll = _pick(log_p, target, weight, ignore_index, reduction)
    if not label_smoothing:
        return nll
    # the uniform part: -sum over classes of weight_c * log p_c, for the counted samples
    keep = target != ignore_index
    spread = log_p if weight is None else log_p * weight.reshape(column)
    smooth = ag.where(keep, -ag.sum(spread, axis=class_axis), 0.0)
    if reduction == "none":
        smooth_loss = smooth
    elif reduction == "sum":
        smooth_loss = ag.sum(smooth)
    elif weight is None:
        smooth_loss = mean_or_nan(ag.sum(smooth), int(keep.sum()))
    else:
        total = ag.sum(ag.where(keep, weight[np.where(keep, target, 0)], 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            smooth_loss = ag.sum(smooth) / total
    return nll * (1 - label_smoothing) + smooth_loss * (label_smoothing / classes)
