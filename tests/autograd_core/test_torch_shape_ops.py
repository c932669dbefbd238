"""The shape, rearranging, cutting and sorting ops written as torch expressions, evaluated
with torch and with autograd_core: values, gradients and error types must agree.

The helpers are those of test_torch_ops.py (a random weighting of each output is
back-propagated; named tuples are compared field by field).
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from tests.autograd_core.test_torch_ops import _arrays, assert_same_as_torch

torch = pytest.importorskip("torch", reason="the PyTorch oracle: pip install -e '.[torch]'")

TIES = np.array([[2.0, 1.0, 2.0, 3.0, 1.0], [0.0, 0.0, 0.0, -1.0, 0.0]])
WITH_NAN = np.array([[1.0, np.nan, -1.0, 2.0], [np.nan, 0.5, 0.5, np.nan]])

SIGNATURES = {
    "view": (lambda m, x: x.view(3, 4) + x.view(-1, 2).view(3, 4), [(2, 6)]),
    "view_tuple": (lambda m, x: x.view((4, -1)), [(2, 6)]),
    "view_0d": (lambda m, x: x.view(1, 1), [()]),
    "view_empty": (lambda m, x: x.view(3, 0), [(0, 3)]),
    "view_as": (lambda m, x, y: x.view_as(y), [(2, 3), (3, 2)]),
    "view_after_transpose_compatible": (lambda m, x: x.t().view(3, 1, 2), [(2, 3)]),
    "reshape_as": (lambda m, x, y: x.t().reshape_as(y), [(2, 3), (6,)]),
    "expand": (lambda m, x: x.expand(2, 3, 4), [(3, 1)]),
    "expand_minus_one": (lambda m, x: x.expand(-1, 4), [(3, 1)]),
    "expand_tuple": (lambda m, x: x.expand((2, -1)), [(3,)]),
    "expand_as": (lambda m, x, y: x.expand_as(y) * y, [(1, 3), (2, 3)]),
    "unflatten": (lambda m, x: x.unflatten(1, (2, -1)), [(2, 6)]),
    "unflatten_function": (lambda m, x: m.unflatten(x, -1, (3, 2)), [(2, 6)]),
    "contiguous": (lambda m, x: x.t().contiguous().view(-1), [(2, 3)]),
    "clone": (lambda m, x: x.clone() * 2 + m.clone(x), [(2, 3)]),
    "flip": (lambda m, x: m.flip(x, (0, 2)), [(2, 3, 4)]),
    "flip_method_varargs": (lambda m, x: x.flip(0, -1) + x.flip(1), [(2, 3)]),
    "flip_0d": (lambda m, x: m.flip(x, (0,)), [()]),
    "roll": (lambda m, x: m.roll(x, 1, 1), [(2, 3)]),
    "roll_flattened": (lambda m, x: x.roll(4), [(2, 3)]),
    "roll_dims": (lambda m, x: m.roll(x, (1, -2), (0, 1)), [(2, 3)]),
    "repeat": (lambda m, x: x.repeat(2, 3), [(2, 3)]),
    "repeat_new_dims": (lambda m, x: x.repeat(2, 1, 2), [(3,)]),
    "repeat_tuple_zero": (lambda m, x: x.repeat((0, 2)), [(2, 3)]),
    "tile": (lambda m, x: m.tile(x, (2,)), [(2, 3)]),
    "tile_longer": (lambda m, x: x.tile(2, 1, 2), [(2, 3)]),
    "tril": (lambda m, x: m.tril(x), [(3, 4)]),
    "tril_diagonal": (lambda m, x: x.tril(diagonal=-1) + x.tril(2), [(2, 3, 4)]),
    "triu": (lambda m, x: m.triu(x, 1), [(4, 3)]),
    "triu_inf": (lambda m, x: m.triu(x * float("inf")) == 0, [(3, 3)]),
    "narrow": (lambda m, x: m.narrow(x, 1, 1, 2), [(2, 4)]),
    "narrow_negative_start": (lambda m, x: x.narrow(0, -2, 2), [(3, 2)]),
    "split_size": (lambda m, x: m.split(x, 2), [(5, 2)]),
    "split_sizes": (lambda m, x: x.split([1, 0, 3], dim=1), [(2, 4)]),
    "split_larger": (lambda m, x: x.split(10, -1), [(2, 4)]),
    "chunk": (lambda m, x: m.chunk(x, 3), [(5, 2)]),
    "chunk_fewer": (lambda m, x: x.chunk(4, dim=1), [(2, 6)]),
    "chunk_empty": (lambda m, x: x.chunk(2), [(0, 2)]),
    "unbind": (lambda m, x: m.unbind(x, 1), [(2, 3)]),
    "unbind_default": (lambda m, x: x.unbind(), [(2, 3)]),
    "sort": (lambda m, x: m.sort(x), [(3, 4)]),
    "sort_descending_dim0": (lambda m, x: x.sort(0, descending=True), [(3, 4)]),
    "sort_0d": (lambda m, x: m.sort(x), [()]),
    "argsort": (lambda m, x: m.argsort(x, dim=0, descending=True), [(3, 4)]),
    "topk": (lambda m, x: m.topk(x, 2), [(3, 4)]),
    "topk_smallest_dim0": (lambda m, x: x.topk(2, dim=0, largest=False), [(3, 4)]),
    "topk_k0": (lambda m, x: m.topk(x, 0), [(3, 4)]),
    "topk_0d": (lambda m, x: m.topk(x, 1), [()]),
    "max_dim_named": (lambda m, x: m.max(x, 1), [(3, 4)]),
    "log2_log10_exp2": (lambda m, x: m.log2(x.abs() + 1) + x.abs().log10() + x.exp2(), [(2, 3)]),
    "erf": (lambda m, x: m.erf(x) + x.erf(), [(2, 3)]),
    "diagonal": (lambda m, x: m.diagonal(x) + x.diagonal(0), [(3, 3)]),
    "diagonal_offset_dims": (lambda m, x: m.diagonal(x, -1, 2, 0), [(3, 2, 4)]),
    "diagonal_offset_past": (lambda m, x: x.diagonal(5), [(3, 3)]),
    "diag_vector": (lambda m, x: m.diag(x) + x.diag(1)[:3, :3] + m.diag(x, -2)[2:, :3], [(3,)]),
    "diag_matrix": (lambda m, x: m.diag(x, 1), [(3, 4)]),
    "trace": (lambda m, x: m.trace(x) + x.trace(), [(3, 4)]),
    "nonzero": (lambda m, x: (m.nonzero(x > 0), x.argwhere(), m.argwhere(x > 1)), [(3, 4)]),
    "nonzero_as_tuple": (lambda m, x: m.nonzero(x > 0, as_tuple=True), [(3, 4)]),
    "where_condition_only": (lambda m, x: m.where(x > 0), [(3, 4)]),
    "unique": (
        lambda m, x: m.unique((x * 2).round().detach(), return_inverse=True, return_counts=True),
        [(3, 4)],
    ),
    "unique_method": (lambda m, x: (x > 0).unique(), [(3, 4)]),
    "inverse_trig": (lambda m, x: m.asin(x / 3) + (x / 3).acos() + m.atan(x), [(2, 3)]),
    "atan2": (lambda m, x, y: m.atan2(x, y) + y.atan2(x), [(2, 3), (3,)]),
    "sinh_cosh": (lambda m, x: m.sinh(x) + x.cosh(), [(2, 3)]),
    "reciprocal_frac": (lambda m, x: m.reciprocal(x) + (x * 3).frac() + m.frac(-x), [(2, 3)]),
    "lerp": (lambda m, x, y: m.lerp(x, y, 0.3) + x.lerp(y, y), [(2, 3), (3,)]),
    "clamp_min_max": (lambda m, x: m.clamp_min(x, 0.1) + x.clamp_max(-0.2), [(2, 3)]),
    "true_floor_divide": (
        lambda m, x: m.true_divide(x, 3) + m.floor_divide(x.detach() * 4, 3),
        [(2, 3)],
    ),
    "floor_divide_int": (lambda m, x: (m.tensor([7, -7]).floor_divide(2),), [()]),
    "movedim": (lambda m, x: m.movedim(x, 0, -1) + 0, [(2, 3, 4)]),
    "movedim_many": (lambda m, x: x.movedim((0, 1), (2, 0)), [(2, 3, 4)]),
    "moveaxis": (lambda m, x: m.moveaxis(x, -1, 0), [(2, 3, 4)]),
    "select": (lambda m, x: m.select(x, 1, -1) + x.select(0, 1).sum(), [(2, 3)]),
    "type_as": (lambda m, x: (x.type_as(m.tensor([1])),), [(2, 3)]),
    "count_nonzero": (
        lambda m, x: (m.count_nonzero(x > 0), (x > 0).count_nonzero(dim=1)),
        [(2, 3)],
    ),
    "scatter_inplace_one_hot": (
        lambda m, x: m.zeros(3, 4).scatter_(1, m.tensor([2, 0, 1]).view(-1, 1), 1) * x,
        [(3, 4)],
    ),
    "scatter_inplace_recorded": (
        lambda m, x, y: (x * 2).scatter_(1, m.tensor([[2], [0]]), y),
        [(2, 3), (2, 1)],
    ),
    "scatter_add_inplace": (
        lambda m, x, y: (x * 1).scatter_add_(0, m.tensor([[1, 0, 1]]), y),
        [(2, 3), (1, 3)],
    ),
    "take": (lambda m, x: m.take(x, m.tensor([[0, 5], [-1, 2]])) + x.take(m.tensor(3)), [(2, 3)]),
    "take_along_dim": (
        lambda m, x: (
            m.take_along_dim(x, m.tensor([[0], [2]]), 1)
            + x.take_along_dim(m.tensor([[0, 1, 1]]), dim=0).sum()
        ),
        [(2, 3)],
    ),
    "take_along_dim_broadcast": (
        lambda m, x: m.take_along_dim(x, m.tensor([[[1]], [[0]]]), 1),
        [(2, 3, 4)],
    ),
    "take_along_dim_flat": (lambda m, x: m.take_along_dim(x, m.tensor([5, 0])), [(2, 3)]),
    "take_along_dim_argsort": (lambda m, x: m.take_along_dim(x, x.argsort(dim=1), dim=1), [(3, 4)]),
    "isclose_allclose": (
        lambda m, x, y: (m.isclose(x, x + 1e-9), x.isclose(y), m.tensor(m.allclose(x, x + 1e-9))),
        [(2, 3), (3,)],
    ),
}


@pytest.mark.parametrize("name", SIGNATURES)
def test_signature_matches_torch(name):
    expression, shapes = SIGNATURES[name]
    assert_same_as_torch(expression, _arrays(shapes))


# Ties (stable order: equal values keep their order) and NaN (the largest value).
ORDERED = {
    "sort_ties_stable": lambda m, x: m.sort(x, stable=True),
    "sort_ties_descending": lambda m, x: m.sort(x, dim=1, descending=True, stable=True),
    "argsort_ties": lambda m, x: m.argsort(x, stable=True),
    "argsort_ties_descending": lambda m, x: x.argsort(descending=True, stable=True),
    "sort_dim0_ties": lambda m, x: m.sort(x, dim=0, stable=True),
    "max_ties_indices": lambda m, x: m.max(x, 1).indices,
    "topk_ties_values": lambda m, x: m.topk(x, 3).values,
}


@pytest.mark.parametrize("name", ORDERED)
@pytest.mark.parametrize("values", ["ties", "nan"])
def test_order_with_ties_and_nan_matches_torch(name, values):
    data = TIES if values == "ties" else WITH_NAN
    ours = ORDERED[name](ag, ag.tensor(data))
    theirs = ORDERED[name](torch, torch.tensor(data))
    for mine, expected in zip(*(o if isinstance(o, tuple) else (o,) for o in (ours, theirs))):
        np.testing.assert_array_equal(mine.numpy(), expected.numpy())


def test_topk_of_ties_has_the_values_of_torch_and_consistent_indices():
    x = ag.tensor(TIES)
    values, indices = ag.topk(x, 3)
    np.testing.assert_array_equal(values.numpy(), torch.topk(torch.tensor(TIES), 3).values)
    np.testing.assert_array_equal(np.take_along_axis(TIES, indices.numpy(), 1), values.numpy())


def test_view_shares_memory_and_reshape_of_a_transpose_copies():
    x = ag.zeros(2, 3)
    y = x.view(6)
    assert np.shares_memory(np.asarray(y), np.asarray(x))
    assert not np.shares_memory(np.asarray(x.t().reshape(6)), np.asarray(x))


ERRORS = {
    "view_transposed": (lambda m, x: x.t().view(-1), [(2, 3)], RuntimeError),
    "view_size": (lambda m, x: x.view(4, 2), [(2, 3)], RuntimeError),
    "view_two_unknown": (lambda m, x: x.view(-1, -1), [(2, 3)], RuntimeError),
    "view_empty_unknown": (lambda m, x: x.view(-1, 0), [(0, 3)], RuntimeError),
    "expand_shrink": (lambda m, x: x.expand(2, 2), [(2, 3)], RuntimeError),
    "expand_fewer_sizes": (lambda m, x: x.expand(3), [(2, 3)], RuntimeError),
    "expand_new_minus_one": (lambda m, x: x.expand(-1, 3), [(3,)], RuntimeError),
    "unflatten_sizes": (lambda m, x: x.unflatten(1, (4, 2)), [(2, 6)], RuntimeError),
    "flip_repeated": (lambda m, x: m.flip(x, (0, 0)), [(2, 3)], RuntimeError),
    "flip_out_of_range": (lambda m, x: m.flip(x, (2,)), [(2, 3)], IndexError),
    "roll_mismatch": (lambda m, x: m.roll(x, (1, 2), (0,)), [(2, 3)], RuntimeError),
    "roll_dim_out_of_range": (lambda m, x: m.roll(x, 1, 2), [(2, 3)], IndexError),
    "repeat_fewer": (lambda m, x: x.repeat(2), [(2, 3)], RuntimeError),
    "tril_1d": (lambda m, x: m.tril(x), [(3,)], RuntimeError),
    "narrow_too_long": (lambda m, x: x.narrow(0, 1, 3), [(3, 2)], (RuntimeError, IndexError)),
    "split_sizes_sum": (lambda m, x: x.split([1, 1], 0), [(3, 2)], RuntimeError),
    "split_dim": (lambda m, x: x.split(1, 2), [(3, 2)], IndexError),
    "chunk_zero": (lambda m, x: x.chunk(0), [(3, 2)], RuntimeError),
    "unbind_dim": (lambda m, x: x.unbind(2), [(3, 2)], IndexError),
    "sort_dim": (lambda m, x: m.sort(x, 2), [(3, 2)], IndexError),
    "topk_too_many": (lambda m, x: m.topk(x, 3), [(3, 2)], RuntimeError),
    "diagonal_1d": (lambda m, x: m.diagonal(x), [(3,)], IndexError),
    "diagonal_same_dims": (lambda m, x: m.diagonal(x, 0, 1, 1), [(3, 3)], RuntimeError),
    "diag_3d": (lambda m, x: m.diag(x), [(2, 2, 2)], RuntimeError),
    "trace_3d": (lambda m, x: m.trace(x), [(2, 2, 2)], RuntimeError),
    "movedim_lengths": (lambda m, x: m.movedim(x, (0, 1), (2,)), [(2, 3, 4)], RuntimeError),
    "movedim_repeated": (lambda m, x: m.movedim(x, (0, 0), (1, 2)), [(2, 3, 4)], RuntimeError),
    "select_out_of_range": (lambda m, x: m.select(x, 1, 3), [(2, 3)], IndexError),
    "select_dim": (lambda m, x: x.select(2, 0), [(2, 3)], IndexError),
    "take_out_of_range": (lambda m, x: m.take(x, m.tensor([6])), [(2, 3)], IndexError),
    "take_along_dim_ndim": (
        lambda m, x: m.take_along_dim(x, m.tensor([0]), 1),
        [(2, 3)],
        RuntimeError,
    ),
    "isclose_shapes": (lambda m, x, y: m.isclose(x, y), [(2, 3), (2,)], RuntimeError),
}


@pytest.mark.parametrize("name", ERRORS)
def test_error_is_caught_as_torch_raises_it(name):
    expression, shapes, kind = ERRORS[name]
    arrays = _arrays(shapes)
    with pytest.raises(kind):
        expression(torch, *[torch.tensor(a) for a in arrays])
    with pytest.raises(kind):
        expression(ag, *[ag.tensor(a) for a in arrays])


def test_tolist_gives_python_numbers_as_torch():
    for data in ([[1.0, 2.0], [3.0, 4.0]], 5.0, [[]], [1, 2]):
        assert ag.tensor(data).tolist() == torch.tensor(data).tolist()
