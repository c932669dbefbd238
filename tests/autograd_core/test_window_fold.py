"""window_fold's two kernels: KH*KW strided additions, and at row stride 1 the column sums
(`_fold_by_rows`). Both are checked against a loop over every window."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.ops import window


def _fold_by_loops(x, size, stride, dilation):
    """The definition: every tap of every window added at its place, one at a time."""
    kh, kw, oh, ow = x.shape[-4:]
    out = np.zeros((*x.shape[:-4], *size), x.dtype)
    for i in range(kh):
        for j in range(kw):
            for r in range(oh):
                for c in range(ow):
                    row, column = r * stride[0] + i * dilation[0], c * stride[1] + j * dilation[1]
                    out[..., row, column] += x[..., i, j, r, c]
    return out


GEOMETRIES = [  # (kernel, stride, dilation, windows, extra rows and columns)
    ((3, 3), (1, 1), (1, 1), (4, 5), (0, 0)),
    ((5, 5), (1, 1), (1, 1), (3, 3), (1, 2)),
    ((2, 3), (1, 2), (1, 1), (4, 3), (0, 1)),
    ((3, 2), (1, 1), (2, 3), (2, 4), (1, 0)),
    ((3, 3), (2, 1), (1, 1), (3, 3), (1, 1)),  # row stride 2: the strided additions
    ((1, 3), (1, 1), (1, 1), (3, 3), (0, 0)),  # one kernel row: nothing to sum by rows
]


@pytest.mark.parametrize("kernel, stride, dilation, windows, extra", GEOMETRIES)
@pytest.mark.parametrize("contiguous", [True, False])
def test_window_fold_matches_the_loop_over_windows(
    kernel, stride, dilation, windows, extra, contiguous
):
    size = tuple(
        (n - 1) * s + d * (k - 1) + 1 + e
        for n, s, k, d, e in zip(windows, stride, kernel, dilation, extra)
    )
    rng = np.random.default_rng(0)
    values = rng.normal(size=(2, 3, *kernel, windows[0], windows[1] + 1))
    # a contiguous copy takes the column sums at row stride 1; a view of rows one longer
    # than OW (not contiguous blocks) takes the strided additions
    x = np.ascontiguousarray(values[..., :-1]) if contiguous else values[..., :-1]
    folded = window.WindowFold.apply(ag.tensor(x), size=size, stride=stride, dilation=dilation)
    np.testing.assert_allclose(folded.numpy(), _fold_by_loops(x, size, stride, dilation))


def test_the_column_sums_run_where_they_apply(monkeypatch):
    calls = []
    original = window._fold_by_rows
    monkeypatch.setattr(window, "_fold_by_rows", lambda *a: calls.append(a) or original(*a))
    x = ag.ones((2, 3, 3, 3, 4, 4))
    window.WindowFold.apply(x, size=(6, 6), stride=(1, 1), dilation=(1, 1))
    assert calls, "row stride 1, contiguous (OH, OW) blocks: the column sums"
    calls.clear()
    window.WindowFold.apply(x, size=(9, 9), stride=(2, 2), dilation=(1, 1))
    assert not calls, "row stride 2: the strided additions"
