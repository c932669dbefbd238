"""The child side of the harness: set up one variant, measure it, print one JSON record.

Time workloads run warm-up steps, then as many timed repeats as fit the
budget (`_time_steps`): median, quartiles, extremes, CPU time, page faults
and the time the cyclic garbage collector ran inside each step. Memory
workloads (`_measure_memory`) report the peak RSS that `memory_steps` steps
add over the process after set-up and what stays resident after them (with
freed heap memory handed back to the kernel first, so that only what is
still held counts).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.machine import cpu_ticks, stolen_percent
from benchmarks.workload import Skip, Workload, load_workloads


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
    ticks = cpu_ticks()
    try:
        _repeat(workload, timed, (times, faults, collecting, cpu), budget, warmup)
    finally:
        gc.callbacks.remove(on_gc)
    steal = stolen_percent(ticks, cpu_ticks())
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
        "steal_percent": steal,
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


def _trim_heap() -> None:
    """Hand freed heap memory back to the kernel (glibc's malloc_trim), so the RSS counts
    what is still held rather than what the allocator kept for later."""
    name = ctypes.util.find_library("c")
    if name:
        trim = getattr(ctypes.CDLL(name), "malloc_trim", None)
        if trim is not None:
            trim(0)


def _measure_memory(workload: Workload, step: Callable[[], Any]) -> dict[str, Any]:
    """Peak RSS added by `memory_steps` steps over the process after set-up, and the RSS
    still held after them (a step that keeps its graph alive shows here)."""
    gc.collect()
    _trim_heap()
    base_kb = _rss_kb()
    exact = _reset_peak_rss()
    start = time.perf_counter()
    for _ in range(workload.memory_steps):
        step()
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    gc.collect()
    _trim_heap()
    held_kb = _rss_kb() - base_kb
    return {
        "base_rss_mb": base_kb / 1024,
        "peak_added_mb": max(0, peak_kb - base_kb) / 1024,
        "end_added_mb": held_kb / 1024,
        "held_kb_per_step": held_kb / workload.memory_steps,
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
