"""Large scratch arrays reused from one training step to the next.

A fresh multi-megabyte array costs more in page faults than the arithmetic
that fills it (the convolution's im2col columns are the main case). Ops that
would allocate such an array ask `empty` instead: it hands back an array of
that shape and dtype that nothing refers to any more, or makes (and keeps) a
new one. "Nothing refers to it" is read off CPython's reference count, so an
array still held by a tensor, a saved value, a view or the user is never
handed out again.
"""

from __future__ import annotations

import math
import sys
import threading
from typing import Any

import numpy as np

MIN_BYTES = 1 << 20  # smaller arrays come from malloc's own free lists without faults
MAX_PER_SHAPE = 4  # arrays kept per (shape, dtype); beyond that, plain allocation

_pool: dict[tuple[tuple[int, ...], np.dtype], list[np.ndarray]] = {}
_lock = threading.Lock()
_FREE = 2  # references to a kept array nobody uses: the pool's list, getrefcount's argument


def empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised array of `shape` and `dtype`, reused when a kept one is free."""
    dtype = np.dtype(dtype)
    if math.prod(shape) * dtype.itemsize < MIN_BYTES:
        return np.empty(shape, dtype)
    key = (tuple(shape), dtype)
    with _lock:
        kept = _pool.setdefault(key, [])
        for i in range(len(kept)):
            if sys.getrefcount(kept[i]) <= _FREE:
                return kept[i]
        array = np.empty(shape, dtype)
        if len(kept) < MAX_PER_SHAPE:
            kept.append(array)
        return array


def release_all() -> None:
    """Forget every kept array (their memory goes back once nothing else holds them)."""
    with _lock:
        _pool.clear()
