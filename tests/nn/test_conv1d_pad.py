"""`F.conv1d`, `nn.Conv1d`, `nn.LazyConv1d`, `padding_mode` and `F.pad` against PyTorch
(float64 values and gradients, the same errors)."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")
tf = torch.nn.functional
RNG = np.random.default_rng(0)


def _both(fn_ours, fn_theirs, *arrays):
    """Values and gradients (for a random upstream) of ours and torch's on the same arrays."""
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, out_t = fn_ours(*ours), fn_theirs(*theirs)
    assert out.shape == tuple(out_t.shape)
    np.testing.assert_allclose(np.asarray(out), out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = RNG.standard_normal(out.shape)
    out.backward(ag.tensor(upstream))
    out_t.backward(torch.tensor(upstream))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a.grad), b.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "shape, weight, options",
    [
        ((2, 3, 7), (4, 3, 3), {}),
        ((2, 4, 9), (6, 2, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
        ((3, 8), (2, 3, 4), {"padding": "same", "dilation": (2,)}),
        ((1, 2, 5), (3, 2, 5), {"padding": "valid", "stride": (3,)}),
        ((1, 2, 6), (3, 2, 2), {"padding": "same"}),
    ],
)
def test_conv1d_matches_torch(shape, weight, options):
    x, w = RNG.standard_normal(shape), RNG.standard_normal(weight)
    b = RNG.standard_normal(weight[0])
    _both(
        lambda x, w, b: F.conv1d(x, w, b, **options),
        lambda x, w, b: tf.conv1d(x, w, b, **options),
        x, w, b,
    )  # fmt: skip


def test_conv1d_errors_name_conv1d():
    with pytest.raises(ValueError, match=r"conv1d: expected a 3-d input \(N, C, L\)"):
        F.conv1d(ag.ones((1, 1, 2, 2)), ag.ones((1, 1, 1)))
    with pytest.raises(ValueError, match=r"conv1d: weight must have shape \(out_channels"):
        F.conv1d(ag.ones((1, 1, 4)), ag.ones((1, 1, 1, 1)))
    with pytest.raises(ValueError, match=r"conv1d: .* do not fit with groups=2"):
        F.conv1d(ag.ones((1, 3, 4)), ag.ones((2, 1, 1)), groups=2)
    with pytest.raises(TypeError, match="conv1d: stride must be an int or a 1-tuple"):
        F.conv1d(ag.ones((1, 1, 4)), ag.ones((1, 1, 1)), stride=(1, 1))
    with pytest.raises(RuntimeError):
        tf.conv1d(torch.ones(1, 3, 4), torch.ones(2, 1, 1), groups=2)


def _copy(ours, theirs):
    with torch.no_grad():
        for (name, p), (name_t, q) in zip(ours.state_dict().items(), theirs.state_dict().items()):
            assert name == name_t and tuple(p.shape) == tuple(q.shape)
            q.copy_(torch.tensor(np.asarray(p)))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda lib, mode: lib.Conv1d(2, 3, 3, padding=2, padding_mode=mode), (2, 2, 6)),
        (lambda lib, mode: lib.Conv1d(2, 4, 4, padding="same", groups=2, padding_mode=mode),
         (2, 7)),
        (lambda lib, mode: lib.Conv2d(2, 3, (3, 2), padding=(1, 2), padding_mode=mode),
         (1, 2, 5, 5)),
        (lambda lib, mode: lib.Conv2d(2, 3, 3, padding="same", dilation=2, padding_mode=mode),
         (2, 6, 5)),
    ],
)  # fmt: skip
def test_conv_layers_with_a_padding_mode_match_torch(make, shape, mode):
    ours, theirs = make(nn, mode).double(), make(torch.nn, mode).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _copy(ours, theirs)
    _both(ours, theirs, RNG.standard_normal(shape))


def test_conv1d_layer_options_and_lazy_form_as_torch():
    layer = nn.Conv1d(4, 6, 3, stride=2, bias=False, groups=2)
    assert layer.weight.shape == (6, 2, 3) and layer.bias is None
    assert layer(ag.ones((1, 4, 9))).shape == (1, 6, 4)
    assert not isinstance(layer, nn.Conv2d)
    assert "padding_mode='circular'" in repr(nn.Conv1d(1, 1, 3, padding_mode="circular"))
    with pytest.raises(ValueError, match="Conv1d: padding_mode must be one of"):
        nn.Conv1d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="ConvTranspose2d: padding_mode must be one of 'zeros'"):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 4, L\) or \(4, L\)"):
        layer(ag.ones((1, 3, 9)))
    lazy, lazy_t = nn.LazyConv1d(3, 2), torch.nn.LazyConv1d(3, 2)
    assert lazy(ag.ones((5, 7))).shape == tuple(lazy_t(torch.ones(5, 7)).shape) == (3, 6)
    assert type(lazy) is nn.Conv1d and lazy.weight.shape == tuple(lazy_t.weight.shape)
    assert nn.LazyConv2d(2, 3)(ag.ones((4, 5, 5))).shape == (2, 3, 3)


PAD_CASES = [
    ((1, 1, 4), (2, 1)),
    ((2, 4), (-1, 3)),
    ((1, 3, 4), (3, -1)),
    ((1, 1, 4), (-2, 2)),
    ((1, 2, 4, 5), (1, -1, -1, 2)),
    ((2, 3, 4), (1, 2, 0, 1)),
    ((1, 1, 3, 3, 3), (1, 1, 2, 0, -1, 2)),
    ((1, 1, 4), (-1, -1)),
    ((3, 4), (4, 0)),
    ((1, 1, 4), (-3, 1)),
    ((0, 2, 3), (1, 1)),
    ((4,), (1, 1)),
    ((2, 3), (1, 1, 1, 1)),
    ((1, 2), (1, 1, 1, 1, 1, 1)),
    ((1, 1, 4), (-3, -2)),
]


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape, widths", PAD_CASES)
def test_pad_matches_torch_or_refuses_as_torch(shape, widths, mode):
    x = RNG.standard_normal(shape)
    try:
        tf.pad(torch.tensor(x), widths, mode=mode)
    except (RuntimeError, NotImplementedError):  # NotImplementedError is a RuntimeError
        with pytest.raises(RuntimeError, match="pad: "):
            F.pad(ag.tensor(x), widths, mode=mode)
        return
    _both(lambda x: F.pad(x, widths, mode=mode), lambda x: tf.pad(x, widths, mode=mode), x)


def test_pad_value_dtypes_and_argument_errors_as_torch():
    x = np.arange(3)
    out = F.pad(ag.tensor(x), (1, 1), value=7)
    np.testing.assert_array_equal(np.asarray(out), tf.pad(torch.tensor(x), (1, 1), value=7))
    assert out.dtype == np.int64
    flags = F.pad(ag.tensor([[True]]), (1, 0))
    assert flags.dtype == bool and np.asarray(flags).tolist() == [[False, True]]
    np.testing.assert_array_equal(
        np.asarray(F.pad(ag.ones((1, 2)), [1, 1], value=0.5)),
        tf.pad(torch.ones(1, 2), [1, 1], value=0.5).numpy(),
    )
    with pytest.raises(TypeError, match="pad: pad must be a tuple of ints"):
        F.pad(ag.ones(2), (1.0, 1))
    with pytest.raises(ValueError, match="pad: mode must be one of"):
        F.pad(ag.ones((1, 2)), (1, 1), mode="zeros")
    with pytest.raises(RuntimeError, match="pad: mode 'reflect' takes no value"):
        F.pad(ag.ones((1, 2)), (1, 1), mode="reflect", value=2.0)
    for bad, mode in (((1, 1), "zeros"), ((1.0, 1), "constant"), ((1, 1), "reflect")):
        with pytest.raises((TypeError, ValueError, RuntimeError, NotImplementedError)):
            value = 2.0 if mode == "reflect" else None
            tf.pad(torch.ones(1, 2), bad, mode=mode, value=value)
