"""Checking gradients against central differences, in float64.

`numerical_grad` estimates dL/dx by (L(x + eps) - L(x - eps)) / (2 eps), one
element at a time; `gradcheck` compares that with what backward computes and
says which input and element disagree, and by how much.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine import backward
from .grad_mode import enable_grad, no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when backward and central differences disagree."""


def _as_float64_leaves(inputs: Sequence[Any], requires_grad: bool) -> list[Any]:
    """Fresh float64 leaves for the floating tensors among `inputs`; the rest pass through."""
    leaves = []
    for x in inputs:
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            wants_grad = requires_grad and x.requires_grad
            fresh = np.array(x._data, dtype=np.float64)
            leaves.append(Tensor(fresh, requires_grad=wants_grad, name=x.name))
        else:
            leaves.append(x)
    return leaves


def _weighted_output(fn: Callable[..., Any], args: list[Any], weights: np.ndarray | None) -> float:
    out = fn(*args)
    data = np.asarray(out, dtype=np.float64)
    return float(np.sum(data if weights is None else data * weights))


def numerical_grad(
    fn: Callable[..., Any], *inputs: Any, eps: float = 1e-6, grad_output: Any = None
) -> tuple[np.ndarray | None, ...]:
    """Central-difference gradient of sum(grad_output * fn(*inputs)) for each floating input.

    `grad_output` defaults to ones (the gradient of the sum of the output).
    Non-floating inputs get None.

    Examples
    --------
    >>> import autograd_core as ag
    >>> round(float(ag.numerical_grad(lambda x: x * x, ag.tensor(3.0, dtype="float64"))[0]), 6)
    6.0
    """
    args = _as_float64_leaves(inputs, requires_grad=False)
    weights = None if grad_output is None else np.asarray(grad_output, dtype=np.float64)
    grads: list[np.ndarray | None] = []
    with no_grad():
        for i, x in enumerate(args):
            if not (isinstance(x, Tensor) and x.dtype.kind == "f"):
                grads.append(None)
                continue
            base = np.array(x._data)  # an ndarray even for 0-d data, so .flat can write
            grad = np.zeros_like(base)
            for j in range(base.size):
                shifted = []
                for sign in (1.0, -1.0):
                    moved = base.copy()
                    moved.flat[j] += sign * eps
                    args[i] = Tensor(moved)
                    shifted.append(_weighted_output(fn, args, weights))
                grad.flat[j] = (shifted[0] - shifted[1]) / (2 * eps)
            args[i] = x
            grads.append(grad)
    return tuple(grads)


def gradcheck(
    fn: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    grad_output: Any = None,
    fast_mode: bool = False,
) -> bool:
    """Check backward against central differences for every input that requires grad.

    The inputs are copied to float64. With a non-scalar output, a random
    upstream gradient (fixed seed) is used unless `grad_output` is given, so
    the check is not tied to a gradient of all ones. Returns True or raises
    `GradcheckError` naming the input, the worst element and both values.

    `fast_mode=True` checks one random direction instead of every element:
    <u, J v> from central differences along a random v (two evaluations of
    `fn`, whatever the input size) against <J^T u, v> from backward, with u
    the upstream gradient. A wrong gradient almost surely changes that number,
    but the message cannot point at an element.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor([0.5, 1.5], requires_grad=True)
    >>> ag.gradcheck(lambda t: (t.tanh() * t).sum(), x)
    True
    >>> big = ag.randn(1000, requires_grad=True)
    >>> ag.gradcheck(lambda t: (t.tanh() * t).sum(), big, fast_mode=True)
    True
    """
    leaves = _as_float64_leaves(inputs, requires_grad=True)
    checked = [i for i, x in enumerate(leaves) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    with enable_grad():
        out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    if out.dtype != np.float64:
        warnings.warn(
            f"gradcheck: fn returned {out.dtype}, not float64; central differences "
            "need float64 throughout to be accurate",
            stacklevel=2,
        )
    if grad_output is None:
        grad_output = np.random.default_rng(0).uniform(-1.0, 1.0, out.shape)
    weights = np.asarray(grad_output, dtype=np.float64)
    targets = [leaves[i] for i in checked]
    analytic: list[Tensor | None] = (
        backward(out, Tensor(weights.astype(out.dtype)), inputs=targets)
        if out.requires_grad
        else [None] * len(targets)
    )
    # NOTE: a central difference of f cannot resolve less than f's rounding over 2 eps:
    # with |f| ~ 1e5 (inputs of magnitude 1000) that is ~1e-5, beyond atol alone.
    atol += _rounding_floor(np.asarray(out._data, np.float64) * weights, eps)
    if fast_mode:
        return _check_direction(fn, leaves, checked, analytic, weights, eps, atol, rtol)
    numeric = numerical_grad(fn, *leaves, eps=eps, grad_output=weights)
    for i, grad in zip(checked, analytic):
        expected = numeric[i]
        assert expected is not None  # every checked input is floating
        actual = np.zeros_like(expected) if grad is None else np.asarray(grad, np.float64)
        _compare(i, leaves[i], actual, expected, atol, rtol)
    return True


def _rounding_floor(weighted_output: np.ndarray, eps: float) -> float:
    """The error a central difference of sum(weighted_output) can have from rounding alone:
    a few units in the last place of the sum's terms, divided by the step 2 eps."""
    magnitude = float(np.sum(np.abs(weighted_output))) if weighted_output.size else 0.0
    if not np.isfinite(magnitude):
        return 0.0
    return 4 * float(np.finfo(np.float64).eps) * magnitude / (2 * eps)


def _check_direction(
    fn: Callable[..., Any],
    leaves: list[Any],
    checked: list[int],
    analytic: list[Tensor | None],
    weights: np.ndarray,
    eps: float,
    atol: float,
    rtol: float,
) -> bool:
    """Fast mode: <u, J v> by central differences along a random v, against <J^T u, v>."""
    rng = np.random.default_rng(2)
    directions = {i: rng.uniform(-1.0, 1.0, leaves[i].shape) for i in checked}
    from_backward = sum(
        float(np.sum(np.asarray(grad, np.float64) * directions[i]))
        for i, grad in zip(checked, analytic)
        if grad is not None
    )
    shifted = []
    with no_grad():
        for sign in (1.0, -1.0):
            args = list(leaves)
            for i in checked:
                args[i] = Tensor(leaves[i]._data + sign * eps * directions[i])
            shifted.append(_weighted_output(fn, args, weights))
    from_differences = (shifted[0] - shifted[1]) / (2 * eps)
    allowed = atol + rtol * abs(from_differences)
    if abs(from_backward - from_differences) <= allowed:  # False for NaN too
        return True
    names = ", ".join(f"{i}" + (f" ({leaves[i].name})" if leaves[i].name else "") for i in checked)
    raise GradcheckError(
        f"gradcheck (fast mode): inputs {names}: backward and central differences disagree "
        f"on the derivative along a random direction v; backward gives <J^T u, v> = "
        f"{from_backward:.8g}, central differences give <u, J v> = {from_differences:.8g} "
        f"(difference {abs(from_backward - from_differences):.3g}, allowed {allowed:.3g} "
        f"from atol={atol}, rtol={rtol}); run without fast_mode to find the element"
    )


def _compare(
    position: int, x: Tensor, actual: np.ndarray, expected: np.ndarray, atol: float, rtol: float
) -> None:
    if actual.shape != expected.shape:
        raise GradcheckError(
            f"gradcheck: the gradient of input {position} has shape {actual.shape}, "
            f"expected {expected.shape}"
        )
    excess = np.abs(actual - expected) - (atol + rtol * np.abs(expected))
    if actual.size == 0 or not (
        np.any(excess > 0) or np.any(np.isnan(actual) != np.isnan(expected))
    ):
        return
    worst = np.unravel_index(
        int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess))), actual.shape
    )
    label = f"input {position}" + (f" ({x.name})" if x.name else "")
    raise GradcheckError(
        f"gradcheck: {label} of shape {x.shape}: backward and central differences disagree; "
        f"worst element {tuple(int(k) for k in worst)}: backward gives {float(actual[worst]):.8g}, "
        f"central differences give {float(expected[worst]):.8g} "
        f"(difference {abs(actual[worst] - expected[worst]):.3g}, allowed "
        f"{atol + rtol * abs(expected[worst]):.3g} from atol={atol}, rtol={rtol})"
    )


def gradgradcheck(
    fn: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    grad_output: Any = None,
) -> bool:
    """Check second derivatives: the gradient of <backward(fn), w> against central differences.

    The first-order gradients are computed with `create_graph=True` and
    projected on fixed random directions w, which gives a scalar whose
    gradient `gradcheck` then verifies. Returns True or raises `GradcheckError`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.gradgradcheck(lambda t: t ** 3 + t.tanh(), ag.tensor([0.3, -1.2], requires_grad=True))
    True
    """
    leaves = _as_float64_leaves(inputs, requires_grad=True)
    checked = [i for i, x in enumerate(leaves) if isinstance(x, Tensor) and x.requires_grad]
    with enable_grad():
        probe = fn(*leaves)
    rng = np.random.default_rng(1)
    upstream = (
        rng.uniform(-1.0, 1.0, probe.shape)
        if grad_output is None
        else np.asarray(grad_output, dtype=np.float64)
    )
    directions = {i: rng.uniform(-1.0, 1.0, leaves[i].shape) for i in checked}

    def projected_gradient(*args: Any) -> Tensor:
        with enable_grad():
            # Central differences call this with plain tensors: make them differentiable here.
            leaves = [
                Tensor(a._data, requires_grad=True)
                if i in directions and not a.requires_grad
                else a
                for i, a in enumerate(args)
            ]
            out = fn(*leaves)
            targets = [leaves[i] for i in checked]
            grads: list[Tensor | None] = (
                backward(out, Tensor(upstream), create_graph=True, inputs=targets)
                if out.requires_grad
                else [None] * len(targets)
            )
            total = Tensor(np.float64(0.0))
            for i, grad in zip(checked, grads):
                if grad is not None:
                    total = total + (grad * directions[i]).sum()
            return total

    return gradcheck(projected_gradient, *leaves, eps=eps, atol=atol, rtol=rtol)
