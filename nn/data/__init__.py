"""nn.data: datasets, samplers and the `DataLoader`, as `torch.utils.data`, plus datasets
that need no download."""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .datasets import PIXEL_PATTERN_CLASSES, load_digits, pixel_patterns
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler
from .shapes import SyntheticShapes
from .worker import WorkerInfo, get_worker_info

__all__ = [
    "Dataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "random_split",
    "DataLoader",
    "default_collate",
    "default_convert",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "BatchSampler",
    "get_worker_info",
    "WorkerInfo",
    "SyntheticShapes",
    "load_digits",
    "pixel_patterns",
    "PIXEL_PATTERN_CLASSES",
]
