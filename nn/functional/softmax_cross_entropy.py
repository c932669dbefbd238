"""`softmax_cross_entropy`: cross-entropy of logits and class indices in one graph node.

`cross_entropy` with class-index targets and neither `weight` nor `label_smoothing` (every
training loop of the course) runs through this primitive. Its forward takes the
log-softmax and picks each sample's entry in numpy; its backward is
(softmax(x) - one_hot(target)) times each sample's share of the upstream gradient. That is
one node and three backward ops where the composition `nll_loss(log_softmax(x))` records
about twenty. The composition stays the reference: tests/nn/test_softmax_cross_entropy.py
compares the two, values and first and second derivatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Function, Tensor
from autograd_core.function import OpName, register
from autograd_core.grad_mode import grad_enabled


class SoftmaxCrossEntropy(Function):
    """loss[n] = logsumexp(x[n]) - x[n, t[n]] (0 where t[n] == ignore_index), reduced;
    dL/dx = (softmax(x) - one_hot(t)) * (each sample's share of grad)"""

    name = OpName("softmax_cross_entropy")
    array_fields = ("probabilities", "index", "share")

    def forward(ctx, x, target, ignore_index, reduction):
        axis = 1 if x.ndim >= 2 else 0
        # NOTE: shifted by the (finite) maximum, as log_softmax is: exact for large logits
        shift = x.max(axis=axis, keepdims=True) if x.size else np.zeros((), x.dtype)
        if not np.isfinite(shift).all():  # a row of infinities: shift it by nothing
            shift = np.where(np.isfinite(shift), shift, 0).astype(x.dtype)
        z = x - shift
        exp_z = np.exp(z)
        total = exp_z.sum(axis=axis, keepdims=True)  # (the method: np.sum costs 2.4x)
        with np.errstate(divide="ignore"):
            log_total = np.log(total)
        keep = target != ignore_index
        count = int(np.count_nonzero(keep))
        everything = count == keep.size  # nothing ignored (the common case): no masking
        safe = target if everything else np.where(keep, target, 0)  # ignored: read class 0
        index = class_index(safe, x.ndim)
        # -log p[t] = log(sum exp z) - z[t], per sample (0 for the ignored ones)
        loss = log_total.squeeze(axis) - z[index]
        if not everything:
            loss = np.where(keep, loss, 0).astype(x.dtype, copy=False)
        # the part of the upstream gradient each sample gets: 1, or 1/count for the mean
        with np.errstate(invalid="ignore", divide="ignore"):  # the mean of nothing: NaN
            scale = x.dtype.type(1) if reduction != "mean" else x.dtype.type(1) / count
            if reduction == "none":
                out = loss
            elif reduction == "sum":
                out = loss.sum()
            else:
                out = loss.sum() / x.dtype.type(count)
            if ctx.needs_input_grad[0]:
                ctx.save_for_backward(x)
                ctx.probabilities = exp_z / total
                ctx.index = index
                ctx.share = keep.astype(x.dtype) * scale  # NaN everywhere for a mean of none
                ctx.axis = axis
        return out

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors  # checks that x was not changed in place since
        axis = ctx.axis
        if grad_enabled.get():
            # NOTE: a recorded backward (create_graph) takes softmax of x itself, so that
            # this gradient can be differentiated again
            one_hot = np.zeros_like(ctx.probabilities)
            one_hot[ctx.index] = 1
            share = grad * Tensor._from_op(ctx.share, None)  # (N, *d): each sample's share
            return ((ag.softmax(x, dim=axis) - one_hot) * ag.unsqueeze(share, axis),)
        # otherwise in numpy, on a copy of forward's saved softmax (kept for a second
        # backward with retain_graph)
        slope = ctx.probabilities.copy()
        slope[ctx.index] -= 1
        share = grad._data * ctx.share
        slope *= share.reshape((*share.shape[:axis], 1, *share.shape[axis:]))
        return (Tensor._from_op(slope, None),)


def class_index(target: np.ndarray, ndim: int) -> Any:
    """The index that picks class target[n, ...] of every sample from (N, C, *d) scores (or
    class `target` from (C,) ones, `ndim` 1): one index array per axis, (n, target, d1, ...)."""
    if ndim < 2:
        return target
    if target.ndim == 1:  # (N, C) scores, the common case, without np.indices
        return (np.arange(len(target)), target)
    grid: list[np.ndarray] = list(np.indices(target.shape, sparse=True))
    return (grid[0], target, *grid[1:])


@register("softmax_cross_entropy", sample="nn_softmax_cross_entropy", domains=("wide",))
def softmax_cross_entropy(
    input: Tensor, target: np.ndarray, ignore_index: int = -100, reduction: str = "mean"
) -> Tensor:
    """Cross-entropy of logits `input` (C,) or (N, C, ...) and checked integer class indices
    (0-d or (N, ...)), as `cross_entropy(input, target, ignore_index=..., reduction=...)`.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> round(softmax_cross_entropy(ag.tensor([[0.0, 0.0]]), np.array([1])).item(), 4)  # log 2
    0.6931
    """
    target_array: Any = np.asarray(target)
    return SoftmaxCrossEntropy.apply(
        input, target=target_array, ignore_index=ignore_index, reduction=reduction
    )
