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

from benchmarks import child, harness, machine, report, workload  # noqa: E402
from benchmarks.workload import Workload, as_result_array, load_workloads  # noqa: E402

WORKLOADS = load_workloads()


def _marked(name: str, *values: str) -> object:
    """The test parameters, marked slow for a workload whose smoke test is slow."""
    return pytest.param(
        *values, marks=[pytest.mark.slow] if WORKLOADS[name].slow_smoke_test else []
    )


NAMES = [_marked(name, name) for name in sorted(WORKLOADS)]
PEERS = [
    _marked(name, name, framework)
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


@pytest.mark.parametrize("name", NAMES)
def test_workload_engine_matches_floor(name):
    workload = WORKLOADS[name]
    assert "autograd_core" in workload.variants and workload.floor in workload.variants
    want = _two_steps(workload, workload.floor)
    assert all(np.isfinite(w).all() and w.size for w in want)
    _assert_same(workload, _two_steps(workload, "autograd_core"), want)


@pytest.mark.parametrize(("name", "framework"), PEERS, ids=["-".join(p.values) for p in PEERS])
def test_workload_peer_matches_floor(name, framework):
    workload = WORKLOADS[name]
    _assert_same(workload, _two_steps(workload, framework), _two_steps(workload, workload.floor))


def test_resnet18_of_torch_has_the_engine_state_dict_keys_and_shapes():
    torch = pytest.importorskip("torch", reason="pip install -e '.[torch]'")
    import nn
    from benchmarks.resnet_workloads import torch_resnet18

    ours = nn.models.resnet18(num_classes=10, small_input=True).state_dict()
    theirs = torch_resnet18(10).state_dict()
    assert list(ours) == list(theirs)
    assert all(tuple(ours[k].shape) == tuple(theirs[k].shape) for k in ours)
    assert isinstance(theirs["bn1.num_batches_tracked"], torch.Tensor)


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
    table = report.format_table([WORKLOADS["chain"]], [record])
    assert "chain" in table and "python" in table


def test_spawn_child_reports_errors_without_raising():
    failing = Workload("failing", "raises", floor="python")
    failing.variants["python"] = workload.Variant("python", lambda size: 1 / 0)
    workload.WORKLOADS["failing"] = failing
    try:
        record = child.run_child("failing", "python", None, quick=True, threads=1)
    finally:
        del workload.WORKLOADS["failing"]
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
    counting = Workload("count", "", warmup=2, min_repeats=4, max_repeats=6, budget_s=10.0)
    stats = child._time_steps(counting, lambda: calls.append(1), quick=False)
    assert stats["repeats"] == 6 and len(calls) == 2 + 6  # warm-ups are not reported
    assert stats["min_ms"] <= stats["q1_ms"] <= stats["median_ms"] <= stats["q3_ms"]
    assert stats["q3_ms"] <= stats["max_ms"] and stats["gc_ms_per_step"] >= 0.0


def test_time_steps_measures_garbage_collection_inside_steps():
    collecting = Workload("collect", "", warmup=1, min_repeats=3, max_repeats=3)
    stats = child._time_steps(collecting, gc.collect, quick=False)
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

    growing = Workload("grow", "", mode="memory", memory_steps=3)
    stats = child._measure_memory(growing, step)
    assert stats["peak_added_mb"] >= 0.9 * 120 and stats["end_added_mb"] >= 0.9 * 120
    assert stats["held_kb_per_step"] >= 0.9 * 40 * 1024


def test_measure_memory_does_not_count_what_steps_free():
    def step():  # 40 MB allocated, touched and freed again
        np.ones(5 * 1024 * 1024).sum()

    stats = child._measure_memory(Workload("free", "", mode="memory", memory_steps=3), step)
    assert stats["peak_added_mb"] >= 0.9 * 40 and stats["end_added_mb"] < 0.5 * 40


def test_pooled_rounds_give_median_and_per_round_ratios():
    def record(framework, ms):
        return {"workload": "w", "framework": framework, "size": None, "status": "ok",
                "median_ms": ms, "min_ms": ms - 1, "max_ms": ms + 1, "q1_ms": ms, "q3_ms": ms,
                "cpu_ms": ms, "gc_ms_per_step": 0.0, "faults_per_step": 0, "repeats": 5,
                "note": ""}  # fmt: skip

    mine = report.pool_rounds([record("autograd_core", ms) for ms in (10.0, 30.0, 12.0)])
    peer = report.pool_rounds([record("torch", ms) for ms in (5.0, 10.0, 6.0)])
    assert mine["median_ms"] == 12.0 and mine["min_ms"] == 9.0 and mine["max_ms"] == 31.0
    assert mine["repeats"] == 15 and mine["round_ms"] == [10.0, 30.0, 12.0]
    assert report.ratios(mine, peer) == [2.0, 3.0, 2.0]
    assert report.format_ratio(report.ratios(mine, peer), spread=True) == (
        "2.00x (2.00-3.00x over 3 rounds)"
    )


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


def test_stolen_percent_is_the_share_of_ticks_between_readings():
    assert machine.stolen_percent((10, 1000), (35, 1500)) == 5.0
    assert machine.stolen_percent(None, (35, 1500)) is None
    assert machine.stolen_percent((10, 1000), (10, 1000)) is None  # no time passed
    ticks = machine.cpu_ticks()
    if sys.platform.startswith("linux"):  # /proc/stat: stolen ticks are part of the total
        assert ticks is not None and 0 <= ticks[0] <= ticks[1]


def test_time_steps_reports_steal_and_the_table_notes_contention():
    quick = Workload("s", "", warmup=1, min_repeats=2, max_repeats=2)
    stats = child._time_steps(quick, lambda: None, quick=False)
    assert stats["steal_percent"] is None or 0.0 <= stats["steal_percent"] <= 100.0

    def record(steal_percent):
        return {"workload": "chain", "framework": "autograd_core", "size": 10, "status": "ok",
                "median_ms": 1.0, "min_ms": 1.0, "max_ms": 1.0, "q1_ms": 1.0, "q3_ms": 1.0,
                "cpu_ms": 1.0, "gc_ms_per_step": 0.0, "faults_per_step": 0, "repeats": 2,
                "note": "", "steal_percent": steal_percent}  # fmt: skip

    pooled = report.pool_rounds([record(0.5), record(12.0), record(None)])
    assert pooled["steal_percent"] == 12.0  # the worst round
    assert "CPU steal 12%" in report.format_table([WORKLOADS["chain"]], [pooled])
    assert "CPU steal" not in report.format_table([WORKLOADS["chain"]], [record(0.5)])


def test_machine_speed_probes_blas_and_python():
    text = machine.machine_speed()
    gflops, per_iteration = (float(part.split()[1]) for part in text.split(", "))
    assert text.startswith("BLAS ") and gflops > 0 and per_iteration > 0


def test_probe_machine_runs_in_a_child_with_the_thread_setting():
    assert harness.probe_machine(1).startswith("BLAS ")
