"""Rendering DOT text to SVG, PNG or PDF: Graphviz's `dot` program when it is on PATH, else
the Graphviz libraries bundled in pygraphviz's wheels (in-process, installed by pip).

Both run the same `dot` layout and the same renderers, so a drawing looks the
same either way. With neither, `render` raises RuntimeError saying how to get
one; the DOT text itself (`Digraph.source`) never needs a renderer.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from typing import Any

FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "`pip install pygraphviz` (the embedded renderer; it comes with "
    "`pip install autograd-core[demo]`), or install Graphviz's programs: "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install -c conda-forge graphviz`; or save to .dot/.gv, which needs no renderer"
)


def find_dot() -> str | None:
    """The path of Graphviz's `dot` program, or None when it is not on PATH."""
    return shutil.which("dot")


def load_pygraphviz() -> Any | None:
    """The pygraphviz module, or None when it is not installed."""
    try:
        return importlib.import_module("pygraphviz")
    except ImportError:
        return None


def renderer() -> str | None:
    """Which renderer `render` would use: "dot", "pygraphviz" or None."""
    if find_dot() is not None:
        return "dot"
    if load_pygraphviz() is not None:
        return "pygraphviz"
    return None


def missing_renderer_message() -> str | None:
    """None when a renderer is there, else what to install."""
    if renderer() is not None:
        return None
    return f"no Graphviz renderer found (no `dot` program on PATH, no pygraphviz); {INSTALL_HINT}"


def render(source: str, format: str = "svg") -> bytes:
    """`source` (DOT text) drawn as `format` (svg, png or pdf) bytes.

    Examples
    --------
    >>> render("digraph { a -> b }", "svg").startswith(b"<?xml")
    True
    """
    if format not in FORMATS:
        raise ValueError(f"viz.render: format must be one of {', '.join(FORMATS)}, got {format!r}")
    dot = find_dot()
    if dot is not None:
        done = subprocess.run(
            [dot, f"-T{format}"], input=source.encode("utf-8"), capture_output=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"viz.render: `dot -T{format}` failed: {done.stderr.decode()}")
        return done.stdout
    pygraphviz = load_pygraphviz()
    if pygraphviz is None:
        raise RuntimeError(
            f"viz.render: drawing {format.upper()} needs a renderer, but there is "
            f"no `dot` program on PATH and no pygraphviz; {INSTALL_HINT}"
        )
    return pygraphviz.AGraph(string=source).draw(format=format, prog="dot")
