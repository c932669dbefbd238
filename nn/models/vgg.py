"""VGG after torchvision: `vgg11`, `vgg13`, `vgg16`, `vgg19` and their `_bn` forms.

`features` stacks 3x3 convolutions (padding 1, each followed by ReLU, or by
batch norm and ReLU in the `_bn` forms) and 2x2 max pools, `avgpool` is an
adaptive average pool to 7x7 and `classifier` three linear layers with
dropout. Names, shapes and counts are torchvision's (vgg16: 138,357,544
parameters with 1000 classes, 123,642,856 of them in the classifier); so
is the initialisation (kaiming normal fan_out for convolutions, N(0, 0.01)
for linear weights, zero biases).
"""

from __future__ import annotations

from typing import Any

import autograd_core as ag
from autograd_core import Tensor

from .. import init
from ..containers import Sequential
from ..layers import (
    AdaptiveAvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Linear,
    MaxPool2d,
    ReLU,
)
from ..module import Module

# the convolution widths of each configuration; "M" is a 2x2 max pool
CONFIGS: dict[str, list[Any]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
          512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}  # fmt: skip


def make_layers(config: list[Any], batch_norm: bool = False, in_channels: int = 3) -> Sequential:
    """The `features` of a VGG configuration: conv(-bn)-relu for each width, a max pool per "M".

    Examples
    --------
    >>> make_layers([8, "M"])
    Sequential(
      (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
      (1): ReLU()
      (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    )
    """
    layers: list[Module] = []
    for entry in config:
        if entry == "M":
            layers.append(MaxPool2d(2, stride=2))
            continue
        layers.append(Conv2d(in_channels, entry, 3, padding=1))
        if batch_norm:
            layers.append(BatchNorm2d(entry))
        layers.append(ReLU())
        in_channels = entry
    return Sequential(*layers)


class VGG(Module):
    """`features`, a 7x7 adaptive average pool and the three-layer `classifier`, as torchvision's;
    `hidden` (ours) narrows the classifier's 4096-wide layers for small experiments.

    Examples
    --------
    >>> import autograd_core as ag
    >>> VGG(make_layers([8, "M"]), num_classes=3, hidden=16)(ag.zeros((1, 3, 4, 4))).shape
    (1, 3)
    """

    def __init__(
        self,
        features: Module,
        num_classes: int = 1000,
        init_weights: bool = True,
        dropout: float = 0.5,
        hidden: int = 4096,
    ) -> None:
        super().__init__()
        widths = [m.out_channels for m in features.modules() if isinstance(m, Conv2d)]
        self.features = features
        self.avgpool = AdaptiveAvgPool2d((7, 7))
        self.classifier = Sequential(
            Linear(widths[-1] * 7 * 7, hidden),
            ReLU(),
            Dropout(dropout),
            Linear(hidden, hidden),
            ReLU(),
            Dropout(dropout),
            Linear(hidden, num_classes),
        )
        if init_weights:
            for module in self.modules():
                if isinstance(module, Conv2d):
                    init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                    if module.bias is not None:
                        init.zeros_(module.bias)
                elif isinstance(module, BatchNorm2d):
                    init.ones_(module.weight)
                    init.zeros_(module.bias)
                elif isinstance(module, Linear):
                    init.normal_(module.weight, 0.0, 0.01)
                    init.zeros_(module.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(ag.flatten(x, 1))


def _vgg(config: str, batch_norm: bool, num_classes: int, kwargs: dict[str, Any]) -> VGG:
    in_channels = kwargs.pop("in_channels", 3)
    return VGG(make_layers(CONFIGS[config], batch_norm, in_channels), num_classes, **kwargs)


def vgg11(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-11 (configuration A): 132,863,336 parameters with 1000 classes."""
    return _vgg("A", False, num_classes, kwargs)


def vgg11_bn(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-11 with batch norm after every convolution: 132,868,840 parameters."""
    return _vgg("A", True, num_classes, kwargs)


def vgg13(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-13 (configuration B): 133,047,848 parameters with 1000 classes."""
    return _vgg("B", False, num_classes, kwargs)


def vgg13_bn(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-13 with batch norm after every convolution: 133,053,736 parameters."""
    return _vgg("B", True, num_classes, kwargs)


def vgg16(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-16 (configuration D): 138,357,544 parameters with 1000 classes.

    Examples
    --------
    >>> [width for width in CONFIGS["D"] if width != "M"][:4]  # its first convolutions' widths
    [64, 64, 128, 128]
    """
    return _vgg("D", False, num_classes, kwargs)


def vgg16_bn(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-16 with batch norm after every convolution: 138,365,992 parameters."""
    return _vgg("D", True, num_classes, kwargs)


def vgg19(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-19 (configuration E): 143,667,240 parameters with 1000 classes."""
    return _vgg("E", False, num_classes, kwargs)


def vgg19_bn(num_classes: int = 1000, **kwargs: Any) -> VGG:
    """VGG-19 with batch norm after every convolution: 143,678,248 parameters."""
    return _vgg("E", True, num_classes, kwargs)
