"""max_pool2d, avg_pool2d, max_unpool2d and their layers: gradients against central
differences (hypothesis, float64), against PyTorch, the tie rule, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812


@st.composite
def pool_cases(draw, dilation=True):
    """A valid pooling call: an input with distinct values (no ties) and keyword arguments."""
    kernel = (draw(st.integers(1, 3), label="kh"), draw(st.integers(1, 3), label="kw"))
    stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)), label="stride")
    padding = tuple(draw(st.integers(0, k // 2), label="padding") for k in kernel)
    dilations = (
        tuple(draw(st.integers(1, 2), label="dilation") for _ in kernel) if dilation else (1, 1)
    )
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    # at least one window's span: then every window reaches the input (none is all padding)
    size = tuple(s + draw(st.integers(0, 2), label="extra") for s in span)
    shape = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 3), label="C"), *size)
    order = draw(st.permutations(range(int(np.prod(shape)))), label="order")
    x = (np.asarray(order, dtype=np.float64).reshape(shape) - len(order) / 2) / 10  # distinct
    kwargs = {
        "stride": stride,
        "padding": padding,
        "ceil_mode": draw(st.booleans(), label="ceil_mode"),
    }
    if dilation:
        kwargs["dilation"] = dilations
    return x, kernel, kwargs


# ------------------------------------------------------------------ gradients


@settings(max_examples=25)
@given(case=pool_cases())
def test_max_pool2d_gradient_matches_central_differences(case):
    x, kernel, kwargs = case
    assert ag.gradcheck(
        lambda t: F.max_pool2d(t, kernel, **kwargs), ag.Tensor(x, requires_grad=True)
    )


@settings(max_examples=25)
@given(case=pool_cases(dilation=False), count_include_pad=st.booleans())
def test_avg_pool2d_gradient_matches_central_differences(case, count_include_pad):
    x, kernel, kwargs = case
    assert ag.gradcheck(
        lambda t: F.avg_pool2d(t, kernel, count_include_pad=count_include_pad, **kwargs),
        ag.Tensor(x, requires_grad=True),
    )


@settings(max_examples=15)
@given(case=pool_cases(dilation=False))
def test_max_unpool2d_gradient_matches_central_differences(case):
    x, kernel, kwargs = case
    kwargs["stride"] = None  # windows that do not overlap: every index appears once
    pooled, indices = F.max_pool2d(ag.Tensor(x), kernel, return_indices=True, **kwargs)
    kwargs.pop("ceil_mode")
    size = x.shape[2:]
    assert ag.gradcheck(
        lambda t: F.max_unpool2d(t, indices, kernel, output_size=size, **kwargs),
        ag.Tensor(pooled.detach().numpy(), requires_grad=True),
    )


def test_max_pool2d_second_derivative_matches_central_differences():
    x = ag.Tensor(
        np.random.default_rng(0).permutation(32).reshape(1, 2, 4, 4) / 8.0, requires_grad=True
    )
    assert ag.gradgradcheck(lambda t: F.max_pool2d(t, 3, stride=1, padding=1) ** 2, x)


# ------------------------------------------------------------------ the tie rule


def test_max_pool2d_ties_share_the_gradient_equally():
    x = ag.Tensor(np.array([[[[1.0, 1.0, 0.0, 5.0], [1.0, 0.0, 5.0, 5.0]]]]), requires_grad=True)
    out = F.max_pool2d(x, 2)
    np.testing.assert_array_equal(out.detach().numpy(), [[[[1.0, 5.0]]]])
    out.backward(np.array([[[[6.0, 9.0]]]]))
    # three tied ones share 6, three tied fives share 9: each share sums to the upstream value
    np.testing.assert_allclose(
        x.grad.detach().numpy(), [[[[2.0, 2.0, 0.0, 3.0], [2.0, 0.0, 3.0, 3.0]]]]
    )


def test_max_pool2d_ties_split_in_overlapping_windows():
    x = ag.Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    F.max_pool2d(x, 2, stride=1).sum().backward()
    # each of the four windows hands out 1/4 to each of its four equal elements
    expected = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4
    np.testing.assert_allclose(x.grad.detach().numpy()[0, 0], expected)
    assert x.grad.detach().numpy().sum() == pytest.approx(4.0)


# ------------------------------------------------------------------ against PyTorch


def _check_against_torch(ours, theirs, x, seed):
    torch = pytest.importorskip("torch")
    leaf = ag.Tensor(x, requires_grad=True)
    torch_leaf = torch.tensor(x, requires_grad=True)
    out, expected = ours(leaf), theirs(torch_leaf)
    np.testing.assert_allclose(
        out.detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-5
    )
    upstream = np.random.default_rng(seed).normal(size=out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(
        leaf.grad.detach().numpy(), torch_leaf.grad.numpy(), rtol=1e-5, atol=1e-5
    )


@settings(max_examples=25)
@given(case=pool_cases(), seed=st.integers(0, 100))
def test_max_pool2d_matches_torch_with_indices(case, seed):
    torch = pytest.importorskip("torch")
    x, kernel, kwargs = case
    _check_against_torch(
        lambda t: F.max_pool2d(t, kernel, **kwargs),
        lambda t: torch.nn.functional.max_pool2d(t, kernel, **kwargs),
        x,
        seed,
    )
    _, indices = F.max_pool2d(ag.Tensor(x), kernel, return_indices=True, **kwargs)
    _, expected = torch.nn.functional.max_pool2d(
        torch.tensor(x), kernel, return_indices=True, **kwargs
    )
    np.testing.assert_array_equal(indices.detach().numpy(), expected.numpy())


@settings(max_examples=25)
@given(case=pool_cases(dilation=False), count_include_pad=st.booleans(), seed=st.integers(0, 100))
def test_avg_pool2d_matches_torch(case, count_include_pad, seed):
    torch = pytest.importorskip("torch")
    x, kernel, kwargs = case
    kwargs["count_include_pad"] = count_include_pad
    _check_against_torch(
        lambda t: F.avg_pool2d(t, kernel, **kwargs),
        lambda t: torch.nn.functional.avg_pool2d(t, kernel, **kwargs),
        x,
        seed,
    )


@settings(max_examples=20)
@given(case=pool_cases(dilation=False), seed=st.integers(0, 100))
def test_max_unpool2d_matches_torch(case, seed):
    torch = pytest.importorskip("torch")
    x, kernel, kwargs = case
    kwargs["stride"] = None  # with overlapping windows PyTorch keeps one of repeated indices
    pooled, indices = F.max_pool2d(ag.Tensor(x), kernel, return_indices=True, **kwargs)
    kwargs.pop("ceil_mode")
    size = x.shape[2:]
    _check_against_torch(
        lambda t: F.max_unpool2d(t, indices, kernel, output_size=size, **kwargs),
        lambda t: torch.nn.functional.max_unpool2d(
            t, torch.tensor(indices.detach().numpy()), kernel, output_size=size, **kwargs
        ),
        pooled.detach().numpy(),
        seed,
    )


def test_max_pool2d_tiling_fast_path_matches_torch_in_float32():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).normal(size=(2, 3, 8, 6)).astype(np.float32)
    _check_against_torch(
        lambda t: F.max_pool2d(t, 2), lambda t: torch.nn.functional.max_pool2d(t, 2), x, 0
    )
    _check_against_torch(
        lambda t: F.avg_pool2d(t, (2, 3)), lambda t: torch.nn.functional.avg_pool2d(t, (2, 3)), x, 0
    )


# ------------------------------------------------------------------ layers and errors


def test_pooling_layers_call_their_functions():
    x = ag.randn(2, 3, 6, 6)
    out, indices = nn.MaxPool2d(2, return_indices=True)(x)
    np.testing.assert_array_equal(out.detach().numpy(), F.max_pool2d(x, 2).detach().numpy())
    np.testing.assert_array_equal(
        nn.AvgPool2d(3, stride=1, padding=1)(x).detach().numpy(),
        F.avg_pool2d(x, 3, stride=1, padding=1).detach().numpy(),
    )
    restored = nn.MaxUnpool2d(2)(out, indices)
    assert restored.shape == x.shape
    np.testing.assert_array_equal(
        np.sort(restored.detach().numpy()[restored.detach().numpy() != 0]),
        np.sort(out.detach().numpy().ravel()),
    )
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: nn.MaxPool2d(2)(ag.ones((4, 4))),
            r"MaxPool2d\(.*expected input of shape \(N, C, H, W\) or \(C, H, W\), got \(4, 4\)",
        ),
        (
            lambda: F.max_pool2d(ag.ones((1, 1, 2, 2)), 3, padding=1, stride=3, dilation=2),
            "max_pool2d: the window .* is larger than the padded input",
        ),
        (
            lambda: F.avg_pool2d(ag.ones((1, 1, 2, 2)), 3),
            "avg_pool2d: the window .* is larger than the padded input",
        ),
        (
            lambda: F.max_pool2d(ag.ones((1, 1, 4, 4)), 2, stride=0),
            "max_pool2d: stride must be positive",
        ),
        (
            lambda: F.avg_pool2d(ag.ones((1, 1, 4, 4)), 2, padding=2),
            "avg_pool2d: padding must be between 0 and half the kernel size",
        ),
        (
            lambda: F.max_unpool2d(ag.ones((1, 1, 2, 2)), np.full((1, 1, 2, 2), 16), 2),
            r"max_unpool2d: indices must lie in \[0, 16\)",
        ),
        (
            lambda: F.max_unpool2d(ag.ones((1, 1, 2, 2)), np.zeros((1, 1, 2), int), 2),
            "max_unpool2d: indices must be integers of the input's shape",
        ),
    ],
)
def test_pooling_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
