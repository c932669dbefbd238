"""`pad`: PyTorch's `F.pad`, widths given as (before, after) pairs from the last dim back.

A composition of engine ops, so the gradient comes from the primitives:
"constant" is the engine's `pad` (after a crop by slicing for negative
widths); "reflect", "replicate" and "circular" join slices of the input
with `cat` along each padded dim (basic slices only, so the backward is
slicing and adding, never a scatter of repeated indices).
"""

from __future__ import annotations

from typing import Any

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.errors import ArgumentError
from autograd_core.function import register

from ._convert import as_tensor

MODES = ("constant", "reflect", "replicate", "circular")


def _along(x: Tensor, axis: int, part: slice) -> Tensor:
    """x[..., part, ...] with `part` on `axis`."""
    return x[(slice(None),) * axis + (part,)]


def _repeat(edge: Tensor, axis: int, times: int) -> Tensor:
    """A size-1 dim broadcast to `times` entries."""
    return ag.broadcast_to(edge, (*edge.shape[:axis], times, *edge.shape[axis + 1 :]))


def _pairs(pad: Any, ndim: int) -> list[tuple[int, int]]:
    """PyTorch's flat pad tuple as one (before, after) pair per dim, first dim first."""
    if not isinstance(pad, (tuple, list)) or not all(
        isinstance(p, int) and not isinstance(p, bool) for p in pad
    ):
        raise TypeError(f"pad: pad must be a tuple of ints, got {pad!r}")
    if len(pad) % 2:
        raise ArgumentError(f"pad: the pad tuple must have an even length, got {pad!r}")
    if len(pad) > 2 * ndim:
        raise ArgumentError(
            f"pad: {len(pad)} widths pad {len(pad) // 2} dims, but the input has only {ndim}"
        )
    trailing = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)][::-1]
    return [(0, 0)] * (ndim - len(trailing)) + trailing


def _check_crop(x: Tensor, axis: int, before: int, after: int) -> None:
    n = x.shape[axis]
    if n + before + after < 0:
        raise ArgumentError(
            f"pad: widths ({before}, {after}) crop more than the {n} entries of dim {axis} "
            f"of an input of shape {tuple(x.shape)}"
        )


def _check_size(x: Tensor, axis: int, before: int, after: int, mode: str) -> None:
    n = x.shape[axis]
    # reflect mirrors without the edge; replicate needs an edge; circular wraps once at most
    limit = {"reflect": n - 1, "replicate": n and max(before, after), "circular": n}[mode]
    if max(before, after) > limit:
        raise ArgumentError(
            f"pad: mode {mode!r} cannot pad dim {axis} of size {n} by ({before}, {after}) "
            f"(reflect: at most size - 1, circular: at most size, replicate: a non-empty dim)"
        )


def _pad_axis(x: Tensor, axis: int, before: int, after: int, mode: str) -> Tensor:
    """One dim padded (reflect/replicate/circular) and cropped where a width is negative."""
    _check_crop(x, axis, before, after)
    if mode == "circular":  # PyTorch crops first, then wraps the cropped input
        n = x.shape[axis]
        x = _along(x, axis, slice(max(-before, 0), n - max(-after, 0)))
        before, after = max(before, 0), max(after, 0)
    _check_size(x, axis, before, after, mode)
    n = x.shape[axis]
    left, right = max(before, 0), max(after, 0)
    if mode == "reflect":  # the mirror image without the edge: x[left], ..., x[1]
        head = _along(x, axis, slice(left, 0, -1)) if left else None
        stop = n - 2 - right  # None where the mirror reaches x[0] (a stop of -1 means the end)
        tail = _along(x, axis, slice(n - 2, stop if stop >= 0 else None, -1)) if right else None
    elif mode == "replicate":  # the edge entry repeated
        head = _repeat(_along(x, axis, slice(0, 1)), axis, left) if left else None
        tail = _repeat(_along(x, axis, slice(n - 1, n)), axis, right) if right else None
    else:  # circular: the other end
        head = _along(x, axis, slice(n - left, n)) if left else None
        tail = _along(x, axis, slice(0, right)) if right else None
    parts = [p for p in (head, x, tail) if p is not None]
    out = ag.cat(parts, axis) if len(parts) > 1 else x
    total = out.shape[axis]
    return _along(out, axis, slice(max(-before, 0), total - max(-after, 0)))


def _constant(x: Tensor, pairs: list[tuple[int, int]], value: float) -> Tensor:
    """Crop by slicing where a width is negative, then pad with `value` where it is positive."""
    for axis, (before, after) in enumerate(pairs):
        _check_crop(x, axis, before, after)
    if any(a < 0 or b < 0 for a, b in pairs):
        x = x[tuple(slice(max(-a, 0), n - max(-b, 0)) for (a, b), n in zip(pairs, x.shape))]
    widths = tuple((max(a, 0), max(b, 0)) for a, b in pairs)
    if not any(a or b for a, b in widths):
        return x
    return ag.pad(x, widths, constant_values=value)


# NOTE: registered under its module's name: the engine's numpy-style `pad` holds "pad"
@register("nn.functional.pad", sample="nn_pad")
def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad (or, with negative widths, crop) the last dims of `input`.

    `pad` holds (before, after) widths for the last dim, then the one before
    it, and so on: (left, right, top, bottom) pads W and H of an (N, C, H, W)
    input. Modes as PyTorch's: "constant" (`value`, 0 by default) on any
    dims; "reflect" (mirror without the edge), "replicate" (edge repeated) and
    "circular" (wrap around) on the last 1, 2 or 3 dims of an input with one
    or two more dims (a batch and/or a channel dim).

    Examples
    --------
    >>> import autograd_core as ag
    >>> pad(ag.tensor([[[0.0, 1.0, 2.0]]]), (2, 1), mode="reflect")
    tensor([[[2., 1., 0., 1., 2., 1.]]])
    """
    x = as_tensor(input)
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    pairs = _pairs(pad, x.ndim)
    if mode == "constant":
        return _constant(x, pairs, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise ArgumentError(f"pad: mode {mode!r} takes no value, got value={value!r}")
    dims = len(pad) // 2
    if dims not in (1, 2, 3) or x.ndim not in (dims + 1, dims + 2):
        raise ArgumentError(
            f"pad: mode {mode!r} pads the last 1, 2 or 3 dims of an input with one or two "
            f"more dims (batch, channel); got {len(pad)} widths for shape {tuple(x.shape)}"
        )
    for axis in range(x.ndim - dims, x.ndim):
        before, after = pairs[axis]
        if before or after:
            x = _pad_axis(x, axis, before, after, mode)
    return x
