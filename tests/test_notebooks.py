"""The teaching notebooks run top to bottom without an error, each in a fresh python3 kernel
started in notebooks/ (nbclient), importing this checkout's packages; and they are committed
clean (no outputs, no execution counts), with a seed set in the first code cell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell; the slowest notebooks (09, 10, 11) take about 35 s alone


def test_notebooks_are_all_found_and_indexed():
    names = [path.stem for path in NOTEBOOKS]
    numbers = [int(name[:2]) for name in names]
    assert numbers[:8] == list(range(1, 9)), numbers  # the first half of the course
    assert numbers == sorted(set(numbers)), numbers  # each number once
    # architectures, regularization, detection, segmentation
    assert {9, 10, 11, 12} <= set(numbers), numbers
    index, readme = (NOTEBOOK_DIR / "README.md").read_text(), (ROOT / "README.md").read_text()
    for name in names:  # each listed in both indexes
        assert f"`{name}`" in index, f"{name} is missing from notebooks/README.md"
        assert f"(notebooks/{name}.ipynb)" in readme, f"{name} is missing from README.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_is_committed_clean_and_seeded(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [], f"outputs committed in a cell of {path.name}"
        assert cell.execution_count is None
    assert "ag.manual_seed(0)" in code[0].source and "np.random" in code[0].source
    assert sum(cell.source.startswith("## ") for cell in notebook.cells) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, monkeypatch):
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipykernel")
    # The kernel is a child process: make it import this checkout (notebooks/ is its directory).
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError naming the cell and the traceback
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert not errors
    figures = [
        o
        for cell in code
        for o in cell.outputs
        if o.output_type in ("display_data", "execute_result")
        and ({"image/png", "image/svg+xml"} & set(o.get("data", {})))
    ]
    assert figures, f"{path.name} draws nothing"
