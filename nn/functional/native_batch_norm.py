"""`native_batch_norm`: training-mode batch normalisation in one graph node.

`batch_norm` in training mode (every BatchNorm layer of a ResNet while it learns) runs
through this primitive. Its forward normalises each channel with the batch's mean and
biased variance in numpy; its backward is the closed form

    dL/dx = (grad - mean(grad) - x_hat * mean(grad * x_hat)) * weight / std

(means over the batch and spatial axes), with dL/dweight = sum(grad * x_hat) and
dL/dbias = sum(grad): one node and about seven passes over the activations, where the
composition (mean, subtract, square, mean, divide, scale, shift) records seven nodes whose
backward makes some twenty. The composition stays the reference (`normalized_by_batch`):
a recorded backward (create_graph) normalises x with it, so second derivatives are right,
and tests/nn/test_native_batch_norm.py compares the two, values and derivatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Function, Tensor
from autograd_core.function import OpName, register
from autograd_core.grad_mode import grad_enabled


def normalized_by_batch(x: Tensor, eps: float) -> tuple[Tensor, Tensor]:
    """(x_hat, 1/std) for (N, C, ...) x, per channel with the batch's mean and biased variance,
    as a composition of engine ops (the reference, and the recorded backward's route)."""
    axes = _reduced_axes(x.ndim)
    mean = ag.mean(x, axis=axes, keepdims=True)  # (1, C, 1, ...)
    centred = x - mean
    var = ag.mean(centred * centred, axis=axes, keepdims=True)  # biased: divides by count
    inv_std = 1.0 / ag.sqrt(var + eps)
    return centred * inv_std, inv_std


def _reduced_axes(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim))  # every axis but the channels (axis 1)


def channel_shape(x: Any) -> tuple[int, ...]:
    """(1, C, 1, ...): the shape in which per-channel values broadcast against (N, C, ...) x."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


class NativeBatchNorm(Function):
    """out = x_hat * weight + bias, x_hat = (x - mean) / sqrt(var + eps) per channel over the
    batch;   dL/dx = (grad - mean(grad) - x_hat * mean(grad * x_hat)) * weight / std,
    dL/dweight = sum(grad * x_hat), dL/dbias = sum(grad)"""

    name = OpName("native_batch_norm")
    array_fields = ("x_hat", "inv_std")

    def forward(ctx, x, weight, bias, eps, statistics):
        axes = _reduced_axes(x.ndim)
        shape = channel_shape(x)  # (C,) -> (1, C, 1, ...)
        mean = np.mean(x, axis=axes, keepdims=True)
        x_hat = x - mean
        var = np.mean(np.square(x_hat), axis=axes, keepdims=True)
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        x_hat *= inv_std
        out = x_hat * weight.reshape(shape)
        out += bias.reshape(shape)
        if statistics is not None:  # for the running averages, which are state, not graph
            statistics.append((mean, var))
        if any(ctx.needs_input_grad):  # recording
            ctx.save_for_backward(x, weight)  # checked by backward: not changed in place since
            ctx.x_hat, ctx.inv_std, ctx.eps = x_hat, inv_std, eps
        return out

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        axes = _reduced_axes(x.ndim)
        count = x.numel() // x.shape[1]
        if grad_enabled.get():
            # NOTE: a recorded backward (create_graph) normalises x itself, so that this
            # gradient can be differentiated again; otherwise forward's saved x_hat and 1/std
            x_hat, inv_std = normalized_by_batch(x, ctx.eps)
        else:
            x_hat = Tensor._from_op(ctx.x_hat, None)
            inv_std = Tensor._from_op(ctx.inv_std, None)
        grad_bias = grad.sum(axis=axes, keepdims=True)  # (1, C, 1, ...)
        grad_weight = (grad * x_hat).sum(axis=axes, keepdims=True)
        grad_x = None
        if ctx.needs_input_grad[0]:
            scale = inv_std * ag.reshape(weight, grad_bias.shape)
            grad_x = (grad - grad_bias / count - x_hat * (grad_weight / count)) * scale
        return (
            grad_x,
            grad_weight.reshape(-1) if ctx.needs_input_grad[1] else None,
            grad_bias.reshape(-1) if ctx.needs_input_grad[2] else None,
        )


@register("native_batch_norm", sample="nn_native_batch_norm", domains=("distinct",))
def native_batch_norm(
    input: Tensor,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
    statistics: list[Any] | None = None,
) -> Tensor:
    """Batch normalisation of (N, C, ...) `input` with the batch's statistics (training mode),
    scaled by `weight` and shifted by `bias` (per channel; None: 1 and 0). When given, the list
    `statistics` receives the batch's (mean, biased variance), each of shape (1, C, 1, ...).

    Examples
    --------
    >>> import autograd_core as ag
    >>> native_batch_norm(ag.tensor([[1.0], [3.0]])).flatten()
    tensor([-0.999995,  0.999995])
    """
    x = input if isinstance(input, Tensor) else ag.tensor(input)
    channels = x.shape[1]
    if weight is None:
        weight = ag.ones(channels, dtype=x.dtype)
    if bias is None:
        bias = ag.zeros(channels, dtype=x.dtype)
    return NativeBatchNorm.apply(x, weight, bias, eps=eps, statistics=statistics)
