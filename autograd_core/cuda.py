"""`cuda`: the answers PyTorch's `torch.cuda` gives on a machine without CUDA.

The engine is CPU-only, so `is_available()` is False and `device_count()` 0.
Seeding the (absent) CUDA generators is accepted and does nothing, exactly as
`torch.cuda.manual_seed` does without CUDA, so seeding code runs unchanged.
"""

from __future__ import annotations

from .device import DeviceError


def is_available() -> bool:
    """False: autograd_core computes on the CPU only.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.cuda.is_available(), ag.cuda.device_count()
    (False, 0)
    """
    return False


def device_count() -> int:
    """0: there are no CUDA devices."""
    return 0


def manual_seed(seed: int) -> None:
    """Seed the CUDA generators: there are none, so nothing happens (as in PyTorch)."""
    int(seed)  # a seed must still be a number


def manual_seed_all(seed: int) -> None:
    """Seed every CUDA device's generator: there are none, so nothing happens."""
    int(seed)


def current_device() -> int:
    """Raise: there is no current CUDA device."""
    raise DeviceError("cuda.current_device: autograd_core computes on the CPU only")
