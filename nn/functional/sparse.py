"""`embedding` (rows of a weight matrix picked by integer indices) and `one_hot`, as in
`torch.nn.functional`.

`embedding` is the engine's integer-array indexing, whose backward adds
the upstream rows back into the weight (repeated indices accumulate);
`padding_idx` reads that row through `detach`, so it gets no gradient.
`one_hot` makes integer data and records nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.errors import ArgumentError, DTypeError, IndexingError, ShapeError
from autograd_core.function import register

from ._convert import as_tensor


def _indices(input: Any, op: str) -> np.ndarray:
    index = np.asarray(input)
    if index.dtype.kind not in "iu":
        raise DTypeError(f"{op}: expected integer indices, got dtype {index.dtype}")
    return index


@register("embedding", sample="nn_embedding")
def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """weight[input]: one row of the (num_embeddings, embedding_dim) weight per index.

    The output has shape input.shape + (embedding_dim,). Rows at `padding_idx`
    get no gradient. `max_norm`, `scale_grad_by_freq` and `sparse` are not
    supported (docs/pytorch.md).

    Examples
    --------
    >>> import autograd_core as ag
    >>> embedding(ag.tensor([2, 0]), ag.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    tensor([[4., 5.],
            [0., 1.]])
    """
    for name, value in (("max_norm", max_norm), ("scale_grad_by_freq", scale_grad_by_freq),
                        ("sparse", sparse)):  # fmt: skip
        if value:
            raise ArgumentError(f"embedding: {name}={value!r} is not supported here")
    weight = as_tensor(weight)
    if weight.ndim != 2:
        raise ShapeError(
            f"embedding: weight must be 2-d (num_embeddings, embedding_dim), got shape "
            f"{tuple(weight.shape)}"
        )
    index = _indices(input, "embedding")
    rows = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= rows):
        raise IndexingError(
            f"embedding: indices must be in [0, {rows}) for a weight of {rows} rows, got values "
            f"in [{index.min()}, {index.max()}]"
        )
    if padding_idx is not None and not -rows <= padding_idx < rows:
        raise IndexingError(f"embedding: padding_idx {padding_idx} is not a row of {rows}")
    out = weight[index]  # (*input.shape, embedding_dim)
    if padding_idx is None:
        return out
    padding = np.expand_dims(index == padding_idx % rows, -1)  # (*input.shape, 1)
    return ag.where(padding, out.detach(), out)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape tensor.shape + (num_classes,) with a 1 at each index.

    `num_classes=-1` takes the largest index + 1 (which an empty input cannot give).

    Examples
    --------
    >>> import autograd_core as ag
    >>> one_hot(ag.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    index = _indices(tensor, "one_hot")
    if num_classes == -1:
        if not index.size:
            raise ArgumentError("one_hot: cannot infer num_classes from an empty input")
        num_classes = int(index.max()) + 1
    if not isinstance(num_classes, (int, np.integer)) or num_classes < 0:
        raise ArgumentError(f"one_hot: num_classes must be -1 or >= 0, got {num_classes!r}")
    if index.size and (index.min() < 0 or index.max() >= num_classes):
        raise ArgumentError(
            f"one_hot: class values must be in [0, {num_classes}), got values in "
            f"[{index.min()}, {index.max()}]"
        )
    # (*shape, 1) == (num_classes,) -> (*shape, num_classes)
    out = (index[..., None] == np.arange(num_classes)).astype(np.int64)
    return ag.tensor(out)
