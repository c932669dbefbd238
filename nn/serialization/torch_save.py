"""Writing checkpoints in `torch.save`'s zip format, without PyTorch.

The pickle is written opcode by opcode (protocol 2, as `torch.save` writes
it) from the few records `torch.load(weights_only=True)` accepts: dicts,
`collections.OrderedDict`, lists, tuples, strings, numbers, booleans, None,
and tensors as `torch._utils._rebuild_tensor_v2` over a storage record
(`_rebuild_tensor_v3` over an untyped storage for unsigned dtypes wider than
8 bits). Each tensor gets its own contiguous storage, so memory shared
between tensors here is not shared in the file.
"""

from __future__ import annotations

import collections
import struct
import zipfile
from typing import IO, Any

import numpy as np

from .common import as_array

_STORAGE_NAMES = {
    "float64": "DoubleStorage", "float32": "FloatStorage", "float16": "HalfStorage",
    "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage",
    "int8": "CharStorage", "uint8": "ByteStorage", "bool": "BoolStorage",
}  # fmt: skip
_UNTYPED = ("uint16", "uint32", "uint64")  # PyTorch pickles these with _rebuild_tensor_v3
_ALIGNMENT = 64  # storages start at multiples of 64 bytes in the file, as torch.save does


class _Pickle:
    """The protocol-2 opcodes of one checkpoint, and the storages its tensors refer to."""

    def __init__(self) -> None:
        self.out = bytearray(b"\x80\x02")  # PROTO 2
        self.storages: list[np.ndarray] = []

    def global_(self, module: str, name: str) -> None:
        self.out += b"c" + f"{module}\n{name}\n".encode("ascii")  # GLOBAL

    def put(self, obj: Any, where: str) -> None:
        array = as_array(obj)
        if array is not None:
            self.tensor(array, where)
        elif obj is None:
            self.out += b"N"  # NONE
        elif isinstance(obj, bool):
            self.out += b"\x88" if obj else b"\x89"  # NEWTRUE / NEWFALSE
        elif isinstance(obj, (int, np.integer)):
            self.integer(int(obj))
        elif isinstance(obj, (float, np.floating)):
            self.out += b"G" + struct.pack(">d", float(obj))  # BINFLOAT
        elif isinstance(obj, str):
            data = obj.encode("utf-8", "surrogatepass")
            self.out += b"X" + struct.pack("<I", len(data)) + data  # BINUNICODE
        elif isinstance(obj, dict):
            if isinstance(obj, collections.OrderedDict):
                self.global_("collections", "OrderedDict")
                self.out += b")R"  # EMPTY_TUPLE, REDUCE: OrderedDict()
            else:
                self.out += b"}"  # EMPTY_DICT
            if obj:
                self.out += b"("  # MARK
                for key, value in obj.items():
                    if not isinstance(key, (str, int)) or isinstance(key, bool):
                        raise TypeError(f"save: dict keys must be str or int, got {key!r}")
                    self.put(key, where)
                    self.put(value, f"{where}/{key}" if where else str(key))
                self.out += b"u"  # SETITEMS
        elif isinstance(obj, list):
            self.out += b"]"  # EMPTY_LIST
            if obj:
                self.out += b"("  # MARK
                for i, value in enumerate(obj):
                    self.put(value, f"{where}/{i}")
                self.out += b"e"  # APPENDS
        elif isinstance(obj, tuple):
            self.out += b"("  # MARK
            for i, value in enumerate(obj):
                self.put(value, f"{where}/{i}")
            self.out += b"t"  # TUPLE
        else:
            raise TypeError(
                f"save: cannot store a {type(obj).__name__} at {where or 'the top level'} in a "
                "PyTorch checkpoint (expected dicts, lists, tuples, tensors, numbers, strings "
                "or None)"
            )

    def integer(self, n: int) -> None:
        if 0 <= n < 256:
            self.out += b"K" + bytes([n])  # BININT1
        elif -(2**31) <= n < 2**31:
            self.out += b"J" + struct.pack("<i", n)  # BININT
        else:
            data = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
            self.out += b"\x8a" + bytes([len(data)]) + data  # LONG1

    def tensor(self, array: np.ndarray, where: str) -> None:
        name = array.dtype.name
        if name not in _STORAGE_NAMES and name not in _UNTYPED:
            raise TypeError(f"save: cannot store {where or 'the tensor'} of dtype {name} in a "
                            "PyTorch checkpoint")  # fmt: skip
        array = array.astype(array.dtype.newbyteorder("<"), order="C", copy=False)
        key = str(len(self.storages))
        self.storages.append(array)
        untyped = name in _UNTYPED
        self.global_("torch._utils", "_rebuild_tensor_v3" if untyped else "_rebuild_tensor_v2")
        self.out += b"((" + b"X\x07\x00\x00\x00storage"  # MARK MARK 'storage'
        self.global_(*(("torch.storage", "UntypedStorage") if untyped
                       else ("torch", _STORAGE_NAMES[name])))  # fmt: skip
        self.put(key, where)
        self.put("cpu", where)
        self.integer(array.nbytes if untyped else array.size)
        self.out += b"tQ"  # TUPLE, BINPERSID: the storage
        self.integer(0)  # storage offset
        self.put(tuple(array.shape), where)
        self.put(tuple(s // array.itemsize for s in array.strides), where)
        self.out += b"\x89"  # requires_grad=False
        self.global_("collections", "OrderedDict")
        self.out += b")R"  # backward hooks: OrderedDict()
        if untyped:
            self.global_("torch", name)
        self.out += b"tR"  # TUPLE, REDUCE: the tensor


def write(obj: Any, file: IO[bytes]) -> None:
    """Write `obj` as a `torch.save` zip checkpoint to the open binary `file`."""
    pickle = _Pickle()
    pickle.put(obj, "")
    pickle.out += b"."  # STOP
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        _record(archive, "archive/data.pkl", bytes(pickle.out))
        _record(archive, "archive/byteorder", b"little")
        for key, array in enumerate(pickle.storages):
            _record(archive, f"archive/data/{key}", array.tobytes(), aligned=True)
        _record(archive, "archive/version", b"3\n")


def _record(archive: zipfile.ZipFile, name: str, data: bytes, aligned: bool = False) -> None:
    """One stored record; `aligned` pads the local header so the data starts at 64 bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    if aligned:
        start = archive.fp.tell() + 30 + len(name.encode())  # type: ignore[union-attr]
        padding = -(start + 4) % _ALIGNMENT
        info.extra = struct.pack("<HH", 0x4346, padding) + b"Z" * padding  # an unknown field
    archive.writestr(info, data)
