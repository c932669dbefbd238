"""`Embedding`: a lookup table of learned vectors, weight (num_embeddings, embedding_dim),
as PyTorch's; the forward is one call to `nn.functional.embedding`."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.dtypes import get_default_dtype

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from .. import init
from ..module import Module, Parameter
from ._checks import check_tensor


class Embedding(Module):
    """Row `i` of `weight` for each index `i` of the input (output: input.shape + (dim,)).

    Initialised from N(0, 1), with the `padding_idx` row zero (that row gets
    no gradient). `max_norm`, `scale_grad_by_freq` and `sparse` are not
    supported (docs/pytorch.md).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> table = nn.Embedding(10, 3, padding_idx=0)
    >>> table(ag.tensor([[1, 2, 0]])).shape, table.weight[0].tolist()
    ((1, 3, 3), [0.0, 0.0, 0.0])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        for label, n in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"Embedding: {label} must be a non-negative int, got {n!r}")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx must be within num_embeddings ({num_embeddings}), "
                    f"got {padding_idx}"
                )
            padding_idx %= num_embeddings  # a negative index counts from the end, as in torch
        for name, value in (("max_norm", max_norm), ("scale_grad_by_freq", scale_grad_by_freq),
                            ("sparse", sparse)):  # fmt: skip
            if value:
                raise ValueError(f"Embedding: {name}={value!r} is not supported here")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype))
            self.reset_parameters()
        else:
            weight = np.asarray(_weight)
            if weight.shape != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Embedding: _weight must have shape ({num_embeddings}, {embedding_dim}), "
                    f"got {weight.shape}"
                )
            self.weight = Parameter(np.array(weight), requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """N(0, 1) entries, and zeros in the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        check_tensor(self, input)
        return F.embedding(input, self.weight, self.padding_idx)

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding holding a copy of the 2-d `embeddings` (frozen unless freeze=False)."""
        if np.ndim(embeddings) != 2:
            raise ValueError(
                f"Embedding.from_pretrained: embeddings must be 2-d, got shape "
                f"{np.shape(embeddings)}"
            )
        rows, dim = np.shape(embeddings)
        return cls(
            rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
            _weight=embeddings, _freeze=freeze,
        )  # fmt: skip

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
