"""Tests of what a graph keeps after backward: no arrays (the kept-graph loop of issue 11 stays
flat), the graph's shape for viewing, and the warning when every step's graph is kept."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's spelling)
from autograd_core import graph_memory


def _cnn_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


def test_kept_graph_loop_does_not_keep_activations():
    ag.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 13 * 13, 10)
    )
    optimizer = nn.optim.SGD(model.parameters(), lr=0.01)
    x, y = ag.randn(16, 1, 28, 28), ag.tensor(np.arange(16) % 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the kept-graph warning, tested below
        total = _cnn_step(model, optimizer, x, y)
        for _ in range(3):  # warm up: the scratch-array pool fills in the first steps
            total = total + _cnn_step(model, optimizer, x, y)
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            for _ in range(30):
                total = total + _cnn_step(model, optimizer, x, y)  # the mistake: no .item()
            grown = tracemalloc.get_traced_memory()[0] - start
        finally:
            tracemalloc.stop()
    # one step's activations are ~0.5 MB; what stays is the graph's shape, a few kB a step
    assert grown < 450_000, f"grew {grown} bytes over 30 steps"
    assert np.isfinite(total.item())


def test_released_node_holds_no_arrays_but_keeps_the_shape():
    x = ag.randn(8, 8, requires_grad=True)
    h = (x * 2.0).relu()
    z = ag.where(np.asarray(h) > 0.5, h, 0.0)
    out = z.sum()
    out.backward()
    node = out.grad_fn
    seen = []
    stack = [node]
    while stack:
        n = stack.pop()
        seen.append(n)
        assert n.released and n._output is None
        for t in n.inputs:
            data = t._data
            if t is not x and type(data) is np.ndarray:
                assert data.size <= 4 or not any(data.strides), (n.name, data.shape)
        assert "condition" not in vars(n)
        stack.extend(p for p in n.producers if p is not None)
    assert [n.name for n in seen] == ["sum", "where", "relu", "mul"]
    assert ag.viz.draw_graph(out).source.count("->") > 0  # still drawable
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()


def test_retain_graph_create_graph_inputs_and_functional_still_work():
    x = ag.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    y = (x * x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(np.asarray(x.grad), 2 * 3 * np.asarray(x) ** 2)
    (g,) = ag.engine.backward((x * x * x).sum(), inputs=[x], create_graph=True)
    (gg,) = ag.engine.backward(g.sum(), inputs=[x])
    np.testing.assert_allclose(np.asarray(gg), 6 * np.asarray(x))
    _, hv = ag.hvp(lambda t: (t * t * t).sum(), x, ag.ones(3, dtype="float64"))
    np.testing.assert_allclose(np.asarray(hv), 6 * np.asarray(x))
    np.testing.assert_allclose(
        np.asarray(ag.jacobian(ag.tanh, x)), np.diag(1 - np.tanh(np.asarray(x)) ** 2)
    )


def test_warning_when_every_steps_graph_is_kept(monkeypatch):
    monkeypatch.setitem(graph_memory._state, "warned", False)
    monkeypatch.setattr(graph_memory, "_roots", [])
    w = nn.Parameter(ag.ones(3))
    optimizer = nn.optim.SGD([w], lr=0.1)

    def step():
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        optimizer.step()
        return loss

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(6):
            step().item()  # the right way: nothing kept, no warning
    total = 0.0
    with pytest.warns(RuntimeWarning, match=r"total = total \+ loss"):
        for _ in range(6):
            total = total + step()


def test_released_node_of_three_inputs_keeps_parameters_and_stands_in_for_activations():
    x = ag.randn(8, 6)
    weight, bias = nn.Parameter(ag.randn(5, 6)), nn.Parameter(ag.randn(5))
    hidden = (x * 2.0).relu()  # a computed input of 48 elements: replaced after backward
    out = F.linear(hidden, weight, bias)
    node = out.grad_fn
    assert node.name == "affine" and len(node.inputs) == 3
    out.sum().backward()
    stand_in, kept_weight, kept_bias = node.inputs
    assert kept_weight is weight and kept_bias is bias  # parameters stay themselves
    assert stand_in is not hidden and stand_in.shape == hidden.shape
    assert stand_in.dtype == hidden.dtype and not any(stand_in._data.strides)  # no data
    assert node.producers[0] is hidden.grad_fn  # the graph's shape is unchanged
    assert node.next_functions[0][0] is hidden.grad_fn
