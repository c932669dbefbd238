"""Geometric transforms after torchvision.transforms.v2: flips, crops and resizes.

On a batch (N, C, H, W) the random parameters are drawn once per call, so
every image of the batch gets the same flip or window, as torchvision v2
does; call the transform per sample (e.g. as a dataset's `transform`) for
independent draws.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import functional as F  # noqa: N812 (torchvision's idiom)
from ._image import image_array, like, pair, rng
from .base import RandomTransform, Transform


class RandomHorizontalFlip(RandomTransform):
    """Mirror left to right with probability `p`.

    Examples
    --------
    >>> import numpy as np
    >>> RandomHorizontalFlip(p=1.0)(np.arange(3.0).reshape(1, 1, 3)).tolist()
    [[[2.0, 1.0, 0.0]]]
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def forward(self, image: Any) -> Any:
        return F.horizontal_flip(image)


class RandomVerticalFlip(RandomTransform):
    """Mirror top to bottom with probability `p`.

    Examples
    --------
    >>> import numpy as np
    >>> RandomVerticalFlip(p=1.0)(np.arange(2.0).reshape(1, 2, 1)).ravel().tolist()
    [1.0, 0.0]
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p)

    def forward(self, image: Any) -> Any:
        return F.vertical_flip(image)


class CenterCrop(Transform):
    """The central `size` window (zero-padded if the image is smaller).

    Examples
    --------
    >>> import numpy as np
    >>> CenterCrop(2)(np.zeros((3, 5, 5))).shape
    (3, 2, 2)
    """

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = pair(size, "CenterCrop")

    def forward(self, image: Any) -> Any:
        return F.center_crop(image, self.size)


class RandomCrop(Transform):
    """A random `size` window, after optional `padding` (and `pad_if_needed` padding).

    `padding` as torchvision's (int, (lr, tb) or (l, t, r, b)); `pad_if_needed`
    pads each short side by the missing amount on both ends; `fill` and
    `padding_mode` ("constant", "edge", "reflect", "symmetric") as in `pad`.

    Examples
    --------
    >>> import numpy as np
    >>> RandomCrop(4, padding=2, padding_mode="reflect")(np.zeros((3, 4, 4))).shape
    (3, 4, 4)
    """

    def __init__(
        self,
        size: int | Sequence[int],
        padding: int | Sequence[int] | None = None,
        pad_if_needed: bool = False,
        fill: float | Sequence[float] = 0,
        padding_mode: str = "constant",
    ) -> None:
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"RandomCrop: unknown padding_mode {padding_mode!r}")
        self.size = pair(size, "RandomCrop")
        self.padding = None if padding is None else F.padding_ltrb(padding, "RandomCrop")
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, image: Any) -> Any:
        array = image_array(image, "RandomCrop")
        height, width = array.shape[-2:]
        left, top, right, bottom = self.padding or (0, 0, 0, 0)
        height, width = height + top + bottom, width + left + right
        crop_h, crop_w = self.size
        if self.pad_if_needed and height < crop_h:
            diff = crop_h - height
            top, bottom, height = top + diff, bottom + diff, height + 2 * diff
        if self.pad_if_needed and width < crop_w:
            diff = crop_w - width
            left, right, width = left + diff, right + diff, width + 2 * diff
        if height < crop_h or width < crop_w:
            padded = "padded " if self.padding is not None else ""
            raise ValueError(
                f"RandomCrop: required crop size {(crop_h, crop_w)} is larger than the "
                f"{padded}input image size {(height, width)}"
            )
        if left or top or right or bottom:
            array = F.pad(array, [left, top, right, bottom], self.fill, self.padding_mode)
        i = int(rng().integers(0, height - crop_h + 1)) if height > crop_h else 0
        j = int(rng().integers(0, width - crop_w + 1)) if width > crop_w else 0
        return like(array[..., i : i + crop_h, j : j + crop_w].copy(), image)


class Resize(Transform):
    """Resize to `size` (an int: the shorter side, keeping the aspect ratio), as torchvision.

    Examples
    --------
    >>> import numpy as np
    >>> Resize((2, 3))(np.ones((1, 4, 6), np.float32)).shape
    (1, 2, 3)
    """

    def __init__(
        self,
        size: int | Sequence[int],
        interpolation: F.InterpolationMode | str = F.InterpolationMode.BILINEAR,
        max_size: int | None = None,
        antialias: bool = True,
    ) -> None:
        pair(size, "Resize")
        self.size = size
        self.interpolation = F.InterpolationMode(interpolation)
        self.max_size = max_size
        self.antialias = antialias

    def forward(self, image: Any) -> Any:
        return F.resize(image, self.size, self.interpolation, self.max_size, self.antialias)


class RandomResizedCrop(Transform):
    """A random window of random area and aspect ratio, resized to `size` (Inception's crop).

    The window's area is a `scale` fraction of the image and its width/height
    ratio is log-uniform in `ratio`; up to 10 draws are tried for one that
    fits, then the central window of the nearest allowed ratio is used, as
    torchvision does.

    Examples
    --------
    >>> import numpy as np
    >>> RandomResizedCrop(8)(np.zeros((3, 20, 30), np.float32)).shape
    (3, 8, 8)
    """

    def __init__(
        self,
        size: int | Sequence[int],
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: F.InterpolationMode | str = F.InterpolationMode.BILINEAR,
        antialias: bool = True,
    ) -> None:
        self.size = pair(size, "RandomResizedCrop")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError(
                f"RandomResizedCrop: scale and ratio must be (min, max), got {scale} and {ratio}"
            )
        if scale[0] < 0 or ratio[0] <= 0:
            raise ValueError(
                f"RandomResizedCrop: scale must be >= 0 and ratio > 0, got {scale}, {ratio}"
            )
        self.scale = (float(scale[0]), float(scale[1]))
        self.ratio = (float(ratio[0]), float(ratio[1]))
        self.interpolation = F.InterpolationMode(interpolation)
        self.antialias = antialias

    def get_params(self, height: int, width: int) -> tuple[int, int, int, int]:
        """(top, left, h, w) of the window, drawn as torchvision draws it."""
        area = height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        generator = rng()
        for _ in range(10):
            target_area = area * generator.uniform(self.scale[0], self.scale[1])
            aspect = math.exp(generator.uniform(log_ratio[0], log_ratio[1]))
            w = round(math.sqrt(target_area * aspect))
            h = round(math.sqrt(target_area / aspect))
            if 0 < w <= width and 0 < h <= height:
                top = int(generator.integers(0, height - h + 1))
                left = int(generator.integers(0, width - w + 1))
                return top, left, h, w
        in_ratio = width / height
        if in_ratio < min(self.ratio):
            w, h = width, round(width / min(self.ratio))
        elif in_ratio > max(self.ratio):
            h, w = height, round(height * max(self.ratio))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, image: Any) -> Any:
        array = image_array(image, "RandomResizedCrop")
        top, left, h, w = self.get_params(*array.shape[-2:])
        out = F.resized_crop(array, top, left, h, w, self.size, self.interpolation, self.antialias)
        return like(out, image)
