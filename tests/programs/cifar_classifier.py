"""PyTorch's "Training a Classifier" tutorial, on synthetic 3x32x32 images of 4 classes:
a small CNN, CrossEntropyLoss, SGD with momentum, a DataLoader, accuracy with torch.max."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(0)
classes = ("plane", "car", "bird", "cat")
labels = rng.integers(0, 4, 32)
means = rng.standard_normal((4, 3, 1, 1))
images = means[labels] + 0.5 * rng.standard_normal((32, 3, 32, 32))
trainset = TensorDataset(torch.tensor(images, dtype=torch.float32), torch.tensor(labels))
trainloader = DataLoader(trainset, batch_size=16, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 4)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
init = np.random.default_rng(1)
net.load_state_dict(
    {
        k: torch.from_numpy(init.uniform(-0.1, 0.1, tuple(v.shape)).astype(np.float32))
        for k, v in net.state_dict().items()
    }
)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

epoch_losses = []
for epoch in range(2):  # loop over the dataset multiple times
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    epoch_losses.append(running_loss / len(trainloader))
    print(f"[{epoch + 1}] loss: {running_loss / len(trainloader):.3f}")

correct = 0
total = 0
with torch.no_grad():
    for data in trainloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print(f"Accuracy of the network on the {total} train images: {100 * correct // total} %")

RESULT = {"epoch_losses": epoch_losses, "correct": correct, "total": total}
# rtol: 1e-3
