"""Layers and functions on the edges, as PyTorch: unbatched inputs, lists, bad options,
integer pooling with padding, empty batches."""

import warnings

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


LAYERS = [
    lambda lib: lib.Linear(2, 2),
    lambda lib: lib.Conv2d(1, 1, 1),
    lambda lib: lib.ConvTranspose2d(1, 1, 1),
    lambda lib: lib.LazyLinear(2),
    lambda lib: lib.LazyConv2d(2, 1),
    lambda lib: lib.LazyBatchNorm1d(),
    lambda lib: lib.ReLU(),
    lambda lib: lib.GELU(),
    lambda lib: lib.ELU(),
    lambda lib: lib.SiLU(),
    lambda lib: lib.Softplus(),
    lambda lib: lib.ReLU6(),
    lambda lib: lib.BatchNorm1d(2),
    lambda lib: lib.BatchNorm2d(2),
    lambda lib: lib.LocalResponseNorm(2),
    lambda lib: lib.MaxPool2d(2),
    lambda lib: lib.AvgPool2d(2),
    lambda lib: lib.AdaptiveAvgPool2d(1),
    lambda lib: lib.AdaptiveMaxPool2d(1),
    lambda lib: lib.AdaptiveAvgPool1d(1),
    lambda lib: lib.AdaptiveMaxPool1d(1),
    lambda lib: lib.Dropout(),
    lambda lib: lib.Flatten(),
    lambda lib: lib.Softmax(dim=0),
    lambda lib: lib.LogSoftmax(dim=0),
    lambda lib: lib.Upsample(scale_factor=2),
    lambda lib: lib.Tanh(),
    lambda lib: lib.Sigmoid(),
    lambda lib: lib.LeakyReLU(),
    lambda lib: lib.Hardtanh(),
]
LOSSES = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "KLDivLoss", "BCELoss",
          "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss", "MultiMarginLoss"]  # fmt: skip
NESTED = [[0.25, 0.5], [0.75, 1.0]]


@pytest.mark.parametrize("make", LAYERS, ids=lambda make: type(make(nn)).__name__)
def test_a_nested_list_given_to_a_layer_is_a_type_error_as_torch(make):
    with pytest.raises((TypeError, AttributeError)):  # torch's Lazy* fail on `.shape`
        make(torch.nn)(NESTED)
    layer = make(nn)
    name = type(layer).__name__
    with pytest.raises(TypeError, match=rf"{name}.*expected a Tensor input, got list"):
        layer(NESTED)


@pytest.mark.parametrize("name", LOSSES)
def test_a_nested_list_given_to_a_loss_is_a_type_error_as_torch(name):
    with warnings.catch_warnings(), pytest.raises((TypeError, AttributeError)):
        warnings.simplefilter("ignore")  # KLDivLoss's reduction warning
        getattr(torch.nn, name)()(torch.tensor(NESTED), NESTED)  # some fail on `.size()`
    with pytest.raises(TypeError, match=rf"{name}.*expected a Tensor input, got list"):
        getattr(nn, name)()(NESTED, np.array(NESTED))
    with pytest.raises(TypeError, match=rf"{name}.*expected a Tensor input, got list"):
        getattr(nn, name)()(ag.tensor(NESTED), NESTED)


def test_linear_on_a_1d_input_as_torch():
    ours, theirs = nn.Linear(3, 2).double(), torch.nn.Linear(3, 2).double()
    _copy_into(ours, theirs)
    out = ours(ag.tensor([1.0, 2.0, 3.0]))
    expected = theirs(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    assert out.shape == tuple(expected.shape) == (2,)
    np.testing.assert_allclose(np.asarray(out), expected.detach().numpy(), rtol=1e-12)


def test_bad_layer_options_are_clear_errors():
    with pytest.raises(
        TypeError, match=r"Conv2d: kernel_size must be an int or a pair of ints, got 2\.5"
    ):
        nn.Conv2d(1, 1, kernel_size=2.5)
    for bad in (float("nan"), float("inf"), -1.0):
        with pytest.raises(ValueError, match="scale_factor must be finite and positive"):
            nn.Upsample(scale_factor=bad)(ag.ones((1, 1, 2, 2)))
