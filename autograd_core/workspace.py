"""Large scratch arrays reused from one training step to the next, within a memory budget.

A fresh multi-megabyte array costs more in page faults than the arithmetic
that fills it (the convolution's im2col columns are the main case). Ops that
would allocate such an array ask `empty` instead: it hands back an array of
that shape and dtype that nothing refers to any more, or makes (and keeps) a
new one. "Nothing refers to it" is read off CPython's reference count, so an
array still held by a tensor, a saved value, a view or the user is never
handed out again.

The pool keeps at most `max_bytes()` (64 MiB unless `set_max_bytes` says
otherwise): when a new array would go over, the shapes used least recently
are forgotten first, so a model run at many batch sizes does not keep the
arrays of every size it ever saw.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

MIN_BYTES = 1 << 20  # smaller arrays come from malloc's own free lists without faults
MAX_PER_SHAPE = 4  # arrays kept per (shape, dtype); beyond that, plain allocation

_Key = tuple[tuple[int, ...], np.dtype]
_pool: OrderedDict[_Key, list[np.ndarray]] = OrderedDict()  # least recently used first
_lock = threading.Lock()
_FREE = 2  # references to a kept array nobody uses: the pool's list, getrefcount's argument
_budget = {"max": 64 << 20, "kept": 0}  # bytes allowed and bytes kept


def empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised array of `shape` and `dtype`, reused when a kept one is free."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < MIN_BYTES:
        return np.empty(shape, dtype)
    key = (tuple(shape), dtype)
    with _lock:
        kept = _pool.get(key)
        if kept is not None:
            _pool.move_to_end(key)
            for i in range(len(kept)):
                if sys.getrefcount(kept[i]) <= _FREE:
                    return kept[i]
        array = np.empty(shape, dtype)
        if nbytes <= _budget["max"] and (kept is None or len(kept) < MAX_PER_SHAPE):
            _pool.setdefault(key, []).append(array)
            _budget["kept"] += nbytes
            _forget_least_recent(keep=key)
        return array


def _forget_least_recent(keep: _Key) -> None:
    """Drop whole shapes, least recently used first, until the kept bytes fit the budget."""
    while _budget["kept"] > _budget["max"]:
        oldest = next(iter(_pool))
        if oldest == keep:  # the shape just used is the only one left and fits on its own
            break
        _budget["kept"] -= sum(array.nbytes for array in _pool.pop(oldest))


def kept_bytes() -> int:
    """How many bytes the pool holds now (arrays in use included).

    Examples
    --------
    >>> release_all(); kept_bytes()
    0
    """
    return _budget["kept"]


def max_bytes() -> int:
    """The pool's budget in bytes (see `set_max_bytes`)."""
    return _budget["max"]


def set_max_bytes(nbytes: int) -> None:
    """Keep at most `nbytes` of scratch arrays (0 turns the pool off); forgets what is over.

    Examples
    --------
    >>> set_max_bytes(128 << 20); max_bytes() >> 20
    128
    >>> set_max_bytes(64 << 20)
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise ValueError(f"workspace.set_max_bytes: expected a byte count >= 0, got {nbytes!r}")
    with _lock:
        _budget["max"] = nbytes
        while _pool and _budget["kept"] > nbytes:
            _budget["kept"] -= sum(array.nbytes for array in _pool.popitem(last=False)[1])


def release_all() -> None:
    """Forget every kept array (their memory goes back once nothing else holds them)."""
    with _lock:
        _pool.clear()
        _budget["kept"] = 0
