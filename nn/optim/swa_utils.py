"""Weight averaging, as `torch.optim.swa_utils`: `AveragedModel`, `update_bn`, `SWALR`.

Stochastic weight averaging (SWA) keeps the running mean of the weights
seen along training; Polyak/exponential averaging (EMA) keeps
ema <- decay * ema + (1 - decay) * w. Both live in an `AveragedModel`, a copy
of the model whose state_dict keys are the model's under "module." plus the
"n_averaged" counter, as PyTorch's. After averaging, `update_bn` recomputes
the batch-norm statistics of the averaged weights; `SWALR` anneals the
learning rate to a constant SWA rate.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor

from ..layers.normalization import _BatchNorm
from ..module import Module
from .optimizer import Optimizer
from .scheduler_base import LRScheduler, per_group

AvgFn = Callable[[Tensor, Tensor, Tensor], Any]
MultiAvgFn = Callable[[Sequence[Tensor], Sequence[Tensor], Tensor], None]


def _store(tensor: Tensor, value: Any) -> None:
    """Write `value` into `tensor` (outside the graph), cast to its dtype and shape."""
    array = np.asarray(value)
    if array.dtype != tensor.dtype:
        # Float results stored into integer buffers truncate toward zero, as copy_ does.
        array = np.trunc(array) if tensor.dtype.kind in "iu" else array
        array = array.astype(tensor.dtype)
    tensor.data = np.array(np.broadcast_to(array, tensor.shape), copy=True)


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """start + weight (end - start), in start's dtype, from the nearer end as torch.lerp."""
    w = np.asarray(weight, dtype=start.dtype)
    if weight < 0.5:
        return start + w * (end - start)
    return end - (end - start) * (1 - w)


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """Exponential moving average over a list of tensors: ema <- lerp(ema, w, 1 - decay).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ema, w = ag.tensor([1.0]), ag.tensor([3.0])
    >>> get_ema_multi_avg_fn(0.5)([ema], [w], ag.tensor(1)); ema.tolist()
    [2.0]
    """
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"get_ema_multi_avg_fn: decay must be in [0, 1], got {decay}")

    def ema_update(ema: Sequence[Tensor], current: Sequence[Tensor], num_averaged: Any) -> None:
        for p_ema, p_model in zip(ema, current):
            a, b = np.asarray(p_ema), np.asarray(p_model)
            if a.dtype.kind == "f":
                _store(p_ema, _lerp(a, b.astype(a.dtype), 1 - decay))
            else:
                _store(p_ema, a * decay + b * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """Running mean over a list of tensors: avg <- avg + (w - avg) / (n + 1).

    Examples
    --------
    >>> import autograd_core as ag
    >>> avg, w = ag.tensor([1.0]), ag.tensor([4.0])
    >>> get_swa_multi_avg_fn()([avg], [w], ag.tensor(2)); avg.tolist()
    [2.0]
    """

    def swa_update(
        averaged: Sequence[Tensor], current: Sequence[Tensor], num_averaged: Any
    ) -> None:
        n = int(np.asarray(num_averaged))
        for p_avg, p_model in zip(averaged, current):
            a, b = np.asarray(p_avg), np.asarray(p_model)
            if a.dtype.kind == "f":
                _store(p_avg, _lerp(a, b.astype(a.dtype), 1 / (n + 1)))
            else:
                _store(p_avg, a + (b - a) / (n + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The per-tensor EMA: returns decay * ema + (1 - decay) * w.

    Examples
    --------
    >>> import autograd_core as ag
    >>> round(get_ema_avg_fn(0.9)(ag.tensor(1.0), ag.tensor(2.0), 1).item(), 6)
    1.1
    """
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"get_ema_avg_fn: decay must be in [0, 1], got {decay}")

    def ema_update(ema: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        return decay * ema + (1 - decay) * current

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    """The per-tensor running mean: returns avg + (w - avg) / (n + 1).

    Examples
    --------
    >>> import autograd_core as ag
    >>> get_swa_avg_fn()(ag.tensor(1.0), ag.tensor(4.0), 2).item()
    2.0
    """

    def swa_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        return averaged + (current - averaged) / (int(np.asarray(num_averaged)) + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` holding the average of the weights given to `update_parameters`.

    The first update copies the weights; later ones apply `avg_fn` (per tensor,
    returning the new average) or `multi_avg_fn` (over the lists of tensors of
    one dtype, updating in place), by default the running mean (SWA). With
    `use_buffers` the buffers (batch-norm statistics) are averaged too;
    otherwise they are copied from `model`. The number of updates so far is
    the int64 buffer `n_averaged`. The engine is CPU-only: `device` may be
    None or "cpu".

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> model = nn.Linear(1, 1, bias=False)
    >>> swa = AveragedModel(model)
    >>> for w in (1.0, 2.0, 6.0):
    ...     model.weight.data = ag.tensor([[w]]).numpy(); swa.update_parameters(model)
    >>> swa.module.weight.item(), int(swa.n_averaged.item()), list(swa.state_dict())
    (3.0, 3, ['n_averaged', 'module.weight'])
    """

    def __init__(
        self,
        model: Module,
        device: Any = None,
        avg_fn: AvgFn | None = None,
        multi_avg_fn: MultiAvgFn | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel: expected a Module, got {type(model).__name__}")
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: give avg_fn or multi_avg_fn, not both")
        if device is not None and str(device) != "cpu":
            raise ValueError(f"AveragedModel: the engine runs on the CPU only, got device {device}")
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", ag.tensor(np.array(0, dtype=np.int64)))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the averaged copy."""
        return self.module(*args, **kwargs)

    def _averaged_pairs(self, model: Module) -> list[tuple[Tensor, Tensor]]:
        ours: list[Tensor] = list(self.module.parameters())
        theirs: list[Tensor] = list(model.parameters())
        if self.use_buffers:
            ours += list(self.module.buffers())
            theirs += list(model.buffers())
        if len(ours) != len(theirs):
            raise ValueError(
                f"AveragedModel.update_parameters: the model has {len(theirs)} tensors to "
                f"average, the averaged copy {len(ours)}"
            )
        for a, b in zip(ours, theirs):
            if a.shape != b.shape:
                raise ValueError(
                    f"AveragedModel.update_parameters: a tensor of shape {b.shape} meets its "
                    f"average of shape {a.shape}"
                )
        return list(zip(ours, theirs))

    def update_parameters(self, model: Module) -> None:
        """Fold `model`'s current weights into the average (the first call copies them)."""
        pairs = self._averaged_pairs(model)
        n = int(np.asarray(self.n_averaged))
        with ag.no_grad():
            if n == 0:
                for p_avg, p_model in pairs:
                    _store(p_avg, np.asarray(p_model))
            elif self.avg_fn is not None:
                for p_avg, p_model in pairs:
                    _store(p_avg, self.avg_fn(p_avg.detach(), p_model.detach(), self.n_averaged))
            else:
                update = self.multi_avg_fn or get_swa_multi_avg_fn()
                by_dtype: dict[np.dtype, list[tuple[Tensor, Tensor]]] = {}
                for p_avg, p_model in pairs:
                    by_dtype.setdefault(p_avg.dtype, []).append((p_avg, p_model))
                for group in by_dtype.values():
                    update([a for a, _ in group], [b for _, b in group], self.n_averaged)
            if not self.use_buffers:
                for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                    _store(b_avg, np.asarray(b_model))
        _store(self.n_averaged, n + 1)


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute the running statistics of every batch norm in `model` over `loader`.

    Each BatchNorm's statistics are reset and then averaged over all batches
    (a cumulative average: momentum None for the pass); a batch that is a
    tuple or list contributes its first element. The training mode and
    momenta are restored afterwards.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    >>> update_bn([ag.randn(8, 2), ag.randn(8, 2)], model)
    >>> int(model[1].num_batches_tracked.item())
    2
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm) and module.track_running_stats:
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    try:
        with ag.no_grad():
            for batch in loader:
                model(batch[0] if isinstance(batch, (list, tuple)) else batch)
    finally:
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's rate to `swa_lr` over `anneal_epochs` epochs, then hold it.

    `anneal_strategy` "cos" or "linear"; `swa_lr` one rate or one per group.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> opt = nn.optim.SGD([nn.Parameter(ag.zeros(1))], lr=1.0)
    >>> sched = SWALR(opt, swa_lr=0.1, anneal_epochs=2, anneal_strategy="linear")
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(3): sched.step(); lrs.append(round(sched.get_last_lr()[0], 6))
    >>> lrs
    [1.0, 0.55, 0.1, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float | list[float],
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
        last_epoch: int = -1,
    ) -> None:
        for rate, group in zip(
            per_group("SWALR", optimizer, swa_lr, "swa_lr"), optimizer.param_groups
        ):
            group["swa_lr"] = rate
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"SWALR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(
                f"SWALR: anneal_epochs must be a non-negative int, got {anneal_epochs!r}"
            )
        self._set_anneal_func(anneal_strategy)
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = _cosine_anneal if anneal_strategy == "cos" else _linear_anneal

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        prev_alpha = self.anneal_func(max(0.0, min(1.0, (step - 1) / span)))
        alpha = self.anneal_func(max(0.0, min(1.0, step / span)))
        lrs = []
        for group in self.optimizer.param_groups:
            # The rate this schedule would have started from, given the current one.
            if prev_alpha == 1:
                start = group["swa_lr"]
            else:
                start = (group["lr"] - prev_alpha * group["swa_lr"]) / (1 - prev_alpha)
            lrs.append(group["swa_lr"] * alpha + start * (1 - alpha))
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer and the annealing function (saved by name)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "anneal_func"})
        self._set_anneal_func(self._anneal_strategy)


def _linear_anneal(t: float) -> float:
    return t


def _cosine_anneal(t: float) -> float:
    return (1 - math.cos(math.pi * t)) / 2
