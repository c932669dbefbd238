"""The input check every layer runs: an error naming the layer and both shapes."""

from __future__ import annotations

from typing import Any

from autograd_core.errors import DTypeError


def check_tensor(layer: Any, *inputs: Any) -> None:
    """A TypeError naming `layer` when an input is a (nested) list or tuple: PyTorch's layers
    and losses take no lists. (A numpy array goes on as before, see docs/pytorch.md.)"""
    for x in inputs:
        if isinstance(x, (list, tuple)):
            raise TypeError(
                f"{layer!r}: expected a Tensor input, got {type(x).__name__} (convert it first: "
                "ag.tensor(x))"
            )


def check_dtype(layer: Any, x: Any, *tensors: Any) -> None:
    """A DTypeError naming `layer` when the input's dtype differs from its parameters' (the
    first of `tensors` that is not None). PyTorch raises too ("mat1 and mat2 must have the
    same dtype"); promoting instead would silently turn a float32 model's output float64."""
    expected = next((t.dtype for t in tensors if t is not None), None)
    if expected is not None and x.dtype != expected:
        raise DTypeError(
            f"{layer!r}: the input is {x.dtype} but the layer's parameters are {expected}; "
            f"convert the input (x.to({expected.name}), x.float()) or the layer "
            f"(layer.to({x.dtype.name}), layer.double())"
        )


def input_error(layer: Any, x: Any, expected: str) -> ValueError:
    """A ValueError saying that `layer` expected `expected` and got x's shape."""
    return ValueError(f"{layer!r}: expected input of shape {expected}, got {tuple(x.shape)}")
