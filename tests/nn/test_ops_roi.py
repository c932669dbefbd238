"""nn.ops: roi_align and roi_pool against slow references written in loops from torchvision's
definitions (values and gradients, float64, boxes drawn by hypothesis), the box formats,
the modules and errors. (Central differences come from the registry's suite.)"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
from nn import ops

# ------------------------------------------------------------------ references


def bilinear_weights(y, x, height, width):
    """[(row, column, weight)] of one sample point, by torchvision's boundary rules."""
    if y < -1.0 or y > height or x < -1.0 or x > width:
        return []  # more than a pixel outside: the point reads 0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= height - 1:
        y_high = y_low = height - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_high = x_low = width - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx
    return [
        (y_low, x_low, hy * hx),
        (y_low, x_high, hy * lx),
        (y_high, x_low, ly * hx),
        (y_high, x_high, ly * lx),
    ]


def roi_align_jacobian(shape, rois, output_size, spatial_scale, sampling_ratio, aligned):
    """J[k, ph, pw, n, h, w] with out[k, c, ph, pw] = sum J[k, ph, pw, n, h, w] x[n, c, h, w]."""
    n_images, _, height, width = shape
    pooled_h, pooled_w = output_size
    jacobian = np.zeros((len(rois), pooled_h, pooled_w, n_images, height, width))
    offset = 0.5 if aligned else 0.0
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        start_w, start_h = x1 * spatial_scale - offset, y1 * spatial_scale - offset
        roi_w = x2 * spatial_scale - offset - start_w
        roi_h = y2 * spatial_scale - offset - start_h
        if not aligned:
            roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
        bin_h, bin_w = roi_h / pooled_h, roi_w / pooled_w
        grid_h = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_h / pooled_h)
        grid_w = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_w / pooled_w)
        count = max(grid_h * grid_w, 1)
        for ph in range(pooled_h):
            for pw in range(pooled_w):
                for iy in range(grid_h):
                    y = start_h + ph * bin_h + (iy + 0.5) * bin_h / grid_h
                    for ix in range(grid_w):
                        x = start_w + pw * bin_w + (ix + 0.5) * bin_w / grid_w
                        for row, column, weight in bilinear_weights(y, x, height, width):
                            jacobian[k, ph, pw, int(b), row, column] += weight / count
    return jacobian


def roi_pool_reference(x, rois, output_size, spatial_scale):
    """Values and argmax positions (n, h, w) per (k, c, ph, pw), or None for empty bins."""
    _, channels, height, width = x.shape
    pooled_h, pooled_w = output_size
    out = np.zeros((len(rois), channels, pooled_h, pooled_w))
    where = {}

    def round_half_away(v):
        return int(math.copysign(math.floor(abs(v) + 0.5), v))

    for k, (b, *corners) in enumerate(rois):
        x1, y1, x2, y2 = (round_half_away(v * spatial_scale) for v in corners)
        roi_w, roi_h = max(x2 - x1 + 1, 1), max(y2 - y1 + 1, 1)
        bin_h, bin_w = roi_h / pooled_h, roi_w / pooled_w
        for ph in range(pooled_h):
            for pw in range(pooled_w):
                h0 = min(max(math.floor(ph * bin_h) + y1, 0), height)
                h1 = min(max(math.ceil((ph + 1) * bin_h) + y1, 0), height)
                w0 = min(max(math.floor(pw * bin_w) + x1, 0), width)
                w1 = min(max(math.ceil((pw + 1) * bin_w) + x1, 0), width)
                for c in range(channels):
                    best, best_at = (0.0, None) if h1 <= h0 or w1 <= w0 else (-np.inf, None)
                    for h in range(h0, h1):
                        for w in range(w0, w1):
                            if x[int(b), c, h, w] > best:
                                best, best_at = x[int(b), c, h, w], (int(b), h, w)
                    out[k, c, ph, pw] = best
                    where[k, c, ph, pw] = best_at
    return out, where


# ------------------------------------------------------------------ strategies


@st.composite
def roi_cases(draw, distinct=False):
    n = draw(st.integers(1, 2), label="N")
    shape = (
        n,
        draw(st.integers(1, 2), label="C"),
        draw(st.integers(1, 7)),
        draw(st.integers(1, 7)),
    )
    if distinct:
        order = draw(st.permutations(range(math.prod(shape))), label="order")
        x = (np.asarray(order, dtype=np.float64).reshape(shape) - len(order) / 2) / 5
    else:
        x = np.random.default_rng(draw(st.integers(0, 999), label="seed")).standard_normal(shape)
    scale = draw(st.sampled_from([1.0, 0.5, 0.25]), label="spatial_scale")
    rois = []
    for _ in range(draw(st.integers(1, 4), label="boxes")):
        x1 = draw(st.floats(-2, shape[3] / scale + 1), label="x1")
        y1 = draw(st.floats(-2, shape[2] / scale + 1), label="y1")
        w = draw(st.floats(-0.5, shape[3] / scale + 1), label="width")
        h = draw(st.floats(-0.5, shape[2] / scale + 1), label="height")
        rois.append([draw(st.integers(0, n - 1)), x1, y1, x1 + w, y1 + h])
    output_size = (draw(st.integers(1, 4), label="PH"), draw(st.integers(1, 4), label="PW"))
    return x, np.asarray(rois), output_size, scale


# ------------------------------------------------------------------ roi_align


@settings(max_examples=60)
@given(case=roi_cases(), sampling_ratio=st.sampled_from([-1, 0, 1, 2, 3]), aligned=st.booleans())
def test_roi_align_matches_the_definition_in_values_and_gradients(case, sampling_ratio, aligned):
    x, rois, output_size, scale = case
    jacobian = roi_align_jacobian(x.shape, rois, output_size, scale, sampling_ratio, aligned)
    expected = np.einsum("kabnhw,nchw->kcab", jacobian, x)
    leaf = ag.Tensor(x, requires_grad=True)
    out = ops.roi_align(leaf, ag.tensor(rois), output_size, scale, sampling_ratio, aligned)
    np.testing.assert_allclose(np.asarray(out.data), expected, atol=1e-12)
    upstream = np.random.default_rng(0).standard_normal(expected.shape)
    out.backward(upstream)
    expected_grad = np.einsum("kabnhw,kcab->nchw", jacobian, upstream)
    np.testing.assert_allclose(np.asarray(leaf.grad.data), expected_grad, atol=1e-12)


def test_roi_align_takes_a_list_of_boxes_per_image_and_the_module_form():
    x = ag.randn(2, 3, 6, 6)
    per_image = [ag.tensor([[0.0, 0.0, 4.0, 4.0]]), ag.tensor([[1.0, 1.0, 5.0, 3.0], [0, 0, 2, 2]])]
    rois = ag.tensor([[0.0, 0, 0, 4, 4], [1, 1, 1, 5, 3], [1, 0, 0, 2, 2]])
    listed = ops.roi_align(x, per_image, (2, 3), sampling_ratio=2)
    assert listed.shape == (3, 3, 2, 3)
    np.testing.assert_array_equal(listed.data, ops.roi_align(x, rois, (2, 3), 1.0, 2).data)
    layer = ops.RoIAlign((2, 3), spatial_scale=1.0, sampling_ratio=2)
    np.testing.assert_array_equal(layer(x, rois).data, listed.data)
    assert repr(layer) == (
        "RoIAlign(output_size=(2, 3), spatial_scale=1.0, sampling_ratio=2, aligned=False)"
    )


# ------------------------------------------------------------------ roi_pool


@settings(max_examples=60)
@given(case=roi_cases(distinct=True))
def test_roi_pool_matches_the_definition_in_values_and_gradients(case):
    x, rois, output_size, scale = case
    expected, where = roi_pool_reference(x, rois, output_size, scale)
    leaf = ag.Tensor(x, requires_grad=True)
    out = ops.roi_pool(leaf, rois, output_size, scale)
    np.testing.assert_allclose(np.asarray(out.data), expected, atol=1e-12)
    upstream = np.random.default_rng(1).standard_normal(expected.shape)
    out.backward(upstream)
    expected_grad = np.zeros_like(x)
    for (k, c, ph, pw), at in where.items():
        if at is not None:
            expected_grad[at[0], c, at[1], at[2]] += upstream[k, c, ph, pw]
    np.testing.assert_allclose(np.asarray(leaf.grad.data), expected_grad, atol=1e-12)


def test_roi_pool_module_and_errors():
    x = ag.randn(1, 2, 5, 5)
    layer = ops.RoIPool((2, 2), spatial_scale=0.5)
    assert layer(x, [ag.tensor([[0.0, 0.0, 8.0, 8.0]])]).shape == (1, 2, 2, 2)
    assert repr(layer) == "RoIPool(output_size=(2, 2), spatial_scale=0.5)"
    with pytest.raises(ValueError, match=r"roi_pool: boxes must be a \(K, 5\) tensor"):
        ops.roi_pool(x, ag.zeros((3, 4)), 2)
    with pytest.raises(ValueError, match=r"roi_align: boxes given as a list must hold \(L, 4\)"):
        ops.roi_align(x, [ag.zeros((3, 5))], 2)
    with pytest.raises(ValueError, match=r"batch indices must lie in \[0, 0\]"):
        ops.roi_align(x, ag.tensor([[1.0, 0, 0, 2, 2]]), 2)
    with pytest.raises(ValueError, match=r"4-d \(N, C, H, W\)"):
        ops.roi_pool(ag.zeros((2, 5, 5)), ag.tensor([[0.0, 0, 0, 2, 2]]), 2)


def test_nn_exposes_the_ops():
    assert nn.ops.roi_align is ops.roi_align and "nms" in nn.ops.__all__
