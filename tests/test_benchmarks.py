"""Smoke tests of the benchmark suite: every framework's variant computes the same thing.

Each workload's variants run in-process at the workload's tiny `test_size`
for two steps (so the update of the first step shows in the second), and
their results are compared with the floor variant (hand-written numpy or
plain Python). The harness's child protocol, environment and measurements
are checked too. Nothing here asserts a timing.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` is run from the checkout, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402
from benchmarks.harness import Workload, as_result_array, load_workloads  # noqa: E402

WORKLOADS = load_workloads()
PEERS = [
    (name, framework)
    for name, workload in WORKLOADS.items()
    for framework in workload.variants
    if framework not in ("autograd_core", workload.floor)
]


def _two_steps(workload: Workload, framework: str) -> list[np.ndarray]:
    variant = workload.variants[framework]
    if not variant.available():
        pytest.skip(f"{framework} is not installed (pip install -e '.[torch,bench]')")
    was_enabled = gc.isenabled()
    try:
        step = variant.setup(workload.test_size)
        return [as_result_array(step()) for _ in range(2)]
    finally:
        if was_enabled:
            gc.enable()  # a variant may switch the collector off for its own process


def _assert_same(workload: Workload, got: list[np.ndarray], want: list[np.ndarray]) -> None:
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.shape == w.shape, f"step {i}: result shapes {g.shape} and {w.shape}"
        np.testing.assert_allclose(g, w, rtol=workload.rtol, atol=workload.atol)


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_workload_engine_matches_floor(name):
    workload = WORKLOADS[name]
    assert "autograd_core" in workload.variants and workload.floor in workload.variants
    want = _two_steps(workload, workload.floor)
    assert all(np.isfinite(w).all() and w.size for w in want)
    _assert_same(workload, _two_steps(workload, "autograd_core"), want)


@pytest.mark.parametrize(("name", "framework"), PEERS, ids=[f"{n}-{f}" for n, f in PEERS])
def test_workload_peer_matches_floor(name, framework):
    workload = WORKLOADS[name]
    _assert_same(workload, _two_steps(workload, framework), _two_steps(workload, workload.floor))


def test_scalar_mlp_steps_lower_the_loss():
    from benchmarks.scalar import SCALAR_MLP

    step = SCALAR_MLP.variants["python"].setup(SCALAR_MLP.test_size)
    losses = [step()[0] for _ in range(5)]
    assert losses[-1] < losses[0]


def test_child_environment_sets_threads_and_drops_openblas_guards():
    base = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1", "KEEP": "x"}
    env = harness.child_environment(3, base)
    assert "OPENBLAS_CORETYPE" not in env and "OPENBLAS_L2_SIZE" not in env
    assert env["KEEP"] == "x" and base["OPENBLAS_CORETYPE"] == "Haswell"
    assert all(env[v] == "3" for v in harness.THREAD_VARIABLES)
    assert str(harness.ROOT) in env["PYTHONPATH"].split(":")


def test_spawn_child_reports_json_record():
    record = harness.spawn("chain", "python", 100, quick=True, threads=1)
    assert record["status"] == "ok", record
    assert record["min_ms"] <= record["median_ms"] <= record["max_ms"]
    assert record["repeats"] >= 1 and record["faults_per_step"] >= 0
    table = harness.format_table([WORKLOADS["chain"]], [record])
    assert "chain" in table and "python" in table


def test_spawn_child_reports_errors_without_raising():
    workload = harness.Workload("failing", "raises", floor="python")
    workload.variants["python"] = harness.Variant("python", lambda size: 1 / 0)
    harness.WORKLOADS["failing"] = workload
    try:
        record = harness.run_child("failing", "python", None, quick=True, threads=1)
    finally:
        del harness.WORKLOADS["failing"]
    assert record["status"] == "error" and "ZeroDivisionError" in record["reason"]


def test_child_command_line_prints_one_json_line():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.harness", "--run", "chain", "python", "--size", "10"],
        cwd=ROOT,
        env=harness.child_environment(1),
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["workload"] == "chain" and record["size"] == 10 and record["status"] == "ok"


def test_time_steps_counts_repeats_and_orders_statistics():
    calls = []
    workload = Workload("count", "", warmup=2, min_repeats=4, max_repeats=6, budget_s=10.0)
    stats = harness._time_steps(workload, lambda: calls.append(1), quick=False)
    assert stats["repeats"] == 6 and len(calls) == 2 + 6  # warm-ups are not reported
    assert stats["min_ms"] <= stats["q1_ms"] <= stats["median_ms"] <= stats["q3_ms"]
    assert stats["q3_ms"] <= stats["max_ms"] and stats["gc_ms_per_step"] >= 0.0


def test_time_steps_measures_garbage_collection_inside_steps():
    workload = Workload("collect", "", warmup=1, min_repeats=3, max_repeats=3)
    stats = harness._time_steps(workload, gc.collect, quick=False)
    assert 0.0 < stats["gc_ms_per_step"] <= stats["max_ms"]
    assert gc.collect not in gc.callbacks and all(
        getattr(c, "__name__", "") != "on_gc" for c in gc.callbacks
    )


def test_measure_memory_sees_what_steps_allocate():
    held = []

    # NOTE: 40 MB, above glibc's largest mmap threshold (32 MB): each array gets fresh pages.
    # Smaller ones may come from heap memory that earlier tests freed but kept resident
    # (freeing a large array raises the threshold), and then the RSS does not grow.
    def step():  # keeps 40 MB per step alive, touched so that it is resident
        held.append(np.ones(5 * 1024 * 1024))

    workload = Workload("grow", "", mode="memory", memory_steps=3)
    stats = harness._measure_memory(workload, step)
    assert stats["peak_added_mb"] >= 0.9 * 120 and stats["end_added_mb"] >= 0.9 * 120


def test_as_result_array_flattens_every_framework_alike():
    import autograd_core as ag

    torch = pytest.importorskip("torch")
    want = np.array([1.5, 1.0, 2.0, 3.0])
    for values in (
        (1.5, [1.0, 2.0, 3.0]),
        (np.float64(1.5), np.array([[1.0, 2.0], [3.0, 0.0]])[[0, 0, 1], [0, 1, 0]]),
        (ag.tensor(1.5), ag.tensor([1.0, 2.0, 3.0], requires_grad=True)),
        (torch.tensor(1.5), torch.tensor([1.0, 2.0, 3.0], requires_grad=True)),
    ):
        got = as_result_array(values)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
