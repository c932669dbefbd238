"""Window primitives: the sliding-window view behind convolution and pooling, and its adjoint.

`sliding_window` turns (..., H, W) into (..., KH, KW, OH, OW) without copying
(a strided view of the same memory); `window_fold` adds such windows back
into a (..., H, W) array with KH*KW strided slice additions. Each is the
other's backward, so gradients of gradients work.

These two are primitives rather than compositions of slicing and stacking
because the composition copies every shifted slice forward and allocates a
full zero array per kernel offset backward: on the Conv2d benchmark
(benchmarks/nn_workloads.py: 16->32 channels, 3x3, batch 32, one BLAS
thread) stacking nine slices took 53 ms and 4,400 page faults per forward +
backward step, these primitives 38 ms and 3,300 (measured on a loaded
2-core machine; the ratio is what matters).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import parallel, workspace
from ..function import Function, register
from ..grad_mode import no_grad
from ..tensor import Tensor


def pair(value: Any, name: str, op: str) -> tuple[int, int]:
    """An int or a pair of ints as a (height, width) pair of Python ints."""
    if isinstance(value, (int, np.integer)):
        pair_: tuple[Any, ...] = (value, value)
    elif isinstance(value, (tuple, list)):
        pair_ = tuple(value)
    else:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if len(pair_) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair_):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    return int(pair_[0]), int(pair_[1])


def window_count(size: int, kernel: int, stride: int, dilation: int) -> int:
    """How many windows of `kernel` taps, `dilation` apart, fit along `size` with `stride`."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def _check_window(
    shape: tuple[int, ...],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    op: str,
) -> None:
    if len(shape) < 2:
        raise ValueError(f"{op}: needs an input with at least 2 axes (..., H, W), got {shape}")
    for name, values in (("kernel_size", kernel), ("stride", stride), ("dilation", dilation)):
        if min(values) < 1:
            raise ValueError(f"{op}: {name} must be positive, got {values}")
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if span[0] > shape[-2] or span[1] > shape[-1]:
        raise ValueError(
            f"{op}: a window spanning {span} (kernel_size {kernel}, dilation {dilation}) "
            f"does not fit in the last two axes of an input of shape {shape}"
        )


def _sliding_window_reference(
    x: np.ndarray, kernel_size: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation))
    # (..., H, W) -> (..., OH, OW, KH, KW) by numpy's own view, then windows to the front
    views = np.lib.stride_tricks.sliding_window_view(x, span, axis=(-2, -1))
    views = views[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]
    return np.moveaxis(views, (-2, -1), (-4, -3))


def window_view(
    x: np.ndarray, kernel_size: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    """The windows of (..., H, W) as a (..., KH, KW, OH, OW) view of x's memory, no copy;
    read-only because its elements overlap whenever windows do."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    oh = window_count(x.shape[-2], kh, sh, dh)
    ow = window_count(x.shape[-1], kw, sw, dw)
    step_h, step_w = x.strides[-2:]
    return np.lib.stride_tricks.as_strided(
        x,
        shape=(*x.shape[:-2], kh, kw, oh, ow),
        strides=(*x.strides[:-2], step_h * dh, step_w * dw, step_h * sh, step_w * sw),
        writeable=False,
    )


@register("sliding_window", sample="sliding_window", reference=_sliding_window_reference)
class SlidingWindow(Function):
    """out[..., i, j, oh, ow] = x[..., oh*sh + i*dh, ow*sw + j*dw];   dL/dx = window_fold(grad)"""

    def forward(ctx, x, kernel_size, stride, dilation):
        _check_window(x.shape, kernel_size, stride, dilation, "sliding_window")
        ctx.size = x.shape[-2:]
        ctx.params = (stride, dilation)
        return window_view(x, kernel_size, stride, dilation)

    def backward(ctx, grad):
        stride, dilation = ctx.params
        return (WindowFold.apply(grad, size=ctx.size, stride=stride, dilation=dilation),)


@register("window_fold", sample="window_fold")
class WindowFold(Function):
    """out = zeros(..., H, W) with each window x[..., :, :, oh, ow] added at its place;
    dL/dx = sliding_window(grad)"""

    def forward(ctx, x, size, stride, dilation):
        if x.ndim < 4:
            raise ValueError(
                f"window_fold: needs windows of shape (..., KH, KW, OH, OW), got {x.shape}"
            )
        kh, kw, oh, ow = x.shape[-4:]
        (sh, sw), (dh, dw) = stride, dilation
        _check_window(size, (kh, kw), stride, dilation, "window_fold")
        if window_count(size[0], kh, sh, dh) < oh or window_count(size[1], kw, sw, dw) < ow:
            raise ValueError(
                f"window_fold: {oh}x{ow} windows of {kh}x{kw} (stride {stride}, dilation "
                f"{dilation}) do not fit in an output of size {size}"
            )
        used = ((oh - 1) * sh + dh * (kh - 1) + 1, (ow - 1) * sw + dw * (kw - 1) + 1)
        ctx.params = ((kh, kw), stride, dilation, used)
        out = workspace.empty((*x.shape[:-4], *size), x.dtype)  # reused: no fresh pages
        offsets = list(_offsets((kh, kw), stride, dilation, (oh, ow)))
        windows, result = (x, out) if x.ndim > 4 else (x[None], out[None])
        # (..., used rows * OW): one kernel column's taps, summed before they go to their
        # columns (`_fold_by_rows`), at row stride 1 with each (OH, OW) block contiguous
        contiguous_blocks = x.size > 0 and x.strides[-2:] == (ow * x.itemsize, x.itemsize)
        column_sums = (
            workspace.empty((*windows.shape[:-4], used[0] * ow), x.dtype)
            if sh == 1 and kh > 1 and contiguous_blocks
            else None
        )

        def fold(start: int, stop: int) -> None:
            part, part_windows = result[start:stop], windows[start:stop]
            part.fill(0)
            if column_sums is None:
                # NOTE: one strided slice addition per kernel offset (KH*KW of them), never a
                # loop over pixels; window (i, j) of every output position lands on rows
                # i*dh + sh*oh, columns j*dw + sw*ow
                for i, j, rows, columns in offsets:
                    part[..., rows, columns] += part_windows[..., i, j, :, :]
                return
            _fold_by_rows(part, part_windows, column_sums[start:stop], (sw, dh, dw), used[0])

        parallel.over_leading_axis(fold, len(result), x.nbytes)
        return out

    def backward(ctx, grad):
        kernel_size, stride, dilation, used = ctx.params
        # rows and columns past the last window got nothing, so their gradient is unused:
        # crop them so that the view has exactly (OH, OW) windows again
        grad = grad[..., : used[0], : used[1]]
        return (
            SlidingWindow.apply(grad, kernel_size=kernel_size, stride=stride, dilation=dilation),
        )


def _fold_by_rows(
    out: np.ndarray, windows: np.ndarray, sums: np.ndarray, steps: tuple[int, int, int], rows: int
) -> None:
    """window_fold at row stride 1, into zeroed `out` (..., H, W) from `windows` (..., KH, KW,
    OH, OW) whose (OH, OW) blocks are contiguous, with `sums` (..., rows * OW) as scratch.

    Tap (i, j) of window row oh lands on row oh + i*dh: for one kernel column j, the KH taps
    are whole (OH*OW) blocks shifted by i*dh*OW in a (rows, OW) buffer, additions with long
    contiguous inner loops. Only the KW column sums then go to their strided columns, where
    the inner loop is one row of OW: KW short-loop additions instead of KH*KW.
    """
    sw, dh, dw = steps
    kh, kw, oh, ow = windows.shape[-4:]
    lead, block = windows.shape[:-4], oh * ow
    grid = sums.reshape(*lead, rows, ow)
    for j in range(kw):
        sums[..., :block] = windows[..., 0, j, :, :].reshape(*lead, block)
        sums[..., block:] = 0
        for i in range(1, kh):
            start = i * dh * ow
            sums[..., start : start + block] += windows[..., i, j, :, :].reshape(*lead, block)
        out[..., :rows, j * dw : j * dw + sw * (ow - 1) + 1 : sw] += grid


def _offsets(
    kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int], count: Any
) -> Any:
    """(i, j, rows, columns) for every kernel offset: the strided slices of (H, W) that hold
    tap (i, j) of all OH x OW windows."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, count
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            yield i, j, rows, slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


def _batched(array: np.ndarray) -> np.ndarray:
    """`array` with at least one axis before its last two (the axis work is split over)."""
    return array if array.ndim > 2 else array[None]


def _window_max_reference(
    x: np.ndarray, kernel_size: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    return np.max(_sliding_window_reference(x, kernel_size, stride, dilation), axis=(-4, -3))


@register("window_max", sample="window_max", domains=("distinct",), reference=_window_max_reference)
class WindowMax(Function):
    """out[..., oh, ow] = max of window (oh, ow) of x;   dL/dx = window_max_scatter(grad):
    each window's grad goes to its maximum, tied maxima share it equally"""

    def forward(ctx, x, kernel_size, stride, dilation):
        _check_window(x.shape, kernel_size, stride, dilation, "window_max")
        count = tuple(
            window_count(n, k, s, d)
            for n, k, s, d in zip(x.shape[-2:], kernel_size, stride, dilation)
        )
        ctx.params = (kernel_size, stride, dilation)
        offsets = list(_offsets(*ctx.params, count))
        out = np.empty((*x.shape[:-2], *count), dtype=x.dtype)
        source, maxima = _batched(x), _batched(out)

        def running_max(start: int, stop: int) -> None:
            # NOTE: a running np.maximum over the KH*KW taps, each a strided slice of x (no
            # window view is ever copied); a reshape to (..., OH, KH, OW, KW) and .max would
            # make numpy loop over the tiny KH and KW axes innermost, many times slower.
            # (..., H, W) -> (..., OH, OW): tap (i, j) of every window, a strided view
            part, result = source[start:stop], maxima[start:stop]
            taps = [part[..., rows, columns] for _, _, rows, columns in offsets]
            np.copyto(result, taps[0])
            for tap in taps[1:]:
                np.maximum(result, tap, out=result)

        parallel.over_leading_axis(running_max, len(source), x.nbytes)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        kernel_size, stride, dilation = ctx.params
        return (
            WindowMaxScatter.apply(
                grad,
                source=x._data,
                maxima=out._data,
                kernel_size=kernel_size,
                stride=stride,
                dilation=dilation,
            ),
        )


def _winners(
    source: np.ndarray, maxima: np.ndarray, kernel: Any, stride: Any, dilation: Any
) -> tuple[list[np.ndarray], np.ndarray | None]:
    """One bool mask (..., OH, OW) per kernel offset, true where that tap is its window's
    maximum, and how many taps tie for each maximum (None when no window has a tie)."""
    masks = [
        source[..., rows, columns] == maxima
        for _, _, rows, columns in _offsets(kernel, stride, dilation, maxima.shape[-2:])
    ]
    if sum(map(np.count_nonzero, masks)) == maxima.size and not np.isnan(maxima).any():
        return masks, None  # one winner per window (the common case: no count needed)
    ties = masks[0].astype(np.uint16)
    for mask in masks[1:]:
        ties += mask
    # NOTE: a window whose maximum is NaN matches no tap; count it once so nothing divides by 0
    np.maximum(ties, 1, out=ties)
    return masks, (ties if ties.max() > 1 else None)


def _window_max_scatter_reference(
    x: np.ndarray, source: np.ndarray, maxima: np.ndarray, kernel_size: Any, stride: Any,
    dilation: Any,
) -> np.ndarray:  # fmt: skip
    # (..., H, W) -> (..., KH, KW, OH, OW): the windows of source, and where their maxima are
    windows = _sliding_window_reference(source, kernel_size, stride, dilation)
    winners = windows == maxima[..., None, None, :, :]
    shares = winners / winners.sum(axis=(-4, -3), keepdims=True)
    out = np.zeros(source.shape, dtype=x.dtype)
    for i, j, rows, columns in _offsets(kernel_size, stride, dilation, maxima.shape[-2:]):
        out[..., rows, columns] += x * shares[..., i, j, :, :]
    return out


@register(
    "window_max_scatter", sample="window_max_scatter", reference=_window_max_scatter_reference
)
class WindowMaxScatter(Function):
    """out = zeros like `source` with x[..., oh, ow] put on the maximum of window (oh, ow) of
    `source` (split equally among tied maxima);   dL/dx = the same shares of grad, summed
    over each window"""

    array_fields = ("params",)

    def forward(ctx, x, source, maxima, kernel_size, stride, dilation):
        kh, kw = kernel_size
        if x.shape != maxima.shape:
            raise ValueError(
                f"window_max_scatter: x has shape {x.shape} but the window maxima have shape "
                f"{maxima.shape}; expected one value per window"
            )
        ctx.params = (source, maxima, kernel_size, stride, dilation)
        # every position of `source` is a tap of at most one window when the windows do
        # not overlap (no dilation, stride >= kernel): then each tap is written, not added;
        # when they also tile `source` exactly, nothing is left to zero beforehand
        apart = all(k == 1 or (d == 1 and s >= k) for k, s, d in zip(kernel_size, stride, dilation))
        covered = (
            apart
            and stride == kernel_size
            and (maxima.shape[-2] * kh, maxima.shape[-1] * kw) == source.shape[-2:]
        )
        out = (np.empty if covered else np.zeros)(source.shape, dtype=x.dtype)
        offsets = list(_offsets(kernel_size, stride, dilation, maxima.shape[-2:]))
        grads, sources, winners, result = map(_batched, (x, source, maxima, out))

        def scatter(start: int, stop: int) -> None:
            # each window's winners and ties depend on that window alone: any batch range
            # gives the same values as the whole
            part = result[start:stop]
            masks, ties = _winners(sources[start:stop], winners[start:stop], *ctx.params[2:])
            shares = grads[start:stop]
            if ties is not None:
                shares = shares / ties.astype(x.dtype)  # NOTE: tied maxima share the value
            for (_, _, rows, columns), mask in zip(offsets, masks):
                if apart:
                    np.multiply(shares, mask, out=part[..., rows, columns])
                else:
                    part[..., rows, columns] += shares * mask

        parallel.over_leading_axis(scatter, len(result), out.nbytes)
        return out

    def backward(ctx, grad):
        source, maxima, kernel_size, stride, dilation = ctx.params
        masks, ties = _winners(source, maxima, kernel_size, stride, dilation)
        # (KH*KW, ..., OH, OW) -> (..., KH, KW, OH, OW): the shares in the window view's layout
        shares = np.moveaxis(np.stack(masks), 0, -3).astype(grad.dtype)
        shares = shares.reshape(*maxima.shape[:-2], *kernel_size, *maxima.shape[-2:])
        if ties is not None:
            shares /= ties[..., None, None, :, :]
        windows = SlidingWindow.apply(
            grad, kernel_size=kernel_size, stride=stride, dilation=dilation
        )
        return ((windows * shares).sum(axis=(-4, -3)),)


# ------------------------------------------------------------ public functions


def sliding_window(x: Tensor, kernel_size: Any, stride: Any = 1, dilation: Any = 1) -> Tensor:
    """Every KH x KW window of the last two axes, as a view: (..., H, W) -> (..., KH, KW, OH, OW).

    `stride` is the step between windows and `dilation` the step between the
    taps of one window (ints or (height, width) pairs). Windows that would run
    past the edge are left out; pad first to keep them.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ops.sliding_window(ag.arange(16.0).reshape(4, 4), 2, stride=2)[:, :, 0, 1]
    tensor([[2., 3.],
            [6., 7.]])
    """
    return SlidingWindow.apply(
        x,
        kernel_size=pair(kernel_size, "kernel_size", "sliding_window"),
        stride=pair(stride, "stride", "sliding_window"),
        dilation=pair(dilation, "dilation", "sliding_window"),
    )


def window_fold(x: Tensor, size: Any, stride: Any = 1, dilation: Any = 1) -> Tensor:
    """Add windows (..., KH, KW, OH, OW) back into a (..., H, W) array of `size` = (H, W).

    Where windows overlap, their values add up: this is the adjoint of
    `sliding_window` (and its backward), the "col2im" of convolution.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ops.window_fold(ag.ones((2, 2, 2, 2)), (3, 3))
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    return WindowFold.apply(
        x,
        size=pair(size, "size", "window_fold"),
        stride=pair(stride, "stride", "window_fold"),
        dilation=pair(dilation, "dilation", "window_fold"),
    )


def window_max(x: Tensor, kernel_size: Any, stride: Any = 1, dilation: Any = 1) -> Tensor:
    """The largest value of every KH x KW window of the last two axes: (..., H, W) -> (..., OH, OW).

    Same windows as `sliding_window` (`stride` between windows, `dilation`
    between taps), without building them: max pooling's primitive. Each
    window's gradient goes to its maximum; tied maxima share it equally.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ops.window_max(ag.arange(16.0).reshape(4, 4), 2, stride=2)
    tensor([[ 5.,  7.],
            [13., 15.]])
    """
    return WindowMax.apply(
        x,
        kernel_size=pair(kernel_size, "kernel_size", "window_max"),
        stride=pair(stride, "stride", "window_max"),
        dilation=pair(dilation, "dilation", "window_max"),
    )


def window_max_scatter(
    x: Tensor, source: Any, kernel_size: Any, stride: Any = 1, dilation: Any = 1
) -> Tensor:
    """Put each value of x (..., OH, OW) on the maximum of its window of `source` (..., H, W).

    The result has the shape of `source` and is zero elsewhere; tied maxima
    share their window's value equally, and values meeting at one position
    (overlapping windows) add up. This is the backward of `window_max`;
    `source` is a constant (no gradient flows to it).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.ops.window_max_scatter(ag.tensor([[6.0]]), ag.tensor([[1.0, 2.0], [2.0, 0.0]]), 2)
    tensor([[0., 3.],
            [3., 0.]])
    """
    source = np.asarray(source)
    kernel = pair(kernel_size, "kernel_size", "window_max_scatter")
    stride = pair(stride, "stride", "window_max_scatter")
    dilation = pair(dilation, "dilation", "window_max_scatter")
    _check_window(source.shape, kernel, stride, dilation, "window_max_scatter")
    with no_grad():
        maxima = WindowMax.apply(source, kernel_size=kernel, stride=stride, dilation=dilation)
    return WindowMaxScatter.apply(
        x, source=source, maxima=maxima._data, kernel_size=kernel, stride=stride, dilation=dilation
    )


__all__: list[str] = []  # the primitives of convolution and pooling, used by nn.functional
