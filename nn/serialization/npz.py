"""The `.npz` checkpoint format: nested structures of arrays, never pickle.

A checkpoint is a nested structure of dicts (str or int keys), lists and
tuples whose leaves are arrays, tensors, numbers, strings, booleans or
None, e.g. `{"model": model.state_dict(), "optimizer": opt.state_dict(),
"epoch": 3}`. Each array is one `.npy` member of the zip archive, named by
its path of keys joined by "/" (made safe for zip names); a JSON manifest,
stored as a uint8 array, records the structure, the exact keys and the
small values. Reading parses every `.npy` header here, checks it against
the member's real size and the size limit before anything is allocated,
and never unpickles.
"""

from __future__ import annotations

import ast
import json
import math
import re
import zipfile
import zlib
from typing import IO, Any

import numpy as np

from autograd_core import Tensor

from .common import as_array, check_size, check_zip_members, refuse

MANIFEST = "__manifest__"
FORMAT = "nn.save"
VERSIONS = (1,)
_MAX_HEADER = 10_000  # bytes of one .npy header (numpy's own limit)
_MAX_DEPTH = 200  # nesting of the manifest
_UNSAFE_NAME = re.compile(r"[^\w.\-/]")


# ------------------------------------------------------------------ writing


def _encode(obj: Any, path: list[str], arrays: dict[str, np.ndarray]) -> Any:
    """The manifest node for `obj`; arrays found on the way are added to `arrays`."""
    array = as_array(obj)
    if array is not None:
        if array.dtype.kind not in "biufc" or array.dtype.fields is not None:
            raise TypeError(
                f"save: cannot store {'/'.join(path) or 'the object'}: arrays of dtype "
                f"{array.dtype} would need pickle (numbers and booleans only)"
            )
        name = _UNSAFE_NAME.sub("_", "/".join(path)) or "value"
        while name in arrays or name == MANIFEST:
            name += "_"
        arrays[name] = array
        return {"array": name, "tensor": True} if isinstance(obj, Tensor) else {"array": name}
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"value": obj}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"save: dict keys must be str or int, got {key!r}")
            items.append([key, _encode(value, [*path, str(key)], arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        nodes = [_encode(v, [*path, str(i)], arrays) for i, v in enumerate(obj)]
        return {"list" if isinstance(obj, list) else "tuple": nodes}
    raise TypeError(
        f"save: cannot store a {type(obj).__name__} at {'/'.join(path) or 'the top level'} "
        "(expected dicts, lists, tuples, arrays, tensors, numbers, strings or None)"
    )


def write(obj: Any, file: IO[bytes]) -> None:
    """Write `obj` as an `.npz` archive with a manifest to the open binary `file`."""
    arrays: dict[str, np.ndarray] = {}
    root = _encode(obj, [], arrays)
    text = json.dumps({"format": FORMAT, "version": VERSIONS[-1], "root": root})
    arrays[MANIFEST] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():  # as numpy.savez lays them out
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


# ------------------------------------------------------------------ reading


def _read_header(path: str, name: str, member: IO[bytes]) -> tuple[np.dtype, tuple, bool, int]:
    """Parse one `.npy` header: (dtype, shape, fortran_order, header length in bytes)."""
    magic = member.read(8)
    if len(magic) < 8 or magic[:6] != b"\x93NUMPY" or magic[6] not in (1, 2, 3):
        refuse(path, f"member {name!r} is not a .npy array (bad magic bytes {magic[:8]!r})")
    width = 2 if magic[6] == 1 else 4
    size_bytes = member.read(width)
    length = int.from_bytes(size_bytes, "little")
    if len(size_bytes) < width or length > _MAX_HEADER:
        refuse(path, f"member {name!r} has a .npy header of {length:,} bytes (at most 10,000)")
    raw = member.read(length)
    try:
        header = ast.literal_eval(raw.decode("utf-8" if magic[6] == 3 else "latin1"))
        keys_ok = isinstance(header, dict) and set(header) == {"descr", "fortran_order", "shape"}
        if not keys_ok or not isinstance(header["descr"], str):
            raise ValueError("expected a dict with 'descr' (a string), 'fortran_order', 'shape'")
        dtype = np.dtype(header["descr"])
        shape, fortran = header["shape"], header["fortran_order"]
        if not isinstance(fortran, bool) or not isinstance(shape, tuple):
            raise ValueError("'fortran_order' must be a bool and 'shape' a tuple")
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
            raise ValueError(f"the shape {shape!r} is not a tuple of sizes")
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        refuse(path, f"member {name!r} has a malformed .npy header ({error})")
    if dtype.hasobject:
        refuse(
            path,
            f"member {name!r} holds pickled Python objects; they are refused because "
            "unpickling can run arbitrary code (save checkpoints with nn.save)",
        )
    if dtype.fields is not None or dtype.kind not in "biufc":
        refuse(path, f"member {name!r} holds dtype {dtype} (numbers and booleans only)")
    return dtype, shape, fortran, len(magic) + width + length


def _read_arrays(path: str, archive: zipfile.ZipFile, size: int, max_bytes: int | None) -> dict:
    """Every `.npy` member as a numpy array, each checked before it is allocated."""
    members = check_zip_members(path, archive, size)
    for info in members:
        if not info.filename.endswith(".npy"):
            refuse(path, f"the zip member {info.filename!r} is not a .npy array")
    check_size(path, sum(info.file_size for info in members), max_bytes)
    arrays = {}
    for info in members:
        name = info.filename[: -len(".npy")]
        try:
            buffer, dtype, shape, fortran = _read_member(path, archive, info, name)
        except _ZIP_ERRORS as error:  # a damaged local header or compressed stream
            refuse(path, f"member {name!r} cannot be read ({type(error).__name__}: {error})")
        flat = np.frombuffer(buffer, dtype=dtype)
        arrays[name] = flat.reshape(shape, order="F" if fortran else "C")
    return arrays


# What zipfile raises for a member whose local header or data is damaged (a garbled name
# raises UnicodeDecodeError, which names no file).
_ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, EOFError, zlib.error)


def _read_member(
    path: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str
) -> tuple[bytearray, np.dtype, tuple[int, ...], bool]:
    """One member's header, checked against its size, and its data as a writable buffer."""
    with archive.open(info) as member:
        dtype, shape, fortran, header_size = _read_header(path, name, member)
        expected = math.prod(shape) * dtype.itemsize
        if expected != info.file_size - header_size:
            refuse(
                path,
                f"member {name!r} declares shape {shape} of {dtype} ({expected:,} bytes) "
                f"but holds {info.file_size - header_size:,} bytes of data",
            )
        buffer = bytearray(member.read(expected))  # writable, like np.load's arrays
        if len(buffer) != expected:
            refuse(path, f"member {name!r} ends after {len(buffer):,} of {expected:,} bytes")
    return buffer, dtype, shape, fortran


def _decode(path: str, node: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    """The object a manifest node describes; any node that does not fit is refused."""
    if depth > _MAX_DEPTH:
        refuse(path, f"the manifest nests deeper than {_MAX_DEPTH} levels")
    kind = next(iter(node), None) if isinstance(node, dict) else None
    if kind == "array" and isinstance(node["array"], str) and node["array"] in arrays:
        array = arrays[node["array"]]
        if node.get("tensor") is not True:
            return array
        if array.dtype.kind == "c":
            refuse(path, f"the manifest marks the complex array {node['array']!r} as a tensor")
        return Tensor(array)
    if kind == "value" and len(node) == 1 and _is_plain(node["value"]):
        return node["value"]
    if kind == "dict" and len(node) == 1 and isinstance(node["dict"], list):
        result = {}
        for item in node["dict"]:
            if not (isinstance(item, list) and len(item) == 2 and _is_key(item[0])):
                refuse(path, f"the manifest has a malformed dict entry {_short(item)}")
            result[item[0]] = _decode(path, item[1], arrays, depth + 1)
        return result
    if kind in ("list", "tuple") and len(node) == 1 and isinstance(node[kind], list):
        items = [_decode(path, value, arrays, depth + 1) for value in node[kind]]
        return items if kind == "list" else tuple(items)
    refuse(path, f"the manifest has a malformed node {_short(node)}")


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _is_key(key: Any) -> bool:
    return isinstance(key, (str, int)) and not isinstance(key, bool)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read(path: str, file: IO[bytes], max_bytes: int | None) -> Any:
    """Read an `.npz` archive; with a manifest, the structure `write` saved."""
    size = file.seek(0, 2)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            arrays = _read_arrays(path, archive, size, max_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError,
            NotImplementedError) as error:  # fmt: skip
        refuse(path, f"the zip archive is damaged ({error})")
    if MANIFEST not in arrays:
        return arrays
    raw = arrays.pop(MANIFEST)
    if raw.dtype != np.uint8 or raw.ndim != 1:
        refuse(path, f"the manifest is a {raw.dtype} array of shape {raw.shape}, not uint8 text")
    try:
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        refuse(path, f"the manifest is not valid JSON text ({type(error).__name__}: {error})")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "root" not in manifest:
        refuse(path, f"the manifest is not one written by nn.save ({_short(manifest)})")
    if manifest.get("version") not in VERSIONS:
        refuse(
            path,
            f"the manifest has version {manifest.get('version')!r}; this version of nn reads "
            f"versions {', '.join(map(str, VERSIONS))} (a newer nn wrote it?)",
        )
    return _decode(path, manifest["root"], arrays)
