"""nn.save / nn.load: nested checkpoints round-trip through .npz, and pickles are refused."""

import numpy as np
import pytest

import autograd_core as ag
import nn


def test_nested_checkpoint_round_trip(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    checkpoint = {
        "model": model.state_dict(),
        "epoch": 3,
        "loss": 0.25,
        "name": "run/1",
        "flags": [True, None, (1, 2.5)],
        "by_index": {0: np.arange(3), 7: {"deep": ag.ones(2)}},
        "scalar": np.float32(1.5),
    }
    path = nn.save(checkpoint, tmp_path / "checkpoint")
    assert path.endswith(".npz")
    loaded = nn.load(path)
    assert list(loaded["model"]) == list(checkpoint["model"])
    for key, value in checkpoint["model"].items():
        np.testing.assert_array_equal(loaded["model"][key], value)
        assert loaded["model"][key].dtype == value.dtype
    assert loaded["epoch"] == 3 and loaded["loss"] == 0.25 and loaded["name"] == "run/1"
    assert loaded["flags"] == [True, None, (1, 2.5)]
    assert list(loaded["by_index"]) == [0, 7]
    np.testing.assert_array_equal(loaded["by_index"][7]["deep"], np.ones(2, dtype=np.float32))
    assert loaded["scalar"] == 1.5


def test_model_state_restores_outputs(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    path = nn.save(model.state_dict(), tmp_path / "m.npz")
    other = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    other.load_state_dict(nn.load(path))
    x = ag.randn(4, 3)
    np.testing.assert_array_equal(model(x).data, other(x).data)


def test_colliding_flattened_names_stay_apart(tmp_path):
    obj = {"a/b": np.zeros(1), "a": {"b": np.ones(1)}}
    loaded = nn.load(nn.save(obj, tmp_path / "c"))
    assert loaded["a/b"][0] == 0 and loaded["a"]["b"][0] == 1


def test_load_refuses_pickled_objects(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"code": "anything"}], dtype=object))
    with pytest.raises(ValueError, match="pickled Python objects"):
        nn.load(path)


def test_load_plain_npz_gives_its_arrays(tmp_path):
    np.savez(tmp_path / "plain.npz", w=np.arange(4))
    assert nn.load(tmp_path / "plain.npz")["w"].tolist() == [0, 1, 2, 3]


def test_save_rejects_unsupported_values(tmp_path):
    with pytest.raises(TypeError, match="object"):
        nn.save({"x": np.array([object()])}, tmp_path / "a")
    with pytest.raises(TypeError, match="set"):
        nn.save({"x": {1, 2}}, tmp_path / "b")
    with pytest.raises(TypeError, match="keys"):
        nn.save({(1, 2): 3}, tmp_path / "c")
