"""The parent's report: rounds pooled per framework, one table, the targets, the BLAS in use.

With several interleaved rounds (every framework of a size runs once per
round, in turn), `pool_rounds` merges a framework's records into one: its
median is the median of the round medians, its extremes span every round,
and `round_ms` keeps each round's median. A ratio to a peer is then taken
round by round (both ran within the same minute, under the same load) and
reported as the median of those ratios with their range.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from benchmarks.workload import Workload

# NOTE: a few percent of steal is background on a shared host; above this, a round's time is
# noted as measured under contention
STEAL_WORTH_NOTING = 2.0


def pool_rounds(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One record from the records of one (workload, framework, size) over the rounds."""
    ok = [r for r in records if r["status"] == "ok"]
    if not ok:
        return records[-1]
    pooled = dict(ok[0])
    pooled["round_ms"] = [r["median_ms"] for r in ok]
    pooled["median_ms"] = statistics.median(pooled["round_ms"])
    for key in ("peak_added_mb", "end_added_mb", "held_kb_per_step"):
        if key in pooled:
            pooled[key] = statistics.median(r[key] for r in ok)
    if "min_ms" in pooled:
        pooled["min_ms"] = min(r["min_ms"] for r in ok)
        pooled["max_ms"] = max(r["max_ms"] for r in ok)
        for key in ("q1_ms", "q3_ms", "cpu_ms", "gc_ms_per_step", "faults_per_step"):
            pooled[key] = statistics.median(r[key] for r in ok)
        pooled["repeats"] = sum(r["repeats"] for r in ok)
        steals = [r["steal_percent"] for r in ok if r.get("steal_percent") is not None]
        pooled["steal_percent"] = max(steals) if steals else None  # the worst round
    return pooled


def ratios(record: dict[str, Any], peer: dict[str, Any] | None) -> list[float]:
    """`record`'s time over `peer`'s, one ratio per round both ran in (pooled records), or the
    ratio of the medians; empty when either did not run."""
    if peer is None or peer.get("status") != "ok" or record.get("status") != "ok":
        return []
    mine, theirs = record.get("round_ms"), peer.get("round_ms")
    if mine and theirs and len(mine) == len(theirs):
        return [a / b for a, b in zip(mine, theirs)]
    return [record["median_ms"] / peer["median_ms"]]


def format_ratio(values: list[float], spread: bool = False) -> str:
    """The median ratio ("1.23x"), with its range over the rounds when `spread`."""
    if not values:
        return "-"
    text = f"{statistics.median(values):.2f}x"
    if spread and len(values) > 1:
        text += f" ({min(values):.2f}-{max(values):.2f}x over {len(values)} rounds)"
    return text


def format_size(size: Any) -> str:
    """10^k for powers of ten, '-' for no size, the size otherwise."""
    if isinstance(size, int) and size >= 1000 and str(size).rstrip("0") == "1":
        return f"10^{len(str(size)) - 1}"
    return "-" if size is None else str(size)


def _memory_row(r: dict[str, Any]) -> str:
    return (
        f"peak +{r['peak_added_mb']:.1f} MB over {r['steps']} steps, held at the end "
        f"+{r['end_added_mb']:.1f} MB ({r['held_kb_per_step']:.0f} kB/step; base "
        f"{r['base_rss_mb']:.0f} MB, {r['median_ms']:.1f} ms/step) {r['note']}"
    )


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
                head = f"{workload.name:<14}{format_size(r['size']):>7}  {r['framework']:<18}"
                if r["status"] != "ok":
                    lines.append(f"{head}{r['status']}: {r.get('reason', '')}")
                    continue
                if workload.mode == "memory":
                    lines.append(head + _memory_row(r))
                    continue
                spread = f"{r['min_ms']:.3g}-{r['max_ms']:.3g}"
                per_op = "-"
                if workload.ops_per_step is not None:
                    per_op = f"{r['median_ms'] * 1e3 / workload.ops_per_step(r['size']):.2f}"
                rounds = r.get("round_ms", [])
                note = [r["note"]] if r["note"] else []
                if len(rounds) > 1:
                    note.append(f"round medians {min(rounds):.3g}-{max(rounds):.3g} ms")
                steal = r.get("steal_percent")
                if steal is not None and steal >= STEAL_WORTH_NOTING:
                    note.append(f"CPU steal {steal:.0f}%")
                lines.append(
                    f"{head}{r['median_ms']:>11.3f}{spread:>20}"
                    f"{r['q3_ms'] - r['q1_ms']:>9.3g}{r['cpu_ms']:>10.4g}{per_op:>8}"
                    f"{format_ratio(ratios(r, floor)):>9}{format_ratio(ratios(r, torch)):>9}"
                    f"{r['gc_ms_per_step']:>9.4g}{r['faults_per_step']:>9.0f}{r['repeats']:>5}"
                    + (f"  {'; '.join(note)}" if note else "")
                )
    return "\n".join(lines)


def format_targets(workloads: list[Workload], records: list[dict[str, Any]]) -> str:
    """One line per target: met, missed, or not measured (with the range over rounds)."""
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
                label = f"{workload.name} {format_size(size)}: autograd_core <= "
                label += f"{target.ratio}x {target.peer}"
                mine = found.get("autograd_core")
                values = ratios(mine, found.get(target.peer)) if mine else []
                if not values:
                    lines.append(f"{label}: not measured")
                    continue
                verdict = "met" if statistics.median(values) <= target.ratio else "MISSED"
                lines.append(f"{label}: {format_ratio(values, spread=True)}, {verdict}")
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
