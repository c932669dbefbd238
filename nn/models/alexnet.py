"""AlexNet after torchvision (`alexnet`), and LeNet-5 (`lenet5`), the two classics.

AlexNet's names, shapes and count are torchvision's (61,100,840 parameters
with 1000 classes), which follows the one-GPU variant of "One weird trick"
(64, 192, 384, 256, 256 channels) and has no local response normalisation;
`nn.LocalResponseNorm` is there for the original's. LeNet-5 has the
layout of PyTorch's tutorial (conv1, conv2, fc1, fc2, fc3: 61,706
parameters with 10 classes), with ReLU and max pooling.
"""

from __future__ import annotations

import autograd_core as ag
from autograd_core import Tensor

from ..containers import Sequential
from ..layers import AdaptiveAvgPool2d, Conv2d, Dropout, Linear, MaxPool2d, ReLU
from ..module import Module


class AlexNet(Module):
    """Five convolutions with max pooling (`features`), a 6x6 adaptive average pool and three
    linear layers with dropout (`classifier`), for 224x224 images."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = Sequential(
            Conv2d(3, 64, 11, stride=4, padding=2),
            ReLU(),
            MaxPool2d(3, stride=2),
            Conv2d(64, 192, 5, padding=2),
            ReLU(),
            MaxPool2d(3, stride=2),
            Conv2d(192, 384, 3, padding=1),
            ReLU(),
            Conv2d(384, 256, 3, padding=1),
            ReLU(),
            Conv2d(256, 256, 3, padding=1),
            ReLU(),
            MaxPool2d(3, stride=2),
        )
        self.avgpool = AdaptiveAvgPool2d((6, 6))
        self.classifier = Sequential(
            Dropout(dropout),
            Linear(256 * 6 * 6, 4096),
            ReLU(),
            Dropout(dropout),
            Linear(4096, 4096),
            ReLU(),
            Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(ag.flatten(x, 1))


def alexnet(num_classes: int = 1000, **kwargs: float) -> AlexNet:
    """AlexNet as torchvision's: 61,100,840 parameters with 1000 classes (the full-size model
    takes seconds to build here: its classifier holds 58.6 million of them)."""
    return AlexNet(num_classes=num_classes, **kwargs)


class LeNet5(Module):
    """conv 5x5 (6) - ReLU - max pool 2 - conv 5x5 (16) - ReLU - max pool 2 - fc 120 - fc 84 - fc,
    for 1x28x28 images (`padding=2` on conv1 makes them the original 32x32)."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = Conv2d(in_channels, 6, 5, padding=2)
        self.conv2 = Conv2d(6, 16, 5)
        self.pool = MaxPool2d(2)
        self.relu = ReLU()
        self.fc1 = Linear(16 * 5 * 5, 120)
        self.fc2 = Linear(120, 84)
        self.fc3 = Linear(84, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(self.relu(self.conv1(x)))  # (N, 1, 28, 28) -> (N, 6, 14, 14)
        x = self.pool(self.relu(self.conv2(x)))  # -> (N, 16, 5, 5)
        x = ag.flatten(x, 1)  # -> (N, 400)
        return self.fc3(self.relu(self.fc2(self.relu(self.fc1(x)))))


def lenet5(num_classes: int = 10, in_channels: int = 1) -> LeNet5:
    """LeNet-5 for (N, in_channels, 28, 28) images: 61,706 parameters with 10 classes.

    Examples
    --------
    >>> import autograd_core as ag
    >>> lenet5()(ag.zeros((2, 1, 28, 28))).shape
    (2, 10)
    """
    return LeNet5(num_classes, in_channels)
