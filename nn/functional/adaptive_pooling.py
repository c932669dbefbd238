"""Adaptive pooling: `adaptive_avg_pool2d`/`adaptive_max_pool2d` (and the 1-d forms), which pool
an input to a given output size whatever its own size, as PyTorch does.

Bin i of an axis of length L pooled to n bins covers [floor(i*L/n), ceil((i+1)*L/n)), so
neighbouring bins may overlap by one element and their sizes may differ by one or two.
When n divides L the bins are plain non-overlapping windows and the functions are
`avg_pool2d`/`max_pool2d`; otherwise:

- the average is linear and separable: out = A_h @ x @ A_w.T, with A the (n, L) matrix
  holding 1/size over each bin (two BLAS products, gradient from `matmul`);
- the maximum gathers every bin as a (size_max)-long row of indices, the short bins
  repeating their last index (a repeated element changes no maximum), and takes the
  `max` over the bin axes. The repeated copies tie with themselves, split the gradient
  and add it back up where `getitem`'s backward scatters it, so every element gets
  its own share.

All are compositions of registered ops (`matmul`, `getitem`, `max`) and registered here
themselves, so the gradient suite covers them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register

from .. import functional as F  # noqa: N812 (looked up at call time, so nn.onnx sees the call)
from ._convert import as_tensor


def bin_edges(size: int, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive bins along one axis: starts floor(i*size/bins), ends
    ceil((i+1)*size/bins), for i in range(bins)."""
    i = np.arange(bins)
    return (i * size) // bins, -((-(i + 1) * size) // bins)


def _output_size(output_size: Any, spatial: tuple[int, ...], op: str) -> tuple[int, ...]:
    """PyTorch's output_size forms (an int, or a tuple whose None entries keep the input's size)."""
    dims = len(spatial)
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        sizes: tuple[Any, ...] = (int(output_size),) * dims
    elif isinstance(output_size, (tuple, list)) and len(output_size) == dims:
        sizes = tuple(output_size)
    else:
        raise TypeError(
            f"{op}: output_size must be an int or a tuple of {dims} ints or None, "
            f"got {output_size!r}"
        )
    result = []
    for size, own in zip(sizes, spatial):
        if size is None:
            result.append(own)
        elif isinstance(size, (int, np.integer)) and not isinstance(size, bool) and size >= 1:
            result.append(int(size))
        else:
            raise ValueError(
                f"{op}: output_size entries must be positive ints or None, got {size!r}"
            )
    return tuple(result)


def _as_batched(x: Tensor, dims: int, op: str) -> tuple[Tensor, bool]:
    """(C, *spatial) or (N, C, *spatial) -> (N, C, *spatial), and whether a batch axis was added."""
    if x.ndim == dims + 1:
        return x.reshape(1, *x.shape), True
    if x.ndim == dims + 2:
        return x, False
    layout = ", ".join("HW"[-dims:] if dims == 2 else "L")
    raise ValueError(
        f"{op}: expected a {dims + 1}-d (C, {layout}) or {dims + 2}-d (N, C, {layout}) input, "
        f"got shape {tuple(x.shape)}"
    )


def _check_nonempty(x: Tensor, op: str) -> None:
    if min(x.shape[2:]) < 1:
        raise ValueError(f"{op}: the input's spatial sizes must be positive, got {tuple(x.shape)}")


def _averaging_matrix(size: int, bins: int, dtype: np.dtype) -> np.ndarray:
    """(bins, size): row i holds 1/len over bin i, zeros elsewhere."""
    starts, ends = bin_edges(size, bins)
    positions = np.arange(size)
    inside = (positions >= starts[:, None]) & (positions < ends[:, None])
    return (inside / (ends - starts)[:, None]).astype(dtype)


def _bin_indices(size: int, bins: int) -> np.ndarray:
    """(bins, longest bin): the indices of each bin, a short bin repeating its last one."""
    starts, ends = bin_edges(size, bins)
    longest = int((ends - starts).max())
    return np.minimum(starts[:, None] + np.arange(longest), ends[:, None] - 1)


@register("adaptive_avg_pool2d", sample="adaptive_pool2d")
def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average of each adaptive bin of a (N, C, H, W) or (C, H, W) input, `output_size` bins.

    `output_size` is an int, or a pair whose None entries keep the input's
    size. Bin i along H covers rows floor(i*H/OH) to ceil((i+1)*H/OH), as
    PyTorch's; `adaptive_avg_pool2d(x, 1)` is the global average of ResNet's head.

    Examples
    --------
    >>> import autograd_core as ag
    >>> adaptive_avg_pool2d(ag.arange(9.0).reshape(1, 1, 3, 3), 2)[0, 0]
    tensor([[2., 3.],
            [5., 6.]])
    """
    x, added = _as_batched(as_tensor(input), 2, "adaptive_avg_pool2d")
    _check_nonempty(x, "adaptive_avg_pool2d")
    height, width = x.shape[2:]
    oh, ow = _output_size(output_size, (height, width), "adaptive_avg_pool2d")
    if (oh, ow) == (1, 1):
        out = x.mean((2, 3), keepdims=True)
    elif height % oh == 0 and width % ow == 0:
        out = F.avg_pool2d(x, (height // oh, width // ow))
    else:
        rows = _averaging_matrix(height, oh, x.dtype)  # (OH, H)
        columns = _averaging_matrix(width, ow, x.dtype).T  # (W, OW)
        # (OH, H) @ (N, C, H, W) @ (W, OW) -> (N, C, OH, OW)
        out = (ag.tensor(rows) @ x) @ ag.tensor(columns)
    return out[0] if added else out


@register("adaptive_max_pool2d", sample="adaptive_pool2d", domains=("distinct",))
def adaptive_max_pool2d(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """Largest value of each adaptive bin of a (N, C, H, W) or (C, H, W) input.

    Bins as in `adaptive_avg_pool2d`. With `return_indices`, also returns the
    flat position (row * W + column) of each maximum in its input plane, the
    first one on ties, as PyTorch does. Tied maxima share the gradient equally
    (see `nn.functional.pooling`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> adaptive_max_pool2d(ag.arange(9.0).reshape(1, 1, 3, 3), 2)[0, 0]
    tensor([[4., 5.],
            [7., 8.]])
    """
    x, added = _as_batched(as_tensor(input), 2, "adaptive_max_pool2d")
    _check_nonempty(x, "adaptive_max_pool2d")
    height, width = x.shape[2:]
    oh, ow = _output_size(output_size, (height, width), "adaptive_max_pool2d")
    if height % oh == 0 and width % ow == 0:
        result = F.max_pool2d(x, (height // oh, width // ow), return_indices=return_indices)
        out, indices = result if isinstance(result, tuple) else (result, None)
    else:
        rows, columns = _bin_indices(height, oh), _bin_indices(width, ow)
        kh, kw = rows.shape[1], columns.shape[1]
        # (N, C, H, W) -> (N, C, OH, KH, OW, KW): every bin, short ones padded by repeats
        bins = x[:, :, rows[:, :, None, None], columns[None, None, :, :]]
        out = ag.ops.amax(bins, dim=(3, 5))
        indices = None
        if return_indices:
            # (N, C, OH, KH, OW, KW) -> (N, C, OH, OW, KH*KW), bins in row-major order
            flat = np.asarray(bins.detach()).transpose(0, 1, 2, 4, 3, 5)
            tap = np.argmax(flat.reshape(*flat.shape[:4], kh * kw), axis=-1)  # first maximum
            row = rows[np.arange(oh)[:, None], tap // kw]  # (N, C, OH, OW)
            column = columns[np.arange(ow), tap % kw]
            indices = ag.Tensor(row * width + column)
    if added:
        out = out[0]
        indices = None if indices is None else indices[0]
    if indices is None:  # computed above exactly when return_indices is set
        return out
    return out, indices


def _as_2d(x: Tensor, op: str) -> Tensor:
    """(N, C, L) or (C, L) -> (N, C, 1, L) or (C, 1, L)."""
    if x.ndim not in (2, 3):
        raise ValueError(
            f"{op}: expected a 2-d (C, L) or 3-d (N, C, L) input, got {tuple(x.shape)}"
        )
    return x.reshape(*x.shape[:-1], 1, x.shape[-1])


def _length(output_size: Any, op: str) -> Any:
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 1:
            raise TypeError(f"{op}: output_size must be an int or a 1-tuple, got {output_size!r}")
        (output_size,) = output_size
    return output_size


@register("adaptive_avg_pool1d", sample="adaptive_pool1d")
def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average of each adaptive bin of a (N, C, L) or (C, L) input (bins as in
    `adaptive_avg_pool2d`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> adaptive_avg_pool1d(ag.arange(4.0).reshape(1, 1, 4), 3)  # bins [0, 2), [1, 3), [2, 4)
    tensor([[[0.5, 1.5, 2.5]]])
    """
    x = _as_2d(as_tensor(input), "adaptive_avg_pool1d")
    out = F.adaptive_avg_pool2d(x, (1, _length(output_size, "adaptive_avg_pool1d")))
    return out.reshape(*out.shape[:-2], out.shape[-1])


@register("adaptive_max_pool1d", sample="adaptive_pool1d", domains=("distinct",))
def adaptive_max_pool1d(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """Largest value of each adaptive bin of a (N, C, L) or (C, L) input; with
    `return_indices`, also the position of each maximum along L.

    Examples
    --------
    >>> import autograd_core as ag
    >>> adaptive_max_pool1d(ag.tensor([[[3.0, 1.0, 4.0, 1.0, 5.0]]]), 2)
    tensor([[[4., 5.]]])
    """
    x = _as_2d(as_tensor(input), "adaptive_max_pool1d")
    length = _length(output_size, "adaptive_max_pool1d")
    out = F.adaptive_max_pool2d(x, (1, length), return_indices=return_indices)
    if return_indices:
        values, indices = out
        return values.reshape(*values.shape[:-2], length), indices.reshape(
            *indices.shape[:-2], length
        )
    return out.reshape(*out.shape[:-2], length)
