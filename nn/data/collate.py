"""`default_collate` and `default_convert`: how the DataLoader turns samples into batches.

As `torch.utils.data.default_collate`: tensors and numpy arrays are stacked
along a new first axis, Python floats become a float64 tensor and ints an
int64 one, numpy scalars a tensor of their dtype, strings stay a list, and
dicts, tuples, named tuples and lists are collated field by field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor

_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _same_type(container: Any) -> Any:
    """The container's own type, to rebuild it (a Mapping or Sequence subclass may take any
    arguments: callers fall back to a plain dict or list when it refuses)."""
    return type(container)


def _stack(arrays: list[np.ndarray]) -> Tensor:
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise RuntimeError(
            "default_collate: stack expects each sample to have the same shape, "
            f"got {sorted(shapes)}"
        )
    return Tensor(np.stack(arrays))


def default_collate(batch: list[Any]) -> Any:
    """Collate a list of samples into a batch (PyTorch's rules, see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> x, y = default_collate([(np.zeros(3, np.float32), 1), (np.ones(3, np.float32), 0)])
    >>> x.shape, y.tolist(), y.dtype
    ((2, 3), [1, 0], dtype('int64'))
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack([np.asarray(t) for t in batch])
    if isinstance(elem, np.ndarray) and elem.dtype.kind not in "OSUV":
        return _stack([np.asarray(a) for a in batch])
    if isinstance(elem, np.generic) and elem.dtype.kind not in "OSUV":
        return Tensor(np.array(batch))
    if isinstance(elem, bool):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(elem, float):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return _same_type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a named tuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, Sequence):
        if len({len(sample) for sample in batch}) != 1:
            raise RuntimeError(
                "default_collate: each element in list of batch should be of equal size"
            )
        fields = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return fields  # PyTorch returns a list for tuples too
        try:
            return _same_type(elem)(fields)
        except TypeError:
            return fields
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Turn numpy arrays (inside dicts and sequences too) into tensors, without batching.

    Examples
    --------
    >>> default_convert({"x": np.arange(2)})["x"].tolist()
    [0, 1]
    """
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OSUV":
        return Tensor(data)
    if isinstance(data, np.generic) and data.dtype.kind not in "OSUV":
        return Tensor(np.asarray(data))
    if isinstance(data, Mapping):
        return _same_type(data)({key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data
