"""Learning end to end: the pieces of nn together must actually fit data."""

import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from nn.data import DataLoader, TensorDataset, load_digits, pixel_patterns


def _accuracy(model, x, y):
    model.eval()
    with ag.no_grad():
        predicted = model(x).detach().numpy().argmax(axis=1)
    model.train()
    return float((predicted == y.detach().numpy()).mean())


def test_linear_softmax_learns_pixel_patterns_perfectly():
    """The world's smallest neural network: 9 inputs, 3 classes, one Linear layer."""
    ag.manual_seed(0)
    x, y = pixel_patterns(n_per_class=30, noise=0.15, seed=0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(9, 3))
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    assert _accuracy(model, x, y) < 0.9
    for _ in range(150):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    assert _accuracy(model, x, y) == 1.0
    assert loss.item() < 0.2


@pytest.mark.slow
def test_mlp_learns_digits():
    ag.manual_seed(0)
    x_train, y_train, x_test, y_test = load_digits()
    model = nn.Sequential(
        nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1), nn.Linear(128, 10)
    )
    opt = nn.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    for _ in range(15):
        for xb, yb in loader:
            opt.zero_grad()
            nn.CrossEntropyLoss()(model(xb), yb).backward()
            opt.step()
    accuracy = _accuracy(model, x_test, y_test)
    assert accuracy > 0.95, accuracy
