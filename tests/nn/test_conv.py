"""conv2d, conv_transpose2d and their layers: gradients against central differences
(hypothesis, float64), outputs and gradients against PyTorch, errors, initialisation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812

# ------------------------------------------------------------------ geometries


@st.composite
def conv_cases(draw, transposed=False):
    """A small valid conv2d (or conv_transpose2d) call: arrays and keyword arguments."""
    groups = draw(st.integers(1, 2), label="groups")
    in_channels = groups * draw(st.integers(1, 2), label="in per group")
    out_channels = groups * draw(st.integers(1, 2), label="out per group")
    kernel = (draw(st.integers(1, 3), label="kh"), draw(st.integers(1, 3), label="kw"))
    stride = (draw(st.integers(1, 3), label="sh"), draw(st.integers(1, 3), label="sw"))
    dilation = (draw(st.integers(1, 2), label="dh"), draw(st.integers(1, 2), label="dw"))
    padding = (draw(st.integers(0, 2), label="ph"), draw(st.integers(0, 2), label="pw"))
    n = draw(st.integers(1, 2), label="N")
    if transposed:
        extra = tuple(
            draw(st.integers(0, max(s, d) - 1), label="output_padding")
            for s, d in zip(stride, dilation)
        )
        size = tuple(draw(st.integers(1, 4), label="size") for _ in range(2))
        full = [
            (i - 1) * s + d * (k - 1) + 1 + e
            for i, s, d, k, e in zip(size, stride, dilation, kernel, extra)
        ]
        padding = tuple(min(p, (f - 1) // 2) for p, f in zip(padding, full))
        weight_shape = (in_channels, out_channels // groups, *kernel)
        kwargs = {
            "stride": stride,
            "padding": padding,
            "output_padding": extra,
            "groups": groups,
            "dilation": dilation,
        }
    else:
        span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        size = tuple(
            max(1, s - 2 * p) + draw(st.integers(0, 3), label="extra")
            for s, p in zip(span, padding)
        )
        weight_shape = (out_channels, in_channels // groups, *kernel)
        kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    rng = np.random.default_rng(draw(st.integers(0, 2**16), label="seed"))
    x = rng.uniform(-1, 1, (n, in_channels, *size))
    weight = rng.uniform(-1, 1, weight_shape)
    bias = rng.uniform(-1, 1, out_channels) if draw(st.booleans(), label="bias") else None
    return x, weight, bias, kwargs


def _leaves(*arrays):
    return [None if a is None else ag.Tensor(a, requires_grad=True) for a in arrays]


# ------------------------------------------------------------------ gradients


@settings(max_examples=20)
@given(case=conv_cases())
def test_conv2d_gradient_matches_central_differences(case):
    x, weight, bias, kwargs = case
    inputs = [t for t in _leaves(x, weight, bias) if t is not None]
    if bias is None:
        assert ag.gradcheck(lambda x, w: F.conv2d(x, w, None, **kwargs), *inputs)
    else:
        assert ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), *inputs)


@settings(max_examples=20)
@given(case=conv_cases(transposed=True))
def test_conv_transpose2d_gradient_matches_central_differences(case):
    x, weight, bias, kwargs = case
    inputs = [t for t in _leaves(x, weight, bias) if t is not None]
    if bias is None:
        assert ag.gradcheck(lambda x, w: F.conv_transpose2d(x, w, None, **kwargs), *inputs)
    else:
        assert ag.gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs), *inputs)


@pytest.mark.parametrize("stride", [1, 2])  # stride 1 takes the flat-image windows
def test_conv2d_second_derivative_matches_central_differences(stride):
    rng = np.random.default_rng(0)
    x, weight = _leaves(rng.normal(size=(2, 2, 4, 4)), rng.normal(size=(2, 2, 2, 3)))
    # the product of x and weight makes the second derivative non-trivial
    assert ag.gradgradcheck(
        lambda x, w: F.conv2d(x, w, stride=stride, padding=1), x, weight, atol=1e-4
    )


def test_conv_transpose2d_second_derivative_matches_central_differences():
    rng = np.random.default_rng(1)
    x, weight = _leaves(rng.normal(size=(1, 2, 3, 3)), rng.normal(size=(2, 1, 2, 3)))
    assert ag.gradgradcheck(
        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
        x,
        weight,
        atol=1e-4,
    )


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    # <conv2d(x, w), y> == <x, conv_transpose2d(y, w)> for the same geometry
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 4, 7, 6))
    w = rng.normal(size=(6, 2, 3, 2))
    kwargs = {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2), "groups": 2}
    y = rng.normal(size=F.conv2d(ag.Tensor(x), ag.Tensor(w), **kwargs).shape)
    forward = np.sum(F.conv2d(ag.Tensor(x), ag.Tensor(w), **kwargs).detach().numpy() * y)
    adjoint = F.conv_transpose2d(ag.Tensor(y), ag.Tensor(w), output_padding=(0, 0), **kwargs)
    assert adjoint.shape == x.shape
    assert np.sum(x * adjoint.detach().numpy()) == pytest.approx(forward, rel=1e-10)


# ------------------------------------------------------------------ against PyTorch


def _compare_with_torch(ours, theirs, arrays, seed):
    torch = pytest.importorskip("torch")
    leaves = _leaves(*arrays)
    out = ours(*leaves)
    torch_leaves = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    expected = theirs(*torch_leaves)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(
        out.detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-5
    )
    upstream = np.random.default_rng(seed).normal(size=out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for leaf, torch_leaf in zip(leaves, torch_leaves):
        if leaf is not None:
            np.testing.assert_allclose(
                leaf.grad.detach().numpy(), torch_leaf.grad.numpy(), rtol=1e-5, atol=1e-5
            )


@settings(max_examples=25)
@given(case=conv_cases(), seed=st.integers(0, 100))
def test_conv2d_matches_torch(case, seed):
    torch = pytest.importorskip("torch")
    x, weight, bias, kwargs = case
    _compare_with_torch(
        lambda x, w, b: F.conv2d(x, w, b, **kwargs),
        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kwargs),
        [x, weight, bias],
        seed,
    )


@settings(max_examples=25)
@given(case=conv_cases(transposed=True), seed=st.integers(0, 100))
def test_conv_transpose2d_matches_torch(case, seed):
    torch = pytest.importorskip("torch")
    x, weight, bias, kwargs = case
    _compare_with_torch(
        lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs),
        lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, **kwargs),
        [x, weight, bias],
        seed,
    )


@pytest.mark.parametrize("kernel,dilation", [(3, 1), (4, 1), ((2, 5), (2, 1))])
def test_conv2d_same_padding_matches_torch(kernel, dilation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x, weight = rng.normal(size=(2, 3, 7, 8)), rng.normal(size=(4, 3, *np.broadcast_to(kernel, 2)))
    _compare_with_torch(
        lambda x, w: F.conv2d(x, w, padding="same", dilation=dilation),
        lambda x, w: torch.nn.functional.conv2d(x, w, padding="same", dilation=dilation),
        [x, weight],
        0,
    )
    out = F.conv2d(ag.Tensor(x), ag.Tensor(weight), padding="valid")
    assert out.shape == torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(weight)).shape


def test_conv2d_float32_stays_float32():
    layer = nn.Conv2d(3, 4, 3)
    out = layer(ag.randn(2, 3, 5, 5, requires_grad=True))
    out.sum().backward()
    assert out.dtype == np.float32 and layer.weight.grad.dtype == np.float32


# ------------------------------------------------------------------ layers


def test_conv2d_layer_has_torch_shapes_and_init_bounds():
    layer = nn.Conv2d(4, 6, (3, 2), groups=2)
    assert layer.weight.shape == (6, 2, 3, 2) and layer.bias.shape == (6,)
    fan_in = 2 * 3 * 2
    # kaiming_uniform_(a=sqrt(5)) gives the bound sqrt(6 / ((1 + 5) * fan_in)) = 1 / sqrt(fan_in)
    assert np.abs(layer.weight.detach().numpy()).max() <= 1 / math.sqrt(fan_in)
    assert np.abs(layer.bias.detach().numpy()).max() <= 1 / math.sqrt(fan_in)
    assert np.abs(layer.weight.detach().numpy()).max() > 0.5 / math.sqrt(
        fan_in
    )  # spread, not all zeros


def test_conv_transpose2d_layer_has_torch_shapes_and_init_bounds():
    layer = nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2, bias=True)
    assert layer.weight.shape == (4, 3, 3, 3) and layer.bias.shape == (6,)
    fan_in = 3 * 3 * 3  # weight.shape[1] * KH * KW, as PyTorch computes it
    assert np.abs(layer.bias.detach().numpy()).max() <= 1 / math.sqrt(fan_in)
    assert layer(ag.ones((1, 4, 5, 5))).shape == (1, 6, 11, 11)


def test_conv_layers_match_torch_with_copied_weights():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 9, 9)).astype(np.float32)
    pairs = [
        (
            nn.Conv2d(4, 6, 3, stride=2, padding=1, dilation=1, groups=2),
            torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, dilation=1, groups=2),
        ),
        (
            nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
            torch.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
        ),
    ]
    for ours, theirs in pairs:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(ours.weight.detach().numpy()))
            theirs.bias.copy_(torch.tensor(ours.bias.detach().numpy()))
        expected = theirs(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(
            ours(ag.Tensor(x)).detach().numpy(), expected, rtol=1e-4, atol=1e-5
        )


def test_conv2d_layer_repr_names_its_arguments():
    text = repr(nn.Conv2d(3, 8, 3, stride=2, padding=1, groups=1, bias=False))
    assert text == "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)"


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "make_input, message",
    [
        (
            lambda: ag.ones((5, 5)),
            r"Conv2d\(3, 8.*expected input of shape \(N, 3, H, W\) or \(3, H, W\), got \(5, 5\)",
        ),
        (
            lambda: ag.ones((1, 4, 5, 5)),
            r"expected input of shape \(N, 3, H, W\) or \(3, H, W\), got \(1, 4, 5, 5\)",
        ),
        (
            lambda: ag.ones((1, 3, 2, 2)),
            r"conv2d: the kernel spans 3x3 .* padded input is only 2x2",
        ),
    ],
)
def test_conv2d_layer_rejects_bad_input(make_input, message):
    with pytest.raises(ValueError, match=message):
        nn.Conv2d(3, 8, 3)(make_input())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"stride": 0}, "conv2d: stride must be positive"),
        ({"stride": -1}, "conv2d: stride must be positive"),
        ({"dilation": 0}, "conv2d: dilation must be positive"),
        ({"padding": "full"}, "conv2d: padding must be an int, a pair, 'valid' or 'same'"),
        ({"padding": "same", "stride": 2}, "padding='same' needs stride 1"),
        ({"groups": 2}, "do not fit with groups=2"),
    ],
)
def test_conv2d_rejects_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        F.conv2d(ag.ones((1, 3, 5, 5)), ag.ones((4, 3, 3, 3)), **kwargs)


def test_conv_transpose2d_rejects_bad_arguments():
    x, weight = ag.ones((1, 2, 3, 3)), ag.ones((2, 4, 3, 3))
    with pytest.raises(ValueError, match=r"output_padding .* must be smaller than stride"):
        F.conv_transpose2d(x, weight, stride=2, output_padding=2)
    with pytest.raises(ValueError, match=r"weight.shape\[0\] == in_channels \(3\)"):
        F.conv_transpose2d(ag.ones((1, 3, 3, 3)), weight)
    with pytest.raises(ValueError, match=r"padding .* crops the whole"):
        F.conv_transpose2d(x, weight, padding=3)
    with pytest.raises(ValueError, match="stride must be positive"):
        nn.ConvTranspose2d(2, 4, 3, stride=0)


def test_conv_layers_reject_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"Conv2d: in_channels \(3\) .* divisible by groups \(2\)"):
        nn.Conv2d(3, 4, 3, groups=2)
