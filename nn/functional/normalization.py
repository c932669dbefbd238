"""`batch_norm`: normalise each channel over the batch (and spatial) axes, as PyTorch does;
`layer_norm`: normalise each sample over its last dims; `normalize`: divide by a p-norm;
`local_response_norm`: AlexNet's normalisation across neighbouring channels.

Training normalises with the batch mean and the biased batch variance and
moves the running statistics toward the batch's (the variance stored there
is the unbiased one); evaluation normalises with the running statistics.
The channel axis is axis 1: (N, C), (N, C, L) and (N, C, H, W) all work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.errors import ShapeError
from autograd_core.function import register

from .. import functional as F  # noqa: N812 (looked up at call time, so nn.onnx sees the call)
from ._convert import as_tensor
from .native_batch_norm import channel_shape, native_batch_norm


@register("batch_norm", sample="nn_batch_norm")
def batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1).

    With `training` (or with no running statistics) mean and var are the
    batch's (biased variance), and the running buffers, when given, are
    updated in place: running = (1 - momentum) * running + momentum * batch,
    using the unbiased batch variance. Otherwise the running statistics are
    used and nothing is updated.

    Examples
    --------
    >>> import autograd_core as ag
    >>> y = batch_norm(ag.tensor([[1.0], [3.0]]), None, None, training=True)
    >>> np.asarray(y).round(3).ravel().tolist()
    [-1.0, 1.0]
    """
    if x.ndim < 2:
        raise ValueError(
            f"batch_norm: expected input of shape (N, C) or (N, C, ...), got {tuple(x.shape)}"
        )
    channels = x.shape[1]
    for label, t in (("running_mean", running_mean), ("running_var", running_var),
                     ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and t.shape != (channels,):
            raise ValueError(
                f"batch_norm: {label} has shape {t.shape} but the input of shape "
                f"{tuple(x.shape)} has {channels} channels (expected ({channels},))"
            )
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: give both running_mean and running_var, or neither")
    shape = channel_shape(x)
    if training or running_mean is None:
        count = x.numel() // channels
        if count <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, "
                f"got input of shape {tuple(x.shape)}"
            )
        # one node (`native_batch_norm`), scale and shift included
        statistics: list[Any] = []
        out = native_batch_norm(x, weight, bias, eps, statistics)
        if training and running_mean is not None:
            (mean, var) = statistics[0]
            _update_running(running_mean, running_var, mean, var, count, momentum)
        return out
    mean = np.asarray(running_mean).reshape(shape)  # (C,) -> (1, C, 1, ...)
    inv_std = (1.0 / np.sqrt(np.asarray(running_var) + eps)).astype(x.dtype).reshape(shape)
    out = (x - mean) * inv_std
    if weight is not None:
        out = out * ag.reshape(weight, shape)
    if bias is not None:
        out = out + ag.reshape(bias, shape)
    return out


def _update_running(running_mean, running_var, mean, var, count, momentum) -> None:
    # The batch statistics as plain arrays: the buffers are state, not part of the graph.
    # NOTE: the running variance is the unbiased one (count / (count - 1)), as in PyTorch.
    batch_mean = np.asarray(mean).reshape(-1)  # (1, C, 1, ...) -> (C,)
    unbiased = np.asarray(var).reshape(-1) * (count / (count - 1))
    for buffer, value in ((running_mean, batch_mean), (running_var, unbiased)):
        buffer *= 1.0 - momentum
        buffer += (momentum * value).astype(buffer.dtype, copy=False)


@register("local_response_norm", sample="local_response_norm", domains=("nonzero",))
def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """AlexNet's normalisation across channels: x_c / (k + alpha/size * sum of x_c'**2)**beta,
    the sum over the `size` channels c' around c, as PyTorch's.

    The window runs from c - size//2 to c + (size-1)//2; channels past either
    end count as zeros (and the divisor stays `size`). The input is
    (N, C, ...) with at least one axis after C.

    Examples
    --------
    >>> import autograd_core as ag
    >>> local_response_norm(ag.ones((1, 3, 1, 1)), size=2, alpha=2.0, beta=1.0)[0, :, 0, 0]
    tensor([0.5       , 0.33333334, 0.33333334])
    """
    x = input if isinstance(input, Tensor) else ag.tensor(input)
    if x.ndim < 3:
        raise ValueError(
            f"local_response_norm: expected an input of 3 or more dimensions (N, C, ...), "
            f"got shape {tuple(x.shape)}"
        )
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    n, channels = x.shape[:2]
    # (N, C, ...) -> (N, 1, C, M), then zero channels around: (N, 1, size//2 + C + (size-1)//2, M)
    squares = (x * x).reshape(n, 1, channels, -1)
    padded = ag.pad(squares, ((0, 0), (0, 0), (size // 2, (size - 1) // 2), (0, 0)))
    # (N, 1, C + size - 1, M) -> (N, 1, C, M): the mean over each window of `size` channels
    means = F.avg_pool2d(padded, (size, 1), stride=1)
    divisor = (means * alpha + k) ** beta
    return x / divisor.reshape(x.shape)


@register("layer_norm", sample="nn_layer_norm")
def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias over the last dims, `normalized_shape`.

    mean and the biased variance are taken per sample over those dims; weight
    and bias (if given) have shape `normalized_shape`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> layer_norm(ag.tensor([[1.0, 3.0]]), (2,), eps=0.0)
    tensor([[-1.,  1.]])
    """
    x = as_tensor(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or x.ndim < len(shape) or tuple(x.shape[x.ndim - len(shape) :]) != shape:
        raise ShapeError(
            f"layer_norm: normalized_shape {shape} must be the last dims of the input, got "
            f"input of shape {tuple(x.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(
                f"layer_norm: {name} must have shape {shape} (normalized_shape), got "
                f"{tuple(t.shape)}"
            )
    dims = tuple(range(x.ndim - len(shape), x.ndim))
    mean = x.mean(dim=dims, keepdim=True)
    centred = x - mean
    var = (centred * centred).mean(dim=dims, keepdim=True)
    out = centred / ag.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


@register("normalize", sample="nn_normalize")
def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None
) -> Tensor:
    """x / max(||x||_p, eps) along `dim`: unit p-norm vectors (a zero vector stays zero).

    Examples
    --------
    >>> import autograd_core as ag
    >>> normalize(ag.tensor([[3.0, 4.0]]))
    tensor([[0.6, 0.8]])
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported (the result is a new tensor)")
    x = as_tensor(input)
    norm = ag.norm(x, p, dim=dim, keepdim=True)
    return x / ag.clamp(norm, min=eps)
