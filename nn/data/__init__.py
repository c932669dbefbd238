"""nn.data: datasets and the batching `DataLoader`, plus datasets that need no download."""

from .dataset import DataLoader, Dataset, TensorDataset
from .datasets import PIXEL_PATTERN_CLASSES, load_digits, pixel_patterns

__all__ = [
    "Dataset",
    "TensorDataset",
    "DataLoader",
    "load_digits",
    "pixel_patterns",
    "PIXEL_PATTERN_CLASSES",
]
