"""GoogLeNet (Inception v1) after torchvision: `googlenet`, `Inception`, `InceptionAux`.

Every convolution is a `BasicConv2d` (conv without bias, batch norm with
eps 0.001, ReLU). An `Inception` block runs four branches side by side and
concatenates them along the channels: a 1x1 convolution; 1x1 then 3x3; 1x1
then another 3x3 (torchvision's, where the paper has 5x5); 3x3 max pool
then 1x1. The 1x1 convolutions before the wide ones are the bottlenecks
that keep the block cheap. Names, shapes and counts are torchvision's
(6,624,904 parameters without the auxiliary heads, 13,004,888 with them).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import autograd_core as ag
from autograd_core import Tensor

from .. import functional as F  # noqa: N812 (PyTorch's idiom)
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


class GoogLeNetOutputs(NamedTuple):
    """What GoogLeNet returns in training mode with auxiliary heads: the logits of the main
    head and of the two auxiliary ones."""

    logits: Tensor
    aux_logits2: Tensor | None
    aux_logits1: Tensor | None


class BasicConv2d(Module):
    """relu(bn(conv(x))), the convolution without bias (keyword arguments go to `Conv2d`).

    Examples
    --------
    >>> import autograd_core as ag
    >>> BasicConv2d(3, 8, kernel_size=3, padding=1)(ag.zeros((1, 3, 5, 5))).shape
    (1, 8, 5, 5)
    """

    def __init__(self, in_channels: int, out_channels: int, **kwargs: Any) -> None:
        super().__init__()
        self.conv = Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = BatchNorm2d(out_channels, eps=0.001)
        self.relu = ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.relu(self.bn(self.conv(x)))


class Inception(Module):
    """Four branches concatenated along the channels: ch1x1 + ch3x3 + ch5x5 + pool_proj wide.

    Examples
    --------
    >>> import autograd_core as ag
    >>> Inception(8, 4, 2, 4, 2, 4, 4)(ag.zeros((1, 8, 5, 5))).shape
    (1, 16, 5, 5)
    """

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        # NOTE: 3x3 where the paper has 5x5, as torchvision's (its weights were trained so)
        self.branch3 = Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1),
            BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1),
        )
        self.branch4 = Sequential(
            MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return ag.concatenate(branches, axis=1)  # 4 x (N, c_i, H, W) -> (N, sum c_i, H, W)


class InceptionAux(Module):
    """An auxiliary classifier: 4x4 adaptive average pool, 1x1 conv to 128, fc 2048 -> 1024
    with ReLU and dropout, fc to the classes."""

    def __init__(self, in_channels: int, num_classes: int, dropout: float = 0.7) -> None:
        super().__init__()
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1)
        self.fc1 = Linear(2048, 1024)
        self.fc2 = Linear(1024, num_classes)
        self.dropout = Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv(F.adaptive_avg_pool2d(x, (4, 4)))  # (N, C, H, W) -> (N, 128, 4, 4)
        x = F.relu(self.fc1(ag.flatten(x, 1)))
        return self.fc2(self.dropout(x))


class GoogLeNet(Module):
    """The stem, nine Inception blocks between max pools, global average pooling, dropout and
    a linear classifier, as torchvision's.

    With `aux_logits` (off by default here) the two auxiliary heads exist and,
    in training mode, the forward returns `GoogLeNetOutputs`; otherwise the
    logits. `transform_input` maps images normalised with ImageNet's mean and
    std to the (x - 0.5) / 0.5 normalisation the original weights expect.

    Examples
    --------
    >>> import autograd_core as ag
    >>> GoogLeNet(num_classes=10).eval()(ag.zeros((1, 3, 32, 32))).shape
    (1, 10)
    """

    def __init__(
        self,
        num_classes: int = 1000,
        aux_logits: bool = False,
        transform_input: bool = False,
        init_weights: bool = True,
        dropout: float = 0.2,
        dropout_aux: float = 0.7,
    ) -> None:
        super().__init__()
        self.aux_logits, self.transform_input = aux_logits, transform_input
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.aux1 = InceptionAux(512, num_classes, dropout_aux) if aux_logits else None
        self.aux2 = InceptionAux(528, num_classes, dropout_aux) if aux_logits else None
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.dropout = Dropout(dropout)
        self.fc = Linear(1024, num_classes)
        if init_weights:
            for module in self.modules():
                if isinstance(module, (Conv2d, Linear)):
                    init.trunc_normal_(module.weight, mean=0.0, std=0.01, a=-2, b=2)
                elif isinstance(module, BatchNorm2d):
                    init.ones_(module.weight)
                    init.zeros_(module.bias)

    def _transform_input(self, x: Tensor) -> Tensor:
        # per channel: x * std / 0.5 + (mean - 0.5) / 0.5, with ImageNet's mean and std
        std, mean = (0.229, 0.224, 0.225), (0.485, 0.456, 0.406)
        scale = ag.tensor([s / 0.5 for s in std], dtype=x.dtype).reshape(1, 3, 1, 1)
        shift = ag.tensor([(m - 0.5) / 0.5 for m in mean], dtype=x.dtype).reshape(1, 3, 1, 1)
        return x * scale + shift

    def forward(self, x: Tensor) -> Any:
        if self.transform_input:
            x = self._transform_input(x)
        x = self.maxpool1(self.conv1(x))  # (N, 3, 224, 224) -> (N, 64, 56, 56)
        x = self.maxpool2(self.conv3(self.conv2(x)))  # -> (N, 192, 28, 28)
        x = self.maxpool3(self.inception3b(self.inception3a(x)))  # -> (N, 480, 14, 14)
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.maxpool4(self.inception4e(x))  # -> (N, 832, 7, 7)
        x = self.inception5b(self.inception5a(x))  # -> (N, 1024, 7, 7)
        x = self.fc(self.dropout(ag.flatten(self.avgpool(x), 1)))
        if self.aux_logits and self.training:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


def googlenet(num_classes: int = 1000, **kwargs: Any) -> GoogLeNet:
    """GoogLeNet as torchvision's, without auxiliary heads by default: 6,624,904 parameters.

    Examples
    --------
    >>> googlenet().inception3a.branch1.conv.weight.shape
    (64, 192, 1, 1)
    """
    return GoogLeNet(num_classes=num_classes, **kwargs)
