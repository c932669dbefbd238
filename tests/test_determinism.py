"""Tests of reproducibility: `ag.manual_seed` fixes initialisation, dropout, shuffling and
the data sets, so a training run repeats bit for bit; and grad mode being per thread, two
models trained in two threads at once end exactly as when trained one after the other."""

from __future__ import annotations

import threading

import numpy as np

import autograd_core as ag
import nn


def _small_cnn() -> nn.Module:
    # (N, 1, 3, 3) -> conv 2x2 -> (N, 4, 2, 2) -> flatten (N, 16) -> (N, 3)
    return nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=2),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Flatten(),
        nn.Linear(16, 3),
    )


def _train_run(seed: int) -> tuple[list[float], dict[str, np.ndarray], np.ndarray]:
    ag.manual_seed(seed)
    x, y = nn.data.pixel_patterns(n_per_class=8, noise=0.2, seed=seed)
    model = _small_cnn()
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=8, shuffle=True)
    losses, first_batch = [], None
    for _ in range(2):
        for inputs, targets in loader:
            if first_batch is None:
                first_batch = targets.detach().numpy().copy()
            loss = nn.functional.cross_entropy(model(inputs), targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses, model.state_dict(), first_batch


def test_manual_seed_makes_training_bit_identical():
    losses_a, state_a, order_a = _train_run(seed=3)
    losses_b, state_b, order_b = _train_run(seed=3)
    assert losses_a == losses_b  # exact float equality, step by step
    np.testing.assert_array_equal(order_a, order_b)
    for name in state_a:
        np.testing.assert_array_equal(state_a[name], state_b[name], err_msg=name)
    losses_c, state_c, _ = _train_run(seed=4)
    assert losses_c != losses_a
    assert not np.array_equal(state_c["0.weight"], state_a["0.weight"])


def test_manual_seed_fixes_each_random_source():
    def draws():
        ag.manual_seed(11)
        weight = nn.Linear(4, 4).weight.detach().numpy().copy()
        mask = nn.functional.dropout(ag.ones(50), p=0.5).detach().numpy()
        order = np.concatenate(
            [b[0].detach().numpy() for b in nn.data.DataLoader(
                nn.data.TensorDataset(ag.arange(10)), batch_size=3, shuffle=True)]
        )  # fmt: skip
        return weight, mask, order, ag.randn(3).detach().numpy(), ag.rand(2).detach().numpy()

    for first, second in zip(draws(), draws()):
        np.testing.assert_array_equal(first, second)
    x1, y1 = nn.data.pixel_patterns(seed=5)
    x2, y2 = nn.data.pixel_patterns(seed=5)
    np.testing.assert_array_equal(x1.detach().numpy(), x2.detach().numpy())
    np.testing.assert_array_equal(y1.detach().numpy(), y2.detach().numpy())


def _mlp(seed: int) -> nn.Module:
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(9, 16), nn.Tanh(), nn.Linear(16, 3))


def _train_steps(model, x, y, steps, barrier=None, evaluate=False):
    """SGD steps; with `evaluate`, a no_grad evaluation after each step."""
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    evaluations = []
    for _ in range(steps):
        if barrier is not None:
            barrier.wait(10)  # both threads step in lockstep, maximising interleaving
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if evaluate:
            with ag.no_grad():
                out = model(x)
                assert not out.requires_grad
                evaluations.append(out.detach().numpy().copy())
    return evaluations


def test_two_threads_train_like_one_after_the_other():
    x, y = nn.data.pixel_patterns(n_per_class=10, seed=1)
    x = ag.reshape(x, (x.shape[0], 9))
    steps = 15

    sequential_a, sequential_b = _mlp(1), _mlp(2)
    evals_a = _train_steps(sequential_a, x, y, steps, evaluate=True)
    _train_steps(sequential_b, x, y, steps)

    threaded_a, threaded_b = _mlp(1), _mlp(2)
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def run(name, model, evaluate):
        try:
            results[name] = _train_steps(model, x, y, steps, barrier, evaluate)
        except Exception as error:  # reported below, in the main thread
            errors.append(error)
            barrier.abort()

    threads = [
        threading.Thread(target=run, args=("a", threaded_a, True)),
        threading.Thread(target=run, args=("b", threaded_b, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    for one, other in ((sequential_a, threaded_a), (sequential_b, threaded_b)):
        for (name, a), b in zip(one.state_dict().items(), other.state_dict().values()):
            np.testing.assert_array_equal(a, b, err_msg=name)
    for a, b in zip(evals_a, results["a"]):
        np.testing.assert_array_equal(a, b)
    assert ag.is_grad_enabled()
