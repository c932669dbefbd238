"""Hypothesis sample strategies for the ops that `nn` registers (see `autograd_core.testing`).

`nn.functional` registers its differentiable functions in the engine's
registry with `@register(..., sample=NAME)`; importing this module defines
those NAMEs, so that the registry's gradient suite
(tests/autograd_core/test_ops.py) draws calls of them as it does of the
engine's primitives. Like `autograd_core.testing` it imports hypothesis,
which `nn` itself does not need.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import nn  # noqa: F401  (registers nn.functional's ops before their strategies are used)
from autograd_core.function import OpSpec
from autograd_core.testing import Draw, Sample, distinct_arrays, domain_array, sample_strategy


def _adaptive_input(draw: Draw, spec: OpSpec, spatial: tuple[int, ...]) -> np.ndarray:
    lead = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 2), label="C"))
    if draw(st.booleans(), label="unbatched"):
        lead = lead[1:]
    shape = (*lead, *spatial)
    if spec.domains == ("distinct",):
        return distinct_arrays(draw, [shape], "x")[0]
    return domain_array(draw, shape, "real", "x")


@sample_strategy("adaptive_pool2d")
def _adaptive_pool2d(draw: Draw, spec: OpSpec) -> Sample:
    size = (draw(st.integers(1, 7), label="H"), draw(st.integers(1, 7), label="W"))
    output = tuple(draw(st.none() | st.integers(1, n + 2), label="output size") for n in size)
    x = _adaptive_input(draw, spec, size)
    if draw(st.booleans(), label="int output_size") and output[0] is not None:
        return Sample((x, output[0]))
    return Sample((x, output))


@sample_strategy("adaptive_pool1d")
def _adaptive_pool1d(draw: Draw, spec: OpSpec) -> Sample:
    length = draw(st.integers(1, 9), label="L")
    x = _adaptive_input(draw, spec, (length,))
    return Sample((x, draw(st.integers(1, length + 2), label="output size")))


@sample_strategy("local_response_norm")
def _local_response_norm(draw: Draw, spec: OpSpec) -> Sample:
    channels = draw(st.integers(1, 5), label="C")
    rest = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2), label="spatial")
    x = domain_array(draw, (draw(st.integers(1, 2), label="N"), channels, *rest), "real", "x")
    kwargs = {
        "size": draw(st.integers(1, 6), label="size"),
        "alpha": draw(st.sampled_from([1e-4, 0.5, 2.0]), label="alpha"),
        "beta": draw(st.sampled_from([0.75, 0.5, 1.5]), label="beta"),
        "k": draw(st.sampled_from([1.0, 2.0]), label="k"),
    }
    return Sample((x,), kwargs)


@sample_strategy("multi_margin_loss")
def _multi_margin_loss(draw: Draw, spec: OpSpec) -> Sample:
    classes = draw(st.integers(1, 4), label="C")
    batched = draw(st.booleans(), label="batched")
    n = draw(st.integers(1, 3), label="N")
    shape = (n, classes) if batched else (classes,)
    target = np.asarray(
        draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n), label="target")
    )
    target = target if batched else target[0]
    margin = draw(st.sampled_from([1.0, 0.5, 0.0]), label="margin")
    scores = domain_array(draw, shape, "real", "x")
    # NOTE: away from the hinge's kink: margin - x[y] + x[i] at least 0.05 from 0
    # (the target's own term is masked out, so only the other classes move)
    rows = scores.reshape(-1, classes)
    own = target.reshape(-1, 1) == np.arange(classes)
    gap = margin - rows[own][:, None] + rows
    scores = np.where((np.abs(gap) < 0.05) & ~own, rows + 0.1, rows).reshape(shape)
    kwargs = {
        "p": draw(st.sampled_from([1, 2]), label="p"),
        "margin": margin,
        "reduction": draw(st.sampled_from(["mean", "sum", "none"]), label="reduction"),
    }
    if draw(st.booleans(), label="weighted"):
        kwargs["weight"] = domain_array(draw, (classes,), "positive", "weight")
    return Sample((scores, target), kwargs)
