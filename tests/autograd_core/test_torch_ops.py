"""Ops written as torch expressions, evaluated with torch and with autograd_core.

Each case is a function of the library module and float64 leaf tensors; the
values, the gradients of a random weighting of the outputs (named-tuple
results compared field by field), and for the error cases the exception
types must agree with PyTorch.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch", reason="the PyTorch oracle: pip install -e '.[torch]'")

RNG = np.random.default_rng(0)


def _arrays(shapes, kind="real"):
    arrays = []
    for shape in shapes:
        a = RNG.uniform(-2, 2, shape)
        if kind == "positive":
            a = np.abs(a) + 0.2
        arrays.append(a)
    return arrays


def _evaluate(lib, expression, arrays):
    leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = expression(lib, *leaves)
    outs = tuple(out) if isinstance(out, tuple) else (out,)
    values = [np.asarray(o.detach().numpy()) for o in outs]
    differentiable = [o for o in outs if o.requires_grad]
    grads = [None] * len(leaves)
    if differentiable:
        loss = sum((o * lib.tensor(_weights(o.shape))).sum() for o in differentiable)
        loss.backward()
        grads = [None if x.grad is None else np.asarray(x.grad.numpy()) for x in leaves]
    return values, grads


def _weights(shape):
    return np.cos(np.arange(int(np.prod(shape))) + 1.0).reshape(shape)


def assert_same_as_torch(expression, arrays):
    theirs = _evaluate(torch, expression, arrays)
    ours = _evaluate(ag, expression, arrays)
    for mine, expected in zip(ours[0], theirs[0]):
        assert mine.shape == expected.shape
        np.testing.assert_allclose(mine, expected, rtol=1e-10, atol=1e-12)
    for mine, expected in zip(ours[1], theirs[1]):
        if expected is None or not np.any(expected):
            assert mine is None or not np.any(mine)
        else:
            np.testing.assert_allclose(mine, expected, rtol=1e-10, atol=1e-12)


SIGNATURES = {
    "sum_dim": (lambda m, x: m.sum(x, dim=1), [(2, 3)]),
    "sum_dim_tuple_keepdim": (lambda m, x: x.sum((0, 2), keepdim=True), [(2, 3, 4)]),
    "sum_axis_alias": (lambda m, x: m.sum(x, axis=0), [(2, 3)]),
    "sum_keepdims_alias": (lambda m, x: x.sum(axis=1, keepdims=True), [(2, 3)]),
    "sum_0d_dim0": (lambda m, x: m.sum(x, 0), [()]),
    "sum_0d_dim-1": (lambda m, x: x.sum(-1), [()]),
    "mean_dim_keepdim": (lambda m, x: x.mean(dim=-1, keepdim=True), [(3, 4)]),
    "mean_0d": (lambda m, x: m.mean(x, 0), [()]),
    "softmax_0d": (lambda m, x: m.softmax(x, 0), [()]),
    "log_softmax_0d": (lambda m, x: m.log_softmax(x, -1), [()]),
    "logsumexp_0d": (lambda m, x: m.logsumexp(x, 0), [()]),
    "logsumexp_dim": (lambda m, x: m.logsumexp(x, dim=1, keepdim=True), [(2, 3)]),
    "softmax_dim": (lambda m, x: x.softmax(dim=0), [(3, 2)]),
    "max_dim": (lambda m, x: m.max(x, 1), [(3, 4)]),
    "max_dim_keepdim": (lambda m, x: x.max(dim=0, keepdim=True), [(3, 4)]),
    "max_0d_dim": (lambda m, x: m.max(x, 0), [()]),
    "max_all": (lambda m, x: m.max(x), [(3, 4)]),
    "max_other": (lambda m, x, y: m.max(x, y), [(3, 4), (4,)]),
    "min_dim": (lambda m, x: m.min(x, -1), [(3, 4)]),
    "min_other": (lambda m, x, y: x.min(y), [(3, 1), (4,)]),
    "max_values_field": (lambda m, x: m.max(x, 1).values, [(2, 5)]),
    "min_indices_field": (lambda m, x: m.min(x, 1).indices, [(2, 5)]),
    "amax_dims": (lambda m, x: m.amax(x, dim=(0, 2)), [(2, 3, 4)]),
    "amin_keepdim": (lambda m, x: x.amin(1, keepdim=True), [(2, 3)]),
    "argmax_dim": (lambda m, x: m.argmax(x, dim=1, keepdim=True), [(3, 4)]),
    "argmin_all": (lambda m, x: x.argmin(), [(3, 4)]),
    "var_default_unbiased": (lambda m, x: x.var(), [(3, 4)]),
    "var_dim": (lambda m, x: m.var(x, 1), [(3, 4)]),
    "var_correction0": (lambda m, x: m.var(x, dim=0, correction=0), [(3, 4)]),
    "var_unbiased_false": (lambda m, x: x.var(1, unbiased=False, keepdim=True), [(3, 4)]),
    "var_positional_unbiased": (lambda m, x: m.var(x, 0, True), [(3, 4)]),
    "var_correction2": (lambda m, x: m.var(x, correction=2), [(6,)]),
    "std_default": (lambda m, x: x.std(), [(3, 4)]),
    "std_dim_correction0": (lambda m, x: m.std(x, dim=1, correction=0), [(3, 4)]),
    "transpose_2d": (lambda m, x: x.transpose(0, 1), [(2, 3)]),
    "transpose_3d_negative": (lambda m, x: m.transpose(x, -1, 0), [(2, 3, 4)]),
    "transpose_same": (lambda m, x: x.transpose(1, 1), [(2, 3)]),
    "permute": (lambda m, x: x.permute(2, 0, 1), [(2, 3, 4)]),
    "permute_tuple": (lambda m, x: m.permute(x, (1, 0, 2)), [(2, 3, 4)]),
    "t_2d": (lambda m, x: x.t(), [(2, 3)]),
    "t_1d": (lambda m, x: m.t(x), [(3,)]),
    "T_2d": (lambda m, x: x.T, [(2, 3)]),
    "mT": (lambda m, x: x.mT, [(2, 3, 4)]),
    "squeeze_non_1_noop": (lambda m, x: x.squeeze(1), [(1, 3, 1)]),
    "squeeze_dim": (lambda m, x: m.squeeze(x, 0), [(1, 3, 1)]),
    "squeeze_all": (lambda m, x: x.squeeze(), [(1, 3, 1)]),
    "squeeze_tuple": (lambda m, x: x.squeeze((0, 1)), [(1, 3, 1)]),
    "unsqueeze": (lambda m, x: x.unsqueeze(-1), [(2, 3)]),
    "unsqueeze_front": (lambda m, x: m.unsqueeze(x, 0), [(2, 3)]),
    "flatten_start": (lambda m, x: m.flatten(x, 1), [(2, 3, 4)]),
    "flatten_range": (lambda m, x: x.flatten(0, 1), [(2, 3, 4)]),
    "flatten_0d": (lambda m, x: x.flatten(), [()]),
    "clamp_min_gt_max": (lambda m, x: m.clamp(x, 3, 0), [(2, 3)]),
    "clip_min_gt_max": (lambda m, x: x.clip(1.0, -1.0), [(2, 3)]),
    "clamp_min_only": (lambda m, x: x.clamp(min=0.0), [(2, 3)]),
    "cat_dim": (lambda m, x, y: m.cat([x, y], dim=1), [(2, 3), (2, 1)]),
    "concat": (lambda m, x, y: m.concat([x, y]), [(2, 3), (1, 3)]),
    "stack_dim": (lambda m, x, y: m.stack([x, y], dim=-1), [(2, 3), (2, 3)]),
    "rsqrt": (lambda m, x: m.rsqrt(x.abs() + 0.5), [(2, 3)]),
    "add_sub_alpha": (lambda m, x, y: m.add(x, y, alpha=2) + x.sub(y, alpha=0.5), [(2, 3), (3,)]),
    "mul_div_methods": (lambda m, x, y: x.mul(y) + x.div(y) + m.mul(x, 2), [(2, 3), (3,)]),
    "div_rounding": (
        lambda m, x: m.div(x * 5, 2, rounding_mode="floor") + x.div(3, rounding_mode="trunc"),
        [(2, 3)],
    ),
    "div_rounding_int": (lambda m, x: (m.tensor([7, -7]).div(2, rounding_mode="floor"),), [()]),
    "where_method": (lambda m, x, y: x.where(x > 0, y), [(2, 3), (3,)]),
    "comparison_methods": (
        lambda m, x, y: (x.less(y), x.greater_equal(y), x.not_equal(y), x.swapdims(0, 1)),
        [(2, 3), (3,)],
    ),
    "sin_cos_tan": (lambda m, x: m.sin(x) + x.cos() * m.tan(x / 4), [(2, 3)]),
    "sign": (lambda m, x: m.sign(x) * x, [(2, 3)]),
    "log1p_expm1": (lambda m, x: m.log1p(x.abs()) + x.expm1(), [(2, 3)]),
    "square": (lambda m, x: m.square(x) + x.square(), [(2, 3)]),
    "floor_ceil_round": (lambda m, x: m.floor(x) + x.ceil() + m.round(x * 3), [(2, 3)]),
    "round_decimals": (lambda m, x: m.round(x, decimals=2), [(2, 3)]),
    "isnan_isinf_isfinite": (
        lambda m, x: (m.isnan(x * float("nan")), m.isinf(x * float("inf")), x.isfinite()),
        [(3,)],
    ),
    "logical": (
        lambda m, x, y: (
            m.logical_and(x > 0, y > 0),
            m.logical_or(x > 0, y),
            m.logical_xor(x, y > 0),
            m.logical_not(x > 0),
            (x > 0).logical_and(y < 0),
        ),
        [(2, 3), (3,)],
    ),
    "all_any": (lambda m, x: (m.all(x > 0), (x > 0).any(dim=1), m.all(x > -1, 0, True)), [(2, 3)]),
    "eq_ne_lt_le_gt_ge": (
        lambda m, x, y: (m.eq(x, y), m.ne(x, y), m.lt(x, y), x.le(y), x.gt(0), m.ge(x, y)),
        [(2, 3), (3,)],
    ),
    "mm": (lambda m, x, y: m.mm(x, y) + x.mm(y), [(2, 3), (3, 4)]),
    # one 2-d y for every matrix of a batched x: y's gradient is one product over all rows
    "matmul_batched_by_matrix": (lambda m, x, y: x @ y, [(2, 3, 4, 5), (5, 2)]),
    "matmul_batched_by_transposed": (lambda m, x, y: x @ y.T, [(3, 4, 5), (2, 5)]),
    # large enough (over a million multiply-adds) for `_matmul` to compute x @ z^T as
    # (z @ x^T)^T: the products of the forward and of both gradients take that path
    "matmul_wide_by_transposed": (lambda m, x, y: x @ y.T, [(16, 400), (200, 400)]),
    "matmul_conv_like": (lambda m, x, y: x @ y, [(16, 150), (150, 2000)]),
    "matmul_batched_conv_like": (lambda m, x, y: x @ y, [(2, 16, 150), (2, 150, 2000)]),
    "matmul_permuted_by_matrix": (lambda m, x, y: x.permute(1, 0, 2) @ y, [(4, 3, 5), (5, 2)]),
    "matmul_vector_by_batched": (lambda m, x, y: x @ y, [(4,), (2, 4, 3)]),
    "matmul_batched_by_vector": (lambda m, x, y: x @ y, [(2, 3, 4), (4,)]),
    "bmm": (lambda m, x, y: m.bmm(x, y), [(2, 3, 4), (2, 4, 1)]),
    "mv": (lambda m, x, y: m.mv(x, y) + x.mv(y), [(2, 3), (3,)]),
    "dot": (lambda m, x, y: m.dot(x, y) + x.dot(y) + m.inner(x, y), [(3,), (3,)]),
    "outer": (lambda m, x, y: m.outer(x, y) + x.outer(y) + m.ger(x, y), [(3,), (2,)]),
    "einsum_matmul": (lambda m, x, y: m.einsum("ij,jk->ik", x, y), [(2, 3), (3, 4)]),
    "einsum_implicit": (lambda m, x, y: m.einsum("ij,jk", x, y), [(2, 3), (3, 4)]),
    "einsum_list": (lambda m, x, y: m.einsum("bij,bjk->bik", [x, y]), [(2, 2, 3), (2, 3, 1)]),
    "einsum_trace_sum": (lambda m, x: m.einsum("ij->", x) + m.einsum("ij->j", x).sum(), [(2, 3)]),
    "einsum_ellipsis": (lambda m, x, y: m.einsum("...ij,...jk->...ik", x, y), [(2, 2, 3), (3, 4)]),
    "einsum_ellipsis_implicit": (lambda m, x: m.einsum("...ij", x), [(2, 2, 3)]),
    "einsum_diagonal": (lambda m, x: m.einsum("ii->i", x) + m.einsum("ii", x), [(3, 3)]),
    "einsum_batch_diagonal": (lambda m, x, y: m.einsum("bii,bi->b", x, y), [(2, 3, 3), (2, 3)]),
    "einsum_size_1": (lambda m, x, y: m.einsum("ij,ij->i", x, y), [(1, 3), (4, 3)]),
    "einsum_three": (lambda m, x, y, z: m.einsum("i,ij,j->", x, y, z), [(2,), (2, 3), (3,)]),
    "gather": (lambda m, x: m.gather(x, 1, m.tensor([[0, 0, 2], [1, 0, 0]])), [(2, 3)]),
    "gather_method_dim0": (lambda m, x: x.gather(0, m.tensor([[1, 0, 1]])), [(2, 3)]),
    "scatter_add": (
        lambda m, x, y: m.scatter_add(x, 1, m.tensor([[0, 0], [2, 1]]), y),
        [(2, 3), (2, 2)],
    ),
    "scatter_add_method": (
        lambda m, x, y: x.scatter_add(0, m.tensor([[1, 0, 1]]), y),
        [(2, 3), (1, 3)],
    ),
    "scatter_src": (lambda m, x, y: m.scatter(x, 0, m.tensor([[1, 0, 1]]), y), [(2, 3), (1, 3)]),
    "scatter_value": (lambda m, x: x.scatter(1, m.tensor([[2], [0]]), 5.0), [(2, 3)]),
    "index_select": (lambda m, x: m.index_select(x, 1, m.tensor([2, 0, 2])), [(2, 3)]),
    "index_select_method": (lambda m, x: x.index_select(0, m.tensor([1])), [(2, 3)]),
    "masked_fill": (lambda m, x: m.masked_fill(x, x > 0, -1.0), [(2, 3)]),
    "masked_fill_broadcast": (
        lambda m, x: x.masked_fill(m.tensor([True, False, True]), 0.5),
        [(2, 3)],
    ),
    "masked_select": (lambda m, x: m.masked_select(x, x > 0), [(2, 3)]),
    "masked_select_broadcast": (
        lambda m, x: x.masked_select(m.tensor([[True], [False]])),
        [(2, 3)],
    ),
}


@pytest.mark.parametrize("name", SIGNATURES)
def test_signature_matches_torch(name):
    expression, shapes = SIGNATURES[name]
    assert_same_as_torch(expression, _arrays(shapes))


ERRORS = {
    "sum_dim_out_of_range": (lambda m, x: x.sum(2), [(2, 3)], IndexError),
    "sum_0d_dim_1": (lambda m, x: m.sum(x, 1), [()], IndexError),
    "softmax_dim_out_of_range": (lambda m, x: m.softmax(x, 3), [(2, 3)], IndexError),
    "transpose_out_of_range": (lambda m, x: x.transpose(0, 2), [(2, 3)], IndexError),
    "t_3d": (lambda m, x: x.t(), [(2, 3, 4)], RuntimeError),
    "permute_wrong_length": (lambda m, x: x.permute(1, 0), [(2, 3, 4)], RuntimeError),
    "squeeze_out_of_range": (lambda m, x: x.squeeze(3), [(1, 3)], IndexError),
    "cumsum_out_of_range": (lambda m, x: m.cumsum(x, 2), [(2, 3)], IndexError),
    "mm_1d": (lambda m, x: m.mm(x, x), [(3,)], RuntimeError),
    "mm_3d": (lambda m, x: m.mm(x, x), [(2, 2, 2)], RuntimeError),
    "mm_mismatch": (lambda m, x: m.mm(x, x), [(2, 3)], RuntimeError),
    "bmm_2d": (lambda m, x: m.bmm(x, x), [(2, 2)], RuntimeError),
    "bmm_batch_mismatch": (lambda m, x, y: m.bmm(x, y), [(2, 2, 2), (3, 2, 2)], RuntimeError),
    "mv_2d_vector": (lambda m, x: m.mv(x, x), [(2, 2)], RuntimeError),
    "dot_sizes": (lambda m, x, y: m.dot(x, y), [(2,), (3,)], RuntimeError),
    "dot_2d": (lambda m, x: m.dot(x, x), [(2, 2)], RuntimeError),
    "outer_2d": (lambda m, x: m.outer(x, x), [(2, 2)], RuntimeError),
    "einsum_operand_count": (lambda m, x: m.einsum("ij,jk->ik", x), [(2, 2)], RuntimeError),
    "einsum_sizes": (lambda m, x, y: m.einsum("ij,ij->i", x, y), [(2, 3), (4, 3)], RuntimeError),
    "einsum_ellipsis_twice": (lambda m, x: m.einsum("...i...", x), [(2, 3)], RuntimeError),
    "einsum_output_unknown": (lambda m, x: m.einsum("ij->k", x), [(2, 3)], RuntimeError),
    "einsum_subscripts_rank": (lambda m, x: m.einsum("ijk->i", x), [(2, 2)], RuntimeError),
    "gather_out_of_range": (lambda m, x: m.gather(x, 1, m.tensor([[3]])), [(2, 3)], RuntimeError),
    "gather_negative": (lambda m, x: m.gather(x, 1, m.tensor([[-1]])), [(2, 3)], RuntimeError),
    "scatter_add_negative": (
        lambda m, x: x.scatter_add(0, m.tensor([[-1]]), x),
        [(2, 3)],
        RuntimeError,
    ),
    "index_select_negative": (
        lambda m, x: m.index_select(x, 1, m.tensor([-1])),
        [(2, 3)],
        RuntimeError,
    ),
    "gather_float_index": (lambda m, x: m.gather(x, 0, x), [(2, 3)], RuntimeError),
    "gather_ndim": (lambda m, x: m.gather(x, 0, m.tensor([0])), [(2, 3)], RuntimeError),
    "gather_dim": (lambda m, x: m.gather(x, 2, m.tensor([[0]])), [(2, 3)], IndexError),
    "index_select_2d_index": (
        lambda m, x: m.index_select(x, 0, m.tensor([[0]])),
        [(2, 3)],
        IndexError,
    ),
    "index_select_out_of_range": (
        lambda m, x: m.index_select(x, 0, m.tensor([2])),
        [(2, 3)],
        IndexError,
    ),
    "masked_fill_float_mask": (lambda m, x: m.masked_fill(x, x, 0.0), [(2, 3)], RuntimeError),
    "masked_fill_mask_too_big": (
        lambda m, x: m.masked_fill(x, m.tensor([[True]] * 3), 0.0),
        [(2, 3)],
        RuntimeError,
    ),
    "masked_select_shapes": (
        lambda m, x: m.masked_select(x, m.tensor([True, False])),
        [(2, 3)],
        RuntimeError,
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_error_is_caught_as_torch_raises_it(name):
    expression, shapes, kind = ERRORS[name]
    arrays = _arrays(shapes)
    with pytest.raises(kind):
        expression(torch, *[torch.tensor(a) for a in arrays])
    with pytest.raises(kind if kind is not RuntimeError else (RuntimeError, ValueError)):
        expression(ag, *[ag.tensor(a) for a in arrays])


def test_dim_and_its_alias_together_are_refused():
    x = ag.ones((2, 3))
    with pytest.raises(TypeError, match="sum: got both dim=0 and its alias axis=1"):
        ag.sum(x, dim=0, axis=1)
    with pytest.raises(TypeError, match="mean: got both keepdim and its alias keepdims"):
        x.mean(0, keepdim=True, keepdims=True)


def test_max_with_dim_is_a_named_tuple_that_unpacks():
    values, indices = ag.max(ag.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]]), 1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert indices.dtype == np.int64
    result = ag.tensor([[1.0, 5.0]]).min(dim=1)
    assert result[0] is result.values and type(result).__name__ == "min"


@pytest.mark.parametrize(
    "pair",
    [
        ([1.0, 2.0], [1, 2]),
        ([1.0, 2.0], [1.0, 3.0]),
        ([[1.0, 2.0]], [1.0, 2.0]),
        ([np.nan], [np.nan]),
    ],
)
def test_equal_is_one_bool_as_torch_equal(pair):
    x, y = pair
    ours = ag.equal(ag.tensor(x), ag.tensor(y))
    assert type(ours) is bool and ours == torch.equal(torch.tensor(x), torch.tensor(y))
    assert ag.tensor(x).equal(ag.tensor(y)) == ours


def test_every_public_op_that_torch_has_as_a_tensor_method_is_one_here():
    missing = [n for n in ag.ops.__all__ if hasattr(torch.Tensor, n) and not hasattr(ag.Tensor, n)]
    assert not missing, f"public ops without the Tensor method PyTorch has: {missing}"
