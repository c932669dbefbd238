"""Hypothesis sample strategies for the ops that `nn` registers (see `autograd_core.op_samples`).

`nn.functional` registers its differentiable functions in the engine's
registry with `@register(..., sample=NAME)`; importing this module defines
those NAMEs, so that the registry's gradient suite
(tests/autograd_core/test_ops.py) draws calls of them as it does of the
engine's primitives. Like `autograd_core.testing` it imports hypothesis,
which `nn` itself does not need.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import nn
import nn.functional.op_samples  # noqa: F401  (the strategies of the layers' functions)
from autograd_core.function import OpSpec
from autograd_core.op_samples import Sample, sample_strategy
from autograd_core.testing import Draw, distinct_arrays, domain_array


def _adaptive_input(draw: Draw, spec: OpSpec, spatial: tuple[int, ...]) -> np.ndarray:
    lead: tuple[int, ...] = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 2), label="C"))
    if draw(st.booleans(), label="unbatched"):
        lead = lead[1:]
    shape = (*lead, *spatial)
    if spec.domains == ("distinct",):
        return distinct_arrays(draw, [shape], "x")[0]
    return domain_array(draw, shape, "real", "x")


@sample_strategy("adaptive_pool2d")
def _adaptive_pool2d(draw: Draw, spec: OpSpec) -> Sample:
    size = (draw(st.integers(1, 7), label="H"), draw(st.integers(1, 7), label="W"))
    output = tuple(draw(st.none() | st.integers(1, n + 2), label="output size") for n in size)
    x = _adaptive_input(draw, spec, size)
    if draw(st.booleans(), label="int output_size") and output[0] is not None:
        return Sample((x, output[0]))
    return Sample((x, output))


@sample_strategy("adaptive_pool1d")
def _adaptive_pool1d(draw: Draw, spec: OpSpec) -> Sample:
    length = draw(st.integers(1, 9), label="L")
    x = _adaptive_input(draw, spec, (length,))
    return Sample((x, draw(st.integers(1, length + 2), label="output size")))


@sample_strategy("local_response_norm")
def _local_response_norm(draw: Draw, spec: OpSpec) -> Sample:
    channels = draw(st.integers(1, 5), label="C")
    rest = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2), label="spatial")
    x = domain_array(draw, (draw(st.integers(1, 2), label="N"), channels, *rest), "real", "x")
    kwargs = {
        "size": draw(st.integers(1, 6), label="size"),
        "alpha": draw(st.sampled_from([1e-4, 0.5, 2.0]), label="alpha"),
        "beta": draw(st.sampled_from([0.75, 0.5, 1.5]), label="beta"),
        "k": draw(st.sampled_from([1.0, 2.0]), label="k"),
    }
    return Sample((x,), kwargs)


@sample_strategy("multi_margin_loss")
def _multi_margin_loss(draw: Draw, spec: OpSpec) -> Sample:
    classes = draw(st.integers(1, 4), label="C")
    batched = draw(st.booleans(), label="batched")
    n = draw(st.integers(1, 3), label="N")
    shape = (n, classes) if batched else (classes,)
    target = np.asarray(
        draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n), label="target")
    )
    target = target if batched else target[0]
    margin = draw(st.sampled_from([1.0, 0.5, 0.0]), label="margin")
    scores = domain_array(draw, shape, "real", "x")
    # NOTE: away from the hinge's kink: margin - x[y] + x[i] at least 0.05 from 0
    # (the target's own term is masked out, so only the other classes move)
    rows = scores.reshape(-1, classes)
    own = target.reshape(-1, 1) == np.arange(classes)
    gap = margin - rows[own][:, None] + rows
    scores = np.where((np.abs(gap) < 0.05) & ~own, rows + 0.1, rows).reshape(shape)
    kwargs = {
        "p": draw(st.sampled_from([1, 2]), label="p"),
        "margin": margin,
        "reduction": draw(st.sampled_from(["mean", "sum", "none"]), label="reduction"),
    }
    if draw(st.booleans(), label="weighted"):
        kwargs["weight"] = domain_array(draw, (classes,), "positive", "weight")
    return Sample((scores, target), kwargs)


def _roi_boxes(draw: Draw, n: int, height: int, width: int, scale: float) -> np.ndarray:
    """(K, 5) boxes [batch_index, x1, y1, x2, y2] in input coordinates, some reaching past the
    map (the interpolation's boundary rules) and some thinner than a pixel."""
    count = draw(st.integers(1, 3), label="boxes")
    rows = []
    for _ in range(count):
        x1 = draw(st.floats(-1.5, width / scale), label="x1")
        y1 = draw(st.floats(-1.5, height / scale), label="y1")
        w = draw(st.floats(0.0, width / scale + 1), label="box width")
        h = draw(st.floats(0.0, height / scale + 1), label="box height")
        rows.append([draw(st.integers(0, n - 1), label="image"), x1, y1, x1 + w, y1 + h])
    return np.asarray(rows, dtype=np.float64)


def _roi_call(draw: Draw, spec: OpSpec) -> tuple[np.ndarray, dict[str, object]]:
    n = draw(st.integers(1, 2), label="N")
    height, width = draw(st.integers(1, 5), label="H"), draw(st.integers(1, 5), label="W")
    shape = (n, draw(st.integers(1, 2), label="C"), height, width)
    x = (
        distinct_arrays(draw, [shape], "x")[0]
        if spec.domains == ("distinct",)
        else domain_array(draw, shape, "real", "x")
    )
    scale = draw(st.sampled_from([1.0, 0.5]), label="spatial_scale")
    kwargs: dict[str, object] = {
        "boxes": _roi_boxes(draw, n, height, width, scale),
        "output_size": (draw(st.integers(1, 3), label="PH"), draw(st.integers(1, 3), label="PW")),
        "spatial_scale": scale,
    }
    return x, kwargs


@sample_strategy("roi_align")
def _roi_align(draw: Draw, spec: OpSpec) -> Sample:
    x, kwargs = _roi_call(draw, spec)
    kwargs["sampling_ratio"] = draw(st.sampled_from([-1, 0, 1, 2]), label="sampling_ratio")
    kwargs["aligned"] = draw(st.booleans(), label="aligned")
    return Sample((x,), kwargs)


@sample_strategy("roi_pool")
def _roi_pool(draw: Draw, spec: OpSpec) -> Sample:
    x, kwargs = _roi_call(draw, spec)
    return Sample((x,), kwargs)


def boxes_xyxy(draw: Draw, count: int, label: str = "boxes") -> np.ndarray:
    """(count, 4) boxes [x1, y1, x2, y2] with sides in [0.5, 3]."""
    corner = domain_array(draw, (count, 2), "real", f"{label} corner")
    sides = domain_array(draw, (count, 2), "positive", f"{label} sides") * 1.5
    return np.concatenate([corner, corner + sides], axis=1)


@sample_strategy("boxes")
def _boxes_sample(draw: Draw, spec: OpSpec) -> Sample:
    return Sample((boxes_xyxy(draw, draw(st.integers(0, 3), label="N")),))


@sample_strategy("box_pairs")
def _box_pairs(draw: Draw, spec: OpSpec) -> Sample:
    # NOTE: coordinates on a grid of 0.25 shifted by distinct offsets: no two edges meet, so
    # the intersection's max, min and clamp at 0 are never at their kinks
    n, m = draw(st.integers(1, 3), label="N"), draw(st.integers(1, 3), label="M")
    pieces = distinct_arrays(draw, [(n, 4), (m, 4)], "coordinates", gap=0.37)
    boxes = []
    for piece in pieces:
        low, high = np.minimum(piece[:, :2], piece[:, 2:]), np.maximum(piece[:, :2], piece[:, 2:])
        boxes.append(np.concatenate([low, high], axis=1))
    return Sample(tuple(boxes))


@sample_strategy("box_convert")
def _box_convert(draw: Draw, spec: OpSpec) -> Sample:
    formats = ["xyxy", "xywh", "cxcywh"]
    boxes = boxes_xyxy(draw, draw(st.integers(1, 3), label="N"))
    in_fmt = draw(st.sampled_from(formats), label="in_fmt")
    return Sample((boxes, in_fmt, draw(st.sampled_from(formats), label="out_fmt")))
