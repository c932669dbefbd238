"""The exception types of bad input, catchable the way PyTorch's are.

PyTorch raises RuntimeError where a shape or dtype does not fit; this engine
keeps its own clearer messages but raises types that are both: a program that
catches RuntimeError (as written for PyTorch) or ValueError/TypeError (as
written for numpy) catches ours.
"""

from __future__ import annotations


class ArgumentError(RuntimeError, ValueError):
    """An argument value that an op refuses where PyTorch raises RuntimeError."""


class ShapeError(ArgumentError):
    """Shapes that do not fit an op (broadcasting, matmul, reshape, cat, ...)."""


class DTypeError(RuntimeError, TypeError):
    """A dtype an op cannot take (e.g. requires_grad on integers, float ops on bools)."""


class IndexingError(IndexError, ValueError):
    """An index or dim that does not fit a tensor: an IndexError, as Python and PyTorch
    raise for `t[i]` and an out-of-range dim, and a ValueError, as for any other bad
    argument (numpy's AxisError is both too)."""
