"""Devices: `device("cpu")`, and the `cuda`/`backends` queries answered honestly.

The engine computes with numpy on the CPU. The device API exists so that
PyTorch code that picks a device (`device = "cuda" if cuda.is_available()
else "cpu"`) and moves tensors with `.to(device)` runs unchanged; asking for
any other device raises a clear error.
"""

from __future__ import annotations

from typing import Any


class DeviceError(RuntimeError, AssertionError):
    """A device the engine does not have: a RuntimeError (torch's error for unknown device
    strings) and an AssertionError (what torch raises when CUDA is asked for but absent)."""


class device:  # noqa: N801  (PyTorch's name)
    """Where a tensor lives; always the CPU here.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.device("cpu"), ag.device("cpu:0").type
    (device(type='cpu'), 'cpu')
    """

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, spec: Any, index: int | None = None) -> None:
        if isinstance(spec, device):
            spec, index = spec.type, spec.index if index is None else index
        if not isinstance(spec, str):
            raise TypeError(f"device: expected a string such as 'cpu', got {spec!r}")
        kind, _, number = spec.partition(":")
        if kind != "cpu":
            raise DeviceError(
                f"device: {spec!r} is not available: autograd_core computes on the CPU only "
                "(cuda.is_available() is False); use 'cpu'"
            )
        if number:
            if not number.isdigit():
                raise DeviceError(f"device: invalid device index in {spec!r}")
            if index is not None:
                raise DeviceError(f"device: index given twice ({spec!r} and index={index})")
            index = int(number)
        if index is not None and index != 0:
            raise DeviceError(f"device: there is one CPU device, cpu:0; got index {index}")
        self.type = kind
        self.index = index

    def __repr__(self) -> str:
        extra = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{extra})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def as_device(spec: Any, op: str) -> device:
    """The device named by `spec` (a device, a string such as "cpu:0", or an index)."""
    if isinstance(spec, device):
        return spec
    if isinstance(spec, int) and not isinstance(spec, bool):
        raise DeviceError(
            f"{op}: device index {spec} means a CUDA device; autograd_core computes on the CPU "
            "only (use 'cpu')"
        )
    try:
        return device(spec)
    except DeviceError as error:
        raise DeviceError(f"{op}: {error}") from None
