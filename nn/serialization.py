"""`save` and `load`: checkpoints as `.npz` files, never pickle.

A checkpoint is a nested structure of dicts (str or int keys), lists and
tuples whose leaves are arrays, tensors, numbers, strings, booleans or
None, e.g. `{"model": model.state_dict(), "optimizer": opt.state_dict(),
"epoch": 3}`. Each array is stored under its path of keys joined by "/";
a JSON manifest, stored as a uint8 array, records the structure and the
small values. `load` opens the file with `allow_pickle=False`, so a file
carrying pickled objects is refused rather than executed.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from autograd_core import Tensor

_MANIFEST = "__manifest__"
_SEPARATOR = "/"


def _encode(obj: Any, path: list[str], arrays: dict[str, np.ndarray]) -> Any:
    """The manifest node for `obj`; arrays found on the way are added to `arrays`."""
    if isinstance(obj, Tensor):
        obj = np.asarray(obj.data)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufc":
            raise TypeError(
                f"save: cannot store {'/'.join(path) or 'the object'}: arrays of dtype "
                f"{obj.dtype} would need pickle (numbers and booleans only)"
            )
        name = _SEPARATOR.join(path) or "value"
        while name in arrays or name == _MANIFEST:
            name += "_"
        arrays[name] = obj
        return {"array": name}
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


def _decode(node: dict[str, Any], arrays: Any) -> Any:
    if "array" in node:
        return arrays[node["array"]]
    if "value" in node:
        return node["value"]
    if "dict" in node:
        return {key: _decode(value, arrays) for key, value in node["dict"]}
    if "list" in node:
        return [_decode(value, arrays) for value in node["list"]]
    return tuple(_decode(value, arrays) for value in node["tuple"])


def save(obj: Any, path: str | os.PathLike) -> str:
    """Write `obj` to an `.npz` file (".npz" is appended if missing); returns the path.

    Examples
    --------
    >>> import os, tempfile, nn
    >>> target = os.path.join(tempfile.mkdtemp(), "c")
    >>> path = save({"epoch": 3, "w": nn.Linear(2, 1).weight}, target)
    >>> load(path)["epoch"], load(path)["w"].shape
    (3, (1, 2))
    """
    arrays: dict[str, np.ndarray] = {}
    manifest = _encode(obj, [], arrays)
    text = json.dumps({"format": "nn.save", "version": 1, "root": manifest})
    arrays[_MANIFEST] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, **arrays)
    return path


def load(path: str | os.PathLike) -> Any:
    """Read a file written by `save` (arrays come back as numpy arrays).

    A plain `.npz` without a manifest loads as a dict of its arrays. Pickled
    content is refused with a ValueError.
    """
    with np.load(os.fspath(path), allow_pickle=False) as archive:
        try:
            arrays = {name: archive[name] for name in archive.files}
        except ValueError as error:
            if "pickle" not in str(error).lower():
                raise
            raise ValueError(
                f"load: {os.fspath(path)!r} holds pickled Python objects; they are refused "
                "because unpickling can run arbitrary code (save checkpoints with nn.save)"
            ) from None
    if _MANIFEST not in arrays:
        return arrays
    manifest = json.loads(arrays.pop(_MANIFEST).tobytes().decode("utf-8"))
    return _decode(manifest["root"], arrays)
