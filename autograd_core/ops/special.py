"""Special functions: `erf`, the Gauss error function (what the exact GELU is made of).

numpy has no erf, so the forward is computed here to float64 precision
(relative error below 1e-15): for |x| < 2.5 the series
erf(x) = 2/sqrt(pi) exp(-x**2) sum_n (2 x**2)**n x / (1 * 3 * ... * (2n + 1)),
whose terms are all positive (no cancellation), and above it 1 - erfc(x)
with erfc's continued fraction, evaluated from a fixed depth. Both loops run
over terms, not elements.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .elementwise import exp

_SERIES_TERMS = 60
_FRACTION_DEPTH = 80
_SWITCH = 2.5  # below: the series; at and above: the continued fraction
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf(x: np.ndarray) -> np.ndarray:
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    a = np.abs(np.asarray(x, dtype=np.float64))
    small = a < _SWITCH
    s = np.where(small, a, 0.0)  # the series' argument (0 where the fraction is used)
    term = s.copy()
    total = s.copy()
    for n in range(1, _SERIES_TERMS):
        term *= 2 * s * s / (2 * n + 1)
        total += term
    series = _TWO_OVER_SQRT_PI * np.exp(-s * s) * total
    b = np.where(small, _SWITCH, a)  # the fraction's argument (kept >= 2.5: it converges)
    fraction = b.copy()
    for k in range(_FRACTION_DEPTH, 0, -1):
        fraction = b + (k / 2) / fraction
    erfc = np.exp(-b * b) / (math.sqrt(math.pi) * fraction)
    return (np.sign(x) * np.where(small, series, 1.0 - erfc)).astype(dtype, copy=False)


@register("erf", sample="unary", reference=np.vectorize(math.erf, otypes=[np.float64]))
class Erf(Function):
    """out = erf(x);   dL/dx = grad * 2/sqrt(pi) * exp(-x**2)"""

    promotion = "float"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


def erf(x: Any) -> Tensor:
    """The Gauss error function 2/sqrt(pi) * integral from 0 to x of exp(-t**2) dt.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.erf(ag.tensor([0.0, 10.0]))
    tensor([0., 1.])
    """
    return Erf.apply(x)


__all__ = ["erf"]
