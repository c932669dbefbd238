"""Losses: gradients by central differences for every loss and reduction, values and
gradients against PyTorch, numerical stability, and the errors for bad targets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

REDUCTIONS = ["mean", "sum", "none"]
SETTINGS = settings(max_examples=20, deadline=None)


def _draw_problem(data, loss):
    """Input (float64, requires grad) and target for `loss`, with hypothesis-drawn shapes."""
    n = data.draw(st.integers(1, 4), label="N")
    c = data.draw(st.integers(1, 4), label="C")
    extra = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2), label="extra dims"))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    shape = (n, c, *extra)
    if loss in ("cross_entropy", "nll_loss"):
        x = rng.standard_normal(shape)
        if loss == "nll_loss":
            x = -np.abs(x)  # log-probabilities are negative
        target = rng.integers(0, c, (n, *extra))
    elif loss == "binary_cross_entropy":
        x = rng.uniform(0.05, 0.95, shape)
        target = rng.uniform(0, 1, shape)
    else:
        x = rng.standard_normal(shape) * 3
        target = rng.uniform(0, 1, shape) if "binary" in loss else rng.standard_normal(shape)
    target = target if target.dtype.kind == "i" else ag.tensor(target, dtype="float64")
    return ag.tensor(x, dtype="float64", requires_grad=True), target


LOSSES = ["cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits"]  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", LOSSES)
@SETTINGS
@given(data=st.data())
def test_loss_gradients(data, loss, reduction):
    x, target = _draw_problem(data, loss)
    fn = getattr(F, loss)
    assert ag.gradcheck(lambda t: fn(t, target, reduction=reduction), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@SETTINGS
@given(data=st.data())
def test_regression_losses_gradients_reach_the_target(data, reduction):
    x, target = _draw_problem(data, "mse_loss")
    target.requires_grad = True
    assert ag.gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), x, target)
    p = ag.tensor(
        np.clip(np.abs(x.detach().numpy()) / 10, 0.05, 0.95), dtype="float64", requires_grad=True
    )
    y = ag.tensor(
        np.clip(np.abs(target.detach().numpy()) / 10, 0.0, 1.0), dtype="float64", requires_grad=True
    )
    assert ag.gradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), p, y)
    assert ag.gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), x, y
    )


def _torch_pairs(torch):
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 4, 3)).astype(np.float32) * 2
    classes = rng.integers(0, 4, (5, 3))
    flat_logits, flat_classes = logits[:, :, 0], classes[:, 0]
    probs = rng.uniform(0.01, 0.99, (5, 4)).astype(np.float32)
    soft = rng.uniform(0, 1, (5, 4)).astype(np.float32)
    values = rng.standard_normal((5, 4)).astype(np.float32) * 4
    tf = torch.nn.functional
    return [
        ("cross_entropy", flat_logits, flat_classes, tf.cross_entropy, nn.CrossEntropyLoss),
        ("cross_entropy", logits, classes, tf.cross_entropy, nn.CrossEntropyLoss),
        ("nll_loss", -np.abs(flat_logits), flat_classes, tf.nll_loss, nn.NLLLoss),
        ("mse_loss", values, soft, tf.mse_loss, nn.MSELoss),
        ("binary_cross_entropy", probs, soft, tf.binary_cross_entropy, nn.BCELoss),
        ("binary_cross_entropy_with_logits", values, soft,
         tf.binary_cross_entropy_with_logits, nn.BCEWithLogitsLoss),
    ]  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_losses_match_pytorch(reduction):
    torch = pytest.importorskip("torch")
    for name, x, target, torch_fn, layer in _torch_pairs(torch):
        xt = torch.tensor(x, requires_grad=True)
        tt = torch.tensor(target)
        out_t = torch_fn(xt, tt, reduction=reduction)
        upstream = np.random.default_rng(1).standard_normal(out_t.shape).astype(np.float32)
        out_t.backward(torch.tensor(upstream))
        for fn in (getattr(F, name), layer(reduction=reduction)):
            xa = ag.tensor(x, requires_grad=True)
            kwargs = {"reduction": reduction} if not isinstance(fn, nn.Module) else {}
            out = fn(xa, target if target.dtype.kind == "i" else ag.tensor(target), **kwargs)
            out.backward(upstream)
            assert out.dtype == np.float32, name
            np.testing.assert_allclose(
                out.detach().numpy(), out_t.detach().numpy(), rtol=1e-5, atol=1e-6
            )
            np.testing.assert_allclose(
                xa.grad.detach().numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6
            )


def test_cross_entropy_is_stable_for_huge_logits():
    x = ag.tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True)
    loss = F.cross_entropy(x, np.array([1, 1]))
    loss.backward()
    assert loss.item() == pytest.approx(1000.0)
    np.testing.assert_allclose(x.grad.detach().numpy(), [[0.5, -0.5], [0.0, 0.0]])


def test_bce_with_logits_is_stable_at_plus_minus_100():
    torch = pytest.importorskip("torch")
    x = np.array([100.0, -100.0, 100.0, -100.0, 0.0], dtype=np.float32)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype=np.float32)
    xa = ag.tensor(x, requires_grad=True)
    out = F.binary_cross_entropy_with_logits(xa, ag.tensor(y), reduction="none")
    out.sum().backward()
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        xt, torch.tensor(y), reduction="none"
    )
    ref.sum().backward()
    assert np.all(np.isfinite(out.detach().numpy())) and np.all(
        np.isfinite(xa.grad.detach().numpy())
    )
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        xa.grad.detach().numpy(), xt.grad.numpy(), atol=1e-7
    )  # incl. 0.5 - y at 0


def test_bce_clamps_log_at_minus_100_without_nan_gradient():
    p = ag.tensor([0.0, 1.0, 0.5], requires_grad=True)
    loss = F.binary_cross_entropy(p, ag.tensor([1.0, 0.0, 1.0]), reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 100.0, np.log(2)], rtol=1e-6)
    assert np.all(np.isfinite(p.grad.detach().numpy()))


@pytest.mark.parametrize("name", LOSSES)
def test_losses_reject_bad_reduction(name):
    x = ag.ones((2, 3)) * 0.5
    target = np.array([0, 1]) if name in ("cross_entropy", "nll_loss") else ag.ones((2, 3))
    with pytest.raises(ValueError, match="reduction must be one of"):
        getattr(F, name)(x, target, reduction="average")


def test_loss_layers_reject_bad_reduction():
    with pytest.raises(ValueError, match="MSELoss: reduction"):
        nn.MSELoss(reduction="max")


def test_class_targets_out_of_range():
    for target in ([0, 3], [-1, 0]):
        with pytest.raises(ValueError, match=r"\[0, 2\].*" + str(target[0] or target[1])):
            F.cross_entropy(ag.ones((2, 3)), np.array(target))
        with pytest.raises(ValueError, match="class indices"):
            F.nll_loss(ag.ones((2, 3)), np.array(target))


def test_class_target_shape_and_dtype_errors():
    with pytest.raises(ValueError, match=r"target of shape \(2,\), got \(3,\)"):
        F.cross_entropy(ag.ones((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"probability targets must have the input's shape"):
        F.cross_entropy(ag.ones((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="integer class indices"):
        F.nll_loss(ag.ones((2, 3)), np.array([0.0, 1.0]))


def test_elementwise_losses_need_equal_shapes():
    for name in ("mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"):
        with pytest.raises(
            ValueError, match=r"target shape \(3,\) must equal input shape \(2, 3\)"
        ):
            getattr(F, name)(ag.ones((2, 3)) * 0.5, ag.ones(3))


def test_bce_rejects_values_outside_unit_interval():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(ag.tensor([1.5, 0.5]), ag.tensor([1.0, 0.0]))


def test_unbatched_cross_entropy_matches_batched():
    x = ag.randn(5)
    single = F.cross_entropy(x, np.array(2))
    batched = F.cross_entropy(x.reshape(1, 5), np.array([2]))
    assert single.item() == pytest.approx(batched.item())


def test_bce_with_logits_second_derivative_at_logit_zero_is_a_quarter():
    # d2/dx2 of BCE-with-logits is sigmoid'(x): 1/4 at x = 0 (a zero-initialised output layer)
    def loss(x):
        return F.binary_cross_entropy_with_logits(x, ag.tensor(1.0, dtype="float64"))

    x = ag.tensor(0.0, dtype="float64")
    assert ag.grad(loss)(x).item() == -0.5
    assert ag.grad(ag.grad(loss))(x).item() == 0.25
