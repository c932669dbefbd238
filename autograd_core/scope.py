"""Which module calls are running, so that each recorded op knows the layer it belongs to.

`nn.Module.__call__` enters the module's scope; `Function.apply` stores the
current scope (outermost module first) on the nodes it records. The graph
viewer groups nodes into one cluster per module call with it. The scope is
a context variable, so each thread has its own.
"""

from __future__ import annotations

import contextvars
from typing import Any

current = contextvars.ContextVar[tuple[Any, ...]]("module_scope", default=())


def current_scope() -> tuple[Any, ...]:
    """The modules whose calls are running, outermost first (empty outside any)."""
    return current.get()


def enter_scope(module: Any) -> contextvars.Token:
    """Start recording ops as part of `module`'s call; pass the token to `exit_scope`."""
    return current.set((*current.get(), module))


def exit_scope(token: contextvars.Token) -> None:
    """End the module call begun by `enter_scope`."""
    current.reset(token)
