"""`Transform` (the base of every transform), `Compose`, `RandomApply`, and the conversions
`ToImage`, `ToDtype` and `ToTensor`.

A transform is a callable object with plain attributes, so it pickles (for
DataLoader workers) and prints its arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor

from ._image import like, rng


class Transform:
    """Base class: subclasses write `forward(image)`; calling the transform runs it."""

    def __call__(self, image: Any) -> Any:
        return self.forward(image)

    def forward(self, image: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class RandomTransform(Transform):
    """A transform applied with probability `p` (one draw per call), as torchvision's."""

    def __init__(self, p: float) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be in [0, 1], got {p}")
        self.p = float(p)

    def __call__(self, image: Any) -> Any:
        if rng().random() >= self.p:
            return image
        return self.forward(image)


class Compose(Transform):
    """Apply `transforms` one after the other.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import transforms as T
    >>> pipeline = T.Compose([T.CenterCrop(2), T.Normalize([0.5], [0.5])])
    >>> pipeline(np.ones((1, 4, 4), np.float32)).tolist()
    [[[1.0, 1.0], [1.0, 1.0]]]
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        if not isinstance(transforms, Sequence) or not all(callable(t) for t in transforms):
            raise TypeError("Compose: expected a sequence of callables")
        self.transforms = list(transforms)

    def forward(self, image: Any) -> Any:
        for transform in self.transforms:
            image = transform(image)
        return image


class RandomApply(Transform):
    """Apply all of `transforms` with probability `p`, or none of them.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import transforms as T
    >>> T.RandomApply([T.RandomHorizontalFlip(p=1.0)], p=0.0)(np.arange(2.0)[None, None]).tolist()
    [[[0.0, 1.0]]]
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]], p: float = 0.5) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomApply: p must be in [0, 1], got {p}")
        self.transforms = Compose(transforms)
        self.p = float(p)

    def forward(self, image: Any) -> Any:
        if rng().random() >= self.p:
            return image
        return self.transforms(image)


def _as_channels_first(image: Any, op: str) -> np.ndarray:
    array = image.detach().numpy() if isinstance(image, Tensor) else np.asarray(image)
    if array.ndim == 2:
        return array[None]
    if array.ndim == 3:
        return np.moveaxis(array, -1, 0)  # (H, W, C) -> (C, H, W)
    raise ValueError(f"{op}: expected an (H, W) or (H, W, C) image, got shape {array.shape}")


class ToImage(Transform):
    """An (H, W, C) or (H, W) array (as images are stored) to a (C, H, W) Tensor, same dtype.

    Examples
    --------
    >>> import numpy as np
    >>> ToImage()(np.zeros((4, 5, 3), np.uint8)).shape
    (3, 4, 5)
    """

    def forward(self, image: Any) -> Tensor:
        return Tensor(np.ascontiguousarray(_as_channels_first(image, "ToImage")))


class ToDtype(Transform):
    """Convert to `dtype`; with `scale`, integers map to [0, 1] (x / max of their type).

    Examples
    --------
    >>> import numpy as np
    >>> ToDtype(np.float32, scale=True)(np.array([[[255]]], np.uint8)).tolist()
    [[[1.0]]]
    """

    def __init__(self, dtype: Any, scale: bool = False) -> None:
        self.dtype = np.dtype(dtype)
        self.scale = scale

    def forward(self, image: Any) -> Any:
        array = image.detach().numpy() if isinstance(image, Tensor) else np.asarray(image)
        out = array.astype(self.dtype)
        if self.scale and array.dtype.kind in "iu" and self.dtype.kind == "f":
            out /= self.dtype.type(np.iinfo(array.dtype).max)
        return like(out, image)


class ToTensor(Transform):
    """torchvision's classic ToTensor: (H, W, C) uint8 to a (C, H, W) float32 Tensor in [0, 1].

    Float arrays keep their values; only the layout changes.

    Examples
    --------
    >>> import numpy as np
    >>> x = ToTensor()(np.full((2, 2, 3), 51, np.uint8))
    >>> x.shape, round(float(x.numpy().max()), 3)
    ((3, 2, 2), 0.2)
    """

    def forward(self, image: Any) -> Tensor:
        array = _as_channels_first(image, "ToTensor")
        if array.dtype == np.uint8:
            array = array.astype(np.float32) / np.float32(255)
        return Tensor(np.ascontiguousarray(array))
