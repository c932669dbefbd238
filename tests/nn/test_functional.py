"""nn.functional: gradients by central differences (hypothesis shapes, float64), values
against numpy and PyTorch, and the errors for bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

SETTINGS = settings(max_examples=20, deadline=None)


def _leaf(data, seed, shape, low=None, high=None, requires_grad=True):
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return ag.tensor(values, dtype="float64", requires_grad=requires_grad)


def _shape(data, min_dims=1, max_dims=3, label="shape"):
    return tuple(
        data.draw(st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims), label=label)
    )


# ------------------------------------------------------------------- gradients


@SETTINGS
@given(data=st.data())
def test_linear_gradients(data):
    batch = _shape(data, 1, 2, "batch shape")
    n_in, n_out = (
        data.draw(st.integers(1, 4), label="in"),
        data.draw(st.integers(1, 4), label="out"),
    )
    seed = data.draw(st.integers(0, 2**16), label="seed")
    x = _leaf(data, seed, (*batch, n_in))
    w = _leaf(data, seed + 1, (n_out, n_in))
    b = _leaf(data, seed + 2, (n_out,))
    assert ag.gradcheck(F.linear, x, w, b)
    assert ag.gradcheck(lambda x, w: F.linear(x, w), x, w)


@SETTINGS
@given(data=st.data(), name=st.sampled_from(["relu", "leaky_relu", "sigmoid", "tanh"]))
def test_activation_gradients(data, name):
    x = _leaf(data, data.draw(st.integers(0, 2**16), label="seed"), _shape(data))
    # relu and leaky_relu have a kink at 0: keep central differences away from it
    x.data[np.abs(np.asarray(x)) < 1e-3] = 0.5
    fn = getattr(F, name)
    if name == "leaky_relu":
        slope = data.draw(st.floats(0.0, 0.5), label="negative_slope")
        assert ag.gradcheck(lambda t: fn(t, slope), x)
    else:
        assert ag.gradcheck(fn, x)


@SETTINGS
@given(data=st.data(), name=st.sampled_from(["softmax", "log_softmax"]))
def test_softmax_gradients(data, name):
    shape = _shape(data)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    x = _leaf(data, data.draw(st.integers(0, 2**16), label="seed"), shape)
    assert ag.gradcheck(lambda t: getattr(F, name)(t, dim), x)


@SETTINGS
@given(data=st.data())
def test_dropout_gradients(data):
    x = _leaf(data, data.draw(st.integers(0, 2**16), label="seed"), _shape(data))
    p = data.draw(st.floats(0.05, 0.95), label="p")

    def fn(t):
        ag.manual_seed(1234)  # the same mask on every central-difference evaluation
        return F.dropout(t, p, training=True)

    assert ag.gradcheck(fn, x)


@SETTINGS
@given(data=st.data(), four_d=st.booleans(), affine=st.booleans())
def test_batch_norm_training_gradients(data, four_d, affine):
    n = data.draw(st.integers(2, 4), label="N")
    c = data.draw(st.integers(1, 3), label="C")
    shape = (n, c, *(_shape(data, 2, 2, "HW") if four_d else ()))
    seed = data.draw(st.integers(0, 2**16), label="seed")
    x = _leaf(data, seed, shape)
    w, b = _leaf(data, seed + 1, (c,)), _leaf(data, seed + 2, (c,))
    if affine:
        assert ag.gradcheck(
            lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, w, b
        )
    else:
        assert ag.gradcheck(lambda x: F.batch_norm(x, None, None, training=True), x)


@SETTINGS
@given(data=st.data(), four_d=st.booleans())
def test_batch_norm_eval_gradients(data, four_d):
    n = data.draw(st.integers(1, 4), label="N")
    c = data.draw(st.integers(1, 3), label="C")
    shape = (n, c, *(_shape(data, 2, 2, "HW") if four_d else ()))
    seed = data.draw(st.integers(0, 2**16), label="seed")
    x, w, b = _leaf(data, seed, shape), _leaf(data, seed + 1, (c,)), _leaf(data, seed + 2, (c,))
    mean = _leaf(data, seed + 3, (c,), requires_grad=False)
    var = _leaf(data, seed + 4, (c,), 0.5, 2.0, requires_grad=False)
    assert ag.gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b, training=False), x, w, b)
    np.testing.assert_array_equal(
        mean.detach().numpy(), np.random.default_rng(seed + 3).standard_normal(c)
    )


# ---------------------------------------------------------------------- values


def test_linear_matches_numpy_and_keeps_float32():
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((5, 3), (4, 3), (4,)))
    out = F.linear(ag.tensor(x), ag.tensor(w), ag.tensor(b))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.detach().numpy(), x @ w.T + b, rtol=1e-6)


def test_activations_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32) * 3
    t = torch.tensor(x)
    tf = torch.nn.functional
    pairs = [
        (F.relu(ag.tensor(x)), tf.relu(t)),
        (F.leaky_relu(ag.tensor(x), 0.2), tf.leaky_relu(t, 0.2)),
        (F.sigmoid(ag.tensor(x)), torch.sigmoid(t)),
        (F.tanh(ag.tensor(x)), torch.tanh(t)),
        (F.softmax(ag.tensor(x), dim=0), tf.softmax(t, dim=0)),
        (F.log_softmax(ag.tensor(x), dim=1), tf.log_softmax(t, dim=1)),
    ]
    for ours, theirs in pairs:
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_leaky_relu_gradient_at_zero_is_the_slope_as_in_pytorch():
    x = ag.tensor([0.0, -1.0, 1.0], requires_grad=True)
    F.leaky_relu(x, 0.1).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [0.1, 0.1, 1.0])


def test_dropout_scales_kept_values_and_is_reproducible():
    x = ag.ones((200, 50))
    ag.manual_seed(3)
    y = F.dropout(x, p=0.3)
    ag.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, p=0.3).detach().numpy(), y.detach().numpy())
    np.testing.assert_allclose(np.unique(y.detach().numpy()), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs((y.detach().numpy() == 0).mean() - 0.3) < 0.02
    assert y.dtype == np.float32


def test_dropout_identity_cases():
    x = ag.randn(3, 3)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).detach().numpy().any()


def test_dropout_rejects_bad_probability():
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(ag.ones(2), p)


def test_batch_norm_normalises_each_channel():
    x = ag.tensor(np.random.default_rng(2).standard_normal((8, 3, 2, 2)) * 5 + 2)
    y = F.batch_norm(x, None, None, training=True).detach().numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, rtol=1e-3)


def test_batch_norm_updates_running_stats_with_unbiased_variance():
    data = np.random.default_rng(4).standard_normal((6, 2)).astype(np.float32)
    mean, var = ag.zeros(2), ag.ones(2)
    F.batch_norm(ag.tensor(data), mean, var, training=True, momentum=0.25)
    np.testing.assert_allclose(mean.detach().numpy(), 0.25 * data.mean(0), rtol=1e-6)
    np.testing.assert_allclose(var.detach().numpy(), 0.75 + 0.25 * data.var(0, ddof=1), rtol=1e-6)
    assert mean.dtype == var.dtype == np.float32


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(ag.ones((1, 3)), None, None, training=True)
    with pytest.raises(ValueError, match="3 channels"):
        F.batch_norm(ag.ones((2, 3)), ag.zeros(4), ag.ones(4))
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        F.batch_norm(ag.ones(3), None, None, training=True)


def test_linear_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(2, 5\).*\(4, 3\)"):
        F.linear(ag.ones((2, 5)), ag.ones((4, 3)))
    with pytest.raises(ValueError, match="bias"):
        F.linear(ag.ones((2, 3)), ag.ones((4, 3)), ag.ones(3))
