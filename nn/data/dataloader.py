"""`DataLoader`: batches of a dataset, in order or shuffled, read in worker processes if asked.

With `num_workers=0` the batches are read in the main process. With
`num_workers=N` each batch is sent to one of N processes in turn (at most
`prefetch_factor` batches ahead per worker) and the results are yielded in
the sampler's order, so the batches are the same as with no workers. The
workers stop at the end of each epoch, unless `persistent_workers`, when the
loader's iterator is reused; they stop too when the iterator is dropped or
a worker fails (its exception is raised here, naming the sample index).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograd_core.random import default_generator

from .collate import default_collate, default_convert
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from .worker import WorkerFailure, fetch, worker_loop

_POLL_SECONDS = 1.0  # how often a waiting main process checks that its workers live


class DataLoader:
    """Iterate over `dataset` in batches (PyTorch's arguments, see the module docstring).

    Examples
    --------
    >>> import autograd_core as ag
    >>> from nn.data import TensorDataset
    >>> loader = DataLoader(TensorDataset(ag.zeros((10, 2)), ag.arange(10)), batch_size=4)
    >>> len(loader), [y.shape for _, y in loader]
    (3, [(4,), (4,), (2,)])
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable[int] | None = None,
        batch_sampler: Sampler | Iterable[list[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], Any] | None = None,
        multiprocessing_context: Any = None,
        generator: np.random.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ) -> None:
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
            or batch_size <= 0
        ):  # fmt: skip
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(
                f"DataLoader: generator must be a numpy Generator, got {type(generator).__name__}"
            )
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(
                f"DataLoader: num_workers must be a non-negative int, got {num_workers!r}"
            )
        if num_workers == 0 and (prefetch_factor is not None or persistent_workers):
            raise ValueError(
                "DataLoader: prefetch_factor and persistent_workers need num_workers > 0"
            )
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout must be non-negative, got {timeout}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (
            batch_size != 1 or shuffle or sampler is not None or drop_last
        ):
            raise ValueError(
                "DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                "shuffle, sampler, and drop_last"
            )
        if sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, int(batch_size), drop_last)
        self.dataset = dataset
        self.batch_size = None if batch_sampler is None or batch_size is None else int(batch_size)
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn or (
            default_collate if batch_sampler is not None else default_convert
        )
        self.pin_memory = pin_memory  # accepted for PyTorch code; CPU memory is all there is
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = 2 if prefetch_factor is None and num_workers else prefetch_factor
        self.persistent_workers = persistent_workers
        self._iterator: _MultiProcessIterator | None = None

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Iterable[Any]:
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __len__(self) -> int:
        return len(self._index_sampler)  # type: ignore[arg-type]

    def _draw_base_seed(self) -> int:
        """The workers' base seed, drawn at the start of every epoch as PyTorch does (also
        without workers, so that shuffling sees the same generator state either way)."""
        return int((self.generator or default_generator()).integers(0, 2**62))

    def __iter__(self) -> Iterator[Any]:
        if self.num_workers == 0:
            self._draw_base_seed()
            return self._single_process()
        if self.persistent_workers:
            if self._iterator is None or self._iterator.closed:
                self._iterator = _MultiProcessIterator(self)
            else:
                self._iterator.reset()
            return self._iterator
        return _MultiProcessIterator(self)

    def _single_process(self) -> Iterator[Any]:
        for indices in self._index_sampler:
            yield fetch(self.dataset, indices, self.collate_fn, self._auto_collation)


class _MultiProcessIterator:
    """One epoch over the loader (or many, with persistent workers) read by worker processes."""

    def __init__(self, loader: DataLoader) -> None:
        self.loader = loader
        context = loader.multiprocessing_context
        if context is None or isinstance(context, str):
            context = multiprocessing.get_context(context)
        base_seed = loader._draw_base_seed()
        self.result_queue = context.Queue()
        self.index_queues = []
        self.workers = []
        self.closed = False
        for worker_id in range(loader.num_workers):
            index_queue = context.Queue()
            args = (
                loader.dataset, index_queue, self.result_queue, loader.collate_fn,
                loader._auto_collation, base_seed + worker_id, worker_id, loader.num_workers,
                loader.worker_init_fn,
            )  # fmt: skip
            worker = context.Process(target=worker_loop, args=args, daemon=True)
            worker.start()
            self.index_queues.append(index_queue)
            self.workers.append(worker)
        self.epoch = -1
        self.reset()

    def reset(self) -> None:
        """Start an epoch: forget what is outstanding and send the first batches."""
        self.epoch += 1
        if self.epoch > 0:
            self.loader._draw_base_seed()  # persistent workers keep their seeds
        self.batches = iter(self.loader._index_sampler)
        self.sent = self.received = 0
        self.ready: dict[int, bytes] = {}
        for _ in range(self.loader.num_workers * (self.loader.prefetch_factor or 2)):
            if not self._send_next():
                break

    def _send_next(self) -> bool:
        indices = next(self.batches, None)
        if indices is None:
            return False
        worker = self.sent % len(self.workers)
        self.index_queues[worker].put(((self.epoch, self.sent), indices))
        self.sent += 1
        return True

    def __iter__(self) -> _MultiProcessIterator:
        return self

    def __next__(self) -> Any:
        if self.closed:
            raise StopIteration
        if self.received == self.sent:
            if not self.loader.persistent_workers:
                self.shutdown()
            raise StopIteration
        while self.received not in self.ready:
            (epoch, number), payload = self._get()
            if epoch == self.epoch:  # results of an abandoned epoch are dropped
                self.ready[number] = payload
        result = pickle.loads(self.ready.pop(self.received))
        self.received += 1
        if isinstance(result, WorkerFailure):
            self.shutdown()
            result.reraise()
        self._send_next()
        return result

    def _get(self) -> Any:
        waited = 0.0
        while True:
            try:
                return self.result_queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                waited += _POLL_SECONDS
            dead = [w for w in self.workers if not w.is_alive()]
            if dead:
                self.shutdown()
                pids = ", ".join(str(w.pid) for w in dead)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
            if self.loader.timeout and waited >= self.loader.timeout:
                self.shutdown()
                raise RuntimeError(
                    f"DataLoader timed out after {self.loader.timeout} seconds waiting for a batch"
                )

    def shutdown(self) -> None:
        """Stop the workers (politely, then for sure) and close the queues."""
        if self.closed:
            return
        self.closed = True
        for index_queue in self.index_queues:
            with contextlib.suppress(OSError, ValueError):  # the queue is already closed
                index_queue.put(None)
        deadline = time.monotonic() + 5.0
        for worker in self.workers:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.terminate()
                worker.join()
        for q in [*self.index_queues, self.result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self) -> None:
        self.shutdown()
