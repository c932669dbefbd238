"""The one conversion nn.functional applies to its array arguments."""

from __future__ import annotations

from typing import Any

import autograd_core as ag
from autograd_core import Tensor


def as_tensor(x: Any) -> Tensor:
    """`x` itself if it is a Tensor, else a new tensor holding it (numpy's dtype rules)."""
    return x if isinstance(x, Tensor) else ag.tensor(x)
