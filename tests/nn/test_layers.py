"""Layers and nn.init: PyTorch parity (outputs, gradients, running statistics), default
initialisation, and the errors that name the layer and the shapes."""

import math

import numpy as np
import pytest

import autograd_core as ag
import nn
from nn import init


def _torch_state(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


# -------------------------------------------------------------------- Linear


def test_linear_matches_pytorch_outputs_and_gradients():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Linear(5, 3)
    ours = nn.Linear(5, 3)
    ours.load_state_dict(_torch_state(theirs))
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    upstream = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)

    xt = torch.tensor(x, requires_grad=True)
    yt = theirs(xt)
    yt.backward(torch.tensor(upstream))
    xa = ag.tensor(x, requires_grad=True)
    ya = ours(xa)
    ya.backward(upstream)

    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xa.grad.detach().numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        ours.weight.grad.detach().numpy(), theirs.weight.grad.numpy(), rtol=1e-5
    )
    np.testing.assert_allclose(ours.bias.grad.detach().numpy(), theirs.bias.grad.numpy(), rtol=1e-5)
    assert ours.weight.grad.dtype == np.float32


def test_linear_default_init_has_pytorch_bounds():
    ag.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)  # kaiming_uniform(a=sqrt(5)) gives the same bound as the bias
    for p in (layer.weight, layer.bias):
        assert p.dtype == np.float32
        assert np.abs(p.detach().numpy()).max() <= bound
        assert np.abs(p.detach().numpy()).max() > 0.95 * bound
    assert abs(layer.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.01 * bound


def test_linear_init_is_reproducible_with_manual_seed():
    ag.manual_seed(5)
    a = nn.Linear(3, 2)
    ag.manual_seed(5)
    b = nn.Linear(3, 2)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())


def test_linear_without_bias_and_batched_input():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    x = ag.randn(2, 5, 3)
    np.testing.assert_allclose(
        layer(x).detach().numpy(), x.detach().numpy() @ layer.weight.detach().numpy().T, rtol=1e-6
    )


def test_linear_rejects_wrong_feature_count():
    with pytest.raises(ValueError, match=r"Linear\(in_features=4.*\(\*, 4\).*\(2, 3\)"):
        nn.Linear(4, 2)(ag.ones((2, 3)))


# ----------------------------------------------------------------- BatchNorm


@pytest.mark.parametrize("dims", [(6, 3), (5, 3, 4), (4, 3, 2, 5)])
def test_batch_norm_matches_pytorch_in_train_and_eval(dims):
    torch = pytest.importorskip("torch")
    torch_cls = torch.nn.BatchNorm2d if len(dims) == 4 else torch.nn.BatchNorm1d
    ours = nn.BatchNorm2d(3, momentum=0.2) if len(dims) == 4 else nn.BatchNorm1d(3, momentum=0.2)
    theirs = torch_cls(3, momentum=0.2)
    rng = np.random.default_rng(7)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(rng.uniform(0.5, 2, 3).astype(np.float32)))
        theirs.bias.copy_(torch.tensor(rng.standard_normal(3).astype(np.float32)))
    ours.load_state_dict(_torch_state(theirs))
    for step in range(3):
        x = (rng.standard_normal(dims) * (step + 1) + step).astype(np.float32)
        upstream = rng.standard_normal(dims).astype(np.float32)
        xt = torch.tensor(x, requires_grad=True)
        yt = theirs(xt)
        yt.backward(torch.tensor(upstream))
        xa = ag.tensor(x, requires_grad=True)
        ya = ours(xa)
        ya.backward(upstream)
        np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(xa.grad.detach().numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(
            getattr(ours, name).grad.detach().numpy(), getattr(theirs, name).grad.numpy(), rtol=1e-4
        )
    state, expected = ours.state_dict(), _torch_state(theirs)
    assert list(state) == list(expected)
    for key in ("running_mean", "running_var"):
        np.testing.assert_allclose(state[key], expected[key], rtol=1e-5, atol=1e-6)
    assert int(state["num_batches_tracked"]) == 3
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(dims).astype(np.float32)
    np.testing.assert_allclose(
        ours(ag.tensor(x)).detach().numpy(),
        theirs(torch.tensor(x)).detach().numpy(),
        rtol=1e-4,
        atol=1e-5,
    )
    np.testing.assert_array_equal(
        ours.running_mean.detach().numpy(), state["running_mean"]
    )  # eval: no update


def test_batch_norm_cumulative_average_when_momentum_is_none():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm1d(2, momentum=None), torch.nn.BatchNorm1d(2, momentum=None)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((5, 2)).astype(np.float32)
        ours(ag.tensor(x))
        theirs(torch.tensor(x))
    np.testing.assert_allclose(
        ours.running_var.detach().numpy(), theirs.running_var.numpy(), rtol=1e-5
    )


def test_batch_norm_variants_without_affine_or_running_stats():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    for kwargs in ({"affine": False}, {"track_running_stats": False}, {"bias": False}):
        ours, theirs = nn.BatchNorm1d(3, **kwargs), torch.nn.BatchNorm1d(3, **kwargs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert repr(ours) == repr(theirs)
        for mode in (True, False):
            ours.train(mode)
            theirs.train(mode)
            np.testing.assert_allclose(
                ours(ag.tensor(x)).detach().numpy(),
                theirs(torch.tensor(x)).detach().numpy(),
                atol=1e-5,
            )


def test_batch_norm_failed_forward_leaves_state_unchanged():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than 1 value"):
        layer(ag.ones((1, 3)))
    assert int(layer.num_batches_tracked.detach().numpy()) == 0
    np.testing.assert_array_equal(layer.running_var.detach().numpy(), np.ones(3))


def test_batch_norm_rejects_wrong_rank_or_channels():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3.*\(N, 3, H, W\).*\(2, 3\)"):
        nn.BatchNorm2d(3)(ag.ones((2, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3.*\(N, 3\) or \(N, 3, L\).*\(2, 4\)"):
        nn.BatchNorm1d(3)(ag.ones((2, 4)))
    with pytest.raises(ValueError, match="num_features"):
        nn.BatchNorm1d(0)


# ------------------------------------------------------------ other layers


def test_activation_layers_match_functional_forms():
    x = ag.randn(3, 4)
    f = nn.functional
    assert np.array_equal(nn.ReLU()(x).detach().numpy(), f.relu(x).detach().numpy())
    assert np.array_equal(
        nn.LeakyReLU(0.3)(x).detach().numpy(), f.leaky_relu(x, 0.3).detach().numpy()
    )
    assert np.array_equal(nn.Sigmoid()(x).detach().numpy(), f.sigmoid(x).detach().numpy())
    assert np.array_equal(nn.Tanh()(x).detach().numpy(), f.tanh(x).detach().numpy())
    assert np.array_equal(nn.Softmax(dim=0)(x).detach().numpy(), f.softmax(x, 0).detach().numpy())
    assert np.array_equal(
        nn.LogSoftmax(dim=1)(x).detach().numpy(), f.log_softmax(x, 1).detach().numpy()
    )
    assert nn.Identity(54, unused=1)(x) is x


def test_softmax_layer_rejects_missing_dim():
    with pytest.raises(ValueError, match=r"Softmax\(dim=2\)"):
        nn.Softmax(dim=2)(ag.ones((2, 2)))


def test_flatten_matches_pytorch_shapes():
    torch = pytest.importorskip("torch")
    x = np.zeros((2, 3, 4, 5), dtype=np.float32)
    for args in ((), (0,), (1, 2), (2, -1), (0, -2)):
        assert nn.Flatten(*args)(ag.tensor(x)).shape == tuple(torch.nn.Flatten(*args)(
            torch.tensor(x)).shape)  # fmt: skip
    with pytest.raises(ValueError, match="Flatten"):
        nn.Flatten(start_dim=3)(ag.ones((2, 3)))


def test_dropout_layer_follows_train_and_eval():
    layer = nn.Dropout(0.5)
    x = ag.ones(1000)
    assert (layer(x).detach().numpy() == 0).any()
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.2)


# ------------------------------------------------------------------ nn.init


def test_calculate_gain_matches_pytorch():
    torch = pytest.importorskip("torch")
    for name in ("linear", "conv2d", "sigmoid", "tanh", "relu", "selu"):
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2)
    )
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_follow_pytorch_for_linear_and_conv_layouts():
    torch = pytest.importorskip("torch")
    for shape in ((7, 5), (8, 3, 3, 3), (4, 2, 5)):
        ours = init._calculate_fan_in_and_fan_out(ag.zeros(shape))
        theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
        assert ours == theirs
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(ag.zeros(3))


@pytest.mark.parametrize(
    "fn, kwargs, expected_std",
    [
        (init.kaiming_uniform_, {"nonlinearity": "relu"}, math.sqrt(2 / 200)),
        (init.kaiming_normal_, {"nonlinearity": "relu", "mode": "fan_out"}, math.sqrt(2 / 100)),
        (init.xavier_uniform_, {"gain": 2.0}, 2.0 * math.sqrt(2 / 300)),
        (init.xavier_normal_, {}, math.sqrt(2 / 300)),
        (init.normal_, {"mean": 0.0, "std": 0.3}, 0.3),
        (init.uniform_, {"a": -1.0, "b": 1.0}, 1 / math.sqrt(3)),
    ],
)
def test_init_spreads(fn, kwargs, expected_std):
    for dtype in ("float32", "float64"):
        t = ag.zeros((100, 200), dtype=dtype)
        array = t.detach().numpy()
        assert fn(t, **kwargs) is t
        assert t.detach().numpy() is array and t.dtype == dtype  # in place, dtype kept
        assert abs(t.detach().numpy().std() - expected_std) < 0.03 * expected_std


def test_constant_inits():
    t = ag.zeros((2, 3))
    assert init.ones_(t).detach().numpy().sum() == 6
    assert init.zeros_(t).detach().numpy().sum() == 0
    assert np.all(init.constant_(t, 2.5).detach().numpy() == 2.5)


def test_init_errors():
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(ag.zeros((2, 2)), mode="fan_middle")
    with pytest.raises(TypeError, match="Tensor"):
        init.zeros_(np.zeros(3))
