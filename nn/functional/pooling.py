"""Pooling on (N, C, H, W) tensors: `max_pool2d`, `avg_pool2d` and `max_unpool2d`, with
PyTorch's arguments (including `ceil_mode`, `count_include_pad`, `return_indices`).

Max pooling is the engine's `window_max` primitive (`autograd_core.ops.window`):
a running maximum over the KH*KW strided taps of the (padded) input, whose
backward puts each window's gradient on its maximum. Average pooling is a
sum over the windows of the sliding-window view
(`autograd_core.ops.sliding_window`), so its gradient comes from the engine's
`sum`; when the windows tile the input exactly (stride == kernel_size, no
padding, the common 2x2 case) a plain reshape to (N, C, OH, KH, OW, KW)
replaces the view.

NOTE: where several elements of a window tie for the maximum, `max_pool2d`
splits that window's gradient equally among them (the engine's rule for
`max`, a true subgradient, which `window_max` keeps). PyTorch gives all of
it to one of them (the one its `return_indices` reports), so the two differ
only on ties.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register
from autograd_core.ops.window import pair, sliding_window, window_max

from ._convert import as_tensor
from .conv import check_input, pad_spatial, positive_pair


def pool_output_size(
    size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool
) -> int:
    """PyTorch's pooled length along one axis. With `ceil_mode` a last, partial window is kept
    when it starts inside the input or its left padding."""
    span = dilation * (kernel - 1) + 1
    room = size + 2 * padding - span
    count = (-(-room // stride) if ceil_mode else room // stride) + 1
    if ceil_mode and (count - 1) * stride >= size + padding:
        count -= 1
    return count


def _geometry(
    x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool, op: str
) -> tuple[Any, ...]:
    """Checked pairs, the output size and the (before, after) padding that makes every window
    fit (after may include extra rows for ceil_mode)."""
    check_input(x, op)
    kernel = positive_pair(kernel_size, "kernel_size", op)
    stride = (
        kernel
        if stride is None or stride == () or stride == []
        else positive_pair(stride, "stride", op)
    )
    dilation = positive_pair(dilation, "dilation", op)
    padding = pair(padding, "padding", op)
    if min(padding) < 0 or any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(
            f"{op}: padding must be between 0 and half the kernel size, got padding {padding} "
            f"for kernel_size {kernel}"
        )
    size = x.shape[2:]
    out = tuple(
        pool_output_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(size, kernel, stride, padding, dilation)
    )
    if min(out) < 1:
        raise ValueError(
            f"{op}: the window (kernel_size {kernel}, dilation {dilation}) is larger than the "
            f"padded input (input {size[0]}x{size[1]}, padding {padding}): the output would be "
            f"{out[0]}x{out[1]}"
        )
    # rows past the padded input that ceil_mode's last window reaches
    after = tuple(
        max(0, (o - 1) * s + d * (k - 1) + 1 - n - 2 * p)
        for o, s, d, k, n, p in zip(out, stride, dilation, kernel, size, padding)
    )
    pads = tuple((p, p + a) for p, a in zip(padding, after))
    return kernel, stride, dilation, padding, out, pads


def _tiles(
    x: Tensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    pads: Any,
) -> bool:
    """True when the windows tile the input: then a reshape is the whole window view."""
    return (
        stride == kernel
        and dilation == (1, 1)
        and pads == ((0, 0), (0, 0))
        and x.shape[2] % kernel[0] == 0
        and x.shape[3] % kernel[1] == 0
    )


@register("max_pool2d", sample="nn_max_pool2d", domains=("distinct",))
def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Largest value of each KH x KW window of an (N, C, H, W) input.

    `stride` defaults to `kernel_size`; `padding` (implicit -inf, at most half
    the kernel) and `dilation` are ints or pairs; `ceil_mode` keeps a last
    partial window. With `return_indices`, also returns the position of each
    maximum as a flat index into its input plane (row * W + column), as
    PyTorch does (the first maximum on ties), ready for `max_unpool2d`.
    Tied maxima share the gradient equally (see the module note).

    Examples
    --------
    >>> import autograd_core as ag
    >>> max_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    tensor([[ 5.,  7.],
            [13., 15.]])
    """
    x = as_tensor(input)
    if x.ndim == 3:  # one unbatched (C, H, W) input, as PyTorch takes it
        out = max_pool2d(
            x.reshape(1, *x.shape),
            kernel_size,
            stride,
            padding,
            dilation,
            ceil_mode,
            return_indices,
        )
        return (out[0][0], out[1][0]) if return_indices else out[0]
    kernel, stride, dilation, padding, (oh, ow), pads = _geometry(
        x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d"
    )
    n, c, _, width = x.shape
    (kh, kw) = kernel
    # padding never wins a window: -inf for floats, the smallest value for integers
    lowest = (
        -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min if x.dtype.kind in "iu" else 0
    )
    padded = pad_spatial(x, pads, lowest)
    out = window_max(padded, kernel, stride, dilation)  # (N, C, H, W) -> (N, C, OH, OW)
    if not return_indices:
        return out
    with ag.no_grad():
        windows = np.asarray(sliding_window(padded, kernel, stride, dilation))
    # (N, C, KH, KW, OH, OW) -> (N, C, OH, OW, KH*KW)
    flat = windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c, oh, ow, kh * kw)
    tap = np.argmax(flat, axis=-1)  # first maximum in row-major window order, as PyTorch
    rows = np.arange(oh)[:, None] * stride[0] - padding[0] + (tap // kw) * dilation[0]
    columns = np.arange(ow)[None, :] * stride[1] - padding[1] + (tap % kw) * dilation[1]
    return out, ag.Tensor(rows * width + columns)


@register("avg_pool2d", sample="nn_avg_pool2d")
def avg_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Mean of each KH x KW window of an (N, C, H, W) input.

    `stride` defaults to `kernel_size`; `padding` adds zeros (at most half the
    kernel). Each window's sum is divided by the number of its positions
    inside the padded input (`count_include_pad=True`) or inside the input
    itself; positions that only `ceil_mode`'s last window reaches never count.

    Examples
    --------
    >>> import autograd_core as ag
    >>> avg_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    tensor([[ 2.5,  4.5],
            [10.5, 12.5]])
    """
    x = as_tensor(input)
    if x.ndim == 3:  # one unbatched (C, H, W) input, as PyTorch takes it
        batched = x.reshape(1, *x.shape)
        return avg_pool2d(batched, kernel_size, stride, padding, ceil_mode, count_include_pad)[0]
    kernel, stride, dilation, padding, (oh, ow), pads = _geometry(
        x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d"
    )
    n, c, height, width = x.shape
    (kh, kw) = kernel
    if _tiles(x, kernel, stride, dilation, pads):
        # (N, C, H, W) -> (N, C, OH, KH, OW, KW)
        return x.reshape(n, c, oh, kh, ow, kw).mean(axis=(3, 5))
    windows = sliding_window(pad_spatial(x, pads), kernel, stride)
    sums = windows.sum(axis=(2, 3))  # (N, C, KH, KW, OH, OW) -> (N, C, OH, OW)
    # how many positions of each window count, one axis at a time (the count is separable)
    counts = []
    for size, k, s, p, o in zip((height, width), kernel, stride, padding, (oh, ow)):
        low, high = (-p, size + p) if count_include_pad else (0, size)
        start = np.arange(o) * s - p
        counts.append(np.minimum(start + k, high) - np.maximum(start, low))
    divisor = np.outer(counts[0], counts[1]).astype(x.dtype)  # (OH, OW)
    return sums / divisor


@register("max_unpool2d", sample="nn_max_unpool2d")
def max_unpool2d(
    input: Tensor,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The inverse of `max_pool2d` as far as it goes: each value of an (N, C, H, W) input is put
    back at its `indices` (flat positions row * W_out + column, as `max_pool2d` returns them)
    in a zero (N, C, OH, OW) output.

    The default output size is OH = (H - 1) * stride - 2 * padding + KH; give `output_size`
    ((OH, OW), or a full shape ending in them) when the pooled input had a remainder. Values
    sent to the same position add up (that happens only with overlapping windows).

    Examples
    --------
    >>> import autograd_core as ag
    >>> out, where = max_pool2d(ag.tensor([[[[1.0, 2.0], [4.0, 3.0]]]]), 2, return_indices=True)
    >>> max_unpool2d(out, where, 2)[0, 0]
    tensor([[0., 0.],
            [4., 0.]])
    """
    x = as_tensor(input)
    if x.ndim == 3:  # one unbatched (C, H, W) input, as PyTorch takes it
        index = np.asarray(indices)
        return max_unpool2d(
            x.reshape(1, *x.shape), index.reshape(1, *index.shape), kernel_size, stride, padding,
            output_size,
        )[0]  # fmt: skip
    check_input(x, "max_unpool2d")
    index = np.asarray(indices)
    if index.shape != tuple(x.shape) or index.dtype.kind not in "iu":
        raise ValueError(
            f"max_unpool2d: indices must be integers of the input's shape {tuple(x.shape)}, "
            f"got {index.dtype} of shape {index.shape}"
        )
    kernel = positive_pair(kernel_size, "kernel_size", "max_unpool2d")
    stride = kernel if stride is None else positive_pair(stride, "stride", "max_unpool2d")
    padding = pair(padding, "padding", "max_unpool2d")
    n, c, height, width = x.shape
    if output_size is None:
        size = tuple(
            (i - 1) * s - 2 * p + k for i, s, p, k in zip((height, width), stride, padding, kernel)
        )
    else:
        size = tuple(int(v) for v in tuple(output_size)[-2:])
        if len(size) != 2:
            raise ValueError(f"max_unpool2d: output_size must end in (OH, OW), got {output_size}")
    plane = math.prod(size)
    if min(size) < 1 or (index.size and (index.min() < 0 or index.max() >= plane)):
        raise ValueError(
            f"max_unpool2d: indices must lie in [0, {plane}) for an output of size "
            f"{size[0]}x{size[1]}, got values in [{index.min()}, {index.max()}]"
        )
    # one flat position per input value in the (N*C*OH*OW,) output: plane offset + index
    flat = (np.arange(n * c)[:, None] * plane + index.reshape(n * c, height * width)).ravel()
    out = ag.ops.accumulate_at(x.reshape(-1), flat, (n * c * plane,))
    return out.reshape(n, c, *size)  # (N*C*OH*OW,) -> (N, C, OH, OW)
