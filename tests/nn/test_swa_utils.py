"""swa_utils against PyTorch's: SWA and EMA averages (with and without buffers), update_bn,
SWALR's rates, state_dict keys, and the errors."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from nn.optim import swa_utils


def _models(torch):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(), torch.nn.Linear(5, 2)
    )
    ours = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


AVERAGES = {
    "swa": lambda m: dict(),
    "swa-buffers": lambda m: dict(use_buffers=True),
    "ema-multi": lambda m: dict(multi_avg_fn=m.get_ema_multi_avg_fn(0.8)),
    "ema-multi-buffers": lambda m: dict(multi_avg_fn=m.get_ema_multi_avg_fn(0.7), use_buffers=True),
    "ema-per-tensor": lambda m: dict(avg_fn=m.get_ema_avg_fn(0.9)),
    "swa-per-tensor-buffers": lambda m: dict(avg_fn=m.get_swa_avg_fn(), use_buffers=True),
}


@pytest.mark.parametrize("kind", list(AVERAGES))
def test_averaged_model_matches_pytorch_along_training(kind):
    torch = pytest.importorskip("torch")
    ours, theirs = _models(torch)
    avg = swa_utils.AveragedModel(ours, **AVERAGES[kind](swa_utils))
    avg_t = torch.optim.swa_utils.AveragedModel(theirs, **AVERAGES[kind](torch.optim.swa_utils))
    assert list(avg.state_dict()) == list(avg_t.state_dict())
    opt = nn.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.standard_normal((6, 3)).astype(np.float32)
        y = rng.integers(0, 2, 6)
        opt.zero_grad()
        F.cross_entropy(ours(ag.tensor(x)), y).backward()
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        opt_t.step()
        avg.update_parameters(ours)
        avg_t.update_parameters(theirs)
    expected = avg_t.state_dict()
    for key, value in avg.state_dict().items():
        assert value.dtype == expected[key].numpy().dtype, key
        np.testing.assert_allclose(value, expected[key].numpy(), rtol=1e-5, atol=1e-6, err_msg=key)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    avg.eval()
    avg_t.eval()
    np.testing.assert_allclose(
        np.asarray(avg(ag.tensor(x))), avg_t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )


def test_update_bn_matches_pytorch_and_restores_mode_and_momentum():
    torch = pytest.importorskip("torch")
    ours, theirs = _models(torch)
    ours.eval()
    theirs.eval()
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((7, 3)).astype(np.float32) for _ in range(3)]
    labels = np.zeros(7, dtype=np.int64)
    swa_utils.update_bn([(ag.tensor(b), ag.tensor(labels)) for b in batches], ours)
    torch.optim.swa_utils.update_bn(
        [(torch.tensor(b), torch.tensor(labels)) for b in batches], theirs
    )
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-5, err_msg=key)
    assert not ours.training and ours[1].momentum == 0.1


def test_averaged_model_state_dict_loads_into_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _models(torch)
    avg = swa_utils.AveragedModel(ours)
    avg.update_parameters(ours)
    avg_t = torch.optim.swa_utils.AveragedModel(theirs)
    avg_t.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in avg.state_dict().items()})
    assert int(avg_t.n_averaged) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"swa_lr": 0.05},
        {"swa_lr": [0.05, 0.5], "anneal_epochs": 3, "anneal_strategy": "linear"},
        {"swa_lr": 0.01, "anneal_epochs": 0},
        {"swa_lr": 0.2, "anneal_epochs": 4},
    ],
)
def test_swalr_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    ours = nn.optim.SGD(
        [{"params": [nn.Parameter(np.ones(1))]}, {"params": [nn.Parameter(np.ones(1))], "lr": 1.0}],
        lr=0.1,
    )
    theirs = torch.optim.SGD(
        [{"params": [torch.nn.Parameter(torch.ones(1))]},
         {"params": [torch.nn.Parameter(torch.ones(1))], "lr": 1.0}],
        lr=0.1,
    )  # fmt: skip
    sched = swa_utils.SWALR(ours, **kwargs)
    sched_t = torch.optim.swa_utils.SWALR(theirs, **kwargs)
    for _ in range(14):
        assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=1e-12)
        ours.step()
        theirs.step()
        sched.step()
        sched_t.step()
    state = sched.state_dict()
    assert "anneal_func" not in state and state["_anneal_strategy"] == sched_t._anneal_strategy
    other = swa_utils.SWALR(nn.optim.SGD([nn.Parameter(np.ones(1))] * 1, lr=0.1), swa_lr=0.3)
    other.optimizer.add_param_group({"params": [nn.Parameter(np.ones(1))]})
    other.load_state_dict(state)
    assert other.anneal_func(1.0) == 1.0


def test_swa_utils_errors():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="not both"):
        swa_utils.AveragedModel(
            model, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=swa_utils.get_swa_multi_avg_fn()
        )
    with pytest.raises(ValueError, match="CPU only"):
        swa_utils.AveragedModel(model, device="cuda")
    with pytest.raises(TypeError, match="Module"):
        swa_utils.AveragedModel("model")
    avg = swa_utils.AveragedModel(model)
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*\(2, 2\)"):
        avg.update_parameters(nn.Linear(2, 3))
    assert int(avg.n_averaged.item()) == 0
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_strategy="step")
    with pytest.raises(ValueError, match="anneal_epochs"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=-1)
    with pytest.raises(ValueError, match="decay"):
        swa_utils.get_ema_multi_avg_fn(1.5)


def test_polyak_average_of_a_noisy_walk_is_closer_to_its_centre():
    ag.manual_seed(0)
    model = nn.Linear(4, 1)
    avg = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.9))
    rng = np.random.default_rng(0)
    for _ in range(200):
        model.weight.data = rng.normal(1.0, 0.5, (1, 4)).astype(np.float32)
        avg.update_parameters(model)
    assert np.abs(np.asarray(avg.module.weight) - 1.0).max() < 0.35
    assert (
        np.abs(np.asarray(model.weight) - 1.0).max()
        > np.abs(np.asarray(avg.module.weight) - 1.0).max()
    )
