"""The DataLoader's worker processes: the loop each runs, and `get_worker_info`.

Worker `i` of an epoch is seeded with `base_seed + i` (the global generator of
`ag.manual_seed`, Python's `random`, and numpy's legacy global state), where the
loader draws `base_seed` from its generator when the workers start, as
PyTorch does; then `worker_init_fn(i)` runs. A worker fetches the samples of
each batch it is sent and collates them; a failure travels back as a
`WorkerFailure` naming the worker and the sample index, which the main
process raises with the original exception's type.
"""

from __future__ import annotations

import pickle
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_core.random import manual_seed

from .collate import default_collate
from .dataset import TensorDataset


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker process knows about itself: `id`, `num_workers`, `seed`, `dataset`."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Inside a DataLoader worker, its `WorkerInfo`; None in the main process.

    Examples
    --------
    >>> get_worker_info() is None
    True
    """
    return _worker_info


def fetch(
    dataset: Any, indices: Any, collate_fn: Callable[[Any], Any], auto_collation: bool
) -> Any:
    """Read and collate one batch (`indices` a list) or one sample (an int)."""
    if not auto_collation:
        return collate_fn(dataset[indices])
    if collate_fn is default_collate and isinstance(dataset, TensorDataset):
        return list(dataset.rows(np.asarray(indices, dtype=np.int64)))  # one fancy index
    return collate_fn([dataset[i] for i in indices])


class WorkerFailure:
    """An exception raised in a worker, carried back to the main process as text."""

    def __init__(self, exc: BaseException, worker_id: int, where: str) -> None:
        self.exc_type: type[BaseException] = type(exc)
        try:
            pickle.dumps(self.exc_type)
        except Exception:
            self.exc_type = RuntimeError
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.message = (
            f"Caught {type(exc).__name__} in DataLoader worker process {worker_id} {where}.\n"
            f"Original traceback (most recent call last):\n{details}"
        )

    def reraise(self) -> None:
        try:
            error = self.exc_type(self.message)
        except Exception:
            error = RuntimeError(self.message)
        raise error


def _fetch_naming_the_sample(
    dataset: Any, indices: Any, collate_fn: Callable[[Any], Any], auto: bool, worker_id: int
) -> Any:
    try:
        return fetch(dataset, indices, collate_fn, auto)
    except Exception as exc:
        # Find the sample at fault: read the batch's samples one by one.
        for i in indices if auto else [indices]:
            try:
                dataset[i]
            except Exception as item_exc:
                return WorkerFailure(item_exc, worker_id, f"while loading sample index {i}")
        return WorkerFailure(exc, worker_id, f"while collating the batch of indices {indices}")


def worker_loop(
    dataset: Any,
    index_queue: Any,
    result_queue: Any,
    collate_fn: Callable[[Any], Any],
    auto_collation: bool,
    seed: int,
    worker_id: int,
    num_workers: int,
    worker_init_fn: Callable[[int], Any] | None,
) -> None:
    """Serve batches until told to stop (a None task); results go back pickled, keyed."""
    global _worker_info
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    init_failure = None
    if worker_init_fn is not None:
        try:
            worker_init_fn(worker_id)
        except Exception as exc:
            init_failure = WorkerFailure(exc, worker_id, "in worker_init_fn")
    while True:
        task = index_queue.get()
        if task is None:
            break
        key, indices = task
        if init_failure is not None:
            result: Any = init_failure
        else:
            result = _fetch_naming_the_sample(
                dataset, indices, collate_fn, auto_collation, worker_id
            )
        try:
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            failure = WorkerFailure(exc, worker_id, f"while sending the batch {indices} back")
            payload = pickle.dumps(failure)
        result_queue.put((key, payload))
