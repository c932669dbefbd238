"""What a drawing says: the label of each value box, and the colour of each gradient edge."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from .walk import Value

SMALL_SIZE = 4  # tensors with at most this many elements show their data and grad
GRAD_RANGE = (1e-8, 1.0)  # mean |grad| mapped to the palest/thinnest and darkest/thickest edge
_PENWIDTH = (0.4, 6.0)
_RAMP = ((255, 237, 160), (254, 178, 76), (240, 59, 32), (128, 0, 38))  # pale yellow -> dark red
_UNKNOWN_EDGE = {"color": "#b0b0b0", "style": "dashed", "penwidth": "0.8"}


def fmt_array(data: Any, precision: int) -> str:
    array = np.asarray(data)
    if array.dtype.kind == "f":
        text = np.array2string(
            array, separator=", ", formatter={"float_kind": lambda v: f"{v:.{precision}g}"}
        )
    else:
        text = np.array2string(array, separator=", ")
    return " ".join(text.split())  # one line


def fmt_shape(shape: tuple[int, ...]) -> str:
    return "scalar" if shape == () else str(tuple(shape))


def grad_of(value: Value) -> Tensor | None:
    for tensor in value.tensors:
        if tensor.grad is not None:
            return tensor.grad
    return None


def mean_abs(grad: Tensor | None) -> float | None:
    if grad is None:
        return None
    return float(np.mean(np.abs(np.asarray(grad, dtype=np.float64))))


def value_label(
    value: Value,
    name: str | None,
    show_values: bool,
    show_grads: bool,
    precision: int,
    fill: str,
) -> str:
    tensor = value.tensors[0]
    cells = []
    if name:
        cells.append(f"<b>{html.escape(name)}</b>")
    shape = fmt_shape(tensor.shape)
    if tensor.dtype != get_default_dtype():
        shape += f" {tensor.dtype}"
    cells.append(shape)
    small = tensor.numel() <= SMALL_SIZE
    if show_values and small:
        cells.append("data " + html.escape(fmt_array(tensor._data, precision)))
    grad = grad_of(value) if show_grads else None
    if grad is not None and small:
        cells.append("grad " + html.escape(fmt_array(grad._data, precision)))
    elif grad is not None:
        cells.append(f"mean|grad| {mean_abs(grad):.{precision}g}")
    row = "".join(f"<td>{cell}</td>" for cell in cells)
    table = f'<table border="0" cellborder="1" cellspacing="0" cellpadding="3" bgcolor="{fill}">'
    return f"<{table}<tr>{row}</tr></table>>"


# ------------------------------------------------------------------ gradient colours


def grad_position(magnitude: float) -> float:
    """Where a mean |grad| sits on the GRAD_RANGE log scale: 0 (smallest) to 1 (largest)."""
    lo, hi = (math.log10(v) for v in GRAD_RANGE)
    if magnitude <= 0.0:
        return 0.0
    return min(1.0, max(0.0, (math.log10(magnitude) - lo) / (hi - lo)))


def ramp_colour(t: float) -> str:
    scaled = t * (len(_RAMP) - 1)
    i = min(int(scaled), len(_RAMP) - 2)
    frac = scaled - i
    rgb = (round(a + (b - a) * frac) for a, b in zip(_RAMP[i], _RAMP[i + 1]))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def grad_edge_attrs(magnitude: float | None) -> dict[str, str]:
    if magnitude is None:
        return dict(_UNKNOWN_EDGE, tooltip="gradient not kept")
    t = grad_position(magnitude)
    width = _PENWIDTH[0] + (_PENWIDTH[1] - _PENWIDTH[0]) * t
    return {
        "color": ramp_colour(t),
        "penwidth": f"{width:.2f}",
        "tooltip": f"mean |grad| {magnitude:.3g}",
    }


def legend() -> str:
    lo, hi = (round(math.log10(v)) for v in GRAD_RANGE)
    step = max(1, (hi - lo) // 4)
    cells = []
    for exponent in range(lo, hi + 1, step):
        colour = ramp_colour(grad_position(10.0**exponent))
        ink = "#ffffff" if grad_position(10.0**exponent) > 0.6 else "#000000"
        cells.append(f'<td bgcolor="{colour}"><font color="{ink}">1e{exponent}</font></td>')
    cells.append('<td bgcolor="#ffffff"><font color="#808080">- - not kept</font></td>')
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
        f'<tr><td colspan="{len(cells)}">mean |grad| on each edge (log scale)</td></tr>'
        f"<tr>{''.join(cells)}</tr></table>>"
    )
