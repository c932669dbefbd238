"""What every transform shares: images as arrays with (..., H, W) last, and the random source.

Transforms accept a Tensor or a numpy array and give back the same kind;
they work on `np.asarray(image)` (no graph: augmentation is data
preparation). Random draws come from the global generator at call time, so
`ag.manual_seed` makes them reproducible and each DataLoader worker, seeded
on its own, draws its own stream.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.random import default_generator


def rng() -> np.random.Generator:
    """The generator transforms draw from (the one `ag.manual_seed` resets)."""
    return default_generator()


def image_array(image: Any, op: str, min_ndim: int = 2) -> np.ndarray:
    """`image` as an ndarray of at least `min_ndim` dims, or a TypeError/ValueError naming `op`."""
    if isinstance(image, Tensor):
        array = image.detach().numpy()
    elif isinstance(image, np.ndarray):
        array = image
    else:
        raise TypeError(
            f"{op}: expected an image as a Tensor or numpy array, got {type(image).__name__}"
        )
    if array.ndim < min_ndim:
        layout = "(..., C, H, W)" if min_ndim >= 3 else "(..., H, W)"
        raise ValueError(f"{op}: expected an image of shape {layout}, got shape {array.shape}")
    return array


def like(result: np.ndarray, image: Any) -> Any:
    """`result` in the kind of `image`: a Tensor for a Tensor, an array for an array."""
    return Tensor(np.ascontiguousarray(result)) if isinstance(image, Tensor) else result


def on_image(fn: Callable[..., np.ndarray], op: str, min_ndim: int = 2) -> Callable[..., Any]:
    """Wrap an ndarray function of an image so that it takes and returns Tensors too."""

    def apply(image: Any, *args: Any, **kwargs: Any) -> Any:
        return like(fn(image_array(image, op, min_ndim), *args, **kwargs), image)

    apply.__name__ = fn.__name__
    apply.__doc__ = fn.__doc__
    return apply


def pair(size: int | Sequence[int], op: str, what: str = "size") -> tuple[int, int]:
    """(h, w) from an int or a sequence of one or two ints, as torchvision reads sizes."""
    if isinstance(size, (int, np.integer)):
        values = (int(size), int(size))
    elif isinstance(size, Sequence) and len(size) in (1, 2):
        values = (int(size[0]), int(size[-1]))
    else:
        raise ValueError(f"{op}: {what} must be an int or a sequence of 1 or 2 ints, got {size!r}")
    if min(values) <= 0:
        raise ValueError(f"{op}: {what} must be positive, got {size!r}")
    return values
