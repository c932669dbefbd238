"""The global random generator behind `rand`, `randn`, initialisation, dropout and shuffling.

`manual_seed(n)` makes all of them reproducible at once.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator; the same seed gives the same random numbers.

    Examples
    --------
    >>> import autograd_core as ag
    >>> _ = ag.manual_seed(0); a = ag.randn(3)
    >>> _ = ag.manual_seed(0); b = ag.randn(3)
    >>> bool((a == b).numpy().all())
    True
    """
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The generator in use (replaced by each `manual_seed`)."""
    return _generator
