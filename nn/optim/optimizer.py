"""`Optimizer`: the base class of SGD, Adam and AdamW, with PyTorch's param groups.

Parameters live in `param_groups`, a list of dicts holding "params" and the
hyper-parameters of that group (so a scheduler can change `lr` per group);
per-parameter state (momentum buffers, Adam's moments) lives in `state`.
A step first checks every gradient and only then writes, so a failed step
changes no weight; updates run in place under `no_grad()`, as in PyTorch.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad
from autograd_core.graph_memory import note_optimizer_step

# Options turned into Python floats: numpy scalars would promote float32 data.
_FLOAT_OPTIONS = (
    "lr", "weight_decay", "momentum", "dampening", "eps", "alpha", "rho", "lr_decay",
    "initial_accumulator_value",
)  # fmt: skip


class Optimizer:
    """Holds parameter groups and per-parameter state; subclasses write `_update`.

    `params` is an iterable of tensors, or of dicts with "params" and
    per-group hyper-parameters that override `defaults`. A group with
    `maximize=True` ascends: `_update` receives the negated gradient.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params must be an iterable of tensors (e.g. model.parameters()), "
                "not a single tensor"
            )
        if not isinstance(params, Iterable):
            raise TypeError(
                f"{name}: params must be an iterable of tensors or of param-group dicts "
                f"(e.g. model.parameters()), got {type(params).__name__}"
            )
        params = list(params)
        if not params:
            raise ValueError(f"{name}: got an empty parameter list (nothing to optimise)")
        self.defaults = dict(defaults)
        self._check_hyperparameters(self.defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Raise ValueError for a hyper-parameter outside its range (subclasses extend)."""
        name = type(self).__name__
        for key in (*_FLOAT_OPTIONS, "betas"):
            option = group.get(key, 0.0)
            values = option if key == "betas" and isinstance(option, (tuple, list)) else [option]
            # NOTE: NaN passes every `x < 0` range check, so it is refused here for all options
            if not all(isinstance(v, (int, float, np.number)) and not np.isnan(v) for v in values):
                raise ValueError(f"{name}: {key} must be a real number (not NaN), got {option!r}")
        lr = group.get("lr")
        if not isinstance(lr, (int, float, np.floating)) or not lr > 0:
            raise ValueError(f"{type(self).__name__}: learning rate must be positive, got {lr!r}")
        if group.get("weight_decay", 0) < 0:
            raise ValueError(
                f"{type(self).__name__}: weight_decay must be non-negative, "
                f"got {group['weight_decay']}"
            )

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (defaults fill the rest)."""
        name = type(self).__name__
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError(f"{name}: a param group is a dict with a 'params' entry")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        if not params:
            raise ValueError(f"{name}: got an empty parameter list in a param group")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimise Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can only optimise leaf tensors (not computed ones)")
            if p.dtype.kind != "f":
                raise TypeError(f"{name}: can only optimise floating tensors, got {p.dtype}")
            if id(p) in seen:
                raise ValueError(f"{name}: a parameter appears in more than one param group")
            seen.add(id(p))
        group = {**self.defaults, **param_group, "params": params}
        self._check_hyperparameters(group)
        for key in _FLOAT_OPTIONS:
            if key in group:
                group[key] = float(group[key])
        if "betas" in group:
            group["betas"] = (float(group["betas"][0]), float(group["betas"][1]))
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (set it to None, as PyTorch does)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    # -------------------------------------------------------------------- step

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns the closure's loss if given."""
        loss = closure() if closure is not None else None
        work = []
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = np.asarray(p.grad)
                if grad.shape != p.shape:
                    raise ValueError(
                        f"{type(self).__name__}.step: a gradient of shape {grad.shape} does "
                        f"not match its parameter of shape {p.shape}; no weight was changed"
                    )
                work.append((group, p, grad))
        note_optimizer_step()  # warns once if every step's graph is being kept alive
        with no_grad():  # updates change the weights in place (counted by their versions)
            for group, p, grad in work:
                if grad.dtype != p.dtype:
                    grad = grad.astype(p.dtype)
                if group.get("maximize", False):
                    grad = -grad
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                self._update(p, grad, state, group)
        return loss

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define _update")

    # ------------------------------------------------------------- state dicts

    def state_dict(self) -> dict[str, Any]:
        """The state as PyTorch lays it out: parameters are numbered across groups.

        {"state": {index: {name: array or number}}, "param_groups": [{..., "params": [index]}]}
        """
        index: dict[int, int] = {}  # id of a parameter -> its number
        groups = []
        for group in self.param_groups:
            numbers = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                numbers.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": numbers})
        state = {
            index[id(p)]: {
                k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in s.items()
            }
            for p, s in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state saved by `state_dict` (checked completely before anything changes)."""
        name = type(self).__name__
        groups = state_dict.get("param_groups") if isinstance(state_dict, dict) else None
        if groups is None or "state" not in state_dict:
            raise ValueError(f"{name}.load_state_dict: expected keys 'state' and 'param_groups'")
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {len(groups)} param groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[int, Tensor] = {}
        for saved, own in zip(groups, self.param_groups):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: a saved param group has {len(saved['params'])} "
                    f"parameters, the matching group here has {len(own['params'])}"
                )
            for i, p in zip(saved["params"], own["params"]):
                by_index[int(i)] = p
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, entries in state_dict["state"].items():
            p = by_index.get(int(key))
            if p is None:
                raise ValueError(f"{name}.load_state_dict: state for unknown parameter {key}")
            restored = {}
            for field, value in entries.items():
                if isinstance(value, Tensor):
                    value = value.detach().numpy()
                if isinstance(value, np.ndarray) and value.ndim > 0:
                    if value.shape != p.shape:
                        raise ValueError(
                            f"{name}.load_state_dict: state {field!r} of parameter {key} has "
                            f"shape {value.shape}, the parameter has shape {p.shape}"
                        )
                    value = value.astype(p.dtype, copy=True)
                elif isinstance(value, (np.ndarray, np.generic)):
                    value = value.item()
                restored[field] = value
            new_state[p] = restored
        for saved, own in zip(groups, self.param_groups):
            for k, v in saved.items():
                if k != "params":
                    own[k] = copy.deepcopy(v) if not isinstance(v, list) else tuple(v)
        self.state = new_state

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join(lines) + "\n)"
