"""`nn.onnx.export`: a model as an ONNX file, after `torch.onnx.export`.

One forward pass on the example input is traced (see `trace`): layers and
`nn.functional` calls become one standard ONNX operator each (Conv, Gemm,
MaxPool, BatchNormalization, Resize, ...), the engine's primitive ops
called elsewhere become theirs (Add, MatMul, Reshape, Concat, ...),
parameters and buffers become initializers under their state_dict names.
The model is exported in eval mode (dropout is the identity, batch norm uses
its running statistics) and put back in its mode afterwards. Building the
file needs the `onnx` package (`pip install -e '.[interop]'`), imported only
here; nothing in the engine changes while not exporting.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import IO, Any

import numpy as np

import autograd_core as ag
from autograd_core import Tensor

from .ops import FUNCTIONAL, OPSET, PRIMITIVES
from .trace import Graph, UnsupportedOperatorError, tracing

__all__ = ["export", "UnsupportedOperatorError"]


def _import_onnx() -> Any:
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "onnx.export needs the onnx package: pip install -e '.[interop]' (or pip install onnx)"
        ) from error
    return onnx


def _dims(shape: tuple[int, ...], dynamic: Any) -> list[Any]:
    """The shape of a graph input or output, with the dynamic axes named."""
    if isinstance(dynamic, Mapping):
        named = {int(axis) % len(shape): str(name) for axis, name in dynamic.items()}
    else:
        named = {int(axis) % len(shape): f"dim_{int(axis)}" for axis in (dynamic or ())}
    return [named.get(axis, size) for axis, size in enumerate(shape)]


def export(
    model: Any,
    args: Any,
    f: str | os.PathLike | IO[bytes],
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    dynamic_axes: Mapping[str, Any] | None = None,
    opset_version: int = OPSET,
) -> None:
    """Trace `model(*args)` once and write it to `f` as an ONNX model.

    `args` is the example input (a Tensor or a tuple of them);
    `dynamic_axes` maps input and output names to the axes whose size may
    change (`{"input": {0: "batch"}}` or `{"input": [0]}`). An op with no
    ONNX form raises `UnsupportedOperatorError` (a ValueError) naming it.

    Examples
    --------
    >>> import io, nn, autograd_core as ag
    >>> buffer = io.BytesIO()
    >>> nn.onnx.export(nn.Sequential(nn.Linear(3, 2), nn.ReLU()), ag.randn(1, 3), buffer)
    >>> buffer.getvalue()[:2] != b""
    True
    """
    onnx = _import_onnx()
    if opset_version != OPSET:
        raise ValueError(f"onnx.export: only opset_version={OPSET} is supported here")
    inputs = args if isinstance(args, tuple) else (args,)
    if not inputs or not all(isinstance(x, Tensor) for x in inputs):
        raise TypeError("onnx.export: args must be a Tensor or a tuple of Tensors")
    input_names = list(input_names or (["input"] if len(inputs) == 1 else
                                       [f"input_{i}" for i in range(len(inputs))]))  # fmt: skip
    graph = Graph(onnx, model)
    for tensor, name in zip(inputs, input_names):
        graph.name_input(tensor, name)
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with ag.no_grad(), tracing(graph, FUNCTIONAL, PRIMITIVES):
            result = model(*inputs)
    finally:
        for module, training in modes:
            module.training = training
    outputs = result if isinstance(result, (tuple, list)) else (result,)
    output_names = list(output_names or (["output"] if len(outputs) == 1 else
                                         [f"output_{i}" for i in range(len(outputs))]))  # fmt: skip
    dynamic_axes = dict(dynamic_axes or {})
    helper = onnx.helper
    graph_outputs = []
    for tensor, name in zip(outputs, output_names):
        graph.nodes.append(helper.make_node("Identity", [graph.value(tensor)], [name]))
        graph_outputs.append(_value_info(onnx, name, tensor, dynamic_axes.get(name)))
    graph_inputs = [
        _value_info(onnx, name, tensor, dynamic_axes.get(name))
        for tensor, name in zip(inputs, input_names)
    ]
    proto = helper.make_graph(
        graph.nodes, type(model).__name__, graph_inputs, graph_outputs, graph.initializers
    )
    model_proto = helper.make_model(
        proto, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="autograd-core"
    )
    model_proto.ir_version = 8  # the version of onnx 1.13, which onnxruntime 1.14+ reads
    onnx.checker.check_model(model_proto)
    onnx.save(model_proto, f if not isinstance(f, os.PathLike) else os.fspath(f))


def _value_info(onnx: Any, name: str, tensor: Tensor, dynamic: Any) -> Any:
    element = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(tensor.dtype))
    return onnx.helper.make_tensor_value_info(name, element, _dims(tuple(tensor.shape), dynamic))
