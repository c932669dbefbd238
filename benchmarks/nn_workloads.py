"""Neural-network workloads: an MLP training step, Conv2d forward+backward, a LeNet-5 training
step, MaxPool2d forward+backward, and the peak memory of 50 LeNet steps.

Each runs on autograd_core (through `nn`), on hand-written numpy (the floor: the same
computation with im2col convolutions, written out forward and backward in
`benchmarks.numpy_floor`) and on PyTorch when installed. All start from the same float32
data and weights (drawn here with numpy) and return the loss or the arrays of the output
and gradients, so the smoke test checks that the three agree. A step hands its arrays back
as they are (as numpy views where the framework allows it): comparing them is the test's
work, outside the clock.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.numpy_floor import (
    np_conv2d,
    np_conv2d_backward,
    np_cross_entropy,
    np_max_pool2x2,
    np_max_pool2x2_backward,
)
from benchmarks.workload import Target, Workload, register

LEARNING_RATE = 0.01

# ----------------------------------------------------------------- shared data


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _weights(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    fan_in = int(np.prod(shape[1:]))
    return (rng.uniform(-1, 1, shape) / np.sqrt(fan_in)).astype(np.float32)


def classification_batch(batch: int, shape: tuple[int, ...], seed: int = 1) -> tuple[Any, ...]:
    rng = _rng(seed)
    x = rng.normal(size=(batch, *shape)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    return x, y


def mlp_params(seed: int = 0) -> list[np.ndarray]:
    """[W1, b1, W2, b2, W3, b3] of a 784-256-128-10 MLP, weights (out, in)."""
    rng = _rng(seed)
    params = []
    for fan_in, fan_out in ((784, 256), (256, 128), (128, 10)):
        params += [_weights((fan_out, fan_in), rng), np.zeros(fan_out, np.float32)]
    return params


def lenet_params(seed: int = 0) -> list[np.ndarray]:
    """Weights and biases of LeNet-5: conv 1->6 5x5, conv 6->16 5x5, fc 400-120-84-10."""
    rng = _rng(seed)
    shapes = [(6, 1, 5, 5), (16, 6, 5, 5), (120, 400), (84, 120), (10, 84)]
    params = []
    for shape in shapes:
        params += [_weights(shape, rng), np.zeros(shape[0], np.float32)]
    return params


# --------------------------------------------------------------- 1. MLP step

MLP = register(
    Workload(
        "mlp_step",
        "MLP 784-256-128-10 training step (float32, ReLU, cross-entropy, SGD)",
        sizes=(64,),
        test_size=4,
        size_label="batch",
        rtol=1e-4,
        atol=1e-6,
        targets=(Target("numpy", 1.15), Target("torch", 0.8)),
    )
)


@MLP.variant("numpy")
def _mlp_numpy(batch: int) -> Any:
    params = mlp_params()
    x, y = classification_batch(batch, (784,))

    def step():
        w1, b1, w2, b2, w3, b3 = params
        h1 = np.maximum(x @ w1.T + b1, 0)
        h2 = np.maximum(h1 @ w2.T + b2, 0)
        loss, g3 = np_cross_entropy(h2 @ w3.T + b3, y)
        g2 = (g3 @ w3) * (h2 > 0)
        g1 = (g2 @ w2) * (h1 > 0)
        grads = [g1.T @ x, g1.sum(0), g2.T @ h1, g2.sum(0), g3.T @ h2, g3.sum(0)]
        for p, g in zip(params, grads):
            p -= LEARNING_RATE * g
        return loss

    return step


def ag_training_step(model: Any, x: Any, y: Any) -> Any:
    """One SGD step of `model` on (x, y) with the engine; the step returns its loss tensor."""
    import nn

    optimizer = nn.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def step():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def ag_step(model: Any, x: Any, y: Any) -> Any:
    """`ag_training_step` returning the loss as a number (the graph is not kept)."""
    step = ag_training_step(model, x, y)
    return lambda: step().item()


def copy_into(model: Any, params: list[np.ndarray]) -> Any:
    import autograd_core as ag

    with ag.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(value)
    return model


@MLP.variant("autograd_core")
def _mlp_autograd_core(batch: int) -> Any:
    import autograd_core as ag
    import nn

    x, y = classification_batch(batch, (784,))
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )
    return ag_step(copy_into(model, mlp_params()), ag.Tensor(x), ag.Tensor(y))


def torch_training_step(model: Any, x: Any, y: Any) -> Any:
    """One SGD step of `model` on (x, y) with torch; the step returns its loss tensor."""
    import torch

    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def torch_step(model: Any, x: Any, y: Any) -> Any:
    """`torch_training_step` returning the loss as a number (the graph is not kept)."""
    step = torch_training_step(model, x, y)
    return lambda: step().item()


def torch_copy_into(model: Any, params: list[np.ndarray]) -> Any:
    import torch

    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(torch.from_numpy(value))
    return model


@MLP.variant("torch", requires="torch")
def _mlp_torch(batch: int) -> Any:
    import torch

    x, y = classification_batch(batch, (784,))
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )
    model = torch_copy_into(model, mlp_params())
    return torch_step(model, torch.from_numpy(x), torch.from_numpy(y))


# ------------------------------------------------------- 2. Conv2d forward+backward

CONV = register(
    Workload(
        "conv2d",
        "Conv2d 16->32, 3x3, padding 1 on 28x28 (float32): forward + backward",
        sizes=(32,),
        test_size=2,
        size_label="batch",
        rtol=1e-4,
        atol=1e-4,
        targets=(Target("torch", 2.0),),
    )
)


def _conv_problem(batch: int) -> tuple[np.ndarray, ...]:
    rng = _rng(2)
    x = rng.normal(size=(batch, 16, 28, 28)).astype(np.float32)
    w = _weights((32, 16, 3, 3), rng)
    b = rng.normal(size=32).astype(np.float32)
    grad = rng.normal(size=(batch, 32, 28, 28)).astype(np.float32)
    return x, w, b, grad


@CONV.variant("numpy")
def _conv_numpy(batch: int) -> Any:
    x, w, b, grad = _conv_problem(batch)

    def step():
        _, cache = np_conv2d(x, w, b, 1)
        return np_conv2d_backward(grad, w, cache)

    return step


@CONV.variant("autograd_core")
def _conv_autograd_core(batch: int) -> Any:
    import autograd_core as ag
    import nn

    x, w, b, grad = _conv_problem(batch)
    layer = copy_into(nn.Conv2d(16, 32, 3, padding=1), [w, b])
    inputs = ag.Tensor(x, requires_grad=True)

    def step():
        inputs.grad = None
        layer.zero_grad()
        layer(inputs).backward(grad)
        return [np.asarray(t.grad) for t in (inputs, layer.weight, layer.bias)]

    return step


@CONV.variant("torch", requires="torch")
def _conv_torch(batch: int) -> Any:
    import torch

    x, w, b, grad = _conv_problem(batch)
    layer = torch_copy_into(torch.nn.Conv2d(16, 32, 3, padding=1), [w, b])
    inputs = torch.from_numpy(x).requires_grad_()
    upstream = torch.from_numpy(grad)

    def step():
        inputs.grad = None
        layer.zero_grad()
        layer(inputs).backward(upstream)
        return [inputs.grad.numpy(), layer.weight.grad.numpy(), layer.bias.grad.numpy()]

    return step


# ------------------------------------------------------------- 3. LeNet-5 step

LENET = register(
    Workload(
        "lenet_step",
        "LeNet-5 on 1x28x28 (float32): forward, cross-entropy, backward, SGD",
        sizes=(64,),
        test_size=3,
        size_label="batch",
        rtol=1e-4,
        atol=1e-6,
        targets=(Target("torch", 2.0),),
    )
)


def numpy_lenet(batch: int) -> Any:
    params = lenet_params()
    x, y = classification_batch(batch, (1, 28, 28))

    def step():
        c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b = params
        a1, cache1 = np_conv2d(x, c1w, c1b, 2)  # (N, 6, 28, 28)
        r1 = np.maximum(a1, 0)
        p1, shares1 = np_max_pool2x2(r1)  # (N, 6, 14, 14)
        a2, cache2 = np_conv2d(p1, c2w, c2b, 0)  # (N, 16, 10, 10)
        r2 = np.maximum(a2, 0)
        p2, shares2 = np_max_pool2x2(r2)  # (N, 16, 5, 5)
        flat = p2.reshape(batch, -1)  # (N, 400)
        h1 = np.maximum(flat @ f1w.T + f1b, 0)
        h2 = np.maximum(h1 @ f2w.T + f2b, 0)
        loss, g3 = np_cross_entropy(h2 @ f3w.T + f3b, y)
        g2 = (g3 @ f3w) * (h2 > 0)
        g1 = (g2 @ f2w) * (h1 > 0)
        g_flat = g1 @ f1w
        g_r2 = np_max_pool2x2_backward(g_flat.reshape(p2.shape), shares2) * (a2 > 0)
        g_p1, g_c2w, g_c2b = np_conv2d_backward(g_r2, c2w, cache2)
        g_r1 = np_max_pool2x2_backward(g_p1, shares1) * (a1 > 0)
        _, g_c1w, g_c1b = np_conv2d_backward(g_r1, c1w, cache1)
        grads = [g_c1w, g_c1b, g_c2w, g_c2b, g1.T @ flat, g1.sum(0), g2.T @ h1, g2.sum(0),
                 g3.T @ h2, g3.sum(0)]  # fmt: skip
        for p, g in zip(params, grads):
            p -= LEARNING_RATE * g
        return loss

    return step


def ag_lenet_model() -> Any:
    """LeNet-5 in `nn`, with `lenet_params()`."""
    import nn

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip
    return copy_into(model, lenet_params())


def torch_lenet_model() -> Any:
    """LeNet-5 in `torch.nn`, with `lenet_params()`."""
    import torch

    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip
    return torch_copy_into(model, lenet_params())


def _ag_lenet(batch: int) -> Any:
    import autograd_core as ag

    x, y = classification_batch(batch, (1, 28, 28))
    return ag_step(ag_lenet_model(), ag.Tensor(x), ag.Tensor(y))


def _torch_lenet(batch: int) -> Any:
    import torch

    x, y = classification_batch(batch, (1, 28, 28))
    return torch_step(torch_lenet_model(), torch.from_numpy(x), torch.from_numpy(y))


LENET.variant("numpy")(numpy_lenet)
LENET.variant("autograd_core")(_ag_lenet)
LENET.variant("torch", requires="torch")(_torch_lenet)

# ---------------------------------------------------- 4. MaxPool2d forward+backward

POOL = register(
    Workload(
        "maxpool2d",
        "MaxPool2d 2x2 on (N, 32, 32, 32) float32: forward + backward",
        sizes=(64,),
        test_size=2,
        size_label="batch",
        rtol=1e-5,
        atol=1e-5,
        targets=(Target("torch", 0.8),),
    )
)


def _pool_problem(batch: int) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(3)
    x = rng.normal(size=(batch, 32, 32, 32)).astype(np.float32)
    grad = rng.normal(size=(batch, 32, 16, 16)).astype(np.float32)
    return x, grad


@POOL.variant("numpy")
def _pool_numpy(batch: int) -> Any:
    x, grad = _pool_problem(batch)

    def step():
        out, shares = np_max_pool2x2(x)
        return out, np_max_pool2x2_backward(grad, shares)

    return step


@POOL.variant("autograd_core")
def _pool_autograd_core(batch: int) -> Any:
    import autograd_core as ag
    import nn

    x, grad = _pool_problem(batch)
    inputs = ag.Tensor(x, requires_grad=True)
    pool = nn.MaxPool2d(2)

    def step():
        inputs.grad = None
        out = pool(inputs)
        out.backward(grad)
        return out.detach().numpy(), np.asarray(inputs.grad)

    return step


@POOL.variant("torch", requires="torch")
def _pool_torch(batch: int) -> Any:
    import torch

    x, grad = _pool_problem(batch)
    inputs = torch.from_numpy(x).requires_grad_()
    upstream = torch.from_numpy(grad)
    pool = torch.nn.MaxPool2d(2)

    def step():
        inputs.grad = None
        out = pool(inputs)
        out.backward(upstream)
        return out.detach().numpy(), inputs.grad.numpy()

    return step


# ------------------------------------------------------- 5. LeNet peak memory

LENET_MEMORY = register(
    Workload(
        "lenet_memory",
        "peak RSS that 50 LeNet-5 training steps (batch 64) add after set-up",
        sizes=(64,),
        test_size=3,
        size_label="batch",
        mode="memory",
        memory_steps=50,
        rtol=1e-4,
        atol=1e-6,
    )
)
LENET_MEMORY.variant("numpy")(numpy_lenet)
LENET_MEMORY.variant("autograd_core")(_ag_lenet)
LENET_MEMORY.variant("torch", requires="torch")(_torch_lenet)
