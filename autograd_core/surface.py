"""PyTorch's Tensor attributes that are not ops: sizes, devices, dtype conversions, `new_*`.

`TensorSurface` is a mixin of `Tensor` (kept apart so `tensor.py` stays about
the data, the operators and the graph). Conversions go through the `astype`
op, so a float conversion stays in the graph as in PyTorch.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from .device import CPU, DeviceError, as_device, device
from .dtypes import Array, to_dtype
from .size import Size

if TYPE_CHECKING:
    from .tensor import Tensor

# torch's legacy type strings, which `Tensor.type()` returns and accepts.
_TYPE_NAMES = {
    np.dtype(np.float16): "torch.HalfTensor",
    np.dtype(np.float32): "torch.FloatTensor",
    np.dtype(np.float64): "torch.DoubleTensor",
    np.dtype(np.int8): "torch.CharTensor",
    np.dtype(np.int16): "torch.ShortTensor",
    np.dtype(np.int32): "torch.IntTensor",
    np.dtype(np.int64): "torch.LongTensor",
    np.dtype(np.uint8): "torch.ByteTensor",
    np.dtype(np.bool_): "torch.BoolTensor",
}
_TYPE_DTYPES = {name: dtype for dtype, name in _TYPE_NAMES.items()}


class TensorSurface:
    """Sizes, device and dtype methods of `Tensor`, with PyTorch's names and results."""

    __slots__ = ()
    _data: Array

    # ------------------------------------------------------------------ sizes

    def size(self, dim: builtins.int | None = None) -> Any:
        """The shape as a `Size`, or the extent of dimension `dim` (negative counts back).

        Examples
        --------
        >>> import autograd_core as ag
        >>> x = ag.zeros(2, 3); x.size(), x.size(-1)
        ((2, 3), 3)
        """
        shape = self._data.shape
        if dim is None:
            return Size(shape)
        return shape[_dim_index(dim, len(shape), "size")]

    def numel(self) -> builtins.int:
        """The number of elements."""
        return int(self._data.size)

    def nelement(self) -> builtins.int:
        """The number of elements (an alias of `numel`)."""
        return int(self._data.size)

    def dim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    def ndimension(self) -> builtins.int:
        """The number of dimensions (an alias of `dim`)."""
        return self._data.ndim

    def element_size(self) -> builtins.int:
        """Bytes per element."""
        return self._data.dtype.itemsize

    def is_floating_point(self) -> builtins.bool:
        """True for float16, float32 and float64 tensors."""
        return self._data.dtype.kind == "f"

    # ----------------------------------------------------------------- device

    @property
    def device(self) -> device:
        """Always the CPU: the engine computes with numpy."""
        return CPU

    @property
    def is_cuda(self) -> builtins.bool:
        return False

    def get_device(self) -> builtins.int:
        """-1, PyTorch's answer for a tensor on the CPU."""
        return -1

    def cpu(self) -> Tensor:
        """The tensor itself: it is on the CPU already."""
        return self  # type: ignore[return-value]

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False) -> Tensor:
        """Raise: there is no CUDA device (`ag.cuda.is_available()` is False)."""
        raise DeviceError(
            "cuda: autograd_core computes on the CPU only (cuda.is_available() is False); "
            "keep the tensor where it is or use .to('cpu')"
        )

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Convert to a device and/or dtype, as PyTorch's `Tensor.to`.

        Forms: `to(device)`, `to(dtype)`, `to(other)` (other's dtype and
        device), `to(device, dtype)`, and the keywords `device=`, `dtype=`,
        `non_blocking=`, `copy=`. Returns the tensor itself when nothing
        changes (unless `copy=True`); a float conversion stays in the graph.

        Examples
        --------
        >>> import autograd_core as ag
        >>> x = ag.ones(2); x.to("cpu") is x, x.to(ag.float64).dtype
        (True, dtype('float64'))
        """
        target_device, dtype, copy = _parse_to(self, args, kwargs)
        if target_device is not None:
            as_device(target_device, "to")
        return self._converted(dtype, copy)

    def type(self, dtype: Any = None, non_blocking: builtins.bool = False) -> Any:
        """With no argument, torch's type string ("torch.FloatTensor"); else `to(dtype)`."""
        if dtype is None:
            return _TYPE_NAMES[self._data.dtype]
        if isinstance(dtype, str) and dtype in _TYPE_DTYPES:
            dtype = _TYPE_DTYPES[dtype]
        return self._converted(to_dtype(dtype, "type"), copy=False)

    def float(self) -> Tensor:
        """As float32."""
        return self._converted(np.dtype(np.float32))

    def double(self) -> Tensor:
        """As float64."""
        return self._converted(np.dtype(np.float64))

    def half(self) -> Tensor:
        """As float16."""
        return self._converted(np.dtype(np.float16))

    def long(self) -> Tensor:
        """As int64 (cut off from the graph: integers carry no gradient)."""
        return self._converted(np.dtype(np.int64))

    def int(self) -> Tensor:
        """As int32 (cut off from the graph)."""
        return self._converted(np.dtype(np.int32))

    def short(self) -> Tensor:
        """As int16 (cut off from the graph)."""
        return self._converted(np.dtype(np.int16))

    def byte(self) -> Tensor:
        """As uint8 (cut off from the graph)."""
        return self._converted(np.dtype(np.uint8))

    def bool(self) -> Tensor:
        """As bool (cut off from the graph)."""
        return self._converted(np.dtype(np.bool_))

    def _converted(self, dtype: np.dtype | None, copy: builtins.bool = False) -> Tensor:
        if dtype is None or dtype == self._data.dtype:
            if not copy:
                return self  # type: ignore[return-value]
            dtype = self._data.dtype
        from .ops import astype

        return astype(self, dtype)  # type: ignore[arg-type]

    # ------------------------------------------------------- new_* (same dtype)

    def new_tensor(
        self, data: Any, dtype: Any = None, device: Any = None, requires_grad: builtins.bool = False
    ) -> Tensor:
        """A new leaf tensor from `data`, with this tensor's dtype unless `dtype` is given."""
        from .creation import tensor

        return tensor(data, dtype=self._dtype_or(dtype), device=device, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, **options: Any) -> Tensor:
        """Zeros of the given size, with this tensor's dtype unless `dtype=` is given."""
        from .creation import zeros

        return zeros(*size, **self._new_options(options))

    def new_ones(self, *size: Any, **options: Any) -> Tensor:
        """Ones of the given size, with this tensor's dtype unless `dtype=` is given."""
        from .creation import ones

        return ones(*size, **self._new_options(options))

    def new_empty(self, *size: Any, **options: Any) -> Tensor:
        """An uninitialised tensor of the given size and this tensor's dtype."""
        from .creation import empty

        return empty(*size, **self._new_options(options))

    def new_full(self, size: Any, fill_value: Any, **options: Any) -> Tensor:
        """A tensor of `size` filled with `fill_value`, with this tensor's dtype by default."""
        from .creation import full

        return full(size, fill_value, **self._new_options(options))

    def _dtype_or(self, dtype: Any) -> np.dtype:
        return self._data.dtype if dtype is None else to_dtype(dtype, "new_tensor")

    def _new_options(self, options: dict[str, Any]) -> dict[str, Any]:
        return {**options, "dtype": self._dtype_or(options.get("dtype"))}


def _dim_index(dim: Any, ndim: int, op: str) -> int:
    from .errors import IndexingError

    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if not -max(ndim, 1) <= dim < max(ndim, 1) or ndim == 0:
        raise IndexingError(
            f"{op}: dimension {dim} is out of range for a tensor with {ndim} dimensions "
            f"(expected {-ndim} to {ndim - 1})"
        )
    return int(dim)


def _parse_to(tensor: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    """Split `Tensor.to`'s arguments into (device, dtype, copy)."""
    from .tensor import Tensor

    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"to: unexpected keyword arguments {sorted(unknown)}")
    target_device, dtype = kwargs.get("device"), kwargs.get("dtype")
    positional = list(args)
    if positional and isinstance(positional[0], Tensor):
        other = positional.pop(0)
        target_device, dtype = other.device, other.dtype
    elif positional and _names_device(positional[0]):
        target_device = positional.pop(0)
    if positional and not isinstance(positional[0], bool):
        dtype = positional.pop(0)
    positional = positional[:2]  # non_blocking, copy
    copy = kwargs.get("copy", positional[1] if len(positional) > 1 else False)
    if len(args) > 4:
        raise TypeError(f"to: too many arguments ({len(args)})")
    return target_device, None if dtype is None else to_dtype(dtype, "to"), bool(copy)


def _names_device(value: Any) -> bool:
    return isinstance(value, (str, device)) or (
        isinstance(value, int) and not isinstance(value, (bool, np.integer))
    )
