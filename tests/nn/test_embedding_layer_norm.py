"""`F.embedding`/`nn.Embedding`, `F.one_hot`, `F.layer_norm`/`nn.LayerNorm` and
`F.normalize` against PyTorch: float64 values and gradients, state_dict keys, errors."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)

torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")
tf = torch.nn.functional
RNG = np.random.default_rng(0)


def _grads(out, out_t, inputs, inputs_t):
    upstream = RNG.standard_normal(out.shape)
    out.backward(ag.tensor(upstream))
    out_t.backward(torch.tensor(upstream))
    for a, b in zip(inputs, inputs_t):
        np.testing.assert_allclose(np.asarray(a.grad), b.grad.numpy(), rtol=1e-12, atol=1e-12)


def _close(a, b):
    assert a.shape == tuple(b.shape)
    np.testing.assert_allclose(np.asarray(a), b.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("padding_idx", [None, 0, 2, -1])
def test_embedding_values_and_gradients_match_torch(padding_idx):
    index = np.array([[0, 2, 1], [2, 2, 3]])
    w = RNG.standard_normal((4, 3))
    weight, weight_t = ag.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = F.embedding(ag.tensor(index), weight, padding_idx=padding_idx)
    out_t = tf.embedding(torch.tensor(index), weight_t, padding_idx=padding_idx)
    _close(out, out_t)
    _grads(out, out_t, [weight], [weight_t])  # repeats accumulate, the padding row gets none


def test_embedding_errors_as_torch():
    weight = ag.ones((3, 2))
    for index, kind in ((np.array([3]), IndexError), (np.array([-1]), IndexError),
                        (np.array([0.0]), RuntimeError)):  # fmt: skip
        with pytest.raises(kind):
            tf.embedding(torch.tensor(index), torch.ones(3, 2))
        with pytest.raises(kind, match="embedding: "):
            F.embedding(index, weight)
    with pytest.raises(RuntimeError, match="embedding: weight must be 2-d"):
        F.embedding(np.array([0]), ag.ones(3))
    with pytest.raises(RuntimeError, match=r"max_norm=1\.0 is not supported"):
        F.embedding(np.array([0]), weight, max_norm=1.0)


def test_embedding_layer_as_torch():
    ours, theirs = nn.Embedding(5, 3, padding_idx=-1), torch.nn.Embedding(5, 3, padding_idx=-1)
    assert ours.padding_idx == theirs.padding_idx == 4
    assert repr(ours) == repr(theirs) == "Embedding(5, 3, padding_idx=4)"
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert np.asarray(ours.weight)[4].tolist() == [0.0, 0.0, 0.0]
    assert 0.5 < np.asarray(nn.Embedding(1000, 10).weight).std() < 1.5  # N(0, 1)
    theirs.weight.data = torch.tensor(np.asarray(ours.weight), dtype=torch.float32)
    index = np.array([[4, 1], [0, 1]])
    np.testing.assert_allclose(
        np.asarray(ours(ag.tensor(index))), theirs(torch.tensor(index)).detach().numpy()
    )
    with pytest.raises(ValueError, match="padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(AssertionError):
        torch.nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(TypeError, match="expected a Tensor input, got list"):
        ours([1, 2])


def test_embedding_from_pretrained_as_torch():
    table = np.arange(6.0).reshape(3, 2)
    ours = nn.Embedding.from_pretrained(ag.tensor(table))
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table))
    assert ours.weight.requires_grad is theirs.weight.requires_grad is False
    _close(ours(ag.tensor([2, 0])), theirs(torch.tensor([2, 0])))
    trainable = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)
    assert trainable.weight.requires_grad and trainable.padding_idx == 0
    assert np.asarray(trainable.weight)[0].tolist() == [0.0, 1.0]  # kept, as torch keeps it
    table[0, 0] = 9.0  # a copy: the array given is not shared
    assert np.asarray(trainable.weight)[0, 0] == 0.0


def test_one_hot_as_torch():
    for index, classes in ((np.array([0, 2]), -1), (np.array([[1], [0]]), 3), (np.array(2), 4),
                           (np.zeros(0, np.int64), 3)):  # fmt: skip
        out = F.one_hot(ag.tensor(index), classes)
        expected = tf.one_hot(torch.tensor(index), classes)
        assert out.dtype == np.int64 and out.shape == tuple(expected.shape)
        np.testing.assert_array_equal(np.asarray(out), expected.numpy())
    for index, classes in ((np.array([-1]), -1), (np.array([3]), 3), (np.zeros(0, np.int64), -1),
                           (np.array([0.0]), -1)):  # fmt: skip
        with pytest.raises(RuntimeError):
            tf.one_hot(torch.tensor(index), classes)
        with pytest.raises(RuntimeError, match="one_hot: "):
            F.one_hot(ag.tensor(index), classes)


@pytest.mark.parametrize(
    "shape, normalized, affine",
    [((2, 5), (5,), True), ((2, 3, 4), (3, 4), True), ((3, 4), 4, False), ((4,), (4,), True)],
)
def test_layer_norm_matches_torch(shape, normalized, affine):
    x = RNG.standard_normal(shape)
    size = (normalized,) if isinstance(normalized, int) else normalized
    arrays = [x] + ([RNG.standard_normal(size), RNG.standard_normal(size)] if affine else [])
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = F.layer_norm(ours[0], normalized, *ours[1:], eps=1e-3)
    out_t = tf.layer_norm(theirs[0], size, *theirs[1:], eps=1e-3)
    _close(out, out_t)
    _grads(out, out_t, ours, theirs)


def test_layer_norm_layer_as_torch():
    for kwargs in ({}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-3}):
        ours, theirs = nn.LayerNorm((2, 3), **kwargs), torch.nn.LayerNorm((2, 3), **kwargs)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        x = RNG.standard_normal((4, 2, 3))
        ours.double(), theirs.double()
        _close(ours(ag.tensor(x)), theirs(torch.tensor(x)))
    with pytest.raises(RuntimeError):
        torch.nn.LayerNorm(4)(torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"expected input of shape \(\*, 4\)"):
        nn.LayerNorm(4)(ag.ones((2, 3)))
    with pytest.raises(RuntimeError, match="the input is float64 but the layer's parameters"):
        nn.LayerNorm(3)(ag.ones((2, 3), dtype="float64"))
    with pytest.raises(RuntimeError, match="layer_norm: normalized_shape"):
        F.layer_norm(ag.ones((2, 3)), (2,))


@pytest.mark.parametrize("p, dim", [(2.0, 1), (1.0, 0), (3.0, -1), (2.0, 2)])
def test_normalize_matches_torch(p, dim):
    x = RNG.standard_normal((2, 3, 4))
    x[0, :, 0] = 0.0  # a zero vector (along dim 1) stays zero, with a finite gradient
    xs, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, out_t = F.normalize(xs, p, dim), tf.normalize(xt, p, dim)
    _close(out, out_t)
    _grads(out, out_t, [xs], [xt])


def test_layers_added_here_match_torch_state_dict_keys():
    pairs = [(nn.Embedding(3, 2), torch.nn.Embedding(3, 2)),
             (nn.LayerNorm(4), torch.nn.LayerNorm(4)),
             (nn.Conv1d(2, 3, 3), torch.nn.Conv1d(2, 3, 3))]  # fmt: skip
    for ours, theirs in pairs:
        state, state_t = ours.state_dict(), theirs.state_dict()
        assert list(state) == list(state_t)
        assert all(tuple(state[k].shape) == tuple(state_t[k].shape) for k in state)
