"""Anomaly detection: stop at the first op whose forward or backward gives NaN or inf.

A wrong gradient still trains, only worse, so a NaN that appears deep in a
graph is hard to trace back. Inside `detect_anomaly()` every op checks its
result: the first one that is not finite raises `AnomalyError`, naming the
op, the shapes, which input (or upstream gradient) was already non-finite,
or that the op made the NaN itself from finite values, and the line of the
user's code that created the op. That line is found by walking the Python
stack past the frames of `autograd_core` and `nn`, only while the mode is on:
with it off, an op pays one context-variable read and NaN or inf in input
data is allowed, as in numpy.

The mode is a context variable, so it is per thread, like grad mode.
`Function.apply` calls `check_forward`; the backward sweep calls
`check_backward` on each node.
"""

from __future__ import annotations

import contextvars
import functools
import linecache
import os
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, TypeVar

import numpy as np

from .scope import current_scope

OFF, CHECKING, IN_BACKWARD = 0, 1, 2  # IN_BACKWARD: inside an op's backward formula
anomaly_mode = contextvars.ContextVar("anomaly_mode", default=OFF)

F = TypeVar("F", bound=Callable[..., Any])

_ENGINE_DIRS = (os.path.dirname(os.path.abspath(__file__)) + os.sep,)


class AnomalyError(RuntimeError):
    """Raised in anomaly mode by the first op whose result or gradient is NaN or inf."""


class detect_anomaly:  # noqa: N801 (named as in PyTorch)
    """Check every op's forward and backward for NaN and inf (context manager and decorator).

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> x = ag.tensor([1.0, 0.0], requires_grad=True)
    >>> with ag.detect_anomaly(), np.errstate(divide="ignore"):
    ...     y = ag.log(x)
    Traceback (most recent call last):
    ...
    autograd_core.anomaly.AnomalyError: 'log' produced -inf ...
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = bool(enabled)
        self._tokens: list[contextvars.Token] = []

    def __enter__(self) -> None:
        self._tokens.append(anomaly_mode.set(CHECKING if self.enabled else OFF))

    def __exit__(self, *exc_info: object) -> None:
        anomaly_mode.reset(self._tokens.pop())

    def __call__(self, function: F) -> F:
        enabled = self.enabled

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(enabled):
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()` (or after `set_detect_anomaly(True)`) in this thread."""
    return anomaly_mode.get() != OFF


def set_detect_anomaly(enabled: bool) -> None:
    """Turn anomaly detection on or off for the current thread."""
    anomaly_mode.set(CHECKING if enabled else OFF)


# ------------------------------------------------------------- the user's line


class Site:
    """A line of user code: file, line number, function and the source text."""

    __slots__ = ("filename", "lineno", "function", "scope")

    def __init__(self, filename: str, lineno: int, function: str, scope: tuple) -> None:
        self.filename, self.lineno, self.function, self.scope = filename, lineno, function, scope

    def __str__(self) -> str:
        text = linecache.getline(self.filename, self.lineno).strip()
        site = f"{self.filename}:{self.lineno} in {self.function}"
        site += f": `{text}`" if text else ""
        if self.scope:
            site += " (inside " + " > ".join(type(m).__name__ for m in self.scope) + ")"
        return site


def _library_dirs() -> tuple[str, ...]:
    nn = sys.modules.get("nn")
    nn_file = getattr(nn, "__file__", None)
    if nn_file:
        return (*_ENGINE_DIRS, os.path.dirname(os.path.abspath(nn_file)) + os.sep)
    return _ENGINE_DIRS


def user_site(scope: tuple = ()) -> Site | None:
    """The innermost frame of the caller's stack outside `autograd_core` and `nn`."""
    skip = _library_dirs()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(skip):
            return Site(filename, frame.f_lineno, frame.f_code.co_name, scope)
        frame = frame.f_back
    return None


# ------------------------------------------------------------------ the checks


def _non_finite(value: Any) -> str | None:
    """A description of the NaN/inf in a float array ('nan in 2 of 6 elements, first at
    index (0, 1)'), or None when it is finite (or not floating point)."""
    array = np.asarray(value)
    if array.dtype.kind != "f":
        return None
    bad = ~np.isfinite(array)
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
    kinds = [name for name, test in (("nan", np.isnan), ("inf", np.isposinf)) if test(array).any()]
    if np.isneginf(array).any():
        kinds.append("-inf")
    return f"{'/'.join(kinds)} in {int(bad.sum())} of {array.size} elements, first at {first}"


def _describe_inputs(inputs: Sequence[Any], label: str) -> list[str]:
    found = []
    for i, x in enumerate(inputs):
        problem = _non_finite(x._data)
        if problem is not None:
            found.append(f"{label} {i} (shape {x.shape}) holds {problem}")
    return found


def check_forward(ctx: Any, inputs: Sequence[Any], out: Any, record: bool) -> None:
    """Called by `Function.apply` in anomaly mode: note where the op was made, check `out`."""
    if record:
        ctx.created_at = user_site(current_scope())
    if anomaly_mode.get() != CHECKING:
        return
    problem = _non_finite(out)
    if problem is None:
        return
    shapes = ", ".join(str(x.shape) for x in inputs)
    causes = _describe_inputs(inputs, "input")
    cause = "; ".join(causes) if causes else "all inputs were finite, so the op itself made it"
    raise AnomalyError(
        f"'{ctx.name}' produced {problem} of its output (shape {np.shape(out)}, inputs of "
        f"shapes {shapes}): {cause}; at {user_site(current_scope())}"
    )


def run_backward(node: Any, grad: Any) -> tuple[Any, ...]:
    """Run `node.backward(grad)` in anomaly mode and check the gradients it returns.

    The ops inside the backward formula only record where they were made; the
    check happens here, once, so the error names the op whose backward failed.
    """
    token = anomaly_mode.set(IN_BACKWARD)
    try:
        input_grads = node.backward(grad)
    finally:
        anomaly_mode.reset(token)
    for i, input_grad in enumerate(input_grads):
        problem = None if input_grad is None else _non_finite(input_grad._data)
        if problem is None:
            continue
        upstream = _non_finite(grad._data)
        causes = (
            [f"the upstream gradient (shape {grad.shape}) holds {upstream}"] if upstream else []
        )
        causes += _describe_inputs(node.inputs, "input")
        cause = (
            "; ".join(causes)
            if causes
            else "the upstream gradient and the inputs were finite, so the op's derivative "
            "itself is not finite there"
        )
        made = (
            f"the op was created at {node.created_at}"
            if node.created_at
            else "the op was created outside anomaly mode (run the forward pass inside "
            "ag.detect_anomaly() too to see where)"
        )
        raise AnomalyError(
            f"the backward of '{node.name}' produced {problem} of the gradient for its input "
            f"{i} (shape {node.inputs[i].shape}): {cause}; {made}"
        )
    return input_grads


def check_seed(seed: Any) -> None:
    """In anomaly mode, refuse a backward seeded with a NaN or inf gradient."""
    problem = _non_finite(seed._data)
    if problem is not None:
        raise AnomalyError(
            f"backward: the gradient passed to backward() holds {problem} (shape {seed.shape}); "
            f"at {user_site()}"
        )
