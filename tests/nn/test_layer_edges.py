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
    out = ours(ag.tensor([1.0, 2.0, 3.0], dtype="float64"))
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


DTYPE_LAYERS = {
    "Linear": (lambda lib: lib.Linear(4, 2), (3, 4)),
    "Conv2d": (lambda lib: lib.Conv2d(2, 3, 1), (1, 2, 4, 4)),
    "ConvTranspose2d": (lambda lib: lib.ConvTranspose2d(2, 3, 1), (2, 4, 4)),
    "BatchNorm1d": (lambda lib: lib.BatchNorm1d(2), (3, 2)),
    "BatchNorm2d": (lambda lib: lib.BatchNorm2d(2, affine=False), (3, 2, 4, 4)),
    "LazyLinear": (lambda lib: lib.LazyLinear(2), (3, 4)),
    "LazyConv2d": (lambda lib: lib.LazyConv2d(3, 1), (1, 2, 4, 4)),
}
MISMATCHES = [
    (layer, dtype, double)
    for layer in DTYPE_LAYERS
    for dtype, double in [
        ("float64", False),
        ("float32", True),
        ("int64", False),
        ("float16", False),
    ]
    # float16 into a float32 BatchNorm is torch's one mixed case (tested below)
    if not (dtype == "float16" and layer.startswith("BatchNorm"))
]


@pytest.mark.parametrize("layer, dtype, double", MISMATCHES)
def test_an_input_of_another_dtype_than_the_layer_raises_as_torch(layer, dtype, double):
    make, shape = DTYPE_LAYERS[layer]
    theirs, ours = make(torch.nn), make(nn)
    if double:
        theirs.double(), ours.double()
    with pytest.raises(RuntimeError):
        theirs(torch.zeros(shape, dtype=getattr(torch, dtype)))
    name = layer.replace("Lazy", "")
    with pytest.raises(RuntimeError, match=rf"{name}.*the input is {dtype} but the layer's "):
        ours(ag.zeros(shape, dtype=dtype))
    with pytest.raises(TypeError):  # a DTypeError is a TypeError too
        ours(np.zeros(shape, dtype=dtype))


def test_a_lazy_layer_cast_before_its_first_forward_keeps_the_dtype_as_torch():
    ours, theirs = nn.LazyConv2d(3, 1).double(), torch.nn.LazyConv2d(3, 1).double()
    out = ours(ag.zeros((1, 2, 4, 4), dtype="float64"))
    theirs(torch.zeros((1, 2, 4, 4), dtype=torch.float64))
    assert out.dtype == ours.weight.dtype == ours.bias.dtype == np.float64
    assert theirs.weight.dtype == torch.float64


def test_a_layer_without_parameters_keeps_the_input_dtype_as_torch():
    x = np.random.default_rng(1).standard_normal((3, 2))
    ours = nn.BatchNorm1d(2, affine=False, track_running_stats=False)(ag.tensor(x))
    theirs = torch.nn.BatchNorm1d(2, affine=False, track_running_stats=False)(torch.tensor(x))
    assert ours.dtype == np.float64 and theirs.dtype == torch.float64
    np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-12, atol=1e-12)


def test_float16_into_a_float32_batch_norm_is_computed_in_float32_as_torch():
    x = np.random.default_rng(2).standard_normal((3, 2, 4, 4)).astype(np.float16)
    ours, theirs = nn.BatchNorm2d(2), torch.nn.BatchNorm2d(2)
    xs, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, out_t = ours(xs), theirs(xt)
    assert out.dtype == np.float16 and ours.running_mean.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), out_t.detach().numpy(), atol=2e-3)
    np.testing.assert_allclose(np.asarray(ours.running_var), theirs.running_var.numpy(), rtol=1e-3)
    out.sum().backward(), out_t.sum().backward()
    assert xs.grad.dtype == np.float16
    with pytest.raises(RuntimeError, match="the input is float16 but the layer's parameters are"):
        nn.BatchNorm2d(2).double()(xs)


FUNCTIONS = {
    "linear": ((3, 4), (2, 4), (2,)),
    "conv1d": ((1, 2, 5), (3, 2, 2), (3,)),
    "conv2d": ((1, 2, 4, 4), (3, 2, 2, 2), (3,)),
    "conv_transpose2d": ((1, 2, 4, 4), (2, 3, 2, 2), (3,)),
}


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("odd_one", ["input", "weight", "bias"])
def test_functions_refuse_operands_of_mixed_dtypes_as_torch(name, odd_one):
    shapes = dict(zip(("input", "weight", "bias"), FUNCTIONS[name]))
    dtypes = {key: ("float64" if key == odd_one else "float32") for key in shapes}
    operands = [torch.zeros(shapes[k], dtype=getattr(torch, dtypes[k])) for k in shapes]
    if (name, odd_one) == ("conv_transpose2d", "bias"):  # torch casts it (docs/pytorch.md)
        assert getattr(torch.nn.functional, name)(*operands).dtype == torch.float32
    else:
        with pytest.raises(RuntimeError):
            getattr(torch.nn.functional, name)(*operands)
    with pytest.raises(RuntimeError, match=rf"{name}: the operands must share one dtype, got "):
        getattr(F, name)(*(ag.zeros(shapes[k], dtype=dtypes[k]) for k in shapes))
    out = getattr(F, name)(*(ag.zeros(shapes[k], dtype="float64") for k in shapes))
    assert out.dtype == np.float64
