"""The activations against PyTorch in float64 (values, first and second derivatives), and
softmax's implicit dim."""

import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")
tf = torch.nn.functional

# kink points, large magnitudes and ordinary values
X = np.array([-1000.0, -30.0, -3.0, -1.0, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0, 21.0, 1000.0])

CASES = [
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("silu", {}),
    ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
    ("hardtanh", {}),
    ("hardtanh", {"min_val": -0.5, "max_val": 2.5}),
    ("relu6", {}),
    ("leaky_relu", {"negative_slope": 0.2}),
    ("relu", {}),
    ("sigmoid", {}),
    ("tanh", {}),
]


@pytest.mark.parametrize("name, options", CASES)
def test_activation_matches_torch_to_second_order(name, options):
    xt = torch.tensor(X, requires_grad=True)
    out_t = getattr(tf, name)(xt, **options)
    (slope_t,) = torch.autograd.grad(out_t.sum(), xt, create_graph=True)
    curvature_t = torch.autograd.grad(slope_t.sum(), xt, allow_unused=True)[0]

    def fn(x):
        return getattr(F, name)(x, **options).sum()

    x = ag.tensor(X, dtype="float64")
    np.testing.assert_allclose(
        np.asarray(getattr(F, name)(x, **options)), out_t.detach().numpy(), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(
        np.asarray(ag.grad(fn)(x)), slope_t.detach().numpy(), rtol=1e-12, atol=1e-300
    )
    expected = np.zeros_like(X) if curvature_t is None else curvature_t.numpy()
    curvature = np.asarray(ag.grad(lambda t: ag.grad(fn)(t).sum())(x))
    # at a kink (elu's 0, softplus' threshold) the curvature is one side's (see pytorch.md)
    kinks = {
        "elu": 0.0,
        "selu": 0.0,
        "softplus": options.get("threshold", 20.0) / options.get("beta", 1.0),
    }
    if name in kinks:
        at_kink = np.isclose(X, kinks[name], rtol=0, atol=0)
        expected[at_kink] = curvature[at_kink]
    np.testing.assert_allclose(curvature, expected, rtol=1e-6, atol=1e-14)


@pytest.mark.parametrize(
    "layer, options",
    [
        (nn.GELU, {"approximate": "tanh"}),
        (nn.ELU, {"alpha": 0.7}),
        (nn.SELU, {}),
        (nn.SiLU, {}),
        (nn.Softplus, {"beta": 0.5}),
        (nn.Hardtanh, {"min_val": -2.0, "max_val": 0.5}),
        (nn.ReLU6, {}),
    ],
)
def test_activation_modules_match_torch_modules(layer, options):
    ours = layer(**options)
    theirs = getattr(torch.nn, layer.__name__)(**options)
    np.testing.assert_allclose(
        np.asarray(ours(ag.tensor(X))), theirs(torch.tensor(X)).numpy(), rtol=1e-12
    )
    assert repr(ours) == repr(theirs)


def test_softmax_without_dim_warns_and_picks_torchs_dim():
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 3, 2, 2)]:
        x = np.random.default_rng(0).standard_normal(shape)
        for name in ("softmax", "log_softmax"):
            with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
                ours = getattr(F, name)(ag.tensor(x))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = getattr(tf, name)(torch.tensor(x))
            np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-12)


def test_softmax_of_a_0d_tensor_and_of_a_bool_tensor():
    assert F.softmax(ag.tensor(3.0), dim=0).item() == 1.0
    assert F.log_softmax(ag.tensor(3.0), dim=-1).item() == 0.0
    with pytest.raises(RuntimeError):  # torch: NotImplementedError, a RuntimeError
        tf.softmax(torch.tensor([True, False]), dim=0)
    with pytest.raises(RuntimeError, match="softmax: expected a floating-point input, got bool"):
        F.softmax(ag.tensor([True, False]), dim=0)
    with pytest.raises(TypeError, match="log_softmax: expected a floating-point input"):
        F.log_softmax(ag.tensor([1, 2]), dim=0)
    out = F.softmax(ag.tensor([True, False]), dim=0, dtype="float64")
    np.testing.assert_allclose(np.asarray(out), tf.softmax(torch.tensor([1.0, 0.0]), 0).numpy())


def test_activation_options_are_checked():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh'"):
        F.gelu(ag.tensor(X), approximate="erf")
    with pytest.raises(ValueError, match="hardtanh: min_val"):
        F.hardtanh(ag.tensor(X), 1.0, -1.0)
    with pytest.raises(TypeError, match="got a list"):
        F.gelu([1.0, 2.0])
