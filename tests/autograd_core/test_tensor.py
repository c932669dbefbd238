"""Tensor creation, the dtype policy, operators, ties, numerical stability and error messages."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core.testing import shapes, tied_array


def test_python_floats_take_the_default_dtype_and_arrays_keep_theirs():
    assert ag.tensor(1.5).dtype == np.float32
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.tensor(np.ones(2, dtype=np.float64)).dtype == np.float64
    assert ag.tensor(np.ones(2, dtype=np.float16)).dtype == np.float16
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([True]).dtype == bool


def test_set_default_dtype_changes_new_float_tensors():
    ag.set_default_dtype("float64")
    try:
        assert ag.tensor(1.0).dtype == np.float64
        assert ag.zeros(2).dtype == np.float64
        assert ag.randn(2, 2).dtype == np.float64
    finally:
        ag.set_default_dtype("float32")
    with pytest.raises(TypeError, match="floating dtype"):
        ag.set_default_dtype("int32")


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match=r"only floating-point tensors can require grad.*int64"):
        ag.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="only floating-point"):
        ag.tensor([1, 2]).requires_grad_()


@pytest.mark.parametrize("bad", [[1 + 2j], np.array(["a"]), np.array([object()]), "text"])
def test_non_numeric_data_is_refused(bad):
    with pytest.raises(TypeError, match="tensor: "):
        ag.tensor(bad)


def test_creation_helpers_take_numpy_and_pytorch_shapes():
    assert ag.zeros((2, 3)).shape == (2, 3)
    assert ag.zeros(3).shape == (3,)
    assert ag.ones((2,), dtype="float64").dtype == np.float64
    assert ag.full((2, 2), 7.0).detach().numpy().tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert ag.rand(2, 3).shape == ag.rand((2, 3)).shape == (2, 3)
    assert ag.randn(4).shape == (4,)
    assert ag.eye(3).detach().numpy().trace() == 3
    assert ag.arange(5).detach().numpy().tolist() == [0, 1, 2, 3, 4]
    assert ag.zeros_like(ag.ones((2, 2), dtype="float64")).dtype == np.float64
    assert ag.ones_like(np.zeros(3)).detach().numpy().sum() == 3
    assert ag.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(ValueError, match="zeros: a size cannot be negative"):
        ag.zeros((2, -1))


def test_manual_seed_makes_random_tensors_reproducible():
    ag.manual_seed(7)
    a = ag.randn(5).detach().numpy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(a, ag.randn(5).detach().numpy())


def test_scalars_are_zero_dimensional():
    x = ag.tensor(3.0, requires_grad=True)
    y = x * x
    assert x.shape == () and y.shape == () and y.ndim == 0
    assert y.item() == 9.0 and float(y) == 9.0


def test_python_numbers_adopt_the_tensor_dtype():
    x = ag.tensor([1.0], dtype="float32")
    for result in (x * 2.0, 2.0 * x, x + 1, 1 - x, x / 3.0, 3.0 / x, x**2.0, 2.0**x):
        assert result.dtype == np.float32


def test_numpy_arrays_work_on_either_side():
    x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    y = np.array([3.0, 4.0]) * x + x / np.array([2.0, 2.0]) - np.array([1.0, 1.0])
    assert isinstance(y, ag.Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [3.5, 4.5])
    view = np.asarray(x)  # for reading: shares the memory, but refuses writes (see test_inplace)
    assert np.shares_memory(view, x.detach().numpy()) and not view.flags.writeable


def test_comparisons_give_boolean_tensors_without_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == bool and not mask.requires_grad
    assert mask.detach().numpy().tolist() == [False, True, True]
    assert (x == 2.0).detach().numpy().tolist() == [False, True, False]
    assert (x <= 2.0).detach().numpy().tolist() == [True, True, False]


def test_tensors_hash_by_identity():
    a, b = ag.tensor(1.0), ag.tensor(1.0)
    assert len({a, b}) == 2


def test_repr_shows_grad_fn_and_requires_grad():
    x = ag.tensor([1.0], requires_grad=True)
    assert repr(x) == "tensor([1.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2.], grad_fn=<MulBackward0>)"
    assert "dtype=float64" in repr(ag.tensor([1.0], dtype="float64"))


def test_transpose_T_and_reshape_forms():
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.T.shape == (4, 3, 2)
    assert x.mT.shape == (2, 4, 3)
    assert x.permute(1, 0, 2).shape == x.permute((1, 0, 2)).shape == (3, 2, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.reshape(6, 4).shape == x.reshape((6, 4)).shape == (6, 4)
    assert x.reshape(-1).shape == (24,)


def test_indexing_with_repeated_integers_accumulates():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.detach().numpy().tolist() == [3.0, 0.0, 1.0]


def test_indexing_with_boolean_mask_and_slices():
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (x[x.detach().numpy() > 2].sum() + x[:, ::2].sum() + x[-1, 1]).backward()
    assert x.grad.detach().numpy().tolist() == [[1.0, 0.0, 1.0], [2.0, 2.0, 2.0]]


def test_iteration_and_len_follow_the_first_axis():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert len(x) == 2
    assert [row.detach().numpy().tolist() for row in x] == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(TypeError, match="0-d"):
        len(ag.tensor(1.0))


# ------------------------------------------------------------------------ tie rule


@given(data=st.data())
def test_max_and_min_split_ties_into_equal_shares(data):
    shape = data.draw(shapes(min_dims=1), label="shape")
    values = tied_array(data.draw, shape)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    for reduce in (np.max, np.min):
        x = ag.tensor(values, requires_grad=True)
        out, _ = (ag.max if reduce is np.max else ag.min)(x, axis=axis)
        upstream = np.arange(1.0, out.numel() + 1).reshape(out.shape)
        out.backward(upstream)
        winners = values == reduce(values, axis=axis, keepdims=True)
        counts = winners.sum(axis=axis, keepdims=True)
        expected = winners * np.expand_dims(upstream, axis) / counts
        np.testing.assert_allclose(x.grad.detach().numpy(), expected)
        np.testing.assert_allclose(x.grad.detach().numpy().sum(axis=axis), upstream)


@given(data=st.data())
def test_maximum_and_minimum_split_ties_in_half(data):
    shape = data.draw(shapes(), label="shape")
    a, b = tied_array(data.draw, shape, "a"), tied_array(data.draw, shape, "b")
    for op in (ag.maximum, ag.minimum):
        x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
        op(x, y).sum().backward()
        wins = (a > b) if op is ag.maximum else (a < b)
        np.testing.assert_allclose(x.grad.detach().numpy(), np.where(a == b, 0.5, wins))
        np.testing.assert_allclose(
            x.grad.detach().numpy() + y.grad.detach().numpy(), np.ones(shape)
        )


# ---------------------------------------------------------------- numerical stability


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise", invalid="raise"):
        out = ag.sigmoid(ag.tensor([-1000.0, -80.0, 0.0, 80.0, 1000.0], dtype="float64"))
    assert np.all(np.isfinite(out.detach().numpy()))
    assert (
        out.detach().numpy()[0] == 0.0
        and out.detach().numpy()[-1] == 1.0
        and out.detach().numpy()[2] == 0.5
    )


def test_softmax_and_log_softmax_are_stable_for_logits_of_size_1000():
    logits = np.array([1000.0, 999.0, -1000.0])
    with np.errstate(over="raise"):
        p = ag.softmax(ag.tensor(logits)).detach().numpy()
        logp = ag.log_softmax(ag.tensor(logits)).detach().numpy()
        lse = ag.logsumexp(ag.tensor(logits)).item()
    shifted = np.exp(logits - 1000.0)
    np.testing.assert_allclose(p, shifted / shifted.sum(), rtol=1e-6)
    np.testing.assert_allclose(logp, logits - 1000.0 - np.log(shifted.sum()), rtol=1e-6)
    assert lse == pytest.approx(1000.0 + np.log(shifted.sum()))


def test_log_softmax_gradient_is_finite_for_huge_logits():
    x = ag.tensor([1000.0, -1000.0], dtype="float64", requires_grad=True)
    ag.log_softmax(x)[0].backward()
    assert np.all(np.isfinite(x.grad.detach().numpy()))
    np.testing.assert_allclose(x.grad.detach().numpy(), [0.0, 0.0], atol=1e-12)


# ---------------------------------------------------------------------- error messages


def test_mismatched_matmul_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) do not match"):
        ag.ones((2, 3)) @ ag.ones((4, 5))


def test_mismatched_broadcast_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        ag.ones((2, 3)) + ag.ones(4)


def test_axis_out_of_range_names_axis_and_ndim():
    with pytest.raises(IndexError, match=r"sum: dim 2 is out of range for a tensor with 2 dims"):
        ag.ones((2, 3)).sum(axis=2)
    with pytest.raises(ValueError, match="repeats a dim"):
        ag.ones((2, 3)).sum(axis=(0, -2))


def test_bad_reshape_names_both_shapes():
    with pytest.raises(ValueError, match=r"reshape: cannot reshape .*\(2, 3\).*into shape \(4,\)"):
        ag.ones((2, 3)).reshape(4)


def test_failed_op_leaves_inputs_untouched():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError):
        x @ ag.ones((3, 3))
    assert x.grad is None and x.detach().numpy().tolist() == [1.0, 2.0]
