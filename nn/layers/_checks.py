"""The input check every layer runs: an error naming the layer and both shapes."""

from __future__ import annotations

from typing import Any


def check_tensor(layer: Any, *inputs: Any) -> None:
    """A TypeError naming `layer` when an input is a (nested) list or tuple: PyTorch's layers
    and losses take no lists. (A numpy array goes on as before, see docs/pytorch.md.)"""
    for x in inputs:
        if isinstance(x, (list, tuple)):
            raise TypeError(
                f"{layer!r}: expected a Tensor input, got {type(x).__name__} (convert it first: "
                "ag.tensor(x))"
            )


def input_error(layer: Any, x: Any, expected: str) -> ValueError:
    """A ValueError saying that `layer` expected `expected` and got x's shape."""
    return ValueError(f"{layer!r}: expected input of shape {expected}, got {tuple(x.shape)}")
