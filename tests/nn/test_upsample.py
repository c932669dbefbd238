"""interpolate (nearest) and Upsample: gradients against central differences, outputs and
gradients against PyTorch, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812


@st.composite
def resize_cases(draw):
    """An (N, C, *spatial) input and either a size or a scale factor (integer or not)."""
    spatial = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2), label="spatial")
    shape = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 2), label="C"), *spatial)
    x = np.random.default_rng(draw(st.integers(0, 2**16), label="seed")).normal(size=shape)
    if draw(st.booleans(), label="by size"):
        size = [draw(st.integers(1, 9), label="size") for _ in spatial]
        return x, {"size": size if len(size) > 1 else size[0]}
    factor = draw(st.sampled_from([1, 2, 3, 0.5, 1.5, 2.5, 1.7]), label="scale_factor")
    if any(int(n * factor) < 1 for n in spatial):
        factor = 2
    return x, {"scale_factor": factor}


@settings(max_examples=20)
@given(case=resize_cases())
def test_interpolate_gradient_matches_central_differences(case):
    x, kwargs = case
    assert ag.gradcheck(lambda t: F.interpolate(t, **kwargs), ag.Tensor(x, requires_grad=True))


@settings(max_examples=25)
@given(case=resize_cases(), seed=st.integers(0, 100))
def test_interpolate_matches_torch(case, seed):
    torch = pytest.importorskip("torch")
    x, kwargs = case
    leaf, torch_leaf = ag.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = F.interpolate(leaf, **kwargs)
    expected = torch.nn.functional.interpolate(torch_leaf, mode="nearest", **kwargs)
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    upstream = np.random.default_rng(seed).normal(size=out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(
        leaf.grad.detach().numpy(), torch_leaf.grad.numpy(), rtol=1e-10, atol=1e-12
    )


def test_interpolate_integer_factor_repeats_each_pixel():
    x = ag.Tensor(np.arange(6.0).reshape(1, 1, 2, 3), requires_grad=True)
    out = F.interpolate(x, scale_factor=(2, 3))
    np.testing.assert_array_equal(
        out.detach().numpy()[0, 0], np.kron(x.detach().numpy()[0, 0], np.ones((2, 3)))
    )
    out.sum().backward()
    np.testing.assert_array_equal(
        x.grad.detach().numpy(), np.full((1, 1, 2, 3), 6.0)
    )  # 2 * 3 copies each


def test_upsample_layer_matches_the_function_and_reprs():
    x = ag.randn(2, 3, 4, 5)
    np.testing.assert_array_equal(
        nn.Upsample(size=(7, 3))(x).detach().numpy(), F.interpolate(x, size=(7, 3)).detach().numpy()
    )
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2, mode='nearest')"


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: F.interpolate(ag.ones((1, 1, 2, 2)), size=4, mode="bilinear"),
            "only mode='nearest'",
        ),
        (lambda: F.interpolate(ag.ones((1, 1, 2, 2))), "exactly one of size and scale_factor"),
        (lambda: F.interpolate(ag.ones((2, 2)), size=4), r"got shape \(2, 2\)"),
        (
            lambda: F.interpolate(ag.ones((1, 1, 2, 2)), size=(1, 2, 3)),
            "one entry per spatial axis",
        ),
        (lambda: F.interpolate(ag.ones((1, 1, 2, 2)), scale_factor=0.1), "must be at least 1"),
        (
            lambda: nn.Upsample(scale_factor=2)(ag.ones((4, 4))),
            r"Upsample\(.*expected input of shape \(N, C, \*spatial\)",
        ),
    ],
)
def test_interpolate_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
