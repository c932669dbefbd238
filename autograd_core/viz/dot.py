"""A small DOT builder: the text of a directed graph with nested clusters, nothing else needed.

`Digraph` collects nodes, edges, attributes and subgraphs and writes them as
DOT (`.source`), quoting IDs as Graphviz requires. It is what `draw_graph`
returns: `.pipe(format=...)` and the notebook display hand the text to
`render.render`, which uses Graphviz's `dot` program or the embedded
pygraphviz library, whichever is there.
"""

from __future__ import annotations

import re
from typing import Any

from . import render

_ID = re.compile(r"^(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*|-?(?:\.\d+|\d+(?:\.\d*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def quote(text: str) -> str:
    """`text` as a DOT ID: bare when it is one, `<...>` HTML labels as they are, else quoted.

    Examples
    --------
    >>> quote("n0"), quote("0: Linear"), quote("<<b>x</b>>")
    ('n0', '"0: Linear"', '<<b>x</b>>')
    """
    if text.startswith("<") and text.endswith(">"):
        return text
    if _ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attr_list(attrs: dict[str, str], label_first: bool = True) -> str:
    """`label=... a=1 b=2`: the label first (for a node or edge), the rest sorted by name."""
    items = sorted(attrs.items(), key=lambda item: (label_first and item[0] != "label", item[0]))
    return " ".join(f"{quote(key)}={quote(str(value))}" for key, value in items)


class Digraph:
    """A directed graph written as DOT text; in a notebook it shows itself as SVG.

    Examples
    --------
    >>> g = Digraph("g")
    >>> g.edge("a", "b", color="red")
    >>> g.source.splitlines()
    ['digraph g {', '\\ta -> b [color=red]', '}']
    """

    def __init__(
        self,
        name: str = "",
        *,
        graph_attr: dict[str, str] | None = None,
        node_attr: dict[str, str] | None = None,
        edge_attr: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.graph_attr = dict(graph_attr or {})
        self.node_attr = dict(node_attr or {})
        self.edge_attr = dict(edge_attr or {})
        self.body: list[str | Digraph] = []

    def attr(self, **attrs: str) -> None:
        """Set attributes of this graph (or cluster): label, style, colour, ..."""
        self.body.append(_attr_list(attrs, label_first=False))

    def node(self, name: str, **attrs: str) -> None:
        """Add a node with the given attributes."""
        self.body.append(f"{quote(name)} [{_attr_list(attrs)}]" if attrs else quote(name))

    def edge(self, tail: str, head: str, **attrs: str) -> None:
        """Add an edge tail -> head with the given attributes."""
        line = f"{quote(tail)} -> {quote(head)}"
        self.body.append(f"{line} [{_attr_list(attrs)}]" if attrs else line)

    def subgraph(self, graph: Digraph) -> None:
        """Nest `graph` here (a name starting with `cluster_` draws it as a box)."""
        self.body.append(graph)

    def _lines(self, depth: int, keyword: str) -> list[str]:
        indent = "\t" * depth
        head = f"{keyword} {quote(self.name)} {{" if self.name else f"{keyword} {{"
        lines = [indent + head]
        for kind, attrs in (
            ("graph", self.graph_attr),
            ("node", self.node_attr),
            ("edge", self.edge_attr),
        ):
            if attrs:
                lines.append(f"{indent}\t{kind} [{_attr_list(attrs, label_first=False)}]")
        for item in self.body:
            if isinstance(item, Digraph):
                lines.extend(item._lines(depth + 1, "subgraph"))
            else:
                lines.append(f"{indent}\t{item}")
        lines.append(indent + "}")
        return lines

    @property
    def source(self) -> str:
        """The DOT text."""
        return "\n".join(self._lines(0, "digraph")) + "\n"

    def pipe(self, format: str = "svg") -> bytes:
        """The drawing rendered as `format` (svg, png or pdf) bytes; see `render.render`."""
        return render.render(self.source, format)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Inline SVG in Jupyter, or the DOT text with how to get a renderer when none is there."""
        missing = render.missing_renderer_message()
        if missing is not None:
            return {"text/plain": f"{missing}\n\n{self.source}"}
        return {"image/svg+xml": self._repr_svg_(), "text/plain": repr(self)}

    def _repr_svg_(self) -> str:
        return self.pipe("svg").decode("utf-8")

    def __repr__(self) -> str:
        return f"<viz.Digraph {self.name!r}: {len(self.body)} statements>"
