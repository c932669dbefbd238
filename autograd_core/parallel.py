"""Large memory-bound kernels run on several threads, split over their leading axis.

numpy's elementwise loops (ufuncs with `out=`, slice assignment) release the GIL,
so two threads working on the two halves of a batch keep both cores busy where
one call would use one. The ops that move the most memory per step (max
pooling and its gradient, col2im, the im2col copy) hand their loop to
`over_leading_axis`; BLAS already threads the products itself. Chunks are
disjoint slices of the output and every element is computed as it would be
serially, so the results do not depend on the thread count.

The number of threads follows PyTorch's `set_num_threads` / `get_num_threads`;
it starts at `OMP_NUM_THREADS` when that is set, else at the CPUs this process
may run on.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from .errors import ArgumentError

MIN_BYTES = 2 << 20  # below this the hand-off (~30 us) costs more than a second core saves

_local = threading.local()  # .inside: this thread is running a chunk (no nested splitting)
_lock = threading.Lock()


def _default_threads() -> int:
    configured = os.environ.get("OMP_NUM_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


_state: dict = {"threads": _default_threads(), "pool": None}


def get_num_threads() -> int:
    """How many threads the engine's own large kernels use (BLAS has its own setting).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.get_num_threads() >= 1
    True
    """
    return _state["threads"]


def set_num_threads(threads: int) -> None:
    """Use `threads` threads for the engine's large elementwise kernels (1: run serially).

    Examples
    --------
    >>> import autograd_core as ag
    >>> before = ag.get_num_threads(); ag.set_num_threads(1); ag.get_num_threads()
    1
    >>> ag.set_num_threads(before)
    """
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise ArgumentError(f"set_num_threads: expected an int, got {threads!r}")
    if threads < 1:
        raise ArgumentError(f"set_num_threads: expected a positive thread count, got {threads}")
    with _lock:
        if _state["pool"] is not None:
            _state["pool"].shutdown(wait=True)
        _state.update(threads=threads, pool=None)


def _pool() -> ThreadPoolExecutor:
    with _lock:
        if _state["pool"] is None:
            _state["pool"] = ThreadPoolExecutor(
                _state["threads"] - 1, thread_name_prefix="autograd_core"
            )
        return _state["pool"]


def _forget_pool_in_child() -> None:
    """A forked child has the pool object but none of its threads: start a new one there."""
    global _lock
    _lock = threading.Lock()
    _state["pool"] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_in_child)


def split_axis(shape: tuple[int, ...]) -> int:
    """The first axis of `shape` long enough to give every thread a range (else axis 0).

    Examples
    --------
    >>> import autograd_core as ag
    >>> before = ag.get_num_threads(); ag.set_num_threads(2)
    >>> split_axis((1, 5, 64)), split_axis((1, 1))
    (1, 0)
    >>> ag.set_num_threads(before)
    """
    threads = _state["threads"]
    return next((axis for axis, length in enumerate(shape) if length >= threads), 0)


def _run_chunk(kernel: Callable[[int, int], None], start: int, stop: int) -> None:
    _local.inside = True
    try:
        kernel(start, stop)
    finally:
        _local.inside = False


def over_leading_axis(kernel: Callable[[int, int], None], length: int, nbytes: int) -> None:
    """Call `kernel(start, stop)` on contiguous ranges that cover `range(length)`.

    The ranges run on `get_num_threads()` threads at once when the kernel moves
    at least `MIN_BYTES` (`nbytes`, the caller's estimate) and `length` allows;
    otherwise `kernel(0, length)` runs here. Every range has finished when this
    returns; when ranges fail, the exception of the first of them is raised here.
    """
    threads = min(_state["threads"], length)
    if threads < 2 or nbytes < MIN_BYTES or getattr(_local, "inside", False):
        kernel(0, length)
        return
    bounds = [length * i // threads for i in range(threads + 1)]
    pool = _pool()
    others = [
        pool.submit(_run_chunk, kernel, start, stop)
        for start, stop in itertools.pairwise(bounds[1:])
    ]
    try:
        _run_chunk(kernel, bounds[0], bounds[1])
    finally:
        wait(others)  # NOTE: the other ranges write into the caller's arrays: let them end
    for chunk in others:
        chunk.result()  # re-raises a range's exception
