"""The workload registry: `Workload`, its per-framework `Variant`s, `Target`s and `Skip`.

Adding a workload
-----------------
Write one module in `benchmarks/` that builds a `Workload` and registers it,
then add the module's name to `WORKLOAD_MODULES` below (one line)::

    from benchmarks.workload import Skip, Workload, register

    CONV = register(Workload("conv2d", "Conv2d 3x3 forward+backward, batch 32", floor="numpy"))

    @CONV.variant("autograd_core")
    def _conv_engine(size):      # size: one of CONV.sizes (None when there are none)
        x, w = ...               # set-up is not timed
        def step():
            ...                  # one timed step: forward, backward, update
            return loss_value    # something the smoke test compares across frameworks
        return step

    @CONV.variant("torch", requires="torch")  # run only where torch is importable
    def _conv_torch(size): ...

A variant imports its framework inside the set-up function (a numpy child
must not load torch), may raise `Skip("why")` for a size it does not do, and
its `step()` returns a number, array or tuple of them that must agree, up to
`Workload.rtol`, with the floor variant's result for the same step: that is
how `tests/test_benchmarks.py` checks every framework computes the same
thing. A workload with `mode="memory"` is measured for the RSS that
`memory_steps` steps add over the process after set-up (the peak, and what
stays held at the end) instead of time.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The modules that define workloads. A new workload module adds one line here.
WORKLOAD_MODULES = [
    "benchmarks.scalar",
    "benchmarks.functional_workloads",
    "benchmarks.nn_workloads",
    "benchmarks.resnet_workloads",
]

Setup = Callable[[Any], Callable[[], Any]]


class Skip(Exception):  # noqa: N818 (a verdict, not an error)
    """Raised by a variant's set-up for a size it does not run (reported, not an error)."""


@dataclass(frozen=True)
class Target:
    """A goal to report: autograd_core's median <= `ratio` x `peer`'s (at `size`, or all)."""

    peer: str
    ratio: float
    size: Any = None


@dataclass
class Variant:
    """One framework's implementation of a workload: `setup(size)` returns `step`."""

    framework: str
    setup: Setup
    requires: tuple[str, ...] = ()

    def available(self) -> bool:
        """True when every module the variant needs can be imported here."""
        return all(importlib.util.find_spec(name) is not None for name in self.requires)


@dataclass
class Workload:
    """A named computation with one set-up function per framework.

    `sizes` parametrise the set-up (one table row each; `quick_sizes` for
    `--quick`, `test_size` for the smoke test, which `slow_smoke_test` moves to
    the slow tests); `ops_per_step(size)`, when
    given, adds a time-per-op column; `floor` names the variant every other
    is compared with; `budget_s` is roughly how long the timed repeats of
    one child may take.

    Examples
    --------
    >>> w = Workload("square", "x * x on a float", floor="python")
    >>> @w.variant("python")
    ... def _square(size):
    ...     return lambda: 3.0 * 3.0
    >>> w.variants["python"].setup(None)()
    9.0
    """

    name: str
    description: str
    floor: str = "numpy"
    sizes: tuple[Any, ...] = (None,)
    quick_sizes: tuple[Any, ...] | None = None
    test_size: Any = None
    slow_smoke_test: bool = False  # the smoke test runs with the slow tests only
    ops_per_step: Callable[[Any], int] | None = None
    size_label: str = "size"
    mode: str = "time"  # "time" or "memory"
    memory_steps: int = 20
    warmup: int = 2
    min_repeats: int = 5
    max_repeats: int = 200
    budget_s: float = 2.0
    rtol: float = 1e-6
    atol: float = 1e-9
    targets: tuple[Target, ...] = ()
    variants: dict[str, Variant] = field(default_factory=dict)

    def variant(self, framework: str, requires: str | tuple[str, ...] = ()) -> Callable:
        """Decorator registering `setup(size) -> step` as this workload's `framework` variant."""
        needs = (requires,) if isinstance(requires, str) else tuple(requires)

        def decorate(setup: Setup) -> Setup:
            if framework in self.variants:
                raise ValueError(f"{self.name}: a {framework!r} variant is already registered")
            self.variants[framework] = Variant(framework, setup, needs)
            return setup

        return decorate


WORKLOADS: dict[str, Workload] = {}


def register(workload: Workload) -> Workload:
    """Add `workload` to `WORKLOADS` (names are unique) and return it."""
    if workload.mode not in ("time", "memory"):
        raise ValueError(f"register: {workload.name}: mode must be 'time' or 'memory'")
    if workload.name in WORKLOADS:
        raise ValueError(f"register: a workload named {workload.name!r} is already registered")
    WORKLOADS[workload.name] = workload
    return workload


def load_workloads() -> dict[str, Workload]:
    """Import every module in `WORKLOAD_MODULES` (each registers its workloads)."""
    for module in WORKLOAD_MODULES:
        importlib.import_module(module)
    return WORKLOADS


def as_result_array(result: Any) -> Any:
    """A step's result as one flat float64 array, for comparing frameworks."""
    import numpy as np

    if isinstance(result, (tuple, list)):
        parts = [as_result_array(item) for item in result]
        return np.concatenate(parts) if parts else np.zeros(0)
    if hasattr(result, "detach") and not isinstance(result, (np.ndarray, np.generic)):
        result = result.detach().numpy()  # a torch or an autograd_core tensor
    return np.asarray(result, dtype=np.float64).reshape(-1)
