"""Tests of `copy.deepcopy` and pickling of tensors and modules, and of `nn.load`'s refusal
of pickled content."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_core as ag
import nn


@pytest.mark.parametrize(
    "data",
    [np.arange(6.0).reshape(2, 3), np.float16(1.5), np.arange(3, dtype=np.int32), np.bool_(True)],
    ids=["float64-matrix", "float16-scalar", "int32", "bool-scalar"],
)
def test_pickle_tensor_round_trip_keeps_data_dtype_and_flags(data):
    t = ag.Tensor(data, requires_grad=np.asarray(data).dtype.kind == "f", name="w")
    back = pickle.loads(pickle.dumps(t))
    assert type(back) is ag.Tensor
    np.testing.assert_array_equal(back.detach().numpy(), data)
    assert back.dtype == t.dtype and back.shape == t.shape
    assert back.requires_grad == t.requires_grad and back.name == "w" and back.is_leaf


def test_pickle_non_leaf_gives_a_leaf_without_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    back = pickle.loads(pickle.dumps(x * 3))
    assert back.is_leaf and back.requires_grad
    np.testing.assert_array_equal(back.detach().numpy(), [3.0, 6.0])


def test_deepcopy_leaf_is_independent_and_copies_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    clone = copy.deepcopy(x)
    assert clone is not x and clone.requires_grad
    np.testing.assert_array_equal(clone.grad.detach().numpy(), x.grad.detach().numpy())
    clone.data[0] = 10.0
    assert x.detach().numpy()[0] == 1.0
    assert clone.grad is not x.grad


def test_deepcopy_non_leaf_is_refused_with_a_clear_error():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    with pytest.raises(RuntimeError, match=r"only leaf tensors .* computed by 'exp'"):
        copy.deepcopy(y)
    assert copy.deepcopy(y.detach()).is_leaf


def _model() -> nn.Module:
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_module_copy_gives_equal_independent_model(how):
    model = _model()
    x = ag.randn(5, 4)
    model(x)  # moves the batch-norm running statistics
    clone = copy.deepcopy(model) if how == "deepcopy" else pickle.loads(pickle.dumps(model))
    for (name, a), (name_b, b) in zip(model.state_dict().items(), clone.state_dict().items()):
        assert name == name_b
        np.testing.assert_array_equal(a, b)
    assert all(type(p) is nn.Parameter for p in clone.parameters())
    model.eval(), clone.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), clone(x).detach().numpy())
    # independent: training the copy leaves the original alone
    before = model[0].weight.detach().numpy().copy()
    clone.train()
    opt = nn.optim.SGD(clone.parameters(), lr=0.1)
    nn.functional.cross_entropy(clone(x), np.array([0, 1, 2, 0, 1])).backward()
    opt.step()
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), before)
    assert not np.array_equal(clone[0].weight.detach().numpy(), before)


def test_module_deepcopy_keeps_shared_parameters_shared():
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    clone = copy.deepcopy(model)
    assert clone[0].weight is clone[2].weight
    assert clone[0].weight is not model[0].weight


def test_load_refuses_pickled_content(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"a": 1}], dtype=object))  # needs pickle to read
    with pytest.raises(ValueError, match="pickled Python objects; they are refused"):
        nn.load(path)
    with pytest.raises(TypeError, match="would need pickle"):
        nn.save({"x": np.array([object()], dtype=object)}, tmp_path / "bad")
