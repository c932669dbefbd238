"""The fused stride-1 convolution (`Convolution`) against the composition it replaces: the
same values and the same first and second derivatives (the registry suite checks it against
central differences on its own, and tests/nn/test_conv.py checks conv2d against PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.engine import backward
from autograd_core.errors import ShapeError
from nn.functional.conv import composed_convolution
from nn.functional.convolution import Convolution, tap_gradient_pays

RNG = np.random.default_rng(0)

# (N, C, O, H, W, KH, KW, padding pairs, dilation)
CASES = [
    (2, 3, 4, 7, 6, 3, 3, ((1, 1), (1, 1)), (1, 1)),
    (1, 2, 3, 9, 8, 3, 2, ((2, 0), (0, 1)), (2, 1)),  # asymmetric padding, dilation
    (3, 4, 2, 5, 5, 1, 1, ((0, 0), (0, 0)), (1, 1)),  # a 1x1 convolution
    (1, 1, 1, 2, 3, 2, 3, ((0, 0), (0, 0)), (1, 1)),  # a single output position
    (0, 2, 3, 5, 5, 3, 3, ((1, 1), (1, 1)), (1, 1)),  # an empty batch
]


def _arrays(case, dtype, bias=True):
    n, c, o, h, w, kh, kw, _, _ = case
    shapes = [(n, c, h, w), (o, c, kh, kw)] + ([(o,)] if bias else [])
    return [RNG.standard_normal(s).astype(dtype) for s in shapes]


def _both(arrays, case, needs=None):
    """(fused output, composed output, fused leaves, composed leaves) of one call."""
    pads, dilation = case[7], case[8]
    needs = needs or [True] * len(arrays)
    runs = []
    for fn in ("fused", "composed"):
        leaves = [ag.Tensor(a, requires_grad=r) for a, r in zip(arrays, needs)]
        if fn == "fused":
            out = Convolution.apply(*leaves, pads=pads, dilation=dilation)
        else:
            bias = leaves[2] if len(leaves) == 3 else None
            out = composed_convolution(leaves[0], leaves[1], bias, (1, 1), pads, dilation, 1)
        runs.append((out, leaves))
    return runs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
@pytest.mark.parametrize("bias", [True, False])
def test_convolution_matches_the_composition(case, dtype, bias):
    arrays = _arrays(case, dtype, bias)
    (fused, fused_leaves), (plain, plain_leaves) = _both(arrays, case)
    tol = 1e-5 if dtype == "float32" else 1e-12
    assert fused.dtype == plain.dtype and fused.shape == plain.shape
    np.testing.assert_allclose(np.asarray(fused), np.asarray(plain), rtol=tol, atol=tol)
    upstream = RNG.standard_normal(tuple(fused.shape)).astype(dtype)
    fused.backward(upstream)
    plain.backward(upstream)
    for f, p in zip(fused_leaves, plain_leaves):
        assert f.grad.dtype == p.grad.dtype and f.grad.shape == p.grad.shape
        np.testing.assert_allclose(np.asarray(f.grad), np.asarray(p.grad), rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "needs", [(True, False, False), (False, True, False), (False, False, True)]
)
def test_convolution_computes_only_the_gradients_asked_for(needs):
    arrays = _arrays(CASES[0], "float64")
    (fused, leaves), (plain, plain_leaves) = _both(arrays, CASES[0], list(needs))
    fused.sum().backward()
    plain.sum().backward()
    for f, p, wanted in zip(leaves, plain_leaves, needs):
        assert (f.grad is None) == (not wanted)
        if wanted:
            np.testing.assert_allclose(np.asarray(f.grad), np.asarray(p.grad), rtol=1e-12)


@pytest.mark.parametrize("case", CASES[:2], ids=range(2))
def test_convolution_second_derivatives_match_the_composition(case):
    arrays = _arrays(case, "float64")
    results = []
    for out, leaves in _both(arrays, case):
        loss = (ag.tanh(out) ** 2).sum()
        grads = backward(loss, inputs=leaves, create_graph=True)
        total = sum((g * g).sum() for g in grads)
        results.append(backward(total, inputs=leaves))
    for fused, plain in zip(*results):
        np.testing.assert_allclose(np.asarray(fused), np.asarray(plain), rtol=1e-10, atol=1e-10)


def test_conv2d_runs_one_node_where_the_tap_gradient_pays():
    layer = nn.Conv2d(3, 4, 3, padding=1)
    image = ag.ones((2, 3, 28, 28), requires_grad=True)
    assert layer(image).grad_fn.name == "convolution"
    # the padded 8x8 grid of a 6x6 image is 1.8 times its output: the composition, unless
    # no input gradient is wanted (a network's first layer)
    small = ag.ones((2, 3, 6, 6), requires_grad=True)
    assert layer(small).grad_fn.name != "convolution"
    assert layer(small.detach()).grad_fn.name == "convolution"
    strided = nn.Conv2d(3, 4, 3, padding=1, stride=2)
    assert strided(image).grad_fn.name != "convolution"
    grouped = nn.Conv2d(4, 4, 3, padding=1, groups=2)
    assert grouped(ag.ones((2, 4, 28, 28))).grad_fn.name != "convolution"


def test_tap_gradient_pays_compares_the_padded_grid_with_the_output():
    assert tap_gradient_pays((28, 28), ((1, 1), (1, 1)), (3, 3), (1, 1))  # 900 vs 784
    assert not tap_gradient_pays((14, 14), ((0, 0), (0, 0)), (5, 5), (1, 1))  # 196 vs 100
    assert tap_gradient_pays((5, 5), ((0, 0), (0, 0)), (1, 1), (1, 1))  # 1x1: the same grid


def test_convolution_refuses_a_weight_changed_in_place_before_backward():
    x = ag.Tensor(RNG.standard_normal((1, 2, 5, 5)), requires_grad=True)
    weight = ag.Tensor(RNG.standard_normal((3, 2, 3, 3)), requires_grad=True)
    out = Convolution.apply(x, weight, pads=((1, 1), (1, 1)), dilation=(1, 1))
    with ag.no_grad():
        weight.mul_(2)
    with pytest.raises(RuntimeError, match="convolution"):
        out.sum().backward()


def test_convolution_refuses_shapes_that_do_not_fit():
    pads, dilation = ((0, 0), (0, 0)), (1, 1)
    with pytest.raises(ShapeError, match=r"convolution: expects x \(N, C, H, W\)"):
        Convolution.apply(
            ag.ones((1, 2, 4, 4)), ag.ones((3, 1, 3, 3)), pads=pads, dilation=dilation
        )
    with pytest.raises(ShapeError, match="convolution: expects"):
        Convolution.apply(
            ag.ones((1, 2, 4, 4)), ag.ones((3, 2, 3, 3)), ag.ones(2), pads=pads, dilation=dilation
        )
    spans = r"convolution: the kernel spans 5x5 \(kernel_size \(5, 5\), dilation \(1, 1\)\) but "
    with pytest.raises(ShapeError, match=spans + "the padded input is only 4x4"):
        Convolution.apply(
            ag.ones((1, 2, 4, 4)), ag.ones((3, 2, 5, 5)), pads=pads, dilation=dilation
        )
