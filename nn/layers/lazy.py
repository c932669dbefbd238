"""Lazy layers: `LazyLinear`, `LazyConv1d`, `LazyConv2d`, `LazyBatchNorm1d`, `LazyBatchNorm2d`.

Each is built without its input size; the first forward reads it from the
input (`in_features`, `in_channels`, `num_features`: axis -1 for Linear,
axis 1 otherwise), draws the parameters as the full layer would, and turns
the module into that layer (`type(m)` becomes `Linear`...), as PyTorch's
`cls_to_become` does. The Parameter objects stay the same, so an optimizer
made before the first forward keeps working (PyTorch recommends a dry run
first all the same).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from autograd_core import Tensor

from ..module import Module, Parameter
from ._checks import check_tensor
from .conv import Conv1d, Conv2d
from .linear import Linear
from .normalization import BatchNorm1d, BatchNorm2d


class _Lazy(Module):
    """Holds the layer's arguments and empty placeholders until the first forward."""

    cls_to_become: ClassVar[type[Any]]  # the layer class (a Module), built once sizes are known
    size_name: ClassVar[str]  # the constructor argument read from the input
    size_axis: ClassVar[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        # a template of the full layer with size 1 gives the names, dtypes and settings
        template = self.cls_to_become(1, *args, **kwargs)
        object.__setattr__(self, "_lazy_arguments", (args, kwargs))
        for name, value in template.__dict__.items():
            if not name.startswith("_") and name != "training":
                object.__setattr__(self, name, value)
        object.__setattr__(self, self.size_name, 0)
        for name, param in template._parameters.items():
            placeholder = None if param is None else Parameter(np.empty(0, dtype=param.dtype))
            self.register_parameter(name, placeholder)
        for name, buffer in template._buffers.items():
            if buffer is not None and buffer.ndim:  # the 0-d counter is kept as it is
                buffer = Tensor(np.empty(0, dtype=buffer.dtype))
            self.register_buffer(name, buffer, name not in template._non_persistent_buffers)

    def extra_repr(self) -> str:
        return self.cls_to_become.extra_repr(self)

    def has_uninitialized_params(self) -> bool:
        """True until the first forward has set the sizes."""
        return True

    def forward(self, x: Tensor) -> Tensor:
        check_tensor(self, x)
        axis = self._size_axis(x) if isinstance(x, Tensor) else self.size_axis
        if not isinstance(x, Tensor) or x.ndim == 0 or x.ndim <= axis:
            raise ValueError(
                f"{type(self).__name__}: cannot read {self.size_name} from an input of shape "
                f"{getattr(x, 'shape', None)} (axis {axis})"
            )
        self._materialise(int(x.shape[axis]))
        return self(x)

    def _size_axis(self, x: Tensor) -> int:
        return self.size_axis

    def _materialise(self, size: int) -> None:
        args, kwargs = self._lazy_arguments
        full = self.cls_to_become(size, *args, **kwargs)
        for registry in ("_parameters", "_buffers"):
            mine = getattr(self, registry)
            for name, value in getattr(full, registry).items():
                old = mine.get(name)
                if old is None or value is None:
                    mine[name] = value
                else:  # the same object, now with the drawn data (in a dtype set by .to())
                    old.data = np.asarray(value).astype(old.dtype, copy=False)
        for name, value in full.__dict__.items():
            if not name.startswith("_") and name != "training":
                object.__setattr__(self, name, value)
        del self.__dict__["_lazy_arguments"]
        self.__class__ = self.cls_to_become


class LazyLinear(_Lazy):
    """`Linear` whose in_features is read from the first input's last axis.

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.LazyLinear(4)
    >>> layer(ag.ones((2, 3))).shape, type(layer).__name__, layer.weight.shape
    ((2, 4), 'Linear', (4, 3))
    """

    cls_to_become = Linear
    size_name = "in_features"
    size_axis = -1

    def __init__(self, out_features: int, bias: bool = True, dtype: Any = None) -> None:
        super().__init__(out_features, bias, dtype)


class LazyConv2d(_Lazy):
    """`Conv2d` whose in_channels is read from the first input (axis 1)."""

    cls_to_become: ClassVar[type[Module]] = Conv2d
    size_name = "in_channels"
    size_axis = 1

    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        dtype: Any = None,
    ) -> None:
        if groups != 1:
            raise ValueError(
                f"{type(self).__name__}: groups must be 1 (in_channels is not known yet)"
            )
        super().__init__(
            out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, dtype
        )

    def _size_axis(self, x: Tensor) -> int:
        """Channels: axis 0 of an unbatched input, as in PyTorch, else axis 1."""
        return 0 if x.ndim == self.cls_to_become.dims + 1 else 1  # type: ignore[attr-defined]


class LazyConv1d(LazyConv2d):
    """`Conv1d` whose in_channels is read from the first input (axis 1 of (N, C, L)).

    Examples
    --------
    >>> import nn, autograd_core as ag
    >>> layer = nn.LazyConv1d(4, 3)
    >>> layer(ag.ones((5, 8))).shape, type(layer).__name__, layer.weight.shape
    ((4, 6), 'Conv1d', (4, 5, 3))
    """

    cls_to_become = Conv1d


class _LazyBatchNorm(_Lazy):
    size_name = "num_features"
    size_axis = 1

    def __init__(
        self,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        super().__init__(eps, momentum, affine, track_running_stats)


class LazyBatchNorm1d(_LazyBatchNorm):
    """`BatchNorm1d` whose num_features is read from the first input (axis 1)."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyBatchNorm):
    """`BatchNorm2d` whose num_features is read from the first input (axis 1)."""

    cls_to_become = BatchNorm2d
