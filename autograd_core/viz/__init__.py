"""Drawing the computation graph: values, ops, gradients and layers, rendered with Graphviz.

`draw_graph(t)` walks the graph behind a tensor (its `grad_fn` nodes and their
`inputs`) and returns a `Digraph`: one box per tensor value (name, shape, and
for small tensors the data and the gradient) and one ellipse per op, with edges
in the direction data flows (inputs -> op -> output). `.source` is the DOT text
and needs nothing but numpy; in a notebook the Digraph shows itself as inline
SVG and `save(graph, "graph.svg")` writes a file, both rendered by Graphviz's
`dot` program when it is on PATH, else in-process by pygraphviz (pip-installed
with the `demo` and `dev` extras).

Two views help with large graphs. `cluster_modules=True` boxes the ops of each
module call (the `scope` that `nn.Module.__call__` records on every node), so
a LeNet draws as its layers. `grad_flow=True` colours and thickens every edge
by the mean |grad| of the tensor on it, on a log scale with a legend, so
vanishing gradients show at a glance; `trace_grads(loss)` runs backward and
keeps every intermediate gradient for it.

The parts: `walk` (the values and ops), `labels` (box labels, edge colours),
`clusters` (module boxes), `dot` (the DOT text), `render` (SVG, PNG, PDF).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import clusters, render
from .clusters import emit_clusters, leaf_scope
from .dot import Digraph
from .labels import GRAD_RANGE, SMALL_SIZE, grad_edge_attrs, grad_of, legend, mean_abs, value_label
from .walk import Value, walk

__all__ = ["GRAD_RANGE", "SMALL_SIZE", "Digraph", "draw_graph", "save", "trace_grads"]

_FILL = {"param": "#dbeafe", "const": "#eeeeee", "inner": "#ffffff", "root": "#dcfce7"}
_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


def _resolve_names(names: Mapping[Any, Any] | None) -> dict[int, str]:
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError(
            f"draw_graph: names must be a mapping {{tensor: 'x'}} or {{'x': tensor}}, "
            f"got {type(names).__name__}"
        )
    resolved: dict[int, str] = {}
    for key, item in names.items():
        if isinstance(key, Tensor) and isinstance(item, str):
            resolved[id(key)] = item
        elif isinstance(key, str) and isinstance(item, Tensor):
            resolved[id(item)] = key
        else:
            raise TypeError(
                "draw_graph: names must map tensors to str (or str to tensors), got an item "
                f"{type(key).__name__} -> {type(item).__name__}"
            )
    return resolved


def draw_graph(
    tensor: Tensor,
    *,
    show_values: bool = True,
    show_grads: bool = True,
    rankdir: str = "LR",
    names: Mapping[Any, Any] | None = None,
    model: Any = None,
    max_nodes: int = 500,
    cluster_modules: bool = True,
    grad_flow: bool = False,
    precision: int = 4,
) -> Digraph:
    """Draw the computation graph that produced `tensor`, as a `Digraph`.

    Each tensor is a box with its name (from `.name`, from `names`, or the
    qualified parameter name in `model`), its shape (and dtype if not the
    default float dtype) and, for tensors of at most `SMALL_SIZE` elements,
    its data and gradient (larger ones show mean |grad|). Each op is an
    ellipse labelled with its name. Leaves keep `.grad` after backward;
    intermediate tensors only if `t.retain_grad()` was called before it (or
    use `trace_grads`). With `cluster_modules`, the ops of each module call
    are boxed and labelled "qualified.name: Class" (names come from `model`,
    or else from the outermost modules called; a module called twice draws as
    one box). `grad_flow` colours and thickens edges by mean |grad| on a log
    scale from `GRAD_RANGE[0]` to `GRAD_RANGE[1]` and adds a legend; edges
    whose gradient was not kept are grey and dashed.

    Raises ValueError when the graph has more than `max_nodes` boxes and
    ellipses together.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor(-2.0, requires_grad=True, name="x")
    >>> "data -2" in draw_graph(x * 3).source
    True
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"draw_graph: expected a Tensor, got {type(tensor).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    tensor_names = _resolve_names(names)
    graph = walk(tensor)
    if graph.count > max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {graph.count} nodes ({len(graph.values)} tensors and "
            f"{len(graph.ops)} ops), more than max_nodes={max_nodes}; pass a larger max_nodes "
            "or draw a sub-expression (a smaller model, a smaller batch, or an intermediate "
            "tensor instead of the loss)"
        )
    module_names, roots = clusters.module_names(model, graph)
    param_names = clusters.param_names(roots)

    def name_of(value: Value) -> str | None:
        for t in value.tensors:
            if id(t) in tensor_names:
                return tensor_names[id(t)]
        for t in value.tensors:
            if t.name:
                return t.name
        return param_names.get(id(value.tensors[0]))

    # Every box and ellipse as (scope, DOT statement), in topological order.
    owned: dict[int, set[int]] = {}
    items: list[tuple[tuple[Any, ...], str, dict[str, str]]] = []
    for value in graph.values.values():
        if value.producer is None:
            scope = leaf_scope(value, owned) if cluster_modules else ()
            role = "param" if value.tensors[0].requires_grad else "const"
        else:
            scope = value.producer.scope if cluster_modules else ()
            role = "root" if value.tensors[0] is tensor else "inner"
        label = value_label(value, name_of(value), show_values, show_grads, precision, _FILL[role])
        items.append((scope, value.id, {"label": label, "shape": "plaintext", "margin": "0"}))
    for op_id, node, _, _ in graph.ops.values():
        scope = node.scope if cluster_modules else ()
        attrs = {"label": node.name, "style": "filled", "fillcolor": "#fff7e0"}
        items.append((scope, op_id, attrs))
    items.sort(key=lambda item: int(item[1][1:]))  # topological order: n0, n1, ...

    drawing = Digraph(
        "autograd_graph",
        graph_attr={"rankdir": rankdir, "fontsize": "11", "nodesep": "0.25"},
        node_attr={"shape": "ellipse", "fontsize": "10"},
        edge_attr={"arrowsize": "0.6"},
    )
    emit_clusters(drawing, items, module_names)

    for op_id, _, inputs, out in graph.ops.values():
        for value in inputs:
            attrs = grad_edge_attrs(mean_abs(grad_of(value))) if grad_flow else {}
            drawing.edge(value.id, op_id, **attrs)
        attrs = grad_edge_attrs(mean_abs(grad_of(out))) if grad_flow else {}
        drawing.edge(op_id, out.id, **attrs)
    if grad_flow:
        drawing.node("grad_legend", label=legend(), shape="plaintext", style="")
    return drawing


def trace_grads(tensor: Tensor, gradient: Any = None, *, retain_graph: bool = False) -> Tensor:
    """Run `tensor.backward(gradient)` keeping the gradient of every intermediate tensor.

    Calls `retain_grad()` on each tensor in the graph that requires grad, runs
    backward, and gives `tensor` its own gradient (the seed), so that
    `draw_graph(..., grad_flow=True)` can colour every edge. Leaves
    accumulate into `.grad` as with any backward. Returns `tensor`.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.tensor(3.0, requires_grad=True)
    >>> q = x * x
    >>> _ = trace_grads(q + 1); q.grad
    tensor(1.)
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"trace_grads: expected a Tensor, got {type(tensor).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError("trace_grads: the tensor does not require grad (no graph to trace)")
    graph = walk(tensor)
    for value in graph.values.values():
        for t in value.tensors:
            if t.grad_fn is not None:
                t.retain_grad()
    before = tensor.grad
    tensor.backward(gradient, retain_graph=retain_graph)
    if tensor.grad_fn is not None and tensor.grad is before:
        # NOTE: the engine hands the seed to the root's node, not to the root's .grad.
        seed = np.ones_like(tensor._data) if gradient is None else np.asarray(gradient)
        seed_tensor = Tensor(np.array(seed, dtype=tensor.dtype))
        tensor.grad = seed_tensor if before is None else before + seed_tensor
    return tensor


def save(graph: Digraph, path: str | Path) -> Path:
    """Write a drawing to `path`; the suffix picks the format (.svg .png .pdf .dot .gv).

    .dot/.gv write the DOT text and need nothing else; the others are
    rendered by `render` (Graphviz's `dot` program, else pygraphviz), which
    raises RuntimeError saying how to install one when neither is there.

    Examples
    --------
    >>> import tempfile, autograd_core as ag
    >>> graph = draw_graph(ag.tensor(1.0, requires_grad=True) * 2)
    >>> save(graph, tempfile.mkdtemp() + "/g.dot").suffix
    '.dot'
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"viz.save: cannot tell the format of {str(path)!r} from its suffix "
            f"{path.suffix!r}; use one of {', '.join(_FORMATS)}"
        )
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
        return path
    try:
        data = render.render(graph.source, fmt)
    except RuntimeError as error:
        raise RuntimeError(f"viz.save: cannot write {path.name}: {error}") from error
    path.write_bytes(data)
    return path
