"""nn.data: TensorDataset, DataLoader batching and seeded shuffling, and the bundled datasets."""

import sys

import numpy as np
import pytest

import autograd_core as ag
from nn.data import (
    PIXEL_PATTERN_CLASSES,
    DataLoader,
    Dataset,
    TensorDataset,
    load_digits,
    pixel_patterns,
)


def _dataset(n=10):
    return TensorDataset(ag.tensor(np.arange(n * 2, dtype=np.float32).reshape(n, 2)), ag.arange(n))


def test_tensor_dataset_items_and_length():
    data = _dataset()
    x, y = data[3]
    assert len(data) == 10 and x.detach().numpy().tolist() == [6.0, 7.0] and y.item() == 3


def test_tensor_dataset_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same first dimension"):
        TensorDataset(ag.zeros((3, 2)), ag.zeros(4))


@pytest.mark.parametrize("n, batch, drop_last, sizes", [
    (10, 4, False, [4, 4, 2]), (10, 4, True, [4, 4]), (8, 4, True, [4, 4]), (3, 5, False, [3]),
])  # fmt: skip
def test_loader_batches_in_order(n, batch, drop_last, sizes):
    loader = DataLoader(_dataset(n), batch_size=batch, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(sizes) and [len(y.detach().numpy()) for _, y in batches] == sizes
    labels = np.concatenate([y.detach().numpy() for _, y in batches])
    np.testing.assert_array_equal(labels, np.arange(sum(sizes)))
    for x, y in batches:
        np.testing.assert_array_equal(
            x.detach().numpy()[:, 0], 2 * y.detach().numpy()
        )  # rows stay paired
        assert x.dtype == np.float32 and not x.requires_grad


def test_loader_shuffle_is_a_permutation_reproducible_by_seed():
    loader = DataLoader(_dataset(20), batch_size=6, shuffle=True)
    ag.manual_seed(1)
    first = np.concatenate([y.detach().numpy() for _, y in loader])
    second = np.concatenate([y.detach().numpy() for _, y in loader])
    ag.manual_seed(1)
    again = np.concatenate([y.detach().numpy() for _, y in loader])
    assert sorted(first.tolist()) == list(range(20))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)  # a new order each epoch
    explicit = DataLoader(_dataset(20), batch_size=6, shuffle=True,
                          generator=np.random.default_rng(4))  # fmt: skip
    reference_rng = np.random.default_rng(4)
    reference_rng.integers(0, 2**62)  # each epoch first draws the workers' base seed, as torch
    reference = reference_rng.permutation(20)
    np.testing.assert_array_equal(np.concatenate([np.asarray(y) for _, y in explicit]), reference)


def test_loader_batches_by_fancy_indexing_not_per_item():
    class Counting(TensorDataset):
        calls = 0

        def __getitem__(self, index):
            Counting.calls += 1
            return super().__getitem__(index)

    data = Counting(ag.zeros((50, 3)), ag.arange(50))
    assert len(list(DataLoader(data, batch_size=10, shuffle=True))) == 5
    assert Counting.calls == 0


def test_loader_collates_a_generic_dataset():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.float32(i), {"square": i * i}

    batches = list(DataLoader(Squares(), batch_size=2))
    assert [b[0].detach().numpy().tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert batches[1][1]["square"].detach().numpy().tolist() == [4, 9]


def test_loader_argument_errors():
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(_dataset(), batch_size=0)
    with pytest.raises(TypeError, match="Generator"):
        DataLoader(_dataset(), generator=42)


def test_base_dataset_requires_getitem():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


def test_load_digits_shapes_range_and_fixed_split():
    x_train, y_train, x_test, y_test = load_digits()
    assert x_train.shape == (1438, 1, 8, 8) and x_test.shape == (359, 1, 8, 8)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.detach().numpy().min() == 0.0 and x_train.detach().numpy().max() == 1.0
    assert set(np.unique(y_test.detach().numpy())) == set(range(10))
    again = load_digits()
    np.testing.assert_array_equal(again[3].detach().numpy(), y_test.detach().numpy())
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.0)


def test_load_digits_needs_only_numpy(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # `import sklearn` now raises ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    x_train, _, _, _ = load_digits()
    assert x_train.shape == (1438, 1, 8, 8)


def test_shipped_digits_equal_scikit_learns_copy():
    datasets = pytest.importorskip("sklearn.datasets")
    x_train, y_train, x_test, y_test = load_digits(seed=0)
    reference = datasets.load_digits()
    order = np.random.default_rng(0).permutation(len(reference.target))
    images = np.concatenate([x_test.numpy(), x_train.numpy()])[:, 0] * 16
    labels = np.concatenate([y_test.numpy(), y_train.numpy()])
    np.testing.assert_array_equal(images, reference.images[order])
    np.testing.assert_array_equal(labels, reference.target[order])


def test_pixel_patterns_are_the_documented_strokes():
    x, y = pixel_patterns(n_per_class=5, noise=0.0, seed=3)
    assert x.shape == (15, 1, 3, 3) and x.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y.detach().numpy()).tolist() == [5, 5, 5]
    assert PIXEL_PATTERN_CLASSES == ("vertical", "horizontal", "diagonal")
    images = x.detach().numpy()[:, 0]
    vertical, horizontal = images[y.detach().numpy() == 0], images[y.detach().numpy() == 1]
    assert np.all(vertical[:, :, 1] == 1) and np.all(vertical.sum((1, 2)) == 3)
    assert np.all(horizontal[:, 1, :] == 1) and np.all(horizontal.sum((1, 2)) == 3)
    for image in images[y.detach().numpy() == 2]:
        assert np.array_equal(image, np.eye(3)) or np.array_equal(image, np.fliplr(np.eye(3)))


def test_pixel_patterns_noise_and_seed():
    a, _ = pixel_patterns(10, noise=0.2, seed=1)
    b, _ = pixel_patterns(10, noise=0.2, seed=1)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert a.detach().numpy().min() >= 0 and a.detach().numpy().max() <= 1
    assert 0 < np.abs(a.detach().numpy() - np.round(a.detach().numpy())).mean() < 0.2
    with pytest.raises(ValueError, match="noise"):
        pixel_patterns(noise=-1)
