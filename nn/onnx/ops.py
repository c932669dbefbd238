"""The ONNX form of each op the tracer records: one small converter per op.

`FUNCTIONAL` holds the `nn.functional` functions exported as one ONNX
operator each (their inner primitives are not recorded); `PRIMITIVES` holds
the engine's primitive ops that are recorded when called anywhere else. A
converter gets the graph, the op's output tensor and the op's arguments,
and adds the nodes that compute that output (opset 17).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.ops.axes import normalize_axes

from .trace import Graph, UnsupportedOperatorError

OPSET = 17


def _pair(value: Any) -> list[int]:
    return [int(value), int(value)] if np.ndim(value) == 0 else [int(v) for v in value]


def _pads(padding: Any, kernel: list[int], dilation: list[int]) -> list[int]:
    """ONNX pads (top, left, bottom, right) for PyTorch's padding of a 2-d window op."""
    if padding == "valid":
        return [0, 0, 0, 0]
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return [t // 2 for t in totals] + [t - t // 2 for t in totals]
    ph, pw = _pair(padding)
    return [ph, pw, ph, pw]


# ---------------------------------------------------------------- functional


def conv2d(g: Graph, out: Tensor, input, weight, bias, stride, padding, dilation, groups) -> None:
    kernel, dilations = list(weight.shape[2:]), _pair(dilation)
    inputs = [g.value(input), g.value(weight)] + ([g.value(bias)] if bias is not None else [])
    g.node(
        "Conv",
        inputs,
        out,
        kernel_shape=kernel,
        strides=_pair(stride),
        pads=_pads(padding, kernel, dilations),
        dilations=dilations,
        group=int(groups),
    )


def conv_transpose2d(
    g: Graph, out: Tensor, input, weight, bias, stride, padding, output_padding, groups, dilation
) -> None:
    kernel, dilations = list(weight.shape[2:]), _pair(dilation)
    inputs = [g.value(input), g.value(weight)] + ([g.value(bias)] if bias is not None else [])
    g.node(
        "ConvTranspose",
        inputs,
        out,
        kernel_shape=kernel,
        strides=_pair(stride),
        pads=_pads(padding, kernel, dilations),
        dilations=dilations,
        group=int(groups),
        output_padding=_pair(output_padding),
    )


def linear(g: Graph, out: Tensor, x, weight, bias) -> None:
    if x.ndim == 2:
        inputs = [g.value(x), g.value(weight)] + ([g.value(bias)] if bias is not None else [])
        g.node("Gemm", inputs, out, transB=1)
        return
    transposed = g.constant(np.asarray(weight.detach().numpy()).T, "weight_t")
    product = g.node("MatMul", [g.value(x), transposed], None if bias is not None else out)
    if bias is not None:
        g.node("Add", [product, g.value(bias)], out)


def max_pool2d(
    g: Graph, out: Any, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
) -> None:
    if return_indices:
        raise UnsupportedOperatorError(
            "onnx.export: max_pool2d(return_indices=True) is not exported"
        )
    kernel, dilations = _pair(kernel_size), _pair(dilation)
    g.node(
        "MaxPool",
        [g.value(input)],
        out,
        kernel_shape=kernel,
        strides=_pair(kernel_size if stride is None else stride),
        pads=_pads(padding, kernel, dilations),
        dilations=dilations,
        ceil_mode=int(ceil_mode),
    )


def avg_pool2d(
    g: Graph, out: Tensor, input, kernel_size, stride, padding, ceil_mode, count_include_pad
) -> None:
    kernel = _pair(kernel_size)
    g.node(
        "AveragePool",
        [g.value(input)],
        out,
        kernel_shape=kernel,
        strides=_pair(kernel_size if stride is None else stride),
        pads=_pads(padding, kernel, [1, 1]),
        ceil_mode=int(ceil_mode),
        count_include_pad=int(count_include_pad),
    )


def adaptive_avg_pool2d(g: Graph, out: Tensor, input, output_size) -> None:
    sizes, targets = input.shape[2:], out.shape[2:]
    if all(t == 1 for t in targets):
        g.node("GlobalAveragePool", [g.value(input)], out)
    elif all(s % t == 0 for s, t in zip(sizes, targets)):
        kernel = [s // t for s, t in zip(sizes, targets)]
        g.node("AveragePool", [g.value(input)], out, kernel_shape=kernel, strides=kernel)
    else:
        raise UnsupportedOperatorError(
            f"onnx.export: adaptive_avg_pool2d from {tuple(sizes)} to {tuple(targets)} has no "
            "ONNX form (the output size must divide the input size)"
        )


def batch_norm(
    g: Graph, out: Tensor, x, running_mean, running_var, weight, bias, training, momentum, eps
) -> None:
    if training or running_mean is None or running_var is None:
        raise UnsupportedOperatorError(
            "onnx.export: batch_norm with batch statistics has no ONNX form; export the "
            "model in eval mode with running statistics"
        )
    channels, dtype = x.shape[1], x.dtype
    scale = g.value(weight) if weight is not None else g.value(np.ones(channels, dtype))
    shift = g.value(bias) if bias is not None else g.value(np.zeros(channels, dtype))
    inputs = [g.value(x), scale, shift, g.value(running_mean), g.value(running_var)]
    g.node("BatchNormalization", inputs, out, epsilon=float(eps), momentum=1 - float(momentum))


def dropout(g: Graph, out: Tensor, x, p, training) -> None:
    if training and p > 0:
        raise UnsupportedOperatorError(
            "onnx.export: dropout in training mode (export in eval mode)"
        )
    g.alias(out, x)  # the identity when not training


def interpolate(g: Graph, out: Tensor, input, size, scale_factor, mode) -> None:
    if mode != "nearest":
        raise UnsupportedOperatorError(f"onnx.export: interpolate(mode={mode!r}) is not exported")
    scales = [1.0, 1.0] + [o / i for o, i in zip(out.shape[2:], input.shape[2:])]
    if scale_factor is not None:
        factors = scale_factor if np.ndim(scale_factor) else [scale_factor] * (input.ndim - 2)
        scales = [1.0, 1.0] + [float(f) for f in factors]
    g.node(
        "Resize",
        [g.value(input), "", g.constant(np.asarray(scales, np.float32), "scales")],
        out,
        mode="nearest",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="floor",
    )


def _unary(op_type: str, **attributes: Any) -> Any:
    def convert(g: Graph, out: Tensor, x: Any, **params: Any) -> None:
        g.node(op_type, [g.value(x)], out, **attributes)

    return convert


def _along(op_type: str) -> Any:
    def convert(g: Graph, out: Tensor, input: Any, dim: int | None = None, **options: Any) -> None:
        if dim is None:  # PyTorch's implicit choice, as nn.functional made it
            dim = 0 if input.ndim in (0, 1, 3) else 1
        g.node(op_type, [g.value(input)], out, axis=int(dim))

    return convert


def leaky_relu(g: Graph, out: Tensor, x, negative_slope, **options: Any) -> None:
    g.node("LeakyRelu", [g.value(x)], out, alpha=float(negative_slope))


# fmt: off
FUNCTIONAL = {
    "conv2d": conv2d, "conv_transpose2d": conv_transpose2d, "linear": linear,
    "max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d, "batch_norm": batch_norm,
    "adaptive_avg_pool2d": adaptive_avg_pool2d,
    "dropout": dropout, "interpolate": interpolate, "leaky_relu": leaky_relu,
    "relu": _unary("Relu"), "sigmoid": _unary("Sigmoid"), "tanh": _unary("Tanh"),
    "softmax": _along("Softmax"), "log_softmax": _along("LogSoftmax"),
}
# fmt: on


# ---------------------------------------------------------------- primitives


def _binary(op_type: str) -> Any:
    def convert(g: Graph, out: Tensor, x: Any, y: Any) -> None:
        g.node(op_type, [g.value(x, out.dtype), g.value(y, out.dtype)], out)

    return convert


def _reduce(op_type: str, axes_as_input: bool) -> Any:
    def convert(g: Graph, out: Tensor, x: Any, dim: Any = None, keepdim: bool = False) -> None:
        axes = list(normalize_axes(dim, np.ndim(x), op_type))
        if axes_as_input:
            g.node(op_type, [g.value(x), g.int64s(axes, "axes")], out, keepdims=int(keepdim))
        else:
            g.node(op_type, [g.value(x)], out, axes=axes, keepdims=int(keepdim))

    return convert


def reshape(g: Graph, out: Tensor, x: Any, shape: Any) -> None:
    target = list(out.shape)
    if target and np.ndim(x) and target[0] == np.shape(x)[0]:
        target[0] = 0  # copy the first (batch) axis, so a dynamic batch size still works
    g.node("Reshape", [g.value(x), g.int64s(target)], out)


def permute(g: Graph, out: Tensor, x: Any, dims: Any) -> None:
    perm = [int(a) % max(np.ndim(x), 1) for a in dims]
    g.node("Transpose", [g.value(x)], out, perm=perm)


def concatenate(g: Graph, out: Tensor, *tensors: Any, axis: int = 0) -> None:
    g.node("Concat", [g.value(t, out.dtype) for t in tensors], out, axis=int(axis))


def pad(g: Graph, out: Tensor, x: Any, pad_width: Any, constant_values: Any = 0) -> None:
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (np.ndim(x), 2))
    pads = g.int64s(np.concatenate([widths[:, 0], widths[:, 1]]), "pads")
    value = g.constant(np.asarray(constant_values, dtype=out.dtype), "pad_value")
    g.node("Pad", [g.value(x), pads, value], out, mode="constant")


def clip(g: Graph, out: Tensor, x: Any, min: Any = None, max: Any = None) -> None:
    bounds = [
        "" if b is None else g.constant(np.asarray(b, out.dtype), "bound") for b in (min, max)
    ]
    g.node("Clip", [g.value(x), *bounds], out)


def astype(g: Graph, out: Tensor, x: Any, dtype: Any) -> None:
    to = g.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    g.node("Cast", [g.value(x)], out, to=int(to))


def broadcast_to(g: Graph, out: Tensor, x: Any, shape: Any) -> None:
    g.node("Expand", [g.value(x), g.int64s(out.shape)], out)


# fmt: off
PRIMITIVES = {
    "add": _binary("Add"), "sub": _binary("Sub"), "mul": _binary("Mul"), "div": _binary("Div"),
    "pow": _binary("Pow"), "maximum": _binary("Max"), "minimum": _binary("Min"),
    "matmul": _binary("MatMul"), "neg": _unary("Neg"), "exp": _unary("Exp"),
    "log": _unary("Log"), "sqrt": _unary("Sqrt"), "tanh": _unary("Tanh"),
    "sigmoid": _unary("Sigmoid"), "relu": _unary("Relu"), "abs": _unary("Abs"),
    "clip": clip, "astype": astype, "reshape": reshape, "permute": permute,
    "broadcast_to": broadcast_to, "cat": concatenate, "pad": pad,
    "sum": _reduce("ReduceSum", axes_as_input=True),
    "amax": _reduce("ReduceMax", axes_as_input=False),
    "amin": _reduce("ReduceMin", axes_as_input=False),
    "logsumexp": _reduce("ReduceLogSumExp", axes_as_input=False),
}
# fmt: on
