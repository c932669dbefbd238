"""CPU time the hypervisor gave to other machines ("steal"), from Linux's /proc/stat.

On a shared virtual machine a slow round is often not the code: the host ran
someone else on our cores. Each timed child reports the share of CPU time
stolen while it ran, and the suite the share over the whole run, so that a
table measured under contention says so.
"""

from __future__ import annotations

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
