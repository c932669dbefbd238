"""nn.ops box utilities and stochastic depth: against references written in loops from
torchvision's definitions (IoU, greedy NMS, per-category NMS), formats, errors; stochastic
depth's masks, scaling and gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
from nn import ops


@st.composite
def box_sets(draw, max_boxes=12):
    count = draw(st.integers(0, max_boxes), label="boxes")
    rng = np.random.default_rng(draw(st.integers(0, 9999), label="seed"))
    corner = rng.uniform(0, 10, (count, 2))
    boxes = np.concatenate([corner, corner + rng.uniform(0.5, 5, (count, 2))], axis=1)
    # a few tied scores, to check the order among them
    scores = rng.choice([0.1, 0.5, 0.9], count) if draw(st.booleans()) else rng.random(count)
    return boxes, scores


def iou_reference(a, b):
    def area(box):
        return (box[2] - box[0]) * (box[3] - box[1])

    out = np.zeros((len(a), len(b)))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            w = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
            h = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
            out[i, j] = w * h / (area(p) + area(q) - w * h)
    return out


def nms_reference(boxes, scores, threshold):
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])  # stable on ties
    kept = []
    for i in order:
        if all(iou_reference(boxes[[i]], boxes[[j]])[0, 0] <= threshold for j in kept):
            kept.append(i)
    return kept


@settings(max_examples=40)
@given(case=box_sets(), other=box_sets())
def test_box_iou_and_area_match_the_definition(case, other):
    (a, _), (b, _) = case, other
    np.testing.assert_allclose(ops.box_iou(ag.tensor(a), ag.tensor(b)).data, iou_reference(a, b))
    expected_area = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    np.testing.assert_allclose(ops.box_area(ag.tensor(a)).data, expected_area)


@settings(max_examples=40)
@given(case=box_sets(), threshold=st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]))
def test_nms_matches_greedy_suppression(case, threshold):
    boxes, scores = case
    kept = ops.nms(ag.tensor(boxes), ag.tensor(scores), threshold)
    assert kept.dtype == np.int64
    assert np.asarray(kept.data).tolist() == nms_reference(boxes, scores, threshold)


@settings(max_examples=30)
@given(case=box_sets(), categories=st.integers(1, 3), seed=st.integers(0, 99))
def test_batched_nms_suppresses_within_categories_only(case, categories, seed):
    boxes, scores = case
    idxs = np.random.default_rng(seed).integers(0, categories, len(boxes))
    kept = ops.batched_nms(ag.tensor(boxes), ag.tensor(scores), ag.tensor(idxs), 0.5)
    expected = []
    for c in range(categories):
        members = np.flatnonzero(idxs == c)
        expected += [members[i] for i in nms_reference(boxes[members], scores[members], 0.5)]
    expected.sort(key=lambda i: (-scores[i], i))
    assert np.asarray(kept.data).tolist() == expected


def test_box_convert_round_trips_between_formats():
    xyxy = np.array([[1.0, 2.0, 4.0, 8.0]])
    xywh = ops.box_convert(ag.tensor(xyxy), "xyxy", "xywh")
    np.testing.assert_allclose(xywh.data, [[1.0, 2.0, 3.0, 6.0]])
    centre = ops.box_convert(xywh, "xywh", "cxcywh")
    np.testing.assert_allclose(centre.data, [[2.5, 5.0, 3.0, 6.0]])
    np.testing.assert_allclose(ops.box_convert(centre, "cxcywh", "xyxy").data, xyxy)
    with pytest.raises(ValueError, match="box_convert: formats must be one of"):
        ops.box_convert(ag.tensor(xyxy), "xyxy", "yxyx")
    with pytest.raises(ValueError, match=r"box_iou: boxes must have shape \(N, 4\)"):
        ops.box_iou(ag.zeros((2, 3)), ag.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"nms: scores must have shape \(1,\)"):
        ops.nms(ag.tensor(xyxy), ag.tensor([0.5, 0.2]), 0.5)


# ------------------------------------------------------------------ stochastic depth


def test_stochastic_depth_row_mode_drops_whole_samples_and_rescales():
    ag.manual_seed(0)
    out = np.asarray(ops.stochastic_depth(ag.ones((4000, 3, 2)), 0.25, "row").data)
    per_sample = out.reshape(4000, -1)
    assert np.all((per_sample == 0) | np.isclose(per_sample, 1 / 0.75))
    assert np.all(per_sample.min(1) == per_sample.max(1))  # all or nothing per sample
    assert abs((per_sample[:, 0] == 0).mean() - 0.25) < 0.03
    assert abs(out.mean() - 1.0) < 0.05  # the expectation is unchanged


def test_stochastic_depth_batch_mode_and_edge_cases():
    ag.manual_seed(1)
    outs = [np.asarray(ops.stochastic_depth(ag.ones((3, 2)), 0.5, "batch").data) for _ in range(40)]
    assert all(np.all(o == o.flat[0]) for o in outs)  # one draw for the whole batch
    assert {float(o.flat[0]) for o in outs} == {0.0, 2.0}
    x = ag.randn(3, 2)
    assert ops.stochastic_depth(x, 0.5, "row", training=False) is x
    assert np.all(np.asarray(ops.stochastic_depth(x, 1.0, "row").data) == 0)
    layer = ops.StochasticDepth(0.5, "row")
    assert repr(layer) == "StochasticDepth(p=0.5, mode=row)"
    assert layer.eval()(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        ops.stochastic_depth(x, 1.5, "row")
    with pytest.raises(ValueError, match="'batch' or 'row'"):
        ops.stochastic_depth(x, 0.5, "column")


def test_stochastic_depth_gradient_is_the_mask():
    x = ag.Tensor(np.random.default_rng(0).standard_normal((6, 2)), requires_grad=True)

    def seeded(t):
        ag.manual_seed(3)  # the same mask on every call of gradcheck
        return ops.stochastic_depth(t, 0.5, "row")

    assert ag.gradcheck(seeded, x)
    assert ag.gradgradcheck(lambda t: seeded(t) ** 2, x)
