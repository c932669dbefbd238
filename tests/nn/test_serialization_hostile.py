"""nn.load on hostile or broken files: each gets one clear ValueError naming the file.

Forged manifests, forged .npy headers and zip entries, size bombs, files of
other kinds, and a fuzz test over corrupted and truncated checkpoints that
must only ever see a successful load or a ValueError.
"""

import io
import json
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from nn.serialization import npz, safetensors_file, torch_save


def _npz_with_manifest(path, manifest_bytes, **arrays):
    np.savez(path, __manifest__=np.frombuffer(manifest_bytes, dtype=np.uint8), **arrays)
    return path


def _manifest(root, **fields):
    return json.dumps({"format": "nn.save", "version": 1, "root": root, **fields}).encode()


def _npy_bytes(header: bytes, data: bytes = b"", version: int = 1) -> bytes:
    size = struct.pack("<H" if version == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header + data


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _refused(path, match, **kwargs):
    with pytest.raises(ValueError, match=match) as info:
        nn.load(path, **kwargs)
    assert str(path) in str(info.value)  # the error names the file
    return info.value


@pytest.mark.parametrize(
    "manifest, match",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON text .UnicodeDecodeError"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON|nests deeper"),
        (b"[1, 2]", "not one written by nn.save"),
        (json.dumps({"format": "other", "version": 1, "root": {}}).encode(), "not one written"),
        (json.dumps({"format": "nn.save", "version": 99, "root": {}}).encode(), "version 99"),
        (_manifest({"array": "missing"}), "malformed node"),
        (_manifest({"array": 3}), "malformed node"),
        (_manifest({"dict": 5}), "malformed node"),
        (_manifest({"dict": [[1, 2, 3]]}), "malformed dict entry"),
        (_manifest({"dict": [[[1], {"value": 1}]]}), "malformed dict entry"),
        (_manifest({"list": [{"value": {"x": 1}}]}), "malformed node"),
        (_manifest("root"), "malformed node"),
        (_manifest({"value": 1, "array": "w"}), "malformed node"),
        (_manifest(json.loads("[" * 300 + "]" * 300)), "malformed node"),
        (_manifest({"list": json.loads('{"list": [' * 300 + "]}" * 300)["list"]}), "deeper"),
    ],
)
def test_lying_manifest_is_refused(tmp_path, manifest, match):
    _refused(_npz_with_manifest(tmp_path / "bad.npz", manifest, w=np.zeros(2)), match)


def test_manifest_of_the_wrong_dtype_is_refused(tmp_path):
    np.savez(tmp_path / "m.npz", __manifest__=np.zeros(3, dtype=np.float32))
    _refused(tmp_path / "m.npz", "manifest is a float32 array")


def test_npy_file_is_refused_with_advice(tmp_path):
    np.save(tmp_path / "w.npy", np.arange(3))
    _refused(tmp_path / "w.npy", "single .npy array.*numpy.load")


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "empty"),
        (b"hello, this is a text file\n", "not a checkpoint of a known format"),
        (bytes(range(256)) * 4, "not a checkpoint of a known format"),
        (b"PK\x03\x04" + b"\x00" * 100, "zip archive is damaged"),
    ],
)
def test_files_of_other_kinds_are_refused(tmp_path, content, match):
    (tmp_path / "f.npz").write_bytes(content)
    _refused(tmp_path / "f.npz", match)


def test_oversized_npy_header_is_refused(tmp_path):
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), " + b" " * 20_000 + b"}\n"
    _zip(tmp_path / "h.npz", {"w.npy": _npy_bytes(header, b"\x00" * 4, version=2)})
    _refused(tmp_path / "h.npz", "header of 20,0.. bytes .at most 10,000")


@pytest.mark.parametrize(
    "header, match",
    [
        (b"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "malformed .npy header"),
        (b"__import__('os').system('echo hi')", "malformed .npy header"),
        (b"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", "malformed"),
        (b"{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "fortran_order"),
        (b"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "not a tuple of sizes"),
        (b"{'descr': 'xyz', 'fortran_order': False, 'shape': (1,)}", "malformed .npy header"),
        (b"{'descr': '<U3', 'fortran_order': False, 'shape': (1,)}", "numbers and booleans"),
        (b"{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", "pickled Python objects"),
    ],
)
def test_forged_npy_header_is_refused(tmp_path, header, match):
    _zip(tmp_path / "h.npz", {"w.npy": _npy_bytes(header, b"\x00" * 12)})
    _refused(tmp_path / "h.npz", match)


def test_small_file_declaring_a_huge_array_is_refused_before_allocating(tmp_path):
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }"  # 1 GiB
    _zip(tmp_path / "big.npz", {"w.npy": _npy_bytes(header, b"\x00" * 2**20)})
    _refused(tmp_path / "big.npz", r"declares shape \(268435456,\).*1,073,741,824 bytes")


def test_zip_entry_declaring_more_than_it_stores_is_refused(tmp_path):
    path = _zip(tmp_path / "z.npz", {"w.npy": _npy_bytes(b"{}", b"\x00" * 1000)})
    data = bytearray(path.read_bytes())
    directory = data.rindex(b"PK\x01\x02")  # the central directory entry of "w.npy"
    data[directory + 24 : directory + 28] = struct.pack("<I", 2**30)  # its uncompressed size
    path.write_bytes(bytes(data))
    _refused(path, "declares 1,073,741,824 bytes but stores")


def test_size_limit_applies_and_can_be_raised(tmp_path):
    nn.save({"w": np.zeros(10_000)}, tmp_path / "w.npz")
    _refused(tmp_path / "w.npz", "above the limit of 1,000 bytes.*max_bytes", max_bytes=1000)
    assert nn.load(tmp_path / "w.npz", max_bytes=100_000)["w"].shape == (10_000,)
    assert nn.load(tmp_path / "w.npz", max_bytes=None)["w"].shape == (10_000,)


def test_zip_members_that_are_not_arrays_are_refused(tmp_path):
    _zip(tmp_path / "x.npz", {"notes.txt": b"hello"})
    _refused(tmp_path / "x.npz", "'notes.txt' is not a .npy array")


def test_truncated_array_data_is_refused(tmp_path):
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
    _zip(tmp_path / "t.npz", {"w.npy": _npy_bytes(header, b"\x00" * 8)})
    _refused(tmp_path / "t.npz", r"declares shape \(4,\) of float64 \(32 bytes\) but holds 8")


# ------------------------------------------------------------- fuzzing


def _checkpoint_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    state = {"model": nn.Linear(3, 2).state_dict(), "epoch": 4, "names": ["a", ("b", None)]}
    if kind == "compressed npz":
        np.savez_compressed(buffer, **{"w": np.arange(50.0), "b": np.ones((2, 3), np.int16)})
    elif kind == "torch":
        torch_save.write({**state, "view": np.arange(6.0)[::2], "flags": np.ones(3, bool)}, buffer)
    elif kind == "safetensors":
        flat = {"w": np.arange(50.0), "b": np.ones((2, 3), np.int16), "e": np.zeros((0, 2))}
        safetensors_file.write(flat, buffer, {"epoch": "4"})
    else:
        npz.write(state, buffer)
    return buffer.getvalue()


_ORIGINALS = [_checkpoint_bytes(kind) for kind in ("npz", "compressed npz", "safetensors", "torch")]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(range(len(_ORIGINALS))),
    cut=st.one_of(st.none(), st.integers(0, 3000)),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.binary(min_size=1, max_size=8)), max_size=4),
)
def test_corrupted_or_truncated_checkpoints_only_ever_raise_value_error(
    tmp_path_factory, kind, cut, edits
):
    data = bytearray(_ORIGINALS[kind])
    for position, patch in edits:
        position %= len(data)
        data[position : position + len(patch)] = patch
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    path = tmp_path_factory.getbasetemp() / "fuzzed.npz"
    path.write_bytes(bytes(data))
    try:
        nn.load(path)
    except ValueError as error:
        assert str(path) in str(error)
