"""DataLoader with real worker processes (order, seeding, failures, persistence), default
collation against PyTorch's, samplers, and the dataset combinators (Subset, ConcatDataset,
random_split)."""

import collections
import os

import numpy as np
import pytest

import autograd_core as ag
from nn import data
from nn.data import DataLoader, Dataset, TensorDataset


class Noisy(Dataset):
    """Sample i: (i, a random number from the global generator, the worker's id and pid)."""

    def __init__(self, n=12, fail_at=None):
        self.n, self.fail_at = n, fail_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"bad sample {i}")
        info = data.get_worker_info()
        worker = -1 if info is None else info.id
        return {"index": i, "noise": ag.rand(2), "worker": worker, "pid": os.getpid()}


def _indices(loader):
    return np.concatenate([batch["index"].numpy() for batch in loader]).tolist()


def test_workers_yield_the_same_batches_in_the_same_order():
    tensors = TensorDataset(ag.arange(11) * 2, ag.arange(11))
    plain = list(DataLoader(tensors, batch_size=3))
    parallel = list(DataLoader(tensors, batch_size=3, num_workers=2))
    assert [[b.tolist() for b in batch] for batch in plain] == [
        [b.tolist() for b in batch] for batch in parallel
    ]
    order = _indices(
        DataLoader(Noisy(), batch_size=5, shuffle=True, generator=np.random.default_rng(3))
    )
    loader = DataLoader(Noisy(), batch_size=5, shuffle=True, num_workers=2,
                        generator=np.random.default_rng(3))  # fmt: skip
    batches = list(loader)
    assert _indices(batches) == order
    assert [b["worker"].tolist() for b in batches] == [[0] * 5, [1] * 5, [0] * 2]
    assert len({b["pid"][0].item() for b in batches} | {os.getpid()}) == 3


_INIT = {}


def _remember_init(worker_id):
    _INIT["id"] = worker_id * 10  # seen by this worker's samples only


class Marked(Noisy):
    def __getitem__(self, i):
        return {**super().__getitem__(i), "init": _INIT.get("id", -1)}


def test_workers_are_seeded_from_the_global_seed_and_call_worker_init_fn():
    def run():
        loader = DataLoader(Marked(8), batch_size=2, num_workers=2, worker_init_fn=_remember_init)
        return list(loader)

    ag.manual_seed(0)
    first = run()
    ag.manual_seed(0)
    again = run()
    ag.manual_seed(1)
    other = run()
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a["noise"].numpy(), b["noise"].numpy())
    assert not np.array_equal(first[0]["noise"].numpy(), other[0]["noise"].numpy())
    # workers 0 and 1 draw from different streams (seeds base + 0 and base + 1)
    assert not np.array_equal(first[0]["noise"].numpy(), first[1]["noise"].numpy())
    assert [b["init"].tolist() for b in first] == [[0, 0], [10, 10], [0, 0], [10, 10]]
    assert "id" not in _INIT  # the main process ran no worker_init_fn


def test_a_failing_sample_raises_its_error_in_the_main_process_naming_the_index():
    loader = DataLoader(Noisy(10, fail_at=7), batch_size=2, num_workers=2)
    iterator = iter(loader)
    with pytest.raises(ValueError, match=r"worker process 1 while loading sample index 7"):
        for _ in iterator:
            pass
    assert all(not w.is_alive() for w in iterator.workers)


def test_a_failing_worker_init_fn_is_reported():
    def fails(worker_id):
        raise KeyError(f"no config for worker {worker_id}")

    with pytest.raises(KeyError, match="worker_init_fn"):
        list(DataLoader(Noisy(4), batch_size=2, num_workers=2, worker_init_fn=fails))


class Dies(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        os._exit(3)


def test_a_worker_that_dies_is_reported():
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(DataLoader(Dies(), batch_size=2, num_workers=2))


def test_persistent_workers_serve_every_epoch_and_stop_when_dropped():
    loader = DataLoader(Noisy(6), batch_size=2, num_workers=2, persistent_workers=True)
    pids = [{b["pid"][0].item() for b in loader} for _ in range(3)]
    assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
    # an abandoned epoch does not leak its batches into the next one
    partial = iter(loader)
    next(partial)
    assert _indices(loader) == list(range(6))
    workers = loader._iterator.workers
    loader._iterator.shutdown()
    assert all(not w.is_alive() for w in workers)


def test_loader_without_batching_and_with_samplers():
    dataset = TensorDataset(ag.arange(5))
    assert [x.item() for (x,) in DataLoader(dataset, batch_size=None)] == [0, 1, 2, 3, 4]
    sampler = data.SubsetRandomSampler([4, 1, 3], generator=np.random.default_rng(0))
    loader = DataLoader(dataset, batch_size=2, sampler=sampler)
    assert sorted(np.concatenate([x.numpy() for (x,) in loader]).tolist()) == [1, 3, 4]
    batches = data.BatchSampler(data.SequentialSampler(dataset), batch_size=2, drop_last=True)
    loader = DataLoader(dataset, batch_sampler=batches)
    assert len(loader) == 2 and [x.tolist() for (x,) in loader] == [[0, 1], [2, 3]]
    draws = list(data.RandomSampler(dataset, replacement=True, num_samples=20))
    assert len(draws) == 20 and set(draws) <= set(range(5))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_workers": -1}, "num_workers"),
        ({"persistent_workers": True}, "num_workers > 0"),
        ({"shuffle": True, "sampler": [0, 1]}, "mutually exclusive"),
        ({"batch_sampler": [[0]], "batch_size": 2}, "mutually exclusive"),
        ({"timeout": -1}, "timeout"),
    ],
)
def test_loader_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(TensorDataset(ag.arange(3)), **kwargs)


Point = collections.namedtuple("Point", "x y")


def _samples():
    rng = np.random.default_rng(0)
    return [
        {
            "image": rng.standard_normal((2, 3)).astype(np.float32),
            "label": int(i),
            "weight": float(i) / 2,
            "flag": bool(i % 2),
            "scalar": np.float32(i),
            "name": f"s{i}",
            "pair": (np.int64(i), [i, i + 1]),
            "point": Point(float(i), i),
        }
        for i in range(3)
    ]


def _compare(ours, theirs, torch):
    if torch.is_tensor(theirs):
        assert isinstance(ours, ag.Tensor), (ours, theirs)
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and ours.keys() == theirs.keys()
        for key in theirs:
            _compare(ours[key], theirs[key], torch)
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _compare(a, b, torch)
    else:
        assert ours == theirs


def test_default_collate_matches_pytorch():
    torch = pytest.importorskip("torch")
    samples = _samples()
    _compare(data.default_collate(samples), torch.utils.data.default_collate(samples), torch)
    tensors = [(ag.tensor([1.0, 2.0]), 3), (ag.tensor([4.0, 5.0]), 6)]
    batch = data.default_collate(tensors)
    assert isinstance(batch, list) and batch[0].shape == (2, 2) and batch[1].tolist() == [3, 6]
    with pytest.raises(RuntimeError, match="same shape"):
        data.default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="equal size"):
        data.default_collate([(1, 2), (1,)])
    with pytest.raises(TypeError, match="found <class 'object'>"):
        data.default_collate([object()])


def test_subset_and_concat_index_as_pytorch():
    torch = pytest.importorskip("torch")
    values = [TensorDataset(ag.arange(4)), TensorDataset(ag.arange(3) + 10)]
    values_t = [torch.utils.data.TensorDataset(torch.arange(4)),
                torch.utils.data.TensorDataset(torch.arange(3) + 10)]  # fmt: skip
    both, both_t = data.ConcatDataset(values), torch.utils.data.ConcatDataset(values_t)
    assert len(both) == len(both_t) and both.cumulative_sizes == both_t.cumulative_sizes
    for i in range(-7, 7):
        assert both[i][0].item() == both_t[i][0].item()
    with pytest.raises(IndexError, match="out of range"):
        both[7]
    assert len(values[0] + values[1]) == 7
    part = data.Subset(both, [6, 0, 4])
    assert [part[i][0].item() for i in range(3)] == [12, 0, 10]
    assert [x.tolist() for (x,) in DataLoader(part, batch_size=3)] == [[12, 0, 10]]


@pytest.mark.parametrize(
    "n, lengths",
    [(10, [0.7, 0.3]), (10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]), (11, [0.1, 0.2, 0.3, 0.4]),
     (10, [3, 7])],
)  # fmt: skip
def test_random_split_lengths_match_pytorch(n, lengths):
    torch = pytest.importorskip("torch")
    ours = data.random_split(TensorDataset(ag.arange(n)), lengths, np.random.default_rng(0))
    theirs = torch.utils.data.random_split(torch.utils.data.TensorDataset(torch.arange(n)), lengths)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s.indices) == list(range(n))


def test_random_split_errors_and_seeding():
    dataset = TensorDataset(ag.arange(10))
    with pytest.raises(ValueError, match="sum to 9"):
        data.random_split(dataset, [4, 5])
    with pytest.raises(ValueError, match="non-negative ints"):
        data.random_split(dataset, [0.5, 9.5])
    ag.manual_seed(0)
    first = [s.indices for s in data.random_split(dataset, [5, 5])]
    ag.manual_seed(0)
    assert [s.indices for s in data.random_split(dataset, [5, 5])] == first
