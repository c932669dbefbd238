"""Box utilities after torchvision.ops: `box_area`, `box_iou`, `box_convert`, `nms`,
`batched_nms`.

Boxes are (N, 4) arrays of [x1, y1, x2, y2] (0 <= x1 < x2, 0 <= y1 < y2) unless a format
says otherwise. `box_area`, `box_iou` and `box_convert` are compositions of
engine ops (differentiable, as torchvision's); `nms` and `batched_nms` return
integer indices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.function import register

_FORMATS = ("xyxy", "xywh", "cxcywh")


def _boxes(boxes: Any, op: str) -> Tensor:
    t = boxes if isinstance(boxes, Tensor) else ag.tensor(boxes)
    if t.ndim != 2 or t.shape[1] != 4:
        raise ValueError(f"{op}: boxes must have shape (N, 4), got {tuple(t.shape)}")
    return t


@register("box_area", sample="boxes")
def box_area(boxes: Tensor) -> Tensor:
    """(x2 - x1) * (y2 - y1) of each of (N, 4) boxes: (N,).

    Examples
    --------
    >>> import autograd_core as ag
    >>> box_area(ag.tensor([[0.0, 0.0, 2.0, 3.0]]))
    tensor([6.])
    """
    b = _boxes(boxes, "box_area")
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


@register("box_iou", sample="box_pairs")
def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Intersection over union of every pair of (N, 4) and (M, 4) boxes: (N, M).

    Examples
    --------
    >>> import autograd_core as ag
    >>> box_iou(ag.tensor([[0.0, 0.0, 2.0, 2.0]]), ag.tensor([[1.0, 0.0, 3.0, 2.0]]))
    tensor([[0.33333334]])
    """
    a, b = _boxes(boxes1, "box_iou"), _boxes(boxes2, "box_iou")
    # (N, 1, 2) against (1, M, 2) -> (N, M, 2): the intersection's corners
    top_left = ag.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = ag.minimum(a[:, None, 2:], b[None, :, 2:])
    sides = ag.clip(bottom_right - top_left, 0.0, None)
    inter = sides[:, :, 0] * sides[:, :, 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return inter / union


@register("box_convert", sample="box_convert")
def box_convert(boxes: Tensor, in_fmt: str, out_fmt: str) -> Tensor:
    """Boxes from one of torchvision's formats to another: "xyxy" (corners), "xywh" (top-left
    corner, width, height), "cxcywh" (centre, width, height).

    Examples
    --------
    >>> import autograd_core as ag
    >>> box_convert(ag.tensor([[1.0, 1.0, 2.0, 4.0]]), "cxcywh", "xyxy")
    tensor([[ 0., -1.,  2.,  3.]])
    """
    for fmt in (in_fmt, out_fmt):
        if fmt not in _FORMATS:
            raise ValueError(f"box_convert: formats must be one of {_FORMATS}, got {fmt!r}")
    b = _boxes(boxes, "box_convert")
    if in_fmt == out_fmt:
        return b
    if in_fmt == "xywh":
        corners = [b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]]
    elif in_fmt == "cxcywh":
        half_w, half_h = b[:, 2] / 2, b[:, 3] / 2
        corners = [b[:, 0] - half_w, b[:, 1] - half_h, b[:, 0] + half_w, b[:, 1] + half_h]
    else:
        corners = [b[:, 0], b[:, 1], b[:, 2], b[:, 3]]
    x1, y1, x2, y2 = corners
    if out_fmt == "xywh":
        out = [x1, y1, x2 - x1, y2 - y1]
    elif out_fmt == "cxcywh":
        out = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]
    else:
        out = corners
    return ag.stack(out, axis=1)


def nms(boxes: Any, scores: Any, iou_threshold: float) -> Tensor:
    """Greedy non-maximum suppression: the indices of the boxes kept, by decreasing score.

    The highest-scoring box is kept and every box overlapping it with IoU >
    `iou_threshold` dropped, then the same with the next box left. One IoU
    matrix is computed up front; the loop runs once per kept box.

    Examples
    --------
    >>> import autograd_core as ag
    >>> boxes = ag.tensor([[0.0, 0, 2, 2], [0.1, 0, 2, 2], [3.0, 3, 4, 4]])
    >>> nms(boxes, ag.tensor([0.9, 0.8, 0.7]), 0.5)
    tensor([0, 2])
    """
    b = np.asarray(_boxes(boxes, "nms").detach(), dtype=np.float64)
    s = np.asarray(scores.detach() if isinstance(scores, Tensor) else scores)
    if s.shape != (len(b),):
        raise ValueError(f"nms: scores must have shape ({len(b)},), got {s.shape}")
    order = np.argsort(-s, kind="stable")
    b = b[order]
    with ag.no_grad():
        iou = np.asarray(box_iou(ag.tensor(b), ag.tensor(b)).detach())
    alive = np.ones(len(b), dtype=bool)
    kept = []
    for i in range(len(b)):
        if not alive[i]:
            continue
        kept.append(i)
        alive &= ~(iou[i] > iou_threshold)
    return ag.Tensor(order[np.asarray(kept, dtype=np.int64)])


def batched_nms(boxes: Any, scores: Any, idxs: Any, iou_threshold: float) -> Tensor:
    """`nms` within each category `idxs` separately (boxes of different categories never
    suppress each other): indices of the kept boxes by decreasing score.

    Examples
    --------
    >>> import autograd_core as ag
    >>> boxes = ag.tensor([[0.0, 0, 2, 2], [0.1, 0, 2, 2]])
    >>> batched_nms(boxes, ag.tensor([0.9, 0.8]), ag.tensor([0, 1]), 0.5)
    tensor([0, 1])
    """
    b = np.asarray(_boxes(boxes, "batched_nms").detach(), dtype=np.float64)
    groups = np.asarray(idxs.detach() if isinstance(idxs, Tensor) else idxs)
    if groups.shape != (len(b),):
        raise ValueError(f"batched_nms: idxs must have shape ({len(b)},), got {groups.shape}")
    if not len(b):
        return ag.Tensor(np.zeros(0, dtype=np.int64))
    # NOTE: shift each category's boxes apart by more than the whole extent: then no two
    # boxes of different categories overlap, and one nms call does every category
    shift = (groups * (b.max() - b.min() + 1))[:, None]
    return nms(ag.tensor(b + shift), scores, iou_threshold)
