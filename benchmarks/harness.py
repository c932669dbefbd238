"""The benchmark harness: one timed child process per run, interleaved rounds, one table.

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

The pieces: `benchmarks.workload` (the registry; how to add a workload is in
its docstring), `benchmarks.child` (what a child measures), `benchmarks.report`
(pooling rounds, the table). This module is the parent and the command line.

Running
-------
``python -m benchmarks [WORKLOAD ...] [--quick] [--rounds N] [--threads N] [--frameworks a,b]``
runs the suite; ``python -m benchmarks.harness --run WORKLOAD FRAMEWORK
[--size N]`` runs one child and prints its JSON (add ``--profile`` for a
cProfile summary instead).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.child import profile_child, run_child
from benchmarks.machine import cpu_ticks, stolen_percent
from benchmarks.report import format_blas, format_size, format_table, format_targets, pool_rounds
from benchmarks.workload import load_workloads

ROOT = Path(__file__).resolve().parent.parent  # the repository: children run from here
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# NOTE: set on these machines for old OpenBLAS builds; they slow current numpy's BLAS.
# Removed from the children's environment only, never from the caller's.
REMOVED_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
CHILD_TIMEOUT_S = 600.0


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
        reason = f"exit {done.returncode}: {_last_error_line(done)}"[:200]
        return {**record, "status": "error", "reason": reason}
    return json.loads(lines[-1])


def _last_error_line(done: subprocess.CompletedProcess) -> str:
    """The last line a failed child wrote to stderr (its exception, usually)."""
    return (done.stderr.strip().splitlines() or ["no output"])[-1]


def probe_machine(threads: int) -> str:
    """`machine.machine_speed` in a fresh process with the children's threads, so that its
    BLAS threads (which spin for a while after a product) are gone before a child runs."""
    command = [
        sys.executable,
        "-c",
        "from benchmarks.machine import machine_speed as m; print(m())",
    ]
    done = subprocess.run(
        command, cwd=ROOT, env=child_environment(threads), capture_output=True, text=True
    )
    if done.returncode != 0:
        return f"probe failed (exit {done.returncode}: {_last_error_line(done)})"
    return done.stdout.strip()


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
    (interleaved: on a shared machine load then falls on all of them alike
    instead of on whichever ran during a busy minute), and each framework's
    rounds are pooled (`report.pool_rounds`): the median of the round medians,
    and ratios taken round by round.
    """
    available = load_workloads()
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(f"unknown workload(s) {unknown}; choose from {sorted(available)}")
    workloads = [available[name] for name in (names or available)]
    threads = threads or os.cpu_count() or 1
    echo(f"threads per run: {threads}; python {sys.version.split()[0]}; quick={quick}; ")
    echo(f"rounds={rounds} (interleaved, pooled); load average before: {os.getloadavg()[0]:.2f}")
    echo(f"machine before: {probe_machine(threads)}")
    records = []
    start, ticks = time.perf_counter(), cpu_ticks()
    for workload in workloads:
        sizes = workload.quick_sizes if quick and workload.quick_sizes else workload.sizes
        for size in sizes:
            runs: dict[str, list[dict[str, Any]]] = {}
            for _ in range(max(1, rounds)):
                for framework, variant in workload.variants.items():
                    if frameworks and framework not in frameworks:
                        continue
                    done = runs.setdefault(framework, [])
                    if not variant.available() or any(r["status"] != "ok" for r in done):
                        continue
                    record = spawn(workload.name, framework, size, quick, threads)
                    status = record["status"]
                    shown = f"{record['median_ms']:.3f} ms" if status == "ok" else status
                    echo(f"  ran {workload.name} {format_size(size)} {framework}: {shown}")
                    done.append(record)
            records.extend(pool_rounds(done) for done in runs.values() if done)
    steal = stolen_percent(ticks, cpu_ticks())
    stolen = "" if steal is None else f"; CPU time stolen by the host: {steal:.1f}%"
    after = probe_machine(threads)
    echo(f"\n(total {time.perf_counter() - start:.0f} s{stolen}; machine after: {after})\n")
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
    parser.add_argument("--rounds", type=int, default=1, help="interleaved runs, pooled")
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
            sizes = ", ".join(format_size(s) for s in workload.sizes)
            print(f"{workload.name:<14} {workload.description} [{workload.size_label}: {sizes}]")
            print(f"{'':<14} frameworks: {', '.join(workload.variants)}")
        return
    frameworks = [f for f in args.frameworks.split(",") if f]
    records = run_suite(args.workloads, args.quick, args.threads, frameworks, args.rounds)
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
