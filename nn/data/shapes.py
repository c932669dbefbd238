"""`SyntheticShapes`: seeded scenes of circles, squares and triangles for detection and
segmentation, with their boxes and masks; nothing to download.

Each image has between `min_objects` and `max_objects` shapes of random
size, colour and position on a textured background (a gradient, stripes
of random frequency and angle, and noise), placed so that they do not
overlap (so every mask is the whole shape and every box is tight). All
scenes are drawn at construction, whole-array numpy over the dataset, with
a Python loop only over the `max_objects` slots.

Labels follow torchvision's detection convention: 0 is the background,
1 circle, 2 square, 3 triangle (`SyntheticShapes.classes`). Boxes are
(x1, y1, x2, y2) in pixel-edge coordinates, the tight box of the mask:
x1 = first column, x2 = last column + 1 (the box covers its pixels).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Tensor

from .dataset import Dataset

_CANDIDATES = 12  # placements tried per object before leaving its slot empty


def _hsv_colours(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Bright, saturated RGB colours of the given leading shape, as (..., 3) in [0, 1]."""
    hue = rng.random(shape)
    sat = rng.uniform(0.55, 1.0, shape)
    val = rng.uniform(0.65, 1.0, shape)
    k = np.stack([5.0, 3.0, 1.0], -1)  # the standard HSV-to-RGB by channel offsets
    t = np.mod(k + hue[..., None] * 6.0, 6.0)
    rgb = val[..., None] - val[..., None] * sat[..., None] * np.clip(np.minimum(t, 4 - t), 0, 1)
    return rgb.astype(np.float32)


def _backgrounds(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Dim textured backgrounds (n, 3, size, size): gradient + stripes (noise comes later)."""
    coords = ((np.arange(size) + 0.5) / size).astype(np.float32)
    y, x = coords[None, :, None], coords[None, None, :]
    angle = rng.uniform(0, np.pi, (n, 1, 1)).astype(np.float32)
    freq = rng.uniform(2.0, 8.0, (n, 1, 1)).astype(np.float32)
    stripes = 0.5 + 0.5 * np.sin(2 * np.pi * freq * (x * np.cos(angle) + y * np.sin(angle)))
    slope = rng.uniform(-1, 1, (n, 2, 1, 1)).astype(np.float32)
    gradient = 0.5 + 0.5 * (slope[:, 0] * (x - 0.5) + slope[:, 1] * (y - 0.5))
    base = rng.uniform(0.05, 0.35, (n, 3, 1, 1)).astype(np.float32)
    tint = rng.uniform(0.0, 0.15, (n, 3, 1, 1)).astype(np.float32)
    texture = 0.5 * stripes + 0.5 * gradient
    return base + tint * texture[:, None]


def _shape_masks(kind: np.ndarray, cx: np.ndarray, cy: np.ndarray, half: np.ndarray,
                 size: int) -> np.ndarray:  # fmt: skip
    """(n, size, size) boolean masks: pixel centres inside each image's shape."""
    centres = np.arange(size, dtype=np.float32) + np.float32(0.5)
    cx, cy, half = (v.astype(np.float32) for v in (cx, cy, half))
    dy = centres[None, :, None] - cy[:, None, None]
    dx = centres[None, None, :] - cx[:, None, None]
    s = half[:, None, None]
    circle = dx * dx + dy * dy <= s * s
    square = (np.abs(dx) <= s) & (np.abs(dy) <= s)
    # An upright triangle: apex at (cx, cy - s), base from cx - s to cx + s at cy + s.
    triangle = (dy >= -s) & (dy <= s) & (np.abs(dx) <= (dy + s) / 2)
    kind = kind[:, None, None]
    return np.where(kind == 1, circle, np.where(kind == 2, square, triangle))


def _tight_boxes(masks: np.ndarray) -> np.ndarray:
    """(n, 4) pixel-edge boxes (x1, y1, x2, y2) of (n, H, W) masks; zeros where empty."""
    rows, cols = np.asarray(masks.any(2)), np.asarray(masks.any(1))
    height, width = masks.shape[1:]
    y1 = rows.argmax(1)
    y2 = height - rows[:, ::-1].argmax(1)
    x1 = cols.argmax(1)
    x2 = width - cols[:, ::-1].argmax(1)
    boxes = np.stack([x1, y1, x2, y2], 1).astype(np.float32)
    return np.where(np.asarray(rows.any(1))[:, None], boxes, 0.0)


class SyntheticShapes(Dataset):
    """`n` seeded scenes of shapes with labels, boxes and masks (see the module docstring).

    `dataset[i]` is `(image, target)`: image a float32 Tensor (3, S, S) in
    [0, 1] (after `transform`, if given), target a dict of Tensors:
    "boxes" (K, 4) float32, "labels" (K,) int64 in 1..3, "masks" (K, S, S)
    uint8 (one per object), "semantic_mask" (S, S) int64 (0 background,
    else the label) and "instance_mask" (S, S) int64 (0 background, else
    1..K). The whole arrays are attributes: `images` (n, 3, S, S),
    `semantic_masks` and `instance_masks` (n, S, S), `boxes` (n, max_objects, 4)
    and `labels` (n, max_objects) padded with zeros, `num_objects` (n,).
    For detection batches use `collate_fn=SyntheticShapes.collate_fn`.

    Examples
    --------
    >>> scenes = SyntheticShapes(8, image_size=32, max_objects=3, seed=0)
    >>> image, target = scenes[0]
    >>> image.shape, target["boxes"].shape[1], target["semantic_mask"].shape
    ((3, 32, 32), 4, (32, 32))
    """

    classes = ("background", "circle", "square", "triangle")

    def __init__(
        self,
        n: int,
        image_size: int = 64,
        max_objects: int = 3,
        seed: int = 0,
        min_objects: int = 1,
        object_size: tuple[float, float] = (0.1, 0.25),
        transform: Callable[[Any], Any] | None = None,
    ) -> None:
        for name, value, least in (("n", n, 1), ("image_size", image_size, 8),
                                 ("max_objects", max_objects, 1)):  # fmt: skip
            if not isinstance(value, (int, np.integer)) or value < least:
                raise ValueError(
                    f"SyntheticShapes: {name} must be an int >= {least}, got {value!r}"
                )
        if not 0 <= min_objects <= max_objects:
            raise ValueError(
                f"SyntheticShapes: need 0 <= min_objects <= max_objects, got {min_objects} "
                f"and {max_objects}"
            )
        low, high = object_size
        if not 0 < low <= high <= 0.5:
            raise ValueError(
                "SyntheticShapes: object_size is the (min, max) half-extent as a fraction of "
                f"the image, within (0, 0.5], got {object_size}"
            )
        self.image_size, self.max_objects, self.seed = int(image_size), int(max_objects), seed
        self.transform = transform
        self._generate(int(n), min_objects, (low, high), np.random.default_rng(seed))

    def _generate(self, n: int, min_objects: int, extent: tuple[float, float],
                  rng: np.random.Generator) -> None:  # fmt: skip
        size, slots = self.image_size, self.max_objects
        images = _backgrounds(rng, n, size)
        wanted = rng.integers(min_objects, slots + 1, n)
        placed = np.zeros((n, 0, 4))  # continuous bounds of the shapes placed so far
        instance = np.zeros((n, size, size), np.int64)
        semantic = np.zeros((n, size, size), np.int64)
        boxes = np.zeros((n, slots, 4), np.float32)
        labels = np.zeros((n, slots), np.int64)
        count = np.zeros(n, np.int64)
        colours = _hsv_colours(rng, (n, slots))
        for slot in range(slots):
            kind = rng.integers(1, 4, n)
            half = rng.uniform(extent[0], extent[1], (n, _CANDIDATES)) * size
            cx = rng.uniform(half, size - half)
            cy = rng.uniform(half, size - half)
            bounds = np.stack([cx - half, cy - half, cx + half, cy + half], -1)  # (n, T, 4)
            gap = 1.0  # keep a pixel between shapes
            apart = (
                (bounds[:, :, None, 0] >= placed[:, None, :, 2] + gap)
                | (bounds[:, :, None, 2] + gap <= placed[:, None, :, 0])
                | (bounds[:, :, None, 1] >= placed[:, None, :, 3] + gap)
                | (bounds[:, :, None, 3] + gap <= placed[:, None, :, 1])
            ).all(2)  # (n, T): clear of every shape placed so far
            choice = apart.argmax(1)
            active = np.any(apart, axis=1) & (slot < wanted)
            rows = np.arange(n)
            cx, cy, half = cx[rows, choice], cy[rows, choice], half[rows, choice]
            chosen = np.where(active[:, None], bounds[rows, choice], -1e9)  # inactive: nowhere
            placed = np.concatenate([placed, chosen[:, None]], 1)
            mask = _shape_masks(kind, cx, cy, half, size) & active[:, None, None]
            active &= mask.any((1, 2))
            images = np.where(mask[:, None], colours[:, slot, :, None, None], images)
            position = count  # objects are numbered in the order they are placed
            instance[mask] = np.repeat(position + 1, mask.sum((1, 2)))
            semantic[mask] = np.repeat(kind, mask.sum((1, 2)))
            boxes[rows[active], position[active]] = _tight_boxes(mask[active])
            labels[rows[active], position[active]] = kind[active]
            count = count + active
        images += rng.standard_normal(images.shape, dtype=np.float32) * np.float32(0.025)
        self.images = np.clip(images, 0.0, 1.0)
        self.instance_masks, self.semantic_masks = instance, semantic
        self.boxes, self.labels, self.num_objects = boxes, labels, count

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[Any, dict[str, Tensor]]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"SyntheticShapes: index {index} out of range for length {len(self)}")
        k = int(self.num_objects[index])
        instance = self.instance_masks[index]
        masks = (instance[None] == np.arange(1, k + 1)[:, None, None]).astype(np.uint8)
        image: Any = Tensor(self.images[index])
        if self.transform is not None:
            image = self.transform(image)
        target = {
            "boxes": Tensor(self.boxes[index, :k]),
            "labels": Tensor(self.labels[index, :k]),
            "masks": Tensor(masks),
            "semantic_mask": Tensor(self.semantic_masks[index]),
            "instance_mask": Tensor(instance),
        }
        return image, target

    @staticmethod
    def collate_fn(batch: list[tuple[Any, dict[str, Tensor]]]) -> tuple[Tensor, list[dict]]:
        """Images stacked into (B, 3, S, S); targets kept as a list (their sizes differ)."""
        images = np.stack([np.asarray(image) for image, _ in batch])
        return Tensor(images), [target for _, target in batch]
