"""nn.save / nn.load: nested checkpoints round-trip through .npz, written atomically to
exactly the path given, and pickles are refused."""

import os

import numpy as np
import pytest

import autograd_core as ag
import nn
from nn.serialization import npz


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
    path = nn.save(checkpoint, tmp_path / "checkpoint.npz")
    loaded = nn.load(path)
    assert list(loaded["model"]) == list(checkpoint["model"])
    for key, value in checkpoint["model"].items():
        np.testing.assert_array_equal(loaded["model"][key], value)
        assert loaded["model"][key].dtype == value.dtype
    assert loaded["epoch"] == 3 and loaded["loss"] == 0.25 and loaded["name"] == "run/1"
    assert loaded["flags"] == [True, None, (1, 2.5)]
    assert list(loaded["by_index"]) == [0, 7]
    assert isinstance(loaded["by_index"][0], np.ndarray)  # arrays stay arrays ...
    deep = loaded["by_index"][7]["deep"]
    assert isinstance(deep, ag.Tensor) and not deep.requires_grad  # ... and tensors tensors
    np.testing.assert_array_equal(np.asarray(deep), np.ones(2, dtype=np.float32))
    assert loaded["scalar"] == 1.5


@pytest.mark.parametrize("name", ["net.pth.npz", "checkpoint", "model.ckpt", "w.NPZ"])
def test_save_writes_exactly_the_path_given(tmp_path, name):
    path = nn.save({"w": np.arange(3)}, tmp_path / name)
    assert path == str(tmp_path / name) and os.listdir(tmp_path) == [name]
    assert nn.load(tmp_path / name)["w"].tolist() == [0, 1, 2]


def test_model_state_restores_outputs(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    path = nn.save(model.state_dict(), tmp_path / "m.npz")
    other = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    other.load_state_dict(nn.load(path))
    x = ag.randn(4, 3)
    np.testing.assert_array_equal(np.asarray(model(x)), np.asarray(other(x)))


def test_files_read_with_numpy_load_too(tmp_path):
    nn.save({"model": {"w": np.arange(3.0)}, "epoch": 2}, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:
        assert archive["model/w"].tolist() == [0.0, 1.0, 2.0] and "__manifest__" in archive


def test_colliding_flattened_names_stay_apart(tmp_path):
    obj = {"a/b": np.zeros(1), "a": {"b": np.ones(1)}}
    loaded = nn.load(nn.save(obj, tmp_path / "c"))
    assert loaded["a/b"][0] == 0 and loaded["a"]["b"][0] == 1


def test_keys_with_any_characters_round_trip(tmp_path):
    obj = {"nul\x00key": np.zeros(1), "../../etc": np.ones(1), "é ü": 2, "": np.arange(2)}
    loaded = nn.load(nn.save(obj, tmp_path / "k.npz"))
    assert list(loaded) == list(obj)
    assert loaded["nul\x00key"][0] == 0 and loaded["../../etc"][0] == 1 and loaded["é ü"] == 2


def test_load_refuses_pickled_objects(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"code": "anything"}], dtype=object))
    with pytest.raises(ValueError, match="pickled Python objects"):
        nn.load(path)


def test_load_plain_npz_gives_its_arrays(tmp_path):
    np.savez(tmp_path / "plain.npz", w=np.arange(4))
    np.savez_compressed(tmp_path / "packed.npz", w=np.arange(4))
    assert nn.load(tmp_path / "plain.npz")["w"].tolist() == [0, 1, 2, 3]
    assert nn.load(tmp_path / "packed.npz")["w"].tolist() == [0, 1, 2, 3]


def test_save_rejects_unsupported_values(tmp_path):
    with pytest.raises(TypeError, match="object"):
        nn.save({"x": np.array([object()])}, tmp_path / "a")
    with pytest.raises(TypeError, match="set"):
        nn.save({"x": {1, 2}}, tmp_path / "b")
    with pytest.raises(TypeError, match="keys"):
        nn.save({(1, 2): 3}, tmp_path / "c")
    assert os.listdir(tmp_path) == []  # nothing written, no temporary file left


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch, failure):
    path = tmp_path / "ck.npz"
    nn.save({"epoch": 1, "w": np.arange(1000)}, path)
    before = path.read_bytes()

    def write_half_then_fail(member, array, **kwargs):
        member.write(b"\x93NUMPY half an array")
        raise failure("disk full / Ctrl-C in the middle of the write")

    monkeypatch.setattr(npz.np.lib.format, "write_array", write_half_then_fail)
    with pytest.raises(failure):
        nn.save({"epoch": 2, "w": np.arange(1000)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ck.npz"]
    assert nn.load(path)["epoch"] == 1


def test_save_replaces_the_file_through_a_synced_temporary(tmp_path, monkeypatch):
    synced, replaced = [], []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: replaced.append((a, b)) or real_replace(a, b))
    nn.save({"w": np.zeros(2)}, tmp_path / "ck.npz")
    assert len(synced) == 1 and len(replaced) == 1
    source, target = replaced[0]
    assert os.path.dirname(source) == str(tmp_path) and target == str(tmp_path / "ck.npz")
