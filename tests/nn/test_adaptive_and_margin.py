"""Adaptive pooling, local response normalisation and the multi-margin loss against PyTorch in
float64 (values and gradients) on geometries drawn by hypothesis; indices, layers, errors.
(Central differences, first and second order, come from the registry's suite.)"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812

torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
TF = torch.nn.functional


def _leaves(*arrays):
    """The same float64 values as leaves here and in torch: [(ours, theirs), ...]."""
    return [(ag.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)) for a in arrays]


def _compare(ours, theirs, leaves, seed=0):
    """Equal outputs, and equal gradients for one random upstream gradient."""
    np.testing.assert_allclose(np.asarray(ours.data), theirs.detach().numpy(), atol=1e-12)
    upstream = np.random.default_rng(seed).standard_normal(tuple(theirs.shape))
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    for mine, other in leaves:
        np.testing.assert_allclose(np.asarray(mine.grad.data), other.grad.numpy(), atol=1e-12)


@st.composite
def images(draw, max_side=9, unbatched=True):
    shape = (
        draw(st.integers(1, 2), label="N"),
        draw(st.integers(1, 3), label="C"),
        draw(st.integers(1, max_side), label="H"),
        draw(st.integers(1, max_side), label="W"),
    )
    if unbatched and draw(st.booleans(), label="unbatched"):
        shape = shape[1:]
    # distinct values: no ties, so both libraries route each gradient to the same maximum
    order = draw(st.permutations(range(int(np.prod(shape)))), label="order")
    return (np.asarray(order, dtype=np.float64).reshape(shape) - len(order) / 2) / 7


@st.composite
def output_sizes(draw, spatial):
    sizes = tuple(draw(st.none() | st.integers(1, n + 3), label="out") for n in spatial)
    return sizes if draw(st.booleans()) or sizes[0] is None else sizes[0]


# ------------------------------------------------------------------ adaptive pooling


@settings(max_examples=40)
@given(data=st.data())
def test_adaptive_avg_pool2d_matches_torch(data):
    x = data.draw(images())
    size = data.draw(output_sizes(x.shape[-2:]))
    [(ours, theirs)] = leaves = _leaves(x)
    _compare(F.adaptive_avg_pool2d(ours, size), TF.adaptive_avg_pool2d(theirs, size), leaves)


@settings(max_examples=40)
@given(data=st.data())
def test_adaptive_max_pool2d_matches_torch_with_indices(data):
    x = data.draw(images())
    size = data.draw(output_sizes(x.shape[-2:]))
    [(ours, theirs)] = leaves = _leaves(x)
    out, indices = F.adaptive_max_pool2d(ours, size, return_indices=True)
    expected, expected_indices = TF.adaptive_max_pool2d(theirs, size, return_indices=True)
    np.testing.assert_array_equal(np.asarray(indices.data), expected_indices.numpy())
    _compare(out, expected, leaves)


@settings(max_examples=25)
@given(data=st.data())
def test_adaptive_pool1d_matches_torch(data):
    x = data.draw(images(max_side=9))
    x = x.reshape(*x.shape[:-2], -1)  # (N, C, L) or (C, L)
    size = data.draw(st.integers(1, x.shape[-1] + 3))
    [(ours, theirs)] = leaves = _leaves(x)
    _compare(F.adaptive_avg_pool1d(ours, size), TF.adaptive_avg_pool1d(theirs, size), leaves)
    [(ours, theirs)] = leaves = _leaves(x)
    out, indices = F.adaptive_max_pool1d(ours, size, return_indices=True)
    expected, expected_indices = TF.adaptive_max_pool1d(theirs, size, return_indices=True)
    np.testing.assert_array_equal(np.asarray(indices.data), expected_indices.numpy())
    _compare(out, expected, leaves)


def test_adaptive_max_pool2d_indices_pick_the_first_of_tied_maxima_as_torch():
    x = np.zeros((1, 2, 5, 7))
    x[0, 1, 2:, 3:] = 1.0
    _, indices = F.adaptive_max_pool2d(ag.Tensor(x), (3, 4), return_indices=True)
    expected = TF.adaptive_max_pool2d(torch.tensor(x), (3, 4), return_indices=True)[1]
    np.testing.assert_array_equal(np.asarray(indices.data), expected.numpy())


def test_adaptive_pool_layers_match_the_functions_and_torch_reprs():
    x = ag.randn(2, 3, 7, 5)
    assert nn.AdaptiveAvgPool2d((1, 1))(x).shape == (2, 3, 1, 1)
    assert nn.AdaptiveMaxPool2d((3, None))(x).shape == (2, 3, 3, 5)
    values, indices = nn.AdaptiveMaxPool2d(2, return_indices=True)(x)
    assert values.shape == indices.shape == (2, 3, 2, 2)
    assert nn.AdaptiveAvgPool1d(4)(ag.randn(2, 3, 9)).shape == (2, 3, 4)
    assert repr(nn.AdaptiveAvgPool2d((1, 1))) == repr(torch.nn.AdaptiveAvgPool2d((1, 1)))
    assert repr(nn.AdaptiveMaxPool2d(2)) == repr(torch.nn.AdaptiveMaxPool2d(2))


@pytest.mark.parametrize(
    ("shape", "size", "error", "words"),
    [
        ((2, 3, 4, 4, 4), 2, ValueError, "4-d (N, C, H, W)"),
        ((2, 3, 4, 4), 0, ValueError, "positive ints or None"),
        ((2, 3, 4, 4), (1, 2, 3), TypeError, "tuple of 2"),
        ((2, 3, 0, 4), 2, ValueError, "spatial sizes must be positive"),
    ],
)
def test_adaptive_pool2d_rejects_bad_input_clearly(shape, size, error, words):
    for fn in (F.adaptive_avg_pool2d, F.adaptive_max_pool2d):
        with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
            fn(ag.zeros(shape), size)


# ------------------------------------------------------------------ local response norm


@settings(max_examples=30)
@given(data=st.data())
def test_local_response_norm_matches_torch(data):
    spatial = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3), label="spatial")
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 6)), *spatial)
    x = np.random.default_rng(data.draw(st.integers(0, 99))).standard_normal(shape)
    kwargs = {
        "size": data.draw(st.integers(1, 7), label="size"),
        "alpha": data.draw(st.sampled_from([1e-4, 0.3, 2.0])),
        "beta": data.draw(st.sampled_from([0.75, 0.5, 1.5])),
        "k": data.draw(st.sampled_from([1.0, 2.0])),
    }
    [(ours, theirs)] = leaves = _leaves(x)
    _compare(
        F.local_response_norm(ours, **kwargs), TF.local_response_norm(theirs, **kwargs), leaves
    )


def test_local_response_norm_layer_and_errors():
    layer = nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)
    assert repr(layer) == repr(torch.nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0))
    assert layer(ag.ones((1, 8, 3, 3))).shape == (1, 8, 3, 3)
    with pytest.raises(ValueError, match=r"local_response_norm: .*3 or more .* \(4, 3\)"):
        F.local_response_norm(ag.ones((4, 3)), 2)


# ------------------------------------------------------------------ multi-margin loss


@settings(max_examples=40)
@given(data=st.data())
def test_multi_margin_loss_matches_torch(data):
    classes, n = data.draw(st.integers(1, 5), label="C"), data.draw(st.integers(1, 4), label="N")
    batched = data.draw(st.booleans(), label="batched")
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    x = rng.standard_normal((n, classes) if batched else (classes,))
    target = rng.integers(0, classes, n if batched else ())
    weight = rng.uniform(0.1, 2, classes) if data.draw(st.booleans(), label="weighted") else None
    kwargs = {
        "p": data.draw(st.sampled_from([1, 2])),
        "margin": data.draw(st.sampled_from([1.0, 0.3, 2.0])),
        "reduction": data.draw(st.sampled_from(["mean", "sum", "none"])),
    }
    [(ours, theirs)] = leaves = _leaves(x)
    expected = TF.multi_margin_loss(
        theirs, torch.tensor(target), weight=None if weight is None else torch.tensor(weight),
        **kwargs,
    )  # fmt: skip
    _compare(F.multi_margin_loss(ours, target, weight=weight, **kwargs), expected, leaves)


def test_multi_margin_loss_layer_and_errors():
    x, target = np.array([[0.1, 0.2, 0.4, 0.8], [0.3, 0.0, 0.1, 0.2]]), np.array([3, 1])
    weight = np.array([1.0, 2.0, 0.5, 1.0])
    loss = nn.MultiMarginLoss(p=2, margin=0.5, weight=ag.tensor(weight))(ag.tensor(x), target)
    expected = torch.nn.MultiMarginLoss(p=2, margin=0.5, weight=torch.tensor(weight))(
        torch.tensor(x), torch.tensor(target)
    )
    assert loss.item() == pytest.approx(expected.item(), abs=1e-12)
    assert list(nn.MultiMarginLoss(weight=ag.tensor(weight)).state_dict()) == ["weight"]
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        F.multi_margin_loss(ag.tensor(x), target, p=3)
    with pytest.raises(ValueError, match=r"weight must have shape \(4,\)"):
        F.multi_margin_loss(ag.tensor(x), target, weight=ag.ones(3))
    with pytest.raises(ValueError, match=r"target class indices must lie in \[0, 3\]"):
        F.multi_margin_loss(ag.tensor(x), np.array([4, 0]))
