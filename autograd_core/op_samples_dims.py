"""Sample strategies of the ops that take dims, indices or equations: the linear
algebra shortcuts (mm, bmm, mv, dot, outer), einsum, and indexing along a dim
(gather, scatter, index_select, masked_*). `autograd_core.op_samples` imports
this module, so `SAMPLES` holds them too.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .function import OpSpec
from .op_samples import Sample, sample_strategy
from .testing import MAX_SIDE, Draw, domain_array, shapes


def _side(draw: Draw, label: str, low: int = 1) -> int:
    return draw(st.integers(low, MAX_SIDE), label=label)


@sample_strategy("mm")
def _mm(draw: Draw, spec: OpSpec) -> Sample:
    n, k, m = (_side(draw, name) for name in "nkm")
    x = domain_array(draw, (n, k), "real", "x")
    return Sample((x, domain_array(draw, (k, m), "real", "y")))


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
           "ij,ij->ij", "ijk->kj", "ij,jk", "i->i"]  # fmt: skip


@sample_strategy("einsum")
def _einsum(draw: Draw, spec: OpSpec) -> Sample:
    equation = draw(st.sampled_from(EINSUMS), label="equation")
    sizes = {c: _side(draw, f"size {c}") for c in sorted(set(equation) - set(",->"))}
    inputs = equation.split("->")[0].split(",")
    arrays = [
        domain_array(draw, tuple(sizes[c] for c in sub), "real", f"x{i}")
        for i, sub in enumerate(inputs)
    ]
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
