"""nn.layers: the layer classes; each holds Parameters and calls one `nn.functional` function.

`nn` re-exports every name listed here.
"""

from .activation import (
    ELU,
    GELU,
    SELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from .dropout import Dropout
from .flatten import Flatten
from .lazy import LazyBatchNorm1d, LazyBatchNorm2d, LazyConv1d, LazyConv2d, LazyLinear
from .linear import Identity, Linear
from .normalization import BatchNorm1d, BatchNorm2d

# --- other helpers' imports (conv, pooling, upsample layers): add lines below ---
# isort: split
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import AvgPool2d, MaxPool2d, MaxUnpool2d
from .sparse import Embedding
from .upsample import Upsample

# isort: split
from .normalization import LayerNorm, LocalResponseNorm
from .pooling import AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d

# --- end of other helpers' imports ---

__all__ = [
    "Linear",
    "Identity",
    "LazyLinear",
    "LazyConv1d",
    "LazyConv2d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "Flatten",
    "Dropout",
    "BatchNorm1d",
    "BatchNorm2d",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "GELU",
    "ELU",
    "SELU",
    "SiLU",
    "Softplus",
    "Hardtanh",
    "ReLU6",
    "Conv1d",
    "Embedding",
    "LayerNorm",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "AvgPool2d",
    "MaxUnpool2d",
    "Upsample",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "LocalResponseNorm",
]
