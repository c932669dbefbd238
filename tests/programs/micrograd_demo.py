"""micrograd's demo, in PyTorch: a 2-16-16-1 MLP on two moons, max-margin loss, L2, SGD."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(1337)
n = 100
angle = rng.uniform(0, np.pi, n)
upper = rng.random(n) < 0.5
points = np.where(
    upper[:, None],
    np.stack([np.cos(angle), np.sin(angle)], 1),
    np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], 1),
)
points += 0.1 * rng.standard_normal(points.shape)
X = torch.tensor(points, dtype=torch.float32)
y = torch.tensor(np.where(upper, 1.0, -1.0), dtype=torch.float32)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(2, 16)
        self.l2 = nn.Linear(16, 16)
        self.l3 = nn.Linear(16, 1)

    def forward(self, x):
        x = torch.relu(self.l1(x))
        x = torch.relu(self.l2(x))
        return self.l3(x)


model = MLP()
init = np.random.default_rng(0)
model.load_state_dict(
    {
        name: torch.from_numpy(init.uniform(-1, 1, tuple(p.shape)).astype(np.float32))
        for name, p in model.named_parameters()
    }
)
print(model)
print("number of parameters", sum(p.numel() for p in model.parameters()))


def loss_fn():
    scores = model(X).squeeze(1)
    losses = (1 + -y * scores).relu()
    data_loss = losses.mean()
    alpha = 1e-4
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = ((scores > 0) == (y > 0)).float().mean()
    return total_loss, accuracy


losses = []
for k in range(40):
    total_loss, acc = loss_fn()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    with torch.no_grad():
        for p in model.parameters():
            p -= learning_rate * p.grad
    losses.append(total_loss.item())
    if k % 10 == 0:
        print(f"step {k} loss {total_loss.item()}, accuracy {acc.item() * 100}%")

RESULT = {"losses": losses, "accuracy": loss_fn()[1].item()}
