"""The demo (`python -m nn.demo`): it runs end to end, writes its three files, prints the test
accuracy, and names the extra to install when a plotting or progress package is missing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nn import demo

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _run_demo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])  # this checkout
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [sys.executable, "-m", "nn.demo", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_writes_graphs_curve_and_accuracy(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("tqdm")
    out = tmp_path / "results"
    result = _run_demo("--out", str(out), "--epochs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    # the lecture example's numbers, computed by hand: q = x + y = 3, f = q z = -12,
    # df/dx = df/dy = z = -4, df/dz = q = 3
    for name, value in (("f", -12), ("df/dx", -4), ("df/dy", -4), ("df/dz", 3)):
        assert re.search(rf"^\s*{re.escape(name)}\s*=\s*{value}$", result.stdout, re.M), name

    match = re.search(r"^test accuracy: ([\d.]+)% \((\d+)/(\d+)\)", result.stdout, re.M)
    assert match, result.stdout
    percent, correct, total = float(match[1]), int(match[2]), int(match[3])
    assert abs(percent - 100 * correct / total) < 0.051
    assert percent > 50, "two epochs should be far above chance (10%)"

    svgs = [out / "lecture_graph.svg", out / "network_graph.svg"]
    png = out / "loss_curve.png"
    for path in [*svgs, png]:
        assert str(path) in result.stdout, f"{path} is not printed"
    for path in svgs:
        root = ET.parse(path).getroot()
        assert root.tag.endswith("svg")
    texts = "\n".join(node.text or "" for node in ET.parse(out / "lecture_graph.svg").iter())
    assert all(label in texts for label in ("add", "mul", "data -12", "grad -4"))
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    assert "training" in result.stderr  # the tqdm bar


def test_demo_default_output_directory_is_demo_output(tmp_path):
    args = demo.parse_args([])
    assert args.out == Path("demo_output")
    assert demo.parse_args(["--out", str(tmp_path), "--epochs", "2"]).epochs == 2
    with pytest.raises(SystemExit):
        demo.parse_args(["--epochs", "0"])


@pytest.mark.parametrize("package", ["matplotlib", "tqdm"])
def test_demo_names_the_extra_when_a_package_is_missing(package, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, package, None)  # `import package` now raises ImportError
    with pytest.raises(SystemExit) as excinfo:
        demo.main(["--out", str(tmp_path / "out"), "--epochs", "1"])
    message = str(excinfo.value.code)
    assert package in message
    assert 'pip install -e ".[demo]"' in message
    assert not (tmp_path / "out").exists(), "nothing is written before the check"


def test_demo_lecture_example_matches_hand_derivation():
    numbers, graph = demo.lecture_example()
    x, y, z = -2.0, 5.0, -4.0
    assert numbers == {
        "f": (x + y) * z,
        "q": x + y,
        "df/dx": z,
        "df/dy": z,
        "df/dz": x + y,
        "df/dq": z,
    }
    assert "q" in graph.source and "grad -4" in graph.source


def test_demo_writes_dot_text_when_no_renderer_is_installed(tmp_path, monkeypatch, capsys):
    import autograd_core as ag
    from autograd_core import viz

    monkeypatch.setattr(viz.render, "find_dot", lambda: None)  # no `dot` program on PATH
    monkeypatch.setattr(viz.render, "load_pygraphviz", lambda: None)  # and no pygraphviz
    graph = viz.draw_graph(ag.tensor(2.0, requires_grad=True) * 3)
    written = demo.save_drawing(graph, tmp_path / "g.svg")
    assert written == tmp_path / "g.dot"
    assert written.read_text().startswith("digraph")
    assert "pip install pygraphviz" in capsys.readouterr().out


def test_demo_network_graph_shows_the_gradients_of_one_clean_batch():
    import autograd_core as ag
    import nn.functional as F  # noqa: N812

    ag.manual_seed(0)
    model = demo.build_model()
    x, y = ag.randn(2, 1, 8, 8), ag.tensor([3, 7])
    F.cross_entropy(model(x), y).backward()  # a fresh batch's gradients, for reference
    clean = {name: p.grad.numpy().copy() for name, p in model.named_parameters()}
    for p in model.parameters():  # gradients left over from training, never zeroed
        p.grad = p.grad * 0 + 1000.0
    demo.network_graph(model, x, y)
    for name, p in model.named_parameters():
        assert abs(p.grad.numpy() - clean[name]).max() < 1e-5, name
