"""Drawing the computation graph with Graphviz: values, ops, gradients and layers.

`draw_graph(t)` walks the graph behind a tensor (its `grad_fn` nodes and their
`inputs`) and returns a `graphviz.Digraph`: one box per tensor value (name,
shape, and for small tensors the data and the gradient) and one ellipse per
op, with edges in the direction data flows (inputs -> op -> output). In a
notebook the Digraph shows itself as inline SVG; `.source` is the DOT text
(no Graphviz program needed); `save(graph, "graph.svg")` writes a file.

Two views help with large graphs. `cluster_modules=True` boxes the ops of each
module call (the `scope` that `nn.Module.__call__` records on every node), so
a LeNet draws as its layers. `grad_flow=True` colours and thickens every edge
by the mean |grad| of the tensor on it, on a log scale with a legend, so
vanishing gradients show at a glance; `trace_grads(loss)` runs backward and
keeps every intermediate gradient for it.

Builds on `Tensor` (`.grad_fn`, `.grad`, `.name`, `.retain_grad()`) and on the
`Function` nodes (`.name`, `.inputs`, `.scope`). An op's node does not refer
to the tensor it made (that would be a reference cycle), but every tensor in
the graph other than the root is some node's input, so all values are known.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import get_default_dtype
from .tensor import Tensor

if TYPE_CHECKING:
    import graphviz

    from .function import Function

SMALL_SIZE = 4  # tensors with at most this many elements show their data and grad
GRAD_RANGE = (1e-8, 1.0)  # mean |grad| mapped to the palest/thinnest and darkest/thickest edge
_PENWIDTH = (0.4, 6.0)
_RAMP = ((255, 237, 160), (254, 178, 76), (240, 59, 32), (128, 0, 38))  # pale yellow -> dark red
_UNKNOWN_EDGE = {"color": "#b0b0b0", "style": "dashed", "penwidth": "0.8"}
_FILL = {"param": "#dbeafe", "const": "#eeeeee", "inner": "#ffffff", "root": "#dcfce7"}
_INSTALL_HINT = (
    "install the Graphviz programs (not only the Python package): "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install -c conda-forge graphviz`; or save to .dot/.gv, which needs no Graphviz"
)
_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


# ------------------------------------------------------------------ the walk


class _Value:
    """One tensor value drawn as a box (an op's output may appear as several Tensor objects)."""

    __slots__ = ("consumers", "id", "producer", "tensors")

    def __init__(self, node_id: str, tensor: Tensor, producer: Function | None) -> None:
        self.id = node_id
        self.tensors = [tensor]
        self.producer = producer
        self.consumers: list[Function] = []


class _Graph:
    """Values and ops in topological order (inputs first), ids from a counter."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, int], _Value] = {}
        self.ops: dict[int, tuple[str, Function, list[_Value], _Value]] = {}
        self.count = 0

    def next_id(self) -> str:
        self.count += 1
        return f"n{self.count - 1}"


def _key(tensor: Tensor) -> tuple[str, int]:
    node = tensor.grad_fn
    return ("out", id(node)) if node is not None else ("leaf", id(tensor))


def _walk(root: Tensor) -> _Graph:
    """Post-order depth-first walk with an explicit stack (graphs can be a million ops deep)."""
    graph = _Graph()
    started: set[tuple[str, int]] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        tensor, inputs_done = stack.pop()
        key = _key(tensor)
        node = tensor.grad_fn
        if inputs_done:  # every input has its box: now the op and the value it made
            op_id = graph.next_id()
            inputs = [graph.values[_key(x)] for x in node.inputs]
            for value in inputs:
                value.consumers.append(node)
            out = _Value(graph.next_id(), tensor, node)
            graph.values[key] = out
            graph.ops[id(node)] = (op_id, node, inputs, out)
            continue
        if key in started:
            value = graph.values.get(key)
            if value is not None and all(t is not tensor for t in value.tensors):
                value.tensors.append(tensor)  # another Tensor object for the same op output
            continue
        started.add(key)
        if node is None:
            graph.values[key] = _Value(graph.next_id(), tensor, None)
            continue
        stack.append((tensor, True))
        stack.extend((x, False) for x in reversed(node.inputs))
    return graph


# ------------------------------------------------------------------ labels


def _fmt_array(data: Any, precision: int) -> str:
    array = np.asarray(data)
    if array.dtype.kind == "f":
        text = np.array2string(
            array, separator=", ", formatter={"float_kind": lambda v: f"{v:.{precision}g}"}
        )
    else:
        text = np.array2string(array, separator=", ")
    return " ".join(text.split())  # one line


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "scalar" if shape == () else str(tuple(shape))


def _grad_of(value: _Value) -> Tensor | None:
    for tensor in value.tensors:
        if tensor.grad is not None:
            return tensor.grad
    return None


def _mean_abs(grad: Tensor | None) -> float | None:
    if grad is None:
        return None
    return float(np.mean(np.abs(np.asarray(grad.data, dtype=np.float64))))


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


def _value_label(
    value: _Value,
    name: str | None,
    show_values: bool,
    show_grads: bool,
    precision: int,
    fill: str,
) -> str:
    tensor = value.tensors[0]
    cells = []
    if name:
        cells.append(f"<b>{html.escape(name)}</b>")
    shape = _fmt_shape(tensor.shape)
    if tensor.dtype != get_default_dtype():
        shape += f" {tensor.dtype}"
    cells.append(shape)
    small = tensor.size <= SMALL_SIZE
    if show_values and small:
        cells.append("data " + html.escape(_fmt_array(tensor.data, precision)))
    grad = _grad_of(value) if show_grads else None
    if grad is not None and small:
        cells.append("grad " + html.escape(_fmt_array(grad.data, precision)))
    elif grad is not None:
        cells.append(f"mean|grad| {_mean_abs(grad):.{precision}g}")
    row = "".join(f"<td>{cell}</td>" for cell in cells)
    table = f'<table border="0" cellborder="1" cellspacing="0" cellpadding="3" bgcolor="{fill}">'
    return f"<{table}<tr>{row}</tr></table>>"


# ------------------------------------------------------------------ gradient colours


def _grad_position(magnitude: float) -> float:
    """Where a mean |grad| sits on the GRAD_RANGE log scale: 0 (smallest) to 1 (largest)."""
    lo, hi = (math.log10(v) for v in GRAD_RANGE)
    if magnitude <= 0.0:
        return 0.0
    return min(1.0, max(0.0, (math.log10(magnitude) - lo) / (hi - lo)))


def _ramp_colour(t: float) -> str:
    scaled = t * (len(_RAMP) - 1)
    i = min(int(scaled), len(_RAMP) - 2)
    frac = scaled - i
    rgb = (round(a + (b - a) * frac) for a, b in zip(_RAMP[i], _RAMP[i + 1]))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _grad_edge_attrs(magnitude: float | None) -> dict[str, str]:
    if magnitude is None:
        return dict(_UNKNOWN_EDGE, tooltip="gradient not kept")
    t = _grad_position(magnitude)
    width = _PENWIDTH[0] + (_PENWIDTH[1] - _PENWIDTH[0]) * t
    return {
        "color": _ramp_colour(t),
        "penwidth": f"{width:.2f}",
        "tooltip": f"mean |grad| {magnitude:.3g}",
    }


def _legend() -> str:
    lo, hi = (round(math.log10(v)) for v in GRAD_RANGE)
    step = max(1, (hi - lo) // 4)
    cells = []
    for exponent in range(lo, hi + 1, step):
        colour = _ramp_colour(_grad_position(10.0**exponent))
        ink = "#ffffff" if _grad_position(10.0**exponent) > 0.6 else "#000000"
        cells.append(f'<td bgcolor="{colour}"><font color="{ink}">1e{exponent}</font></td>')
    cells.append('<td bgcolor="#ffffff"><font color="#808080">- - not kept</font></td>')
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
        f'<tr><td colspan="{len(cells)}">mean |grad| on each edge (log scale)</td></tr>'
        f"<tr>{''.join(cells)}</tr></table>>"
    )


# ------------------------------------------------------------------ clusters


def _module_names(model: Any, graph: _Graph) -> tuple[dict[int, str], list[Any]]:
    """Qualified module names from `model`, or else from the outermost modules in the graph."""
    roots = [model] if model is not None else []
    if model is None:
        for _, node, _, _ in graph.ops.values():
            if node.scope and all(node.scope[0] is not r for r in roots):
                roots.append(node.scope[0])
    names: dict[int, str] = {}
    for root in roots:
        for name, module in root.named_modules():
            names.setdefault(id(module), name)
    return names, roots


def _param_names(roots: list[Any]) -> dict[int, str]:
    names: dict[int, str] = {}
    for root in roots:
        for name, param in root.named_parameters():
            names.setdefault(id(param), name)
        for name, buffer in root.named_buffers():
            names.setdefault(id(buffer), name)
    return names


def _leaf_scope(value: _Value, owned: dict[int, set[int]]) -> tuple[Any, ...]:
    """The module call a leaf belongs in: the deepest common scope of its consumers that owns
    it (a parameter or buffer), or its only consumer's scope for a scalar constant."""
    scopes = [node.scope for node in value.consumers]
    if not scopes:
        return ()
    common = scopes[0]
    for scope in scopes[1:]:
        n = 0
        while n < min(len(common), len(scope)) and common[n] is scope[n]:
            n += 1
        common = common[:n]
    tensor = value.tensors[0]
    if len(scopes) == 1 and not tensor.requires_grad and tensor.size == 1:
        return common
    for depth in range(len(common), 0, -1):
        module = common[depth - 1]
        if id(module) not in owned:
            members = owned[id(module)] = set()
            for getter in ("parameters", "buffers"):
                if hasattr(module, getter):
                    members.update(id(t) for t in getattr(module, getter)())
        if id(tensor) in owned[id(module)]:
            return common[:depth]
    return ()


# ------------------------------------------------------------------ the drawing


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
) -> graphviz.Digraph:
    """Draw the computation graph that produced `tensor`, as a `graphviz.Digraph`.

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
    import graphviz

    if not isinstance(tensor, Tensor):
        raise TypeError(f"draw_graph: expected a Tensor, got {type(tensor).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    tensor_names = _resolve_names(names)
    graph = _walk(tensor)
    if graph.count > max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {graph.count} nodes ({len(graph.values)} tensors and "
            f"{len(graph.ops)} ops), more than max_nodes={max_nodes}; pass a larger max_nodes "
            "or draw a sub-expression (a smaller model, a smaller batch, or an intermediate "
            "tensor instead of the loss)"
        )
    module_names, roots = _module_names(model, graph)
    param_names = _param_names(roots)

    def name_of(value: _Value) -> str | None:
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
            scope = _leaf_scope(value, owned) if cluster_modules else ()
            role = "param" if value.tensors[0].requires_grad else "const"
        else:
            scope = value.producer.scope if cluster_modules else ()
            role = "root" if value.tensors[0] is tensor else "inner"
        label = _value_label(value, name_of(value), show_values, show_grads, precision, _FILL[role])
        items.append((scope, value.id, {"label": label, "shape": "plaintext", "margin": "0"}))
    for op_id, node, _, _ in graph.ops.values():
        scope = node.scope if cluster_modules else ()
        attrs = {"label": node.name, "style": "filled", "fillcolor": "#fff7e0"}
        items.append((scope, op_id, attrs))
    items.sort(key=lambda item: int(item[1][1:]))  # topological order: n0, n1, ...

    dot = graphviz.Digraph(
        "autograd_graph",
        graph_attr={"rankdir": rankdir, "fontsize": "11", "nodesep": "0.25"},
        node_attr={"shape": "ellipse", "fontsize": "10"},
        edge_attr={"arrowsize": "0.6"},
    )
    _emit_clusters(dot, items, module_names)

    for op_id, _, inputs, out in graph.ops.values():
        for value in inputs:
            attrs = _grad_edge_attrs(_mean_abs(_grad_of(value))) if grad_flow else {}
            dot.edge(value.id, op_id, **attrs)
        attrs = _grad_edge_attrs(_mean_abs(_grad_of(out))) if grad_flow else {}
        dot.edge(op_id, out.id, **attrs)
    if grad_flow:
        dot.node("grad_legend", label=_legend(), shape="plaintext", style="")
    return dot


def _emit_clusters(
    dot: graphviz.Digraph,
    items: list[tuple[tuple[Any, ...], str, dict[str, str]]],
    module_names: dict[int, str],
) -> None:
    """Put each item in the nested cluster of its scope, building the deepest clusters first."""
    import graphviz

    paths: dict[tuple[int, ...], tuple[int, Any]] = {}  # path -> (cluster number, module)
    members: dict[tuple[int, ...], list[tuple[str, dict[str, str]]]] = {(): []}
    children: dict[tuple[int, ...], list[tuple[int, ...]]] = {(): []}
    for scope, node_id, attrs in items:
        path: tuple[int, ...] = ()
        for module in scope:  # register every enclosing cluster, outermost first
            parent, path = path, (*path, id(module))
            if path not in paths:
                paths[path] = (len(paths), module)
                members[path] = []
                children[path] = []
                children[parent].append(path)
        members[path].append((node_id, attrs))

    rank = {module_id: i for i, module_id in enumerate(module_names)}  # the model's own order
    for siblings in children.values():
        siblings.sort(key=lambda p: (rank.get(p[-1], len(rank)), paths[p][0]))
    built: dict[tuple[int, ...], graphviz.Digraph] = {}
    for path in sorted(paths, key=lambda p: (-len(p), paths[p][0])):
        number, module = paths[path]
        name = module_names.get(id(module), "")
        label = f"{name}: {type(module).__name__}" if name else type(module).__name__
        cluster = graphviz.Digraph(name=f"cluster_{number}")
        cluster.attr(label=label, style="rounded,filled", fillcolor="#f7f7fb", color="#9090b0")
        for child in children[path]:
            cluster.subgraph(built.pop(child))
        for node_id, attrs in members[path]:
            cluster.node(node_id, **attrs)
        built[path] = cluster
    for child in children[()]:
        dot.subgraph(built.pop(child))
    for node_id, attrs in members[()]:
        dot.node(node_id, **attrs)


# ------------------------------------------------------------------ gradients and files


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
    graph = _walk(tensor)
    for value in graph.values.values():
        for t in value.tensors:
            if t.grad_fn is not None:
                t.retain_grad()
    before = tensor.grad
    tensor.backward(gradient, retain_graph=retain_graph)
    if tensor.grad_fn is not None and tensor.grad is before:
        # NOTE: the engine hands the seed to the root's node, not to the root's .grad.
        seed = np.ones_like(tensor.data) if gradient is None else np.asarray(gradient)
        seed_tensor = Tensor(np.array(seed, dtype=tensor.dtype))
        tensor.grad = seed_tensor if before is None else before + seed_tensor
    return tensor


def save(graph: graphviz.Digraph, path: str | Path) -> Path:
    """Write a drawing to `path`; the suffix picks the format (.svg .png .pdf .dot .gv).

    .dot/.gv write the DOT text and need nothing else; the others run
    Graphviz's `dot` program and raise RuntimeError saying how to install it
    when it is missing.

    Examples
    --------
    >>> import tempfile, autograd_core as ag
    >>> graph = draw_graph(ag.tensor(1.0, requires_grad=True) * 2)
    >>> save(graph, tempfile.mkdtemp() + "/g.dot").suffix
    '.dot'
    """
    import graphviz

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
        data = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        raise RuntimeError(
            f"viz.save: writing {path.name} needs Graphviz's `dot` program, which was not "
            f"found on PATH; {_INSTALL_HINT}"
        ) from error
    path.write_bytes(data)
    return path
