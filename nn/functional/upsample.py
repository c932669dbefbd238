"""`interpolate`: nearest-neighbour resizing of (N, C, *spatial) tensors, as PyTorch's
`interpolate(mode="nearest")`.

Output position i along an axis of length `size` reads input position
floor(i * scale) with scale = in / out (or 1 / scale_factor when a scale
factor is given), computed in float32 as PyTorch does, so the two pick the
same pixels. An integer up-scaling repeats every pixel k times: a reshape
and a broadcast, whose gradient sums the k copies back. Any other size
gathers rows with an integer index (the gradient adds back through
`accumulate_at`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register


def _per_axis(value: Any, count: int, name: str) -> tuple[Any, ...]:
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(values) != count:
        raise ValueError(
            f"interpolate: {name} needs one entry per spatial axis ({count}), got {value!r}"
        )
    return values


def _source_index(size_in: int, size_out: int, scale_factor: float | None) -> np.ndarray:
    """Which input position each output position copies (PyTorch's float32 arithmetic)."""
    scale = (
        np.float32(1.0 / scale_factor)
        if scale_factor is not None
        else np.float32(size_in) / np.float32(size_out)
    )
    index = np.floor(np.arange(size_out, dtype=np.float32) * scale).astype(np.int64)
    return np.minimum(index, size_in - 1)


@register("interpolate", sample="nn_interpolate")
def interpolate(
    input: Tensor,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
) -> Tensor:
    """Resize the spatial axes of an (N, C, *spatial) tensor (1 to 3 spatial axes) by copying
    the nearest input pixel.

    Give exactly one of `size` (an int or one per spatial axis) and
    `scale_factor` (a number or one per axis; the output is floor(in * factor)).

    Examples
    --------
    >>> import autograd_core as ag
    >>> interpolate(ag.tensor([[[[1.0, 2.0]]]]), scale_factor=2)[0, 0]
    tensor([[1., 1., 2., 2.],
            [1., 1., 2., 2.]])
    """
    x = input if isinstance(input, Tensor) else ag.tensor(input)
    if mode != "nearest":
        raise ValueError(f"interpolate: only mode='nearest' is implemented, got mode={mode!r}")
    if not 3 <= x.ndim <= 5:
        raise ValueError(
            f"interpolate: expected an input (N, C, *spatial) with 1 to 3 spatial axes, "
            f"got shape {tuple(x.shape)}"
        )
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    spatial = x.shape[2:]
    if size is not None:
        sizes = tuple(int(s) for s in _per_axis(size, len(spatial), "size"))
        factors: tuple[Any, ...] = (None,) * len(spatial)
    else:
        factors = tuple(float(f) for f in _per_axis(scale_factor, len(spatial), "scale_factor"))
        if not all(math.isfinite(f) and f > 0 for f in factors):
            raise ValueError(
                f"interpolate: scale_factor must be finite and positive, got {scale_factor!r}"
            )
        sizes = tuple(math.floor(n * f) for n, f in zip(spatial, factors))
    if min(sizes) < 1:
        raise ValueError(
            f"interpolate: the output size {sizes} of an input of shape {tuple(x.shape)} "
            "must be at least 1 along every axis"
        )

    out = x
    for axis, (size_in, size_out, factor) in enumerate(zip(spatial, sizes, factors), start=2):
        if size_in == size_out:
            continue
        index = _source_index(size_in, size_out, factor)
        repeat = size_out // size_in
        if size_out % size_in == 0 and np.array_equal(index, np.arange(size_out) // repeat):
            # each pixel k times: (..., n, ...) -> (..., n, 1, ...) -> (..., n, k, ...)
            # -> (..., n*k, ...)
            shape = out.shape
            grown = out.reshape(*shape[: axis + 1], 1, *shape[axis + 1 :])
            grown = grown.broadcast_to((*shape[: axis + 1], repeat, *shape[axis + 1 :]))
            out = grown.reshape(*shape[:axis], size_out, *shape[axis + 1 :])
        else:
            out = out[(slice(None),) * axis + (index,)]
    return out
