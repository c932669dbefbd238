"""`save` and `load`: checkpoints in `.npz`, never plain pickle.

`save` picks the format by the file's suffix and writes exactly the path it
is given, atomically; `load` recognises the format by the file's content,
whatever its name, and refuses anything it cannot read safely with one
`ValueError` naming the file and the problem.

======================  ===========================================================
suffix                  format
======================  ===========================================================
``.safetensors``        safetensors: a flat dict of named tensors (+ string metadata)
``.pt .pth .bin``       PyTorch's zip checkpoint, readable by `torch.load(weights_only=True)`
``.npz`` and any other  nn's `.npz`: nested dicts/lists/tuples of arrays and numbers
======================  ===========================================================

All formats are read and written here with numpy alone: neither PyTorch nor
the `safetensors` package is imported; the tests check interoperability with
both. `load` also reads PyTorch's legacy (pre-1.6) format, never running code
from a pickle (see `torch_load`).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from typing import Any

from . import npz, safetensors_file, torch_load, torch_save
from .common import DEFAULT_MAX_BYTES, atomic_write, refuse

__all__ = ["save", "load", "safetensors_metadata", "DEFAULT_MAX_BYTES"]

_TORCH_SUFFIXES = (".pt", ".pth", ".bin")


def save(obj: Any, path: str | os.PathLike, *, metadata: Mapping[str, str] | None = None) -> str:
    """Write `obj` to exactly `path`, in the format its suffix names; returns the path.

    The file is replaced atomically: an interrupted save leaves the previous
    file untouched. Any suffix other than the ones in the module's table
    gives nn's `.npz` format under the name given. `metadata` (str to str)
    goes into a safetensors file's `__metadata__` header.

    Examples
    --------
    >>> import os, tempfile, nn
    >>> path = nn.save({"epoch": 3, "w": nn.Linear(2, 1).weight}, tempfile.mkdtemp() + "/c.npz")
    >>> nn.load(path)["epoch"], nn.load(path)["w"].shape
    (3, (1, 2))
    """
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if metadata is not None and suffix != ".safetensors":
        raise ValueError(f"save: metadata= is stored only in .safetensors files, not {path!r}")
    with atomic_write(path) as file:
        if suffix == ".safetensors":
            safetensors_file.write(obj, file, metadata)
        elif suffix in _TORCH_SUFFIXES:
            torch_save.write(obj, file)
        else:
            npz.write(obj, file)
    return path


def load(path: str | os.PathLike, *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Any:
    """Read a checkpoint written by `save` (or a plain `.npz` of arrays), by its content.

    Arrays saved as tensors come back as tensors, numpy arrays as numpy
    arrays; a safetensors file gives a dict of tensors (bfloat16 widened to
    float32). `max_bytes` bounds the total size the file's arrays may declare
    (4 GiB by default; None for no limit), checked before anything is
    allocated. A file that is damaged, forged or would need pickle is refused
    with a ValueError.

    Examples
    --------
    >>> import tempfile, numpy as np, nn
    >>> nn.load(nn.save({"step": np.arange(3)}, tempfile.mkdtemp() + "/s.npz"))["step"]
    array([0, 1, 2])
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        head = file.read(16)
        file.seek(0)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            if torch_load.is_torch_zip(_zip_names(file)):
                return torch_load.read_zip(path, file, max_bytes)
            return npz.read(path, file, max_bytes)
        if head.startswith(torch_load.LEGACY_MAGIC):
            return torch_load.read_legacy(path, file, max_bytes)
        if safetensors_file.looks_like(head):
            return safetensors_file.read(path, file, max_bytes)
        refuse(path, _unknown_format(head))


def safetensors_metadata(path: str | os.PathLike) -> dict[str, str] | None:
    """The `__metadata__` header of a safetensors file (None if it has none).

    Examples
    --------
    >>> import tempfile, nn
    >>> path = nn.save({"w": nn.Linear(2, 1).weight}, tempfile.mkdtemp() + "/m.safetensors",
    ...                metadata={"format": "pt"})
    >>> nn.serialization.safetensors_metadata(path)
    {'format': 'pt'}
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        if not safetensors_file.looks_like(file.read(16)):
            refuse(path, "it is not a safetensors file")
        return safetensors_file.read_metadata(path, file)


def _zip_names(file: Any) -> list[str]:
    """The member names of a zip file (none if it is too damaged to list them: the reader
    of `.npz` then reports the damage)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError):  # RuntimeError: unsupported
        return []
    finally:
        file.seek(0)


def _unknown_format(head: bytes) -> str:
    """Why a file with these first bytes is not a checkpoint."""
    if head.startswith(b"\x93NUMPY"):
        return (
            "it is a single .npy array, not a checkpoint; read it with "
            "numpy.load(path, allow_pickle=False)"
        )
    if not head:
        return "the file is empty"
    if head.startswith(b"\x80"):
        return (
            "it is a plain pickle, which is refused because unpickling can run arbitrary "
            "code (expected .npz, .safetensors or a torch.save checkpoint)"
        )
    return (
        f"not a checkpoint of a known format (it starts with {head[:8]!r}; "
        "expected .npz, .safetensors or a torch.save checkpoint)"
    )
