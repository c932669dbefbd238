"""Tests of in-place safety: version counters shared by every alias of the memory, in-place ops
recorded in the graph (compared with PyTorch), refusal on leaves that require grad while
recording, the check that a saved value did not change before backward, `.data` and
`.numpy()`, and read-only saved arrays."""

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
    t.data = np.zeros(3, dtype=np.float32)  # new memory: counted, so a saved old value raises
    t.add_(1).mul_(2).zero_()
    assert t._version == 9
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
    assert np.asarray(t) is base  # views and optimizers holding the array see the change
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
    np.testing.assert_allclose(np.asarray(namespace["t"]), reference(data, other))


def test_inplace_on_0d_tensor_replaces_the_scalar():
    t = ag.tensor(2.0)
    t += 1.5
    assert t.item() == 3.5 and t.dtype == np.float32 and t._version == 1


def test_inplace_on_read_only_data_replaces_the_array():
    with ag.no_grad():
        t = ag.broadcast_to(ag.tensor([1.0, 2.0]), (3, 2))  # a read-only view
        t *= 2
    np.testing.assert_array_equal(np.asarray(t), np.tile([2.0, 4.0], (3, 1)))


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
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(integers), [1, 2])
    assert t._version == integers._version == scalar._version == 0


def test_setitem_writes_in_place_and_checks_its_arguments():
    t = ag.zeros((2, 3))
    t[0, 1:] = ag.tensor([1.0, 2.0])
    t[t > 1.5] = -1.0
    np.testing.assert_array_equal(np.asarray(t), [[0, 1, -1], [0, 0, 0]])
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
    with pytest.raises(RuntimeError, match="a view of a leaf tensor that requires grad"):
        w[0:1].add_(1)
    with pytest.raises(RuntimeError, match="a view of a leaf tensor that requires grad"):
        w.reshape(2, 1).mul_(2)
    np.testing.assert_array_equal(np.asarray(w), [1.0, 2.0])
    with ag.no_grad():  # how optimizers and initialisation change weights
        w -= 0.5
        w[1] = 0.0
    np.testing.assert_array_equal(np.asarray(w), [0.5, 0.0])


def test_inplace_on_a_view_of_a_computed_tensor_is_refused_clearly():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    with pytest.raises(RuntimeError, match=r"a view of a computed tensor .* made by 'mul'"):
        h[1:].mul_(3)
    h[1:] = h[1:] * 3  # the supported spelling: recorded on h itself
    h.sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [2.0, 6.0])


# ------------------------------------------------ saved values and backward


def test_backward_after_modifying_saved_input_raises_naming_the_op():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = ag.tensor([1.0, 2.0, 3.0])
    y = x * c
    c += 1
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    assert f"one of the inputs of 'mul' (shape (3,)) {MODIFIED}" in str(info.value)
    assert "at version 1; expected version 0" in str(info.value)
    assert x.grad is None


def test_backward_after_unrelated_change_is_fine():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    y = (x + c).sum()  # add saves nothing: changing c cannot change its gradient
    c *= 10
    y.backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [1.0, 1.0])


def test_backward_after_optimizer_step_on_transposed_weight_raises():
    layer = nn.Linear(3, 2)
    opt = nn.optim.SGD(layer.parameters(), lr=0.1)
    x = ag.randn(4, 3, requires_grad=True)
    first = (x @ layer.weight.T).sum()  # the composition: matmul saves the view weight.T
    fused = layer(x).sum()  # one affine node, which saves the weight itself
    layer(ag.randn(4, 3)).sum().backward()
    opt.step()  # changes the weight that `first` saved (through its view weight.T)
    with pytest.raises(RuntimeError, match=f"one of the inputs of 'matmul' .*{MODIFIED}"):
        first.backward()
    with pytest.raises(RuntimeError, match=f"one of the inputs of 'affine' .*{MODIFIED}"):
        fused.backward()


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
    np.testing.assert_array_equal(np.asarray(x.grad), [3.0, 4.0])
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
            np.asarray(mask)[...] = 1.0  # a buggy backward overwriting a saved value
            return (grad * mask,)

    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    y = Leaky.apply(x).sum()
    with pytest.raises(ValueError, match="read-only"):
        y.backward()


# ------------------------------------------- one version counter per memory (issue 11)


@pytest.mark.parametrize(
    "change",
    [
        lambda x: x.detach().__iadd__(1),
        lambda x: ag.Tensor(x).__iadd__(1),
        lambda x: x.detach().reshape(3, 1).mul_(2),
        lambda x: x.detach()[1:].zero_(),
        lambda x: x.detach().T.sub_(1),
        lambda x: ag.from_numpy(x.detach().numpy()).add_(1),
        lambda x: x.detach().detach().fill_(7.0),
    ],
    ids=["detach", "Tensor(x)", "view-reshape", "view-getitem", "view-T", "numpy", "detach2"],
)
def test_change_through_any_alias_is_detected(change):
    # issue 11's program: y saves x, then x's memory changes through an alias
    x = ag.tensor(np.arange(3.0), requires_grad=True)
    w = ag.tensor(np.ones(3), requires_grad=True)
    y = (x * w).sum()
    with ag.no_grad():
        change(x)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.backward()
    assert w.grad is None


def test_tensors_on_the_same_ndarray_share_a_counter():
    array = np.arange(4.0)
    a, b = ag.from_numpy(array), ag.Tensor(array[1:])
    b += 1
    assert a._version == b._version == 1
    np.testing.assert_array_equal(np.asarray(a), [0.0, 2.0, 3.0, 4.0])
    assert ag.tensor(np.arange(4.0))._version == 0  # other memory, another counter


def test_numpy_of_a_tensor_that_requires_grad_is_refused_and_asarray_is_read_only():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"use tensor.detach\(\).numpy\(\)"):
        x.numpy()
    view = np.asarray(x)
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 100.0
    assert np.shares_memory(x.detach().numpy(), view)
    c = ag.tensor([1.0, 2.0])
    assert c.numpy().flags.writeable  # no grad: PyTorch's writable alias


def test_data_is_a_tensor_outside_the_graph_whose_changes_are_not_counted_as_in_torch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    results = []
    for lib in (ag, torch):
        x = lib.tensor(np.arange(3.0), requires_grad=True)
        w = lib.tensor(np.ones(3), requires_grad=True)
        y = (x * w).sum()
        d = x.data
        assert isinstance(d, lib.Tensor) and not d.requires_grad and d.grad_fn is None
        d[0] = 100.0  # PyTorch: not detected (its documented difference of .data and detach)
        d.sub_(1)
        y.backward()
        results.append((np.asarray(w.grad), x._version, np.asarray(x.detach())))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)
    assert isinstance(ag.tensor([1.0]).data.data, ag.Tensor)


def test_assigning_data_takes_the_new_dtype_as_torch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    p = nn.Parameter(ag.zeros(3))
    p.data = ag.tensor(np.ones(3))  # float64
    q = torch.nn.Parameter(torch.zeros(3))
    q.data = torch.ones(3, dtype=torch.float64)
    assert p.dtype == np.float64 and q.dtype == torch.float64 and p.requires_grad
    p.data = np.zeros((2, 2), dtype=np.float32)  # an array is accepted too
    assert p.shape == (2, 2) and p.dtype == np.float32
    with pytest.raises(TypeError, match="cannot hold int64"):
        p.data = np.zeros(2, dtype=np.int64)


# ------------------------------------------------ in-place ops in the graph, vs PyTorch


def _run(lib, program, values):
    x = lib.tensor(np.array(values), requires_grad=True)
    try:
        out = program(lib, x)
        out.sum().backward()
    except RuntimeError as error:
        return ("raises", "modified by an inplace" in str(error) or MODIFIED in str(error))
    return ("ok", np.asarray(out.detach()), np.asarray(x.grad))


PROGRAMS = {
    "add_": lambda lib, x: (x * 1).add_(x, alpha=2),
    "sub_": lambda lib, x: (x * 1).sub_(x * x),
    "mul_ by x": lambda lib, x: (x * 1).mul_(x),
    "mul_ by constant": lambda lib, x: (x * 1).mul_(3.0),
    "div_": lambda lib, x: (x * 2).div_(x + 3),
    "pow_": lambda lib, x: (x * 1).pow_(2),
    "clamp_": lambda lib, x: (x * 1).clamp_(-0.5, 0.5),
    "clip_": lambda lib, x: (x * 1).clip_(min=0.0),
    "relu_": lambda lib, x: (x * 1).relu_(),
    "sigmoid_": lambda lib, x: (x * 1).sigmoid_(),
    "tanh_": lambda lib, x: (x * 1).tanh_(),
    "exp_": lambda lib, x: (x * 1).exp_(),
    "neg_": lambda lib, x: (x * 1).neg_(),
    "abs_": lambda lib, x: (x * 1).abs_(),
    "sqrt_": lambda lib, x: (x * x + 1).sqrt_(),
    "zero_": lambda lib, x: (x * 1).zero_() + x,
    "fill_": lambda lib, x: (x * 1).fill_(2.5) * x,
    "copy_": lambda lib, x: lib.zeros(3, dtype=x.dtype).copy_(x * 2),
    "masked_fill_": lambda lib, x: (x * 1).masked_fill_(x.detach() < 0, 0.0),
    "index_fill_": lambda lib, x: (x * 1).index_fill_(0, lib.tensor([0, 2]), -1.0),
    "+= on a computed tensor": lambda lib, x: _iadd(x * 2, x),
    "constant += x": lambda lib, x: _iadd(lib.zeros(3, dtype=x.dtype), x),
    "micrograd c += c + 1": lambda lib, x: _iadd(x + 1, x + 2),
    "setitem": lambda lib, x: _setitem(x * 2, slice(0, 2), x[1:] * 5),
    "setitem int array": lambda lib, x: _setitem(x * 1, [2, 0], x[:2] ** 2),
    "setitem bool mask": lambda lib, x: _setitem(x * 1, x.detach() > 0, 0.0),
    "two in a row": lambda lib, x: (x * 1).add_(1).mul_(x),
    "exp then add_ (unsafe)": lambda lib, x: x.exp().add_(1),
    "tanh_ twice (unsafe)": lambda lib, x: (x * 1).tanh_().tanh_(),
    "saved input mul_ (unsafe)": lambda lib, x: _saved_then_changed(x),
    "view of output then base mul_": lambda lib, x: _view_saved(x),
}


def _iadd(target, value):
    target += value
    return target


def _setitem(target, index, value):
    target[index] = value
    return target


def _saved_then_changed(x):
    y = x * 2
    z = y * y
    y.mul_(3)
    return z


def _view_saved(x):
    y = x * 1
    v = y[1:]
    z = v * v
    y.mul_(2)
    return z


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_inplace_program_matches_torch(name):
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    values = [-1.5, 0.25, 2.0]
    ours = _run(ag, PROGRAMS[name], values)
    theirs = _run(torch, PROGRAMS[name], values)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "raises":
        assert ours[1] and theirs[1]
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


def test_relu_output_changed_in_place_still_has_the_right_gradient():
    # NOTE: a deliberate difference (docs/pytorch.md): PyTorch's relu saves its output, so
    # changing it in place makes backward raise; this relu saves a mask, so the gradient is
    # the true one.
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    y = x.relu()
    y.add_(1)
    y.sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [0.0, 1.0])


def test_inplace_keeps_identity_bumps_version_and_takes_the_new_node():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    out = x * 2
    before, node = out, out.grad_fn
    out += x
    assert out is before and out.grad_fn is not node and out.grad_fn.name == "add"
    assert out._version == 1 and not out.is_leaf


def test_inplace_second_order_matches_torch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    grads = []
    for lib in (ag, torch):
        x = lib.tensor(np.array([0.3, -0.7]), requires_grad=True)
        y = x * 1
        y.mul_(x)
        y.exp_()
        (g,) = (
            lib.autograd.grad(y.sum(), x, create_graph=True)
            if lib is torch
            else ag.engine.backward(y.sum(), inputs=[x], create_graph=True)
        )
        g.sum().backward()
        grads.append(np.asarray(x.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_resnet_style_shortcut_trains_like_torch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal((4, 4)), rng.standard_normal((3, 4))
    grads = []
    for lib in (ag, torch):
        weight = lib.tensor(w, requires_grad=True)
        inputs = lib.tensor(x)
        out = inputs @ weight
        out += inputs  # `out += self.shortcut(x)`
        out = out.relu()
        out.sum().backward()
        grads.append(np.asarray(weight.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_inplace_failure_changes_nothing():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    node = y.grad_fn
    with pytest.raises(ValueError, match=r"add_: cannot update a tensor of shape \(2,\)"):
        y.add_(ag.ones((3, 2)))
    assert y.grad_fn is node and y._version == 0
    np.testing.assert_array_equal(np.asarray(y), [2.0, 4.0])


def test_inplace_relu_and_dropout_layers_match_torch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    rng = np.random.default_rng(1)
    w, x = rng.standard_normal((4, 3)), rng.standard_normal((2, 4))
    grads = []
    for lib, layers in ((ag, nn), (torch, torch.nn)):
        weight = lib.tensor(w, requires_grad=True)
        hidden = lib.tensor(x) @ weight
        out = layers.ReLU(inplace=True)(hidden)
        assert out is hidden
        out = layers.Dropout(0.5, inplace=True).eval()(out)
        out.sum().backward()
        grads.append(np.asarray(weight.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)" and repr(nn.ReLU()) == "ReLU()"
    _ = ag.manual_seed(0)
    h = ag.ones(1000, requires_grad=True) * 1
    node = h.grad_fn
    assert nn.functional.dropout(h, 0.5, inplace=True) is h and h.grad_fn is not node
    assert sorted(set(h.tolist())) == [0.0, 2.0]


def test_graph_viewer_follows_the_versions_an_op_read():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x * 2
    z = y + 1  # reads y before the change
    y.mul_(3)  # y's grad_fn is now the in-place mul
    source = ag.viz.draw_graph((z + y).sum()).source
    assert source.count("label=mul ") == 2 and source.count("label=add ") == 2
