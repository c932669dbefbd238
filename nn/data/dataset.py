"""Datasets, as `torch.utils.data`: `Dataset`, `TensorDataset`, `Subset`, `ConcatDataset`,
and `random_split`.

A dataset is anything with `__getitem__` and `__len__`; `dataset_a + dataset_b`
concatenates. The `DataLoader` (nn.data.dataloader) batches them.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
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

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


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
        return self.rows(index)

    def rows(self, index: Any) -> tuple[Tensor, ...]:
        """The rows at `index` (an int, a slice or an index array) of every tensor."""
        return tuple(Tensor(np.asarray(t)[index]) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The examples of `dataset` at `indices`, in that order.

    Examples
    --------
    >>> import autograd_core as ag
    >>> part = Subset(TensorDataset(ag.arange(10) * 10), [7, 2])
    >>> len(part), part[0][0].item()
    (2, 70)
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in np.asarray(indices, dtype=np.int64).reshape(-1)]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after the other.

    Examples
    --------
    >>> import autograd_core as ag
    >>> both = ConcatDataset([TensorDataset(ag.arange(3)), TensorDataset(ag.arange(2) + 10)])
    >>> len(both), both[3][0].item(), both[-1][0].item(), both.cumulative_sizes
    (5, 10, 11, [3, 5])
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if index < 0:
            if -index > n:
                raise IndexError(f"ConcatDataset: index {index} out of range for length {n}")
            index += n
        if index >= n:
            raise IndexError(f"ConcatDataset: index {index} out of range for length {n}")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - start]


def _split_lengths(n: int, lengths: Sequence[float]) -> list[int]:
    """Integer lengths, or fractions summing to 1 turned into lengths as PyTorch does."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must be in [0, 1], got {list(lengths)}")
        counts = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(counts)):  # the remainder, one each, round-robin
            counts[i % len(counts)] += 1
        return counts
    if any(int(v) != v or v < 0 for v in lengths):
        raise ValueError(
            f"random_split: lengths must be non-negative ints or fractions summing to 1, "
            f"got {list(lengths)}"
        )
    if sum(lengths) != n:
        raise ValueError(
            f"random_split: the lengths {list(lengths)} sum to {sum(lengths)}, "
            f"the dataset has {n} examples"
        )
    return [int(v) for v in lengths]


def random_split(
    dataset: Any, lengths: Sequence[float], generator: np.random.Generator | None = None
) -> list[Subset]:
    """Split `dataset` into non-overlapping random `Subset`s of the given lengths or fractions.

    The permutation comes from `generator` (default: the global one, seeded
    by `ag.manual_seed`).

    Examples
    --------
    >>> import autograd_core as ag, numpy as np
    >>> train, test = random_split(TensorDataset(ag.arange(10)), [0.7, 0.3],
    ...                            generator=np.random.default_rng(0))
    >>> len(train), len(test), sorted(train.indices + test.indices) == list(range(10))
    (7, 3, True)
    """
    counts = _split_lengths(len(dataset), lengths)
    order = (generator or default_generator()).permutation(sum(counts)).tolist()
    bounds = np.cumsum([0, *counts]).tolist()
    return [Subset(dataset, order[a:b]) for a, b in itertools.pairwise(bounds)]
