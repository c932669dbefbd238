"""micrograd's engine test, in PyTorch: scalar expressions in float64 and their gradients."""

import torch

x = torch.Tensor([-4.0]).double()
x.requires_grad = True
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xpt, ypt = x, y

a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()

RESULT = {
    "y": ypt.data.item(),
    "dy/dx": xpt.grad.item(),
    "g": g.data.item(),
    "dg/da": a.grad.item(),
    "dg/db": b.grad.item(),
}
