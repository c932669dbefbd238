"""Fused primitives against the readable compositions they replace: the same values, and the
same first and second derivatives (the registry suite checks each against central
differences on its own)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.engine import backward
from autograd_core.ops.linalg import Affine


def _composition(x, weight, bias):
    return x @ weight.T + bias


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_affine_matches_matmul_plus_bias(dtype):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s).astype(dtype) for s in ((5, 3), (4, 3), (4,))]
    fused = [ag.Tensor(a, requires_grad=True) for a in arrays]
    plain = [ag.Tensor(a, requires_grad=True) for a in arrays]
    out, expected = Affine.apply(*fused), _composition(*plain)
    tol = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=tol, atol=tol)
    upstream = rng.normal(size=(5, 4)).astype(dtype)
    out.backward(upstream)
    expected.backward(upstream)
    for f, p in zip(fused, plain):
        assert f.grad.dtype == p.grad.dtype
        np.testing.assert_allclose(np.asarray(f.grad), np.asarray(p.grad), rtol=tol, atol=tol)


def test_affine_second_derivatives_match_the_composition():
    rng = np.random.default_rng(1)
    arrays = [rng.normal(size=s) for s in ((3, 2), (2, 2), (2,))]
    results = []
    for fn in (Affine.apply, _composition):
        x, weight, bias = (ag.Tensor(a, requires_grad=True) for a in arrays)
        loss = (ag.tanh(fn(x, weight, bias)) ** 2).sum()
        (grad_x,) = backward(loss, inputs=[x], create_graph=True)
        results.append(backward((grad_x * grad_x).sum(), inputs=[x, weight, bias]))
    for fused, plain in zip(*results):
        np.testing.assert_allclose(np.asarray(fused), np.asarray(plain), rtol=1e-12, atol=1e-12)


def test_linear_uses_one_node_for_a_batch_with_bias():
    import nn

    x = ag.ones((2, 3))
    layer = nn.Linear(3, 4)
    assert layer(x).grad_fn.name == "affine"
    assert nn.functional.linear(ag.ones(3), layer.weight, layer.bias).grad_fn.name == "add"


def test_affine_refuses_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"affine: x of shape \(2, 3\) does not fit weight"):
        Affine.apply(ag.ones((2, 3)), ag.ones((4, 2)), ag.ones(4))
    with pytest.raises(ValueError, match="affine: expects x"):
        Affine.apply(ag.ones((2, 3)), ag.ones((4, 3)), ag.ones(3))
