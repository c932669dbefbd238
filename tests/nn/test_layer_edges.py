"""Layers and functions on the edges, as PyTorch: unbatched inputs, lists, bad options,
integer pooling with padding, empty batches."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")

IMAGE = np.random.default_rng(0).standard_normal((2, 4, 4))


def _copy_into(ours, theirs):
    with torch.no_grad():
        for (_, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            q.copy_(torch.tensor(np.asarray(p)))


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.Conv2d(2, 3, 3, padding=1),
        lambda lib: lib.ConvTranspose2d(2, 3, 2, stride=2),
        lambda lib: lib.MaxPool2d(2),
        lambda lib: lib.AvgPool2d(2, padding=1),
        lambda lib: lib.Linear(4, 3),
    ],
)
def test_unbatched_input_gives_torchs_output_and_gradient(make):
    ours = make(nn)
    theirs = make(torch.nn)
    ours.double()
    theirs.double()
    _copy_into(ours, theirs)
    x = ag.tensor(IMAGE, requires_grad=True)
    xt = torch.tensor(IMAGE, requires_grad=True)
    out, out_t = ours(x), theirs(xt)
    assert out.shape == tuple(out_t.shape)
    np.testing.assert_allclose(np.asarray(out), out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    (out * out).sum().backward()
    (out_t * out_t).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_unbatched_max_pool_indices_unpool_as_torch():
    out, where = F.max_pool2d(ag.tensor(IMAGE), 2, return_indices=True)
    out_t, where_t = torch.nn.functional.max_pool2d(torch.tensor(IMAGE), 2, return_indices=True)
    np.testing.assert_array_equal(np.asarray(where), where_t.numpy())
    back = F.max_unpool2d(out, where, 2)
    np.testing.assert_array_equal(
        np.asarray(back), torch.nn.functional.max_unpool2d(out_t, where_t, 2).numpy()
    )


def test_integer_max_pool_with_padding_as_torch():
    x = np.arange(16).reshape(1, 1, 4, 4)
    out = F.max_pool2d(ag.tensor(x), 2, padding=1)
    expected = torch.nn.functional.max_pool2d(torch.tensor(x), 2, padding=1)
    np.testing.assert_array_equal(np.asarray(out), expected.numpy())
    assert out.dtype == np.int64


def test_max_unpool_of_an_empty_batch_has_torchs_shape():
    out = F.max_unpool2d(ag.ones((0, 1, 2, 2)), np.zeros((0, 1, 2, 2), dtype=np.int64), 2)
    assert out.shape == (0, 1, 4, 4)


@pytest.mark.parametrize(
    "layer",
    [
        nn.Linear(2, 2),
        nn.Conv2d(1, 1, 1),
        nn.ReLU(),
        nn.GELU(),
        nn.BatchNorm1d(2),
        nn.MaxPool2d(2),
        nn.AvgPool2d(2),
        nn.Dropout(),
        nn.Flatten(),
        nn.Softmax(dim=0),
        nn.Upsample(scale_factor=2),
        nn.Tanh(),
        nn.Sigmoid(),
        nn.LeakyReLU(),
        nn.Hardtanh(),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_a_nested_list_given_to_a_layer_is_a_clear_type_error(layer):
    with pytest.raises(
        TypeError, match=rf"{type(layer).__name__}.*expected a Tensor input, got list"
    ):
        layer([[1.0, 2.0], [3.0, 4.0]])


def test_bad_layer_options_are_clear_errors():
    with pytest.raises(
        TypeError, match=r"Conv2d: kernel_size must be an int or a pair of ints, got 2\.5"
    ):
        nn.Conv2d(1, 1, kernel_size=2.5)
    for bad in (float("nan"), float("inf"), -1.0):
        with pytest.raises(ValueError, match="scale_factor must be finite and positive"):
            nn.Upsample(scale_factor=bad)(ag.ones((1, 1, 2, 2)))
