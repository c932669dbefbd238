"""`dropout`: inverted dropout, with its mask drawn from the global generator.

Kept values are scaled by 1 / (1 - p) during training, so nothing needs
rescaling at evaluation time; `ag.manual_seed` makes the masks reproducible.
"""

from __future__ import annotations

import numpy as np

from autograd_core import Tensor
from autograd_core.random import default_generator


def dropout(x: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability `p` and scale the rest by 1 / (1 - p).

    The identity when not training or when p == 0; all zeros when p == 1.
    With `inplace=True` the result is written into `x` (recorded, as `x.mul_`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> _ = ag.manual_seed(0)
    >>> y = dropout(ag.ones(1000), p=0.5)
    >>> sorted(set(y.tolist()))
    [0.0, 2.0]
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p must be between 0 and 1, got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x.mul_(0.0) if inplace else x * np.zeros((), dtype=x.dtype)
    draw_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float32
    keep = default_generator().random(x.shape, dtype=draw_dtype) >= p
    mask = keep.astype(x.dtype)
    mask *= x.dtype.type(1.0 / (1.0 - p))
    return x.mul_(mask) if inplace else x * mask
