"""Boxing the ops of each module call: qualified names from the model, nested DOT clusters.

`nn.Module.__call__` records the stack of module calls on every node it
creates (`Function.scope`); this module turns those scopes into nested
`cluster_*` subgraphs labelled "qualified.name: Class".
"""

from __future__ import annotations

from typing import Any

from .dot import Digraph
from .walk import Graph, Value


def module_names(model: Any, graph: Graph) -> tuple[dict[int, str], list[Any]]:
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


def param_names(roots: list[Any]) -> dict[int, str]:
    names: dict[int, str] = {}
    for root in roots:
        for name, param in root.named_parameters():
            names.setdefault(id(param), name)
        for name, buffer in root.named_buffers():
            names.setdefault(id(buffer), name)
    return names


def leaf_scope(value: Value, owned: dict[int, set[int]]) -> tuple[Any, ...]:
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
    if len(scopes) == 1 and not tensor.requires_grad and tensor.numel() == 1:
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


def emit_clusters(
    dot: Digraph,
    items: list[tuple[tuple[Any, ...], str, dict[str, str]]],
    module_names: dict[int, str],
) -> None:
    """Put each item in the nested cluster of its scope, building the deepest clusters first."""
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
    built: dict[tuple[int, ...], Digraph] = {}
    for path in sorted(paths, key=lambda p: (-len(p), paths[p][0])):
        number, module = paths[path]
        name = module_names.get(id(module), "")
        label = f"{name}: {type(module).__name__}" if name else type(module).__name__
        cluster = Digraph(name=f"cluster_{number}")
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
