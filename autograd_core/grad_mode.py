"""Switching graph recording on and off: `no_grad` and `enable_grad`.

The switch lives in a context variable, so it is per thread (a new thread
starts with recording on, whatever other threads do) and cheap to read on
every op.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

grad_enabled = contextvars.ContextVar("grad_enabled", default=True)

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """True when ops record the graph (the default)."""
    return grad_enabled.get()


def set_grad_enabled(enabled: bool) -> None:
    """Turn graph recording on or off for the current thread."""
    grad_enabled.set(bool(enabled))


class _GradMode:
    """Context manager and decorator that sets grad mode, restoring it on exit."""

    enabled: bool

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        set_grad_enabled(self.enabled)

    def __exit__(self, *exc_info: object) -> None:
        set_grad_enabled(self._previous)

    def __call__(self, function: F) -> F:
        mode = type(self)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):  # noqa: N801 (named as in PyTorch)
    """Run without recording the graph: results do not require grad.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> with ag.no_grad():
    ...     (x * x).requires_grad
    False
    """

    enabled = False


class enable_grad(_GradMode):  # noqa: N801 (named as in PyTorch)
    """Record the graph again, for example inside a `no_grad` block.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> with ag.no_grad(), ag.enable_grad():
    ...     (x * x).requires_grad
    True
    """

    enabled = True
