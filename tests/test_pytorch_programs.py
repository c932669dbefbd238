"""PyTorch programs run unchanged: each text in tests/programs/ is torch code, run once with
torch and once with its import lines pointed at this project, and the results must agree.

A program leaves what it computed in `RESULT` (numbers, lists, strings); only the import
lines differ between the two runs (`import torch` -> `import autograd_core as torch`, ...).
"""

import re
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch", reason="runs each program with torch: pip install -e '.[torch]'"
)

PROGRAMS = Path(__file__).parent / "programs"

# Programs that do not run here yet, with the first thing that stops each. They run in every
# suite and report XPASS once they pass; then remove them from this table.
PENDING: dict[str, str] = {}


def _program(path: Path):
    reason = PENDING.get(path.stem)
    marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
    return pytest.param(path, id=path.stem, marks=marks)


# The import lines of torch, and what each becomes here.
IMPORTS = [
    (r"^import torch$", "import autograd_core as torch"),
    (r"^import torch\.nn as nn$", "import nn"),
    (r"^from torch import nn$", "import nn"),
    (r"^import torch\.nn\.functional as F$", "import nn.functional as F"),
    (r"^import torch\.optim as optim$", "import nn.optim as optim"),
    (r"^from torch import optim$", "import nn.optim as optim"),
    (r"^from torch\.optim\.lr_scheduler import (.+)$", r"from nn.optim.lr_scheduler import \1"),
    (r"^from torch\.utils\.data import (.+)$", r"from nn.data import \1"),
]


def ported(text: str) -> str:
    """The program with its torch import lines replaced by this project's."""
    for pattern, replacement in IMPORTS:
        text = re.sub(pattern, replacement, text, flags=re.MULTILINE)
    return text


def run(text: str, name: str) -> dict:
    namespace = {"__name__": "__main__"}
    exec(compile(text, name, "exec"), namespace)
    return namespace["RESULT"]


def assert_same(ours, theirs, rtol, path="RESULT"):
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), path
        for key in theirs:
            assert_same(ours[key], theirs[key], rtol, f"{path}[{key!r}]")
    elif isinstance(theirs, (list, tuple)) and any(
        isinstance(v, (list, dict, str)) for v in theirs
    ):
        assert len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, rtol, f"{path}[{i}]")
    elif isinstance(theirs, (str, bool)) or theirs is None:
        assert ours == theirs, (path, ours, theirs)
    else:
        np.testing.assert_allclose(
            np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64),
            rtol=rtol, atol=rtol, err_msg=path,
        )  # fmt: skip


def test_the_import_lines_are_all_that_changes():
    text = (
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nx = torch.ones(2)\n"
    )
    assert ported(text) == (
        "import autograd_core as torch\nimport nn\nimport nn.functional as F\nx = torch.ones(2)\n"
    )


@pytest.mark.parametrize("path", [_program(p) for p in sorted(PROGRAMS.glob("*.py"))])
def test_program_runs_unchanged_with_the_same_results(path):
    text = path.read_text(encoding="utf-8")
    rtol = (
        float(re.search(r"^# rtol: (\S+)$", text, re.MULTILINE)[1]) if "# rtol:" in text else 1e-5
    )
    theirs = run(text, str(path))
    ours = run(ported(text), str(path))
    assert_same(ours, theirs, rtol)
