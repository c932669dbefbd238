"""Resampling matrices for `resize`: bilinear (with and without antialiasing) and nearest.

Each is a (out, in) matrix per axis, so a resize is two BLAS products,
`rows @ image @ cols.T`, on the whole batch. The weights are PyTorch's
`interpolate` (align_corners=False), which torchvision's `resize` calls on
tensors:

- bilinear: source x = (i + 0.5) * in/out - 0.5, clamped at 0; the two
  neighbours weighted by distance.
- bilinear with antialias: a triangle filter stretched by in/out when
  shrinking (support in/out pixels each side of the centre (i + 0.5) in/out),
  weights normalised to sum to 1 (PIL's scheme); when enlarging, bilinear.
- nearest: source floor(i * in/out) (float32 arithmetic, as PyTorch), and
  nearest-exact: floor((i + 0.5) * in/out).
"""

from __future__ import annotations

import numpy as np


def bilinear_matrix(n_in: int, n_out: int, antialias: bool) -> np.ndarray:
    """The (n_out, n_in) weights of bilinear resampling along one axis."""
    scale = n_in / n_out
    if antialias and scale > 1.0:
        return _antialiased(n_in, n_out, scale)
    src = np.maximum((np.arange(n_out) + 0.5) * scale - 0.5, 0.0)
    low = np.minimum(src.astype(np.int64), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    frac = src - low
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    weights[rows, low] = 1.0 - frac
    weights[rows, high] += frac  # at the last pixel low == high: the weights add to 1
    return weights


def _antialiased(n_in: int, n_out: int, scale: float) -> np.ndarray:
    centre = (np.arange(n_out) + 0.5) * scale
    # Truncation toward zero, as the C++ casts do, then clipping to the image.
    first = np.maximum(np.trunc(centre - scale + 0.5), 0).astype(np.int64)
    stop = np.minimum(np.trunc(centre + scale + 0.5), n_in).astype(np.int64)
    j = np.arange(n_in)
    inside = (j >= first[:, None]) & (j < stop[:, None])
    distance = (j[None, :] - centre[:, None] + 0.5) / scale
    weights = np.where(inside, np.maximum(0.0, 1.0 - np.abs(distance)), 0.0)
    return weights / weights.sum(1, keepdims=True)


def nearest_indices(n_in: int, n_out: int, exact: bool) -> np.ndarray:
    """The source index of each output position along one axis."""
    scale = np.float32(n_in) / np.float32(n_out)
    if exact:
        src = np.floor((np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale)
    else:
        src = np.floor(np.arange(n_out, dtype=np.float32) * scale)
    return np.minimum(src.astype(np.int64), n_in - 1)
