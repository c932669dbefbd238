"""The `reduction` argument of the losses ("mean", "sum", "none"), checked and applied once.

Also PyTorch's deprecated `size_average`/`reduce` pair, and the mean of an
empty batch, which is NaN (0 / 0) as in PyTorch, without numpy's warning.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import autograd_core as ag
from autograd_core import Tensor

REDUCTIONS = ("mean", "sum", "none")


def as_tensor(x: Any) -> Tensor:
    """`x` itself if it is a Tensor, else a new constant tensor of it."""
    return x if isinstance(x, Tensor) else ag.tensor(x)


def check_reduction(reduction: Any, op: str) -> None:
    """A clear error unless `reduction` is one of "mean", "sum", "none"."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def legacy_reduction(
    size_average: bool | None, reduce: bool | None, reduction: str, op: str
) -> str:
    """PyTorch's rule for the deprecated pair: reduce=False gives "none", else
    size_average=False gives "sum", else "mean"; both None keeps `reduction`."""
    if size_average is None and reduce is None:
        return reduction
    for name, value in (("size_average", size_average), ("reduce", reduce)):
        if value is not None and not isinstance(value, bool):
            raise TypeError(
                f"{op}: {name} must be a bool or None, got {value!r} (pass a weight by "
                "keyword, or as the third positional argument)"
            )
    legacy = "none" if reduce is False else "sum" if size_average is False else "mean"
    warnings.warn(
        f"{op}: size_average and reduce are deprecated, use reduction={legacy!r} instead",
        UserWarning,
        stacklevel=3,
    )
    return legacy


def mean_or_nan(total: Tensor, count: int) -> Tensor:
    """total / count, and NaN for an empty batch (count 0), as PyTorch's mean gives."""
    if count == 0:
        return total * float("nan")
    return total / count


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    """The elementwise `loss` averaged, summed or returned as it is."""
    if reduction == "mean":
        return mean_or_nan(ag.sum(loss), math.prod(loss.shape))
    if reduction == "sum":
        return ag.sum(loss)
    return loss
