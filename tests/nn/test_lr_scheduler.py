"""Learning-rate schedulers against PyTorch's: the rate (and momentum) of every param group
after every step, chained and sequential schedules, state dicts, and argument errors."""

import math

import numpy as np
import pytest

import nn
from nn.optim import lr_scheduler

SCHEDULES = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("ConstantLR", {"factor": 0.25, "total_iters": 4}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.6, "total_iters": 7}),
    ("ExponentialLR", {"gamma": 0.8}),
    ("CosineAnnealingLR", {"T_max": 6}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 25}),
    ("OneCycleLR", {"max_lr": [0.5, 2.0], "epochs": 5, "steps_per_epoch": 5, "pct_start": 0.4,
                    "anneal_strategy": "linear", "div_factor": 10.0, "base_momentum": 0.8}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 25, "three_phase": True}),
]  # fmt: skip


def _pair(torch, optimizer="SGD", **kwargs):
    ours = getattr(nn.optim, optimizer)(
        [{"params": [nn.Parameter(np.ones(2))]}, {"params": [nn.Parameter(np.ones(1))], "lr": 0.3}],
        lr=0.1,
        **kwargs,
    )
    theirs = getattr(torch.optim, optimizer)(
        [{"params": [torch.nn.Parameter(torch.ones(2))]},
         {"params": [torch.nn.Parameter(torch.ones(1))], "lr": 0.3}],
        lr=0.1,
        **kwargs,
    )  # fmt: skip
    return ours, theirs


def _assert_same_groups(ours, theirs, keys=("lr",)):
    for group, group_t in zip(ours.param_groups, theirs.param_groups):
        for key in keys:
            assert np.allclose(group[key], group_t[key], rtol=1e-12, atol=0), (key, group, group_t)


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize(
    "name, kwargs", SCHEDULES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)]
)
def test_schedule_matches_pytorch_step_by_step(name, kwargs, optimizer):
    torch = pytest.importorskip("torch")
    extra = {"momentum": 0.9} if optimizer == "SGD" else {}
    ours, theirs = _pair(torch, optimizer, **extra)
    sched = getattr(lr_scheduler, name)(ours, **kwargs)
    sched_t = getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs)
    keys = ("lr", "momentum" if optimizer == "SGD" else "betas")
    steps = 24 if name == "OneCycleLR" else 15
    for _ in range(steps):
        assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=1e-12)
        _assert_same_groups(ours, theirs, keys)
        ours.step()
        theirs.step()
        sched.step()
        sched_t.step()
    assert sched.last_epoch == sched_t.last_epoch
    assert set(sched.state_dict()) <= set(sched_t.state_dict())


def test_lambda_lr_per_group_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch)
    lambdas = [lambda e: 0.9**e, lambda e: 1.0 / (1 + e)]
    sched = lr_scheduler.LambdaLR(ours, lambdas)
    sched_t = torch.optim.lr_scheduler.LambdaLR(theirs, lambdas)
    for _ in range(6):
        assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=1e-12)
        ours.step()
        theirs.step()
        sched.step()
        sched_t.step()
    assert sched.state_dict()["lr_lambdas"] == [None, None]


def test_two_schedules_on_one_optimizer_compose_as_in_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch)
    ours_s = [lr_scheduler.StepLR(ours, 2, 0.5), lr_scheduler.ExponentialLR(ours, 0.9)]
    theirs_s = [
        torch.optim.lr_scheduler.StepLR(theirs, 2, 0.5),
        torch.optim.lr_scheduler.ExponentialLR(theirs, 0.9),
    ]
    for _ in range(8):
        ours.step()
        theirs.step()
        for s in ours_s + theirs_s:
            s.step()
        _assert_same_groups(ours, theirs)


@pytest.mark.parametrize("case", ["warmup-cosine", "three"])
def test_sequential_lr_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch)

    def build(module, opt):
        if case == "warmup-cosine":
            parts = [module.LinearLR(opt, 0.1, total_iters=4), module.CosineAnnealingLR(opt, 8)]
            return module.SequentialLR(opt, parts, milestones=[4])
        parts = [module.ConstantLR(opt, 0.5, total_iters=3), module.ExponentialLR(opt, 0.7),
                 module.MultiStepLR(opt, [2, 4], 0.1)]  # fmt: skip
        return module.SequentialLR(opt, parts, milestones=[3, 6])

    sched, sched_t = build(lr_scheduler, ours), build(torch.optim.lr_scheduler, theirs)
    for _ in range(14):
        assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=1e-12)
        _assert_same_groups(ours, theirs)
        ours.step()
        theirs.step()
        sched.step()
        sched_t.step()


def test_scheduler_state_dict_resumes_the_schedule():
    def build():
        opt = nn.optim.SGD([nn.Parameter(np.ones(1))], lr=1.0)
        parts = [lr_scheduler.LinearLR(opt, 0.2, total_iters=3), lr_scheduler.StepLR(opt, 2)]
        return opt, lr_scheduler.SequentialLR(opt, parts, milestones=[3])

    opt, sched = build()
    for _ in range(4):
        sched.step()
    saved_opt, saved = opt.state_dict(), sched.state_dict()
    expected = []
    for _ in range(5):
        sched.step()
        expected.append(sched.get_last_lr()[0])
    opt2, sched2 = build()
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved)
    got = []
    for _ in range(5):
        sched2.step()
        got.append(sched2.get_last_lr()[0])
    assert got == expected


def test_cosine_annealing_follows_its_closed_form():
    opt = nn.optim.SGD([nn.Parameter(np.ones(1))], lr=2.0)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.5)
    for epoch in range(1, 11):
        sched.step()
        expected = 0.5 + 1.5 * (1 + math.cos(math.pi * epoch / 10)) / 2
        assert sched.get_last_lr()[0] == pytest.approx(expected, rel=1e-12)


def test_one_cycle_refuses_to_step_past_total_steps():
    opt = nn.optim.SGD([nn.Parameter(np.ones(1))], lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="total_steps=3"):
        sched.step()


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: lr_scheduler.StepLR(o, step_size=0), ValueError, "step_size"),
        (lambda o: lr_scheduler.StepLR("sgd", step_size=1), TypeError, "Optimizer"),
        (lambda o: lr_scheduler.LinearLR(o, start_factor=0), ValueError, "start_factor"),
        (lambda o: lr_scheduler.LinearLR(o, total_iters=0), ValueError, "total_iters"),
        (lambda o: lr_scheduler.ConstantLR(o, factor=2), ValueError, "factor"),
        (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
        (lambda o: lr_scheduler.LambdaLR(o, [abs, abs]), ValueError, "one per param group"),
        (lambda o: lr_scheduler.LambdaLR(o, 3), TypeError, "callable"),
        (lambda o: lr_scheduler.OneCycleLR(o, 1.0), ValueError, "total_steps"),
        (lambda o: lr_scheduler.OneCycleLR(o, 1.0, 5, anneal_strategy="x"), ValueError, "cos"),
        (lambda o: lr_scheduler.OneCycleLR(o, 1.0, 5, pct_start=2.0), ValueError, "pct_start"),
        (lambda o: lr_scheduler.OneCycleLR(o, [1.0, 2.0], 5), ValueError, "max_lr"),
        (lambda o: lr_scheduler.ExponentialLR(o, 0.5, last_epoch=3), KeyError, "initial_lr"),
        (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.StepLR(o, 1)], [1]), ValueError,
         "milestones"),
        (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ReduceLROnPlateau(o)], []),
         TypeError, "epoch-indexed"),
    ],
)  # fmt: skip
def test_scheduler_errors_name_the_argument(make, error, message):
    opt = nn.optim.SGD([nn.Parameter(np.ones(1))], lr=1.0, momentum=0.9)
    with pytest.raises(error, match=message):
        make(opt)


def test_one_cycle_needs_momentum_to_cycle_it():
    opt = nn.optim.Adagrad([nn.Parameter(np.ones(1))])
    with pytest.raises(ValueError, match="cycle_momentum"):
        lr_scheduler.OneCycleLR(opt, 1.0, 5)
    lr_scheduler.OneCycleLR(opt, 1.0, 5, cycle_momentum=False).step()
