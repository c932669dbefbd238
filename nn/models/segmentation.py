"""Small networks for semantic segmentation: `fcn` (fully convolutional, transposed-convolution
up-sampling) and `unet` (encoder-decoder with skip connections). Both return per-pixel class
scores (N, num_classes, H, W) for (N, in_channels, H, W) images.

These are the lectures' architectures at a size that trains here in
seconds, not torchvision's (its `fcn_resnet50` has a ResNet-50 backbone and
returns a dict); the convolutions are padded, so the output has the input's
size (the original U-Net's unpadded ones shrink it). Built from `nn` layers.
"""

from __future__ import annotations

import numpy as np

import autograd_core as ag
from autograd_core import Tensor

from .. import init
from ..containers import ModuleList, Sequential
from ..layers import BatchNorm2d, Conv2d, ConvTranspose2d, MaxPool2d, ReLU
from ..module import Module, Parameter


def double_conv(in_channels: int, out_channels: int) -> Sequential:
    """(3x3 conv without bias, batch norm, ReLU) twice; keeps H and W.

    Examples
    --------
    >>> import autograd_core as ag
    >>> double_conv(3, 8)(ag.zeros((1, 3, 6, 6))).shape
    (1, 8, 6, 6)
    """
    return Sequential(
        Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        BatchNorm2d(out_channels),
        ReLU(),
        Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
        BatchNorm2d(out_channels),
        ReLU(),
    )


def bilinear_kernel(channels: int, kernel_size: int) -> np.ndarray:
    """(channels, channels, k, k) weights that make a ConvTranspose2d bilinear up-sampling,
    channel by channel (FCN's initialisation of its up-sampling layers).

    Examples
    --------
    >>> bilinear_kernel(1, 4)[0, 0, 0]
    array([0.0625, 0.1875, 0.1875, 0.0625])
    """
    factor = (kernel_size + 1) // 2
    centre = factor - 1 if kernel_size % 2 == 1 else factor - 0.5
    taps = 1 - np.abs(np.arange(kernel_size) - centre) / factor
    weight = np.zeros((channels, channels, kernel_size, kernel_size))
    weight[np.arange(channels), np.arange(channels)] = np.outer(taps, taps)
    return weight


class FCN(Module):
    """`backbone` (two double-conv stages, each followed by a 2x2 max pool: H/4), a 1x1
    `classifier` to class scores and one `upsample` ConvTranspose2d (kernel 8, stride 4,
    initialised bilinear) back to H x W, as FCN-32s does at its scale."""

    def __init__(self, in_channels: int = 3, num_classes: int = 2, base_channels: int = 16) -> None:
        super().__init__()
        c = base_channels
        self.backbone = Sequential(
            double_conv(in_channels, c), MaxPool2d(2), double_conv(c, 2 * c), MaxPool2d(2)
        )
        self.classifier = Conv2d(2 * c, num_classes, 1)
        self.upsample = ConvTranspose2d(num_classes, num_classes, 8, stride=4, padding=2)
        dtype = self.upsample.weight.dtype
        self.upsample.weight = Parameter(bilinear_kernel(num_classes, 8).astype(dtype))
        init.zeros_(self.upsample.bias)

    def forward(self, x: Tensor) -> Tensor:
        _check_divisible(x, 4, "FCN")
        return self.upsample(self.classifier(self.backbone(x)))


def fcn(in_channels: int = 3, num_classes: int = 2, base_channels: int = 16) -> FCN:
    """A small FCN for images whose sides are multiples of 4.

    Examples
    --------
    >>> import autograd_core as ag
    >>> fcn(num_classes=4)(ag.zeros((2, 3, 16, 12))).shape
    (2, 4, 16, 12)
    """
    return FCN(in_channels, num_classes, base_channels)


class UNet(Module):
    """U-Net: `depth` encoder stages (double conv, then 2x2 max pool), a `bottleneck` double
    conv, and `depth` decoder stages, each a 2x2 stride-2 ConvTranspose2d (`upsamplers`)
    whose output is concatenated with the encoder's output of the same size (the skip
    connection) before a double conv (`decoders`); a 1x1 `head` gives the class scores.
    Stage i is base_channels * 2**i wide."""

    def __init__(
        self, in_channels: int = 3, num_classes: int = 2, base_channels: int = 16, depth: int = 4
    ) -> None:
        super().__init__()
        if depth < 1:
            raise ValueError(f"UNet: depth must be at least 1, got {depth!r}")
        widths = [base_channels * 2**i for i in range(depth + 1)]
        self.depth = depth
        self.encoders = ModuleList(
            [double_conv(c_in, c_out) for c_in, c_out in zip([in_channels, *widths], widths[:-1])]
        )
        self.pool = MaxPool2d(2)
        self.bottleneck = double_conv(widths[-2], widths[-1])
        self.upsamplers = ModuleList(
            [ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in reversed(range(depth))]
        )
        self.decoders = ModuleList(
            [double_conv(2 * widths[i], widths[i]) for i in reversed(range(depth))]
        )
        self.head = Conv2d(widths[0], num_classes, 1)

    def forward(self, x: Tensor) -> Tensor:
        _check_divisible(x, 2**self.depth, "UNet")
        skips = []
        for encoder in self.encoders:
            x = encoder(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for upsample, decoder, skip in zip(self.upsamplers, self.decoders, reversed(skips)):
            # (N, 2c, H/2, W/2) -> (N, c, H, W), beside the skip's (N, c, H, W) -> (N, 2c, H, W)
            x = decoder(ag.concatenate([skip, upsample(x)], axis=1))
        return self.head(x)


def unet(
    in_channels: int = 3, num_classes: int = 2, base_channels: int = 16, depth: int = 4
) -> UNet:
    """A U-Net for images whose sides are multiples of 2**depth.

    Examples
    --------
    >>> import autograd_core as ag
    >>> unet(in_channels=1, num_classes=3, base_channels=4, depth=2)(ag.zeros((1, 1, 8, 8))).shape
    (1, 3, 8, 8)
    """
    return UNet(in_channels, num_classes, base_channels, depth)


def _check_divisible(x: Tensor, factor: int, name: str) -> None:
    if x.ndim != 4 or x.shape[2] % factor or x.shape[3] % factor:
        raise ValueError(
            f"{name}: expected an (N, C, H, W) input with H and W multiples of {factor}, "
            f"got shape {tuple(x.shape)}"
        )
