"""`Convolution`: conv2d at stride 1 with one group as one graph node, its input gradient
computed tap by tap.

`conv2d` composes engine ops (pad, sliding window, the im2col copy, one product), so
its input gradient is the product W^T @ grad, a (C*KH*KW, N*OH*OW) array (15 MB on the
Conv2d benchmark), folded back window by window. This primitive keeps the forward and the
weight gradient of the composition and replaces that input gradient: for each kernel tap
(i, j), the (C, O) slice of the weight times the gradient, laid out on the padded image's
grid with zeros beyond the output, is one contiguous shifted addition into the padded
input's gradient. KH*KW products and additions on arrays of one image's size times N, in
cache, instead of one product and a fold over an array KH*KW times larger.

The composition stays the reference: tests/nn/test_convolution.py compares the two,
values and first and second derivatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Function, Tensor, workspace
from autograd_core.function import register
from autograd_core.grad_mode import grad_enabled
from autograd_core.ops.linalg import _matmul
from autograd_core.ops.movement import contiguous_copy, padded_array
from autograd_core.ops.window import sliding_window, window_fold, window_view

Padding = tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))


# NOTE: the tap-by-tap input gradient works on the whole padded grid, so it pays only
# while that grid is not much larger than the output. Measured against the composition,
# forward and backward, float32, 2 threads: 16->32 channels 3x3 on 28x28, padding 1 (the
# padded grid 1.15x the output) 0.78x the time; 64 channels on 32x32 (1.13x) 0.97x; 128 on
# 16x16 (1.27x) 0.99x; 256 on 8x8 (1.56x) 1.06x; 512 on 4x4 (2.25x) 1.34x; LeNet's 6->16 5x5
# on 14x14 without padding (1.96x) 1.35x.
MAX_GRID_GROWTH = 1.3


def tap_gradient_pays(
    size: tuple[int, int], pads: Padding, kernel: tuple[int, int], dilation: tuple[int, int]
) -> bool:
    """True when the padded (H, W) grid has at most `MAX_GRID_GROWTH` times the positions of
    the stride-1 output: the convolutions `Convolution` runs faster than the composition."""
    padded = [n + a + b for n, (a, b) in zip(size, pads)]
    output = [p - d * (k - 1) for p, k, d in zip(padded, kernel, dilation)]
    return padded[0] * padded[1] <= MAX_GRID_GROWTH * output[0] * output[1]


def check_fits(
    size: tuple[int, int],
    padding: Padding,
    kernel: tuple[int, int],
    dilation: tuple[int, int],
    op: str,
) -> None:
    """A clear error when the (dilated) kernel is larger than the padded input."""
    padded = tuple(n + a + b for n, (a, b) in zip(size, padding))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if span[0] > padded[0] or span[1] > padded[1]:
        raise ValueError(
            f"{op}: the kernel spans {span[0]}x{span[1]} (kernel_size {kernel}, dilation "
            f"{dilation}) but the padded input is only {padded[0]}x{padded[1]} "
            f"(input {size[0]}x{size[1]}, padding {padding}); use a smaller kernel or more padding"
        )


def _check_shapes(
    x: tuple[int, ...], weight: tuple[int, ...], bias: list[Any], pads: Padding, dilation: Any
) -> None:
    """A clear error unless x (N, C, H, W), weight (O, C, KH, KW) and bias (O,) fit and the
    dilated kernel fits in the padded input."""
    if len(x) != 4 or len(weight) != 4 or x[1] != weight[1] or bias not in ([], [weight[:1]]):
        raise ValueError(
            f"convolution: expects x (N, C, H, W), weight (O, C, KH, KW) and an optional bias "
            f"(O,), got shapes {x}, {weight}{''.join(f' and {b}' for b in bias)}"
        )
    check_fits(x[2:], pads, weight[2:], dilation, "convolution")


def _convolution_reference(
    x: np.ndarray, weight: np.ndarray, *bias: np.ndarray, pads: Padding, dilation: Any
) -> np.ndarray:
    windows = window_view(np.pad(x, ((0, 0), (0, 0), *pads)), weight.shape[2:], (1, 1), dilation)
    out = np.einsum("ncijhw,ocij->nohw", windows, weight)
    return out + bias[0].reshape(-1, 1, 1) if bias else out


@register("convolution", sample="convolution", reference=_convolution_reference)
class Convolution(Function):
    """out[n, o] = sum over c, i, j of weight[o, c, i, j] * pad(x)[n, c, i*dh + oh, j*dw + ow]
    (+ bias[o]);   dL/dweight = grad @ im2col(x)^T,   dL/dbias = grad summed over N, OH, OW,
    dL/dx = the middle of the sum over taps (i, j) of weight[:, :, i, j]^T @ grad, shifted by
    (i*dh, j*dw)"""

    array_fields = ("columns",)
    columns: Any = None  # im2col(x), (C*KH*KW, N*OH*OW), kept for the weight's gradient

    def forward(ctx, x, weight, *bias, pads, dilation):
        _check_shapes(x.shape, weight.shape, [b.shape for b in bias], pads, dilation)
        n, channels, _, _ = x.shape
        out_channels, _, kh, kw = weight.shape
        padded = padded_array(x, ((0, 0), (0, 0), *pads))  # (N, C, HP, WP), reused memory
        windows = window_view(padded, (kh, kw), (1, 1), dilation)  # (N, C, KH, KW, OH, OW)
        oh, ow = windows.shape[-2:]
        taps = channels * kh * kw
        # (N, C, KH, KW, OH, OW) -> (C*KH*KW, N*OH*OW): im2col, the one copy
        columns = contiguous_copy(windows.transpose(1, 2, 3, 0, 4, 5), (taps, n * oh * ow))
        out = _matmul(weight.reshape(out_channels, taps), columns)  # (O, N*OH*OW), fresh
        if bias:
            out += bias[0].reshape(out_channels, 1)  # in place on the fresh product
        ctx.pads, ctx.dilation, ctx.padded_size = pads, dilation, padded.shape[2:]
        ctx.columns = columns if ctx.needs_input_grad[1] else None
        ctx.save_for_backward(x, weight)  # checks, in backward, that neither changed since
        # (O, N*OH*OW) -> (N, O, OH, OW), a view
        return out.reshape(out_channels, n, oh, ow).transpose(1, 0, 2, 3)

    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        if grad_enabled.get():  # a recorded backward (create_graph): the composition's
            return _recorded_gradients(ctx, grad, x, weight)
        g = grad._data
        n, out_channels, oh, ow = g.shape
        grads: list[Tensor | None] = [None, None]
        if needs[0]:
            grads[0] = Tensor._from_op(_input_gradient(g, weight._data, ctx), None)
        if needs[1]:
            # (N, O, OH, OW) -> (O, N*OH*OW), copied only when the layout needs it
            rows = g.transpose(1, 0, 2, 3).reshape(out_channels, n * oh * ow)
            product = _matmul(rows, ctx.columns.T)  # (O, C*KH*KW)
            grads[1] = Tensor._from_op(product.reshape(weight.shape), None)
        if len(needs) == 3:
            grads.append(Tensor._from_op(g.sum(axis=(0, 2, 3)), None) if needs[2] else None)
        return tuple(grads)


def _input_gradient(g: np.ndarray, weight: np.ndarray, ctx: Any) -> np.ndarray:
    """dL/dx, one product and one contiguous shifted addition per kernel tap.

    On the padded grid flattened per channel, (N*HP*WP) positions with the gradient at
    [n, :OH, :OW] and zeros elsewhere, tap (i, j) of output position p reads input
    position p + i*dh*WP + j*dw. Positions past the output carry zeros, so the shifted
    additions never move anything to the wrong place, and each is one long inner loop.
    """
    (top, _), (left, _) = ctx.pads
    dh, dw = ctx.dilation
    hp, wp = ctx.padded_size
    n, out_channels, oh, ow = g.shape
    _, channels, kh, kw = weight.shape
    positions = n * hp * wp
    spread = workspace.empty((out_channels, n, hp, wp), g.dtype)
    spread[:, :, :oh, :ow] = g.transpose(1, 0, 2, 3)
    spread[:, :, oh:] = 0  # NOTE: only the margins zeroed, not the whole (reused) grid
    spread[:, :, :oh, ow:] = 0
    spread_rows = spread.reshape(out_channels, positions)
    reach = (kh - 1) * dh * wp + (kw - 1) * dw  # the largest shift
    total = workspace.empty((channels, positions + reach), g.dtype)
    total[:, positions:] = 0
    term = workspace.empty((channels, positions), g.dtype)
    by_tap = weight.transpose(2, 3, 1, 0)  # (KH, KW, C, O)
    # NOTE: tap (0, 0) has no shift: its product is written into the total, not added
    np.matmul(by_tap[0, 0], spread_rows, out=total[:, :positions])
    for i in range(kh):
        for j in range(1 if i == 0 else 0, kw):
            np.matmul(by_tap[i, j], spread_rows, out=term)
            shift = i * dh * wp + j * dw
            total[:, shift : shift + positions] += term
    h, w = hp - sum(ctx.pads[0]), wp - sum(ctx.pads[1])
    grid = total[:, :positions].reshape(channels, n, hp, wp)
    # (C, N, HP, WP) -> the middle, (N, C, H, W), in C order
    return np.ascontiguousarray(grid[:, :, top : top + h, left : left + w].transpose(1, 0, 2, 3))


def _recorded_gradients(ctx: Any, grad: Tensor, x: Tensor, weight: Tensor) -> tuple[Any, ...]:
    """The composition's gradients as recorded ops, differentiable again."""
    needs = ctx.needs_input_grad
    (top, bottom), (left, right) = ctx.pads
    n, out_channels, oh, ow = grad.shape
    channels, kh, kw = weight.shape[1:]
    taps = channels * kh * kw
    rows = grad.permute(1, 0, 2, 3).reshape(out_channels, n * oh * ow)
    grads: list[Tensor | None] = [None, None]
    if needs[0]:
        kernel = weight.reshape(out_channels, taps)
        # (C*KH*KW, N*OH*OW) -> (N, C, KH, KW, OH, OW), folded onto the padded input
        windows = (kernel.T @ rows).reshape(channels, kh, kw, n, oh, ow).permute(3, 0, 1, 2, 4, 5)
        padded = window_fold(windows, ctx.padded_size, (1, 1), ctx.dilation)
        grads[0] = padded[:, :, top : padded.shape[2] - bottom, left : padded.shape[3] - right]
    if needs[1]:
        padded_x = ag.pad(x, ((0, 0), (0, 0), *ctx.pads))
        windows = sliding_window(padded_x, (kh, kw), (1, 1), ctx.dilation)
        columns = windows.permute(1, 2, 3, 0, 4, 5).reshape(taps, n * oh * ow)
        grads[1] = (rows @ columns.T).reshape(weight.shape)
    if len(needs) == 3:
        grads.append(grad.sum(dim=(0, 2, 3)) if needs[2] else None)
    return tuple(grads)
