"""Tests of autograd_core.viz: the DOT text of small graphs, clusters, gradient flow, files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core import viz

NODE = re.compile(r"^\s*(n\d+) \[label=(.*)\]$")
EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)(?: \[(.*)\])?$")


def parse(source: str) -> tuple[dict[str, str], list[tuple[str, str, str]], dict[str, str]]:
    """Node id -> label, edges (tail, head, attrs), node id -> innermost cluster label."""
    nodes, edges, cluster_of = {}, [], {}
    stack: list[str] = []
    for line in source.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            stack.append("")
        elif stack and re.match(r"^\s*(color|label)=.*label=", line):
            stack[-1] = re.search(r'label="?([^"\]]*?)"? style=', line).group(1)
        elif line.strip() == "}" and stack:
            stack.pop()
        elif match := NODE.match(line):
            attrs = match.group(2)  # an HTML label <...</table>> or one word, then the rest
            end = attrs.index("</table>>") + 9 if attrs.startswith("<") else attrs.find(" ")
            nodes[match.group(1)] = attrs if end < 0 else attrs[:end]
            if stack:
                cluster_of[match.group(1)] = stack[-1]
        elif match := EDGE.match(line):
            edges.append((match.group(1), match.group(2), match.group(3) or ""))
    return nodes, edges, cluster_of


def node_named(nodes: dict[str, str], name: str) -> str:
    found = [i for i, label in nodes.items() if f"<b>{name}</b>" in label]
    assert len(found) == 1, (name, found)
    return found[0]


def lecture():
    x, y, z = (ag.tensor(v, requires_grad=True, name=n) for n, v in zip("xyz", (-2.0, 5.0, -4.0)))
    q = x + y
    q.retain_grad()
    f = q * z
    f.backward()
    return x, y, z, q, f


# ------------------------------------------------------------------ small expressions


def test_draw_graph_lecture_example_shows_values_and_grads():
    x, y, z, q, f = lecture()
    nodes = parse(viz.draw_graph(f, names={q: "q", "f": f}).source)[0]
    assert len(nodes) == 7  # x, y, z, q, f and the ops add, mul
    assert sorted(label for label in nodes.values() if "<" not in label) == ["add", "mul"]
    xv, yv, zv = x.item(), y.item(), z.item()
    expected = {  # value, gradient of f = (x + y) z
        "x": (xv, zv),
        "y": (yv, zv),
        "z": (zv, xv + yv),
        "q": (xv + yv, zv),
        "f": ((xv + yv) * zv, None),
    }
    for name, (value, grad) in expected.items():
        label = nodes[node_named(nodes, name)]
        assert f"data {value:g}<" in label
        assert "scalar" in label
        if grad is None:
            assert "grad" not in label  # the root's .grad is not set by backward
        else:
            assert f"grad {grad:g}<" in label


def test_draw_graph_edges_flow_from_inputs_to_op_to_output():
    *_, f = lecture()
    nodes, edges, _ = parse(viz.draw_graph(f).source)
    ident = {name: node_named(nodes, name) for name in "xyz"}
    add = next(i for i, label in nodes.items() if label == "add")
    mul = next(i for i, label in nodes.items() if label == "mul")
    q = next(head for tail, head, _ in edges if tail == add)
    out = next(head for tail, head, _ in edges if tail == mul)
    assert sorted((t, h) for t, h, _ in edges) == sorted(
        [(ident["x"], add), (ident["y"], add), (add, q), (q, mul), (ident["z"], mul), (mul, out)]
    )
    assert "data -12" in nodes[out]


def test_draw_graph_is_deterministic():
    first = viz.draw_graph(lecture()[-1]).source
    f = lecture()[-1]
    assert viz.draw_graph(f).source == viz.draw_graph(f).source == first
    ids = [int(i[1:]) for i in parse(first)[0]]
    assert sorted(ids) == list(range(len(ids)))  # a counter, in visit order


def test_draw_graph_fan_out_draws_one_box_per_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x * x + x
    nodes, edges, _ = parse(viz.draw_graph(y).source)
    xid = node_named(nodes, "x")
    assert len(nodes) == 5  # x, mul, x*x, add, y
    assert sum(tail == xid for tail, _, _ in edges) == 3  # twice into mul, once into add


def test_draw_graph_hides_data_of_large_tensors_and_shows_dtype():
    a = ag.tensor(np.arange(5.0), requires_grad=True, name="a")  # float64: not the default
    b = ag.tensor([1.0, 2.0], requires_grad=True, name="b")
    (a.sum() * b).sum().backward()
    nodes, _, _ = parse(viz.draw_graph(a.sum() * b, show_values=True).source)
    la, lb = nodes[node_named(nodes, "a")], nodes[node_named(nodes, "b")]
    assert "(5,)" in la and "float64" in la and "data" not in la
    assert f"mean|grad| {np.mean(np.abs(a.grad.detach().numpy())):.4g}" in la
    assert "data [1, 2]" in lb and "float32" not in lb
    assert "grad [10, 10]" in lb
    hidden, _, _ = parse(viz.draw_graph(a.sum() * b, show_values=False, show_grads=False).source)
    assert not any("data " in label or "grad" in label for label in hidden.values())


def test_draw_graph_precision_rounds_values():
    x = ag.tensor(1.0 / 3.0, requires_grad=True, name="x")
    nodes, _, _ = parse(viz.draw_graph(x * 2, precision=3).source)
    assert "data 0.333<" in nodes[node_named(nodes, "x")]


def test_draw_graph_names_parameters_from_model():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    out = model(ag.randn(5, 3)).sum()
    nodes, _, _ = parse(viz.draw_graph(out, model=model).source)
    for name, _ in model.named_parameters():
        node_named(nodes, name)


def test_draw_graph_rejects_bad_arguments():
    x = ag.tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match="names"):
        viz.draw_graph(x * 2, names={x: 3})
    with pytest.raises(TypeError, match="names"):
        viz.draw_graph(x * 2, names=[("x", x)])
    with pytest.raises(TypeError, match="Tensor"):
        viz.draw_graph(np.ones(2))
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_graph(x * 2, rankdir="sideways")


def test_draw_graph_max_nodes_raises_with_count():
    x = ag.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(300):
        y = y * 1.0001
    # x, then per multiply: a constant, the op, its output
    with pytest.raises(ValueError, match=r"has 901 nodes.*max_nodes=500.*sub-expression"):
        viz.draw_graph(y)
    assert len(parse(viz.draw_graph(y, max_nodes=901).source)[0]) == 901


def test_draw_graph_deep_chain_needs_no_recursion():
    x = ag.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(3000):  # deeper than Python's recursion limit
        y = ag.tanh(y)
    nodes, edges, _ = parse(viz.draw_graph(y, max_nodes=10_000).source)
    assert len(nodes) == 6001 and len(edges) == 6000


# ------------------------------------------------------------------ module clusters


def test_draw_graph_clusters_one_per_layer_with_name_and_class():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    out = model(ag.randn(5, 3)).sum()
    source = viz.draw_graph(out, model=model).source
    nodes, edges, cluster_of = parse(source)
    expected = {f"{name}: {type(m).__name__}" for name, m in model.named_modules() if name}
    assert expected | {"Sequential"} == set(cluster_of.values()) | {"Sequential"}
    assert source.count("subgraph cluster_") == len(expected) + 1  # the layers and the model
    # each weight sits in its layer's cluster, next to the op that uses it
    for name in ("0", "2"):
        weight = node_named(nodes, f"{name}.weight")
        assert cluster_of[weight] == f"{name}: Linear"
        consumer = next(head for tail, head, _ in edges if tail == weight)
        assert cluster_of[consumer] == f"{name}: Linear"
    relu = next(i for i, label in nodes.items() if label == "relu")
    assert cluster_of[relu] == "1: ReLU"
    assert "sum" in [nodes[i] for i in nodes if i not in cluster_of]  # outside the model
    assert "subgraph" not in viz.draw_graph(out, model=model, cluster_modules=False).source


def test_draw_graph_clusters_cnn_layers_nested():
    model = nn.Sequential()
    model.add_module(
        "features", nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
    )
    model.add_module("classifier", nn.Linear(2 * 3 * 3, 3))
    loss = nn.CrossEntropyLoss()(model(ag.randn(1, 1, 8, 8)), ag.tensor([1]))
    source = viz.draw_graph(loss, model=model).source
    nodes, _, cluster_of = parse(source)
    leaves = [(n, m) for n, m in model.named_modules() if not list(m.children())]
    for name, module in leaves:
        assert f"{name}: {type(module).__name__}" in cluster_of.values()
    assert "features.0: Conv2d" in cluster_of.values()
    assert cluster_of[node_named(nodes, "features.0.weight")] == "features.0: Conv2d"
    assert "CrossEntropyLoss" in cluster_of.values()
    # features.0 is drawn inside features, inside the model
    inner = source.index('label="features.0: Conv2d"')
    assert source.rfind('label="features: Sequential"', 0, inner) > source.rfind(
        "label=Sequential", 0, inner
    )


# ------------------------------------------------------------------ gradient flow


def mlp(activation, batch_norm: bool, depth: int = 10, width: int = 16) -> nn.Sequential:
    layers = []
    for i in range(depth):
        layers.append(nn.Linear(8 if i == 0 else width, width))
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(activation())
    return nn.Sequential(*layers, nn.Linear(width, 1))


def weight_edge(source: str, name: str) -> dict[str, str]:
    nodes, edges, _ = parse(source)
    attrs = next(a for tail, _, a in edges if tail == node_named(nodes, name))
    return dict(re.findall(r'(\w+)="?([^" ]+(?: \|grad\| [^"]+)?)"?', attrs))


def test_draw_graph_grad_flow_shows_vanishing_gradients_in_sigmoid_net():
    ag.manual_seed(0)
    x = ag.randn(32, 8)
    drawn = {}
    for kind, model in (
        ("sigmoid", mlp(nn.Sigmoid, False)),
        ("relu", mlp(nn.ReLU, True)),
    ):
        loss = (model(x) ** 2).mean()
        viz.trace_grads(loss)
        source = viz.draw_graph(loss, model=model, grad_flow=True, max_nodes=1000).source
        last = f"{len(model) - 1}.weight"
        drawn[kind] = (
            np.abs(model[0].weight.grad.detach().numpy()).mean(),
            weight_edge(source, "0.weight"),
            weight_edge(source, last),
        )
        assert "mean |grad| on each edge" in source  # the legend
    (sig_grad, sig_first, sig_last), (relu_grad, relu_first, _) = drawn["sigmoid"], drawn["relu"]
    assert sig_grad < 1e-3 * relu_grad  # the premise: gradients vanish through 10 sigmoids
    assert float(sig_first["penwidth"]) < float(relu_first["penwidth"])
    assert float(sig_first["penwidth"]) < float(sig_last["penwidth"])
    # paler: the colour ramp goes from light to dark, so the first layer's colour is lighter
    assert sum(bytes.fromhex(sig_first["color"][1:])) > sum(bytes.fromhex(relu_first["color"][1:]))


def test_draw_graph_grad_flow_marks_unknown_gradients():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * 3).sum()
    nodes, edges, _ = parse(viz.draw_graph(y, grad_flow=True).source)
    assert all("dashed" in attrs for _, _, attrs in edges)  # no backward yet
    y.backward()
    nodes, edges, _ = parse(viz.draw_graph(y, grad_flow=True).source)
    xid = node_named(nodes, "x")
    assert [("penwidth" in a, "dashed" in a) for t, _, a in edges if t == xid] == [(True, False)]


def test_trace_grads_keeps_every_intermediate_gradient():
    x, y, z = (ag.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    q = x + y
    f = q * z
    assert viz.trace_grads(f) is f
    assert q.grad.item() == z.item() and f.grad.item() == 1.0
    assert (x.grad.item(), z.grad.item()) == (z.item(), x.item() + y.item())
    with pytest.raises(RuntimeError, match="does not require grad"):
        viz.trace_grads(ag.tensor(1.0) * 2)


# ------------------------------------------------------------------ output files


def small_graph():
    return viz.draw_graph(lecture()[-1])


@pytest.fixture(params=["dot", "pygraphviz"])
def renderer(request, monkeypatch):
    """Each renderer in turn: the `dot` program (only where it is installed) or pygraphviz alone."""
    if request.param == "dot":
        if viz.render.find_dot() is None:
            pytest.skip("Graphviz's dot program is not on PATH: `apt-get install graphviz`")
    else:
        pytest.importorskip("pygraphviz", reason="the embedded renderer: pip install pygraphviz")
        monkeypatch.setattr(viz.render, "find_dot", lambda: None)
    assert viz.render.renderer() == request.param
    return request.param


def no_renderer(monkeypatch):
    monkeypatch.setattr(viz.render, "find_dot", lambda: None)
    monkeypatch.setattr(viz.render, "load_pygraphviz", lambda: None)


def svg_structure(svg: bytes) -> tuple[list[str], list[str]]:
    """The node and edge titles of an SVG drawing, as Graphviz writes them."""
    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg)
    titles = {}
    for kind in ("node", "edge"):
        groups = root.findall(f".//svg:g[@class='{kind}']", ns)
        titles[kind] = sorted(g.find("svg:title", ns).text for g in groups)
    return titles["node"], titles["edge"]


def test_draw_graph_svg_parses_as_xml_and_shows_inline(renderer):
    graph = small_graph()
    root = ET.fromstring(graph.pipe(format="svg"))
    assert root.tag.endswith("svg")
    bundle = graph._repr_mimebundle_()
    assert ET.fromstring(bundle["image/svg+xml"]).tag.endswith("svg")
    nodes, edges = svg_structure(graph.pipe("svg"))
    assert len(nodes) == 7 and "n0->n2" in edges  # x, y, q, z, f and the two ops


def test_save_writes_svg_png_and_dot(tmp_path, renderer):
    graph = small_graph()
    ET.parse(viz.save(graph, tmp_path / "g.svg"))
    assert (tmp_path / "g.png").exists() is False
    assert viz.save(graph, tmp_path / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert viz.save(graph, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    assert viz.save(graph, tmp_path / "g.gv").read_text() == graph.source
    with pytest.raises(ValueError, match=r"suffix '\.jpeg'"):
        viz.save(graph, tmp_path / "g.jpeg")


def test_dot_program_and_pygraphviz_draw_the_same_svg(monkeypatch):
    if viz.render.find_dot() is None:
        pytest.skip("Graphviz's dot program is not on PATH: `apt-get install graphviz`")
    pytest.importorskip("pygraphviz", reason="the embedded renderer: pip install pygraphviz")
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    loss = model(ag.randn(2, 3)).sum()
    viz.trace_grads(loss)
    graph = viz.draw_graph(loss, model=model, grad_flow=True)
    with_dot = svg_structure(graph.pipe("svg"))
    monkeypatch.setattr(viz.render, "find_dot", lambda: None)
    assert svg_structure(graph.pipe("svg")) == with_dot


def test_render_uses_the_dot_program_when_it_is_on_path(monkeypatch):
    calls = []

    def fake_run(args, **kwargs):
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, stdout=b"<svg/>", stderr=b"")

    monkeypatch.setattr(viz.render, "find_dot", lambda: "/opt/graphviz/bin/dot")
    monkeypatch.setattr(viz.render.subprocess, "run", fake_run)
    assert viz.render.renderer() == "dot"
    assert small_graph().pipe("svg") == b"<svg/>"
    assert calls == [["/opt/graphviz/bin/dot", "-Tsvg"]]


def test_save_without_any_renderer_names_how_to_install(tmp_path, monkeypatch):
    graph = small_graph()
    no_renderer(monkeypatch)
    assert viz.render.renderer() is None
    with pytest.raises(RuntimeError, match=r"pip install pygraphviz.*apt-get install graphviz"):
        viz.save(graph, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    assert viz.save(graph, tmp_path / "g.dot").read_text() == graph.source
    shown = graph._repr_mimebundle_()
    assert "image/svg+xml" not in shown and "pip install pygraphviz" in shown["text/plain"]


def test_draw_graph_source_needs_neither_graphviz_nor_pygraphviz():
    code = (
        "import sys; sys.modules['graphviz'] = sys.modules['pygraphviz'] = None\n"
        "import autograd_core as ag\n"
        "from autograd_core import viz\n"
        "x = ag.tensor(2.0, requires_grad=True, name='x')\n"
        "print(viz.draw_graph(x * 3).source.splitlines()[0])\n"
        "try:\n"
        "    viz.save(viz.draw_graph(x * 3), 'unused.svg')\n"
        "except RuntimeError as error:\n"
        "    print('refused' if 'pip install pygraphviz' in str(error) else error)\n"
    )
    env = dict(os.environ, PATH="", PYTHONPATH=str(Path(__file__).parents[2]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["digraph", "autograd_graph", "{", "refused"]


def test_quote_escapes_what_dot_needs():
    assert viz.dot.quote("node") == '"node"'
    assert viz.dot.quote('a "b"\\') == '"a \\"b\\"\\\\"'
    assert viz.dot.quote("1.5") == "1.5" and viz.dot.quote("-2") == "-2"
    assert viz.dot.quote("#ff0000") == '"#ff0000"'
