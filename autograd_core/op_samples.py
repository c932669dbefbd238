"""The sample strategies of the registered ops: what the project's hypothesis suite draws.

Each registered op names a *sample* strategy (`register(..., sample="reduce")`).
A sample strategy draws one valid call of the op: float64 input arrays inside
the op's domains (away from its kinks and ties), and any parameters (axes,
shapes, indices). `draw_call` turns a sample into a function of tensors,
ready for `gradcheck`. Strategies for ops defined outside `autograd_core`
(the `nn.functional` composites) are registered the same way, by the
package that defines the op (`nn.functional.op_samples`).

Built on the public kit of `autograd_core.testing`; imports hypothesis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .function import OpSpec
from .tensor import Tensor
from .testing import (
    MAX_SIDE,
    Draw,
    broadcastable_shapes,
    distinct_arrays,
    domain_array,
    indices,
    shapes,
    tied_array,
    valid_axes,
)


@dataclass
class Sample:
    """One drawn call: positional args (float arrays become differentiable tensors) and kwargs."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


SAMPLES: dict[str, Callable[[Draw, OpSpec], Sample]] = {}


def sample_strategy(name: str) -> Callable[[Callable[[Draw, OpSpec], Sample]], Any]:
    """Register a function `(draw, spec) -> Sample` under `name` for `register(sample=name)`."""

    def decorate(function: Callable[[Draw, OpSpec], Sample]) -> Callable[[Draw, OpSpec], Sample]:
        if name in SAMPLES:
            raise ValueError(f"sample_strategy: {name!r} is already defined")
        SAMPLES[name] = function
        return function

    return decorate


def draw_call(draw: Draw, spec: OpSpec) -> tuple[Callable[..., Tensor], list[np.ndarray]]:
    """Draw a sample for `spec` and split it into (function of the float inputs, the inputs)."""
    sample = SAMPLES[spec.sample](draw, spec)
    if spec.kinks:
        sample.args = tuple(_away_from_kinks(arg, spec.kinks) for arg in sample.args)
    inputs: list[np.ndarray] = []
    layout: list[Any] = []  # per positional arg: None (kept as is), an int, or a list of ints
    for arg in sample.args:
        if _is_float_array(arg):
            layout.append(len(inputs))
            inputs.append(arg)
        elif isinstance(arg, list) and arg and all(_is_float_array(a) for a in arg):
            layout.append(list(range(len(inputs), len(inputs) + len(arg))))
            inputs.extend(arg)
        else:
            layout.append(None)

    def call(*tensors: Tensor) -> Tensor:
        args = []
        for arg, slot in zip(sample.args, layout):
            if slot is None:
                args.append(arg)
            elif isinstance(slot, list):
                args.append([tensors[i] for i in slot])
            else:
                args.append(tensors[slot])
        return spec.call(*args, **sample.kwargs)

    call.sample = sample  # type: ignore[attr-defined]
    return call, inputs


KINK_GAP = 0.05  # central differences (step 1e-6) never straddle a kink this far away


def _away_from_kinks(arg: Any, kinks: tuple[float, ...]) -> Any:
    """A float array with every value closer than KINK_GAP to a kink moved KINK_GAP away."""
    if not _is_float_array(arg):
        return arg
    moved = np.array(arg)
    for kink in kinks:
        near = np.abs(moved - kink) < KINK_GAP
        moved[near] = kink + np.where(moved[near] < kink, -KINK_GAP, KINK_GAP)
    return moved


def _uniform(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _is_float_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def _domain(spec: OpSpec, position: int) -> str:
    return spec.domains[min(position, len(spec.domains) - 1)]


# ------------------------------------------------------------------ sample strategies


@sample_strategy("unary")
def _unary(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    return Sample((domain_array(draw, shape, _domain(spec, 0), "x"),))


@sample_strategy("binary")
def _binary(draw: Draw, spec: OpSpec) -> Sample:
    shape_x, shape_y = draw(broadcastable_shapes(2, min_side=0), label="shapes").input_shapes
    if spec.domains == ("distinct", "distinct"):
        return Sample(tuple(distinct_arrays(draw, [shape_x, shape_y], "x, y")))
    x = domain_array(draw, shape_x, _domain(spec, 0), "x")
    y = domain_array(draw, shape_y, _domain(spec, 1), "y")
    return Sample((x, y))


@sample_strategy("reduce")
def _reduce(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    x = domain_array(draw, shape, _domain(spec, 0), "x")
    dim = valid_axes(draw, len(shape), "dim")
    return Sample((x,), {"dim": dim, "keepdim": draw(st.booleans(), label="keepdim")})


@sample_strategy("extremum")
def _extremum(draw: Draw, spec: OpSpec) -> Sample:
    """max/min: over everything, along one dim (values of the named tuple), or pairwise."""
    shape = draw(shapes(), label="shape")
    kind = draw(st.sampled_from(["all", "dim", "other"]), label="kind")
    if kind == "other":
        shape_x, shape_y = draw(broadcastable_shapes(2), label="shapes").input_shapes
        return Sample(tuple(distinct_arrays(draw, [shape_x, shape_y], "x, y")))
    (x,) = distinct_arrays(draw, [shape], "x")
    if kind == "all":
        return Sample((x,))
    extent = max(len(shape), 1)
    dim = draw(st.integers(-extent, extent - 1), label="dim")
    return Sample((x,), {"dim": dim, "keepdim": draw(st.booleans(), label="keepdim")})


def _reduced_count(shape: tuple[int, ...], dim: Any) -> int:
    if dim is None or dim == () or not shape:
        return math.prod(shape)
    return math.prod(shape[a] for a in (dim if isinstance(dim, tuple) else (dim,)))


@sample_strategy("var")
def _var(draw: Draw, spec: OpSpec) -> Sample:
    sample = _reduce(draw, spec)
    count = _reduced_count(sample.args[0].shape, sample.kwargs["dim"])
    # NOTE: std's square root needs a nonzero spread: distinct values, and count > correction
    if count > 1:
        sample.args = tuple(distinct_arrays(draw, [sample.args[0].shape], "x"))
    sample.kwargs["correction"] = draw(st.integers(0, 1), label="correction") if count > 1 else 0
    return sample


@sample_strategy("norm")
def _norm(draw: Draw, spec: OpSpec) -> Sample:
    sample = _reduce(draw, spec)
    p = draw(st.sampled_from(["fro", 2, 1, 3, 1.5, np.inf, -np.inf]), label="p")
    x = sample.args[0]
    if p in (np.inf, -np.inf):  # a max of |x|: distinct magnitudes, away from 0
        magnitude = distinct_arrays(draw, [x.shape], "x")[0]
        signs = draw(hnp.arrays(np.int8, x.shape, elements=st.sampled_from([-1, 1])), label="signs")
        x = np.asarray((magnitude - np.min(magnitude, initial=0) + 0.2) * signs)
    elif p != "fro" and p != 2:  # |x|**p has a kink at 0
        x = domain_array(draw, x.shape, "nonzero", "x")
    elif _reduced_count(x.shape, sample.kwargs["dim"]) and x.size:
        x = domain_array(draw, x.shape, "nonzero", "x")  # a norm away from its kink at 0
    return Sample((x,), {"p": p, **sample.kwargs})


@sample_strategy("along_dim")
def _along_dim(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    x = domain_array(draw, shape, _domain(spec, 0), "x")
    extent = max(len(shape), 1)
    return Sample((x,), {"dim": draw(st.integers(-extent, extent - 1), label="dim")})


@sample_strategy("softmax")
def _softmax(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    x = domain_array(draw, shape, "real", "x")
    extent = max(len(shape), 1)
    return Sample((x,), {"dim": draw(st.integers(-extent, extent - 1), label="dim")})


@sample_strategy("clip")
def _clip(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    # Values on a grid of step 0.1 and bounds half-way between grid points: no x on a bound.
    x = np.asarray(
        np.round(draw(hnp.arrays(np.float64, shape, elements=_uniform(-2, 2)), label="x"), 1)
    )
    low = draw(st.none() | st.integers(-20, 10).map(lambda k: k / 10 + 0.05), label="min")
    high = draw(st.none() | st.integers(-10, 20).map(lambda k: k / 10 + 0.05), label="max")
    if low is None and high is None:
        low = -0.95
    # NOTE: min > max is valid (everything becomes max, as in PyTorch): keep it sometimes
    if low is not None and high is not None and low > high and draw(st.booleans(), label="swap"):
        low, high = high, low
    return Sample((x,), {"min": low, "max": high})


@sample_strategy("where")
def _where(draw: Draw, spec: OpSpec) -> Sample:
    shape_c, shape_x, shape_y = draw(broadcastable_shapes(3), label="shapes").input_shapes
    condition = draw(hnp.arrays(bool, shape_c), label="condition")
    x = domain_array(draw, shape_x, "real", "x")
    y = domain_array(draw, shape_y, "real", "y")
    return Sample((x, y), {"condition": condition})


@sample_strategy("astype")
def _astype(draw: Draw, spec: OpSpec) -> Sample:
    x = domain_array(draw, draw(shapes(), label="shape"), "real", "x")
    return Sample((x,), {"dtype": np.dtype(np.float64)})


@sample_strategy("matmul")
def _matmul(draw: Draw, spec: OpSpec) -> Sample:
    shape_x, shape_y = draw(
        hnp.mutually_broadcastable_shapes(
            signature=np.matmul.signature, max_dims=2, max_side=MAX_SIDE
        ),
        label="shapes",
    ).input_shapes
    return Sample(
        (domain_array(draw, shape_x, "real", "x"), domain_array(draw, shape_y, "real", "y"))
    )


@sample_strategy("reshape")
def _reshape(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    size = math.prod(shape)
    candidates = [(size,), shape[::-1], (1, *shape, 1)]
    if size:
        candidates += [(-1,), (size, 1, 1), (1, -1)]
    target = draw(st.sampled_from(candidates), label="new shape")
    return Sample((domain_array(draw, shape, "real", "x"),), {"shape": target})


@sample_strategy("permute")
def _permute(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    dims = draw(st.permutations(range(len(shape))).map(tuple), label="dims")
    if dims and draw(st.booleans(), label="negative dims"):
        dims = tuple(a - len(shape) for a in dims)
    return Sample((domain_array(draw, shape, "real", "x"),), {"dims": dims})


@sample_strategy("transpose")
def _transpose(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    extent = max(len(shape), 1)
    dim0, dim1 = (draw(st.integers(-extent, extent - 1), label=f"dim{i}") for i in range(2))
    return Sample((domain_array(draw, shape, "real", "x"), dim0, dim1))


@sample_strategy("t")
def _t(draw: Draw, spec: OpSpec) -> Sample:
    return Sample((domain_array(draw, draw(shapes(max_dims=2), label="shape"), "real", "x"),))


@sample_strategy("broadcast_to")
def _broadcast_to(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(max_dims=3), label="shape")
    lead = draw(st.lists(st.integers(1, MAX_SIDE), max_size=2), label="new axes")
    grown = [draw(st.integers(1, MAX_SIDE), label="stretched") if n == 1 else n for n in shape]
    return Sample((domain_array(draw, shape, "real", "x"),), {"shape": (*lead, *grown)})


@sample_strategy("concatenate")
def _concatenate(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    axis = draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    count = draw(st.integers(1, 3), label="count")
    arrays = []
    for i in range(count):
        part = list(shape)
        part[axis] = draw(st.integers(0, MAX_SIDE), label=f"length {i}")
        arrays.append(domain_array(draw, tuple(part), "real", f"x{i}"))
    return Sample(tuple(arrays), {"axis": axis})


@sample_strategy("stack")
def _stack(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(max_dims=3), label="shape")
    count = draw(st.integers(1, 3), label="count")
    arrays = [domain_array(draw, shape, "real", f"x{i}") for i in range(count)]
    dim = draw(st.integers(-len(shape) - 1, len(shape)), label="dim")
    return Sample((arrays,), {"dim": dim})


@sample_strategy("pad")
def _pad(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1, min_side=0), label="shape")
    widths = tuple(
        (draw(st.integers(0, 2), label="before"), draw(st.integers(0, 2), label="after"))
        for _ in shape
    )
    value = draw(_uniform(-1, 1), label="constant")
    return Sample(
        (domain_array(draw, shape, "real", "x"),), {"pad_width": widths, "constant_values": value}
    )


@sample_strategy("getitem")
def _getitem(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    index = indices(draw, shape)
    return Sample((domain_array(draw, shape, "real", "x"),), {"index": index})


@sample_strategy("accumulate_at")
def _accumulate_at(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    index = indices(draw, shape)
    selected = np.empty(shape)[index].shape
    return Sample((domain_array(draw, selected, "real", "x"),), {"index": index, "shape": shape})


@sample_strategy("flatten")
def _flatten(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    x = domain_array(draw, shape, "real", "x")
    if not shape:
        return Sample((x,), {"start_dim": draw(st.sampled_from([0, -1]), label="start")})
    start = draw(st.integers(0, len(shape) - 1), label="start")
    end = draw(st.integers(start, len(shape) - 1), label="end")
    return Sample((x,), {"start_dim": start, "end_dim": end - len(shape)})


@sample_strategy("squeeze")
def _squeeze(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    # dims of any extent: those that are not 1 stay, as in PyTorch
    return Sample((domain_array(draw, shape, "real", "x"),), {"dim": valid_axes(draw, len(shape))})


@sample_strategy("unsqueeze")
def _unsqueeze(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(max_dims=3), label="shape")
    dim = draw(st.integers(-len(shape) - 1, len(shape)), label="dim")
    return Sample((domain_array(draw, shape, "real", "x"), dim))


@sample_strategy("expand_dims")
def _expand_dims(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(max_dims=3), label="shape")
    count = draw(st.integers(1, 2), label="new axes")
    ndim = len(shape) + count
    axis = tuple(
        draw(
            st.lists(
                st.integers(-ndim, ndim - 1),
                min_size=count,
                max_size=count,
                unique_by=lambda a: a % ndim,
            ),
            label="axis",
        )
    )
    return Sample(
        (domain_array(draw, shape, "real", "x"),), {"axis": axis[0] if count == 1 else axis}
    )


def window_geometry(draw: Draw, label: str = "window") -> dict[str, tuple[int, int]]:
    """kernel_size, stride and dilation pairs for the window ops (small: sides up to 3)."""
    return {
        name: (
            draw(st.integers(1, high), label=f"{label} {name} h"),
            draw(st.integers(1, high), label=f"{label} {name} w"),
        )
        for name, high in (("kernel_size", 3), ("stride", 3), ("dilation", 2))
    }


@sample_strategy("sliding_window")
def _sliding_window(draw: Draw, spec: OpSpec) -> Sample:
    geometry = window_geometry(draw)
    span = [d * (k - 1) + 1 for k, d in zip(geometry["kernel_size"], geometry["dilation"])]
    lead = draw(shapes(max_dims=2), label="leading shape")
    size = tuple(s + draw(st.integers(0, 2), label="extra") for s in span)
    return Sample((domain_array(draw, (*lead, *size), "real", "x"),), geometry)


@sample_strategy("window_fold")
def _window_fold(draw: Draw, spec: OpSpec) -> Sample:
    geometry = window_geometry(draw)
    kernel, stride, dilation = geometry["kernel_size"], geometry["stride"], geometry["dilation"]
    count = [draw(st.integers(1, 3), label="windows") for _ in range(2)]
    size = tuple(
        (n - 1) * s + d * (k - 1) + 1 + draw(st.integers(0, 1), label="extra")
        for n, s, k, d in zip(count, stride, kernel, dilation)
    )
    lead = draw(shapes(max_dims=2), label="leading shape")
    x = domain_array(draw, (*lead, *kernel, *count), "real", "x")
    return Sample((x,), {"size": size, "stride": stride, "dilation": dilation})


def _window_input(draw: Draw, geometry: dict[str, tuple[int, int]]) -> tuple[int, ...]:
    span = [d * (k - 1) + 1 for k, d in zip(geometry["kernel_size"], geometry["dilation"])]
    lead = draw(shapes(max_dims=2), label="leading shape")
    return (*lead, *(s + draw(st.integers(0, 2), label="extra") for s in span))


@sample_strategy("window_max")
def _window_max(draw: Draw, spec: OpSpec) -> Sample:
    geometry = window_geometry(draw)
    return Sample(tuple(distinct_arrays(draw, [_window_input(draw, geometry)], "x")), geometry)


@sample_strategy("window_max_scatter")
def _window_max_scatter(draw: Draw, spec: OpSpec) -> Sample:
    from .ops.window import window_max  # the maxima the scatter needs, as window_max gives them

    geometry = window_geometry(draw)
    shape = _window_input(draw, geometry)
    # ties are welcome here: the source is a constant, and tied maxima must share equally
    source = (
        tied_array(draw, shape, "source")
        if draw(st.booleans(), label="ties")
        else distinct_arrays(draw, [shape], "source")[0]
    )
    maxima = window_max(Tensor(source), **geometry)._data
    x = domain_array(draw, maxima.shape, "real", "x")
    return Sample((x,), {"source": source, "maxima": maxima, **geometry})


from . import op_samples_dims  # noqa: E402, F401  (the strategies of the ops along dims)
