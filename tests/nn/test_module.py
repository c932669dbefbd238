"""Module, Parameter, Sequential and ModuleList: registration, traversal, state dicts, repr."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.scope import current_scope


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4, dtype=np.float32))
        self.register_buffer("steps", ag.tensor(np.array(0)))
        self.register_buffer("cache", ag.zeros(2), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.fc(x) * self.scale


def test_parameter_is_float_tensor_requiring_grad():
    p = nn.Parameter(np.arange(3))
    assert isinstance(p, ag.Tensor) and p.requires_grad and p.dtype == np.float32
    assert repr(p).startswith("Parameter containing:")
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad


def test_parameter_shares_a_float_array():
    data = np.zeros(3, dtype=np.float64)
    assert nn.Parameter(data).detach().numpy() is data


def test_module_registers_parameters_buffers_and_submodules():
    block = Block()
    assert list(block._parameters) == ["scale"]
    assert list(block._modules) == ["fc"]
    assert list(block._buffers) == ["steps", "cache"]
    assert block.note == "plain attribute"
    assert [n for n, _ in block.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert [n for n, _ in block.named_buffers()] == ["steps", "cache"]
    assert list(block.state_dict()) == ["scale", "steps", "fc.weight", "fc.bias"]


def test_module_reassignment_moves_between_registries():
    block = Block()
    block.scale = None
    assert block.scale is None and "scale" in block._parameters
    block.fc = None
    assert list(block.children()) == []
    del block.steps
    assert "steps" not in block._buffers
    with pytest.raises(TypeError, match="parameter 'scale'"):
        block.scale = ag.zeros(4)


def test_module_assignment_before_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.zeros(1))

    with pytest.raises(AttributeError, match=r"super\(\)\.__init__"):
        Broken()


def test_module_register_errors():
    m = nn.Module()
    with pytest.raises(KeyError):
        m.register_buffer("a.b", ag.zeros(1))
    with pytest.raises(TypeError):
        m.register_parameter("w", ag.zeros(1))
    with pytest.raises(TypeError):
        m.add_module("sub", "not a module")


def test_named_parameters_deduplicates_shared_parameters():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.modules())) == 3  # Sequential, Linear (once), ReLU


def test_children_and_named_modules():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    assert [type(m).__name__ for m in model.children()] == ["Linear", "Sequential"]
    assert [n for n, _ in model.named_modules()] == ["", "0", "1", "1.0", "1.1"]


def test_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(), torch.nn.Linear(5, 2)
    )
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    for key in theirs_sd:
        assert ours_sd[key].shape == tuple(theirs_sd[key].shape), key
        assert ours_sd[key].dtype == theirs_sd[key].numpy().dtype, key
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_state_dict_returns_copies():
    layer = nn.Linear(2, 2)
    state = layer.state_dict()
    state["weight"][...] = 7.0
    assert not np.any(layer.weight.detach().numpy() == 7.0)


def test_load_state_dict_round_trip_and_in_place():
    a, b = Block(), Block()
    weight_array = b.fc.weight.detach().numpy()
    assert b.load_state_dict(a.state_dict()) == ([], [])
    assert b.fc.weight.detach().numpy() is weight_array  # copied into, not replaced
    for (name, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(x, y, err_msg=name)


def test_load_state_dict_strict_errors_name_every_key_and_change_nothing():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = model.state_dict()
    bad = OrderedDict(before)
    del bad["1.bias"]
    bad["0.weight"] = np.zeros((4, 2), dtype=np.float32)
    bad["0.bias"] = np.full(3, 9.0, dtype=np.float32)  # valid: must not be copied either
    bad["extra"] = np.zeros(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    for piece in ("'1.bias'", "'extra'", "'0.weight'", "(4, 2)", "(3, 2)"):
        assert piece in message
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_load_state_dict_non_strict_reports_missing_and_unexpected():
    model = nn.Linear(2, 3)
    state = {"weight": np.ones((3, 2)), "other": np.zeros(1)}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert missing == ["bias"] and unexpected == ["other"]
    np.testing.assert_array_equal(model.weight.detach().numpy(), np.ones((3, 2), dtype=np.float32))
    assert model.weight.dtype == np.float32
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict({"weight": np.ones((2, 2))}, strict=False)


def test_train_eval_propagate_to_every_submodule():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5), nn.BatchNorm1d(2)))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_sets_grads_to_none():
    model = nn.Linear(3, 1)
    model(ag.ones((2, 3))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_and_apply_and_num_parameters():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert model.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2
    model[0].requires_grad_(False)
    assert model.num_parameters(trainable_only=True) == 4 * 2 + 2
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "Linear", "Sequential"]


def test_call_records_module_scope():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append(current_scope())
            return x * 2

    probe = Probe()
    outer = nn.Sequential(probe)
    y = outer(ag.ones(2, requires_grad=True))
    assert seen == [(outer, probe)]
    assert y.grad_fn.scope == (outer, probe)
    assert current_scope() == ()


def test_repr_nests_like_pytorch():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.25)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Dropout(p=0.25, inplace=False)\n"
        "  )\n"
        ")"
    )


def test_repr_matches_pytorch_for_plain_layers():
    torch = pytest.importorskip("torch")
    pairs = [
        (nn.Linear(2, 3, bias=False), torch.nn.Linear(2, 3, bias=False)),
        (nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)),
        (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
        (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
        (nn.Flatten(), torch.nn.Flatten()),
    ]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


def test_sequential_indexing_len_and_iteration():
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert list(model[::-1]) == layers[::-1]
    with pytest.raises(IndexError, match="out of range"):
        model[3]
    model.append(nn.Sigmoid())
    assert len(model) == 4 and "3" in model._modules


def test_sequential_from_ordered_dict_keeps_names():
    model = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert [n for n, _ in model.named_parameters()] == ["fc.weight", "fc.bias"]
    x = ag.randn(3, 2)
    np.testing.assert_allclose(
        model(x).detach().numpy(), np.tanh(model.fc(x).detach().numpy()), rtol=1e-6
    )


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="argument 1"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_module_list_indexing_append_extend():
    blocks = nn.ModuleList([nn.Linear(2, 2)])
    blocks.append(nn.Linear(2, 3)).extend([nn.ReLU(), nn.Linear(3, 1)])
    assert len(blocks) == 4
    assert blocks[-1].out_features == 1
    assert isinstance(blocks[1:3], nn.ModuleList) and len(blocks[1:3]) == 2
    assert [n for n, _ in blocks.named_parameters()][:3] == ["0.weight", "0.bias", "1.weight"]
    with pytest.raises(TypeError):
        blocks.append(3)

    class Owner(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = blocks

    assert len(list(Owner().parameters())) == 6
