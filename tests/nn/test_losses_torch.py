"""Every loss and its options against PyTorch in float64: values and gradients, NaN cases."""

import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")
tf = torch.nn.functional

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((4, 3, 2))
CLASSES = np.array([[0, 2], [1, -100], [2, 2], [-100, 0]])
PROBS = RNG.dirichlet(np.ones(3), size=(4, 2)).transpose(0, 2, 1)  # (4, 3, 2), sums to 1 on axis 1
WEIGHT = np.array([0.5, 2.0, 1.5])
VALUES = RNG.standard_normal((3, 4)) * 2
TARGETS = RNG.standard_normal((3, 4))
UNIT = RNG.uniform(0.05, 0.95, (3, 4))

CASES = [
    ("cross_entropy", LOGITS, CLASSES, {}),
    ("cross_entropy", LOGITS, CLASSES, {"weight": WEIGHT}),
    ("cross_entropy", LOGITS, CLASSES, {"weight": WEIGHT, "label_smoothing": 0.2}),
    ("cross_entropy", LOGITS, np.maximum(CLASSES, 0), {"label_smoothing": 0.3, "ignore_index": 2}),
    ("cross_entropy", LOGITS, PROBS, {}),
    ("cross_entropy", LOGITS, PROBS, {"weight": WEIGHT, "label_smoothing": 0.1}),
    ("cross_entropy", LOGITS[0, :, 0], np.array(1), {"label_smoothing": 0.1}),
    ("nll_loss", LOGITS, CLASSES, {"weight": WEIGHT}),
    ("nll_loss", LOGITS, np.maximum(CLASSES, 0), {"ignore_index": 0}),
    ("mse_loss", VALUES, TARGETS, {}),
    ("mse_loss", VALUES, TARGETS, {"weight": UNIT}),
    ("l1_loss", VALUES, TARGETS, {}),
    ("l1_loss", VALUES, TARGETS, {"weight": UNIT}),
    ("smooth_l1_loss", VALUES, TARGETS, {}),
    ("smooth_l1_loss", VALUES, TARGETS, {"beta": 0.5}),
    ("smooth_l1_loss", VALUES, TARGETS, {"beta": 0.0}),
    ("huber_loss", VALUES, TARGETS, {"delta": 0.7}),
    ("huber_loss", VALUES, TARGETS, {"delta": 1.5, "weight": UNIT}),
    ("kl_div", VALUES, UNIT, {}),
    ("kl_div", VALUES, np.where(UNIT > 0.5, UNIT, 0.0), {}),
    ("kl_div", VALUES, TARGETS, {"log_target": True}),
    ("binary_cross_entropy", UNIT, UNIT[::-1].copy(), {}),
    ("binary_cross_entropy", UNIT, UNIT[::-1].copy(), {"weight": WEIGHT[:1].repeat(4)}),
    ("binary_cross_entropy_with_logits", VALUES, UNIT, {"weight": UNIT[0]}),
    ("binary_cross_entropy_with_logits", VALUES, UNIT, {"pos_weight": np.arange(1.0, 5.0)}),
    ("binary_cross_entropy_with_logits", np.array([0.0, -1000.0, 1000.0]), np.full(3, 0.3), {}),
]


def _torch(value):
    value = np.asarray(value)
    return torch.tensor(value) if value.dtype.kind == "f" else torch.tensor(value, dtype=torch.long)


@pytest.mark.parametrize("name, x, target, options", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_matches_torch_in_float64(name, x, target, options, reduction):
    if name == "kl_div" and reduction == "mean":
        reduction = "batchmean"
    upstream = None
    xt = torch.tensor(x, requires_grad=True)
    kwargs_t = {k: _torch(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    target_t = _torch(target)
    out_t = getattr(tf, name)(xt, target_t, reduction=reduction, **kwargs_t)
    upstream = RNG.standard_normal(out_t.shape)
    out_t.backward(torch.tensor(upstream))

    xa = ag.tensor(x, dtype="float64", requires_grad=True)
    kwargs = {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    target_a = ag.tensor(target) if np.asarray(target).dtype.kind == "f" else target
    out = getattr(F, name)(xa, target_a, reduction=reduction, **kwargs)
    out.backward(ag.tensor(upstream))
    np.testing.assert_allclose(np.asarray(out), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(xa.grad), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_a_minus_inf_logit_in_another_class_gives_torchs_loss():
    logits = np.array([[0.0, -np.inf, 1.0]])
    x = ag.tensor(logits, dtype="float64", requires_grad=True)
    loss = F.cross_entropy(x, np.array([0]))
    loss.backward()
    xt = torch.tensor(logits, requires_grad=True)
    expected = tf.cross_entropy(xt, torch.tensor([0]))
    expected.backward()
    assert round(loss.item(), 4) == 1.3133
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(x.grad), xt.grad.numpy(), rtol=1e-12)
    # the same for nll_loss of masked log-probabilities, and for a weighted or ignored sample
    log_p = ag.tensor([[-0.5, -np.inf, -1.0], [-np.inf, -0.1, -3.0]], requires_grad=True)
    out = F.nll_loss(log_p, np.array([0, 1]), ag.tensor([1.0, 2.0, 1.0]))
    out.backward()
    assert np.isfinite(out.item()) and np.isfinite(np.asarray(log_p.grad)).all()
    assert np.isfinite(F.cross_entropy(x, np.array([-100]), reduction="sum").item())


@pytest.mark.parametrize(
    "name, x, target",
    [
        ("cross_entropy", np.zeros((0, 3)), np.zeros(0, dtype=np.int64)),
        ("nll_loss", np.zeros((0, 3)), np.zeros(0, dtype=np.int64)),
        ("cross_entropy", np.zeros((2, 3)), np.array([-100, -100])),
        ("mse_loss", np.zeros(0), np.zeros(0)),
        ("l1_loss", np.zeros((0, 2)), np.zeros((0, 2))),
        ("smooth_l1_loss", np.zeros(0), np.zeros(0)),
        ("huber_loss", np.zeros(0), np.zeros(0)),
        ("binary_cross_entropy", np.zeros(0), np.zeros(0)),
        ("binary_cross_entropy_with_logits", np.zeros(0), np.zeros(0)),
        ("kl_div", np.zeros((0, 3)), np.zeros((0, 3))),
        ("cross_entropy", np.zeros((0, 3)), np.zeros((0, 3))),  # probability targets
    ],
)
def test_the_mean_of_an_empty_batch_is_nan_as_torch(name, x, target):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning on the way to the NaN
        out = getattr(F, name)(ag.tensor(x, requires_grad=True), target)
    assert np.isnan(out.item())
    assert np.isnan(getattr(tf, name)(torch.tensor(x), _torch(target)).item())


def test_nll_loss_takes_the_weight_positionally_as_torch():
    x, target, weight = LOGITS[:, :, 0], np.array([0, 2, 1, 1]), WEIGHT
    out = F.nll_loss(ag.tensor(x), target, ag.tensor(weight))
    expected = tf.nll_loss(torch.tensor(x), torch.tensor(target), torch.tensor(weight))
    np.testing.assert_allclose(out.item(), expected.item(), rtol=1e-12)
    with pytest.raises(TypeError, match="size_average must be a bool"):
        F.nll_loss(ag.tensor(x), target, None, ag.tensor(weight))


def test_deprecated_size_average_and_reduce_map_to_a_reduction_as_torch():
    x, target = ag.tensor(VALUES), ag.tensor(TARGETS)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        total = F.mse_loss(x, target, size_average=False)
    with pytest.warns(UserWarning, match="reduction='none'"):
        each = F.l1_loss(x, target, reduce=False)
    np.testing.assert_allclose(total.item(), ((VALUES - TARGETS) ** 2).sum())
    assert each.shape == VALUES.shape


def test_loss_options_are_checked():
    x = ag.tensor(VALUES)
    with pytest.raises(ValueError, match="huber_loss: delta must be positive"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be non-negative"):
        F.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(ValueError, match="label_smoothing must be between 0 and 1"):
        F.cross_entropy(ag.tensor(LOGITS), CLASSES, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\)"):
        F.cross_entropy(ag.tensor(LOGITS), CLASSES, weight=ag.ones(2))
    with pytest.raises(IndexError, match=r"\[0, 2\].*got \[5, 5"):
        F.nll_loss(ag.tensor(LOGITS), np.full((4, 2), 5))
    with pytest.raises(ValueError, match="pos_weight of shape"):
        F.binary_cross_entropy_with_logits(x, ag.tensor(UNIT), pos_weight=ag.ones(3))


@pytest.mark.parametrize(
    "layer, function, options",
    [
        (nn.L1Loss, "l1_loss", {}),
        (nn.SmoothL1Loss, "smooth_l1_loss", {"beta": 0.5}),
        (nn.HuberLoss, "huber_loss", {"delta": 0.5}),
        (nn.KLDivLoss, "kl_div", {"reduction": "batchmean", "log_target": True}),
        (nn.MSELoss, "mse_loss", {"reduction": "sum"}),
        (nn.BCEWithLogitsLoss, "binary_cross_entropy_with_logits", {"pos_weight": np.ones(4)}),
    ],
)
def test_loss_modules_match_their_torch_modules(layer, function, options):
    kwargs_t = {k: _torch(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    kwargs = {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    target = UNIT if function.startswith("binary") else TARGETS
    ours = layer(**kwargs)(ag.tensor(VALUES), ag.tensor(target))
    theirs = getattr(torch.nn, layer.__name__)(**kwargs_t)(
        torch.tensor(VALUES), torch.tensor(target)
    )
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
    assert repr(layer(**kwargs)).startswith(layer.__name__)


def test_class_loss_modules_take_weight_ignore_index_and_smoothing():
    weight = ag.tensor(WEIGHT)
    ours = nn.CrossEntropyLoss(weight, ignore_index=2, label_smoothing=0.1)(
        ag.tensor(LOGITS), np.maximum(CLASSES, 0)
    )
    theirs = torch.nn.CrossEntropyLoss(torch.tensor(WEIGHT), ignore_index=2, label_smoothing=0.1)(
        torch.tensor(LOGITS), torch.tensor(np.maximum(CLASSES, 0))
    )
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
    nll = nn.NLLLoss(weight=weight)(ag.tensor(LOGITS), np.maximum(CLASSES, 0))
    expected = torch.nn.NLLLoss(weight=torch.tensor(WEIGHT))(
        torch.tensor(LOGITS), torch.tensor(np.maximum(CLASSES, 0))
    )
    np.testing.assert_allclose(nll.item(), expected.item(), rtol=1e-12)
    assert "weight" in dict(nn.CrossEntropyLoss(weight).named_buffers())
