"""The primitive ops, one module per family, and the composites built on them.

Importing this package fills `autograd_core.function.REGISTRY`.
"""

from .elementwise import (
    abs,
    add,
    astype,
    clip,
    div,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    maximum,
    minimum,
    mul,
    neg,
    not_equal,
    pow,
    relu,
    sigmoid,
    sqrt,
    sub,
    tanh,
    where,
)
from .linalg import matmul
from .movement import (
    broadcast_to,
    concatenate,
    expand_dims,
    flatten,
    getitem,
    pad,
    reshape,
    scatter_add,
    squeeze,
    stack,
    transpose,
)
from .reduce import (
    argmax,
    argmin,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    sum,
    var,
)

__all__ = [
    "abs", "add", "argmax", "argmin", "astype", "broadcast_to", "clip", "concatenate", "div",
    "equal", "exp", "expand_dims", "flatten", "getitem", "greater", "greater_equal", "less",
    "less_equal", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min",
    "minimum", "mul", "neg", "not_equal", "pad", "pow", "relu", "reshape", "scatter_add",
    "sigmoid", "softmax", "sqrt", "squeeze", "stack", "sub", "sum", "tanh", "transpose", "var",
    "where",
]
