"""`SequentialLR`: hand the optimizer from one schedule to the next at given epochs.

The usual warm-up: `SequentialLR(opt, [LinearLR(opt, ...), CosineAnnealingLR(opt, ...)],
milestones=[5])`. As in PyTorch, a schedule taking over starts from its own
epoch 0 (its closed form from the initial rates).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from .optimizer import Optimizer
from .scheduler_base import LRScheduler, check_optimizer


class SequentialLR(LRScheduler):
    """Run `schedulers[i]` from `milestones[i - 1]` (epoch 0 for the first) on.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> from nn.optim.lr_scheduler import ConstantLR, ExponentialLR
    >>> opt = nn.optim.SGD([nn.Parameter(ag.zeros(1))], lr=1.0)
    >>> warm = ConstantLR(opt, factor=0.1, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = SequentialLR(opt, [warm, decay], milestones=[2])
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4): sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.1, 0.1, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer, "SequentialLR")
        if not schedulers:
            raise ValueError("SequentialLR: expected at least one scheduler")
        for i, scheduler in enumerate(schedulers):
            epoch_indexed = type(scheduler).get_lr is not LRScheduler.get_lr
            if not isinstance(scheduler, LRScheduler) or not epoch_indexed:
                raise TypeError(
                    f"SequentialLR: schedulers[{i}] is a {type(scheduler).__name__}, "
                    "expected an epoch-indexed LRScheduler"
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"SequentialLR: schedulers[{i}] ({type(scheduler).__name__}) steps a "
                    "different optimizer"
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} "
                f"milestones, got {len(milestones)}"
            )
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Undo the first step each scheduler took when it was built, then take the
        # first scheduler's again from the initial rates.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            scheduler.last_epoch -= 1
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch, switching schedule at a milestone."""
        if epoch is not None:
            raise TypeError("SequentialLR.step takes no epoch (as PyTorch's)")
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Its own counters and each scheduler's state (under "_schedulers")."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the counters and each scheduler's state."""
        own = {k: v for k, v in state_dict.items() if k not in ("optimizer", "_schedulers")}
        self.__dict__.update(own)
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(saved)
