"""The functions behind the transforms, after torchvision.transforms.v2.functional.

Each takes an image of shape (..., C, H, W) (or (..., H, W) where colour does
not matter) as a Tensor or numpy array and returns the same kind; a batch
(N, C, H, W) is treated as one call, every image alike. Colour functions are
in `nn.transforms.color` and re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any, Literal

import numpy as np

from ._image import image_array, like, on_image, pair
from .color import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    hsv_to_rgb,
    rgb_to_grayscale,
    rgb_to_hsv,
)  # fmt: skip
from .resample import bilinear_matrix, nearest_indices

__all__ = [
    "InterpolationMode", "horizontal_flip", "vertical_flip", "hflip", "vflip", "pad", "crop",
    "center_crop", "resize", "resized_crop", "normalize", "erase", "adjust_brightness",
    "adjust_contrast", "adjust_saturation", "adjust_hue", "rgb_to_grayscale", "rgb_to_hsv",
    "hsv_to_rgb",
]  # fmt: skip


class InterpolationMode(str, Enum):
    """The interpolations `resize` knows, by torchvision's names (strings work too)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"


def _horizontal_flip(image: np.ndarray) -> np.ndarray:
    """Mirror left to right (the last axis).

    Examples
    --------
    >>> import numpy as np
    >>> horizontal_flip(np.arange(3.0).reshape(1, 1, 3)).tolist()
    [[[2.0, 1.0, 0.0]]]
    """
    return image[..., ::-1].copy()


def _vertical_flip(image: np.ndarray) -> np.ndarray:
    """Mirror top to bottom (the second-to-last axis).

    Examples
    --------
    >>> import numpy as np
    >>> vertical_flip(np.arange(2.0).reshape(1, 2, 1)).ravel().tolist()
    [1.0, 0.0]
    """
    return image[..., ::-1, :].copy()


horizontal_flip = on_image(_horizontal_flip, "horizontal_flip")
vertical_flip = on_image(_vertical_flip, "vertical_flip")
hflip, vflip = horizontal_flip, vertical_flip  # torchvision's v1 names

_PAD_MODES: dict[str, Literal["constant", "edge", "reflect", "symmetric"]] = {
    "constant": "constant",
    "edge": "edge",
    "reflect": "reflect",
    "symmetric": "symmetric",
}


def padding_ltrb(padding: int | Sequence[int], op: str) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) from torchvision's int, 2- or 4-sequence forms."""
    if isinstance(padding, (int, np.integer)):
        values = [int(padding)] * 4
    elif isinstance(padding, Sequence) and len(padding) in (1, 2, 4):
        values = [int(v) for v in padding]
        values = values * 4 if len(values) == 1 else values * 2 if len(values) == 2 else values
    else:
        raise ValueError(
            f"{op}: padding must be an int or a sequence of 1, 2 or 4 ints, got {padding!r}"
        )
    if min(values) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {padding!r}")
    left, top, right, bottom = values
    return left, top, right, bottom


def _pad(
    image: np.ndarray,
    padding: int | Sequence[int],
    fill: float | Sequence[float] = 0,
    padding_mode: str = "constant",
) -> np.ndarray:
    """Pad the last two axes: `padding` as torchvision's (int, (lr, tb) or (l, t, r, b)).

    `padding_mode` "constant" (with `fill`, a number or one per channel),
    "edge", "reflect" (mirror without repeating the edge) or "symmetric"
    (mirror repeating it).

    Examples
    --------
    >>> import numpy as np
    >>> pad(np.array([[[1.0, 2.0, 3.0]]]), [2, 0], padding_mode="reflect").tolist()
    [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]]
    """
    if padding_mode not in _PAD_MODES:
        raise ValueError(
            f"pad: padding_mode must be one of {sorted(_PAD_MODES)}, got {padding_mode!r}"
        )
    left, top, right, bottom = padding_ltrb(padding, "pad")
    height, width = image.shape[-2:]
    if padding_mode == "reflect" and (max(top, bottom) >= height or max(left, right) >= width):
        raise ValueError(
            f"pad: reflect padding {(left, top, right, bottom)} must be smaller than the "
            f"image's size {(height, width)} along each axis"
        )
    widths = [(0, 0)] * (image.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode != "constant":
        return np.pad(image, widths, mode=_PAD_MODES[padding_mode])
    if isinstance(fill, Sequence):
        fills = np.asarray(fill, dtype=image.dtype)
        if image.ndim < 3 or fills.size not in (1, image.shape[-3]):
            raise ValueError(
                f"pad: fill has {fills.size} values, the image has shape {image.shape} "
                "(one value, or one per channel)"
            )
        out = np.empty(
            (*image.shape[:-2], height + top + bottom, width + left + right), image.dtype
        )
        out[...] = fills.reshape(-1, 1, 1)
        out[..., top : top + height, left : left + width] = image
        return out
    return np.pad(image, widths, mode="constant", constant_values=fill)


def _crop(image: np.ndarray, top: int, left: int, height: int, width: int) -> np.ndarray:
    """The `height` x `width` window at (`top`, `left`), zero-padded where it leaves the image.

    Examples
    --------
    >>> import numpy as np
    >>> crop(np.arange(9.0).reshape(1, 3, 3), 1, 1, 2, 2).tolist()
    [[[4.0, 5.0], [7.0, 8.0]]]
    """
    h, w = image.shape[-2:]
    pads = (max(0, -left), max(0, -top), max(0, left + width - w), max(0, top + height - h))
    if any(pads):
        image = _pad(image, list(pads))
        top, left = top + pads[1], left + pads[0]
    return image[..., top : top + height, left : left + width].copy()


def _center_crop(image: np.ndarray, output_size: int | Sequence[int]) -> np.ndarray:
    """The central window of `output_size` (zero-padded first if the image is smaller).

    Examples
    --------
    >>> import numpy as np
    >>> center_crop(np.arange(16.0).reshape(1, 4, 4), 2).tolist()
    [[[5.0, 6.0], [9.0, 10.0]]]
    """
    crop_h, crop_w = pair(output_size, "center_crop", "output_size")
    h, w = image.shape[-2:]
    if crop_h > h or crop_w > w:
        image = _pad(
            image,
            [max(0, (crop_w - w) // 2), max(0, (crop_h - h) // 2),
             max(0, (crop_w - w + 1) // 2), max(0, (crop_h - h + 1) // 2)],
        )  # fmt: skip
        h, w = image.shape[-2:]
    top, left = round((h - crop_h) / 2.0), round((w - crop_w) / 2.0)
    return image[..., top : top + crop_h, left : left + crop_w].copy()


crop = on_image(_crop, "crop")
center_crop = on_image(_center_crop, "center_crop")
pad = on_image(_pad, "pad")


def output_size(
    height: int, width: int, size: int | Sequence[int], max_size: int | None
) -> tuple[int, int]:
    """torchvision's target (h, w): an int matches the shorter side, keeping the aspect ratio."""
    if isinstance(size, Sequence) and len(size) == 2:
        return pair(size, "resize")
    (short_target, _) = pair(size, "resize")
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = short_target, int(short_target * long / short)
    if max_size is not None:
        if max_size <= short_target:
            raise ValueError(
                f"resize: max_size ({max_size}) must be larger than the size ({short_target})"
            )
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if width <= height else (new_short, new_long)


def _resize(
    image: np.ndarray,
    size: int | Sequence[int],
    interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
    max_size: int | None = None,
    antialias: bool = True,
) -> np.ndarray:
    """Resize the last two axes to `size` (an int: the shorter side, keeping the aspect ratio).

    Bilinear (antialiased when shrinking, by default, as torchvision), nearest or
    nearest-exact, with PyTorch's `interpolate` weights (see `nn.transforms.resample`).
    Nearest keeps the dtype (masks stay integer); bilinear needs floats.

    Examples
    --------
    >>> import numpy as np
    >>> resize(np.ones((3, 8, 6), np.float32), 3).shape
    (3, 4, 3)
    """
    mode = InterpolationMode(interpolation)
    h, w = image.shape[-2:]
    out_h, out_w = output_size(h, w, size, max_size)
    if mode is InterpolationMode.BILINEAR:
        if image.dtype.kind != "f":
            raise TypeError(
                f"resize: bilinear interpolation needs a float image, got {image.dtype}"
            )
        rows = bilinear_matrix(h, out_h, antialias).astype(image.dtype)
        cols = bilinear_matrix(w, out_w, antialias).astype(image.dtype)
        return np.matmul(np.matmul(rows, image), cols.T)
    exact = mode is InterpolationMode.NEAREST_EXACT
    rows, cols = nearest_indices(h, out_h, exact), nearest_indices(w, out_w, exact)
    return image[..., rows[:, None], cols[None, :]]


resize = on_image(_resize, "resize")


def resized_crop(
    image: Any,
    top: int,
    left: int,
    height: int,
    width: int,
    size: int | Sequence[int],
    interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
    antialias: bool = True,
) -> Any:
    """`crop` then `resize` to `size`.

    Examples
    --------
    >>> import numpy as np
    >>> resized_crop(np.ones((1, 8, 8)), 0, 0, 4, 4, [2, 2]).shape
    (1, 2, 2)
    """
    array = image_array(image, "resized_crop")
    return like(
        _resize(_crop(array, top, left, height, width), size, interpolation, None, antialias),
        image,
    )


def _normalize(
    image: np.ndarray, mean: Sequence[float], std: Sequence[float], inplace: bool = False
) -> np.ndarray:
    """(image - mean) / std per channel (the channel axis is -3).

    Examples
    --------
    >>> import numpy as np
    >>> normalize(np.ones((2, 1, 1)), [0.5, 0.0], [0.5, 2.0]).ravel().tolist()
    [1.0, 0.5]
    """
    if image.dtype.kind != "f":
        raise TypeError(f"normalize: expected a float image, got {image.dtype}")
    channels = image.shape[-3]
    mean_a = np.asarray(mean, dtype=image.dtype).reshape(-1, 1, 1)
    std_a = np.asarray(std, dtype=image.dtype).reshape(-1, 1, 1)
    for name, values in (("mean", mean_a), ("std", std_a)):
        if values.shape[0] not in (1, channels):
            raise ValueError(
                f"normalize: {name} has {values.shape[0]} values, the image {channels} channels"
            )
    if np.any(std_a == 0):
        raise ValueError(f"normalize: std evaluated to zero, leading to division by zero: {std}")
    if inplace:
        image -= mean_a
        image /= std_a
        return image
    return (image - mean_a) / std_a


normalize = on_image(_normalize, "normalize", min_ndim=3)


def _erase(
    image: np.ndarray, i: int, j: int, h: int, w: int, v: Any, inplace: bool = False
) -> np.ndarray:
    """Replace the window at rows i:i+h, columns j:j+w with `v` (broadcast to it).

    Examples
    --------
    >>> import numpy as np
    >>> erase(np.ones((1, 2, 2)), 0, 0, 1, 1, 0.0).ravel().tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    out = image if inplace else image.copy()
    out[..., i : i + h, j : j + w] = v
    return out


erase = on_image(_erase, "erase")
