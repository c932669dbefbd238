"""End to end state_dict compatibility: ResNet-18's weights, loaded with strict=True into a
torchvision-layout ResNet written here from torch.nn primitives, give the same outputs."""

import numpy as np
import pytest

import autograd_core as ag
from nn import models

torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
tnn = torch.nn


class TorchBasicBlock(tnn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = tnn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU()
        self.conv2 = tnn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = tnn.Sequential(
                tnn.Conv2d(inplanes, planes, 1, stride, bias=False), tnn.BatchNorm2d(planes)
            )

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(out + identity)


class TorchResNet18(tnn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = tnn.BatchNorm2d(64)
        self.relu = tnn.ReLU()
        self.maxpool = tnn.MaxPool2d(3, 2, 1)
        widths = [(64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2)]
        for i, (c_in, c_out, stride) in enumerate(widths, start=1):
            blocks = [TorchBasicBlock(c_in, c_out, stride), TorchBasicBlock(c_out, c_out, 1)]
            setattr(self, f"layer{i}", tnn.Sequential(*blocks))
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _check_same_outputs(size):
    ag.manual_seed(0)
    ours = models.resnet18(num_classes=10)
    for name, buffer in ours.named_buffers():  # non-trivial running statistics
        if name.endswith("running_mean"):
            buffer.data[...] = np.random.default_rng(1).normal(0, 0.1, buffer.shape)
        elif name.endswith("running_var"):
            buffer.data[...] = np.random.default_rng(2).uniform(0.5, 1.5, buffer.shape)
    theirs = TorchResNet18(10)
    state = {k: torch.tensor(np.asarray(v.data)) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state, strict=True)
    x = np.random.default_rng(3).standard_normal((1, 3, size, size)).astype(np.float32)
    ours.eval()
    theirs.eval()
    with torch.no_grad():
        expected = theirs(torch.tensor(x)).numpy()
    np.testing.assert_allclose(np.asarray(ours(ag.tensor(x)).data), expected, rtol=1e-3, atol=1e-4)


def test_resnet18_weights_give_torchs_outputs_on_a_small_image():
    _check_same_outputs(48)


@pytest.mark.slow
def test_resnet18_weights_give_torchs_outputs_on_224x224():
    _check_same_outputs(224)
