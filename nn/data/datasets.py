"""Datasets that need no download: the 8x8 handwritten digits and tiny 3x3 stroke patterns.

`load_digits` reads `digits.npz`, shipped inside this package (the UCI
digits as scikit-learn distributes them; source and licence in
`DIGITS_LICENSE.txt` beside it), so it needs only numpy. `pixel_patterns` makes
3x3 images of strokes for "the world's smallest neural network": nine
inputs, three classes, learnable by a single linear layer.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from autograd_core import Tensor

PIXEL_PATTERN_CLASSES = ("vertical", "horizontal", "diagonal")


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The 1,797 handwritten 8x8 digits, split into train and test sets.

    Returns `(x_train, y_train, x_test, y_test)`: images of shape (N, 1, 8, 8),
    float32, scaled from 0..16 to [0, 1]; labels int64 in 0..9. The split is a
    fixed permutation drawn from `seed`, so it is the same on every call.

    Examples
    --------
    >>> x_train, y_train, x_test, y_test = load_digits()
    >>> x_train.shape, x_test.shape, y_train.dtype
    ((1438, 1, 8, 8), (359, 1, 8, 8), dtype('int64'))
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction}")
    with resources.files(__package__).joinpath("digits.npz").open("rb") as file:
        digits = np.load(file, allow_pickle=False)
        raw_images, raw_labels = digits["images"], digits["labels"]  # uint8: 0..16 and 0..9
    images = (raw_images / 16.0).astype(np.float32)[:, None]  # (N, 8, 8) -> (N, 1, 8, 8)
    labels = raw_labels.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = round(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return Tensor(images[train]), Tensor(labels[train]), Tensor(images[test]), Tensor(labels[test])


def _stroke_templates() -> np.ndarray:
    """The noise-free 3x3 strokes: vertical, horizontal, diagonal, anti-diagonal."""
    vertical = np.zeros((3, 3))
    vertical[:, 1] = 1
    horizontal = vertical.T.copy()
    diagonal = np.eye(3)
    anti_diagonal = np.fliplr(np.eye(3))
    return np.stack([vertical, horizontal, diagonal, anti_diagonal])  # (4, 3, 3)


def pixel_patterns(
    n_per_class: int = 20, noise: float = 0.1, seed: int = 0
) -> tuple[Tensor, Tensor]:
    """Noisy 3x3 images of a vertical, a horizontal or a diagonal stroke.

    Class 0 is the middle column lit, class 1 the middle row, class 2 either
    diagonal; Gaussian noise of standard deviation `noise` is added and the
    pixels are clipped to [0, 1]. The classes are linearly separable (for
    moderate noise), so a 9-input, 3-output linear softmax classifier can
    learn them perfectly. Returns `(x, y)`: x of shape (3 * n_per_class, 1, 3, 3),
    float32, and int64 labels, in a shuffled order fixed by `seed`.

    Examples
    --------
    >>> x, y = pixel_patterns(n_per_class=2, noise=0.0)
    >>> x.shape, sorted(y.tolist())
    ((6, 1, 3, 3), [0, 0, 1, 1, 2, 2])
    """
    if not isinstance(n_per_class, (int, np.integer)) or n_per_class <= 0:
        raise ValueError(f"pixel_patterns: n_per_class must be a positive int, got {n_per_class!r}")
    if noise < 0:
        raise ValueError(f"pixel_patterns: noise must be non-negative, got {noise}")
    rng = np.random.default_rng(seed)
    templates = _stroke_templates()
    labels = np.repeat(np.arange(3), n_per_class)
    # Template index = label, except that a diagonal example picks template 2 or 3.
    which = np.where(labels == 2, 2 + rng.integers(0, 2, labels.size), labels)
    images = templates[which] + noise * rng.standard_normal((labels.size, 3, 3))
    order = rng.permutation(labels.size)
    x = np.clip(images[order], 0.0, 1.0).astype(np.float32)[:, None]  # (N, 3, 3) -> (N, 1, 3, 3)
    return Tensor(x), Tensor(labels[order].astype(np.int64))
