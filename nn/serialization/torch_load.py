"""Reading `torch.save` checkpoints without PyTorch, through a restricted unpickler.

A PyTorch checkpoint is a pickle whose tensors point at raw storages kept
beside it: zip records `<archive>/data/<key>` in the current format, or
storages appended after the pickles in the legacy format. The unpickler here
resolves only the globals a tensor checkpoint needs, as PyTorch's own
`weights_only=True` loader does (the tensor rebuild functions, storage and
dtype names, `collections.OrderedDict`), each to a function of this module,
never to PyTorch; any other global is refused, by name, before it could run.

Tensors come back as `autograd_core.Tensor`s that are numpy views into their
storage, so tensors that shared a storage in PyTorch share memory here too.
bfloat16 storages are widened to float32; complex and float8 are refused.
"""

from __future__ import annotations

import _compat_pickle
import collections
import io
import math
import pickle
import struct
import zipfile
from typing import IO, Any

import numpy as np

from autograd_core import Tensor

from .common import check_size, check_zip_members, refuse

LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."  # pickled 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001
_MAX_PICKLE = 256 * 2**20  # bytes of pickled structure (tensor data is stored beside it)
_MAX_DEPTH = 200
_STORAGES = {
    "DoubleStorage": "<f8", "FloatStorage": "<f4", "HalfStorage": "<f2",
    "BFloat16Storage": "<u2", "LongStorage": "<i8", "IntStorage": "<i4",
    "ShortStorage": "<i2", "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}  # fmt: skip
_DTYPES = {
    "float64": "<f8", "float32": "<f4", "float16": "<f2", "bfloat16": "<u2",
    "int64": "<i8", "int32": "<i4", "int16": "<i2", "int8": "i1",
    "uint64": "<u8", "uint32": "<u4", "uint16": "<u2", "uint8": "u1", "bool": "?",
}  # fmt: skip


class _DType:
    """A storage class or dtype named in the pickle: the numpy dtype it stands for."""

    def __init__(self, name: str, code: str) -> None:
        self.name, self.dtype, self.bfloat16 = (
            name,
            np.dtype(code),
            "BFloat16" in name or (name == "bfloat16"),
        )


class _Storage:
    """The raw bytes of one storage, and its typed views (made once, so views share them)."""

    def __init__(self, data: bytes, dtype: _DType | None) -> None:
        self.data = np.frombuffer(data, dtype=np.uint8).copy()  # writable, as torch.load's
        self.dtype = dtype
        self._typed: dict[str, np.ndarray] = {}

    def typed(self, path: str, dtype: _DType) -> np.ndarray:
        if dtype.name not in self._typed:
            if len(self.data) % dtype.dtype.itemsize:
                refuse(path, f"a storage of {len(self.data)} bytes is read as {dtype.name}")
            flat = self.data.view(dtype.dtype)
            if dtype.bfloat16:  # the top half of a float32: widen exactly
                flat = (flat.astype(np.uint32) << 16).view(np.float32)
            self._typed[dtype.name] = flat.astype(flat.dtype.newbyteorder("="), copy=False)
        return self._typed[dtype.name]


class _LoadedTensor:
    """A tensor as the pickle describes it; made a Tensor after loading (no __dict__)."""

    __slots__ = ("storage", "dtype", "offset", "size", "stride", "parameter")

    def __init__(self, storage: _Storage, dtype: _DType, offset: int, size: tuple,
                 stride: tuple, parameter: bool | None = None) -> None:  # fmt: skip
        self.storage, self.dtype, self.offset = storage, dtype, offset
        self.size, self.stride, self.parameter = size, stride, parameter

    def array(self, path: str) -> np.ndarray:
        """A view into the storage, once its bounds are checked."""
        flat = self.storage.typed(path, self.dtype)
        size, stride, offset = self.size, self.stride, self.offset
        last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if math.prod(size) else -1
        if last >= flat.size or offset > flat.size:
            refuse(
                path,
                f"a tensor of size {size} and stride {stride} at offset {offset} reaches past "
                f"the end of its storage of {flat.size} elements",
            )
        strides = [s * flat.itemsize for s in stride]
        return np.lib.stride_tricks.as_strided(flat[offset:], shape=size, strides=strides)


def _is_size(n: Any) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


class _Unpickler(pickle.Unpickler):
    """Resolves only a tensor checkpoint's globals; storages come from `storages(key, ...)`."""

    def __init__(self, file: IO[bytes], path: str, storages: Any) -> None:
        super().__init__(file)
        self.path, self.storages = path, storages

    def find_class(self, module: str, name: str) -> Any:
        # protocol-2 pickles may spell Python 2 names (__builtin__.eval): read them as Python 3
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return self.rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_tensor_v3":
            return self.rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return self.rebuild_parameter
        if module == "torch" and name in _STORAGES:
            return _DType(name, _STORAGES[name])
        if module == "torch" and name in _DTYPES:
            return _DType(name, _DTYPES[name])
        if (module, name) in (("torch.storage", "UntypedStorage"), ("torch", "UntypedStorage")):
            return None
        if module == "torch" and name == "Size":
            return tuple
        refuse(
            self.path,
            f"its pickle asks for the global {module}.{name}, which a tensor checkpoint does "
            "not need; it is refused because loading it could run arbitrary code",
        )

    def persistent_load(self, pid: Any) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            refuse(self.path, f"its pickle refers to an unknown record {pid!r:.80}")
        dtype, key, _location, numel = pid[1:5]
        if not (dtype is None or isinstance(dtype, _DType)) or not _is_size(numel):
            refuse(self.path, f"its pickle describes a storage as {pid!r:.80}")
        return self.storages(str(key), dtype, numel)

    def rebuild_tensor_v2(
        self, storage: Any, offset: Any, size: Any, stride: Any, requires_grad: Any,
        hooks: Any, metadata: Any = None,
    ) -> _LoadedTensor:  # fmt: skip
        dtype = storage.dtype if isinstance(storage, _Storage) else None
        return self.rebuild_tensor(storage, offset, size, stride, requires_grad, hooks, dtype)

    def rebuild_tensor(
        self, storage: Any, offset: Any, size: Any, stride: Any, requires_grad: Any,
        hooks: Any, dtype: Any, metadata: Any = None,
    ) -> _LoadedTensor:  # fmt: skip
        if not isinstance(storage, _Storage) or not isinstance(dtype, _DType):
            refuse(self.path, "a tensor in its pickle has no storage of a known dtype")
        if not (
            _is_size(offset)
            and isinstance(size, tuple)
            and isinstance(stride, tuple)
            and len(size) == len(stride)
            and all(map(_is_size, size + stride))
        ):
            refuse(self.path, f"a tensor has offset {offset!r}, size {size!r}, stride {stride!r}")
        return _LoadedTensor(storage, dtype, offset, size, stride)

    def rebuild_parameter(self, data: Any, requires_grad: Any, hooks: Any) -> _LoadedTensor:
        if not isinstance(data, _LoadedTensor):
            refuse(self.path, "a parameter in its pickle holds no tensor")
        data.parameter = bool(requires_grad)
        return data


def _unpickle(path: str, file: IO[bytes], storages: Any) -> Any:
    """Run the restricted unpickler; a malformed pickle is refused, not reported raw."""
    try:
        return _Unpickler(file, path, storages).load()
    except ValueError:
        raise
    except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, IndexError, KeyError,
            struct.error, OverflowError, RecursionError, MemoryError, UnicodeDecodeError,
            ) as error:  # fmt: skip
        problem = f"its pickle is malformed ({type(error).__name__}: {error})"
    refuse(path, problem)  # outside the handler: the error does not keep the unpickler alive


def _finish(path: str, obj: Any, depth: int = 0, seen: dict | None = None) -> Any:
    """The loaded structure with Tensors, checking every object is one a checkpoint may hold."""
    seen = {} if seen is None else seen
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        return obj
    if id(obj) in seen:
        if seen[id(obj)] is None:
            refuse(path, "its pickle holds a structure that contains itself")
        return seen[id(obj)]
    if depth > _MAX_DEPTH:
        refuse(path, f"its pickle nests deeper than {_MAX_DEPTH} levels")
    seen[id(obj)] = None
    if isinstance(obj, _LoadedTensor):
        if obj.parameter is not None:
            from nn.module import Parameter  # here, as nn imports this package first

            result: Any = Parameter(obj.array(path), requires_grad=obj.parameter)
        else:
            result = Tensor(obj.array(path))
    elif isinstance(obj, dict):
        result = type(obj)()
        for key, value in obj.items():
            result[_finish(path, key, depth + 1, seen)] = _finish(path, value, depth + 1, seen)
    elif isinstance(obj, (list, tuple, set)):
        result = type(obj)(_finish(path, value, depth + 1, seen) for value in obj)
    else:
        refuse(path, f"its pickle holds a {type(obj).__name__}, which a checkpoint cannot hold")
    seen[id(obj)] = result
    return result


# ----------------------------------------------------------------- formats


def is_torch_zip(names: list[str]) -> bool:
    """True for the members of a `torch.save` zip archive (its pickle is `<name>/data.pkl`)."""
    return any(name.count("/") == 1 and name.endswith("/data.pkl") for name in names)


def read_zip(path: str, file: IO[bytes], max_bytes: int | None) -> Any:
    """Read the zip format of `torch.save` (PyTorch 1.6 and later)."""
    size = file.seek(0, 2)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = {info.filename: info for info in check_zip_members(path, archive, size)}
            prefix = next(n for n in members if n.count("/") == 1 and n.endswith("/data.pkl"))
            prefix = prefix[: -len("data.pkl")]
            order = archive.read(prefix + "byteorder").decode() if (
                prefix + "byteorder" in members) else "little"  # fmt: skip
            if order not in ("little", "big"):
                refuse(path, f"its byteorder record says {order!r}")
            declared = [0]

            def storage(key: str, dtype: _DType | None, numel: int) -> _Storage:
                info = members.get(f"{prefix}data/{key}")
                nbytes = numel * (1 if dtype is None else dtype.dtype.itemsize)
                if info is None or info.file_size != nbytes:
                    found = "missing" if info is None else f"{info.file_size:,} bytes"
                    refuse(path, f"storage {key!r} should hold {nbytes:,} bytes; it is {found}")
                if key not in cache:
                    declared[0] += nbytes
                    check_size(path, declared[0], max_bytes)
                    cache[key] = _Storage(archive.read(info), dtype)
                    if order == "big" and dtype is not None:
                        _swap(cache[key], dtype)
                return cache[key]

            cache: dict[str, _Storage] = {}
            pickled = members[prefix + "data.pkl"]
            if pickled.file_size > _MAX_PICKLE:
                refuse(path, f"its pickle declares {pickled.file_size:,} bytes (at most 256 MiB)")
            obj = _unpickle(path, io.BytesIO(archive.read(pickled)), storage)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, RuntimeError) as error:
        refuse(path, f"the zip archive is damaged ({error})")
    return _finish(path, obj)


def _swap(storage: _Storage, dtype: _DType) -> None:
    """Turn a big-endian storage's bytes little-endian in place."""
    storage.data.view(dtype.dtype).byteswap(inplace=True)


def read_legacy(path: str, file: IO[bytes], max_bytes: int | None) -> Any:
    """Read the legacy format of `torch.save(..., _use_new_zipfile_serialization=False)`."""
    header = [_unpickle(path, file, _no_storages(path)) for _ in range(3)]
    if header[1] != _LEGACY_PROTOCOL or not isinstance(header[2], dict):
        refuse(path, f"its legacy header is {header[1:]!r:.80} (expected protocol 1001)")
    if header[2].get("little_endian") is not True:
        refuse(path, "it was written on a big-endian machine (not supported)")
    pending: dict[str, tuple[_Storage, int, int]] = {}  # key -> (storage, elements, bytes)

    def storage(key: str, dtype: _DType | None, numel: int) -> _Storage:
        if dtype is None:
            refuse(path, "a legacy checkpoint's storage has no dtype")
        if key not in pending:
            pending[key] = (_Storage(b"", dtype), numel, numel * dtype.dtype.itemsize)
            check_size(path, sum(nbytes for _, _, nbytes in pending.values()), max_bytes)
        return pending[key][0]

    obj = _unpickle(path, file, storage)
    keys = _unpickle(path, file, _no_storages(path))
    if not isinstance(keys, list) or sorted(map(str, keys)) != sorted(pending):
        refuse(path, f"its list of storages {keys!r:.80} does not match the pickle's")
    for key in map(str, keys):
        held, numel, nbytes = pending[key]
        count = file.read(8)
        if len(count) < 8 or int.from_bytes(count, "little") != numel:
            refuse(path, f"storage {key!r} should hold {numel:,} elements")
        data = file.read(nbytes)
        if len(data) != nbytes:
            refuse(path, f"storage {key!r} ends after {len(data):,} of {nbytes:,} bytes")
        held.data = np.frombuffer(data, dtype=np.uint8).copy()
    return _finish(path, obj)


def _no_storages(path: str) -> Any:
    def storage(key: str, dtype: Any, numel: int) -> _Storage:
        refuse(path, "its legacy header refers to a storage")

    return storage
