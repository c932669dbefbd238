"""micrograd's second engine test, in PyTorch: in-place += on computed values, and more ops."""

import torch

a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
c = c + c + 1
c += c + 1
d = d + d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()

RESULT = {"g": g.data.item(), "dg/da": a.grad.item(), "dg/db": b.grad.item()}
