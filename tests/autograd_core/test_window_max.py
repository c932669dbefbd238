"""window_max and window_max_scatter (the primitives behind max pooling), the float32 shares of
max/min, and the memory layout of matmul's gradient for a transposed operand.

The registry's hypothesis tests (test_ops.py) already check both window primitives against
numpy and central differences, first and second order; here: ties, dtypes, layouts, errors,
and agreement with PyTorch's max pooling.
"""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.ops import window_max, window_max_scatter


def _pool_reference(x, kernel, stride, dilation):
    """Max over windows, by numpy's own sliding_window_view: (..., H, W) -> (..., OH, OW)."""
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    views = np.lib.stride_tricks.sliding_window_view(x, span, axis=(-2, -1))
    views = views[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]
    return views.max(axis=(-2, -1))


@pytest.mark.parametrize(
    "kernel, stride, dilation",
    [((2, 2), (2, 2), (1, 1)), ((3, 2), (1, 2), (1, 1)), ((2, 2), (1, 1), (2, 1))],
)
def test_window_max_forward_matches_numpy_in_float32(kernel, stride, dilation):
    x = np.random.default_rng(0).normal(size=(2, 3, 9, 8)).astype(np.float32)
    out = window_max(ag.Tensor(x), kernel, stride, dilation)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(
        out.detach().numpy(), _pool_reference(x, kernel, stride, dilation)
    )


def test_window_max_gradient_stays_float32():
    x = ag.Tensor(np.random.default_rng(1).normal(size=(2, 2, 4, 4)).astype(np.float32), True)
    window_max(x, 2, 2).sum().backward()
    assert x.grad.dtype == np.float32
    assert x.grad.detach().numpy().sum() == 2 * 2 * 2 * 2  # one winner per window, each gets 1


def test_window_max_scatter_splits_ties_equally():
    source = np.array([[1.0, 3.0, 0.0, 0.0], [3.0, 3.0, 0.0, 0.0]])
    out = window_max_scatter(ag.tensor([[6.0, 4.0]]), source, 2, stride=2)
    # three tied threes share 6; all four zeros tie and share 4
    np.testing.assert_allclose(out.detach().numpy(), [[0.0, 2.0, 1.0, 1.0], [2.0, 2.0, 1.0, 1.0]])


def test_window_max_scatter_adds_where_windows_overlap():
    source = np.array([[0.0, 5.0, 0.0]])
    out = window_max_scatter(ag.tensor([[1.0, 2.0]]), source, (1, 2), stride=1)
    np.testing.assert_allclose(out.detach().numpy(), [[0.0, 3.0, 0.0]])  # the 5 wins both windows


def test_window_max_gradient_of_gradient_matches_central_differences_with_weights():
    rng = np.random.default_rng(5)
    x = ag.Tensor(rng.permutation(16).reshape(4, 4) * 0.1, requires_grad=True)  # no ties
    weights = ag.Tensor(rng.normal(size=(3, 3)), requires_grad=True)
    assert ag.gradgradcheck(
        lambda a, w: window_max(a, 2, stride=1) * w, x, weights, atol=1e-4, rtol=1e-3
    )


def test_window_max_matches_torch_max_pool2d():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 8, 8)).astype(np.float32)
    upstream = rng.normal(size=(2, 3, 3, 3)).astype(np.float32)
    mine = ag.Tensor(x, requires_grad=True)
    out = window_max(mine, 3, stride=2)
    out.backward(upstream)
    theirs = torch.from_numpy(x).requires_grad_()
    expected = torch.nn.functional.max_pool2d(theirs, 3, stride=2)
    expected.backward(torch.from_numpy(upstream))
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    np.testing.assert_allclose(
        mine.grad.detach().numpy(), theirs.grad.numpy(), rtol=1e-6, atol=1e-6
    )


def test_window_max_rejects_a_window_larger_than_the_input():
    with pytest.raises(ValueError, match=r"window_max: a window spanning \(3, 3\)"):
        window_max(ag.ones((2, 2)), 3)


def test_window_max_scatter_rejects_values_of_the_wrong_shape():
    with pytest.raises(ValueError, match="window_max_scatter: x has shape"):
        window_max_scatter(ag.ones((3, 3)), np.ones((4, 4)), 2, stride=2)


# ------------------------------------------------------------- max/min shares, matmul layout


@pytest.mark.parametrize("op", [ag.amax, ag.amin])
def test_extremum_shares_keep_a_float32_input_in_float32(op):
    x = ag.Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32), requires_grad=True)
    out = op(x, axis=1)
    assert all(saved.dtype == np.float32 for saved in out.grad_fn._saved)
    out.backward(ag.ones(2))
    data = np.asarray(x)
    winners = data == (data.max if op is ag.amax else data.min)(axis=1, keepdims=True)
    np.testing.assert_allclose(np.asarray(x.grad), winners / winners.sum(axis=1, keepdims=True))


def test_matmul_gradient_of_a_transposed_operand_is_c_contiguous_underneath():
    rng = np.random.default_rng(3)
    x = ag.Tensor(rng.normal(size=(5, 7)).astype(np.float32), requires_grad=True)
    weight = ag.Tensor(rng.normal(size=(4, 7)).astype(np.float32), requires_grad=True)
    upstream = rng.normal(size=(5, 4)).astype(np.float32)
    (x @ weight.T).backward(upstream)
    assert weight.grad.detach().numpy().flags.c_contiguous
    np.testing.assert_allclose(
        weight.grad.detach().numpy(), upstream.T @ x.detach().numpy(), rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(
        x.grad.detach().numpy(), upstream @ weight.detach().numpy(), rtol=1e-5, atol=1e-5
    )


def test_matmul_transposed_operand_gradient_of_gradient_matches_central_differences():
    rng = np.random.default_rng(4)
    x = ag.Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    weight = ag.Tensor(rng.normal(size=(2, 4)), requires_grad=True)
    assert ag.gradgradcheck(lambda a, w: (a @ w.T) ** 2, x, weight, atol=1e-4, rtol=1e-3)
    assert ag.gradgradcheck(lambda a, w: (w.T.T @ a.T) ** 2, x, weight, atol=1e-4, rtol=1e-3)
