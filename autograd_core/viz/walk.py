"""The walk behind a tensor: every value (a box) and op (an ellipse) in topological order.

Builds on `Tensor.grad_fn` and the `Function` nodes' `.inputs`. An op's node
does not refer to the tensor it made (that would be a reference cycle), but
every tensor in the graph other than the root is some node's input, so all
values are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..tensor import Tensor

if TYPE_CHECKING:
    from ..function import Function


class Value:
    """One tensor value drawn as a box (an op's output may appear as several Tensor objects)."""

    __slots__ = ("consumers", "id", "producer", "tensors")

    def __init__(self, node_id: str, tensor: Tensor, producer: Function | None) -> None:
        self.id = node_id
        self.tensors = [tensor]
        self.producer = producer
        self.consumers: list[Function] = []


class Graph:
    """Values and ops in topological order (inputs first), ids from a counter."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, int, int], Value] = {}
        self.ops: dict[int, tuple[str, Function, list[Value], Value]] = {}
        self.count = 0

    def next_id(self) -> str:
        self.count += 1
        return f"n{self.count - 1}"


def value_key(
    tensor: Tensor, node: Function | None, consumer: Function | None = None
) -> tuple[str, int, int]:
    """The box a tensor is drawn as: one per op output, one per leaf, and one per use of a
    constant the engine shares between ops (a Python number such as the 2 of `x * 2`)."""
    if node is not None:
        return ("out", id(node), 0)
    if tensor._shared_constant:
        return ("constant", id(tensor), id(consumer))
    return ("leaf", id(tensor), 0)


def walk(root: Tensor) -> Graph:
    """Post-order depth-first walk with an explicit stack (graphs can be a million ops deep).

    An op's inputs are taken with the node that made them when the op ran (`producers`):
    a tensor changed in place since then has a newer node.
    """
    graph = Graph()
    started: set[tuple[str, int, int]] = set()
    stack: list[tuple[Tensor, Function | None, bool, Function | None]] = [
        (root, root.grad_fn, False, None)
    ]
    while stack:
        tensor, node, inputs_done, consumer = stack.pop()
        key = value_key(tensor, node, consumer)
        if node is not None and inputs_done:  # every input has its box: the op, its value
            op_id = graph.next_id()
            edges = zip(node.inputs, node.producers)
            inputs = [graph.values[value_key(x, producer, node)] for x, producer in edges]
            for value in inputs:
                value.consumers.append(node)
            out = Value(graph.next_id(), tensor, node)
            graph.values[key] = out
            graph.ops[id(node)] = (op_id, node, inputs, out)
            continue
        if key in started:
            seen = graph.values.get(key)
            if seen is not None and all(t is not tensor for t in seen.tensors):
                seen.tensors.append(tensor)  # another Tensor object for the same op output
            continue
        started.add(key)
        if node is None:
            graph.values[key] = Value(graph.next_id(), tensor, None)
            continue
        stack.append((tensor, node, True, consumer))
        pairs = list(zip(node.inputs, node.producers))
        stack.extend((x, producer, False, node) for x, producer in reversed(pairs))
    return graph
