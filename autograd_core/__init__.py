"""autograd_core: a reverse-mode automatic differentiation engine on numpy.

Build expressions from `Tensor`s, call `.backward()`, read `.grad`:

>>> import autograd_core as ag
>>> x, y, z = (ag.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
>>> f = (x + y) * z
>>> f.backward()
>>> x.grad, y.grad, z.grad
(tensor(-4.), tensor(-4.), tensor(3.))
"""

import builtins  # `bool`, `int` and `float` name PyTorch's dtypes in this module
from typing import Any

from . import (
    backends,
    cuda,
    functional,
    ops,
    return_types,
    viz,  # a renderer (dot or pygraphviz) is needed only to draw SVG, PNG, PDF
)
from ._version import installed_version as _installed_version
from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .device import DeviceError, device
from .dtypes import bool_ as bool  # PyTorch's dtype names (they shadow builtins here)
from .dtypes import (
    double,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from .dtypes import float32 as float
from .dtypes import int32 as int
from .errors import ArgumentError, DTypeError, IndexingError, ShapeError
from .function import REGISTRY, Function, register
from .functional import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from .ops import *  # noqa: F403  (every public op: see autograd_core.ops)
from .parallel import get_num_threads, set_num_threads
from .random import manual_seed
from .size import Size
from .tensor import Tensor

__version__ = _installed_version()


def __getattr__(name: str) -> Any:
    """`torch.nn`, `torch.optim` and `torch.utils.data` spelled on this module reach the `nn`
    package (imported on first use: the engine itself does not need it)."""
    if name in ("nn", "optim", "utils"):
        import nn

        return {"nn": nn, "optim": nn.optim, "utils": _Utils(nn.data)}[name]
    raise AttributeError(f"module 'autograd_core' has no attribute {name!r}")


class _Utils:
    """`torch.utils` as far as this project has it: `utils.data` is `nn.data`."""

    def __init__(self, data: object) -> None:
        self.data = data


def is_tensor(obj: object) -> builtins.bool:
    """True if `obj` is a Tensor (a Parameter included)."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> builtins.bool:
    """True if `input` has a floating dtype."""
    return input.is_floating_point()


def numel(input: Tensor) -> builtins.int:
    """The number of elements of `input`."""
    return input.numel()


__all__ = [
    "ArgumentError",
    "DTypeError",
    "DeviceError",
    "ShapeError",
    "Size",
    "as_tensor",
    "backends",
    "bool",
    "cuda",
    "device",
    "double",
    "empty",
    "empty_like",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full_like",
    "half",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_floating_point",
    "is_tensor",
    "linspace",
    "long",
    "numel",
    "promote_types",
    "result_type",
    "rand_like",
    "randint",
    "randint_like",
    "randn_like",
    "randperm",
    "short",
    "uint8",
    "REGISTRY",
    "AnomalyError",
    "Function",
    "GradcheckError",
    "IndexingError",
    "Tensor",
    "arange",
    "detect_anomaly",
    "enable_grad",
    "eye",
    "full",
    "functional",
    "get_default_dtype",
    "get_num_threads",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "manual_seed",
    "no_grad",
    "numerical_grad",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "register",
    "set_default_dtype",
    "set_detect_anomaly",
    "set_num_threads",
    "set_grad_enabled",
    "tensor",
    "value_and_grad",
    "vjp",
    "zeros",
    "zeros_like",
    "viz",
    "return_types",
]
__all__ += ops.__all__
