"""The fused native_batch_norm against its reference composition (normalized_by_batch, then
scale and shift): values, first and second derivatives, and PyTorch's training-mode
batch_norm."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812
from nn.functional.native_batch_norm import native_batch_norm, normalized_by_batch

SHAPES = [(4, 3), (2, 3, 5), (3, 2, 4, 4), (2, 1, 1, 3)]


def _composed(x, weight, bias, eps):
    x_hat, _ = normalized_by_batch(x, eps)
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    return x_hat * ag.reshape(weight, shape) + ag.reshape(bias, shape)


def _leaves(shape, seed, dtype="float64"):
    rng = np.random.default_rng(seed)
    arrays = (rng.normal(size=shape) * 3 + 1, rng.normal(size=shape[1]), rng.normal(size=shape[1]))
    return [ag.tensor(a.astype(dtype), requires_grad=True) for a in arrays]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_fused_matches_the_composition_values_and_gradients(shape, eps):
    results = []
    for call in (native_batch_norm, _composed):
        x, w, b = _leaves(shape, seed=len(shape))
        out = call(x, w, b, eps)
        weights = np.random.default_rng(7).normal(size=shape)
        (out * ag.tensor(weights)).sum().backward()
        results.append([np.asarray(t) for t in (out.detach(), x.grad, w.grad, b.grad)])
    for fused, composed in zip(*results):
        np.testing.assert_allclose(fused, composed, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 2), (2, 2, 3, 2)])
def test_fused_second_derivatives_match_central_differences(shape):
    x, w, b = _leaves(shape, seed=1)
    assert ag.gradgradcheck(lambda x, w, b: native_batch_norm(x, w, b, 1e-3), x, w, b)


def test_fused_hessian_vector_product_matches_the_composition():
    x, w, b = _leaves((3, 2, 2, 2), seed=2)
    v = ag.tensor(np.random.default_rng(3).normal(size=x.shape))

    def loss(call):
        return lambda x: (call(x, w, b, 1e-5) ** 3).sum()

    _, fused = ag.functional.hvp(loss(native_batch_norm), x, v)
    _, composed = ag.functional.hvp(loss(_composed), x, v)
    np.testing.assert_allclose(np.asarray(fused), np.asarray(composed), rtol=1e-9, atol=1e-10)


def test_float32_stays_float32_and_close_to_float64():
    x32, w32, b32 = _leaves((8, 4, 5, 5), seed=4, dtype="float32")
    x64, w64, b64 = _leaves((8, 4, 5, 5), seed=4)
    out32, out64 = native_batch_norm(x32, w32, b32), native_batch_norm(x64, w64, b64)
    out32.sum().backward()
    out64.sum().backward()
    assert out32.dtype == np.float32 and x32.grad.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out32.detach()), np.asarray(out64.detach()), atol=1e-5)
    np.testing.assert_allclose(np.asarray(w32.grad), np.asarray(w64.grad), rtol=1e-4, atol=1e-4)


def test_batch_norm_training_is_one_node_named_as_in_torch():
    x, w, b = _leaves((4, 3, 2, 2), seed=5)
    out = F.batch_norm(x, None, None, w, b, training=True)
    assert out.grad_fn.name() == "NativeBatchNormBackward0"
    without_affine = F.batch_norm(x, None, None, training=True)
    assert without_affine.grad_fn.name() == "NativeBatchNormBackward0"


def test_changing_the_input_in_place_after_the_forward_is_detected():
    x, w, b = _leaves((4, 3), seed=6)
    h = x * 1
    out = native_batch_norm(h, w, b)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified in place"):
        out.sum().backward()


def test_statistics_are_reported_and_running_buffers_move_as_in_torch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    rng = np.random.default_rng(8)
    x = rng.normal(size=(6, 3, 4, 4)) * 2 + 0.5
    grad = rng.normal(size=x.shape)
    ours, theirs = nn.BatchNorm2d(3).double(), torch.nn.BatchNorm2d(3).double()
    ours.weight.data = ag.tensor(rng.normal(size=3))
    theirs.weight.data = torch.tensor(np.asarray(ours.weight.detach()))
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_a, out_t = ours(xa), theirs(xt)
    out_a.backward(ag.tensor(grad))
    out_t.backward(torch.tensor(grad))
    pairs = [
        (out_a.detach(), out_t.detach()),
        (xa.grad, xt.grad),
        (ours.weight.grad, theirs.weight.grad),
        (ours.bias.grad, theirs.bias.grad),
        (ours.running_mean, theirs.running_mean),
        (ours.running_var, theirs.running_var),
    ]
    for a, t in pairs:
        np.testing.assert_allclose(np.asarray(a), t.numpy(), rtol=1e-10, atol=1e-12)
    statistics = []
    native_batch_norm(ag.tensor(x), statistics=statistics)
    mean, var = statistics[0]
    np.testing.assert_allclose(mean.reshape(-1), x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(var.reshape(-1), x.var(axis=(0, 2, 3)))


def test_training_without_recording_normalises_and_keeps_nothing():
    x, w, b = _leaves((5, 2), seed=9)
    with ag.no_grad():
        out = native_batch_norm(x, w, b)
    assert out.grad_fn is None
    expected = (np.asarray(x.detach()) - np.asarray(x.detach()).mean(0)) / np.sqrt(
        np.asarray(x.detach()).var(0) + 1e-5
    ) * np.asarray(w.detach()) + np.asarray(b.detach())
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12)
