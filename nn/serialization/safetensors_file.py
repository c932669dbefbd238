"""The safetensors format, read and written here in numpy (no `safetensors` package needed).

A file is an 8-byte little-endian header length, a JSON header mapping each
tensor's name to its dtype, shape and `[begin, end)` byte range in the data
that follows, an optional `"__metadata__"` map of strings, and the raw
little-endian tensor bytes. Reading checks everything before allocating:
the header's size, that every range is in bounds and the ranges tile the
data exactly (no gaps, no overlaps), that each dtype is one of the
whitelisted names and each shape matches its byte count. Nothing is ever
executed. bfloat16 tensors are converted to float32 on load (numpy has no
bfloat16); float8 tensors are refused.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

from autograd_core import Tensor

from .common import as_array, check_size, refuse

MAX_HEADER = 100_000_000  # bytes, the limit of the safetensors package itself
_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?",
}  # fmt: skip
_NAMES = {np.dtype(code): name for name, code in _DTYPES.items() if name != "BF16"}
_ENTRY_KEYS = {"dtype", "shape", "data_offsets"}


def looks_like(head: bytes) -> bool:
    """True if the file's first bytes are a safetensors header length and a JSON object."""
    return len(head) >= 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") >= 2


# ------------------------------------------------------------------ writing


def write(tensors: Any, file: IO[bytes], metadata: Mapping[str, str] | None = None) -> None:
    """Write a flat mapping of names to tensors/arrays, in its order, to the binary `file`."""
    if not isinstance(tensors, Mapping):
        raise TypeError(
            f"save: safetensors holds a flat dict of named tensors, got {type(tensors).__name__} "
            "(save nested checkpoints as .npz or .pt)"
        )
    header: dict[str, Any] = {}
    if metadata is not None:
        if not isinstance(metadata, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
        ):
            raise TypeError("save: safetensors metadata must be a dict of str to str")
        header["__metadata__"] = dict(metadata)
    arrays, offset = [], 0
    for name, value in tensors.items():
        array = np.asarray(value) if isinstance(value, np.generic) else as_array(value)
        if not isinstance(name, str) or name == "__metadata__":
            raise TypeError(
                f"save: safetensors keys are strings other than __metadata__, got {name!r}"
            )
        if array is None or array.dtype not in _NAMES:
            what = type(value).__name__ if array is None else f"an array of dtype {array.dtype}"
            raise TypeError(
                f"save: cannot store {name!r} in safetensors: it is {what} (expected tensors or "
                "arrays of bool, int, uint or float dtypes; nested values need .npz or .pt)"
            )
        array = array.astype(array.dtype.newbyteorder("<"), order="C", copy=False)
        header[name] = {
            "dtype": _NAMES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        arrays.append(array)
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the package does
    file.write(len(text).to_bytes(8, "little"))
    file.write(text)
    for array in arrays:
        file.write(array.tobytes())


# ------------------------------------------------------------------ reading


def _header(path: str, file: IO[bytes], size: int) -> tuple[dict[str, Any], int]:
    """The parsed JSON header and the byte position where the data starts."""
    length = int.from_bytes(file.read(8), "little")
    if length > MAX_HEADER or 8 + length > size:
        refuse(
            path,
            f"its safetensors header declares {length:,} bytes (the file has {size:,} bytes; "
            f"headers are at most {MAX_HEADER:,} bytes)",
        )
    try:
        header = json.loads(file.read(length).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        refuse(path, f"its safetensors header is not valid JSON ({type(error).__name__}: {error})")
    if not isinstance(header, dict):
        refuse(path, f"its safetensors header is a {type(header).__name__}, not an object")
    return header, 8 + length


def _entry(path: str, name: str, entry: Any) -> tuple[np.dtype, tuple[int, ...], int, int]:
    """(dtype, shape, begin, end) of one header entry, each field checked."""
    if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
        refuse(path, f"tensor {name!r}: expected an entry with dtype, shape, data_offsets")
    code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if code not in _DTYPES:
        refuse(
            path,
            f"tensor {name!r} has dtype {code!r}; readable dtypes are {', '.join(_DTYPES)} "
            "(float8 has no numpy equivalent)",
        )
    if not isinstance(shape, list) or not all(_is_size(n) for n in shape):
        refuse(path, f"tensor {name!r} has shape {shape!r}, not a list of sizes")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_size, offsets))):
        refuse(path, f"tensor {name!r} has data_offsets {offsets!r}, not [begin, end]")
    dtype = np.dtype(_DTYPES[code])
    begin, end = offsets
    if end - begin != math.prod(shape) * dtype.itemsize:
        refuse(
            path,
            f"tensor {name!r} of shape {tuple(shape)} and dtype {code} needs "
            f"{math.prod(shape) * dtype.itemsize:,} bytes, its data_offsets span {end - begin:,}",
        )
    return dtype, tuple(shape), begin, end


def _is_size(n: Any) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


def read_metadata(path: str, file: IO[bytes]) -> dict[str, str] | None:
    """The `__metadata__` map of a safetensors file (None when it has none)."""
    size = file.seek(0, 2)
    file.seek(0)
    header, _ = _header(path, file, size)
    return _metadata(path, header)


def _metadata(path: str, header: dict[str, Any]) -> dict[str, str] | None:
    metadata = header.get("__metadata__")
    if metadata is not None and not (
        isinstance(metadata, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
    ):
        refuse(path, "its __metadata__ is not a map of strings to strings")
    return metadata


def read(path: str, file: IO[bytes], max_bytes: int | None) -> dict[str, Tensor]:
    """Every tensor of a safetensors file, by name, in the order of their data."""
    size = file.seek(0, 2)
    file.seek(0)
    header, start = _header(path, file, size)
    _metadata(path, header)
    entries = sorted(
        ((name, *_entry(path, name, entry)) for name, entry in header.items()
         if name != "__metadata__"),
        key=lambda item: (item[3], item[4]),
    )  # fmt: skip
    position = 0
    for name, _, _, begin, end in entries:  # the ranges must tile the data exactly
        if begin != position:
            problem = "overlaps the previous tensor" if begin < position else "leaves a gap"
            refuse(path, f"tensor {name!r} starts at byte {begin:,}: it {problem}")
        position = end
    check_size(path, position, max_bytes)
    if start + position != size:
        refuse(
            path,
            f"its header describes {position:,} bytes of tensor data, the file holds "
            f"{size - start:,} (truncated, or bytes appended)",
        )
    tensors = {}
    for name, dtype, shape, begin, end in entries:
        file.seek(start + begin)
        data = np.frombuffer(bytearray(file.read(end - begin)), dtype=dtype).reshape(shape)
        if header[name]["dtype"] == "BF16":  # the top half of a float32: widen exactly
            data = (data.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = Tensor(data.astype(data.dtype.newbyteorder("="), copy=False))
    return tensors
