"""Model workloads: a ResNet-18 training step on CIFAR-sized images, and the memory a graph
keeps after its backward.

`resnet18_step` is torchvision's ResNet-18 with the CIFAR stem (a 3x3
stride-1 first convolution, no max pool: `nn.models.resnet18(small_input=True)`),
10 classes, on a batch of 3x32x32 float32 images: forward in training mode
(batch norm on batch statistics), cross-entropy, backward, SGD. PyTorch
runs the same network, defined below with torchvision's layer names (so the
engine's state_dict loads into it), from the same weights. There is no
hand-written numpy floor for a network of this size: PyTorch is the floor.

`kept_graph` measures what a graph holds once its backward is done: each of
20 LeNet-5 training steps (batch 64) keeps its loss tensor, and with it the
graph that made the loss, alive; the RSS still held after the 20 steps,
per step, is the cost of one kept graph. PyTorch frees the values it saved
for backward and keeps only its nodes; the numpy floor keeps nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.nn_workloads import (
    ag_lenet_model,
    ag_step,
    ag_training_step,
    classification_batch,
    numpy_lenet,
    torch_lenet_model,
    torch_step,
    torch_training_step,
)
from benchmarks.workload import Target, Workload, register

# ------------------------------------------------------------- 1. ResNet-18 step

RESNET = register(
    Workload(
        "resnet18_step",
        "ResNet-18, CIFAR stem, 3x32x32 float32: forward, cross-entropy, backward, SGD",
        floor="torch",
        sizes=(32,),
        test_size=2,
        slow_smoke_test=True,  # 11M parameters: set-up and two steps take seconds
        size_label="batch",
        warmup=1,
        min_repeats=3,
        budget_s=8.0,
        rtol=2e-3,
        atol=1e-4,
        targets=(Target("torch", 2.5),),
    )
)


def _as_numpy(value: Any) -> np.ndarray:
    return np.array(value.detach().numpy() if hasattr(value, "detach") else value)


def _ag_resnet(batch: int) -> tuple[Any, dict[str, np.ndarray]]:
    """The engine's ResNet-18 (seeded) and its state_dict as numpy arrays."""
    import autograd_core as ag
    import nn

    ag.manual_seed(0)
    model = nn.models.resnet18(num_classes=10, small_input=True)
    return model, {k: _as_numpy(v) for k, v in model.state_dict().items()}


def _images(batch: int) -> tuple[np.ndarray, np.ndarray]:
    return classification_batch(batch, (3, 32, 32), seed=4)


@RESNET.variant("autograd_core")
def _resnet_autograd_core(batch: int) -> Any:
    import autograd_core as ag

    model, _ = _ag_resnet(batch)
    x, y = (ag.Tensor(a) for a in _images(batch))
    return ag_step(model, x, y)


def torch_resnet18(num_classes: int = 10) -> Any:
    """torchvision's ResNet-18 with the CIFAR stem, in plain torch.nn (torchvision may be
    missing), with torchvision's parameter names."""
    import torch

    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, inplanes: int, planes: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU()
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)
                )

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + identity)

    class ResNet18(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU()
            widths = [(64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2)]
            for i, (inplanes, planes, stride) in enumerate(widths, 1):
                stage = nn.Sequential(Block(inplanes, planes, stride), Block(planes, planes, 1))
                setattr(self, f"layer{i}", stage)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512, num_classes)

        def forward(self, x):
            x = self.relu(self.bn1(self.conv1(x)))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    return ResNet18()


@RESNET.variant("torch", requires="torch")
def _resnet_torch(batch: int) -> Any:
    import torch

    _, state = _ag_resnet(batch)  # the same initial weights as the engine's variant
    model = torch_resnet18()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    x, y = (torch.from_numpy(a) for a in _images(batch))
    return torch_step(model, x, y)


# ------------------------------------------------------- 2. the kept graph's memory

KEPT = register(
    Workload(
        "kept_graph",
        "RSS held per LeNet-5 step (batch 64) whose loss, and so its graph, stays alive",
        sizes=(64,),
        test_size=3,
        size_label="batch",
        mode="memory",
        memory_steps=20,
        rtol=1e-4,
        atol=1e-6,
    )
)


def _keeping(step: Any, losses: list[Any]) -> Any:
    """A step that trains and then keeps its loss tensor in `losses`; one step is run first,
    so the gradients and the optimizer's state exist before the measurement."""

    def kept_step():
        loss = step()
        losses.append(loss)
        return loss.item()

    kept_step()
    losses.clear()
    return kept_step


@KEPT.variant("numpy")
def _kept_numpy(batch: int) -> Any:
    step = numpy_lenet(batch)  # no graph: nothing is kept
    step()  # the first step, as the other variants run it in their set-up
    return step


@KEPT.variant("autograd_core")
def _kept_autograd_core(batch: int) -> Any:
    import autograd_core as ag

    model = ag_lenet_model()
    x, y = (ag.Tensor(a) for a in classification_batch(batch, (1, 28, 28)))
    return _keeping(ag_training_step(model, x, y), [])


@KEPT.variant("torch", requires="torch")
def _kept_torch(batch: int) -> Any:
    import torch

    model = torch_lenet_model()
    x, y = (torch.from_numpy(a) for a in classification_batch(batch, (1, 28, 28)))
    return _keeping(torch_training_step(model, x, y), [])
