"""The workspace pool: a kept array is handed out again only when nothing refers to it."""

import numpy as np

import autograd_core as ag
from autograd_core import workspace

SHAPE = (512, 1024)  # 2 MiB of float32: above workspace.MIN_BYTES


def test_workspace_reuses_an_array_nothing_refers_to():
    workspace.release_all()
    first = workspace.empty(SHAPE, np.float32)
    address = first.__array_interface__["data"][0]
    del first
    again = workspace.empty(SHAPE, np.float32)
    assert again.__array_interface__["data"][0] == address


def test_workspace_never_hands_out_an_array_still_held():
    workspace.release_all()
    held = workspace.empty(SHAPE, np.float32)
    view = workspace.empty(SHAPE, np.float32).reshape(-1)  # only a view keeps this one alive
    other = workspace.empty(SHAPE, np.float32)
    assert not np.shares_memory(other, held)
    assert not np.shares_memory(other, view)


def test_workspace_leaves_small_arrays_to_numpy():
    workspace.release_all()
    workspace.empty((4, 4), np.float32)
    assert not workspace._pool


def test_reshape_copy_into_workspace_keeps_values_and_gradients():
    workspace.release_all()
    x = ag.tensor(
        np.arange(2 * 512 * 600, dtype=np.float32).reshape(2, 512, 600), requires_grad=True
    )
    outs = [x.transpose(0, 2, 1).reshape(2, -1) for _ in range(3)]  # copies, all alive at once
    for out in outs:
        np.testing.assert_array_equal(out.data, x.data.transpose(0, 2, 1).reshape(2, -1))
    del outs
    again = x.transpose(0, 2, 1).reshape(2, -1)
    np.testing.assert_array_equal(again.data, x.data.transpose(0, 2, 1).reshape(2, -1))
    again.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones_like(x.data))


def test_matmul_results_stay_correct_while_earlier_ones_are_alive():
    workspace.release_all()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((8, 256, 128)).astype(np.float32)
    b = rng.standard_normal((128, 300)).astype(np.float32)
    kept = [ag.tensor(a * (i + 1)) @ ag.tensor(b) for i in range(5)]
    for i, out in enumerate(kept):
        np.testing.assert_allclose(out.data, (a * (i + 1)) @ b, rtol=1e-5, atol=1e-4)
