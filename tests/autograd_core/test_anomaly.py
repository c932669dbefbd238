"""Tests of anomaly detection (`ag.detect_anomaly`): the first op whose forward or backward
gives NaN or inf raises `AnomalyError` naming the op, the shapes, the cause and the user's line."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_core as ag
import nn


def _line_of(marker: str) -> str:
    """The `file:line` of the line of this file containing `marker` (the op under test)."""
    with open(__file__) as source:
        for number, line in enumerate(source, start=1):
            if marker in line and "_line_of" not in line:
                return f"{__file__}:{number}"
    raise AssertionError(f"marker {marker!r} not found")


def test_anomaly_off_allows_nan_and_inf_inputs():
    x = ag.tensor([np.nan, np.inf, 1.0], requires_grad=True)
    y = (x * 2).sum()
    assert np.isnan(y.item())
    assert not ag.is_anomaly_enabled()


def test_anomaly_forward_names_op_shapes_and_user_line():
    x = ag.tensor([1.0, 0.0, 2.0], requires_grad=True)
    with ag.detect_anomaly(), np.errstate(divide="ignore"), pytest.raises(ag.AnomalyError) as info:
        ag.log(x)  # marker: forward-log
    message = str(info.value)
    assert "'log' produced -inf" in message
    assert "1 of 3 elements, first at (1,)" in message
    assert "all inputs were finite, so the op itself made it" in message
    assert _line_of("marker: forward-log") in message
    assert "ag.log(x)" in message  # the source text of the line
    assert isinstance(info.value, RuntimeError)


def test_anomaly_forward_names_the_non_finite_input():
    x = ag.tensor([[1.0, np.nan]], requires_grad=True)
    w = ag.tensor([[2.0], [3.0]])
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError) as info:
        x @ w
    message = str(info.value)
    assert "'matmul' produced nan" in message
    assert "input 0 (shape (1, 2)) holds nan in 1 of 2 elements, first at (0, 1)" in message
    assert "input 1" not in message


def test_anomaly_forward_checks_ops_outside_the_graph_too():
    with ag.detect_anomaly(), np.errstate(invalid="ignore"), pytest.raises(ag.AnomalyError):
        ag.sqrt(ag.tensor([-1.0]))  # no input requires grad: checked all the same


def test_anomaly_backward_names_op_and_creation_line():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        y = ag.sqrt(x)  # marker: backward-sqrt
        loss = y.sum()
        with np.errstate(divide="ignore"), pytest.raises(ag.AnomalyError) as info:
            loss.backward()
    message = str(info.value)
    assert "the backward of 'sqrt' produced inf" in message
    assert "gradient for its input 0 (shape (2,))" in message
    assert "the upstream gradient and the inputs were finite" in message
    assert _line_of("marker: backward-sqrt") in message
    assert x.grad is None  # nothing was accumulated


def test_anomaly_backward_without_forward_trace_says_so():
    x = ag.tensor([0.0], requires_grad=True)
    y = ag.sqrt(x).sum()  # recorded outside anomaly mode
    with ag.detect_anomaly(), np.errstate(divide="ignore"), pytest.raises(ag.AnomalyError) as info:
        y.backward()
    assert "created outside anomaly mode" in str(info.value)


def test_anomaly_backward_reports_non_finite_upstream_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.detect_anomaly():
        y = x * 3
        with pytest.raises(ag.AnomalyError, match="the gradient passed to backward"):
            y.backward(np.array([np.nan, 1.0]))


def test_anomaly_site_skips_library_frames_and_names_the_module():
    layer = nn.Linear(2, 1)
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError) as info:
        layer(ag.tensor([[np.inf, 1.0]]))  # marker: inside-linear
    message = str(info.value)
    assert _line_of("marker: inside-linear") in message
    assert "inside Linear" in message
    assert "nn/functional" not in message.split(" at ")[-1]


def test_anomaly_finite_run_is_unchanged():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((4, 3))

    def run():
        x = ag.tensor(data, requires_grad=True)
        ag.log_softmax(x, axis=1).sum().backward()
        return x.grad.detach().numpy()

    plain = run()
    with ag.detect_anomaly():
        checked = run()
    np.testing.assert_array_equal(plain, checked)


def test_anomaly_decorator_and_nesting_restore_the_mode():
    @ag.detect_anomaly()
    def inside():
        return ag.is_anomaly_enabled()

    assert inside() is True
    assert not ag.is_anomaly_enabled()
    with ag.detect_anomaly():
        with ag.detect_anomaly(enabled=False):
            assert not ag.is_anomaly_enabled()
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()


def test_anomaly_mode_is_per_thread():
    seen = []
    started, release = threading.Event(), threading.Event()

    def other_thread():
        started.set()
        release.wait(5)
        seen.append(ag.is_anomaly_enabled())
        with np.errstate(invalid="ignore"):
            seen.append(np.isnan(ag.log(ag.tensor([-1.0])).item()))  # no error here

    thread = threading.Thread(target=other_thread)
    with ag.detect_anomaly(), np.errstate(invalid="ignore"):
        thread.start()
        started.wait(5)
        release.set()
        thread.join(5)
    assert seen == [False, True]
