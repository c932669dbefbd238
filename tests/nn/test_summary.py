"""Tests of nn.summary: parameter counts from the lectures, output shapes, restoring the model."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
import nn


def linear_params(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def conv_params(c_in: int, c_out: int, k: int) -> int:
    return c_out * c_in * k * k + c_out


def conv_out(size: int, k: int) -> int:
    return size - k + 1


def lenet5() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),  # C1
        nn.Tanh(),
        nn.AvgPool2d(2),  # S2
        nn.Conv2d(6, 16, 5),  # C3
        nn.Tanh(),
        nn.AvgPool2d(2),  # S4
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),  # C5 / F5
        nn.Tanh(),
        nn.Linear(120, 84),  # F6
        nn.Tanh(),
        nn.Linear(84, 10),
    )


def test_summary_counts_mlp_3_4_2():
    s = nn.summary(nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)), (1, 3))
    assert s.total_params == linear_params(3, 4) + linear_params(4, 2) == 26
    assert s.trainable_params == 26 and s.non_trainable_params == 0
    assert [(r.name, r.kind, r.output_shape, r.params) for r in s.rows] == [
        ("0", "Linear", (1, 4), 16),
        ("1", "Linear", (1, 2), 10),
    ]
    assert s.output_shape == (1, 2)
    assert "Total params: 26" in str(s) and repr(s) == str(s)


def test_summary_counts_conv_filter():
    s = nn.summary(nn.Conv2d(3, 1, 5), (1, 3, 32, 32))
    assert s.total_params == conv_params(3, 1, 5) == 76
    side = conv_out(32, 5)
    assert s.rows[0].output_shape == s.output_shape == (1, 1, side, side)


def test_summary_counts_lenet5():
    s = nn.summary(lenet5(), (1, 1, 32, 32))
    expected = (
        conv_params(1, 6, 5)
        + conv_params(6, 16, 5)
        + linear_params(16 * 5 * 5, 120)
        + linear_params(120, 84)
        + linear_params(84, 10)
    )
    assert s.total_params == expected == 61_706
    c3 = s.rows[3]
    assert (c3.kind, c3.params) == ("Conv2d", 16 * 6 * 5 * 5 + 16) and c3.params == 2416
    c1 = conv_out(32, 5)
    c3_side = conv_out(c1 // 2, 5)
    shapes = [r.output_shape for r in s.rows]
    assert shapes[:7] == [
        (1, 6, c1, c1),
        (1, 6, c1, c1),
        (1, 6, c1 // 2, c1 // 2),
        (1, 16, c3_side, c3_side),
        (1, 16, c3_side, c3_side),
        (1, 16, c3_side // 2, c3_side // 2),
        (1, 16 * (c3_side // 2) ** 2),
    ]
    assert s.output_shape == (1, 10)
    text = str(s)
    assert f"Total params: {expected:,}" in text and "61,706" in text
    assert "Conv2d" in text and "(1, 16, 10, 10)" in text


def test_summary_frozen_parameters_are_non_trainable():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model[0].requires_grad_(False)
    s = nn.summary(model, (2, 3))
    frozen = linear_params(3, 4)
    assert s.total_params == frozen + linear_params(4, 2)
    assert s.trainable_params == linear_params(4, 2)
    assert s.non_trainable_params == frozen
    assert (s.rows[0].params, s.rows[0].trainable) == (frozen, 0)
    assert f"Non-trainable params: {frozen:,}" in str(s)


def test_summary_buffers_are_not_parameters():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    s = nn.summary(model, (2, 3))
    assert s.total_params == linear_params(3, 4) + 2 * 4  # weight and bias of the norm
    assert s.buffer_values == sum(b.numel() for b in model.buffers())
    assert s.rows[1].params == 8
    assert "Buffers (not parameters)" in str(s)


def test_summary_leaves_the_model_as_it_was():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
    model.train()
    model[2].eval()
    before = {k: v.copy() for k, v in model.state_dict().items()}
    nn.summary(model, (1, 3))  # batch 1 would fail batch norm in training mode
    assert [m.training for m in model.modules()] == [True, True, True, False]
    assert all("forward" not in m.__dict__ for m in model.modules())
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_summary_restores_forward_after_an_error():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))
    with pytest.raises(ValueError):
        nn.summary(model, (1, 3))
    assert all("forward" not in m.__dict__ for m in model.modules())
    assert model.training
    with pytest.raises(ValueError):  # still the ordinary forward, with its ordinary error
        model(ag.zeros((1, 3)))


def test_summary_lists_own_parameters_and_repeated_calls():
    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(np.ones(2, dtype=np.float32))
            self.layer = nn.Linear(2, 2)

        def forward(self, x):
            return self.layer(self.layer(x)) * self.scale

    s = nn.summary(Shared(), (1, 2))
    assert [(r.name, r.params, r.calls) for r in s.rows] == [("", 2, 1), ("layer", 6, 2)]
    assert s.total_params == 2 + linear_params(2, 2)
    assert "layer (x2)" in str(s)


def test_summary_rejects_bad_arguments():
    with pytest.raises(TypeError, match=r"nn\.Module"):
        nn.summary(lambda x: x, (1, 3))
    with pytest.raises(TypeError, match="input_shape"):
        nn.summary(nn.Linear(3, 4), "1, 3")
    with pytest.raises(ValueError, match="positive"):
        nn.summary(nn.Linear(3, 4), (0, 3))
