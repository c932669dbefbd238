"""The fused softmax_cross_entropy against its reference composition, nll_loss(log_softmax(x)),
and against PyTorch's cross_entropy: values, first and second derivatives."""

import numpy as np
import pytest

import autograd_core as ag
import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from nn.functional.softmax_cross_entropy import softmax_cross_entropy

CASES = [  # (input shape, target, ignore_index)
    ((4, 3), np.array([0, 2, 1, 2]), -100),
    ((4, 3), np.array([0, -1, 1, -1]), -1),
    ((2, 3, 2, 2), np.array([[[0, 1], [2, 0]], [[1, 1], [0, 2]]]), -100),
    ((3,), np.array(1), -100),
    ((3, 1), np.array([0, 0, 0]), -100),  # one class: the loss is 0, the gradient too
    ((0, 3), np.zeros(0, dtype=np.int64), -100),
]


def _composition(x, target, ignore_index, reduction):
    axis = 1 if x.ndim >= 2 else 0
    return F.nll_loss(
        ag.log_softmax(x, dim=axis), target, ignore_index=ignore_index, reduction=reduction
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape, target, ignore_index", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_matches_the_composition(shape, target, ignore_index, reduction, dtype):
    if reduction == "mean" and not (target != ignore_index).any():
        reduction = "sum"  # the mean of nothing is NaN either way
    logits = np.random.default_rng(0).normal(0, 3, shape)
    x1 = ag.tensor(logits, dtype=dtype, requires_grad=True)
    x2 = ag.tensor(logits, dtype=dtype, requires_grad=True)
    fused = softmax_cross_entropy(x1, target, ignore_index, reduction)
    reference = _composition(x2, target, ignore_index, reduction)
    assert fused.dtype == reference.dtype and fused.shape == reference.shape
    tolerance = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.asarray(fused), np.asarray(reference), rtol=tolerance)
    upstream = np.linspace(-1, 2, fused.numel()).reshape(fused.shape)
    upstream = ag.tensor(upstream, dtype=dtype)
    fused.backward(upstream)
    reference.backward(upstream)
    np.testing.assert_allclose(x1.grad.numpy(), x2.grad.numpy(), rtol=tolerance, atol=tolerance)


def test_cross_entropy_uses_the_fused_node_only_where_it_applies():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    target = np.array([0, 2])
    assert F.cross_entropy(x, target).grad_fn.name() == "SoftmaxCrossEntropyBackward0"
    weighted = F.cross_entropy(x, target, weight=ag.tensor([1.0, 2.0, 3.0]))
    smoothed = F.cross_entropy(x, target, label_smoothing=0.1)
    assert "SoftmaxCrossEntropy" not in weighted.grad_fn.name() + smoothed.grad_fn.name()


def test_second_derivative_matches_central_differences():
    x = ag.tensor(np.random.default_rng(1).normal(0, 2, (3, 4)), requires_grad=True)
    target = np.array([3, 0, -1])
    for reduction in ("mean", "sum", "none"):
        call = lambda t, r=reduction: softmax_cross_entropy(t, target, -1, r)  # noqa: E731
        assert ag.gradcheck(call, x)
        assert ag.gradgradcheck(call, x)


def test_a_change_in_place_after_forward_is_caught():
    x = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    logits = x * 1.0
    loss = F.cross_entropy(logits, np.array([0, 1]))
    with ag.no_grad():
        logits.add_(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_large_and_infinite_logits_stay_finite_where_pytorch_does():
    x = ag.tensor([[1000.0, 0.0, -np.inf], [-1000.0, 1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, np.array([0, 1]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape, target, ignore_index", CASES)
def test_matches_pytorch_cross_entropy(shape, target, ignore_index, reduction):
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    logits = np.random.default_rng(2).normal(0, 3, shape)
    x = ag.tensor(logits, requires_grad=True)
    expected_x = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, target, ignore_index=ignore_index, reduction=reduction)
    expected = torch.nn.functional.cross_entropy(
        expected_x, torch.from_numpy(target), ignore_index=ignore_index, reduction=reduction
    )
    np.testing.assert_allclose(np.asarray(loss), expected.detach().numpy(), rtol=1e-10)
    if loss.numel() and np.isfinite(np.asarray(loss)).all():
        loss.sum().backward()
        expected.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), expected_x.grad.numpy(), atol=1e-12)
