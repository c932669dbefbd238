"""Tests of in-place safety: version counters, `+=` and `t[i] = v`, refusal on tensors that
require grad while recording, the check that a saved value did not change before backward,
and read-only saved arrays."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
import nn

MODIFIED = "was modified in place after it was saved for backward"


# ------------------------------------------------------------ version counter


def test_version_starts_at_zero_and_counts_every_api_change():
    t = ag.tensor([1.0, 2.0, 3.0])
    assert t._version == 0
    t += 1
    t -= 1
    t *= 2
    t /= 2
    t[0] = 5.0
    t.data = np.zeros(3, dtype=np.float32)
    assert t._version == 6
    assert ag.tensor([1.0])._version == 0  # a class default: other tensors are untouched


@pytest.mark.parametrize(
    "optimizer", [nn.optim.SGD, nn.optim.Adam, nn.optim.AdamW], ids=lambda c: c.__name__
)
def test_version_bumped_by_optimizer_step(optimizer):
    layer = nn.Linear(3, 2)
    opt = optimizer(layer.parameters(), lr=0.1)
    layer(ag.ones((4, 3))).sum().backward()
    before = [p._version for p in layer.parameters()]
    opt.step()
    assert all(p._version > v for p, v in zip(layer.parameters(), before))


def test_version_bumped_by_init_and_load_state_dict():
    layer = nn.Linear(3, 2)
    version = layer.weight._version
    nn.init.zeros_(layer.weight)
    assert layer.weight._version == version + 1
    layer.load_state_dict(nn.Linear(3, 2).state_dict())
    assert layer.weight._version == version + 2


# ------------------------------------------------------- in-place operators


def test_inplace_add_writes_into_the_same_array_and_returns_self():
    base = np.arange(4.0)
    t = ag.from_numpy(base)  # shares memory (ag.tensor copies, as torch.tensor does)
    alias = t
    t += ag.tensor([1.0, 1.0, 1.0, 1.0])
    assert t is alias
    assert t.data is base  # views and optimizers holding the array see the change
    np.testing.assert_array_equal(base, np.arange(4.0) + 1)


@pytest.mark.parametrize(
    ("op", "reference"),
    [("+=", np.add), ("-=", np.subtract), ("*=", np.multiply), ("/=", np.true_divide)],
)
def test_inplace_operators_match_numpy_with_broadcasting(op, reference):
    data = np.random.default_rng(0).standard_normal((2, 3))
    other = np.array([1.5, -2.0, 4.0])
    t = ag.tensor(data.copy())
    namespace = {"t": t, "other": ag.tensor(other)}
    exec(f"t {op} other", namespace)
    np.testing.assert_allclose(namespace["t"].data, reference(data, other))


def test_inplace_on_0d_tensor_replaces_the_scalar():
    t = ag.tensor(2.0)
    t += 1.5
    assert t.item() == 3.5 and t.dtype == np.float32 and t._version == 1


def test_inplace_on_read_only_data_replaces_the_array():
    with ag.no_grad():
        t = ag.broadcast_to(ag.tensor([1.0, 2.0]), (3, 2))  # a read-only view
        t *= 2
    np.testing.assert_array_equal(t.data, np.tile([2.0, 4.0], (3, 1)))


def test_inplace_bad_shape_or_dtype_is_refused_and_changes_nothing():
    t = ag.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\+=: cannot update a tensor of shape \(2,\)"):
        t += ag.ones((3, 2))
    integers = ag.tensor([1, 2])
    with pytest.raises(TypeError, match="/=: cannot update a tensor of shape"):
        integers /= 2
    scalar = ag.tensor(1)
    with pytest.raises(TypeError, match=r"\*="):
        scalar *= 0.5
    np.testing.assert_array_equal(t.data, [1.0, 2.0])
    np.testing.assert_array_equal(integers.data, [1, 2])
    assert t._version == integers._version == scalar._version == 0


def test_setitem_writes_in_place_and_checks_its_arguments():
    t = ag.zeros((2, 3))
    t[0, 1:] = ag.tensor([1.0, 2.0])
    t[t.data > 1.5] = -1.0
    np.testing.assert_array_equal(t.data, [[0, 1, -1], [0, 0, 0]])
    with pytest.raises(IndexError, match="setitem: index 5 is out of bounds"):
        t[5] = 1.0
    with pytest.raises(ValueError, match="setitem"):  # the same error is a ValueError too
        t[5] = 1.0
    with pytest.raises(ValueError, match=r"setitem: cannot store a value of shape \(4,\)"):
        t[0] = np.ones(4)
    with pytest.raises(TypeError, match="setitem: cannot store float64 values"):
        ag.tensor([1, 2])[0] = 2.5
    scalar = ag.tensor(1.0)
    scalar[()] = 4.0
    assert scalar.item() == 4.0


# ---------------------------------------------------------------- refusals


def test_inplace_on_leaf_requiring_grad_is_refused_while_recording():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\+=: a leaf tensor that requires grad"):
        w += 1
    with pytest.raises(RuntimeError, match="setitem: a leaf tensor that requires grad"):
        w[0] = 3.0
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    with ag.no_grad():  # how optimizers and initialisation change weights
        w -= 0.5
        w[1] = 0.0
    np.testing.assert_array_equal(w.data, [0.5, 0.0])


def test_inplace_on_graph_tensor_or_with_graph_value_is_refused():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    with pytest.raises(RuntimeError, match="computed by 'mul' and is part of the graph"):
        h += 1
    c = ag.zeros(2)
    with pytest.raises(RuntimeError, match="the value requires grad"):
        c += x
    with pytest.raises(RuntimeError, match="the value requires grad"):
        c[0] = x[0]


# ------------------------------------------------ saved values and backward


def test_backward_after_modifying_saved_input_raises_naming_the_op():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = ag.tensor([1.0, 2.0, 3.0])
    y = x * c
    c += 1
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    assert f"one of the inputs of 'mul' (shape (3,)) {MODIFIED}" in str(info.value)
    assert "version 1" in str(info.value)
    assert x.grad is None


def test_backward_after_unrelated_change_is_fine():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    y = (x + c).sum()  # add saves nothing: changing c cannot change its gradient
    c *= 10
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])


def test_backward_after_optimizer_step_on_transposed_weight_raises():
    layer = nn.Linear(3, 2)
    opt = nn.optim.SGD(layer.parameters(), lr=0.1)
    x = ag.randn(4, 3, requires_grad=True)
    first = layer(x).sum()
    layer(ag.randn(4, 3)).sum().backward()
    opt.step()  # changes the weight that `first` saved (through its view weight.T)
    with pytest.raises(RuntimeError, match=f"an input of 'matmul' is a view of {MODIFIED}"):
        first.backward()


def test_backward_after_replacing_saved_data_raises():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    w.data = np.array([5.0, 5.0], dtype=np.float32)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.backward()


def test_backward_after_modifying_saved_output_raises():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    y = ag.exp(x)  # exp saves its output for backward
    with ag.no_grad():
        y += 1
    with pytest.raises(RuntimeError, match=f"the output of 'exp' \\(shape \\(2,\\)\\) {MODIFIED}"):
        y.sum().backward()


def test_backward_with_retain_graph_sees_changes_between_calls():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    y = (x * c).sum()
    y.backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])
    c[0] = 0.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.backward()


def test_saved_arrays_reach_backward_read_only():
    class Leaky(ag.Function):
        def forward(ctx, x):
            mask = (x > 0).astype(x.dtype)
            ctx.save_for_backward(mask)
            return x * mask

        def backward(ctx, grad):
            (mask,) = ctx.saved_tensors
            mask.data[...] = 1.0  # a buggy backward overwriting a saved value
            return (grad * mask,)

    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    y = Leaky.apply(x).sum()
    with pytest.raises(ValueError, match="read-only"):
        y.backward()
