"""The input check every layer runs: an error naming the layer and both shapes."""

from __future__ import annotations

from typing import Any


def input_error(layer: Any, x: Any, expected: str) -> ValueError:
    """A ValueError saying that `layer` expected `expected` and got x's shape."""
    return ValueError(f"{layer!r}: expected input of shape {expected}, got {tuple(x.shape)}")
