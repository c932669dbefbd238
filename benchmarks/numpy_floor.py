"""The numpy floor of the neural-network workloads, by hand: cross-entropy, a stride-1
im2col convolution and 2x2 max pooling, each forward and backward.

What any implementation on numpy could reach: the same computation as the engine's, with
nothing recorded (`benchmarks.nn_workloads` times it beside autograd_core and PyTorch).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def np_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    batch = len(labels)
    loss = -log_probs[np.arange(batch), labels].mean()
    grad = np.exp(log_probs)
    grad[np.arange(batch), labels] -= 1
    return float(loss), grad / batch


def np_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> tuple[np.ndarray, Any]:
    """Stride-1 convolution by im2col: (N, C, H, W) -> (N, O, OH, OW), and what backward needs."""
    n, c = x.shape[:2]
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    oh, ow = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    # (N, C, OH, OW, KH, KW) -> (N, OH, OW, C, KH, KW) -> (N*OH*OW, C*KH*KW)
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)
    out = cols @ w.reshape(o, -1).T + b  # (N*OH*OW, O)
    # (N*OH*OW, O) -> (N, O, OH, OW)
    return out.reshape(n, oh, ow, o).transpose(0, 3, 1, 2), (x.shape, xp.shape, cols, pad)


def np_conv2d_backward(grad: np.ndarray, w: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """Gradients of np_conv2d with respect to x, w and b."""
    x_shape, padded_shape, cols, pad = cache
    n, o, oh, ow = grad.shape
    _, c, kh, kw = w.shape
    g = grad.transpose(0, 2, 3, 1).reshape(-1, o)  # (N, O, OH, OW) -> (N*OH*OW, O)
    grad_w = (g.T @ cols).reshape(w.shape)
    grad_b = g.sum(axis=0)
    # (N*OH*OW, C*KH*KW) -> (N, OH, OW, C, KH, KW) -> (N, C, KH, KW, OH, OW)
    grad_cols = (g @ w.reshape(o, -1)).reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    grad_x = np.zeros(padded_shape, np.float32)
    for i in range(kh):
        for j in range(kw):
            grad_x[:, :, i : i + oh, j : j + ow] += grad_cols[:, :, i, j]
    return grad_x[:, :, pad : pad + x_shape[2], pad : pad + x_shape[3]], grad_w, grad_b


def np_max_pool2x2(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pooling and the gradient shares (ties split equally, as autograd_core does)."""
    n, c, h, w = x.shape
    windows = x.reshape(n, c, h // 2, 2, w // 2, 2)  # (N, C, OH, 2, OW, 2)
    out = windows.max(axis=(3, 5))
    winners = windows == out[:, :, :, None, :, None]
    shares = winners / winners.sum(axis=(3, 5), keepdims=True, dtype=np.float32)
    return out, shares.astype(np.float32)


def np_max_pool2x2_backward(grad: np.ndarray, shares: np.ndarray) -> np.ndarray:
    n, c, oh, _, ow, _ = shares.shape
    return (shares * grad[:, :, :, None, :, None]).reshape(n, c, oh * 2, ow * 2)
