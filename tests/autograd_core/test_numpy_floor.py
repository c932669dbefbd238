"""The lowest numpy that pyproject.toml declares: reshape's view-or-copy decision without
numpy 2.1's `reshape(copy=False)` (CI also runs the core tests on that numpy)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.ops import movement


@pytest.mark.parametrize("has_copy", [True, False])
def test_reshape_views_when_it_can_and_copies_only_when_it_must(has_copy, monkeypatch):
    if has_copy and not movement._RESHAPE_HAS_COPY:
        pytest.skip("numpy < 2.1 has no reshape(copy=False): pip install 'numpy>=2.1'")
    monkeypatch.setattr(movement, "_RESHAPE_HAS_COPY", has_copy)
    x = np.arange(24.0).reshape(2, 3, 4)
    view = movement.reshaped_view(x, (6, 4))
    assert view.shape == (6, 4) and np.shares_memory(view, x)
    assert movement.reshaped_view(x.transpose(2, 0, 1), (24,)) is None
    assert movement.reshaped_view(x[:, ::2, :], (16,)) is None

    flat = ag.reshape(ag.from_numpy(x), (4, 6))  # from_numpy shares; ag.tensor copies
    assert np.shares_memory(np.asarray(flat), x)
    strided = ag.reshape(ag.from_numpy(x[:, ::2, :]), (16,))
    np.testing.assert_array_equal(np.asarray(strided), x[:, ::2, :].reshape(16))
    assert not np.shares_memory(np.asarray(strided), x)
