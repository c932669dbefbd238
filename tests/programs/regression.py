"""A beginner's regression: y = 3x - 2 + noise, nn.Linear, MSELoss, Adam, view and cat."""

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

rng = np.random.default_rng(0)
x = torch.from_numpy(rng.uniform(-1, 1, 50).astype(np.float32))
y = 3 * x - 2 + 0.1 * torch.from_numpy(rng.standard_normal(50).astype(np.float32))
x, y = x.view(-1, 1), y.view(-1, 1)

model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.5)
    model.bias.zero_()
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.1)
for epoch in range(100):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch}: loss {loss.item():.4f}")
both = torch.cat([model.weight.view(-1), model.bias.view(-1)])

RESULT = {"loss": loss.item(), "weight_and_bias": both.tolist()}
# rtol: 1e-4
