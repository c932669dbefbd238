"""Which module calls are running, so that each recorded op knows the layer it belongs to.

`nn.Module.__call__` enters `module_scope(self)`; `Function.apply` stores the
current scope (outermost module first) on the nodes it records. The graph
viewer groups nodes into one cluster per module call with it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _ScopeState(threading.local):
    current: tuple[Any, ...] = ()


_state = _ScopeState()


def current_scope() -> tuple[Any, ...]:
    """The modules whose calls are running, outermost first (empty outside any)."""
    return _state.current


@contextmanager
def module_scope(module: Any) -> Iterator[None]:
    """Record ops made inside this block as belonging to `module`'s call."""
    previous = _state.current
    _state.current = (*previous, module)
    try:
        yield
    finally:
        _state.current = previous
