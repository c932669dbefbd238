"""Tracing one forward pass into ONNX nodes.

While `tracing(...)` is active, the `nn.functional` functions that have an
ONNX operator of their own (conv2d, max_pool2d, batch_norm, ...) and
`Function.apply`, through which every primitive op runs, are replaced by
recording versions; everything is put back when the block ends, so the
engine's hot path is untouched when not exporting. A functional call is
recorded as one node and the primitives it is made of are not recorded
(a depth counter); primitives called anywhere else (`x + y`, `x.flatten(1)`,
`ag.concatenate`) are recorded one by one. Each recorded call is converted
at once by the converter registered for it in `nn.onnx.ops`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from autograd_core import Tensor
from autograd_core.function import Function
from autograd_core.scope import current_scope


class UnsupportedOperatorError(ValueError):
    """An op met while tracing has no ONNX form (the message names it and its layer)."""


class Graph:
    """The nodes, initializers and value names of the graph being built."""

    def __init__(self, onnx: Any, model: Any) -> None:
        self.onnx, self.helper = onnx, onnx.helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.names: dict[int, str] = {}  # id(tensor) -> its value's name in the graph
        self.keep: list[Any] = []  # every tensor named, so that no id is reused while tracing
        self.constants: dict[int, str] = {}
        self.module_names = {id(m): name for name, m in model.named_modules()}
        self.state_names = {id(t): name for name, t in model.named_parameters()}
        self.state_names.update({id(t): name for name, t in model.named_buffers()})
        self.counter = 0

    # ---------------------------------------------------------------- values

    def unique(self, base: str) -> str:
        self.counter += 1
        return f"{base}_{self.counter}"

    def name_input(self, tensor: Tensor, name: str) -> None:
        self.names[id(tensor)] = name
        self.keep.append(tensor)

    def value(self, x: Any, dtype: Any = None) -> str:
        """The name of `x` in the graph: a traced value, or a new initializer for a constant."""
        if isinstance(x, Tensor) and id(x) in self.names:
            return self.names[id(x)]
        if isinstance(x, Tensor) and id(x) in self.state_names:
            name = self.state_names[id(x)]
            self.initializer(name, np.asarray(x.detach().numpy()))
            self.names[id(x)] = name
            self.keep.append(x)
            return name
        array = np.asarray(x.detach().numpy() if isinstance(x, Tensor) else x, dtype=dtype)
        return self.constant(array, "const")

    def constant(self, array: np.ndarray, base: str) -> str:
        name = self.unique(base)
        self.initializer(name, array)
        return name

    def initializer(self, name: str, array: np.ndarray) -> None:
        self.initializers.append(
            self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name)
        )

    def int64s(self, values: Any, base: str = "shape") -> str:
        return self.constant(np.asarray(values, dtype=np.int64).reshape(-1), base)

    # ----------------------------------------------------------------- nodes

    def node(self, op_type: str, inputs: list[str], output: Any = None, **attributes: Any) -> str:
        """Add one node; `output` (a Tensor) gets its result's name. Returns that name."""
        scope = current_scope()
        prefix = "/" + self.module_names.get(id(scope[-1]), "").replace(".", "/") if scope else ""
        name = self.unique(f"{prefix.rstrip('/')}/{op_type}")
        result = f"{name}_output"
        self.nodes.append(self.helper.make_node(op_type, inputs, [result], name=name, **attributes))
        if output is not None:
            self.names[id(output)] = result
            self.keep.append(output)
        return result

    def alias(self, output: Tensor, source: Any) -> None:
        """`output` is the same value as `source` (no node)."""
        self.names[id(output)] = self.value(source)
        self.keep.append(output)


def _where() -> str:
    """The layer being traced, for error messages."""
    scope = current_scope()
    return f" in {type(scope[-1]).__name__}" if scope else ""


@contextlib.contextmanager
def tracing(
    graph: Graph,
    functional: dict[str, Callable[..., None]],
    primitives: dict[str, Callable[..., None]],
) -> Iterator[None]:
    """Record the functional calls and primitive ops run inside the block into `graph`."""
    depth = [0]
    original_apply = Function.__dict__["apply"]
    # the functions this version of nn.functional has (a converter may await its function)
    originals = {name: getattr(F, name) for name in functional if hasattr(F, name)}

    def traced_apply(cls: type[Function], *inputs: Any, **params: Any) -> Tensor:
        out = original_apply.__func__(cls, *inputs, **params)
        if depth[0] == 0:
            convert = primitives.get(cls.name)
            if convert is None:
                raise UnsupportedOperatorError(
                    f"onnx.export: the op {cls.name!r}{_where()} has no ONNX form here "
                    "(convolution and pooling export through nn.functional or their layers)"
                )
            convert(graph, out, *inputs, **params)
        return out

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def traced(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            try:
                out = function(*args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] == 0:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                functional[name](graph, out, **bound.arguments)
            return out

        return traced

    Function.apply = classmethod(traced_apply)  # type: ignore[method-assign,assignment]
    for name, function in originals.items():
        setattr(F, name, wrap(name, function))
    try:
        yield
    finally:
        Function.apply = original_apply  # type: ignore[method-assign]
        for name, function in originals.items():
            setattr(F, name, function)
