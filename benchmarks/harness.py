"""The benchmark harness: a workload registry, a timed child process per run, one table.

Every (workload, framework, size) runs in a fresh subprocess, so frameworks
never share a heap, an allocator or a BLAS thread pool, and each starts from
the same state. The parent sets the same thread count for every child
(OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, and
`torch.set_num_threads` inside the child), removes OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE from the child's environment only (a guard some machines set
for old OpenBLAS builds, which slows current numpy's BLAS), collects the
JSON each child prints, and prints one table: median time per step with its
spread, the ratio to the workload's floor (hand-written numpy or plain
Python) and to PyTorch, and the page faults per step. The BLAS library each
child loaded is printed beside it (threadpoolctl's `threadpool_info()`).

Adding a workload
-----------------
Write one module in `benchmarks/` that builds a `Workload` and registers it,
then add the module's name to `WORKLOAD_MODULES` below (one line)::

    from benchmarks.harness import Skip, Workload, register

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
thing. A workload with `mode="memory"` is measured for peak RSS added by
`memory_steps` steps over the process after set-up instead of time.

Running
-------
``python -m benchmarks [WORKLOAD ...] [--quick] [--threads N] [--frameworks a,b]``
runs the suite; ``python -m benchmarks.harness --run WORKLOAD FRAMEWORK
[--size N]`` runs one child and prints its JSON (add ``--profile`` for a
cProfile summary instead).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The modules that define workloads. A new workload module adds one line here.
WORKLOAD_MODULES = [
    "benchmarks.scalar",
    "benchmarks.functional_workloads",
    "benchmarks.nn_workloads",
]

ROOT = Path(__file__).resolve().parent.parent  # the repository: children run from here
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# NOTE: set on these machines for old OpenBLAS builds; they slow current numpy's BLAS.
# Removed from the children's environment only, never from the caller's.
REMOVED_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
CHILD_TIMEOUT_S = 600.0

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
    `--quick`, `test_size` for the smoke test); `ops_per_step(size)`, when
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
    if type(result).__module__.split(".")[0] == "torch":
        result = result.detach().cpu().numpy()
    elif hasattr(result, "numpy") and not isinstance(result, (np.ndarray, np.generic)):
        result = result.numpy()  # an autograd_core Tensor
    return np.asarray(result, dtype=np.float64).reshape(-1)


# ----------------------------------------------------------------- the child


def _rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") // 1024


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0), so ru_maxrss counts from now."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _blas_info() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"internal_api": "unknown (pip install threadpoolctl)"}]
    keys = ("user_api", "internal_api", "version", "architecture", "num_threads", "prefix")
    pools = [{key: pool.get(key) for key in keys} for pool in threadpool_info()]
    torch = sys.modules.get("torch")
    if torch is not None:  # torch's own BLAS is linked statically: threadpoolctl cannot see it
        blas = torch.__config__.show()
        kernel = "mkl" if torch.backends.mkl.is_available() else "openblas?"
        if "BLAS_INFO=" in blas:
            kernel = blas.split("BLAS_INFO=")[1].split(",")[0]
        pools.append(
            {
                "internal_api": f"torch {torch.__version__}: {kernel}",
                "architecture": f"cpu capability {torch.backends.cpu.get_cpu_capability()}",
                "num_threads": torch.get_num_threads(),
                "prefix": "built in",
            }
        )
    return pools


def _time_steps(workload: Workload, step: Callable[[], Any], quick: bool) -> dict[str, Any]:
    """Warm up, then time repeats of `step`.

    Python's cyclic garbage collector runs when it runs: collecting a step's
    garbage is part of a framework's cost. Only a variant that switched the
    collector off gets a collection between steps, outside the clock, so its
    memory stays bounded.
    """
    budget = workload.budget_s / 4 if quick else workload.budget_s
    warmup = 1 if quick else workload.warmup
    times: list[float] = []
    faults: list[int] = []
    collecting: list[float] = []  # seconds the cyclic collector ran inside each step
    cpu: list[float] = []  # CPU seconds of this process (all threads) in each step
    gc_clock = [0.0, 0.0]  # [start of the running collection, total in this step]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_clock[0] = time.perf_counter()
        else:
            gc_clock[1] += time.perf_counter() - gc_clock[0]

    def timed() -> None:
        if not gc.isenabled():
            gc.collect()
        gc_clock[1] = 0.0
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        elapsed = time.perf_counter() - start
        cpu.append(time.process_time() - start_cpu)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        times.append(elapsed)
        collecting.append(gc_clock[1])

    gc.collect()  # start from a clean heap, whatever set-up left behind
    gc.callbacks.append(on_gc)
    try:
        _repeat(workload, timed, (times, faults, collecting, cpu), budget, warmup)
    finally:
        gc.callbacks.remove(on_gc)
    ms = sorted(t * 1e3 for t in times)
    quartiles = statistics.quantiles(ms, n=4) if len(ms) > 1 else [ms[0], ms[0], ms[0]]
    return {
        "median_ms": statistics.median(ms),
        "min_ms": ms[0],
        "max_ms": ms[-1],
        "q1_ms": quartiles[0],
        "q3_ms": quartiles[2],
        "repeats": len(ms),
        "faults_per_step": statistics.median(faults),
        "gc_ms_per_step": statistics.median(collecting) * 1e3,
        "cpu_ms": statistics.median(cpu) * 1e3,
        "note": "single cold step (longer than the time budget)" if len(ms) == 1 else "",
    }


def _repeat(workload, timed, records, budget, warmup) -> None:
    """Warm-up steps, then as many timed repeats as fit the budget (within the limits)."""
    times = records[0]
    timed()
    if times[0] > 2 * budget:  # a step this long: the first run is the measurement
        return
    for _ in range(warmup - 1):
        timed()
    estimate = min(times)
    for record in records:
        record.clear()
    repeats = max(workload.min_repeats, min(workload.max_repeats, int(budget / estimate)))
    if estimate * workload.min_repeats > 4 * budget:
        repeats = max(2, int(budget / estimate))
    for _ in range(repeats):
        timed()


def _measure_memory(workload: Workload, step: Callable[[], Any]) -> dict[str, Any]:
    """Peak RSS added by `memory_steps` steps over the process after set-up."""
    gc.collect()
    base_kb = _rss_kb()
    exact = _reset_peak_rss()
    start = time.perf_counter()
    for _ in range(workload.memory_steps):
        step()
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "base_rss_mb": base_kb / 1024,
        "peak_added_mb": max(0, peak_kb - base_kb) / 1024,
        "end_added_mb": (_rss_kb() - base_kb) / 1024,
        "steps": workload.memory_steps,
        "median_ms": elapsed * 1e3 / workload.memory_steps,
        "note": "" if exact else "peak includes set-up (peak-RSS reset unavailable)",
    }


def run_child(name: str, framework: str, size: Any, quick: bool, threads: int) -> dict[str, Any]:
    """Set up one variant, measure it, and return the record the parent tabulates."""
    record: dict[str, Any] = {"workload": name, "framework": framework, "size": size}
    workload = load_workloads()[name]
    variant = workload.variants[framework]
    if not variant.available():
        return {**record, "status": "skipped", "reason": f"needs {', '.join(variant.requires)}"}
    try:
        step = variant.setup(size)
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(threads)
        if workload.mode == "memory":
            record.update(_measure_memory(workload, step))
        else:
            record.update(_time_steps(workload, step, quick))
    except Skip as reason:
        return {**record, "status": "skipped", "reason": str(reason)}
    except Exception as error:  # reported in the table, not raised
        return {**record, "status": "error", "reason": f"{type(error).__name__}: {error}"[:200]}
    record["status"] = "ok"
    if "numpy" in sys.modules or "torch" in sys.modules:
        record["blas"] = _blas_info()
    return record


def profile_child(name: str, framework: str, size: Any, steps: int, top: int) -> None:
    """Print a cProfile summary (top functions by own time) of `steps` steps."""
    import cProfile
    import pstats

    workload = load_workloads()[name]
    step = workload.variants[framework].setup(size)
    step()  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


# ---------------------------------------------------------------- the parent


def child_environment(threads: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with the thread counts set and the
    OpenBLAS guards removed; `base` itself is not changed."""
    base = os.environ if base is None else base
    env = {k: v for k, v in base.items() if k not in REMOVED_VARIABLES}
    for variable in THREAD_VARIABLES:
        env[variable] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def spawn(name: str, framework: str, size: Any, quick: bool, threads: int) -> dict[str, Any]:
    """Run one (workload, framework, size) in a fresh process and return its record."""
    command = [sys.executable, "-m", "benchmarks.harness", "--run", name, framework]
    command += ["--size", json.dumps(size), "--threads", str(threads)]
    command += ["--quick"] if quick else []
    record = {"workload": name, "framework": framework, "size": size}
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=child_environment(threads),
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return {**record, "status": "error", "reason": f"timeout after {CHILD_TIMEOUT_S:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {**record, "status": "error", "reason": f"exit {done.returncode}: {tail}"[:200]}
    return json.loads(lines[-1])


def _format_size(size: Any) -> str:
    if isinstance(size, int) and size >= 1000 and str(size).rstrip("0") == "1":
        return f"10^{len(str(size)) - 1}"
    return "-" if size is None else str(size)


def _ratio(record: dict[str, Any], peer: dict[str, Any] | None) -> str:
    if peer is None or peer.get("status") != "ok" or record.get("status") != "ok":
        return "-"
    return f"{record['median_ms'] / peer['median_ms']:.2f}x"


def format_table(workloads: list[Workload], records: list[dict[str, Any]]) -> str:
    """The results as one text table (a row per workload, size and framework)."""
    header = (
        f"{'workload':<14}{'size':>7}  {'framework':<18}{'median ms':>11}{'min-max ms':>20}"
        f"{'IQR ms':>9}{'cpu ms':>10}{'us/op':>8}{'x floor':>9}{'x torch':>9}{'gc ms':>9}"
        f"{'faults':>9}{'n':>5}"
    )
    lines = [header, "-" * len(header)]
    for workload in workloads:
        mine = [r for r in records if r["workload"] == workload.name]
        for size in dict.fromkeys(json.dumps(r["size"]) for r in mine):
            rows = [r for r in mine if json.dumps(r["size"]) == size]
            by_framework = {r["framework"]: r for r in rows}
            floor, torch = by_framework.get(workload.floor), by_framework.get("torch")
            for r in rows:
                head = f"{workload.name:<14}{_format_size(r['size']):>7}  {r['framework']:<18}"
                if r["status"] != "ok":
                    lines.append(f"{head}{r['status']}: {r.get('reason', '')}")
                elif workload.mode == "memory":
                    lines.append(
                        f"{head}peak +{r['peak_added_mb']:.1f} MB over {r['steps']} steps "
                        f"(end +{r['end_added_mb']:.1f} MB, base {r['base_rss_mb']:.0f} MB, "
                        f"{r['median_ms']:.1f} ms/step) {r['note']}"
                    )
                else:
                    spread = f"{r['min_ms']:.3g}-{r['max_ms']:.3g}"
                    per_op = "-"
                    if workload.ops_per_step is not None:
                        per_op = f"{r['median_ms'] * 1e3 / workload.ops_per_step(r['size']):.2f}"
                    lines.append(
                        f"{head}{r['median_ms']:>11.3f}{spread:>20}"
                        f"{r['q3_ms'] - r['q1_ms']:>9.3g}{r['cpu_ms']:>10.4g}{per_op:>8}"
                        f"{_ratio(r, floor):>9}{_ratio(r, torch):>9}{r['gc_ms_per_step']:>9.4g}"
                        f"{r['faults_per_step']:>9.0f}{r['repeats']:>5}"
                        + (f"  {r['note']}" if r["note"] else "")
                    )
    return "\n".join(lines)


def format_targets(workloads: list[Workload], records: list[dict[str, Any]]) -> str:
    """One line per target: met, missed, or not measured."""
    lines = []
    for workload in workloads:
        for target in workload.targets:
            sizes = [target.size] if target.size is not None else list(workload.sizes)
            for size in sizes:
                found = {
                    r["framework"]: r
                    for r in records
                    if r["workload"] == workload.name and r["size"] == size
                }
                mine, peer = found.get("autograd_core"), found.get(target.peer)
                label = f"{workload.name} {_format_size(size)}: autograd_core <= "
                label += f"{target.ratio}x {target.peer}"
                ok = mine and peer and mine["status"] == peer["status"] == "ok"
                if not ok:
                    lines.append(f"{label}: not measured")
                    continue
                ratio = mine["median_ms"] / peer["median_ms"]
                verdict = "met" if ratio <= target.ratio else "MISSED"
                lines.append(f"{label}: {ratio:.2f}x, {verdict}")
    return "\n".join(lines)


def format_blas(records: list[dict[str, Any]]) -> str:
    """The BLAS (and OpenMP) pools the children loaded, each with the frameworks that used it."""
    users: dict[str, list[str]] = {}
    for r in records:
        for pool in r.get("blas", []):
            text = f"{pool.get('internal_api')} {pool.get('version') or ''}".rstrip()
            text += f", {pool.get('architecture')}, {pool.get('num_threads')} threads"
            text += f" ({pool.get('prefix')})"
            frameworks = users.setdefault(text, [])
            if r["framework"] not in frameworks:
                frameworks.append(r["framework"])
    return "\n".join(f"  {text}: {', '.join(names)}" for text, names in users.items())


def run_suite(
    names: list[str],
    quick: bool = False,
    threads: int | None = None,
    frameworks: list[str] | None = None,
    rounds: int = 1,
    echo: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Run the named workloads (all when empty), print the table, return the records.

    With `rounds` > 1 the frameworks of each size run in turn that many times
    and each keeps its best round: on a shared machine, load then falls on all
    of them alike instead of on whichever ran during a busy minute.
    """
    available = load_workloads()
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(f"unknown workload(s) {unknown}; choose from {sorted(available)}")
    workloads = [available[name] for name in (names or available)]
    threads = threads or os.cpu_count() or 1
    echo(f"threads per run: {threads}; python {sys.version.split()[0]}; quick={quick}; ")
    echo(f"rounds={rounds} (best kept); load average before: {os.getloadavg()[0]:.2f}")
    records = []
    start = time.perf_counter()
    for workload in workloads:
        sizes = workload.quick_sizes if quick and workload.quick_sizes else workload.sizes
        for size in sizes:
            best: dict[str, dict[str, Any]] = {}
            for _ in range(max(1, rounds)):
                for framework, variant in workload.variants.items():
                    if frameworks and framework not in frameworks:
                        continue
                    if not variant.available() or best.get(framework, {}).get("status") in (
                        "skipped",
                        "error",
                    ):
                        continue
                    record = spawn(workload.name, framework, size, quick, threads)
                    status = record["status"]
                    shown = f"{record['median_ms']:.3f} ms" if status == "ok" else status
                    echo(f"  ran {workload.name} {_format_size(size)} {framework}: {shown}")
                    kept = best.get(framework)
                    if kept is None or (status == "ok" and record["median_ms"] < kept["median_ms"]):
                        best[framework] = record
            records.extend(best.values())
    echo(f"\n(total {time.perf_counter() - start:.0f} s)\n")
    echo(format_table(workloads, records))
    targets = format_targets(workloads, records)
    if targets:
        echo("\nTargets:\n" + targets)
    echo("\nBLAS in use (threadpoolctl):\n" + format_blas(records))
    return records


def main(argv: list[str] | None = None) -> None:
    """Command line of both the suite (`python -m benchmarks`) and the child (`--run`)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("workloads", nargs="*", help="workloads to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    parser.add_argument("--threads", type=int, default=None, help="threads (default: cores)")
    parser.add_argument("--frameworks", default="", help="comma-separated frameworks to run")
    parser.add_argument("--rounds", type=int, default=1, help="runs per framework, best kept")
    parser.add_argument("--list", action="store_true", help="list workloads and variants")
    parser.add_argument("--json", default="", help="also write the records to this file")
    parser.add_argument("--run", nargs=2, metavar=("WORKLOAD", "FRAMEWORK"), help="child mode")
    parser.add_argument("--size", default="null", help="child mode: the size, as JSON")
    parser.add_argument("--profile", action="store_true", help="child mode: cProfile, no JSON")
    parser.add_argument("--steps", type=int, default=3, help="steps profiled with --profile")
    args = parser.parse_args(argv)
    threads = args.threads or os.cpu_count() or 1
    if args.run:
        name, framework = args.run
        if args.profile:
            profile_child(name, framework, json.loads(args.size), args.steps, top=25)
            return
        print(json.dumps(run_child(name, framework, json.loads(args.size), args.quick, threads)))
        return
    if args.list:
        for workload in load_workloads().values():
            sizes = ", ".join(_format_size(s) for s in workload.sizes)
            print(f"{workload.name:<14} {workload.description} [{workload.size_label}: {sizes}]")
            print(f"{'':<14} frameworks: {', '.join(workload.variants)}")
        return
    frameworks = [f for f in args.frameworks.split(",") if f]
    records = run_suite(args.workloads, args.quick, args.threads, frameworks, args.rounds)
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    # NOTE: run as `python -m benchmarks.harness`, this file is `__main__`; the workload
    # modules import `benchmarks.harness`, so hand over to that module's registry.
    from benchmarks.harness import main as _main

    _main()
