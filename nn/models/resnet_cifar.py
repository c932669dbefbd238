"""The CIFAR-10 ResNets of He et al. (2015), section 4.2: `resnet_cifar(depth)` for depth
6n + 2 (8, 20, 32, 44, 56, 110), for 32x32 images and, with `in_channels=1`, 8x8 digits.

A 3x3 convolution to 16 channels, three stages of n `BasicBlock`s 16, 32
and 64 wide (the 2nd and 3rd halve the resolution), global average pooling
and a linear classifier. The shortcuts that change shape are the paper's
option A: parameter-free, the input subsampled by 2 and padded with zero
channels, so resnet20 has the paper's 0.27M parameters (269,722 with 10
classes). The names follow torchvision's ResNet (conv1, bn1, layer1.0.conv1, ..., fc).
"""

from __future__ import annotations

from typing import cast

import autograd_core as ag
from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
from ..containers import Sequential
from ..layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Linear, ReLU
from ..module import Module
from .resnet import BasicBlock, init_resnet


class PaddedShortcut(Module):
    """Option A shortcut: every `stride`-th pixel, and `extra` zero channels split between
    the front and the back (no parameters).

    Examples
    --------
    >>> import autograd_core as ag
    >>> PaddedShortcut(16, 2)(ag.ones((1, 16, 8, 8))).shape
    (1, 32, 4, 4)
    """

    def __init__(self, extra: int, stride: int) -> None:
        super().__init__()
        self.extra, self.stride = extra, stride

    def forward(self, x: Tensor) -> Tensor:
        # (N, C, H, W) -> (N, C, H/s, W/s): every s-th pixel (a 1x1 max pool with stride s,
        # which exports to ONNX, as slicing does not)
        x = cast(Tensor, F.max_pool2d(x, 1, stride=self.stride))
        front = self.extra // 2
        # (N, C, H/s, W/s) -> (N, C + extra, H/s, W/s)
        return ag.pad(x, ((0, 0), (front, self.extra - front), (0, 0), (0, 0)))

    def extra_repr(self) -> str:
        return f"extra={self.extra}, stride={self.stride}"


class CifarResNet(Module):
    """He et al.'s CIFAR ResNet (see the module docstring); build it with `resnet_cifar`."""

    def __init__(
        self,
        blocks_per_stage: int,
        num_classes: int = 10,
        in_channels: int = 3,
        zero_init_residual: bool = False,
    ) -> None:
        super().__init__()
        self.conv1 = Conv2d(in_channels, 16, 3, padding=1, bias=False)
        self.bn1 = BatchNorm2d(16)
        self.relu = ReLU()
        self.inplanes = 16
        self.layer1 = self._make_layer(16, blocks_per_stage, 1)
        self.layer2 = self._make_layer(32, blocks_per_stage, 2)
        self.layer3 = self._make_layer(64, blocks_per_stage, 2)
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.fc = Linear(64, num_classes)
        init_resnet(self, zero_init_residual)

    def _make_layer(self, planes: int, blocks: int, stride: int) -> Sequential:
        shortcut = None
        if stride != 1 or self.inplanes != planes:
            shortcut = PaddedShortcut(planes - self.inplanes, stride)
        layers = [BasicBlock(self.inplanes, planes, stride, shortcut)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(ag.flatten(self.avgpool(x), 1))


def resnet_cifar(
    depth: int = 20, num_classes: int = 10, in_channels: int = 3, zero_init_residual: bool = False
) -> CifarResNet:
    """He et al.'s CIFAR ResNet of `depth` = 6n + 2 layers (resnet20: 269,722 parameters).

    Examples
    --------
    >>> import autograd_core as ag
    >>> resnet_cifar(8, in_channels=1)(ag.zeros((2, 1, 8, 8))).shape
    (2, 10)
    """
    if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(f"resnet_cifar: depth must be 6n + 2 (8, 20, 32, ...), got {depth!r}")
    return CifarResNet((depth - 2) // 6, num_classes, in_channels, zero_init_residual)
