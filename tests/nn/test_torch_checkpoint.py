"""PyTorch checkpoints without PyTorch: torch.save files load here (zip and legacy formats,
views and shared storages, every dtype), ours load in torch.load(weights_only=True), and
malicious pickles are refused without running anything."""

import io
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import autograd_core as ag
import nn
from nn.serialization import torch_save

torch = pytest.importorskip("torch", reason="needs PyTorch: pip install -e '.[torch]'")

DTYPES = ["float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool", "uint16", "uint32", "uint64"]  # fmt: skip


def _models():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 3),
    )  # fmt: skip
    theirs.train()(torch.randn(8, 1, 8, 8))  # running statistics away from their defaults
    ours = nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3)
    )
    x = np.random.default_rng(1).standard_normal((2, 1, 8, 8)).astype(np.float32)
    return theirs.eval(), ours.eval(), x


def _outputs(theirs, ours, x):
    return theirs(torch.from_numpy(x)).detach().numpy(), np.asarray(ours(ag.tensor(x)))


@pytest.mark.parametrize("suffix", [".pt", ".pth", ".bin"])
@pytest.mark.parametrize("legacy", [False, True])
def test_pytorch_state_dict_loads_here_and_gives_pytorchs_outputs(tmp_path, suffix, legacy):
    theirs, ours, x = _models()
    path = tmp_path / f"model{suffix}"
    torch.save(theirs.state_dict(), path, _use_new_zipfile_serialization=not legacy)
    loaded = nn.load(path)
    assert list(loaded) == list(theirs.state_dict())
    assert all(isinstance(value, ag.Tensor) for value in loaded.values())
    ours.load_state_dict(loaded)
    expected, got = _outputs(theirs, ours, x)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_state_dict_saved_here_loads_in_pytorch_and_gives_our_outputs(tmp_path):
    theirs, ours, x = _models()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    ours[4].weight.data[...] += 0.5  # different from theirs, so the load must carry it
    nn.save(ours.state_dict(), tmp_path / "ours.pt")
    theirs.load_state_dict(torch.load(tmp_path / "ours.pt", weights_only=True))
    expected, got = _outputs(theirs, ours, x)
    np.testing.assert_allclose(expected, got, rtol=1e-5, atol=1e-6)


def test_training_checkpoint_with_optimizer_round_trips_both_ways(tmp_path):
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(4, 3)).sum().backward()
    optimizer.step()
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 7}
    torch.save(checkpoint, tmp_path / "theirs.pt")
    loaded = nn.load(tmp_path / "theirs.pt")
    assert loaded["epoch"] == 7 and loaded["optimizer"]["param_groups"][0]["lr"] == 0.01
    assert loaded["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    moment = loaded["optimizer"]["state"][0]["exp_avg"]
    np.testing.assert_array_equal(np.asarray(moment), optimizer.state[model.weight]["exp_avg"])
    nn.save(loaded, tmp_path / "again.pt")  # and back: PyTorch reads what we wrote
    again = torch.load(tmp_path / "again.pt", weights_only=True)
    optimizer.load_state_dict(again["optimizer"])
    assert torch.equal(again["model"]["weight"], model.weight.detach())
    assert again["optimizer"]["state"][0]["step"].dtype == torch.float32


@pytest.mark.parametrize("legacy", [False, True])
def test_views_offsets_and_shared_storages_load_as_shared_views(tmp_path, legacy):
    base = torch.arange(20.0).reshape(4, 5)
    saved = {
        "base": base,
        "t": base.t(),
        "corner": base[1:, 2:],
        "row": base[2],
        "step": base[::2, ::3],
    }
    torch.save(saved, tmp_path / "v.pt", _use_new_zipfile_serialization=not legacy)
    loaded = nn.load(tmp_path / "v.pt")
    for name, value in saved.items():
        assert loaded[name].shape == tuple(value.shape), name
        np.testing.assert_array_equal(np.asarray(loaded[name]), value.numpy(), err_msg=name)
    assert np.shares_memory(np.asarray(loaded["base"]), np.asarray(loaded["corner"]))
    loaded["base"].data[2, 3] = -1.0  # one storage, as in PyTorch
    assert np.asarray(loaded["corner"])[1, 1] == -1.0 and np.asarray(loaded["t"])[3, 2] == -1.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_loads_from_pytorch(tmp_path, dtype):
    value = (torch.arange(-6, 6) * 7).reshape(3, 4)
    value = value.to(getattr(torch, dtype)) if dtype.startswith(("f", "b")) else value.abs().to(
        getattr(torch, dtype))  # fmt: skip
    torch.save({"x": value}, tmp_path / "d.pt")
    loaded = nn.load(tmp_path / "d.pt")["x"]
    expected = value.float().numpy() if dtype == "bfloat16" else value.numpy()
    assert loaded.dtype == expected.dtype
    np.testing.assert_array_equal(np.asarray(loaded), expected)


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d != "bfloat16"])
def test_every_dtype_saved_here_loads_in_pytorch(tmp_path, dtype):
    value = (np.arange(12) % 5).reshape(3, 4).astype(dtype)
    nn.save({"x": ag.tensor(value), "scalar": np.array(3, dtype)}, tmp_path / "d.pt")
    loaded = torch.load(tmp_path / "d.pt", weights_only=True)
    assert loaded["x"].dtype == getattr(torch, dtype) and loaded["scalar"].shape == ()
    np.testing.assert_array_equal(loaded["x"].numpy(), value)


def test_plain_values_round_trip_through_pytorch(tmp_path):
    obj = {"i": [0, 255, 256, -1, 2**31, -(2**31) - 1, 2**70], "f": (0.5, -1e300), "s": "é\x00",
           "none": None, "flags": [True, False], "nested": {"a": {"b": []}, 3: ()}}  # fmt: skip
    nn.save(obj, tmp_path / "p.pt")
    assert torch.load(tmp_path / "p.pt", weights_only=True) == obj
    assert nn.load(tmp_path / "p.pt") == obj


def test_save_refuses_what_a_checkpoint_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match="cannot store a set at opt"):
        nn.save({"opt": {1, 2}}, tmp_path / "a.pt")
    with pytest.raises(TypeError, match="dtype complex128"):
        nn.save({"c": np.zeros(2, complex)}, tmp_path / "b.pt")
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------ hostile pickles


class _Payload:
    """Pickles as a call of `func(*args)`: what a malicious checkpoint carries."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _checkpoint_with_pickle(path, pickled: bytes):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/version", "3\n")
    return path


def _marker_payloads(marker):
    command = f"touch {marker}"
    return {
        "os.system": _Payload(os.system, command),
        "builtins.eval": _Payload(eval, f"open({str(marker)!r}, 'w')"),
        "builtins.exec": _Payload(exec, f"open({str(marker)!r}, 'w')"),
        "subprocess.check_call": _Payload(subprocess.check_call, ["touch", str(marker)]),
        "builtins.getattr": _Payload(getattr, "text", "upper"),
        "torch.load": _Payload(torch.load, str(marker)),
    }


@pytest.mark.parametrize("name", list(_marker_payloads("m")))
@pytest.mark.parametrize("legacy", [False, True])
def test_malicious_pickles_are_refused_without_running_anything(tmp_path, name, legacy):
    marker = tmp_path / "ran"
    payload = {"weight": torch.zeros(2), "evil": _marker_payloads(marker)[name]}
    path = tmp_path / "evil.pt"
    if legacy:
        torch.save(payload, path, _use_new_zipfile_serialization=False)
    else:
        _checkpoint_with_pickle(path, pickle.dumps(payload["evil"], protocol=2))
    func = payload["evil"].func
    named = f"global {func.__module__}.{func.__name__}, which a tensor checkpoint"
    with pytest.raises(ValueError, match=named) as info:
        nn.load(path)
    assert str(path) in str(info.value) and not marker.exists()


def test_unknown_module_is_never_imported(tmp_path):
    pickled = b"\x80\x02cnn_test_never_imported_module\nrun\n)R."
    _checkpoint_with_pickle(tmp_path / "x.pt", pickled)
    with pytest.raises(ValueError, match=r"nn_test_never_imported_module\.run"):
        nn.load(tmp_path / "x.pt")
    assert "nn_test_never_imported_module" not in sys.modules


def test_plain_pickle_file_is_refused(tmp_path):
    (tmp_path / "p.pt").write_bytes(pickle.dumps({"w": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="plain pickle, which is refused"):
        nn.load(tmp_path / "p.pt")


def _forged(tmp_path, size, stride, offset=0, numel=4, record_bytes=16):
    """A checkpoint with one float32 tensor described by the given numbers."""
    p = torch_save._Pickle()
    p.global_("torch._utils", "_rebuild_tensor_v2")
    p.out += b"((X\x07\x00\x00\x00storage"
    p.global_("torch", "FloatStorage")
    for value in ("0", "cpu", numel):
        p.put(value, "")
    p.out += b"tQ"
    for value in (offset, size, stride, False):
        p.put(value, "")
    p.out += b")tR."
    path = _checkpoint_with_pickle(tmp_path / "f.pt", bytes(p.out))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("archive/data/0", b"\x00" * record_bytes)
    return path


@pytest.mark.parametrize(
    "size, stride, offset, numel, record_bytes, match",
    [
        ((2, 2), (2, 1), 0, 4, 16, None),  # the honest one
        ((3, 2), (2, 1), 0, 4, 16, "reaches past the end of its storage of 4 elements"),
        ((2, 2), (2, 1), 1, 4, 16, "reaches past the end"),
        ((2, 2), (100, 1), 0, 4, 16, "reaches past the end"),
        ((2,), (-1,), 0, 4, 16, "stride"),
        ((2,), (1,), -1, 4, 16, "offset -1"),
        ((2, 2), (2,), 0, 4, 16, "size"),
        ((2, 2), (2, 1), 0, 4, 12, "should hold 16 bytes; it is 12 bytes"),
        ((2, 2), (2, 1), 0, 2**40, 16, "should hold"),
    ],
)
def test_forged_tensor_geometry_is_refused(tmp_path, size, stride, offset, numel, record_bytes,
                                           match):  # fmt: skip
    path = _forged(tmp_path, size, stride, offset, numel, record_bytes)
    if match is None:
        assert nn.load(path).shape == (2, 2)
    else:
        with pytest.raises(ValueError, match=match):
            nn.load(path)


def test_storage_size_limit_applies(tmp_path):
    torch.save({"w": torch.zeros(1000)}, tmp_path / "w.pt")
    with pytest.raises(ValueError, match="above the limit of 100 bytes"):
        nn.load(tmp_path / "w.pt", max_bytes=100)
    assert nn.load(tmp_path / "w.pt", max_bytes=4000)["w"].shape == (1000,)


def test_self_containing_structure_is_refused(tmp_path):
    cyclic: list = []
    cyclic.append(cyclic)
    _checkpoint_with_pickle(tmp_path / "c.pt", pickle.dumps(cyclic, protocol=2))
    with pytest.raises(ValueError, match="contains itself"):
        nn.load(tmp_path / "c.pt")


def test_checkpoint_bytes_for_fuzzing_are_valid():
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(2, 3), "e": 1}, buffer)
    assert zipfile.is_zipfile(io.BytesIO(buffer.getvalue()))
