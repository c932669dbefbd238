"""An op reads the version of its input that exists when it runs.

A node does not keep its inputs' makers: it keeps the tick it was recorded
at, and a tensor keeps the makers that in-place ops replaced
(`inplace.producer_for`). These tests pin that down: gradients of ops
recorded before, between and after several in-place changes, against PyTorch.
"""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.inplace import producer_for


def _program(lib, x):
    y = x * 2
    a = y * 3  # reads version 0 of y
    y.add_(x)  # version 1
    b = y * 5
    y.mul_(x)  # version 2
    c = y * 7
    y[0] = x[1] * 11  # version 3, by setitem
    return a + b + c + y


def _run(lib):
    x = lib.tensor(np.array([-1.5, 0.5, 2.0]), requires_grad=True)
    out = _program(lib, x)
    out.sum().backward()
    return np.asarray(out.detach()), np.asarray(x.grad)


def test_ops_recorded_between_in_place_changes_get_the_gradient_of_the_version_they_read():
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    ours, theirs = _run(ag), _run(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


def test_producers_name_the_node_that_made_each_version():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    first = y.grad_fn
    a = y + 1
    y.mul_(3)
    second = y.grad_fn
    b = y + 1
    y.add_(1)
    c = y + 1
    assert first is not second is not y.grad_fn
    assert a.grad_fn.producers == (first, None)
    assert b.grad_fn.producers == (second, None)
    assert c.grad_fn.producers == (y.grad_fn, None)
    assert producer_for(y, a.grad_fn) is first and producer_for(x, a.grad_fn) is None
    assert a.grad_fn.next_functions[0][0] is first


def test_a_tensor_never_changed_in_place_keeps_no_history():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y
    assert "_superseded" not in y.__dict__ and z.grad_fn.producers == (y.grad_fn, y.grad_fn)


def test_the_version_read_stays_reachable_after_the_tensor_changes():
    # the consumer keeps no reference to its input's old maker: the tensor's history does,
    # and the in-place node's snapshot of the old value does too
    import gc

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    a = y + 3
    y.mul_(2)
    del y
    gc.collect()
    a.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [2.0, 4.0])
