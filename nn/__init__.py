"""nn: neural-network building blocks on top of autograd_core, with PyTorch's names.

`Module` and `Parameter` hold the weights, `nn.functional` has the
stateless forms, the layers and losses wrap them, and `optim`, `init`,
`data`, `save`/`load` do the rest of a training loop.

>>> import nn, autograd_core as ag
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
>>> model(ag.randn(2, 4)).shape
(2, 3)
"""

from .module import Module, Parameter  # noqa: I001  (Module first)
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from . import data, functional, init, optim
from .layers import (
    BatchNorm1d,
    BatchNorm2d,
    Dropout,
    Flatten,
    Identity,
    ELU,
    GELU,
    SELU,
    Hardtanh,
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyConv1d,
    LazyConv2d,
    LazyLinear,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    ReLU6,
    SiLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .serialization import load, save
from . import onnx

# --- other helpers' imports (conv/pooling/upsample layers, summary): add lines below ---
# isort: split
from .layers import (
    AvgPool2d,
    Conv1d,
    Conv2d,
    ConvTranspose2d,
    Embedding,
    LayerNorm,
    MaxPool2d,
    MaxUnpool2d,
    Upsample,
)
from .summary import Summary, summary

# isort: split
from . import models, ops
from .layers import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    LocalResponseNorm,
)
from .losses import MultiMarginLoss

# --- end of other helpers' imports ---

__all__ = [
    "Module",
    "Parameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ParameterList",
    "ParameterDict",
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
    "CrossEntropyLoss",
    "NLLLoss",
    "MSELoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "L1Loss",
    "SmoothL1Loss",
    "HuberLoss",
    "KLDivLoss",
    "functional",
    "init",
    "optim",
    "data",
    "save",
    "load",
    "onnx",
    "Conv1d",
    "Embedding",
    "LayerNorm",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "AvgPool2d",
    "MaxUnpool2d",
    "Upsample",
    "Summary",
    "summary",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "LocalResponseNorm",
    "MultiMarginLoss",
    "models",
    "ops",
]
