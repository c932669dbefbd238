"""Large kernels split over threads: same values at any thread count, errors kept, fork-safe."""

import multiprocessing
import threading

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import parallel

BIG = parallel.MIN_BYTES  # a kernel this large is split


@pytest.fixture
def threads():
    """Run a test at a chosen thread count, then restore the count it found."""
    before = ag.get_num_threads()
    yield ag.set_num_threads
    ag.set_num_threads(before)


def ranges_seen(length, nbytes):
    seen, names = [], set()

    def kernel(start, stop):
        seen.append((start, stop))
        names.add(threading.current_thread().name)

    parallel.over_leading_axis(kernel, length, nbytes)
    return sorted(seen), names


def test_large_kernels_are_split_into_ranges_that_cover_the_axis_once(threads):
    threads(3)
    seen, names = ranges_seen(10, BIG)
    assert seen == [(0, 3), (3, 6), (6, 10)]
    assert len(names) > 1  # the ranges ran on more than one thread


@pytest.mark.parametrize(
    ("count", "length", "nbytes"), [(1, 10, BIG), (4, 10, BIG - 1), (4, 1, BIG), (4, 0, BIG)]
)
def test_small_or_serial_kernels_run_once_on_the_calling_thread(threads, count, length, nbytes):
    threads(count)
    seen, names = ranges_seen(length, nbytes)
    assert seen == [(0, length)]
    assert names == {threading.current_thread().name}


def test_a_range_that_fails_raises_its_error_after_every_range_ended(threads):
    threads(2)
    ended = []

    def kernel(start, stop):
        if start > 0:
            raise FloatingPointError(f"range {start}:{stop} failed")
        ended.append(start)

    with pytest.raises(FloatingPointError, match="range 5:10 failed"):
        parallel.over_leading_axis(kernel, 10, BIG)
    assert ended == [0]


def test_kernels_are_not_split_again_inside_a_range(threads):
    threads(2)
    inner = []

    def kernel(start, stop):
        parallel.over_leading_axis(lambda a, b: inner.append((a, b)), 8, BIG)

    parallel.over_leading_axis(kernel, 2, BIG)
    assert sorted(inner) == [(0, 8), (0, 8)]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_num_threads_refuses_what_pytorch_refuses(bad, threads):
    before = ag.get_num_threads()
    with pytest.raises(RuntimeError) as ours:
        ag.set_num_threads(bad)
    assert "set_num_threads" in str(ours.value)
    assert ag.get_num_threads() == before  # nothing changed
    torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")
    if not isinstance(bad, str):  # PyTorch's binding raises TypeError for a str
        with pytest.raises(RuntimeError):
            torch.set_num_threads(bad)


def test_split_axis_is_the_first_axis_every_thread_gets_a_share_of(threads):
    threads(2)
    assert parallel.split_axis((1, 5, 64)) == 1
    assert parallel.split_axis((1, 1)) == 0


def pool_ops(x):
    """Max pooling forward and backward, and a convolution's fold and im2col copy, on x."""
    x = ag.tensor(x, requires_grad=True)
    pooled = ag.ops.window_max(x, 2, stride=2)
    overlapping = ag.ops.window_max(x, 3, stride=1)
    (pooled.sum() + (overlapping * overlapping).sum()).backward()
    windows = ag.ops.sliding_window(x, 3)
    columns = windows.permute(1, 2, 3, 0, 4, 5).reshape(-1)  # the im2col copy
    folded = ag.ops.window_fold(windows * 2.0, x.shape[-2:])
    return tuple(t.detach().numpy() for t in (pooled, overlapping, x.grad, columns, folded))


@pytest.mark.parametrize("ties", [False, True])
def test_threaded_kernels_give_exactly_the_serial_values(threads, ties):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 8, 64, 64)).astype(np.float32)  # 2 MiB: split
    if ties:
        x = np.round(x)  # many tied maxima, shared equally
    assert x.nbytes >= BIG
    threads(1)
    serial = pool_ops(x)
    threads(2)
    for ours, expected in zip(pool_ops(x), serial):
        np.testing.assert_array_equal(ours, expected)


def _pool_in_child(queue):
    x = np.arange(16 * 8 * 64 * 64, dtype=np.float32).reshape(16, 8, 64, 64)
    pooled = ag.ops.window_max(ag.tensor(x), 2, stride=2).numpy()
    queue.put(bool(np.array_equal(pooled, x[..., 1::2, 1::2])))


def test_a_forked_child_gets_threads_of_its_own(threads):
    threads(2)
    ranges_seen(4, BIG)  # the parent's pool exists, and a fork copies none of its threads
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_pool_in_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=60) is True
    finally:
        child.join(timeout=10)
        if child.exitcode is None:
            child.kill()
    assert child.exitcode == 0
