"""Module hooks (forward, forward-pre, full backward) with removable handles, and the
dtype/device arguments of `Module.to`.

A full backward hook is run by two identity ops that `Module.__call__`
puts around the forward: one on each tensor input that requires grad and
one on each tensor output. The engine sends them the gradients with respect
to the outputs (grad_output) and then to the inputs (grad_input); when the
last of those has arrived, the hook sees both, as PyTorch's does.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Function, Tensor
from autograd_core.scope import enter_scope, exit_scope

_ids = itertools.count()


class RemovableHandle:
    """What `register_*_hook` returns: `handle.remove()` takes the hook away (also as a
    context manager: the hook is removed on leaving the `with` block)."""

    def __init__(self, hooks: OrderedDict[int, Callable[..., Any]], key: int) -> None:
        self._hooks = hooks
        self.id = key

    def remove(self) -> None:
        """Take the hook away (removing twice is harmless)."""
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def add(hooks: OrderedDict[int, Callable[..., Any]], hook: Callable[..., Any]) -> RemovableHandle:
    """Register `hook` (checked to be callable) and return its handle."""
    if not callable(hook):
        raise TypeError(f"register hook: expected a callable, got {type(hook).__name__}")
    key = next(_ids)
    hooks[key] = hook
    return RemovableHandle(hooks, key)


class _BackwardState:
    """The gradients one call of a hooked module has seen so far."""

    def __init__(self, module: Any, inputs: int, outputs: int, pending_inputs: int) -> None:
        self.module = module
        self.grad_input: list[Tensor | None] = [None] * inputs
        self.grad_output: list[Tensor | None] = [None] * outputs
        self.pending_inputs = pending_inputs
        self.pending_outputs = outputs

    def run_hooks(self) -> tuple[Any, ...] | None:
        grad_input, grad_output = tuple(self.grad_input), tuple(self.grad_output)
        replaced = None
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, replaced or grad_input, grad_output)
            if result is not None:
                replaced = tuple(result) if isinstance(result, (tuple, list)) else (result,)
                if len(replaced) != len(grad_input):
                    raise ValueError(
                        f"backward hook of {type(self.module).__name__}: returned "
                        f"{len(replaced)} gradients for {len(grad_input)} inputs"
                    )
        return replaced


class BackwardHookOutput(Function):
    """out = x (an output of a hooked module);   records grad as grad_output[index]"""

    def forward(ctx, x, state, index):
        ctx.state, ctx.index = state, index
        return x.view() if isinstance(x, np.ndarray) else x

    def backward(ctx, grad):
        state = ctx.state
        state.grad_output[ctx.index] = grad
        state.pending_outputs -= 1
        if state.pending_outputs == 0 and state.pending_inputs == 0:
            state.run_hooks()  # no input needs a gradient: grad_input is all None
        return (grad,)


class BackwardHookInput(Function):
    """out = x (an input of a hooked module);   records grad as grad_input[index], may replace it"""

    def forward(ctx, x, state, index):
        ctx.state, ctx.index = state, index
        return x.view() if isinstance(x, np.ndarray) else x

    def backward(ctx, grad):
        state = ctx.state
        state.grad_input[ctx.index] = grad
        state.pending_inputs -= 1
        if state.pending_inputs:
            return (grad,)
        replaced = state.run_hooks()
        if replaced is None:
            return (grad,)
        if sum(g is not None for g in state.grad_input) > 1:
            raise NotImplementedError(
                f"backward hook of {type(state.module).__name__}: replacing grad_input is "
                "supported for modules with one input that requires grad"
            )
        return (replaced[ctx.index],)


def call_with_hooks(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """`module(*args, **kwargs)` with its pre-hooks, forward hooks and backward hooks."""
    for hook in list(module._forward_pre_hooks.values()):
        result = hook(module, args)
        if result is not None:
            args = result if isinstance(result, tuple) else (result,)
    state = None
    if module._backward_hooks:
        wanted = [isinstance(a, Tensor) and a.requires_grad for a in args]
        state = _BackwardState(module, len(args), 0, sum(wanted))
        args = tuple(
            BackwardHookInput.apply(a, state=state, index=i) if want else a
            for i, (a, want) in enumerate(zip(args, wanted))
        )
    token = enter_scope(module)
    try:
        output = module.forward(*args, **kwargs)
    finally:
        exit_scope(token)
    for hook in list(module._forward_hooks.values()):
        result = hook(module, args, output)
        if result is not None:
            output = result
    if state is not None:
        output = _hook_outputs(output, state)
    return output


def _hook_outputs(output: Any, state: _BackwardState) -> Any:
    single = isinstance(output, Tensor)
    outputs = (output,) if single else tuple(output) if isinstance(output, tuple) else None
    if outputs is None:
        return output
    hooked = [isinstance(o, Tensor) and o.requires_grad for o in outputs]
    state.grad_output = [None] * len(outputs)
    state.pending_outputs = sum(hooked)
    wrapped = tuple(
        BackwardHookOutput.apply(o, state=state, index=j) if want else o
        for j, (o, want) in enumerate(zip(outputs, hooked))
    )
    return wrapped[0] if single else wrapped


def target_dtype(args: tuple[Any, ...], kwargs: dict[str, Any]) -> np.dtype | None:
    """The dtype that `Module.to(...)` asks for (None for a device only), checking the device."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"Module.to: unexpected arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, str) or type(arg).__name__ == "device":
            device = arg
        else:
            dtype = arg
    if device is not None and not str(device).startswith("cpu"):
        raise RuntimeError(
            f"Module.to: device {str(device)!r} is not available: this engine computes on the "
            "CPU only (use 'cpu')"
        )
    if dtype is None:
        return None
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"Module.to: only floating point dtypes are allowed, got {dtype}")
    return dtype


def cast_in_place(tensor: Tensor, dtype: np.dtype) -> None:
    """Give `tensor` (a parameter or buffer, same object) data and grad of `dtype`."""
    if tensor.dtype == dtype:
        return
    tensor.data = np.asarray(tensor).astype(dtype)  # new memory: a saved old array is caught
    if tensor.grad is not None:
        tensor.grad = Tensor(np.asarray(tensor.grad).astype(dtype))
