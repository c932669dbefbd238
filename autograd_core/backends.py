"""`backends`: PyTorch's accelerator switches, answered for a CPU-only engine.

`backends.mps.is_available()` and `backends.cudnn.is_available()` are False;
the cudnn flags that PyTorch programs set for reproducibility
(`backends.cudnn.deterministic = True`, `benchmark = False`) are plain
attributes that can be set and read and change nothing, since no cuDNN runs.
"""

from __future__ import annotations


class _Accelerator:
    """An accelerator backend that this engine does not have."""

    def __init__(self, name: str) -> None:
        self.name = name

    def is_available(self) -> bool:
        """False: autograd_core computes on the CPU only."""
        return False

    def is_built(self) -> bool:
        """False: the engine has no code for this backend."""
        return False


class _Cudnn(_Accelerator):
    """cuDNN's switches: settable, read back, without effect (no cuDNN runs here)."""

    def __init__(self) -> None:
        super().__init__("cudnn")
        self.enabled = True
        self.deterministic = False
        self.benchmark = False


mps = _Accelerator("mps")
cudnn = _Cudnn()
