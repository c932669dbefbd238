"""`Dataset`, `TensorDataset` and `DataLoader`: batches for a training loop.

For a `TensorDataset` the loader cuts each batch out of the whole arrays
with one fancy index (no Python loop over items); other datasets are read
item by item and stacked. Shuffling draws from a numpy Generator, by
default the global one, so `ag.manual_seed` makes the order reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.random import default_generator


class Dataset:
    """A sized collection of examples: subclasses define `__getitem__` and `__len__`."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Examples made of the rows of tensors that share their first dimension.

    Examples
    --------
    >>> import autograd_core as ag
    >>> data = TensorDataset(ag.zeros((5, 3)), ag.arange(5))
    >>> len(data), data[2][1].item()
    (5, 2)
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor")
        tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
        if any(t.ndim == 0 for t in tensors) or len({t.shape[0] for t in tensors}) != 1:
            raise ValueError(
                "TensorDataset: all tensors need the same first dimension, got shapes "
                f"{[t.shape for t in tensors]}"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor(t.data[index]) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def _collate(items: list[Any]) -> Any:
    """Stack a list of examples (tensors, arrays, numbers, or tuples of them) into a batch."""
    first = items[0]
    if isinstance(first, (tuple, list)):
        return tuple(_collate([item[i] for item in items]) for i in range(len(first)))
    if isinstance(first, dict):
        return {key: _collate([item[key] for item in items]) for key in first}
    return Tensor(np.stack([np.asarray(item.data if isinstance(item, Tensor) else item)
                            for item in items]))  # fmt: skip


class DataLoader:
    """Iterate over a dataset in batches, optionally shuffled each epoch.

    Examples
    --------
    >>> import autograd_core as ag
    >>> loader = DataLoader(TensorDataset(ag.zeros((10, 2)), ag.arange(10)), batch_size=4)
    >>> len(loader), [y.shape for _, y in loader]
    (3, [(4,), (4,), (2,)])
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
    ) -> None:
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(
                f"DataLoader: generator must be a numpy Generator, got {type(generator).__name__}"
            )
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = generator

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.shuffle:
            order = (self.generator or default_generator()).permutation(n)
        else:
            order = np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            index = order[start : start + self.batch_size]
            if isinstance(self.dataset, TensorDataset):
                yield tuple(Tensor(t.data[index]) for t in self.dataset.tensors)
            else:
                yield _collate([self.dataset[int(i)] for i in index])
