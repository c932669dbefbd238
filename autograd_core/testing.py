"""Hypothesis strategies for testing ops, shared by the project's suite and by users.

Each registered op names a *sample* strategy (`register(..., sample="reduce")`).
A sample strategy draws one valid call of the op: float64 input arrays inside
the op's domains (away from kinks and ties), and any parameters (axes,
shapes, indices). `draw_call` turns a sample into a function of tensors,
ready for `gradcheck`.

The public kit, for testing your own ops as the project tests its own:

- `check_op(fn, domains=..., shapes=..., twice=...)`: the whole property test
  (random shapes, random upstream gradient, read-only float64 inputs,
  central differences, and the gradient of the gradient) in one call;
- strategies: `tensors` (Tensors of float arrays), `shapes`,
  `broadcastable_shapes`, `conv_geometries` (valid conv2d set-ups, as
  `ConvGeometry`);
- helpers to call with hypothesis' `draw` (inside `st.composite` or
  `st.data()`): `domain_array` (arrays inside a domain), `valid_axes` (None,
  an axis or a tuple of axes, negative ones included), `indices` (basic,
  integer-array and boolean-mask indices), `tied_array` (arrays with ties),
  `distinct_arrays` (arrays without ties).

This module imports hypothesis, which the package itself does not need.
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

Draw = Callable[..., Any]

MAX_SIDE = 3
MAX_DIMS = 4


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


# ----------------------------------------------------------------- building blocks


def shapes(
    min_dims: int = 0, max_dims: int = MAX_DIMS, min_side: int = 1, max_side: int = MAX_SIDE
) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes, 0-d and size-1 axes included."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcastable_shapes(count: int, min_side: int = 1) -> st.SearchStrategy[Any]:
    """`count` shapes that broadcast against each other, 0-d and size-1 axes included."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=count, min_dims=0, max_dims=MAX_DIMS, min_side=min_side, max_side=MAX_SIDE
    )


def valid_axes(draw: Draw, ndim: int, label: str = "axis") -> Any:
    """None, one axis or a tuple of distinct axes, each possibly negative."""
    kind = draw(st.sampled_from(["none", "int", "tuple"]), label=f"{label} kind")
    if kind == "none":
        return None
    if kind == "int":  # a 0-d tensor takes dim 0 or -1, as in PyTorch
        return draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1), label=label)
    if ndim == 0:
        return draw(st.sampled_from([(), (0,), (-1,)]), label=label)
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim), label=label)
    return tuple(a - ndim if draw(st.booleans(), label=f"{label} negative") else a for a in chosen)


def _uniform(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def domain_array(draw: Draw, shape: tuple[int, ...], domain: str, label: str) -> np.ndarray:
    """A float64 array of `shape` inside `domain`.

    Domains: "real" ([-2, 2]), "positive" ([0.2, 2]), "nonzero" (|x| in [0.2, 2]: away from the
    kinks of relu and abs), "distinct" (pairwise distinct values: no ties for max and min).
    """
    if domain == "distinct":
        return distinct_arrays(draw, [shape], label)[0]
    if domain == "real":
        return draw(hnp.arrays(np.float64, shape, elements=_uniform(-2, 2)), label=label)
    if domain == "positive":
        return draw(hnp.arrays(np.float64, shape, elements=_uniform(0.2, 2)), label=label)
    if domain == "nonzero":
        magnitude = draw(hnp.arrays(np.float64, shape, elements=_uniform(0.2, 2)), label=label)
        signs = draw(
            hnp.arrays(np.int8, shape, elements=st.sampled_from([-1, 1])), label=f"{label} signs"
        )
        return np.asarray(magnitude * signs)
    raise ValueError(f"domain_array: unknown domain {domain!r}")


def distinct_arrays(
    draw: Draw, shape_list: list[tuple[int, ...]], label: str, gap: float = 0.1
) -> list[np.ndarray]:
    """Arrays whose values are all different from each other (across arrays too), `gap` apart."""
    sizes = [math.prod(s) for s in shape_list]
    order = draw(st.permutations(range(sum(sizes))), label=f"{label} order")
    values = (np.asarray(order, dtype=np.float64) - sum(sizes) / 2) * gap
    pieces, start = [], 0
    for shape, size in zip(shape_list, sizes):
        pieces.append(values[start : start + size].reshape(shape))
        start += size
    return pieces


def tied_array(draw: Draw, shape: tuple[int, ...], label: str = "tied") -> np.ndarray:
    """An array drawn from very few values, so equal elements (ties) are common."""
    return draw(
        hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.5, 2.0])), label=label
    )


def draw_call(draw: Draw, spec: OpSpec) -> tuple[Callable[..., Tensor], list[np.ndarray]]:
    """Draw a sample for `spec` and split it into (function of the float inputs, the inputs)."""
    sample = SAMPLES[spec.sample](draw, spec)
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


def indices(draw: Draw, shape: tuple[int, ...]) -> Any:
    """An index for an array of `shape`: basic (slices with steps, ints, None, Ellipsis),
    integer arrays (with repeats), a boolean mask, or a mix."""
    kind = draw(st.sampled_from(["basic", "integer array", "mask", "mixed"]), label="index kind")
    if kind == "basic":
        return draw(hnp.basic_indices(shape, min_dims=0, allow_ellipsis=True), label="index")
    if kind == "mask":
        return draw(hnp.arrays(bool, shape), label="mask")
    rows = draw(
        hnp.arrays(
            np.int64,
            draw(st.integers(0, 5), label="count"),
            elements=st.integers(-shape[0], shape[0] - 1),
        ),
        label="rows",
    )
    if kind == "integer array" or len(shape) == 1:
        return rows
    return (rows, draw(st.slices(shape[1]), label="columns"))


@sample_strategy("getitem")
def _getitem(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    index = indices(draw, shape)
    return Sample((domain_array(draw, shape, "real", "x"),), {"index": index})


@sample_strategy("scatter_add")
def _scatter_add(draw: Draw, spec: OpSpec) -> Sample:
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
    maxima = window_max(Tensor(source), **geometry).data
    x = domain_array(draw, maxima.shape, "real", "x")
    return Sample((x,), {"source": source, "maxima": maxima, **geometry})


# ------------------------------------------------------- the kit for users' own ops


def tensors(
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    *,
    domain: str = "real",
    dtype: Any = np.float64,
    requires_grad: bool = True,
) -> st.SearchStrategy[Tensor]:
    """Strategy for Tensors holding float arrays inside `domain` (see `domain_array`).

    `shape` is a fixed shape, a strategy of shapes, or None for `shapes()`.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(tensors((2, 3), domain="positive"))
    ... def test_log_is_finite(x):
    ...     assert x.shape == (2, 3) and x.requires_grad and bool((x.log().data > -2).all())
    >>> test_log_is_finite()
    """
    if shape is None:
        shape = shapes()
    elif not isinstance(shape, st.SearchStrategy):
        shape = st.just(tuple(shape))

    @st.composite
    def draw_tensor(draw: Draw) -> Tensor:
        drawn = draw(shape, label="shape")
        array = domain_array(draw, tuple(drawn), domain, "tensor").astype(dtype)
        return Tensor(array, requires_grad=requires_grad)

    return draw_tensor()


@dataclass(frozen=True)
class ConvGeometry:
    """One valid conv2d set-up: batch, channels, image size and the (h, w) window pairs.

    `input_shape` is (N, C_in, H, W), `weight_shape` (C_out, C_in / groups, KH, KW)
    and `output_shape` (N, C_out, OH, OW), with PyTorch's output-size formula.
    """

    batch: int
    in_channels: int
    out_channels: int
    height: int
    width: int
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        return (self.batch, self.in_channels, self.height, self.width)

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    @property
    def output_size(self) -> tuple[int, int]:
        """(OH, OW) = floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1."""
        k, s, p, d = self.kernel_size, self.stride, self.padding, self.dilation
        oh = (self.height + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
        ow = (self.width + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
        return (oh, ow)

    @property
    def output_shape(self) -> tuple[int, int, int, int]:
        return (self.batch, self.out_channels, *self.output_size)


@st.composite
def conv_geometries(draw: Draw, max_groups: int = 2, max_kernel: int = 3) -> ConvGeometry:
    """Strategy for `ConvGeometry`s that give a valid conv2d (an output of at least 1x1).

    Channels are multiples of `groups`; padding is at most half the dilated
    kernel (as conv2d implementations allow); sides stay small for gradient checks.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(conv_geometries())
    ... def test_output_is_not_empty(g):
    ...     assert min(g.output_size) >= 1 and g.in_channels % g.groups == 0
    >>> test_output_is_not_empty()
    """
    groups = draw(st.integers(1, max_groups), label="groups")
    in_channels = groups * draw(st.integers(1, 2), label="in channels per group")
    out_channels = groups * draw(st.integers(1, 2), label="out channels per group")
    window: dict[str, list[int]] = {"kernel_size": [], "stride": [], "padding": [], "dilation": []}
    sides = []
    for axis in ("h", "w"):
        kernel = draw(st.integers(1, max_kernel), label=f"kernel {axis}")
        dilation = draw(st.integers(1, 2), label=f"dilation {axis}")
        span = dilation * (kernel - 1) + 1
        padding = draw(st.integers(0, span // 2), label=f"padding {axis}")
        stride = draw(st.integers(1, 3), label=f"stride {axis}")
        # the smallest side with an output, then a few more output positions' worth
        smallest = max(1, span - 2 * padding)
        sides.append(smallest + draw(st.integers(0, 4), label=f"extra {axis}"))
        for name, value in zip(window, (kernel, stride, padding, dilation)):
            window[name].append(value)
    return ConvGeometry(
        batch=draw(st.integers(1, 2), label="batch"),
        in_channels=in_channels,
        out_channels=out_channels,
        height=sides[0],
        width=sides[1],
        groups=groups,
        **{name: tuple(pair) for name, pair in window.items()},  # type: ignore[arg-type]
    )


def check_op(
    fn: Callable[..., Tensor],
    *,
    domains: tuple[str, ...] = ("real",),
    shapes: Any = None,
    twice: bool = False,
    max_examples: int = 30,
) -> None:
    """Run the project's gradient property test on a user's op; raise on the first failure.

    `fn` takes one Tensor per entry of `domains` ("real", "positive",
    "nonzero", "distinct"). For each example hypothesis draws the input
    shapes (mutually broadcastable ones when `shapes` is None; else a fixed
    sequence of shapes, one per input, or a strategy of such sequences),
    float64 inputs in their domains, made read-only to catch in-place
    mutation, and a random upstream gradient; backward must then match
    central differences (`gradcheck`), and, when `twice`, so must the
    gradient of the gradient (`gradgradcheck`). A failure is shrunk to a
    small example and re-raised, usually as a `GradcheckError`.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> class Softplus(ag.Function):
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return np.logaddexp(0.0, x)
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return (grad * x.sigmoid(),)
    >>> check_op(Softplus.apply, twice=True, max_examples=10)
    """
    from hypothesis import HealthCheck, given, settings

    from .gradcheck import gradcheck, gradgradcheck

    count = len(domains)
    if shapes is None:
        shape_strategy = broadcastable_shapes(count).map(lambda drawn: drawn.input_shapes)
    elif isinstance(shapes, st.SearchStrategy):
        shape_strategy = shapes
    else:
        shape_strategy = st.just(tuple(tuple(s) for s in shapes))

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def property_of_op(data: st.DataObject) -> None:
        drawn = data.draw(shape_strategy, label="shapes")
        if len(drawn) != count:
            raise ValueError(f"check_op: got {len(drawn)} shapes for {count} domains")
        if all(domain == "distinct" for domain in domains):
            arrays = distinct_arrays(data.draw, [tuple(s) for s in drawn], "inputs")
        else:
            arrays = [
                domain_array(data.draw, tuple(s), domain, f"input {i}")
                for i, (s, domain) in enumerate(zip(drawn, domains))
            ]
        for array in arrays:
            array.flags.writeable = False
        leaves = [Tensor(array, requires_grad=True) for array in arrays]
        out = fn(*leaves)
        if not isinstance(out, Tensor):
            raise TypeError(f"check_op: fn must return a Tensor, got {type(out).__name__}")
        upstream = data.draw(
            hnp.arrays(np.float64, out.shape, elements=_uniform(-2, 2)), label="upstream gradient"
        )
        gradcheck(fn, *leaves, grad_output=upstream)
        if twice:
            gradgradcheck(fn, *leaves, grad_output=upstream, atol=1e-4, rtol=1e-3)

    property_of_op()
