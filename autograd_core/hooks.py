"""Gradient hooks: `Tensor.register_hook(fn)` and the handle that removes it.

A hook on a computed tensor lives on the node that made it (so, as in
PyTorch, it stays with that version of the tensor when the tensor is later
changed in place) and sees the tensor's whole gradient before that node's
backward runs; a hook on a leaf sees the leaf's summed gradient before it is
accumulated into `.grad`. A hook that returns a value replaces the gradient.
Hooks run under `create_graph=True` too, on recorded gradients.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tensor import Tensor


class RemovableHandle:
    """What `Tensor.register_hook` returns: `remove()` takes the hook off again."""

    __slots__ = ("_hooks", "_key")
    _keys = itertools.count()

    def __init__(self, hooks: dict[int, Callable[..., Any]], hook: Callable[..., Any]) -> None:
        self._hooks = hooks
        self._key = next(RemovableHandle._keys)
        hooks[self._key] = hook

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


def add_hook(tensor: Tensor, hook: Callable[[Tensor], Any]) -> RemovableHandle:
    """Register a gradient hook: on the node that made `tensor`, or on the leaf itself."""
    if not callable(hook):
        raise TypeError(f"register_hook: expected a callable, got {type(hook).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError(
            "register_hook: cannot register a hook on a tensor that does not require grad"
        )
    owner: Any = tensor.grad_fn if tensor.grad_fn is not None else tensor
    if owner._hooks is None:
        owner._hooks = {}
    return RemovableHandle(owner._hooks, hook)


def run_hooks(hooks: dict[int, Callable[..., Any]], grad: Tensor) -> Tensor:
    from .tensor import Tensor

    for hook in list(hooks.values()):
        result = hook(grad)
        if result is None:
            continue
        if not isinstance(result, Tensor):
            result = Tensor(result, dtype=grad.dtype)
        if result.shape != grad.shape:
            raise RuntimeError(
                f"register_hook: a hook returned a gradient of shape {result.shape} for a "
                f"tensor of shape {grad.shape}"
            )
        grad = result
    return grad
