"""Sample strategies of the registered `nn.functional` ops, for the project's hypothesis suite.

Each function draws one valid call of an op (inputs, targets, weights and
options), as `autograd_core.op_samples` does for the engine's own ops; the
suite in tests/autograd_core/test_ops.py imports this module so that every
`nn.functional` op registered with `sample="nn_..."` finds its strategy.
Float arrays in a sample become differentiable inputs (targets and weights
included); everything else is passed as it is. Imports hypothesis.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from autograd_core import Tensor
from autograd_core.function import OpSpec
from autograd_core.op_samples import Sample, sample_strategy
from autograd_core.testing import (
    Draw,
    conv_geometries,
    distinct_arrays,
    domain_array,
    shapes,
)

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def _input_domain(spec: OpSpec) -> str:
    return spec.domains[0]


def _slope(draw: Draw, label: str, low: float = 0.0, high: float = 1.0) -> float:
    return draw(st.floats(low, high, allow_nan=False), label=label)


# ------------------------------------------------------------------ activations


@sample_strategy("nn_leaky_relu")
def _leaky_relu(draw: Draw, spec: OpSpec) -> Sample:
    x = domain_array(draw, draw(shapes(min_side=0), label="shape"), "wide", "x")
    return Sample((x,), {"negative_slope": _slope(draw, "negative_slope")})


@sample_strategy("nn_activation")
def _activation(draw: Draw, spec: OpSpec) -> Sample:
    """gelu, elu, selu, silu, softplus, hardtanh, relu6: x and the op's options."""
    x = domain_array(draw, draw(shapes(min_side=0), label="shape"), spec.domains[0], "x")
    options: dict = {}
    kinks: list[float] = []
    if spec.name == "gelu":
        options["approximate"] = draw(st.sampled_from(["none", "tanh"]), label="approximate")
    elif spec.name == "elu":
        options["alpha"] = draw(st.sampled_from([1.0, 0.5, 2.0]), label="alpha")
    elif spec.name == "softplus":
        options["beta"] = draw(st.sampled_from([1.0, 0.5, 2.0]), label="beta")
        options["threshold"] = draw(st.sampled_from([20.0, 1.0]), label="threshold")
        kinks = [options["threshold"] / options["beta"]]
    elif spec.name == "hardtanh":
        low = draw(st.sampled_from([-1.0, -0.5, 0.0]), label="min_val")
        options.update(
            min_val=low, max_val=low + draw(st.sampled_from([0.5, 1.0, 2.0]), label="width")
        )
        kinks = [options["min_val"], options["max_val"]]
    return Sample((_away(x, kinks),), options)


@sample_strategy("nn_linear")
def _linear(draw: Draw, spec: OpSpec) -> Sample:
    lead = draw(shapes(max_dims=2), label="batch shape")
    n_in, n_out = (draw(st.integers(1, 3), label=label) for label in ("in", "out"))
    x = domain_array(draw, (*lead, n_in), "real", "x")
    weight = domain_array(draw, (n_out, n_in), "real", "weight")
    bias = (
        domain_array(draw, (n_out,), "real", "bias") if draw(st.booleans(), label="bias") else None
    )
    return Sample((x, weight, bias))


@sample_strategy("nn_batch_norm")
def _batch_norm(draw: Draw, spec: OpSpec) -> Sample:
    x = _channels_input(draw)
    channels = x.shape[1]
    training = draw(st.booleans(), label="training")
    running: tuple[Tensor | None, Tensor | None] = (None, None)
    if not training or draw(st.booleans(), label="running statistics"):
        mean = domain_array(draw, (channels,), "real", "running mean")
        var = domain_array(draw, (channels,), "positive", "running var")
        running = (Tensor(mean), Tensor(var))
    weight, bias = _affine(draw, channels)
    return Sample(
        (x, *running, weight, bias),
        {"training": training, "eps": draw(st.sampled_from([1e-5, 0.1]), label="eps")},
    )


@sample_strategy("nn_native_batch_norm")
def _native_batch_norm(draw: Draw, spec: OpSpec) -> Sample:
    x = _channels_input(draw)
    weight, bias = _affine(draw, x.shape[1])
    return Sample((x, weight, bias), {"eps": draw(st.sampled_from([1e-5, 0.1]), label="eps")})


def _channels_input(draw: Draw) -> np.ndarray:
    """(N, C, ...) values for batch statistics: more than one per channel, all distinct (a
    channel of equal values has variance 0, where 1/sqrt(eps) is steep)."""
    n = draw(st.integers(1, 3), label="batch")
    channels = draw(st.integers(1, 3), label="channels")
    spatial = draw(shapes(max_dims=2), label="spatial shape")
    if n * int(np.prod(spatial)) < 2:
        n = 2
    (x,) = distinct_arrays(draw, [(n, channels, *spatial)], "x")
    return x


def _affine(draw: Draw, channels: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A per-channel weight and bias, or neither."""
    if not draw(st.booleans(), label="affine"):
        return None, None
    weight = domain_array(draw, (channels,), "real", "weight")
    return weight, domain_array(draw, (channels,), "real", "bias")


# ----------------------------------------------------------------------- losses


def _maybe(draw: Draw, label: str) -> bool:
    return draw(st.booleans(), label=label)


@sample_strategy("nn_pointwise_loss")
def _pointwise_loss(draw: Draw, spec: OpSpec) -> Sample:
    """input and target of one shape (in the op's two domains), a reduction and maybe a weight."""
    shape = draw(shapes(min_side=0), label="shape")
    x = domain_array(draw, shape, spec.domains[0], "input")
    target = domain_array(draw, shape, spec.domains[1], "target")
    weight = domain_array(draw, shape, "positive", "weight") if _maybe(draw, "weight") else None
    return Sample((x, target), {"reduction": draw(REDUCTIONS, label="reduction"), "weight": weight})


def _away(values: np.ndarray, kinks: list[float], gap: float = 0.05) -> np.ndarray:
    moved = np.array(values)
    for kink in kinks:
        near = np.abs(moved - kink) < gap
        moved[near] = kink + np.where(moved[near] < kink, -gap, gap)
    return moved


@sample_strategy("nn_regression_loss")
def _regression_loss(draw: Draw, spec: OpSpec) -> Sample:
    """l1, smooth_l1 and huber: input = target + d with d away from the op's kinks."""
    shape = draw(shapes(min_side=0), label="shape")
    target = domain_array(draw, shape, "real", "target")
    difference = domain_array(draw, shape, "real", "difference")
    options: dict = {"reduction": draw(REDUCTIONS, label="reduction")}
    if spec.name == "l1_loss":
        kinks = [0.0]
    else:
        name = "beta" if spec.name == "smooth_l1_loss" else "delta"
        low = 0.0 if name == "beta" else 0.1
        options[name] = draw(st.sampled_from([low, 0.5, 1.0, 1.5]), label=name)
        kinks = [0.0] if options[name] == 0 else [-options[name], options[name]]
    if spec.name != "smooth_l1_loss" and _maybe(draw, "weight"):
        options["weight"] = domain_array(draw, shape, "positive", "weight")
    return Sample((target + _away(difference, kinks), target), options)


@sample_strategy("nn_kl_div")
def _kl_div(draw: Draw, spec: OpSpec) -> Sample:
    shape = draw(shapes(min_dims=1, min_side=0), label="shape")
    x = domain_array(draw, shape, "real", "input")
    log_target = _maybe(draw, "log_target")
    target = domain_array(draw, shape, "real" if log_target else "positive", "target")
    reduction = draw(st.sampled_from(["mean", "sum", "none", "batchmean"]), label="reduction")
    return Sample((x, target), {"reduction": reduction, "log_target": log_target})


@sample_strategy("nn_binary_loss")
def _binary_loss(draw: Draw, spec: OpSpec) -> Sample:
    """BCE: input, target, weight (broadcast from the trailing axes) and pos_weight (logits)."""
    shape = draw(shapes(min_side=0), label="shape")
    x = domain_array(draw, shape, spec.domains[0], "input")
    target = domain_array(draw, shape, spec.domains[1], "target")
    options: dict = {"reduction": draw(REDUCTIONS, label="reduction")}
    tail = shape[len(shape) - draw(st.integers(0, len(shape)), label="weight axes") :]
    if _maybe(draw, "weight"):
        options["weight"] = domain_array(draw, tail, "positive", "weight")
    if spec.name.endswith("logits") and _maybe(draw, "pos_weight"):
        options["pos_weight"] = domain_array(draw, shape[-1:], "positive", "pos_weight")
    return Sample((x, target), options)


def _class_problem(draw: Draw) -> tuple[tuple[int, ...], int, np.ndarray]:
    """(input shape, class count, integer targets): (C,) with a 0-d target, or (N, C, *d)."""
    classes = draw(st.integers(1, 4), label="classes")
    if draw(st.booleans(), label="unbatched"):
        shape: tuple[int, ...] = (classes,)
        target_shape: tuple[int, ...] = ()
    else:
        n = draw(st.integers(0, 3), label="batch")
        extra = draw(shapes(max_dims=2), label="extra axes")
        shape, target_shape = (n, classes, *extra), (n, *extra)
    target = draw(
        st.lists(
            st.integers(-1, classes - 1),  # -1: ignore_index, when the sample sets it
            min_size=int(np.prod(target_shape)),
            max_size=int(np.prod(target_shape)),
        ),
        label="target",
    )
    return shape, classes, np.asarray(target, dtype=np.int64).reshape(target_shape)


@sample_strategy("nn_class_loss")
def _class_loss(draw: Draw, spec: OpSpec) -> Sample:
    """nll_loss and cross_entropy: class indices (some ignored) or probabilities, options."""
    shape, classes, target = _class_problem(draw)
    x = domain_array(draw, shape, _input_domain(spec), "input")
    options: dict = {"reduction": draw(REDUCTIONS, label="reduction")}
    if _maybe(draw, "ignore_index"):
        options["ignore_index"] = -1
    else:
        target = np.maximum(target, 0)
    if _maybe(draw, "weight"):
        options["weight"] = domain_array(draw, (classes,), "positive", "weight")
    if spec.name == "cross_entropy":
        options["label_smoothing"] = draw(st.sampled_from([0.0, 0.1, 1.0]), label="smoothing")
        if _maybe(draw, "probability targets"):
            target = domain_array(draw, shape, "unit", "target")
            options.pop("ignore_index", None)
    counted = target.dtype.kind == "f" or (target != options.get("ignore_index", -100)).any()
    if options["reduction"] == "mean" and not (x.size and counted):
        options["reduction"] = "sum"  # the mean of nothing is NaN (tested against torch)
    return Sample((x, target), options)


@sample_strategy("nn_softmax_cross_entropy")
def _softmax_cross_entropy(draw: Draw, spec: OpSpec) -> Sample:
    """cross_entropy's fused case: logits, integer targets (some ignored), a reduction."""
    shape, _, target = _class_problem(draw)
    x = domain_array(draw, shape, _input_domain(spec), "input")
    ignore_index = -1 if _maybe(draw, "ignore_index") else -100
    target = target if ignore_index == -1 else np.maximum(target, 0)
    reduction = draw(REDUCTIONS, label="reduction")
    if reduction == "mean" and not (x.size and (target != ignore_index).any()):
        reduction = "sum"  # the mean of nothing is NaN (tested against torch)
    return Sample((x,), {"target": target, "ignore_index": ignore_index, "reduction": reduction})


# ------------------------------------------------------------ convolution, pooling


@sample_strategy("nn_conv2d")
def _conv2d(draw: Draw, spec: OpSpec) -> Sample:
    g = draw(conv_geometries(), label="geometry")
    x = domain_array(draw, g.input_shape, "real", "input")
    weight = domain_array(draw, g.weight_shape, "real", "weight")
    has_bias = draw(st.booleans(), label="bias")
    bias = domain_array(draw, (g.out_channels,), "real", "bias") if has_bias else None
    options = {"stride": g.stride, "padding": g.padding, "dilation": g.dilation}
    return Sample((x, weight, bias), {**options, "groups": g.groups})


@sample_strategy("convolution")
def _convolution(draw: Draw, spec: OpSpec) -> Sample:
    """conv2d's fused case: stride 1, one group, padding as (before, after) pairs."""
    g = draw(conv_geometries(max_groups=1, max_stride=1), label="geometry")
    # the geometry's padding on each side, one more row or column on some of them
    extra = [draw(st.integers(0, 1), label=f"extra padding {side}") for side in range(4)]
    pads = ((g.padding[0] + extra[0], g.padding[0] + extra[1]),
            (g.padding[1] + extra[2], g.padding[1] + extra[3]))  # fmt: skip
    x = domain_array(draw, g.input_shape, "real", "input")
    weight = domain_array(draw, g.weight_shape, "real", "weight")
    bias = [domain_array(draw, (g.out_channels,), "real", "bias")] if _maybe(draw, "bias") else []
    return Sample((x, weight, *bias), {"pads": pads, "dilation": g.dilation})


@sample_strategy("nn_conv_transpose2d")
def _conv_transpose2d(draw: Draw, spec: OpSpec) -> Sample:
    groups = draw(st.integers(1, 2), label="groups")
    in_channels = groups * draw(st.integers(1, 2), label="in channels per group")
    out_per_group = draw(st.integers(1, 2), label="out channels per group")
    n = draw(st.integers(1, 2), label="batch")
    kernel: list[int] = []
    stride: list[int] = []
    dilation: list[int] = []
    size: list[int] = []
    padding: list[int] = []
    extra: list[int] = []
    for axis in "hw":
        k, s, d = (
            draw(st.integers(1, high), label=f"{name} {axis}")
            for name, high in (("kernel", 3), ("stride", 2), ("dilation", 2))
        )
        side = draw(st.integers(1, 3), label=f"side {axis}")
        e = draw(st.integers(0, max(s, d) - 1), label=f"output_padding {axis}")
        full = (side - 1) * s + d * (k - 1) + 1 + e
        p = draw(st.integers(0, (full - 1) // 2), label=f"padding {axis}")
        for values, value in zip(
            (kernel, stride, dilation, size, padding, extra), (k, s, d, side, p, e)
        ):
            values.append(value)
    x = domain_array(draw, (n, in_channels, *size), "real", "input")
    weight = domain_array(draw, (in_channels, out_per_group, *kernel), "real", "weight")
    has_bias = draw(st.booleans(), label="bias")
    bias = domain_array(draw, (groups * out_per_group,), "real", "bias") if has_bias else None
    options = {"stride": tuple(stride), "padding": tuple(padding), "dilation": tuple(dilation)}
    return Sample((x, weight, bias), {**options, "output_padding": tuple(extra), "groups": groups})


def _pool_geometry(draw: Draw, dilate: bool) -> tuple[tuple[int, ...], dict]:
    """An (N, C, H, W) input shape and kernel_size, stride, padding (and dilation)."""
    kernel = tuple(draw(st.integers(1, 3), label="kernel") for _ in "hw")
    stride = tuple(draw(st.integers(1, 3), label="stride") for _ in "hw")
    dilation = tuple(draw(st.integers(1, 2), label="dilation") for _ in "hw") if dilate else (1, 1)
    # no padding with dilation: a dilated window could then hold padding only (-inf, as torch)
    padding = tuple(
        0 if d > 1 else draw(st.integers(0, k // 2), label="padding")
        for k, d in zip(kernel, dilation)
    )
    side = tuple(
        max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 2), label="extra")
        for k, d, p in zip(kernel, dilation, padding)
    )
    lead = (draw(st.integers(1, 2), label="batch"), draw(st.integers(1, 2), label="channels"))
    options = {"kernel_size": kernel, "stride": stride, "padding": padding}
    if dilate:
        options["dilation"] = dilation
    options["ceil_mode"] = draw(st.booleans(), label="ceil_mode")
    return (*lead, *side), options


@sample_strategy("nn_max_pool2d")
def _max_pool2d(draw: Draw, spec: OpSpec) -> Sample:
    shape, options = _pool_geometry(draw, dilate=True)
    return Sample(tuple(distinct_arrays(draw, [shape], "input")), options)


@sample_strategy("nn_avg_pool2d")
def _avg_pool2d(draw: Draw, spec: OpSpec) -> Sample:
    shape, options = _pool_geometry(draw, dilate=False)
    options["count_include_pad"] = draw(st.booleans(), label="count_include_pad")
    return Sample((domain_array(draw, shape, "real", "input"),), options)


@sample_strategy("nn_max_unpool2d")
def _max_unpool2d(draw: Draw, spec: OpSpec) -> Sample:
    from .pooling import max_pool2d  # the indices the unpooling needs, as max_pool2d gives them

    kernel = draw(st.integers(1, 3), label="kernel")
    lead = (draw(st.integers(1, 2), label="batch"), draw(st.integers(1, 2), label="channels"))
    size = tuple(kernel * draw(st.integers(1, 2), label="windows") for _ in "hw")
    (source,) = distinct_arrays(draw, [(*lead, *size)], "source")
    _, indices = max_pool2d(Tensor(source), kernel, return_indices=True)
    x = domain_array(draw, tuple(indices.shape), "real", "input")
    return Sample((x, indices, kernel), {"output_size": size})


@sample_strategy("nn_interpolate")
def _interpolate(draw: Draw, spec: OpSpec) -> Sample:
    spatial = draw(shapes(min_dims=1, max_dims=3), label="spatial shape")
    lead = (draw(st.integers(1, 2), label="batch"), draw(st.integers(1, 2), label="channels"))
    x = domain_array(draw, (*lead, *spatial), "real", "input")
    if draw(st.booleans(), label="by size"):
        return Sample((x,), {"size": tuple(draw(st.integers(1, 5), label="size") for _ in spatial)})
    factor = draw(st.sampled_from([1, 2, 3, 0.5, 1.5, 2.5]), label="scale_factor")
    if any(int(n * factor) < 1 for n in spatial):
        factor = 2
    return Sample((x,), {"scale_factor": factor})


@sample_strategy("nn_pad")
def _pad(draw: Draw, spec: OpSpec) -> Sample:
    """F.pad: 1-3 padded trailing dims after 1-2 more, widths within each mode's limits
    (some negative: a crop), last dim first as PyTorch orders them."""
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]), label="mode")
    sides = [draw(st.integers(1, 3), label="side") for _ in range(draw(st.integers(1, 3)))]
    lead = [draw(st.integers(1, 2), label="lead") for _ in range(draw(st.integers(1, 2)))]
    widths: list[int] = []
    for n in reversed(sides):
        high = {"constant": 2, "reflect": n - 1, "replicate": 2, "circular": n}[mode]
        before, after = (draw(st.integers(-1, high), label="width") for _ in "ab")
        if n + before + after < 0:
            after = 0
        if mode == "circular":  # the crop comes first, then at most one wrap of what is left
            kept = n - max(-before, 0) - max(-after, 0)
            before, after = min(before, kept), min(after, kept)
        widths += [before, after]
    options: dict = {"mode": mode}
    if mode == "constant":
        options["value"] = draw(st.sampled_from([0.0, 1.5]), label="value")
    x = domain_array(draw, (*lead, *sides), "real", "input")
    return Sample((x, tuple(widths)), options)


@sample_strategy("nn_conv1d")
def _conv1d(draw: Draw, spec: OpSpec) -> Sample:
    """conv1d: an (N, C, L) or (C, L) input, weight (out, C/groups, K), int or string padding."""
    groups = draw(st.integers(1, 2), label="groups")
    channels, out = (groups * draw(st.integers(1, 2), label=label) for label in ("in", "out"))
    limits = (("kernel", 3), ("stride", 2), ("dilation", 2))
    k, stride, dilation = (draw(st.integers(1, high), label=label) for label, high in limits)
    padding = draw(st.sampled_from([0, 1, 2, "valid"] + (["same"] if stride == 1 else [])))
    width = 0 if isinstance(padding, str) and padding == "valid" else padding
    length = max(1, dilation * (k - 1) + 1 - 2 * (width if isinstance(width, int) else 0))
    length += draw(st.integers(0, 2), label="extra length")
    lead = () if draw(st.booleans(), label="unbatched") else (draw(st.integers(1, 2)),)
    x = domain_array(draw, (*lead, channels, length), "real", "input")
    weight = domain_array(draw, (out, channels // groups, k), "real", "weight")
    bias = domain_array(draw, (out,), "real", "bias") if draw(st.booleans(), label="bias") else None
    options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return Sample((x, weight, bias), options)


@sample_strategy("nn_layer_norm")
def _layer_norm(draw: Draw, spec: OpSpec) -> Sample:
    """layer_norm: 1-2 normalised trailing dims (more than one value), optional affine."""
    shape = draw(shapes(min_dims=1, max_dims=3), label="shape")
    count = draw(st.integers(1, len(shape)), label="normalised dims")
    normalized = shape[len(shape) - count :]
    if int(np.prod(normalized)) < 2:
        shape, normalized = (*shape[: len(shape) - count], 2), (2,)
    # distinct values: equal ones have variance 0, where 1/sqrt(eps) is steep
    (x,) = distinct_arrays(draw, [shape], "input")
    affine = draw(st.booleans(), label="affine")
    weight = domain_array(draw, normalized, "real", "weight") if affine else None
    bias = domain_array(draw, normalized, "real", "bias") if affine else None
    eps = draw(st.sampled_from([1e-5, 0.1]), label="eps")
    return Sample((x, normalized, weight, bias), {"eps": eps})


@sample_strategy("nn_normalize")
def _normalize(draw: Draw, spec: OpSpec) -> Sample:
    """normalize: p in {1, 2, 3}, a dim of the input; entries away from the kink of |x| at 0."""
    shape = draw(shapes(min_dims=1, min_side=1), label="shape")
    x = domain_array(draw, shape, "nonzero", "input")
    dim = draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    return Sample((x,), {"p": draw(st.sampled_from([1.0, 2.0, 3.0]), label="p"), "dim": dim})


@sample_strategy("nn_embedding")
def _embedding(draw: Draw, spec: OpSpec) -> Sample:
    """embedding: integer indices of any shape (repeats included) and a weight. (padding_idx
    is left out: by design its row gets no gradient, which central differences would see;
    tests/nn/test_embedding_layer_norm.py compares it with torch.)"""
    rows, width = draw(st.integers(1, 4), label="rows"), draw(st.integers(1, 3), label="dim")
    shape = draw(shapes(max_dims=2), label="index shape")
    count = int(np.prod(shape))
    index = draw(st.lists(st.integers(0, rows - 1), min_size=count, max_size=count), label="index")
    weight = domain_array(draw, (rows, width), "real", "weight")
    return Sample((np.asarray(index, dtype=np.int64).reshape(shape), weight))
