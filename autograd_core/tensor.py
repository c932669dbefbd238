"""`Tensor`: a numpy array that remembers the op that made it.

A tensor holds its value (`.data`, an ndarray; scalars are 0-d, and an op
with a 0-d result keeps numpy's scalar for speed, as numpy itself does), its
gradient after backward (`.grad`), whether gradients should reach it
(`.requires_grad`) and the graph node that produced it (`.grad_fn`, None
for leaves). Every operator and method below is one line that hands the
work to the op that implements it in `autograd_core.ops`.
"""

from __future__ import annotations

import copy
import itertools
import operator
from collections.abc import Iterator
from typing import Any

import numpy as np

from .dtypes import as_array, get_default_dtype
from .errors import DTypeError, IndexingError
from .grad_mode import grad_enabled
from .size import Size
from .surface import TensorSurface
from .tensor_methods import OpMethods, link


class Tensor(TensorSurface, OpMethods):
    """An n-dimensional array that records the ops applied to it.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.Tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])
    """

    # NOTE: the rarely set fields (name, _retains_grad, _version) live in a lazily created
    # __dict__ with class-level defaults, so making a tensor costs four stores. The array
    # lives in the `_data` slot: the engine reads it directly, users go through the `data`
    # property, whose setter counts the change (see `_version`).
    __slots__ = ("_data", "grad", "requires_grad", "grad_fn", "__dict__", "__weakref__")
    name: str | None = None
    _retains_grad: bool = False
    _version: int = 0  # how many times the data was changed (see `_mark_changed`)
    _changed_at: int = 0  # the `change_clock` tick of the last change (0: never changed)
    _replaced_at: int = 0  # the tick at which `data` was last replaced by another array
    __array_ufunc__ = None  # numpy hands `array + tensor` to Tensor.__radd__

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
    ) -> None:
        if isinstance(data, Tensor):
            data = data._data
        array = as_array(data, dtype, op="Tensor")
        if requires_grad and array.dtype.kind != "f":
            raise DTypeError(
                f"Tensor: only floating-point tensors can require grad, got dtype {array.dtype}"
            )
        self._data = array
        self.grad: Tensor | None = None
        self.requires_grad = bool(requires_grad)
        self.grad_fn = None
        if name is not None:
            self.name = name

    @staticmethod
    def _from_op(data: np.ndarray, grad_fn: Any) -> Tensor:
        """Wrap an op's result without the checks of `__init__` (the hot path)."""
        out = object.__new__(Tensor)
        out._data = data
        out.grad = None
        out.requires_grad = grad_fn is not None
        out.grad_fn = grad_fn
        return out

    # ------------------------------------------------------------- attributes

    def _set_data(self, value: Any) -> None:
        if not isinstance(value, (np.ndarray, np.generic)):
            value = as_array(value, op="Tensor.data")
        replaced = value is not self._data  # `t.data -= x` gives the same array back
        self._data = value
        self._mark_changed(replaced)

    data = property(
        operator.attrgetter("_data"),
        _set_data,
        doc="The numpy array (or numpy scalar for 0-d results); assigning it counts as a change.",
    )

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an op that records."""
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:  # noqa: N802 (PyTorch's name)
        return _ops.reversed_dims(self)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied)."""
        return np.asarray(self._data)

    def tolist(self) -> Any:
        return self._data.tolist()

    def detach(self) -> Tensor:
        """A tensor sharing this data, cut off from the graph."""
        return Tensor._from_op(self._data, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` on a leaf, in place; returns the tensor."""
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad_: can only change requires_grad of a leaf tensor; "
                "use .detach().requires_grad_() on a computed tensor"
            )
        if requires_grad and self.dtype.kind != "f":
            raise DTypeError(
                f"requires_grad_: only floating-point tensors can require grad, got {self.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: the tensor does not require grad")
        self._retains_grad = True

    def backward(
        self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False
    ) -> None:
        """Accumulate d(self)/d(leaf) into the `.grad` of every leaf that requires grad.

        `gradient` seeds a non-scalar output; `retain_graph` keeps the saved
        values for another backward; `create_graph` records this backward so
        the gradients can be differentiated again.
        """
        from .engine import backward

        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    def astype(self, dtype: Any) -> Tensor:
        return _ops.astype(self, dtype)

    # -------------------------------------------------------------- operators
    # The arithmetic operators call their Function directly: they are the hottest path.

    def __add__(self, other: Any) -> Tensor:
        return Add.apply(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return Add.apply(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return Sub.apply(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return Sub.apply(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return Mul.apply(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return Mul.apply(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return Div.apply(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return Pow.apply(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return Pow.apply(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return Neg.apply(self)

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    def __lt__(self, other: Any) -> Tensor:
        return _ops.less(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.less_equal(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.greater(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.greater_equal(self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.not_equal(self, other)

    __hash__ = object.__hash__  # tensors are hashed by identity, as in PyTorch

    # ------------------------------------------------------- in-place changes
    # `x += y` and `x[i] = v` write into x's own array (so views of it and the optimizers
    # holding it see the change) and count the change in `_version`: a backward that needs
    # the old value then raises instead of using the new one. They are not recorded in the
    # graph, so they are refused on tensors that require grad while recording.

    def __iadd__(self, other: Any) -> Tensor:
        return _update(self, np.add, other, "+=")

    def __isub__(self, other: Any) -> Tensor:
        return _update(self, np.subtract, other, "-=")

    def __imul__(self, other: Any) -> Tensor:
        return _update(self, np.multiply, other, "*=")

    def __itruediv__(self, other: Any) -> Tensor:
        return _update(self, np.true_divide, other, "/=")

    def __setitem__(self, index: Any, value: Any) -> None:
        _check_inplace(self, value, "setitem")
        value = np.asarray(value._data if isinstance(value, Tensor) else value)
        if value.dtype.kind not in "biuf" or not np.can_cast(value.dtype, self.dtype, "same_kind"):
            raise TypeError(
                f"setitem: cannot store {value.dtype} values in a tensor of dtype {self.dtype}"
            )
        data = self._data
        writable = type(data) is np.ndarray and data.flags.writeable
        target = data if writable else np.array(data)  # 0-d data is an immutable numpy scalar
        try:
            target[_plain_index(index)] = value
        except IndexError as error:
            raise IndexingError(f"setitem: {error} (tensor shape {self.shape})") from None
        except (ValueError, TypeError) as error:
            raise type(error)(
                f"setitem: cannot store a value of shape {value.shape} at index {index!r} of a "
                f"tensor of shape {self.shape} ({error})"
            ) from None
        if not writable:
            self._data = target[()] if target.ndim == 0 else target
        self._mark_changed(replaced=not writable)

    def _mark_changed(self, replaced: bool = False) -> None:
        """Count a change of the data, and tell the node that made this tensor, if any."""
        self._version += 1
        self._changed_at = next(change_clock)
        if replaced:
            self._replaced_at = self._changed_at
        if self.grad_fn is not None:
            # NOTE: the node's saved output (exp and sigmoid keep theirs) is this array.
            self.grad_fn._output_version = self._version

    # ---------------------------------------------------- copying and pickling

    def __getstate__(self) -> dict[str, Any]:
        # As in PyTorch, a pickled tensor is a leaf: the graph that made it is not saved.
        state = {"data": self._data, "requires_grad": self.requires_grad}
        if self.name is not None:
            state["name"] = self.name
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._data = state["data"]
        self.grad = None
        self.requires_grad = state["requires_grad"]
        self.grad_fn = None
        if "name" in state:
            self.name = state["name"]

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                f"deepcopy: only leaf tensors (made by the user, not computed by an op) can be "
                f"deep-copied; this one was computed by '{self.grad_fn.name}' and is part of a "
                "graph (copy `t.detach()` instead)"
            )
        new = object.__new__(type(self))
        memo[id(self)] = new
        new.__setstate__(self.__getstate__())
        if isinstance(new._data, np.ndarray):
            new._data = np.array(new._data, copy=True)
        new.grad = copy.deepcopy(self.grad, memo)
        return new

    # ---------------------------------------------------------------- methods

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def neg(self) -> Tensor:
        return _ops.neg(self)

    def pow(self, exponent: Any) -> Tensor:
        return _ops.pow(self, exponent)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        return _ops.clip(self, min, max)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        return _ops.clip(self, min, max)

    def maximum(self, other: Any) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return _ops.minimum(self, other)

    def sum(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.sum(self, dim, keepdim, **aliases)

    def mean(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.mean(self, dim, keepdim, **aliases)

    def prod(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.prod(self, dim, keepdim, **aliases)

    def max(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
        return _ops.max(self, dim, keepdim, **aliases)

    def min(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
        return _ops.min(self, dim, keepdim, **aliases)

    def amax(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.amax(self, dim, keepdim, **aliases)

    def amin(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.amin(self, dim, keepdim, **aliases)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.var(self, dim, unbiased, keepdim, **kw)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.std(self, dim, unbiased, keepdim, **kw)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.norm(self, p, dim, keepdim, **kw)

    def logsumexp(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.logsumexp(self, dim, keepdim, **aliases)

    def cumsum(self, dim: Any = None, **kw: Any) -> Tensor:
        return _ops.cumsum(self, dim, **kw)

    def softmax(self, dim: Any = -1, dtype: Any = None, **aliases: Any) -> Tensor:
        return _ops.softmax(self, dim, dtype, **aliases)

    def log_softmax(self, dim: Any = -1, dtype: Any = None, **aliases: Any) -> Tensor:
        return _ops.log_softmax(self, dim, dtype, **aliases)

    def argmax(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.argmax(self, dim, keepdim, **aliases)

    def argmin(self, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Tensor:
        return _ops.argmin(self, dim, keepdim, **aliases)

    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def permute(self, *dims: Any) -> Tensor:
        return _ops.permute(self, *dims)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def swapaxes(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        return _ops.t(self)

    @property
    def mT(self) -> Tensor:  # noqa: N802 (PyTorch's name)
        return _ops.matrix_transpose(self)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, dim: Any = None, **aliases: Any) -> Tensor:
        return _ops.squeeze(self, dim, **aliases)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def expand_dims(self, axis: Any) -> Tensor:
        return _ops.expand_dims(self, axis)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return _ops.broadcast_to(self, shape)

    def matmul(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    # --------------------------------------------------- python and numpy glue

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        data = np.asarray(self._data)
        if dtype is not None and dtype != data.dtype:
            return data.astype(dtype)
        return data.copy() if copy else data

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> bool:
        return bool(self._data)

    def __float__(self) -> float:
        return float(self._data)

    def __int__(self) -> int:
        return int(self._data)

    def __index__(self) -> int:
        if self.dtype.kind not in "iu" or self.ndim != 0:
            raise TypeError("only 0-d integer tensors can be used as an index")
        return int(self._data)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extras = []
        if self._data.dtype.kind == "f" and self._data.dtype != get_default_dtype():
            extras.append(f"dtype={self._data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"


# NOTE: a node notes the tick when it saves its arrays and a tensor the tick when its data
# changes, so "changed after it was saved" is one comparison, and saving costs one tick.
# next() on itertools.count is atomic, so the ticks stay unique across threads.
change_clock = itertools.count(1)


def _check_inplace(tensor: Tensor, value: Any, op: str) -> None:
    """Refuse an in-place change that the graph being recorded could not account for."""
    if not grad_enabled.get():
        return  # no_grad: optimizers, initialisation and data preparation change tensors here
    if tensor.requires_grad and tensor.grad_fn is None:
        raise RuntimeError(
            f"{op}: a leaf tensor that requires grad (shape {tensor.shape}) cannot be changed "
            "in place while the graph is being recorded (backward may need its old value); "
            "change it inside `with ag.no_grad():`, as optimizers do"
        )
    if tensor.requires_grad:
        raise RuntimeError(
            f"{op}: the tensor (shape {tensor.shape}) was computed by '{tensor.grad_fn.name}' "
            "and is part of the graph; in-place changes are not recorded, so write it out of "
            "place (`y = y + z` rather than `y += z`, `ag.where` rather than `y[mask] = v`)"
        )
    if isinstance(value, Tensor) and value.requires_grad:
        raise RuntimeError(
            f"{op}: the value requires grad but the tensor it is written into does not, and "
            "in-place changes are not recorded; write it out of place (`y = y + z`)"
        )


def _update(tensor: Tensor, ufunc: np.ufunc, other: Any, op: str) -> Tensor:
    """`tensor op= other`: in place when numpy can write into the array, else a new array."""
    _check_inplace(tensor, other, op)
    if isinstance(other, Tensor):
        other = other._data
    elif not isinstance(other, (bool, int, float, np.ndarray, np.generic)):
        other = as_array(other, op=op)
    data = tensor._data
    replaced = False
    try:
        if type(data) is np.ndarray and data.flags.writeable:
            ufunc(data, other, out=data, casting="same_kind")
        else:  # a numpy scalar or a read-only view: compute, check, and replace
            result = np.asarray(ufunc(data, other))
            if result.shape != data.shape:
                raise ValueError(f"the result would have shape {result.shape}")
            if not np.can_cast(result.dtype, data.dtype, "same_kind"):
                raise TypeError(f"the result has dtype {result.dtype}")
            result = result.astype(data.dtype, copy=False)
            tensor._data = result[()] if result.ndim == 0 else result
            replaced = True
    except (ValueError, TypeError, OverflowError) as error:
        kind = TypeError if isinstance(error, TypeError) else ValueError
        raise kind(
            f"{op}: cannot update a tensor of shape {data.shape} and dtype {data.dtype} in place "
            f"with a value of shape {np.shape(other)} ({error})"
        ) from None
    tensor._mark_changed(replaced)
    return tensor


from . import ops as _ops  # noqa: E402  (the ops are built on Tensor)
from .ops.elementwise import Add, Div, Mul, Neg, Pow, Sub  # noqa: E402
from .ops.movement import _plain_index  # noqa: E402

link()
