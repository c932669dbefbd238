"""The workspace pool (a kept array is handed out again only when nothing refers to it)
and the other memory-layout choices of the hot kernels."""

import numpy as np
import pytest

import autograd_core as ag
import nn
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
    outs = [x.permute(0, 2, 1).reshape(2, -1) for _ in range(3)]  # copies, all alive at once
    for out in outs:
        np.testing.assert_array_equal(
            out.detach().numpy(), x.detach().numpy().transpose(0, 2, 1).reshape(2, -1)
        )
    del outs
    again = x.permute(0, 2, 1).reshape(2, -1)
    np.testing.assert_array_equal(
        np.asarray(again), np.asarray(x).transpose(0, 2, 1).reshape(2, -1)
    )
    again.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.ones_like(x.detach().numpy()))


def test_matmul_results_stay_correct_while_earlier_ones_are_alive():
    workspace.release_all()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((8, 256, 128)).astype(np.float32)
    b = rng.standard_normal((128, 300)).astype(np.float32)
    kept = [ag.tensor(a * (i + 1)) @ ag.tensor(b) for i in range(5)]
    for i, out in enumerate(kept):
        np.testing.assert_allclose(out.detach().numpy(), (a * (i + 1)) @ b, rtol=1e-5, atol=1e-4)


def test_workspace_stays_within_its_byte_budget_forgetting_least_recent_shapes():
    workspace.release_all()
    budget = workspace.max_bytes()
    try:
        workspace.set_max_bytes(5 << 20)  # room for two of the 2 MiB arrays below
        shapes = [(512, 1024 + k) for k in range(4)]  # four shapes of about 2 MiB each
        first = workspace.empty(shapes[0], np.float32)
        address = first.__array_interface__["data"][0]
        del first
        workspace.empty(shapes[1], np.float32)
        reused = workspace.empty(shapes[0], np.float32)  # shape 0 is now the most recent
        assert reused.__array_interface__["data"][0] == address
        del reused
        kept = lambda: {shape for shape, _ in workspace._pool}  # noqa: E731
        workspace.empty(shapes[2], np.float32)
        assert kept() == {shapes[0], shapes[2]}  # shape 1 was the least recently used
        workspace.empty(shapes[3], np.float32)
        assert kept() == {shapes[2], shapes[3]}
        assert workspace.kept_bytes() <= 5 << 20
        workspace.set_max_bytes(0)  # the pool off: nothing kept, arrays still correct
        assert workspace.kept_bytes() == 0
        assert workspace.empty(SHAPE, np.float32).shape == SHAPE and not workspace._pool
    finally:
        workspace.set_max_bytes(budget)
    with pytest.raises(ValueError, match="byte count"):
        workspace.set_max_bytes(-1)


def test_conv2d_training_steps_keep_a_bounded_pool_at_many_batch_sizes():
    workspace.release_all()
    conv = nn.Conv2d(8, 16, 3, padding=1)
    for batch in (2, 4, 6, 8, 10, 12, 14, 16):
        conv(ag.randn(batch, 8, 28, 28)).sum().backward()
        assert workspace.kept_bytes() <= workspace.max_bytes()


def test_relu_of_a_large_tensor_reuses_arrays_and_keeps_values_and_gradients():
    workspace.release_all()
    rng = np.random.default_rng(0)
    values = rng.normal(size=SHAPE).astype(np.float32)
    values[0, :3] = [0.0, -0.0, np.nan]  # the kink and NaN: gradient 0, as below MIN_BYTES
    outs = []
    for _ in range(3):  # the second and third calls get arrays the first released
        x = ag.tensor(values, requires_grad=True)
        y = ag.relu(x)
        y.backward(ag.ones_like(y))
        outs.append((np.asarray(y).copy(), np.asarray(x.grad).copy()))
    kept = ag.relu(ag.tensor(values))  # one still held: the next relu must not write into it
    other = ag.relu(ag.tensor(-values))
    assert not np.shares_memory(np.asarray(kept), np.asarray(other))
    expected = np.maximum(values, 0)
    for out, grad in outs:
        np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(grad, (values > 0).astype(np.float32))
    np.testing.assert_array_equal(np.asarray(kept), expected)


def test_wide_products_by_a_transposed_operand_keep_values_and_c_order():
    from autograd_core.ops.linalg import _matmul, _wide_times_transposed

    rng = np.random.default_rng(3)
    for x_shape, z_shape in (((32, 4096), (144, 4096)), ((3, 32, 4096), (3, 144, 4096))):
        x = rng.standard_normal(x_shape).astype(np.float32)
        y = np.swapaxes(rng.standard_normal(z_shape).astype(np.float32), -1, -2)
        assert _wide_times_transposed(x, y)  # the path under test
        result = _matmul(x, y)
        assert result.flags.c_contiguous
        np.testing.assert_allclose(result, np.matmul(x, y), rtol=1e-5, atol=1e-4)
