"""How much of the machine a run had: CPU time stolen by the host, and two speed probes.

On a shared virtual machine a slow round is often not the code: the host ran
someone else on our cores ("steal", from Linux's /proc/stat), or a neighbour
shares the caches and memory bandwidth (which steal does not show, but a fixed
product and a fixed loop do). Each timed child reports the share of CPU time
stolen while it ran; the suite prints the share over the whole run and the
probes before and after it, so that tables from different days can be compared.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

_STEAL = 7  # the 8th number on the "cpu" line: user nice system idle iowait irq softirq steal


def cpu_ticks() -> tuple[int, int] | None:
    """(stolen, total) clock ticks of all CPUs since boot; None off Linux."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) <= _STEAL + 1:
        return None
    ticks = [int(value) for value in fields[1:]]
    return ticks[_STEAL], sum(ticks[: _STEAL + 1])


def stolen_percent(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share (0-100) of CPU time stolen between two `cpu_ticks` readings, or None."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return 100.0 * (after[0] - before[0]) / (after[1] - before[1])


def machine_speed() -> str:
    """Two fixed probes of how fast the machine is right now: a float32 1024^3 product
    (GFLOPS, numpy's BLAS on its threads) and a pure-Python loop (ns an iteration); the
    best of five each. Printed before and after a run, they tell a slow day from slow code."""
    a = np.ones((1024, 1024), np.float32)
    product = min(_seconds(lambda: a @ a) for _ in range(5))
    loop = min(_seconds(_python_loop) for _ in range(5))
    return f"BLAS {2 * 1024**3 / product / 1e9:.0f} GFLOPS, Python {loop / _LOOP * 1e9:.0f} ns/iter"


_LOOP = 200_000


def _python_loop() -> None:
    total = 0
    for i in range(_LOOP):
        total += i


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start
