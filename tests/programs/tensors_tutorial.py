"""PyTorch's "Tensors" tutorial: creation, attributes, device, indexing, joining, arithmetic."""

import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
shape = (2, 3)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)

tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
if torch.cuda.is_available():
    tensor = tensor.to("cuda")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
t1 = torch.cat([tensor, tensor, tensor], dim=1)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
tensor.add_(5)

t = torch.ones(5)
n = t.numpy()
t.add_(1)
n2 = np.ones(5)
t2 = torch.from_numpy(n2)
np.add(n2, 1, out=n2)

RESULT = {
    "x_np": x_np.tolist(),
    "dtypes": [str(x_data.dtype).removeprefix("torch."), str(x_rand.dtype).removeprefix("torch.")],
    "shapes": [list(rand_tensor.shape), list(x_rand.size()), [t1.size(0), t1.size(1)]],
    "device": str(device),
    "y1": y1.tolist(),
    "y2": y2.tolist(),
    "z2": z2.tolist(),
    "agg": agg_item,
    "after add_": tensor.tolist(),
    "numpy shares": n.tolist(),
    "from_numpy shares": t2.tolist(),
}
