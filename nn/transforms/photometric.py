"""Value transforms after torchvision.transforms.v2: `ColorJitter`, `Normalize`, `RandomErasing`.

On a batch (N, C, H, W) the random parameters are drawn once per call (one
jitter, one erased window for the whole batch), as torchvision v2 does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import functional as F  # noqa: N812 (torchvision's idiom)
from ._image import image_array, like, rng
from .base import RandomTransform, Transform


def _jitter_range(
    value: float | Sequence[float] | None, name: str, centre: float, bound: tuple[float, float],
    clip_at_zero: bool,
) -> tuple[float, float] | None:  # fmt: skip
    """torchvision's reading of a jitter amount: v means [centre - v, centre + v]."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"ColorJitter: {name} must be non-negative, got {value}")
        low, high = centre - float(value), centre + float(value)
        if clip_at_zero:
            low = max(low, 0.0)
    elif isinstance(value, Sequence) and len(value) == 2:
        low, high = float(value[0]), float(value[1])
    else:
        raise TypeError(f"ColorJitter: {name} must be a number or a (min, max) pair, got {value!r}")
    if not bound[0] <= low <= high <= bound[1]:
        raise ValueError(f"ColorJitter: {name} values must be within {bound}, got {(low, high)}")
    return None if low == high == centre else (low, high)


class ColorJitter(Transform):
    """Random brightness, contrast, saturation and hue changes, in a random order.

    `brightness` b draws a factor in [max(0, 1 - b), 1 + b] (or the (min, max)
    given), likewise contrast and saturation; `hue` h draws a shift in [-h, h]
    (h <= 0.5). The order of the four is a random permutation per call, as
    torchvision does; the hue goes through HSV (see `nn.transforms.color`).

    Examples
    --------
    >>> import numpy as np
    >>> jitter = ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    >>> out = jitter(np.full((3, 4, 4), 0.5, np.float32))
    >>> out.shape, out.dtype, bool(out.min() >= 0 and out.max() <= 1)
    ((3, 4, 4), dtype('float32'), True)
    """

    def __init__(
        self,
        brightness: float | Sequence[float] | None = None,
        contrast: float | Sequence[float] | None = None,
        saturation: float | Sequence[float] | None = None,
        hue: float | Sequence[float] | None = None,
    ) -> None:
        inf = float("inf")
        self.brightness = _jitter_range(brightness, "brightness", 1.0, (0.0, inf), True)
        self.contrast = _jitter_range(contrast, "contrast", 1.0, (0.0, inf), True)
        self.saturation = _jitter_range(saturation, "saturation", 1.0, (0.0, inf), True)
        self.hue = _jitter_range(hue, "hue", 0.0, (-0.5, 0.5), False)

    def get_params(self) -> tuple[list[int], list[float | None]]:
        """The order of the four adjustments and their factors (None: not jittered)."""
        generator = rng()
        order = generator.permutation(4).tolist()
        factors = [
            None if r is None else float(generator.uniform(r[0], r[1]))
            for r in (self.brightness, self.contrast, self.saturation, self.hue)
        ]
        return order, factors

    def forward(self, image: Any) -> Any:
        array = image_array(image, "ColorJitter", min_ndim=3)
        order, factors = self.get_params()
        adjust = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)
        for index in order:
            if factors[index] is not None:
                array = adjust[index](array, factors[index])
        return like(array, image)


class Normalize(Transform):
    """(image - mean) / std per channel.

    Examples
    --------
    >>> import numpy as np
    >>> Normalize([0.5, 0.5], [0.25, 0.5])(np.ones((2, 1, 1))).ravel().tolist()
    [2.0, 1.0]
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean, self.std, self.inplace = list(mean), list(std), inplace

    def forward(self, image: Any) -> Any:
        return F.normalize(image, self.mean, self.std, self.inplace)


class RandomErasing(RandomTransform):
    """With probability `p`, overwrite a random rectangle with `value` (0, per channel, or
    "random" for standard normal noise).

    The rectangle's area is a `scale` fraction of the image and its
    height/width ratio log-uniform in `ratio`; after 10 draws that do not fit,
    the image is left as it is, as torchvision does.

    Examples
    --------
    >>> import numpy as np
    >>> out = RandomErasing(p=1.0, scale=(0.25, 0.25), ratio=(1.0, 1.0))(np.ones((1, 4, 4)))
    >>> int((out == 0).sum())
    4
    """

    def __init__(
        self,
        p: float = 0.5,
        scale: tuple[float, float] = (0.02, 0.33),
        ratio: tuple[float, float] = (0.3, 3.3),
        value: float | Sequence[float] | str = 0.0,
        inplace: bool = False,
    ) -> None:
        super().__init__(p)
        if scale[0] > scale[1] or ratio[0] > ratio[1] or scale[0] < 0 or scale[1] > 1:
            raise ValueError(
                f"RandomErasing: scale must be (min, max) within [0, 1] and ratio (min, max), "
                f"got {scale} and {ratio}"
            )
        if isinstance(value, str) and value != "random":
            raise ValueError(
                f"RandomErasing: value must be a number, a sequence or 'random', got {value!r}"
            )
        self.scale = (float(scale[0]), float(scale[1]))
        self.ratio = (float(ratio[0]), float(ratio[1]))
        self.value = value
        self.inplace = inplace

    def get_params(self, channels: int, height: int, width: int) -> tuple[int, int, int, int, Any]:
        """(i, j, h, w, v) of the rectangle, or the whole image and v=None if none fits."""
        value = self.value
        if (
            not isinstance(value, str)
            and isinstance(value, Sequence)
            and len(value) not in (1, channels)
        ):
            raise ValueError(
                f"RandomErasing: value has {len(value)} entries, the image {channels} channels"
            )
        area = height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        generator = rng()
        for _ in range(10):
            erase_area = area * generator.uniform(self.scale[0], self.scale[1])
            aspect = math.exp(generator.uniform(log_ratio[0], log_ratio[1]))
            h = round(math.sqrt(erase_area * aspect))
            w = round(math.sqrt(erase_area / aspect))
            if not (h < height and w < width):
                continue
            if self.value == "random":
                v: Any = generator.standard_normal((channels, h, w)).astype(np.float32)
            else:
                v = np.asarray(self.value, dtype=np.float32).reshape(-1, 1, 1)
            i = int(generator.integers(0, height - h + 1))
            j = int(generator.integers(0, width - w + 1))
            return i, j, h, w, v
        return 0, 0, height, width, None

    def forward(self, image: Any) -> Any:
        array = image_array(image, "RandomErasing", min_ndim=3)
        i, j, h, w, v = self.get_params(*array.shape[-3:])
        if v is None:
            return image
        return like(F.erase(array, i, j, h, w, v.astype(array.dtype), self.inplace), image)
