"""Colour functions after torchvision.transforms.v2.functional, on float images in [0, 1].

Brightness, contrast and saturation blend the image with black, its mean
grey level, and its grey version: (factor * image + (1 - factor) * other),
clipped to [0, 1]. Grey is 0.2989 R + 0.587 G + 0.114 B. Hue goes through
HSV: h <- (h + hue_factor) mod 1, then back to RGB. The channel axis is -3;
a batch (N, C, H, W) gets the same factor for every image, and the contrast
mean is taken per image.
"""

from __future__ import annotations

import numpy as np

from ._image import on_image

_GREY = (0.2989, 0.587, 0.114)


def _check_float(image: np.ndarray, op: str) -> None:
    if image.dtype.kind != "f":
        raise TypeError(f"{op}: expected a float image with values in [0, 1], got {image.dtype}")


def _channels(image: np.ndarray, op: str) -> int:
    channels = image.shape[-3]
    if channels not in (1, 3):
        raise ValueError(f"{op}: expected 1 or 3 channels on axis -3, got shape {image.shape}")
    return channels


def _grey(image: np.ndarray) -> np.ndarray:
    r, g, b = image[..., 0:1, :, :], image[..., 1:2, :, :], image[..., 2:3, :, :]
    dtype = image.dtype.type
    return r * dtype(_GREY[0]) + g * dtype(_GREY[1]) + b * dtype(_GREY[2])


def _blend(image: np.ndarray, other: np.ndarray | float, ratio: float) -> np.ndarray:
    ratio_t = image.dtype.type(ratio)
    return np.clip(ratio_t * image + (image.dtype.type(1.0) - ratio_t) * other, 0.0, 1.0)


def _rgb_to_grayscale(image: np.ndarray, num_output_channels: int = 1) -> np.ndarray:
    """Grey levels 0.2989 R + 0.587 G + 0.114 B, on 1 or 3 output channels.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(rgb_to_grayscale(np.ones((3, 1, 1), np.float32)).item()), 4)
    0.9999
    """
    if num_output_channels not in (1, 3):
        raise ValueError(
            f"rgb_to_grayscale: num_output_channels must be 1 or 3, got {num_output_channels}"
        )
    if _channels(image, "rgb_to_grayscale") == 1:
        grey = image
    else:
        _check_float(image, "rgb_to_grayscale")
        grey = _grey(image)
    return (
        np.repeat(grey, num_output_channels, axis=-3) if num_output_channels == 3 else grey.copy()
    )


def _adjust_brightness(image: np.ndarray, brightness_factor: float) -> np.ndarray:
    """factor * image, clipped to [0, 1] (0 gives black, 1 the image).

    Examples
    --------
    >>> import numpy as np
    >>> adjust_brightness(np.full((3, 1, 1), 0.6), 2.0).ravel().tolist()
    [1.0, 1.0, 1.0]
    """
    _check_float(image, "adjust_brightness")
    if brightness_factor < 0:
        raise ValueError(f"adjust_brightness: factor must be non-negative, got {brightness_factor}")
    return _blend(image, 0.0, brightness_factor)


def _adjust_contrast(image: np.ndarray, contrast_factor: float) -> np.ndarray:
    """Blend with the image's mean grey level (0 gives flat grey, 1 the image).

    Examples
    --------
    >>> import numpy as np
    >>> adjust_contrast(np.array([[[0.2, 0.6]]]), 0.5).round(3).tolist()
    [[[0.3, 0.5]]]
    """
    _check_float(image, "adjust_contrast")
    if contrast_factor < 0:
        raise ValueError(f"adjust_contrast: factor must be non-negative, got {contrast_factor}")
    grey = _grey(image) if _channels(image, "adjust_contrast") == 3 else image
    return _blend(image, grey.mean((-3, -2, -1), keepdims=True), contrast_factor)


def _adjust_saturation(image: np.ndarray, saturation_factor: float) -> np.ndarray:
    """Blend with the grey image (0 gives grey, 1 the image, 2 doubles the saturation).

    Examples
    --------
    >>> import numpy as np
    >>> adjust_saturation(np.array([1.0, 0.0, 0.0]).reshape(3, 1, 1), 0.0).ravel().round(4).tolist()
    [0.2989, 0.2989, 0.2989]
    """
    _check_float(image, "adjust_saturation")
    if saturation_factor < 0:
        raise ValueError(f"adjust_saturation: factor must be non-negative, got {saturation_factor}")
    if _channels(image, "adjust_saturation") == 1:
        return image.copy()
    return _blend(image, _grey(image), saturation_factor)


def _rgb_to_hsv(image: np.ndarray) -> np.ndarray:
    """RGB in [0, 1] to HSV, each in [0, 1] (hue as a fraction of the turn).

    Examples
    --------
    >>> import numpy as np
    >>> rgb_to_hsv(np.array([0.0, 1.0, 0.0]).reshape(3, 1, 1)).ravel().round(4).tolist()
    [0.3333, 1.0, 1.0]
    """
    r, g, b = image[..., 0, :, :], image[..., 1, :, :], image[..., 2, :, :]
    value = image.max(-3)
    spread = value - image.min(-3)
    grey = spread == 0
    saturation = spread / np.where(value == 0, 1, value)
    divisor = np.where(grey, 1, spread)
    rc, gc, bc = ((value - r) / divisor, (value - g) / divisor, (value - b) / divisor)
    # Which channel is the largest decides the sector: red first, then green, then blue.
    hue = np.where(value == r, bc - gc, np.where(value == g, 2.0 + rc - bc, 4.0 + gc - rc))
    hue = np.where(grey, 0.0, hue)
    hue = np.mod(hue / 6.0 + 1.0, 1.0).astype(image.dtype)
    return np.stack([hue, saturation.astype(image.dtype), value], axis=-3)


def _hsv_to_rgb(image: np.ndarray) -> np.ndarray:
    """HSV (each in [0, 1]) to RGB in [0, 1]: the inverse of `rgb_to_hsv`.

    Examples
    --------
    >>> import numpy as np
    >>> hsv_to_rgb(np.array([2 / 3, 1.0, 1.0]).reshape(3, 1, 1)).ravel().round(4).tolist()
    [0.0, 0.0, 1.0]
    """
    h, s, v = image[..., 0, :, :], image[..., 1, :, :], image[..., 2, :, :]
    h6 = h * 6.0
    sector = np.floor(h6)
    f = h6 - sector
    sector = sector.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    # (r, g, b) of each of the six sectors, as indices into (v, p, q, t).
    table = np.array([[0, 3, 1], [2, 0, 1], [1, 0, 3], [1, 2, 0], [3, 1, 0], [0, 1, 2]])
    choices = np.stack([v, p, q, t], axis=-3)
    which = np.moveaxis(table[sector], -1, -3)  # (..., 3, H, W)
    return np.take_along_axis(choices, which, axis=-3).astype(image.dtype)


def _adjust_hue(image: np.ndarray, hue_factor: float) -> np.ndarray:
    """Turn the hue by `hue_factor` (in [-0.5, 0.5], a fraction of the colour wheel).

    Examples
    --------
    >>> import numpy as np
    >>> adjust_hue(np.array([1.0, 0.0, 0.0]).reshape(3, 1, 1), 1 / 3).ravel().round(4).tolist()
    [0.0, 1.0, 0.0]
    """
    _check_float(image, "adjust_hue")
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"adjust_hue: hue_factor must be in [-0.5, 0.5], got {hue_factor}")
    if _channels(image, "adjust_hue") == 1 or hue_factor == 0:
        return image.copy()
    hsv = _rgb_to_hsv(image)
    hsv[..., 0, :, :] = np.mod(hsv[..., 0, :, :] + image.dtype.type(hue_factor), 1.0)
    return _hsv_to_rgb(hsv)


rgb_to_grayscale = on_image(_rgb_to_grayscale, "rgb_to_grayscale", min_ndim=3)
adjust_brightness = on_image(_adjust_brightness, "adjust_brightness", min_ndim=3)
adjust_contrast = on_image(_adjust_contrast, "adjust_contrast", min_ndim=3)
adjust_saturation = on_image(_adjust_saturation, "adjust_saturation", min_ndim=3)
adjust_hue = on_image(_adjust_hue, "adjust_hue", min_ndim=3)
rgb_to_hsv = on_image(_rgb_to_hsv, "rgb_to_hsv", min_ndim=3)
hsv_to_rgb = on_image(_hsv_to_rgb, "hsv_to_rgb", min_ndim=3)
