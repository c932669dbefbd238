"""`conv2d`, `conv1d` and `conv_transpose2d`, with PyTorch's arguments and weight layouts (NCHW).

Both are compositions of engine ops, so their gradients come from the
primitives: convolution is the sliding-window view of the padded input
(`autograd_core.ops.sliding_window`), one reshape that lays the windows of the
whole batch out as columns ("im2col"), and one matmul through BLAS. The transposed
convolution is its adjoint: one matmul that spreads every input pixel into
a window, then `window_fold`, which adds the overlapping windows up.

Stride-1 convolutions of one group on grids that padding does not grow much run as one
node instead, `Convolution` (nn/functional/convolution.py): the same forward, an input
gradient without the fold, and this composition as its tested reference.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register
from autograd_core.grad_mode import is_grad_enabled
from autograd_core.ops.window import pair, sliding_window, window_fold

from ._convert import as_tensor, check_same_dtype
from .convolution import Convolution, Padding, check_fits, tap_gradient_pays


def check_input(x: Tensor, op: str, channels: int | None = None) -> None:
    """A clear error unless `x` is a 4-d (N, C, H, W) tensor, with `channels` channels if given."""
    if x.ndim != 4:
        raise ValueError(
            f"{op}: expected a 4-d input (N, C, H, W) or an unbatched 3-d one (C, H, W), "
            f"got shape {tuple(x.shape)}"
        )
    if channels is not None and x.shape[1] != channels:
        raise ValueError(
            f"{op}: expected an input with {channels} channels (N, {channels}, H, W), "
            f"got shape {tuple(x.shape)}"
        )


def check_weight(weight: Tensor, groups: Any, layout: str, op: str) -> None:
    """A clear error unless `weight` is 4-d (laid out as `layout`) and `groups` a positive int."""
    if weight.ndim != 4:
        raise ValueError(f"{op}: weight must have shape {layout}, got {tuple(weight.shape)}")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")


def positive_pair(value: Any, name: str, op: str) -> tuple[int, int]:
    """`pair`, and a clear error unless both entries are >= 1."""
    result = pair(value, name, op)
    if min(result) < 1:
        raise ValueError(f"{op}: {name} must be positive, got {value!r}")
    return result


def padding_pairs(
    padding: Any,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    op: str,
) -> Padding:
    """PyTorch's padding forms (an int, a pair, "valid", "same") as (before, after) pairs.

    "same" keeps H and W (stride 1 only); when the total padding it needs is
    odd, the extra row or column goes after, as PyTorch does.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return (total[0] // 2, total[0] - total[0] // 2), (
                total[1] // 2,
                total[1] - total[1] // 2,
            )
        raise ValueError(
            f"{op}: padding must be an int, a pair, 'valid' or 'same', got {padding!r}"
        )
    ph, pw = pair(padding, "padding", op)
    if min(ph, pw) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {padding!r}")
    return (ph, ph), (pw, pw)


def pad_spatial(x: Tensor, padding: Padding, value: float = 0.0) -> Tensor:
    """x padded on H and W only (nothing happens, not even a copy, for zero padding)."""
    if padding == ((0, 0), (0, 0)):
        return x
    # (N, C, H, W) -> (N, C, top + H + bottom, left + W + right)
    return ag.pad(x, ((0, 0), (0, 0), *padding), constant_values=value)


@register("conv2d", sample="nn_conv2d")
def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-d cross-correlation of an (N, C, H, W) input with weight (out, C/groups, KH, KW).

    `stride`, `padding` (zeros) and `dilation` are ints or (height, width)
    pairs; `padding` may also be "valid" (none) or "same" (keep H and W).
    With `groups` > 1 the channels are split into that many independent
    convolutions. The output has shape (N, out, OH, OW) with
    OH = (H + 2 * padding - dilation * (KH - 1) - 1) // stride + 1.

    Examples
    --------
    >>> import autograd_core as ag
    >>> conv2d(ag.ones((1, 1, 3, 3)), ag.ones((1, 1, 2, 2)), padding=1)[0, 0]
    tensor([[1., 2., 2., 1.],
            [2., 4., 4., 2.],
            [2., 4., 4., 2.],
            [1., 2., 2., 1.]])
    """
    x, weight = as_tensor(input), as_tensor(weight)
    if x.ndim == 3:  # one unbatched (C, H, W) image, as PyTorch takes it
        return conv2d(x.reshape(1, *x.shape), weight, bias, stride, padding, dilation, groups)[0]
    return convolve(x, weight, bias, stride, padding, dilation, groups, "conv2d")


def convolve(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: int,
    op: str,
) -> Tensor:
    """conv2d of a 4-d x, its errors naming `op` (conv1d runs here over a unit height)."""
    check_input(x, op)
    check_weight(weight, groups, "(out_channels, in_channels/groups, KH, KW)", op)
    check_same_dtype(op, input=x, weight=weight, bias=bias)
    _, channels, height, width = x.shape
    out_channels, group_channels, kh, kw = weight.shape
    if channels % groups or out_channels % groups or channels // groups != group_channels:
        raise ValueError(
            f"{op}: input of shape {tuple(x.shape)} and weight of shape {tuple(weight.shape)} "
            f"do not fit with groups={groups}: expected in_channels ({channels}) and "
            f"out_channels ({out_channels}) divisible by groups and weight.shape[1] == "
            f"in_channels / groups"
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},), got {tuple(bias.shape)}")
    stride = positive_pair(stride, "stride", op)
    dilation = positive_pair(dilation, "dilation", op)
    pads = padding_pairs(padding, (kh, kw), stride, dilation, op)
    check_fits((height, width), pads, (kh, kw), dilation, op)

    # NOTE: most layers of a CNN are stride-1 convolutions of one group: one node, whose
    # input gradient avoids the fold where that is measured to pay (`tap_gradient_pays`);
    # when no input gradient is wanted (a network's first layer), it always pays
    fused = stride == (1, 1) and groups == 1
    input_gradient = x.requires_grad and is_grad_enabled()
    if fused and (
        not input_gradient or tap_gradient_pays((height, width), pads, (kh, kw), dilation)
    ):
        return Convolution.apply(
            x, weight, *(() if bias is None else (bias,)), pads=pads, dilation=dilation
        )
    return composed_convolution(x, weight, bias, stride, pads, dilation, groups)


def composed_convolution(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: tuple[int, int],
    pads: Padding,
    dilation: tuple[int, int],
    groups: int,
) -> Tensor:
    """conv2d of checked arguments as engine ops: the padded input's sliding windows, the
    im2col copy and one product (the reference that `Convolution` is tested against)."""
    n = x.shape[0]
    out_channels, group_channels, kh, kw = weight.shape
    cols = sliding_window(pad_spatial(x, pads), (kh, kw), stride, dilation)
    oh, ow = cols.shape[-2:]
    taps = group_channels * kh * kw
    # (out, C/groups, KH, KW) -> (groups, out/groups, C/groups*KH*KW)
    kernel = weight.reshape(groups, out_channels // groups, taps)
    # NOTE: the columns of the whole batch side by side, so that the forward and both
    # gradients are one product each: per image, a small output (ResNet-18's 4x4 layer)
    # makes products of 16 columns that run BLAS far below its speed, and the weight's
    # gradient would add up N per-image (out, K) matrices. Measured (2 threads, batch 32,
    # forward and backward): the 4x4 layer 84-96 -> 46-47 ms, the 8x8 one 69-74 -> 55-59 ms;
    # equal at 28x28 (9.7-9.8 ms both ways).
    # (N, C, KH, KW, OH, OW) -> (groups, C/groups*KH*KW, N*OH*OW): the one copy ("im2col")
    cols = cols.permute(1, 2, 3, 0, 4, 5).reshape(groups, taps, n * oh * ow)
    # (groups, out/groups, N*OH*OW) -> (N, out, OH, OW)
    out = (kernel @ cols).reshape(out_channels, n, oh, ow).permute(1, 0, 2, 3)
    if bias is not None:
        out = out + bias.reshape(out_channels, 1, 1)
    return out


def single(value: Any, name: str, op: str) -> int:
    """An int or a 1-tuple of an int as a Python int (PyTorch's 1-d argument forms)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{op}: {name} must be an int or a 1-tuple of an int, got {value!r}")
    return int(value)


@register("conv1d", sample="nn_conv1d")
def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-d cross-correlation of an (N, C, L) or (C, L) input with weight (out, C/groups, K).

    `stride`, `padding` and `dilation` are ints (or 1-tuples); `padding` may
    also be "valid" or "same". Computed as `conv2d` over a unit height, the
    same sums in the same order. OL = (L + 2 * padding - dilation * (K - 1) - 1) // stride + 1.

    Examples
    --------
    >>> import autograd_core as ag
    >>> conv1d(ag.ones((1, 1, 4)), ag.ones((1, 1, 2)), padding=1)
    tensor([[[1., 2., 2., 2., 1.]]])
    """
    x, weight = as_tensor(input), as_tensor(weight)
    if x.ndim not in (2, 3):
        raise ValueError(
            f"conv1d: expected a 3-d input (N, C, L) or an unbatched 2-d one (C, L), got shape "
            f"{tuple(x.shape)}"
        )
    if weight.ndim != 3:
        raise ValueError(
            f"conv1d: weight must have shape (out_channels, in_channels/groups, K), got "
            f"{tuple(weight.shape)}"
        )
    if x.ndim == 2:  # one unbatched (C, L) sequence, as PyTorch takes it
        return conv1d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups)[0]
    if not isinstance(padding, str):
        padding = (0, single(padding, "padding", "conv1d"))
    stride = (1, single(stride, "stride", "conv1d"))
    dilation = (1, single(dilation, "dilation", "conv1d"))
    # (N, C, L) -> (N, C, 1, L) and (out, C/groups, K) -> (out, C/groups, 1, K)
    x4, w4 = x.unsqueeze(-2), weight.unsqueeze(-2)
    out = convolve(x4, w4, bias, stride, padding, dilation, groups, "conv1d")
    return out.squeeze(-2)  # (N, out, 1, OL) -> (N, out, OL)


@register("conv_transpose2d", sample="nn_conv_transpose2d")
def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """Transposed convolution (the gradient of conv2d with respect to its input) of an
    (N, C, H, W) input with weight (C, out/groups, KH, KW).

    Every input pixel scales the kernel, and the scaled kernels are added up
    at `stride` steps; `padding` then crops that many rows and columns from
    each side and `output_padding` adds rows and columns at the bottom and
    right. The output has PyTorch's size
    OH = (H - 1) * stride - 2 * padding + dilation * (KH - 1) + output_padding + 1.

    Examples
    --------
    >>> import autograd_core as ag
    >>> conv_transpose2d(ag.ones((1, 1, 2, 2)), ag.ones((1, 1, 2, 2)))[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    x, weight = as_tensor(input), as_tensor(weight)
    if x.ndim == 3:  # one unbatched (C, H, W) image, as PyTorch takes it
        batched = x.reshape(1, *x.shape)
        return conv_transpose2d(
            batched, weight, bias, stride, padding, output_padding, groups, dilation
        )[0]
    check_input(x, "conv_transpose2d")
    check_weight(weight, groups, "(in_channels, out_channels/groups, KH, KW)", "conv_transpose2d")
    check_same_dtype("conv_transpose2d", input=x, weight=weight, bias=bias)
    n, channels, height, width = x.shape
    in_channels, group_out, kh, kw = weight.shape
    if channels != in_channels or channels % groups:
        raise ValueError(
            f"conv_transpose2d: input of shape {tuple(x.shape)} and weight of shape "
            f"{tuple(weight.shape)} do not fit with groups={groups}: expected weight.shape[0] "
            f"== in_channels ({channels}), divisible by groups"
        )
    out_channels = group_out * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"conv_transpose2d: bias must have shape ({out_channels},), got {tuple(bias.shape)}"
        )
    stride = positive_pair(stride, "stride", "conv_transpose2d")
    dilation = positive_pair(dilation, "dilation", "conv_transpose2d")
    pads = pair(padding, "padding", "conv_transpose2d")
    extra = pair(output_padding, "output_padding", "conv_transpose2d")
    if min(pads) < 0 or min(extra) < 0:
        raise ValueError(
            f"conv_transpose2d: padding and output_padding must be non-negative, got "
            f"{padding!r} and {output_padding!r}"
        )
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(
            f"conv_transpose2d: output_padding {extra} must be smaller than stride {stride} "
            f"or dilation {dilation}"
        )
    # the uncropped output: every window placed, plus output_padding rows and columns
    full = tuple(
        (n_in - 1) * s + d * (k - 1) + 1 + e
        for n_in, s, d, k, e in zip((height, width), stride, dilation, (kh, kw), extra)
    )
    size = tuple(f - 2 * p for f, p in zip(full, pads))
    if min(size) < 1:
        raise ValueError(
            f"conv_transpose2d: padding {pads} crops the whole {full[0]}x{full[1]} output of an "
            f"input of shape {tuple(x.shape)} (kernel {kh}x{kw}, stride {stride})"
        )

    group_in = channels // groups
    # (C, out/groups, KH, KW) -> (groups, C/groups, out/groups*KH*KW) -> swap the last two
    kernel = weight.reshape(groups, group_in, group_out * kh * kw).permute(0, 2, 1)
    # (N, C, H, W) -> (groups, C/groups, N*H*W): the whole batch in one product, as in convolve
    pixels = x.permute(1, 0, 2, 3).reshape(groups, group_in, n * height * width)
    # (groups, out/groups*KH*KW, C/groups) @ (groups, C/groups, N*H*W)
    #   -> (out, KH, KW, N, H, W) -> (N, out, KH, KW, H, W): one window per pixel
    cols = (kernel @ pixels).reshape(out_channels, kh, kw, n, height, width)
    cols = cols.permute(3, 0, 1, 2, 4, 5)
    out = window_fold(cols, full, stride, dilation)
    if pads != (0, 0):
        out = out[:, :, pads[0] : pads[0] + size[0], pads[1] : pads[1] + size[1]]
    if bias is not None:
        out = out + bias.reshape(out_channels, 1, 1)
    return out
