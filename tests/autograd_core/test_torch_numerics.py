"""Issue 11's numerics, each example against PyTorch: pow at base 0 (first and
second order), div's gradient for tiny divisors, float32 var near overflow,
and float16 sums, means and batch norm that accumulate in float32.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from nn import functional

torch = pytest.importorskip("torch", reason="the PyTorch oracle: pip install -e '.[torch]'")


def _grads(lib, f, values, order):
    """Gradients of f at `values` (order 1), or the gradient of their sum (order 2)."""
    leaves = [lib.tensor(np.float64(v), requires_grad=True) for v in values]
    out = f(lib, *leaves)
    if lib is torch:
        grads = torch.autograd.grad(out, leaves, create_graph=True, allow_unused=True)
        if order == 2:
            total = sum(g for g in grads if g is not None)
            if not total.requires_grad:  # torch's x**0 gives a constant gradient
                return [0.0] * len(leaves)
            grads = torch.autograd.grad(total, leaves, allow_unused=True)
        return [0.0 if g is None else float(g) for g in grads]
    grads = ag.functional.grad(lambda *xs: f(ag, *xs), tuple(range(len(leaves))))(*leaves)
    if order == 2:
        grads = ag.functional.grad(
            lambda *xs: sum(ag.functional.grad(lambda *ys: f(ag, *ys), tuple(range(len(xs))))(*xs)),
            tuple(range(len(leaves))),
        )(*leaves)
    return [float(np.asarray(g)) for g in grads]


POW_CASES = {
    "x**0 at 0": (lambda m, x: x**0, [0.0], 1),
    "x**y at x=0 (d/dy)": (lambda m, x, y: x**y, [0.0, 2.0], 1),
    "x**y at x=0, y=0": (lambda m, x, y: x**y, [0.0, 0.0], 1),
    "0.0**x": (lambda m, x: m.tensor(np.float64(0.0)) ** x, [1.5], 1),
    "second derivative of x**1 at 0": (lambda m, x: x**1, [0.0], 2),
    "second derivative of x**2 at 0": (lambda m, x: x**2, [0.0], 2),
    "v - v then ** 0 (the fuzzer's case)": (lambda m, x: (x - x) ** 0, [1.3], 2),
    "x**0.5 at 4": (lambda m, x: x**0.5, [4.0], 2),
}


@pytest.mark.parametrize("name", POW_CASES)
def test_pow_at_base_zero_matches_torch(name):
    f, values, order = POW_CASES[name]
    ours, theirs = _grads(ag, f, values, order), _grads(torch, f, values, order)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)


def test_pow_mixed_second_derivative_at_base_zero_is_the_finite_truth():
    # d2/dx2 + d2/dxdy (twice) + d2/dy2 of x**y at x = 0, y = 3: 6x, 3x^2 log x + x^2, x^3 log^2 x
    # all tend to 0. PyTorch gives NaN here (log(0) in the mixed term); the safe form gives 0.
    ours = _grads(ag, lambda m, x, y: x**y, [0.0, 3.0], 2)
    assert ours == [0.0, 0.0]


def test_div_gradient_of_a_tiny_float32_divisor_stays_finite():
    x = ag.tensor(np.float32(1e-23), requires_grad=True)
    y = ag.tensor(np.float32(1e-23), requires_grad=True)
    (x / y).backward()
    tx = torch.tensor(1e-23, requires_grad=True)
    ty = torch.tensor(1e-23, requires_grad=True)
    (tx / ty).backward()
    assert np.isfinite(float(y.grad)) and float(y.grad) == pytest.approx(float(ty.grad), rel=1e-6)
    assert float(x.grad) == pytest.approx(float(tx.grad), rel=1e-6)


@pytest.mark.parametrize(
    "values", [[0.0, 2.3e19], [1.5e19, -1.5e19, 0.5e19, 2e19], [1e19, 3e19], [1e-30, -1e-30]]
)
def test_float32_var_near_overflow_matches_torch(values):
    a = np.array(values, np.float32)
    ours = ag.var(ag.tensor(a))
    theirs = torch.var(torch.tensor(a))
    assert ours.dtype == np.float32 and np.isfinite(float(ours))
    assert float(ours) == pytest.approx(float(theirs), rel=1e-5)
    x = ag.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    (ag.var(x, correction=0) * 1e-20).backward()
    (torch.var(tx, correction=0) * 1e-20).backward()
    np.testing.assert_allclose(np.asarray(x.grad), tx.grad.numpy(), rtol=1e-5)


def test_float16_sum_and_mean_accumulate_in_float32():
    a = np.full(10000, 10.0, np.float16)
    mean = ag.mean(ag.tensor(a))
    assert mean.dtype == np.float16 and float(mean) == float(torch.mean(torch.tensor(a))) == 10.0
    ones = np.ones(5000, np.float16)  # a float16 running sum stalls at 2048
    assert float(ag.sum(ag.tensor(ones))) == float(torch.sum(torch.tensor(ones))) == 5000.0
    assert ag.sum(ag.tensor(ones)).dtype == np.float16


def test_float16_batch_norm_over_4096_values_matches_torch():
    x = (np.random.default_rng(0).standard_normal((4096, 3)) * 3 + 5).astype(np.float16)
    ours = np.asarray(functional.batch_norm(ag.tensor(x), None, None, training=True).data)
    theirs = torch.nn.functional.batch_norm(torch.tensor(x), None, None, training=True).numpy()
    assert ours.dtype == np.float16 and np.isfinite(ours).all()
    np.testing.assert_allclose(ours.astype(np.float64), theirs.astype(np.float64), atol=5e-3)
