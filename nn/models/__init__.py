"""nn.models: the architectures of a vision course, after torchvision.models.

Classification: `lenet5`, `alexnet`, `vgg11`/`13`/`16`/`19` (and `_bn`),
`googlenet`, `resnet18`/`34`/`50` with torchvision's layer names, parameter
shapes and counts (so converted torchvision weights load with
`strict=True`), each taking `num_classes=`; `resnet_cifar(depth)`, He et
al.'s CIFAR ResNets, for 32x32 images and 8x8 digits. Segmentation: `fcn`
and `unet`.

>>> import nn, autograd_core as ag
>>> nn.models.resnet_cifar(depth=8, in_channels=1)(ag.zeros((4, 1, 8, 8))).shape
(4, 10)
"""

from .alexnet import AlexNet, LeNet5, alexnet, lenet5
from .googlenet import BasicConv2d, GoogLeNet, GoogLeNetOutputs, Inception, InceptionAux, googlenet
from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50
from .resnet_cifar import CifarResNet, resnet_cifar
from .segmentation import FCN, UNet, fcn, unet
from .vgg import (
    VGG,
    vgg11,
    vgg11_bn,
    vgg13,
    vgg13_bn,
    vgg16,
    vgg16_bn,
    vgg19,
    vgg19_bn,
)

__all__ = [
    "lenet5",
    "alexnet",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
    "googlenet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet_cifar",
    "fcn",
    "unet",
    "LeNet5",
    "AlexNet",
    "VGG",
    "GoogLeNet",
    "GoogLeNetOutputs",
    "BasicConv2d",
    "Inception",
    "InceptionAux",
    "ResNet",
    "BasicBlock",
    "Bottleneck",
    "CifarResNet",
    "FCN",
    "UNet",
]
