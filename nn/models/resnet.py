"""ResNet after torchvision: `BasicBlock`, `Bottleneck`, `ResNet`, `resnet18`/`34`/`50`.

Layer names, parameter shapes and counts are torchvision's (resnet18 has
11,689,512 parameters with 1000 classes), so a converted torchvision
state_dict loads with `strict=True`. The initialisation is torchvision's:
kaiming normal (fan_out, relu) for the convolutions, ones and zeros for batch
norm, and with `zero_init_residual` the last batch norm of each block starts
at zero, so every block starts as the identity. Built from `nn` layers only.
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
    Identity,
    Linear,
    MaxPool2d,
    ReLU,
)
from ..module import Module


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> Conv2d:
    """3x3 convolution with padding 1 and no bias (batch norm follows)."""
    return Conv2d(in_planes, out_planes, 3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> Conv2d:
    """1x1 convolution without bias: a per-pixel linear map across channels."""
    return Conv2d(in_planes, out_planes, 1, stride=stride, bias=False)


class BasicBlock(Module):
    """Two 3x3 convolutions and a shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + x).

    `downsample` maps x to the block's output shape when the stride or the
    width changes (torchvision's 1x1 convolution and batch norm).

    Examples
    --------
    >>> import autograd_core as ag
    >>> BasicBlock(8, 8)(ag.zeros((1, 8, 5, 5))).shape
    (1, 8, 5, 5)
    """

    expansion = 1

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: Module | None = None
    ) -> None:
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = BatchNorm2d(planes)
        self.relu = ReLU()
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(Module):
    """1x1 (reduce), 3x3 (at `stride`), 1x1 (expand by 4) convolutions and a shortcut, as
    torchvision's ResNet v1.5 (the stride sits on the 3x3 convolution).

    Examples
    --------
    >>> import autograd_core as ag
    >>> Bottleneck(16, 4)(ag.zeros((1, 16, 5, 5))).shape
    (1, 16, 5, 5)
    """

    expansion = 4

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: Module | None = None
    ) -> None:
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = BatchNorm2d(planes * self.expansion)
        self.relu = ReLU()
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(Module):
    """A stem, four stages of residual blocks (64, 128, 256, 512 wide, times the block's
    expansion), global average pooling and a linear classifier, as torchvision's.

    `small_input=True` (not in torchvision) replaces the stem's 7x7 stride-2
    convolution and max pooling with one 3x3 stride-1 convolution, for 32x32
    or 8x8 images that the ImageNet stem would shrink to almost nothing; every
    name stays the same (only conv1.weight's shape changes). `in_channels`
    (also ours) sets the input's channels (1 for grey digits).

    Examples
    --------
    >>> import autograd_core as ag
    >>> model = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10, small_input=True)
    >>> model(ag.zeros((2, 3, 8, 8))).shape
    (2, 10)
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: list[int],
        num_classes: int = 1000,
        zero_init_residual: bool = False,
        small_input: bool = False,
        in_channels: int = 3,
    ) -> None:
        super().__init__()
        if len(layers) != 4 or min(layers) < 1:
            raise ValueError(f"ResNet: layers must be 4 positive block counts, got {layers!r}")
        self.inplanes = 64
        if small_input:
            self.conv1 = Conv2d(in_channels, 64, 3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = BatchNorm2d(64)
        self.relu = ReLU()
        self.maxpool = Identity() if small_input else MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.fc = Linear(512 * block.expansion, num_classes)
        init_resnet(self, zero_init_residual)

    def _make_layer(
        self, block: type[BasicBlock] | type[Bottleneck], planes: int, blocks: int, stride: int = 1
    ) -> Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.avgpool(x)
        return self.fc(ag.flatten(x, 1))


def init_resnet(model: Module, zero_init_residual: bool) -> None:
    """torchvision's ResNet initialisation (see the module docstring)."""
    for module in model.modules():
        if isinstance(module, Conv2d):
            init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(module, BatchNorm2d):
            init.ones_(module.weight)
            init.zeros_(module.bias)
    if zero_init_residual:
        for module in model.modules():
            if isinstance(module, Bottleneck):
                init.zeros_(module.bn3.weight)
            elif isinstance(module, BasicBlock):
                init.zeros_(module.bn2.weight)


def resnet18(num_classes: int = 1000, **kwargs: Any) -> ResNet:
    """ResNet-18: BasicBlocks [2, 2, 2, 2]; 11,689,512 parameters with 1000 classes.

    Keyword arguments go to `ResNet` (`zero_init_residual`, `small_input`, `in_channels`).

    Examples
    --------
    >>> import math
    >>> sum(math.prod(p.shape) for p in resnet18().parameters())
    11689512
    """
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes, **kwargs)


def resnet34(num_classes: int = 1000, **kwargs: Any) -> ResNet:
    """ResNet-34: BasicBlocks [3, 4, 6, 3]; 21,797,672 parameters with 1000 classes."""
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes, **kwargs)


def resnet50(num_classes: int = 1000, **kwargs: Any) -> ResNet:
    """ResNet-50: Bottlenecks [3, 4, 6, 3]; 25,557,032 parameters with 1000 classes."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes=num_classes, **kwargs)
