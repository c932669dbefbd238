"""Optimizers and schedulers: several steps against PyTorch on the same model and data,
parameter groups, state dicts, validation, and failed steps that change nothing."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from nn.optim import SGD, Adam, AdamW
from nn.optim.lr_scheduler import ReduceLROnPlateau, StepLR

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.02}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "maximize": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "weight_decay": 0.05}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.02}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.3, "eps": 1e-4, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.8, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.005, "centered": True}),
    ("RMSprop", {"lr": 0.003, "centered": True, "momentum": 0.5, "maximize": True}),
]


def _models(torch):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    ours = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize(
    "name, kwargs", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)]
)
def test_optimizer_matches_pytorch_over_several_steps(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = _models(torch)
    opt = getattr(nn.optim, name)(ours.parameters(), **kwargs)
    opt_t = getattr(torch.optim, name)(theirs.parameters(), **kwargs)
    rng = np.random.default_rng(0)
    for _ in range(6):
        x = rng.standard_normal((8, 4)).astype(np.float32)
        y = rng.integers(0, 3, 8)
        opt.zero_grad()
        F.cross_entropy(ours(ag.tensor(x)), y).backward()
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        opt_t.step()
    for (key, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        assert ours_p.dtype == np.float32
        np.testing.assert_allclose(
            ours_p.detach().numpy(), theirs_p.detach().numpy(), rtol=1e-6, atol=1e-7, err_msg=key
        )


def test_param_groups_take_their_own_hyperparameters():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    (a.sum() + b.sum()).backward()
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.9, 0.9])
    np.testing.assert_allclose(b.detach().numpy(), [0.5, 0.5])


def test_step_skips_parameters_without_gradients_and_zero_grad_clears():
    a, b = nn.Parameter(np.ones(2, dtype=np.float32)), nn.Parameter(np.ones(2, dtype=np.float32))
    opt = Adam([a, b], lr=0.1)
    a.sum().backward()
    opt.step()
    assert b.detach().numpy().tolist() == [1.0, 1.0] and b not in opt.state
    opt.zero_grad()
    assert a.grad is None


def test_failed_step_changes_no_weight():
    a, b = nn.Parameter(np.ones(2, dtype=np.float32)), nn.Parameter(np.ones(3, dtype=np.float32))
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad = ag.ones(2)
    b.grad = ag.ones(4)  # wrong shape, found after a's update would have been computed
    with pytest.raises(ValueError, match=r"shape \(4,\).*\(3,\).*no weight was changed"):
        opt.step()
    assert a.detach().numpy().tolist() == [1.0, 1.0] and not opt.state


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: SGD([], lr=0.1), "empty parameter list"),
        (lambda p: SGD(p, lr=0.0), "learning rate must be positive"),
        (lambda p: SGD(p, lr=-1.0), "learning rate must be positive"),
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), "momentum"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), "Nesterov"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1), "weight_decay"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), "betas"),
        (lambda p: Adam(p, betas=(-0.1, 0.9)), "betas"),
        (lambda p: AdamW(p, lr=0), "learning rate"),
        (lambda p: Adam(p, eps=-1e-8), "eps"),
        (lambda p: SGD([{"params": p[:1]}, {"params": p[:1]}], lr=0.1), "more than one"),
        (lambda p: nn.optim.Adagrad(p, lr_decay=-0.1), "lr_decay"),
        (lambda p: nn.optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator"),
        (lambda p: nn.optim.Adadelta(p, rho=1.5), "rho"),
        (lambda p: nn.optim.RMSprop(p, alpha=-0.1), "alpha"),
        (lambda p: nn.optim.RMSprop(p, momentum=-0.1), "momentum"),
        (lambda p: nn.optim.RMSprop([{"params": p[:1], "lr": -1.0}]), "learning rate"),
    ],
)
def test_optimizer_construction_errors(make, message):
    params = [nn.Parameter(np.ones(2)), nn.Parameter(np.ones(3))]
    with pytest.raises(ValueError, match=message):
        make(params)


def test_optimizer_rejects_a_single_tensor_and_non_tensors():
    with pytest.raises(TypeError, match="iterable"):
        SGD(nn.Parameter(np.ones(2)), lr=0.1)
    with pytest.raises(TypeError, match="Tensors"):
        SGD([np.ones(2)], lr=0.1)


OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop"]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_an_int_instead_of_parameters_is_a_clear_type_error_as_torch(name):
    torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")
    with pytest.raises(TypeError):
        getattr(torch.optim, name)(3, lr=0.1)
    with pytest.raises(TypeError, match=rf"{name}: params must be an iterable .* got int"):
        getattr(nn.optim, name)(3, lr=0.1)


@pytest.mark.parametrize(
    "name, option",
    [(name, "weight_decay") for name in OPTIMIZERS]
    + [("SGD", "momentum"), ("SGD", "dampening"), ("SGD", "lr"), ("Adam", "eps"),
       ("Adagrad", "lr_decay"), ("Adadelta", "rho"), ("RMSprop", "alpha"),
       ("RMSprop", "momentum"), ("Adam", "lr")],
)  # fmt: skip
def test_a_nan_hyperparameter_is_a_value_error_as_torch(name, option):
    torch = pytest.importorskip("torch", reason="differential tests: pip install -e '.[torch]'")
    nan = float("nan")
    make_theirs = getattr(torch.optim, name)
    if name == "SGD":  # torch's SGD takes NaN options (docs/pytorch.md): every step is NaN
        make_theirs([torch.nn.Parameter(torch.ones(2))], **{option: nan})
    else:
        with pytest.raises(ValueError):
            make_theirs([torch.nn.Parameter(torch.ones(2))], **{option: nan})
    with pytest.raises(ValueError, match=rf"{name}: {option} must be a real number \(not NaN\)"):
        getattr(nn.optim, name)([nn.Parameter(np.ones(2))], **{option: nan})
    with pytest.raises(ValueError, match="betas must be a real number"):
        Adam([nn.Parameter(np.ones(2))], betas=(0.9, nan))
    params = nn.Parameter(np.ones(2))
    optimizer = getattr(nn.optim, name)([nn.Parameter(np.ones(2))], lr=0.1)
    with pytest.raises(ValueError, match=f"{option} must be a real number"):
        optimizer.add_param_group({"params": [params], option: nan})
    assert len(optimizer.param_groups) == 1


def test_hyperparameters_do_not_upcast_float32_weights():
    w = nn.Parameter(np.ones(3, dtype=np.float32))
    opt = Adam([w], lr=np.float64(0.1), betas=(np.float64(0.9), 0.99))
    w.sum().backward()
    opt.step()
    assert w.dtype == np.float32 and opt.state[w]["exp_avg"].dtype == np.float32


def _train(opt, model, steps, seed):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        opt.zero_grad()
        x = ag.tensor(rng.standard_normal((5, 3)).astype(np.float32))
        ((model(x) ** 2).mean()).backward()
        opt.step()


@pytest.mark.parametrize("cls, kwargs", [(SGD, {"lr": 0.1, "momentum": 0.9}),
                                         (Adam, {"lr": 0.01, "amsgrad": True})])  # fmt: skip
def test_optimizer_state_dict_round_trip_through_save_and_load(tmp_path, cls, kwargs):
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = cls(model.parameters(), **kwargs)
    _train(opt, model, 3, seed=1)
    path = nn.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "ck")
    _train(opt, model, 2, seed=2)
    expected = model.state_dict()

    ag.manual_seed(99)
    restored = nn.Linear(3, 2)
    restored_opt = cls(restored.parameters(), **kwargs)
    checkpoint = nn.load(path)
    restored.load_state_dict(checkpoint["model"])
    restored_opt.load_state_dict(checkpoint["optimizer"])
    _train(restored_opt, restored, 2, seed=2)
    for key, value in restored.state_dict().items():
        np.testing.assert_allclose(value, expected[key], rtol=1e-6, err_msg=key)


def test_optimizer_load_state_dict_validates_before_changing():
    model = nn.Linear(3, 2)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    _train(opt, model, 1, seed=0)
    state = opt.state_dict()
    state["state"][0]["momentum_buffer"] = np.zeros((5, 5))
    state["param_groups"][0]["lr"] = 123.0
    with pytest.raises(ValueError, match=r"shape \(5, 5\)"):
        opt.load_state_dict(state)
    assert opt.param_groups[0]["lr"] == 0.1
    with pytest.raises(ValueError, match="param groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})


# ---------------------------------------------------------------- schedulers


def test_step_lr_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = SGD([nn.Parameter(np.ones(1))], lr=0.5)
    theirs = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.5)
    sched, sched_t = (
        StepLR(ours, step_size=3, gamma=0.5),
        torch.optim.lr_scheduler.StepLR(theirs, step_size=3, gamma=0.5),
    )
    for _ in range(10):
        ours.step()
        theirs.step()
        sched.step()
        sched_t.step()
        assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr())
        assert ours.param_groups[0]["lr"] == pytest.approx(theirs.param_groups[0]["lr"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"patience": 2, "factor": 0.5, "cooldown": 1},
        {"mode": "max", "threshold_mode": "abs", "threshold": 0.05, "patience": 1},
        {"patience": 0, "min_lr": 0.02, "factor": 0.3},
    ],
)
def test_reduce_lr_on_plateau_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    ours = SGD([nn.Parameter(np.ones(1))], lr=1.0)
    theirs = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=1.0)
    sched = ReduceLROnPlateau(ours, **kwargs)
    sched_t = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kwargs)
    metrics = [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6] * 3
    for metric in metrics:
        sched.step(metric)
        sched_t.step(metric)
        assert ours.param_groups[0]["lr"] == pytest.approx(theirs.param_groups[0]["lr"])
    assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr())


def test_scheduler_state_dict_round_trip():
    opt = SGD([nn.Parameter(np.ones(1))], lr=1.0)
    sched = ReduceLROnPlateau(opt, patience=1)
    for metric in (1.0, 2.0, 3.0):
        sched.step(metric)
    state = sched.state_dict()
    assert "optimizer" not in state
    other = ReduceLROnPlateau(SGD([nn.Parameter(np.ones(1))], lr=1.0), patience=1)
    other.load_state_dict(state)
    assert other.best == 1.0 and other.num_bad_epochs == sched.num_bad_epochs


def test_scheduler_errors():
    opt = SGD([nn.Parameter(np.ones(1))], lr=1.0)
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(ValueError, match="mode"):
        ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(ValueError, match="step_size"):
        StepLR(opt, step_size=0)
    with pytest.raises(TypeError, match="Optimizer"):
        StepLR("not an optimizer", step_size=1)


def _torch_batches(torch, steps, seed):
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((8, 4)).astype(np.float32), rng.integers(0, 3, 8))
        for _ in range(steps)
    ]


def _train_both(torch, ours, theirs, opt, opt_t, batches):
    for x, y in batches:
        opt.zero_grad()
        F.cross_entropy(ours(ag.tensor(x)), y).backward()
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        opt_t.step()


@pytest.mark.parametrize(
    "name, kwargs",
    [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.01, "amsgrad": True}),
     ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}), ("Adadelta", {}),
     ("Adagrad", {"lr": 0.1})],
)  # fmt: skip
def test_optimizer_state_dicts_move_between_pytorch_and_here(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = _models(torch)
    opt = getattr(nn.optim, name)(ours.parameters(), **kwargs)
    opt_t = getattr(torch.optim, name)(theirs.parameters(), **kwargs)
    _train_both(torch, ours, theirs, opt, opt_t, _torch_batches(torch, 3, seed=0))
    saved, saved_t = opt.state_dict(), opt_t.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [
        g["params"] for g in saved_t["param_groups"]
    ]
    assert saved["state"].keys() == saved_t["state"].keys()
    for index, entries in saved_t["state"].items():
        assert set(saved["state"][index]) == set(entries), index

    # PyTorch's state into a fresh optimizer here, and ours into a fresh PyTorch one:
    # both pairs then continue in step with the originals.
    ours2, theirs2 = _models(torch)
    ours2.load_state_dict(ours.state_dict())
    theirs2.load_state_dict(theirs.state_dict())
    opt2 = getattr(nn.optim, name)(ours2.parameters(), **kwargs)
    opt2.load_state_dict(
        {
            "state": {
                i: {k: v.numpy() if torch.is_tensor(v) else v for k, v in s.items()}
                for i, s in saved_t["state"].items()
            },
            "param_groups": saved_t["param_groups"],
        }
    )
    opt_t2 = getattr(torch.optim, name)(theirs2.parameters(), **kwargs)
    opt_t2.load_state_dict(
        {
            "state": {
                i: {
                    k: torch.tensor(float(v)) if k == "step" else torch.from_numpy(np.array(v))
                    for k, v in s.items()
                }
                for i, s in saved["state"].items()
            },
            "param_groups": saved["param_groups"],
        }
    )
    batches = _torch_batches(torch, 3, seed=1)
    _train_both(torch, ours, theirs, opt, opt_t, batches)
    _train_both(torch, ours2, theirs2, opt2, opt_t2, batches)
    for a, b, c, d in zip(
        ours.parameters(), theirs.parameters(), ours2.parameters(), theirs2.parameters()
    ):
        expected = b.detach().numpy()
        for got in (a.data, c.data, d.detach().numpy()):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_add_param_group_takes_defaults_and_its_own_options():
    torch = pytest.importorskip("torch")
    a, b = nn.Parameter(np.ones(2, dtype=np.float32)), nn.Parameter(np.ones(3, dtype=np.float32))
    ta, tb = (torch.nn.Parameter(torch.ones(n)) for n in (2, 3))
    opt = nn.optim.RMSprop([a], lr=0.1, momentum=0.5)
    opt_t = torch.optim.RMSprop([ta], lr=0.1, momentum=0.5)
    opt.add_param_group({"params": b, "lr": 0.01, "centered": True})
    opt_t.add_param_group({"params": tb, "lr": 0.01, "centered": True})
    assert [(g["lr"], g["momentum"], g["centered"]) for g in opt.param_groups] == [
        (g["lr"], g["momentum"], g["centered"]) for g in opt_t.param_groups
    ]
    for step in range(4):
        for p, t in ((a, ta), (b, tb)):
            p.grad = ag.tensor(np.full(p.shape, step - 1.5, dtype=np.float32))
            t.grad = torch.full(t.shape, step - 1.5)
        opt.step()
        opt_t.step()
    np.testing.assert_allclose(a.data, ta.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(b.data, tb.detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="more than one"):
        opt.add_param_group({"params": [a]})
