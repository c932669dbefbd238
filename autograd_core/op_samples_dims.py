"""Sample strategies of the ops that take dims, indices or equations: the linear
algebra shortcuts (mm, bmm, mv, dot, outer) and the fused affine map, einsum, and
indexing along a dim (gather, scatter, index_select, masked_*). `autograd_core.op_samples` imports
this module, so `SAMPLES` holds them too.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .function import OpSpec
from .op_samples import Sample, sample_strategy
from .testing import MAX_SIDE, Draw, broadcastable_shapes, distinct_arrays, domain_array, shapes


def _side(draw: Draw, label: str, low: int = 1) -> int:
    return draw(st.integers(low, MAX_SIDE), label=label)


@sample_strategy("mm")
def _mm(draw: Draw, spec: OpSpec) -> Sample:
    n, k, m = (_side(draw, name) for name in "nkm")
    x = domain_array(draw, (n, k), "real", "x")
    return Sample((x, domain_array(draw, (k, m), "real", "y")))


@sample_strategy("affine")
def _affine(draw: Draw, spec: OpSpec) -> Sample:
    n, n_in, n_out = (_side(draw, name) for name in ("n", "in", "out"))
    x = domain_array(draw, (n, n_in), "real", "x")
    weight = domain_array(draw, (n_out, n_in), "real", "weight")
    return Sample((x, weight, domain_array(draw, (n_out,), "real", "bias")))


@sample_strategy("bmm")
def _bmm(draw: Draw, spec: OpSpec) -> Sample:
    b, n, k, m = (_side(draw, name) for name in "bnkm")
    x = domain_array(draw, (b, n, k), "real", "x")
    return Sample((x, domain_array(draw, (b, k, m), "real", "y")))


@sample_strategy("mv")
def _mv(draw: Draw, spec: OpSpec) -> Sample:
    n, k = _side(draw, "n"), _side(draw, "k")
    return Sample((domain_array(draw, (n, k), "real", "x"), domain_array(draw, (k,), "real", "y")))


@sample_strategy("dot")
def _dot(draw: Draw, spec: OpSpec) -> Sample:
    k = _side(draw, "k", 0)
    return Sample((domain_array(draw, (k,), "real", "x"), domain_array(draw, (k,), "real", "y")))


@sample_strategy("outer")
def _outer(draw: Draw, spec: OpSpec) -> Sample:
    n, m = _side(draw, "n", 0), _side(draw, "m", 0)
    return Sample((domain_array(draw, (n,), "real", "x"), domain_array(draw, (m,), "real", "y")))


EINSUMS = ["ij,jk->ik", "ij->ji", "ij->", "ij->j", "i,i->", "i,j->ij", "bij,bjk->bik",
           "ij,ij->ij", "ijk->kj", "ij,jk", "i->i", "ii->i", "ii", "iij->ji", "ij,jj->ij",
           "...ij,...jk->...ik", "...i,...i", "i...->...", "b...,b...->...", "...ii->...i",
           "ij,i...->j..."]  # fmt: skip


@sample_strategy("einsum")
def _einsum(draw: Draw, spec: OpSpec) -> Sample:
    """An equation, with size-1 dims (broadcast) and `...` of 0 to 2 dims, some shorter."""
    equation = draw(st.sampled_from(EINSUMS), label="equation")
    letters = sorted(set(equation) - set(",->."))
    sizes = {c: _side(draw, f"size {c}") for c in letters}
    dots = draw(st.lists(st.integers(1, MAX_SIDE), max_size=2), label="... shape")
    arrays = []
    for i, sub in enumerate(equation.split("->")[0].split(",")):
        ones = draw(st.sets(st.sampled_from(letters)), label=f"size-1 letters of x{i}")
        named = [1 if c in ones else sizes[c] for c in sub.replace("...", "")]
        if "..." in sub:
            dropped = draw(st.integers(0, len(dots)), label=f"... dims dropped in x{i}")
            at = sub.index("...")
            named[at:at] = dots[dropped:]
        arrays.append(domain_array(draw, tuple(named), "real", f"x{i}"))
    return Sample((equation, *arrays))


def _index_along(draw: Draw, shape: tuple[int, ...], dim: int, label: str) -> np.ndarray:
    """An int64 index for gather/scatter along `dim`: no larger than `shape` elsewhere."""
    index_shape = tuple(
        draw(st.integers(1, MAX_SIDE), label=f"{label} extent") if d == dim
        else draw(st.integers(1, n), label=f"{label} extent")
        for d, n in enumerate(shape)
    )  # fmt: skip
    return draw(
        hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[dim] - 1)),
        label=label,
    )


@sample_strategy("gather")
def _gather(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    dim = draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    index = _index_along(draw, shape, dim % len(shape), "index")
    return Sample((domain_array(draw, shape, "real", "x"),), {"dim": dim, "index": index})


@sample_strategy("scatter_add")
def _scatter_add(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    dim = draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    index = _index_along(draw, shape, dim % len(shape), "index")
    if spec.name == "scatter":  # distinct targets: the winner of repeated writes is unspecified
        index = _distinct_along(index, shape[dim % len(shape)], dim % len(shape))
    larger = tuple(n + draw(st.integers(0, 1), label="src extra") for n in index.shape)
    x = domain_array(draw, shape, "real", "x")
    return Sample((x, domain_array(draw, larger, "real", "src")), {"dim": dim, "index": index})


def _distinct_along(index: np.ndarray, extent: int, dim: int) -> np.ndarray:
    """Cut `index` along `dim` to at most `extent` entries that are a permutation prefix."""
    count = min(index.shape[dim], extent)
    base = np.moveaxis(index, dim, -1)[..., :count]
    ranks = np.argsort(np.argsort(base, axis=-1, kind="stable"), axis=-1)  # distinct per row
    return np.moveaxis(ranks, -1, dim).astype(np.int64)


@sample_strategy("index_select")
def _index_select(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    dim = draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    extent = shape[dim % len(shape)]
    index = draw(
        hnp.arrays(np.int64, (draw(st.integers(0, 4), label="count"),),
                   elements=st.integers(0, extent - 1)), label="index",
    )  # fmt: skip
    return Sample((domain_array(draw, shape, "real", "x"), dim, index))


@sample_strategy("masked_fill")
def _masked_fill(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    mask_shape = shape[draw(st.integers(0, len(shape)), label="mask dims dropped") :]
    mask = draw(hnp.arrays(bool, mask_shape), label="mask")
    value = draw(st.floats(-2, 2), label="value")
    return Sample((domain_array(draw, shape, "real", "x"), mask, value))


@sample_strategy("masked_select")
def _masked_select(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    mask_shape = shape[draw(st.integers(0, len(shape)), label="mask dims dropped") :]
    mask = draw(hnp.arrays(bool, mask_shape), label="mask")
    return Sample((domain_array(draw, shape, "real", "x"), mask))


# ------------------------------------------------------------ shapes and pieces


def _dim(draw: Draw, ndim: int, label: str = "dim") -> int:
    """A dim of an ndim-dims tensor, negative ones included (0-d tensors take 0 and -1)."""
    extent = max(ndim, 1)
    return draw(st.integers(-extent, extent - 1), label=label)


@sample_strategy("view")
def _view(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    size = int(np.prod(shape))
    candidates = [(size,), shape[::-1], (1, *shape, 1)] + ([(-1,), (1, -1)] if size else [])
    target = draw(st.sampled_from(candidates), label="new shape")
    return Sample((domain_array(draw, shape, "real", "x"), target))


@sample_strategy("expand")
def _expand(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(max_dims=3), label="shape")
    lead = draw(st.lists(st.integers(0, MAX_SIDE), max_size=2), label="new dims")
    sizes = [
        draw(st.sampled_from([-1, n] if n != 1 else [-1, 1, 2, 3]), label="size") for n in shape
    ]
    return Sample((domain_array(draw, shape, "real", "x"), (*lead, *sizes)))


@sample_strategy("unflatten")
def _unflatten(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    dim = _dim(draw, len(shape))
    n = shape[dim]
    sizes = draw(st.sampled_from([(n,), (1, n), (n, 1), (-1, 1), (1, -1, 1)]), label="sizes")
    return Sample((domain_array(draw, shape, "real", "x"), dim, sizes))


@sample_strategy("flip")
def _flip(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    dims = draw(st.permutations(range(len(shape))), label="dims")[: draw(st.integers(0, 4))]
    dims = tuple(d - len(shape) if draw(st.booleans(), label="negative") else d for d in dims)
    if len(dims) == 1 and draw(st.booleans(), label="as int"):
        dims = dims[0]
    return Sample((domain_array(draw, shape, "real", "x"),), {"dims": dims})


@sample_strategy("roll")
def _roll(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=0), label="shape")
    x = domain_array(draw, shape, "real", "x")
    if not shape or draw(st.booleans(), label="flattened"):
        return Sample((x,), {"shifts": draw(st.integers(-5, 5), label="shift")})
    dims = draw(st.permutations(range(len(shape))), label="dims")[: draw(st.integers(1, 4))]
    shifts = tuple(draw(st.integers(-5, 5), label="shift") for _ in dims)
    return Sample((x,), {"shifts": shifts, "dims": tuple(dims)})


@sample_strategy("repeat")
def _repeat(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(max_dims=3, min_side=0), label="shape")
    extra = draw(st.integers(0, 2), label="new dims")
    counts = [draw(st.integers(0, 3), label="count") for _ in range(len(shape) + extra)]
    return Sample((domain_array(draw, shape, "real", "x"), *counts))


@sample_strategy("triangle")
def _triangle(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=2, min_side=0), label="shape")
    diagonal = draw(st.integers(-3, 3), label="diagonal")
    return Sample((domain_array(draw, shape, "real", "x"),), {"diagonal": diagonal})


@sample_strategy("narrow")
def _narrow(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1, min_side=0), label="shape")
    dim = _dim(draw, len(shape))
    n = shape[dim]
    start = draw(st.integers(-n, n) if n else st.just(0), label="start")
    length = draw(st.integers(0, n - start % n if n and start < n else 0), label="length")
    return Sample((domain_array(draw, shape, "real", "x"), dim, start, length))


@sample_strategy("split")
def _split(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1, min_side=0), label="shape")
    dim = _dim(draw, len(shape))
    n = shape[dim]
    if n and draw(st.booleans(), label="by size"):
        sections: object = draw(st.integers(1, n + 1), label="size")
    else:
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3), label="cuts"))
        sections = [b - a for a, b in zip([0, *cuts], [*cuts, n])]
    return Sample((domain_array(draw, shape, "real", "x"), sections, dim))


@sample_strategy("chunk")
def _chunk(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    chunks = draw(st.integers(1, 4), label="chunks")
    return Sample((domain_array(draw, shape, "real", "x"), chunks, _dim(draw, len(shape))))


@sample_strategy("unbind")
def _unbind(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    return Sample((domain_array(draw, shape, "real", "x"), _dim(draw, len(shape))))


# ------------------------------------------------------------------- sorting


@sample_strategy("sort")
def _sort(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    (x,) = distinct_arrays(draw, [shape], "x")  # ties would make the order ambiguous
    descending = draw(st.booleans(), label="descending")
    return Sample((x,), {"dim": _dim(draw, len(shape)), "descending": descending})


@sample_strategy("topk")
def _topk(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(), label="shape")
    (x,) = distinct_arrays(draw, [shape], "x")
    dim = _dim(draw, len(shape))
    k = draw(st.integers(0, shape[dim] if shape else 1), label="k")
    return Sample((x, k), {"dim": dim, "largest": draw(st.booleans(), label="largest")})


# ----------------------------------------------------------------- diagonals


@sample_strategy("diagonal")
def _diagonal(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=2, min_side=0), label="shape")
    dim1, dim2 = draw(st.permutations(range(len(shape))), label="dims")[:2]
    if draw(st.booleans(), label="negative dim1"):
        dim1 -= len(shape)
    offset = draw(st.integers(-3, 3), label="offset")
    x = domain_array(draw, shape, "real", "x")
    return Sample((x,), {"offset": offset, "dim1": dim1, "dim2": dim2})


@sample_strategy("diag")
def _diag(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1, max_dims=2, min_side=0), label="shape")
    return Sample((domain_array(draw, shape, "real", "x"), draw(st.integers(-2, 2), label="k")))


@sample_strategy("trace")
def _trace(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=2, max_dims=2, min_side=0), label="shape")
    return Sample((domain_array(draw, shape, "real", "x"),))


@sample_strategy("lerp")
def _lerp(draw: Draw, spec: OpSpec) -> Sample:
    shapes_ = draw(broadcastable_shapes(3), label="shapes").input_shapes
    start, end = (domain_array(draw, shape, "real", name) for shape, name in zip(shapes_, "se"))
    if draw(st.booleans(), label="number weight"):
        return Sample((start, end, draw(st.floats(-1, 2), label="weight")))
    return Sample((start, end, domain_array(draw, shapes_[2], "real", "weight")))


@sample_strategy("take")
def _take(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_side=1), label="shape")
    size = int(np.prod(shape))
    index_shape = draw(shapes(max_dims=2, min_side=0), label="index shape")
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-size, size - 1)))
    return Sample((domain_array(draw, shape, "real", "x"), index))


@sample_strategy("take_along_dim")
def _take_along_dim(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1), label="shape")
    x = domain_array(draw, shape, "real", "x")
    if draw(st.booleans(), label="flattened"):
        index = draw(hnp.arrays(np.int64, (2,), elements=st.integers(0, x.size - 1)), label="i")
        return Sample((x, index), {"dim": None})
    dim = draw(st.integers(0, len(shape) - 1), label="dim")
    index_shape = tuple(
        draw(st.integers(1, MAX_SIDE), label="extent") if d == dim
        else draw(st.sampled_from([1, n]), label="extent")
        for d, n in enumerate(shape)
    )  # fmt: skip
    elements = st.integers(0, shape[dim] - 1)
    index = draw(hnp.arrays(np.int64, index_shape, elements=elements), label="index")
    return Sample((x, index), {"dim": dim})
