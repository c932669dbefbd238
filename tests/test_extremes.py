"""Numerical extremes: softmax, log_softmax, logsumexp, sigmoid, BCE with logits,
cross-entropy and batch norm stay finite and correct for inputs of magnitude 1e4 (float64)
and 80 (float32, where exp overflows at 89), and for constant inputs (zero variance)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ag
import nn

torch = pytest.importorskip("torch")
F = nn.functional

# (dtype, magnitude): exp(magnitude) overflows in that dtype, so a naive formula fails.
EXTREMES = [("float64", 1e4), ("float32", 80.0)]
TOLERANCE = {"float64": 1e-12, "float32": 1e-5}


def _logits(dtype: str, magnitude: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    signs = rng.choice([-1.0, 1.0], size=(4, 5))
    # huge values of both signs, near-ties among the largest ones, and one constant row
    logits = signs * magnitude * rng.uniform(0.5, 1.0, (4, 5))
    logits[1] = magnitude
    logits[2, :2] = magnitude, magnitude - 1
    return logits.astype(dtype)


def _value_and_grad(fn, data: np.ndarray, upstream: np.ndarray):
    x = ag.tensor(data, requires_grad=True)
    out = fn(x)
    out.backward(upstream.astype(data.dtype))
    return out.detach().numpy(), x.grad.detach().numpy()


def _torch_value_and_grad(fn, data: np.ndarray, upstream: np.ndarray):
    x = torch.tensor(data.astype(np.float64), requires_grad=True)
    out = fn(x)
    out.backward(torch.tensor(upstream.astype(np.float64)))
    return out.detach().numpy(), x.grad.numpy()


def _assert_close(actual, expected, dtype):
    assert np.all(np.isfinite(actual)), actual
    np.testing.assert_allclose(actual, expected, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])


@pytest.mark.parametrize(("dtype", "magnitude"), EXTREMES)
@pytest.mark.parametrize(
    ("name", "ours", "reference"),
    [
        ("softmax", lambda x: ag.softmax(x, axis=1), lambda x: torch.softmax(x, 1)),
        ("log_softmax", lambda x: ag.log_softmax(x, axis=1), lambda x: torch.log_softmax(x, 1)),
        ("logsumexp", lambda x: ag.logsumexp(x, axis=1), lambda x: torch.logsumexp(x, 1)),
        ("sigmoid", ag.sigmoid, torch.sigmoid),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_extremes_softmax_family_and_sigmoid_match_torch(name, ours, reference, dtype, magnitude):
    data = _logits(dtype, magnitude)
    upstream_shape = (4,) if name == "logsumexp" else (4, 5)
    upstream = np.random.default_rng(1).standard_normal(upstream_shape)
    value, grad = _value_and_grad(ours, data, upstream)
    expected_value, expected_grad = _torch_value_and_grad(reference, data, upstream)
    assert value.dtype == np.dtype(dtype)
    _assert_close(value, expected_value, dtype)
    _assert_close(grad, expected_grad, dtype)


@pytest.mark.parametrize(("dtype", "magnitude"), EXTREMES)
def test_extremes_logsumexp_closed_form(dtype, magnitude):
    # logsumexp([m, m, ..., m]) = m + log(n), and of [m, -m] it is m (to rounding).
    row = np.full(5, magnitude, dtype=dtype)
    assert ag.logsumexp(ag.tensor(row)).item() == pytest.approx(magnitude + math.log(5))
    pair = np.array([magnitude, -magnitude], dtype=dtype)
    assert ag.logsumexp(ag.tensor(pair)).item() == pytest.approx(magnitude)
    np.testing.assert_allclose(ag.softmax(ag.tensor(row)).detach().numpy(), 0.2, rtol=1e-6)


@pytest.mark.parametrize(("dtype", "magnitude"), EXTREMES)
def test_extremes_sigmoid_closed_form(dtype, magnitude):
    x = ag.tensor(np.array([-magnitude, 0.0, magnitude], dtype=dtype), requires_grad=True)
    y = ag.sigmoid(x)
    y.sum().backward()
    # sigmoid(-m) = exp(-m) / (1 + exp(-m)), which is a tiny positive number (or 0 when it
    # underflows), never NaN; its slope there is sigmoid(m) * sigmoid(-m).
    tail = math.exp(-magnitude) / (1 + math.exp(-magnitude))
    np.testing.assert_allclose(y.detach().numpy(), [tail, 0.5, 1 - tail], rtol=1e-6, atol=0)
    # NOTE: out * (1 - out) rounds the slope at +m to 0 when 1 - tail rounds to 1 (PyTorch
    # does the same): an absolute error below 1e-30, never NaN.
    slope = tail * (1 - tail)
    np.testing.assert_allclose(x.grad.detach().numpy(), [slope, 0.25, slope], rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize(("dtype", "magnitude"), EXTREMES)
def test_extremes_bce_with_logits_matches_torch(dtype, magnitude):
    logits = _logits(dtype, magnitude)
    target = (np.random.default_rng(2).uniform(size=logits.shape) > 0.5).astype(dtype)
    x = ag.tensor(logits, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.tensor(target), reduction="sum")
    loss.backward()
    tx = torch.tensor(logits.astype(np.float64), requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        tx, torch.tensor(target.astype(np.float64)), reduction="sum"
    )
    expected.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=TOLERANCE[dtype])
    _assert_close(x.grad.detach().numpy(), tx.grad.numpy(), dtype)
    # closed form of the gradient: sigmoid(x) - y
    np.testing.assert_allclose(
        x.grad.detach().numpy(), torch.sigmoid(tx).detach().numpy() - target, atol=1e-6
    )


@pytest.mark.parametrize(("dtype", "magnitude"), EXTREMES)
def test_extremes_cross_entropy_matches_torch(dtype, magnitude):
    logits = _logits(dtype, magnitude)
    target = np.array([0, 3, 1, 4])
    x = ag.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, target)
    loss.backward()
    tx = torch.tensor(logits.astype(np.float64), requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tx, torch.tensor(target))
    expected.backward()
    assert np.isfinite(loss.item())
    assert loss.item() == pytest.approx(expected.item(), rel=TOLERANCE[dtype])
    _assert_close(x.grad.detach().numpy(), tx.grad.numpy(), dtype)


@pytest.mark.parametrize(
    ("dtype", "scale", "offset"),
    [("float64", 1e4, 0.0), ("float32", 80.0, 0.0), ("float64", 0.0, 7.0), ("float32", 0.0, 7.0)],
    ids=["float64-1e4", "float32-80", "float64-constant", "float32-constant"],
)
def test_extremes_batch_norm_matches_torch(dtype, scale, offset):
    # scale 0 gives a constant input: zero variance in every channel.
    data = (np.random.default_rng(3).standard_normal((6, 3, 2, 2)) * scale + offset).astype(dtype)
    upstream = np.random.default_rng(4).standard_normal(data.shape)
    weight = np.array([1.5, -0.5, 2.0])
    bias = np.array([0.1, 0.2, -0.3])
    x = ag.tensor(data, requires_grad=True)
    w = ag.tensor(weight.astype(dtype), requires_grad=True)
    b = ag.tensor(bias.astype(dtype), requires_grad=True)
    running_mean, running_var = ag.zeros(3, dtype=dtype), ag.ones(3, dtype=dtype)
    out = F.batch_norm(x, running_mean, running_var, w, b, training=True)
    out.backward(upstream.astype(dtype))

    tx = torch.tensor(data.astype(np.float64), requires_grad=True)
    tw = torch.tensor(weight, requires_grad=True)
    tb = torch.tensor(bias, requires_grad=True)
    t_mean, t_var = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    expected = torch.nn.functional.batch_norm(tx, t_mean, t_var, tw, tb, training=True)
    expected.backward(torch.tensor(upstream))
    # float32 batch statistics of values near 80 carry relative rounding ~1e-7 * 80 / std
    tolerance = 1e-9 if dtype == "float64" else 2e-4
    for ours, theirs in [
        (out.detach().numpy(), expected.detach().numpy()),
        (x.grad.detach().numpy(), tx.grad.numpy()),
        (w.grad.detach().numpy(), tw.grad.numpy()),
        (b.grad.detach().numpy(), tb.grad.numpy()),
        (running_mean.detach().numpy(), t_mean.numpy()),
        (running_var.detach().numpy(), t_var.numpy()),
    ]:
        assert np.all(np.isfinite(ours))
        np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance * max(scale, 1))
    if scale == 0.0:  # constant input: normalised to 0, so the output is the bias
        np.testing.assert_allclose(
            out.detach().numpy(), np.broadcast_to(bias[None, :, None, None], data.shape)
        )
