"""Hypothesis strategies and a property test for checking ops, as the project checks its own.

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

The per-op sample strategies that the project's own suite draws registered
ops from live in `autograd_core.op_samples`. This module imports hypothesis,
which the package itself does not need.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .tensor import Tensor

Draw = Callable[..., Any]

MAX_SIDE = 3
MAX_DIMS = 4

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

    Domains: "real" ([-2, 2], with some elements exactly 0 in about a quarter of the arrays:
    the kink point of relu-, abs- and softplus-style formulas), "wide" ("real", and about a
    quarter of the arrays hold some +-1000, where a formula that overflows in a branch it does
    not take gives NaN), "positive" ([0.2, 2]), "unit" ([0.05, 0.95]: probabilities),
    "nonzero" (|x| in [0.2, 2]: away from the kinks of relu and abs), "distinct" (pairwise
    distinct values: no ties for max and min).
    """
    if domain == "distinct":
        return distinct_arrays(draw, [shape], label)[0]
    if domain in ("real", "wide"):
        array = draw(hnp.arrays(np.float64, shape, elements=_uniform(-2, 2)), label=label)
        specials = [0.0] if domain == "real" else [0.0, -1000.0, 1000.0]
        if array.size and draw(st.integers(0, 3), label=f"{label} has special values") == 0:
            chosen = draw(
                hnp.arrays(np.float64, shape, elements=st.sampled_from([np.nan, *specials])),
                label=f"{label} special values",
            )
            array = np.where(np.isnan(chosen), array, chosen)
        return np.asarray(array)
    if domain == "positive":
        return draw(hnp.arrays(np.float64, shape, elements=_uniform(0.2, 2)), label=label)
    if domain == "unit":
        return draw(hnp.arrays(np.float64, shape, elements=_uniform(0.05, 0.95)), label=label)
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
    ...     assert x.shape == (2, 3) and x.requires_grad and bool((x.log() > -2).numpy().all())
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
def conv_geometries(
    draw: Draw, max_groups: int = 2, max_kernel: int = 3, max_stride: int = 3
) -> ConvGeometry:
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
        stride = draw(st.integers(1, max_stride), label=f"stride {axis}")
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
