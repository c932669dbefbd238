"""Tests of `Tensor.register_hook`: gradients seen and replaced, removal, leaves and computed
tensors, in-place changes, create_graph, compared with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag


def _torch():
    return pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")


def _program(lib, seen):
    x = lib.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    x.register_hook(lambda g: seen.append(("x", np.asarray(g.detach()).copy())))
    h = x * x
    h.register_hook(lambda g: g * 3)  # replaces the gradient flowing into h
    h.register_hook(lambda g: seen.append(("h", np.asarray(g.detach()).copy())))
    y = h.exp()
    (y.sum() + h.sum()).backward()  # h fans out: its hooks see the summed gradient, once
    return np.asarray(x.grad)


def test_hooks_see_and_replace_gradients_as_in_torch():
    torch = _torch()
    ours_seen, theirs_seen = [], []
    ours, theirs = _program(ag, ours_seen), _program(torch, theirs_seen)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert [name for name, _ in ours_seen] == [name for name, _ in theirs_seen]
    for (_, a), (_, b) in zip(ours_seen, theirs_seen):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_handle_remove_takes_the_hook_off():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    handle.remove()  # twice is fine, as in PyTorch
    (x * x).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [2.0, 4.0])


def test_hook_stays_with_the_version_it_was_put_on():
    torch = _torch()
    grads = []
    for lib in (ag, torch):
        x = lib.tensor(np.array([-1.0, 2.0]), requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 10)
        y.add_(1)
        y.sum().backward()
        grads.append(np.asarray(x.grad))
    np.testing.assert_array_equal(grads[0], grads[1])


def test_hooks_run_under_create_graph_and_the_result_differentiates():
    torch = _torch()
    results = []
    for lib in (ag, torch):
        x = lib.tensor(np.array([0.3, 1.2]), requires_grad=True)
        y = x * x * x
        y.register_hook(lambda g, x=x: g * x)  # a hook whose result depends on x
        (g,) = (
            torch.autograd.grad(y.sum(), x, create_graph=True)
            if lib is torch
            else ag.engine.backward(y.sum(), inputs=[x], create_graph=True)
        )
        g.sum().backward()
        results.append((np.asarray(g.detach()), np.asarray(x.grad)))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_register_hook_errors():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0]).register_hook(lambda g: g)
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="expected a callable"):
        x.register_hook(3)
    x.register_hook(lambda g: ag.ones(3))
    with pytest.raises(RuntimeError, match=r"returned a gradient of shape \(3,\)"):
        (x * x).sum().backward()
