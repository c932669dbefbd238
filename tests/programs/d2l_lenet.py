"""A textbook's CNN chapter (LeNet, as Dive into Deep Learning builds it): nn.Sequential with
Sigmoid and AvgPool2d, the layer-by-layer shape walk, Xavier init through Module.apply, and
a training loop with accuracy."""

import numpy as np
import torch
from torch import nn

net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2),
    nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5),
    nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120),
    nn.Sigmoid(),
    nn.Linear(120, 84),
    nn.Sigmoid(),
    nn.Linear(84, 10),
)

X = torch.zeros(size=(1, 1, 28, 28), dtype=torch.float32)
shapes = []
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, "output shape: \t", X.shape)
    shapes.append(list(X.shape))


def init_weights(m):
    if type(m) == nn.Linear or type(m) == nn.Conv2d:
        nn.init.constant_(m.weight, 0.01)
        nn.init.zeros_(m.bias)


net.apply(init_weights)
rng = np.random.default_rng(0)
labels = rng.integers(0, 10, 32)
images = labels[:, None, None, None] / 10 + 0.1 * rng.standard_normal((32, 1, 28, 28))
X, y = torch.tensor(images, dtype=torch.float32), torch.tensor(labels)


def accuracy(y_hat, y):
    y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
loss = nn.CrossEntropyLoss()
net.train()
losses = []
for epoch in range(5):
    optimizer.zero_grad()
    y_hat = net(X)
    l = loss(y_hat, y)
    l.backward()
    optimizer.step()
    losses.append(l.item())
net.eval()
with torch.no_grad():
    acc = accuracy(net(X), y) / y.numel()

RESULT = {"shapes": shapes, "losses": losses, "accuracy": acc}
# rtol: 1e-4
