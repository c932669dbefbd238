"""safetensors: nn.save/nn.load round trips, both directions with the `safetensors` package
(numpy and torch front ends) and PyTorch models, and hostile files refused."""

import json
import os

import numpy as np
import pytest

import autograd_core as ag
import nn

DTYPES = ["float64", "float32", "float16", "int64", "int32", "int16", "int8",
          "uint64", "uint32", "uint16", "uint8", "bool"]  # fmt: skip


def _state():
    rng = np.random.default_rng(0)
    return {f"t.{d}": (rng.standard_normal((2, 3)) * 50).astype(d) for d in DTYPES}


def _forge(path, header, data=b"", length=None):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    size = len(text) if length is None else length
    path.write_bytes(size.to_bytes(8, "little") + text + data)
    return path


def test_round_trip_keeps_names_order_dtypes_and_values(tmp_path):
    state = {"z.last": ag.ones(2), **_state(), "scalar": np.array(2.5, np.float32), "n": np.int8(3)}
    path = nn.save(state, tmp_path / "m.safetensors")
    loaded = nn.load(path)
    assert list(loaded) == list(state)
    for name, value in state.items():
        assert isinstance(loaded[name], ag.Tensor)
        assert loaded[name].dtype == np.asarray(value).dtype, name
        assert loaded[name].shape == np.shape(value), name
        np.testing.assert_array_equal(np.asarray(loaded[name]), np.asarray(value))


def test_format_is_chosen_by_content_on_load(tmp_path):
    nn.save({"w": np.arange(3.0)}, tmp_path / "m.safetensors")
    os.rename(tmp_path / "m.safetensors", tmp_path / "renamed.bin.npz")
    assert nn.load(tmp_path / "renamed.bin.npz")["w"].tolist() == [0.0, 1.0, 2.0]


def test_metadata_round_trips(tmp_path):
    path = nn.save({"w": np.zeros(1)}, tmp_path / "m.safetensors", metadata={"epoch": "3"})
    assert nn.serialization.safetensors_metadata(path) == {"epoch": "3"}
    nn.save({"w": np.zeros(1)}, tmp_path / "plain.safetensors")
    assert nn.serialization.safetensors_metadata(tmp_path / "plain.safetensors") is None


def test_save_refuses_what_safetensors_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match="flat dict"):
        nn.save([np.zeros(1)], tmp_path / "a.safetensors")
    with pytest.raises(TypeError, match="'opt' in safetensors: it is dict"):
        nn.save({"opt": {"lr": np.zeros(1)}}, tmp_path / "b.safetensors")
    with pytest.raises(TypeError, match="dtype complex128"):
        nn.save({"c": np.zeros(1, complex)}, tmp_path / "c.safetensors")
    with pytest.raises(TypeError, match="keys are strings"):
        nn.save({1: np.zeros(1)}, tmp_path / "d.safetensors")
    with pytest.raises(TypeError, match="metadata must be a dict of str to str"):
        nn.save({"w": np.zeros(1)}, tmp_path / "e.safetensors", metadata={"epoch": 3})
    with pytest.raises(ValueError, match=r"only in \.safetensors"):
        nn.save({"w": np.zeros(1)}, tmp_path / "f.npz", metadata={"a": "b"})
    assert os.listdir(tmp_path) == []


def test_bfloat16_is_widened_to_float32(tmp_path):
    bits = np.array([0x3F80, 0xC020, 0x7F80, 0x0001], dtype="<u2")  # 1, -2.5, inf, tiny
    header = {"b": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}}
    loaded = nn.load(_forge(tmp_path / "b.safetensors", header, bits.tobytes()))["b"]
    assert loaded.dtype == np.float32
    expected = (bits.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(np.asarray(loaded), expected)
    assert np.asarray(loaded)[:3].tolist() == [1.0, -2.5, np.inf]


def _entry(dtype="F32", shape=(2,), offsets=(0, 8)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


@pytest.mark.parametrize(
    "header, data, match",
    [
        ({"a": _entry(offsets=(0, 8)), "b": _entry(offsets=(4, 12))}, 12, "overlaps"),
        ({"a": _entry(offsets=(0, 8)), "b": _entry(offsets=(12, 20))}, 20, "leaves a gap"),
        ({"a": _entry(offsets=(8, 16))}, 16, "starts at byte 8: it leaves a gap"),
        ({"a": _entry(offsets=(0, 8))}, 4, "describes 8 bytes of tensor data, the file holds 4"),
        ({"a": _entry(offsets=(0, 8))}, 12, "describes 8 bytes.*holds 12"),
        ({"a": _entry(offsets=(0, 2**40))}, 8, "needs 8 bytes, its data_offsets span"),
        ({"a": _entry(shape=(2**28,), offsets=(0, 2**30))}, 8, "above the limit|holds 8"),
        ({"a": _entry(offsets=(-8, 0))}, 8, "not \\[begin, end\\]"),
        ({"a": _entry(offsets=(0,))}, 8, "not \\[begin, end\\]"),
        ({"a": _entry(shape=(2, -1))}, 8, "not a list of sizes"),
        ({"a": _entry(shape="2")}, 8, "not a list of sizes"),
        ({"a": _entry(dtype="F8_E4M3", offsets=(0, 2))}, 2, "dtype 'F8_E4M3'.*float8"),
        ({"a": _entry(dtype="O")}, 8, "dtype 'O'"),
        ({"a": {**_entry(), "code": "os.system('x')"}}, 8, "expected an entry with"),
        ({"a": [1, 2]}, 8, "expected an entry with"),
        ({"__metadata__": {"k": 1}, "a": _entry()}, 8, "__metadata__ is not a map"),
        ([1, 2, 3], 0, "not a checkpoint of a known format"),
        (b"{" + b"\xff" * 10, 0, "not valid JSON .UnicodeDecodeError"),
        (b"{" + b"[" * 100_000, 0, "not valid JSON"),
    ],
)
def test_hostile_safetensors_file_is_refused(tmp_path, header, data, match):
    path = _forge(tmp_path / "bad.safetensors", header, b"\x00" * data)
    with pytest.raises(ValueError, match=match) as info:
        nn.load(path)
    assert str(path) in str(info.value)


def test_safetensors_header_size_is_limited(tmp_path):
    path = _forge(tmp_path / "h.safetensors", b"{}", length=200_000_000)
    with pytest.raises(ValueError, match="header declares 200,000,000 bytes"):
        nn.load(path)
    with pytest.raises(ValueError, match="above the limit of 4 bytes"):
        nn.load(_forge(tmp_path / "s.safetensors", {"a": _entry()}, b"\x00" * 8), max_bytes=4)


# ----------------------------------------------------- the safetensors package

safetensors = pytest.importorskip(
    "safetensors", reason="interoperability tests need pip install -e '.[interop]'"
)


def test_files_of_the_safetensors_package_load_here(tmp_path):
    from safetensors.numpy import save_file

    state = _state()
    save_file(state, tmp_path / "pkg.safetensors", metadata={"source": "safetensors.numpy"})
    loaded = nn.load(tmp_path / "pkg.safetensors")
    assert set(loaded) == set(state)
    for name, value in state.items():
        np.testing.assert_array_equal(np.asarray(loaded[name]), value)
        assert loaded[name].dtype == value.dtype
    meta = nn.serialization.safetensors_metadata(tmp_path / "pkg.safetensors")
    assert meta == {"source": "safetensors.numpy"}


def test_files_written_here_load_in_the_safetensors_package(tmp_path):
    from safetensors import safe_open
    from safetensors.numpy import load_file

    state = _state()
    nn.save(state, tmp_path / "ours.safetensors", metadata={"format": "np"})
    loaded = load_file(tmp_path / "ours.safetensors")
    for name, value in state.items():
        np.testing.assert_array_equal(loaded[name], value)
        assert loaded[name].dtype == value.dtype
    with safe_open(tmp_path / "ours.safetensors", framework="np") as file:
        assert file.metadata() == {"format": "np"}


def _torch_and_ours():
    torch = pytest.importorskip("torch", reason="needs PyTorch: pip install -e '.[torch]'")
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    )
    theirs.train()(torch.randn(16, 5))  # running statistics away from their defaults
    ours = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    return torch, theirs.eval(), ours.eval(), np.random.default_rng(1).standard_normal((4, 5))


def test_pytorch_state_dict_saved_by_safetensors_torch_gives_pytorchs_outputs(tmp_path):
    from safetensors.torch import save_file

    torch, theirs, ours, x = _torch_and_ours()
    save_file(theirs.state_dict(), tmp_path / "torch.safetensors")
    ours.load_state_dict(nn.load(tmp_path / "torch.safetensors"))
    expected = theirs(torch.tensor(x, dtype=torch.float32)).detach().numpy()
    got = np.asarray(ours(ag.tensor(x.astype(np.float32))))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_state_dict_saved_here_gives_our_outputs_in_pytorch(tmp_path):
    from safetensors.torch import load_file

    torch, theirs, ours, x = _torch_and_ours()
    nn.save(ours.state_dict(), tmp_path / "ours.safetensors")
    theirs.load_state_dict(load_file(tmp_path / "ours.safetensors"))
    expected = np.asarray(ours(ag.tensor(x.astype(np.float32))))
    got = theirs(torch.tensor(x, dtype=torch.float32)).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_bfloat16_from_pytorch_loads_as_its_float32_values(tmp_path):
    from safetensors.torch import save_file

    torch = pytest.importorskip("torch", reason="needs PyTorch: pip install -e '.[torch]'")
    weight = torch.randn(3, 4).to(torch.bfloat16)
    save_file({"w": weight}, tmp_path / "bf16.safetensors")
    loaded = nn.load(tmp_path / "bf16.safetensors")["w"]
    np.testing.assert_array_equal(np.asarray(loaded), weight.float().numpy())
