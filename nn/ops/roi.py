"""RoI pooling and RoI Align after torchvision.ops: `roi_pool`, `roi_align`, `RoIPool`, `RoIAlign`.

Boxes come in torchvision's two formats: a (K, 5) array of [batch_index, x1,
y1, x2, y2], or a list with one (L, 4) array of [x1, y1, x2, y2] per image.
Box coordinates are in input pixels times `spatial_scale`; the boxes are
constants (no gradient flows to them, as in torchvision).

`roi_align` follows torchvision's sampling rules. Box k is shifted by -0.5
when `aligned` and, when not, widened to at least 1 x 1; each of its
PH x PW bins is sampled on a grid of `sampling_ratio` (or, when that is
<= 0, ceil(box height / PH) by ceil(box width / PW)) evenly placed points,
each bilinearly interpolated (a point beyond one pixel outside the map
counts as 0, one less than a pixel outside reads the border), and the
samples are averaged. The interpolation weights of a point are a product of
a row weight and a column weight, and so are the masks and counts, so the
output of box k is one matrix product per side: A_y(k) @ x[b_k] @ A_x(k).T,
with A_y (PH, H) and A_x (PW, W) built from the box alone (a gradient
through `getitem` and `matmul`, in memory K x C x H x W for the gathered maps).

`roi_pool` rounds the scaled box to whole pixels (half away from zero),
splits it into PH x PW bins with floor/ceil edges, clipped to the map, and
takes the maximum of each bin (0 for an empty bin), gathering every bin as a
(longest bin) block of indices whose short bins repeat their last index, as
`nn.functional.adaptive_max_pool2d` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register
from autograd_core.ops.window import pair

from ..layers._checks import check_tensor
from ..module import Module


def _array(value: Any) -> np.ndarray:
    return np.asarray(value.detach() if isinstance(value, Tensor) else value)


def convert_boxes_to_roi_format(boxes: Any, op: str = "roi_align") -> np.ndarray:
    """torchvision's box formats as one (K, 5) float array of [batch_index, x1, y1, x2, y2].

    Examples
    --------
    >>> convert_boxes_to_roi_format([np.array([[0.0, 0, 2, 2]]), np.array([[1.0, 1, 3, 3]])])
    array([[0., 0., 0., 2., 2.],
           [1., 1., 1., 3., 3.]])
    """
    if isinstance(boxes, (list, tuple)):
        arrays = [_array(b) for b in boxes]
        for i, b in enumerate(arrays):
            if b.ndim != 2 or b.shape[1] != 4:
                raise ValueError(
                    f"{op}: boxes given as a list must hold (L, 4) arrays, one per image; "
                    f"entry {i} has shape {b.shape}"
                )
        index = [np.full((len(b), 1), i, dtype=np.float64) for i, b in enumerate(arrays)]
        if not arrays:
            return np.zeros((0, 5))
        return np.concatenate([np.concatenate(index), np.concatenate(arrays)], axis=1)
    rois = _array(boxes)
    if rois.ndim != 2 or rois.shape[1] != 5:
        raise ValueError(
            f"{op}: boxes must be a (K, 5) tensor of [batch_index, x1, y1, x2, y2] or a list of "
            f"(L, 4) tensors, got shape {rois.shape}"
        )
    return rois.astype(np.float64)


def _rois(input: Tensor, boxes: Any, op: str) -> tuple[np.ndarray, np.ndarray]:
    """Checked (K,) batch indices and (K, 4) box corners."""
    if input.ndim != 4:
        raise ValueError(f"{op}: expected a 4-d (N, C, H, W) input, got shape {tuple(input.shape)}")
    rois = convert_boxes_to_roi_format(boxes, op)
    batch = rois[:, 0].astype(np.int64)
    if len(batch) and (batch.min() < 0 or batch.max() >= input.shape[0]):
        raise ValueError(
            f"{op}: box batch indices must lie in [0, {input.shape[0] - 1}] for an input of "
            f"shape {tuple(input.shape)}, got {sorted(set(batch.tolist()))}"
        )
    return batch, rois[:, 1:]


def _sampling_matrix(
    start: np.ndarray, length: np.ndarray, bins: int, grid: np.ndarray, size: int
) -> np.ndarray:
    """(K, bins, size): the average over bin p's `grid` sample points of their bilinear weights
    on the `size` pixels of one axis, for boxes starting at `start` with `length`."""
    longest = int(grid.max()) if grid.size else 1
    step = length / bins  # (K,)
    i = np.arange(longest)
    # (K, bins, longest) sample coordinates; samples past a box's own grid are masked out
    coordinate = (
        start[:, None, None]
        + np.arange(bins)[None, :, None] * step[:, None, None]
        + (i[None, None, :] + 0.5) * (step / grid)[:, None, None]
    )
    used = i[None, None, :] < grid[:, None, None]
    inside = (coordinate >= -1.0) & (coordinate <= size)  # beyond that a point reads 0
    c = np.maximum(coordinate, 0.0)
    low = np.floor(c).astype(np.int64)
    at_edge = low >= size - 1
    low = np.where(at_edge, size - 1, low)
    high = np.where(at_edge, size - 1, low + 1)
    c = np.where(at_edge, low, c)
    frac = c - low
    keep = used & inside
    # (K, bins, longest, size): each point's two interpolation weights (added when low == high)
    pixels = np.arange(size)
    weight = (low[..., None] == pixels) * ((1 - frac) * keep)[..., None]
    weight = weight + (high[..., None] == pixels) * (frac * keep)[..., None]
    return weight.sum(2) / grid[:, None, None]


@register("roi_align", sample="roi_align")
def roi_align(
    input: Tensor,
    boxes: Any,
    output_size: Any,
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
) -> Tensor:
    """RoI Align (Mask R-CNN): a (K, C, PH, PW) bilinear sampling of each box of an
    (N, C, H, W) input, with torchvision's rules (see the module docstring).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
    >>> roi_align(x, ag.tensor([[0.0, 0.0, 0.0, 2.0, 2.0]]), 1, aligned=True)
    tensor([[[[2.5]]]])
    """
    x = input if isinstance(input, Tensor) else ag.tensor(input)
    batch, corners = _rois(x, boxes, "roi_align")
    ph, pw = pair(output_size, "output_size", "roi_align")
    if min(ph, pw) < 1:
        raise ValueError(f"roi_align: output_size must be positive, got {output_size!r}")
    height, width = x.shape[2:]
    offset = 0.5 if aligned else 0.0
    x1, y1, x2, y2 = (corners * spatial_scale - offset).T
    box_h, box_w = y2 - y1, x2 - x1
    if not aligned:  # torchvision's legacy rule: boxes at least 1 x 1
        box_h, box_w = np.maximum(box_h, 1.0), np.maximum(box_w, 1.0)
    if sampling_ratio > 0:
        grid_h = grid_w = np.full(len(batch), sampling_ratio)
    else:
        grid_h, grid_w = np.ceil(box_h / ph), np.ceil(box_w / pw)
    grid_h, grid_w = np.maximum(grid_h, 1).astype(np.int64), np.maximum(grid_w, 1).astype(np.int64)
    # NOTE: a box of height 0 (aligned) samples nothing in torchvision (count 0 -> output 0)
    rows = _sampling_matrix(y1, box_h, ph, grid_h, height)
    rows *= (np.ceil(box_h / ph) > 0)[:, None, None] if sampling_ratio <= 0 else 1.0
    columns = _sampling_matrix(x1, box_w, pw, grid_w, width)
    columns *= (np.ceil(box_w / pw) > 0)[:, None, None] if sampling_ratio <= 0 else 1.0
    dtype = x.dtype
    # (K, 1, PH, H) @ (K, C, H, W) @ (K, 1, W, PW) -> (K, C, PH, PW)
    maps = x[batch]
    return (ag.tensor(rows[:, None].astype(dtype)) @ maps) @ ag.tensor(
        columns[:, None].transpose(0, 1, 3, 2).astype(dtype)
    )


def _round_half_away(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _pool_bins(start: np.ndarray, end: np.ndarray, bins: int, size: int) -> Any:
    """Per box and bin: the first index and the (clipped) end of each bin along one axis."""
    length = np.maximum(end - start + 1, 1)
    bin_size = length / bins  # (K,)
    p = np.arange(bins)
    low = np.floor(p[None, :] * bin_size[:, None]).astype(np.int64) + start[:, None]
    high = np.ceil((p[None, :] + 1) * bin_size[:, None]).astype(np.int64) + start[:, None]
    return np.clip(low, 0, size), np.clip(high, 0, size)


@register("roi_pool", sample="roi_pool", domains=("distinct",))
def roi_pool(input: Tensor, boxes: Any, output_size: Any, spatial_scale: float = 1.0) -> Tensor:
    """RoI pooling (Fast R-CNN): the maximum of each of PH x PW bins of each box of an
    (N, C, H, W) input, with torchvision's rounding (see the module docstring): (K, C, PH, PW).

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
    >>> roi_pool(x, [ag.tensor([[0.0, 0.0, 3.0, 3.0]])], 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    x = input if isinstance(input, Tensor) else ag.tensor(input)
    batch, corners = _rois(x, boxes, "roi_pool")
    ph, pw = pair(output_size, "output_size", "roi_pool")
    if min(ph, pw) < 1:
        raise ValueError(f"roi_pool: output_size must be positive, got {output_size!r}")
    height, width = x.shape[2:]
    x1, y1, x2, y2 = _round_half_away(corners * spatial_scale).astype(np.int64).T
    row_low, row_high = _pool_bins(y1, y2, ph, height)  # (K, PH)
    column_low, column_high = _pool_bins(x1, x2, pw, width)  # (K, PW)
    kh = max(int((row_high - row_low).max(initial=1)), 1)
    kw = max(int((column_high - column_low).max(initial=1)), 1)
    # (K, PH, KH) and (K, PW, KW) indices; short bins repeat their last index
    rows = np.minimum(row_low[..., None] + np.arange(kh), row_high[..., None] - 1)
    columns = np.minimum(column_low[..., None] + np.arange(kw), column_high[..., None] - 1)
    rows, columns = np.clip(rows, 0, height - 1), np.clip(columns, 0, width - 1)
    # (N, C, H, W) -> (K, PH, KH, PW, KW, C): every bin of every box (numpy puts the axes of
    # indices split by a slice first)
    bins = x[
        batch[:, None, None, None, None],
        :,
        rows[:, :, :, None, None],
        columns[:, None, None, :, :],
    ]
    out = ag.ops.amax(bins, dim=(2, 4))  # (K, PH, PW, C)
    empty = (row_high <= row_low)[:, :, None] | (column_high <= column_low)[:, None, :]
    if empty.any():
        out = ag.where(empty[..., None], 0.0, out)
    return ag.ops.permute(out, (0, 3, 1, 2))  # (K, PH, PW, C) -> (K, C, PH, PW)


class RoIAlign(Module):
    """`roi_align` with its arguments held (see `nn.ops.roi_align`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> layer = RoIAlign((2, 2), spatial_scale=0.5, sampling_ratio=2)
    >>> layer(ag.ones((1, 3, 8, 8)), [ag.tensor([[0.0, 0.0, 8.0, 8.0]])]).shape
    (1, 3, 2, 2)
    """

    def __init__(
        self, output_size: Any, spatial_scale: float, sampling_ratio: int, aligned: bool = False
    ) -> None:
        super().__init__()
        self.output_size, self.spatial_scale = output_size, spatial_scale
        self.sampling_ratio, self.aligned = sampling_ratio, aligned

    def forward(self, input: Tensor, rois: Any) -> Tensor:
        check_tensor(self, input)
        return roi_align(
            input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(output_size={self.output_size}, spatial_scale="
            f"{self.spatial_scale}, sampling_ratio={self.sampling_ratio}, aligned={self.aligned})"
        )


class RoIPool(Module):
    """`roi_pool` with its arguments held (see `nn.ops.roi_pool`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> RoIPool(2, spatial_scale=1.0)(ag.ones((1, 3, 8, 8)), ag.tensor([[0.0, 1, 1, 6, 6]])).shape
    (1, 3, 2, 2)
    """

    def __init__(self, output_size: Any, spatial_scale: float) -> None:
        super().__init__()
        self.output_size, self.spatial_scale = output_size, spatial_scale

    def forward(self, input: Tensor, rois: Any) -> Tensor:
        check_tensor(self, input)
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(output_size={self.output_size}, "
            f"spatial_scale={self.spatial_scale})"
        )
