"""The README's code is correct: every ```python block runs, in order, each in a fresh
namespace (so each stands alone for a reader who copies it) inside a temporary directory; the
README opens with its two commands, and its links point at files that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```$", README, flags=re.M | re.S)


def test_readme_opens_with_the_demo_and_test_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S)
    assert first_block and README.index("```bash") < README.index("\n## ")
    lines = [line.split("#")[0].strip() for line in first_block[1].splitlines()]
    assert lines == [
        'pip install -e ".[demo]" && python -m nn.demo',
        'pip install -e ".[dev]" && python -m pytest',
    ]


def test_readme_has_the_tour_blocks():
    assert len(BLOCKS) >= 6
    for needle in ("viz.draw_graph", "optimizer.step()", "ag.gradcheck", "ag.jacobian", "ag.vjp"):
        assert any(needle in block for block in BLOCKS), needle


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"readme_block_{index}"}
    exec(compile(BLOCKS[index], f"README.md python block {index}", "exec"), namespace)


def test_readme_engine_example_gives_the_hand_computed_gradients(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(BLOCKS[0], namespace)
    x, y, z = -2.0, 5.0, -4.0
    assert namespace["f"].item() == (x + y) * z
    assert [namespace[n].grad.item() for n in "xyz"] == [z, z, x + y]


def test_readme_links_point_at_files():
    links = re.findall(r"\]\(([^)#]+)\)", README)
    local = [link for link in links if not link.startswith("http")]
    assert any(link.startswith("notebooks/") for link in local)
    for link in local:
        assert (ROOT / link).exists(), link
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in README, f"{notebook.name} is not in the README table"
