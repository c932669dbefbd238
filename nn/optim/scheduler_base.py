"""`LRScheduler`: the base of the epoch-indexed learning-rate schedules, as PyTorch's.

A scheduler remembers each group's starting rate in `group["initial_lr"]`
(`base_lrs`), counts epochs in `last_epoch` (-1 before the first), and on
each `step()` writes the rates its subclass computes into the optimizer's
param groups. Building it takes the first step (epoch 0), as PyTorch does.
Subclasses write `get_lr` in PyTorch's chainable form (from the groups'
current rates, so schedulers stepping one optimizer compose) and, where a
formula exists, `_get_closed_form_lr` (from `base_lrs`), which
`step(epoch)` and `SequentialLR` use.
"""

from __future__ import annotations

from typing import Any

from .optimizer import Optimizer


def check_optimizer(optimizer: Any, name: str) -> None:
    """Raise TypeError unless `optimizer` is an `Optimizer`."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name}: expected an Optimizer, got {type(optimizer).__name__}")


def per_group(name: str, optimizer: Optimizer, value: Any, option: str) -> list[Any]:
    """`value` repeated for each param group, or the list given (one per group)."""
    groups = optimizer.param_groups
    if isinstance(value, (list, tuple)):
        if len(value) != len(groups):
            raise ValueError(
                f"{name}: expected {len(groups)} values of {option} (one per param group), "
                f"got {len(value)}"
            )
        return list(value)
    return [value] * len(groups)


class LRScheduler:
    """Base class of the schedulers: holds the optimizer, `base_lrs` and `last_epoch`.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> opt = nn.optim.SGD([nn.Parameter(ag.zeros(1))], lr=0.1)
    >>> sched = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> sched.last_epoch, sched.base_lrs
    (0, [0.1])
    """

    _is_initial = False  # True during the step taken by the constructor

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        check_optimizer(optimizer, name)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: param_groups[{i}] has no 'initial_lr'; resuming with "
                        f"last_epoch={last_epoch} needs the optimizer's saved state loaded first"
                    )
        self.optimizer = optimizer
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The rates for the current `last_epoch` (chainable form; subclasses define it)."""
        raise NotImplementedError(f"{type(self).__name__} must define get_lr")

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to `epoch`, with the closed form) and set the rates."""
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rate of each group after the last `step`."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (PyTorch's layout: the scheduler's attributes)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "optimizer"})
