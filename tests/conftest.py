"""Test-suite settings: one hypothesis profile (no deadline: timing is noisy), the sample
strategies of the ops `nn` registers, so that the registry's suite tests them too, and skip
reasons that say how to install what a skipped test needs."""

import os
import re

import pytest
from hypothesis import HealthCheck, settings

import nn.testing  # noqa: F401  (nn.functional's ops join the registry's gradient suite)

settings.register_profile(
    "default",
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The extra that installs each optional import (README: "Running every test").
EXTRA_OF = {
    "torch": "torch",
    "micrograd": "bench",
    "threadpoolctl": "bench",
    "safetensors": "interop",
    "onnx": "interop",
    "onnxruntime": "interop",
    "matplotlib": "demo",
    "tqdm": "demo",
    "pygraphviz": "demo",
    "sklearn": "dev",
    "nbformat": "dev",
    "nbclient": "dev",
    "ipykernel": "dev",
}
_NOT_IMPORTED = re.compile(r"could not import '([\w.]+)'")


def install_hint(reason: str) -> str:
    """`reason` with the pip command that installs the missing module, when it lacks one."""
    match = _NOT_IMPORTED.search(reason)
    if match is None or "pip install" in reason:
        return reason
    extra = EXTRA_OF.get(match.group(1).split(".")[0])
    command = f"pip install -e '.[{extra}]'" if extra else f"pip install {match.group(1)}"
    return f"{reason} ({command})"


def _with_hint(report: pytest.CollectReport | pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        path, line, reason = report.longrepr
        report.longrepr = (path, line, install_hint(reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _with_hint(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _with_hint(outcome.get_result())
