"""nn.ops: the detection operators of torchvision.ops.

`roi_pool`/`RoIPool` (Fast R-CNN) and `roi_align`/`RoIAlign` (Mask R-CNN)
with torchvision's box formats and sampling rules; `box_area`, `box_iou`,
`box_convert`, `nms`, `batched_nms`; `stochastic_depth`/`StochasticDepth`.

>>> import nn, autograd_core as ag
>>> nn.ops.box_iou(ag.tensor([[0.0, 0, 2, 2]]), ag.tensor([[0.0, 0, 2, 1]]))
tensor([[0.5]])
"""

from .boxes import batched_nms, box_area, box_convert, box_iou, nms
from .roi import RoIAlign, RoIPool, roi_align, roi_pool
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = [
    "roi_align",
    "roi_pool",
    "RoIAlign",
    "RoIPool",
    "nms",
    "batched_nms",
    "box_iou",
    "box_area",
    "box_convert",
    "stochastic_depth",
    "StochasticDepth",
]
