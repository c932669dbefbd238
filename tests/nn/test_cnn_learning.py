"""A small CNN (Conv2d, ReLU, MaxPool2d, Linear) learns the 8x8 digits: the conv and pooling
gradients are right enough, together, to train a real classifier."""

import time

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812


@pytest.mark.slow
def test_cnn_learns_digits_to_97_percent_test_accuracy():
    ag.manual_seed(0)
    x_train, y_train, x_test, y_test = nn.data.load_digits()
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # (N, 16, 4, 4)
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # (N, 32, 2, 2)
        nn.Flatten(),
        nn.Linear(32 * 2 * 2, 10),
    )
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    scheduler = nn.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.2)
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(x_train, y_train),
        batch_size=32,
        shuffle=True,
        generator=np.random.default_rng(0),
    )
    start = time.perf_counter()
    for _epoch in range(20):
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(images), labels).backward()
            optimizer.step()
        scheduler.step()
    model.eval()
    with ag.no_grad():
        predicted = model(x_test).detach().numpy().argmax(axis=1)
    accuracy = float(np.mean(predicted == y_test.detach().numpy()))
    assert accuracy >= 0.97, f"test accuracy {accuracy:.3f} after 20 epochs"
    assert time.perf_counter() - start < 60
