"""Module's PyTorch API: containers, hooks with handles, to/double/float, and atomic
load_state_dict that refuses lossy casts whatever the warning filters."""

import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def test_module_dict_parameter_list_and_dict_register_with_torch_names():
    torch = pytest.importorskip("torch", reason="state_dict keys: pip install -e '.[torch]'")
    ours = nn.Module()
    ours.heads = nn.ModuleDict({"a": nn.Linear(2, 2), "b": nn.Linear(2, 1)})
    ours.scales = nn.ParameterList([nn.Parameter(ag.ones(2)), ag.zeros(3)])
    ours.biases = nn.ParameterDict({"x": nn.Parameter(ag.zeros(1))})
    theirs = torch.nn.Module()
    theirs.heads = torch.nn.ModuleDict({"a": torch.nn.Linear(2, 2), "b": torch.nn.Linear(2, 1)})
    theirs.scales = torch.nn.ParameterList([torch.ones(2), torch.zeros(3)])
    theirs.biases = torch.nn.ParameterDict({"x": torch.zeros(1)})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours.scales[1], nn.Parameter) and len(ours.scales) == 2
    assert list(ours.heads.keys()) == ["a", "b"] and "a" in ours.heads
    assert ours.heads.pop("a") is not None and list(ours.heads) == ["b"]
    with pytest.raises(KeyError, match="ModuleDict has no module 'z'"):
        ours.heads["z"]
    with pytest.raises(TypeError, match="is not a Module"):
        ours.heads["c"] = 3


def test_forward_pre_hook_and_forward_hook_replace_args_and_output_and_are_removable():
    layer = nn.Linear(2, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = layer(ag.ones((3, 2)))
    np.testing.assert_allclose(
        np.asarray(out), np.asarray(layer.bias + 1).reshape(1, 2).repeat(3, 0)
    )
    assert calls == [(3, 2)]
    pre.remove()
    post.remove()
    post.remove()  # twice is harmless
    np.testing.assert_allclose(
        np.asarray(layer(ag.ones((1, 2)))),
        np.asarray(ag.ones((1, 2)) @ layer.weight.T + layer.bias),
    )
    assert calls == [(3, 2)]
    with layer.register_forward_hook(lambda m, a, o: calls.append("with")):
        layer(ag.ones((1, 2)))
    layer(ag.ones((1, 2)))
    assert calls[-1] == "with" and calls.count("with") == 1


def test_full_backward_hook_sees_grad_input_and_grad_output_as_torch():
    torch = pytest.importorskip("torch", reason="hook values: pip install -e '.[torch]'")
    w = np.random.default_rng(0).standard_normal((2, 3))
    ours, theirs = nn.Linear(3, 2, bias=False), torch.nn.Linear(3, 2, bias=False)
    ours.weight.data[...] = w
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w, dtype=torch.float32))
    seen, seen_t = [], []
    ours.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    theirs.register_full_backward_hook(lambda m, gi, go: seen_t.append((gi, go)))
    x = ag.tensor(np.ones((4, 3), np.float32), requires_grad=True)
    xt = torch.ones(4, 3, requires_grad=True)
    (ours(x) * 2).sum().backward()
    (theirs(xt) * 2).sum().backward()
    ((gi,), (go,)) = seen[0]
    ((gi_t,), (go_t,)) = seen_t[0]
    np.testing.assert_allclose(np.asarray(go), go_t.numpy())
    np.testing.assert_allclose(np.asarray(gi), gi_t.numpy(), rtol=1e-6)
    # a hook that returns a new grad_input replaces what flows on
    ours.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    x.grad = None
    ours(x).sum().backward()
    assert not np.asarray(x.grad).any()


def test_full_backward_hook_runs_when_no_input_needs_a_gradient():
    layer, seen = nn.Linear(3, 2), []
    handle = layer.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go[0].shape)))
    layer(ag.ones((4, 3))).sum().backward()
    assert seen == [((None,), (4, 2))]
    handle.remove()
    layer(ag.ones((4, 3))).sum().backward()
    assert len(seen) == 1


def test_to_double_float_half_cpu_cast_parameters_and_buffers_in_place():
    model = _model()
    weight = model[0].weight
    assert model.double() is model and weight.dtype == np.float64 and model[0].weight is weight
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64  # integers are left alone
    assert model(ag.ones((2, 3), dtype="float64")).dtype == np.float64
    model.float()
    assert weight.dtype == np.float32
    model.to("cpu").to(ag.float64 if hasattr(ag, "float64") else np.float64)
    assert weight.dtype == np.float64
    assert model.half().cpu() is model and weight.dtype == np.float16
    model.to(device="cpu", dtype=np.float32)
    assert weight.dtype == np.float32
    with pytest.raises(RuntimeError, match="CPU only"):
        model.to("cuda")
    with pytest.raises(TypeError, match="only floating point"):
        model.to(np.int64)


@pytest.mark.parametrize(
    "key, value, reason",
    [
        ("0.weight", np.full((4, 3), 1e300), "overflows float32"),
        ("1.num_batches_tracked", np.array(np.nan), "cannot be stored in an integer"),
        ("1.num_batches_tracked", np.array(2.5), "not a whole number"),
        ("1.num_batches_tracked", np.array(2.0**70), "out of the range of int64"),
    ],
)
def test_load_state_dict_refuses_a_lossy_cast_and_changes_nothing(key, value, reason):
    model = _model()
    before = model.state_dict()
    state = {name: np.array(array) + 1 for name, array in before.items()}
    state[key] = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under -W error or filterwarnings=error
        with pytest.raises(RuntimeError, match=f"{key!r}: value .* {reason}"):
            model.load_state_dict(state)
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)


def test_load_state_dict_converts_lossless_values_under_warnings_as_errors():
    model = _model()
    state = {k: np.asarray(v, dtype=np.float64) for k, v in _model().state_dict().items()}
    state["1.num_batches_tracked"] = np.array(7.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.load_state_dict(state) == ([], [])
    assert model[1].num_batches_tracked.item() == 7
    assert model[0].weight.dtype == np.float32


def test_lazy_layers_materialise_on_the_first_forward_as_torch():
    torch = pytest.importorskip("torch", reason="lazy shapes: pip install -e '.[torch]'")
    ours = nn.Sequential(
        nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.Flatten(), nn.LazyBatchNorm1d(),
        nn.LazyLinear(2),
    )  # fmt: skip
    theirs = torch.nn.Sequential(
        torch.nn.LazyConv2d(4, 3), torch.nn.LazyBatchNorm2d(), torch.nn.Flatten(),
        torch.nn.LazyBatchNorm1d(), torch.nn.LazyLinear(2),
    )  # fmt: skip
    assert repr(ours[4]) == "LazyLinear(in_features=0, out_features=2, bias=True)"
    params = list(ours.parameters())
    optimizer = nn.optim.SGD(ours.parameters(), lr=0.1)  # made before the dry run
    out = ours(ag.randn(2, 3, 5, 5))
    theirs(torch.ones(2, 3, 5, 5))
    assert out.shape == (2, 2)
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    ours_shapes = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
    assert ours_shapes == {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert all(a is b for a, b in zip(params, ours.parameters()))
    before = np.array(ours[4].weight.data)
    (out * out).sum().backward()
    optimizer.step()
    assert not np.allclose(before, np.asarray(ours[4].weight))
    with pytest.raises(ValueError, match="LazyLinear: cannot read in_features"):
        nn.LazyLinear(3)(ag.tensor(1.0))
