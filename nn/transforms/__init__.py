"""nn.transforms: data augmentation after torchvision.transforms.v2, on (..., C, H, W) images.

Transforms take a Tensor or numpy array of shape (C, H, W) or (N, C, H, W)
(float in [0, 1] for the colour ones) and return the same kind. Random
parameters are drawn at call time from the global generator (`ag.manual_seed`),
once per call: a batch gets the same draw for all its images, as torchvision
v2 does. They pickle, so they work as a dataset's `transform=` inside
DataLoader workers. The functions are in `nn.transforms.functional`.
"""

from . import functional
from .base import Compose, RandomApply, ToDtype, ToImage, ToTensor, Transform
from .functional import InterpolationMode
from .geometry import (
    CenterCrop,
    RandomCrop,
    RandomHorizontalFlip,
    RandomResizedCrop,
    RandomVerticalFlip,
    Resize,
)  # fmt: skip
from .photometric import ColorJitter, Normalize, RandomErasing

__all__ = [
    "Transform", "Compose", "RandomApply", "ToImage", "ToDtype", "ToTensor", "InterpolationMode",
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop", "RandomResizedCrop", "Resize",
    "CenterCrop", "ColorJitter", "Normalize", "RandomErasing", "functional",
]  # fmt: skip
