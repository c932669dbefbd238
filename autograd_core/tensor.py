"""`Tensor`: a numpy array that remembers the op that made it.

A tensor holds its value (an ndarray in the `_data` slot; scalars are 0-d,
and an op with a 0-d result keeps numpy's scalar for speed, as numpy itself
does), its gradient after backward (`.grad`), whether gradients should reach
it (`.requires_grad`) and the graph node that produced it (`.grad_fn`, None
for leaves). As in PyTorch, `.data` is another Tensor on the same memory,
outside the graph; `np.asarray(t)` and `t.numpy()` give the array. Every
operator and method below is one line that hands the work to the op that
implements it in `autograd_core.ops`, or to `autograd_core.inplace` for the
in-place forms and the version counter shared by every view of the memory.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import Array, as_array, get_default_dtype
from .errors import ArgumentError, DTypeError
from .size import Size
from .surface import TensorSurface
from .tensor_inplace import InPlaceMethods
from .tensor_inplace import link as link_inplace
from .tensor_methods import OpMethods
from .tensor_methods import link as link_methods

if TYPE_CHECKING:
    from .function import Function


class Tensor(TensorSurface, OpMethods, InPlaceMethods):
    """An n-dimensional array that records the ops applied to it.

    Examples
    --------
    >>> import autograd_core as ag
    >>> x = ag.Tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])
    """

    # NOTE: the rarely set fields (name, _retains_grad, _counter, _hooks, ...) live in a lazily
    # created __dict__ with class-level defaults, so making a tensor costs four stores. The
    # array lives in the `_data` slot: the engine reads it directly.
    __slots__ = ("_data", "grad", "requires_grad", "grad_fn", "__dict__", "__weakref__")
    _data: Array  # an ndarray, or a numpy scalar for an op's 0-d result (as numpy gives them)
    grad: Tensor | None
    requires_grad: bool
    grad_fn: Function | None  # the node that made this tensor; None for leaves
    name: str | None = None
    _retains_grad: bool = False
    _counter: Any = None  # the memory's `inplace.Version`, shared by its views (lazily made)
    _hooks: Any = None  # gradient hooks (`register_hook`), in the order they were added
    _shared_constant: bool = False  # a Python number's constant, shared by the ops using it
    # (tick, grad_fn) for each grad_fn an in-place op replaced (`inplace.producer_for`)
    _superseded: list[tuple[int, Function | None]] | None = None
    __array_ufunc__ = None  # numpy hands `array + tensor` to Tensor.__radd__

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
    ) -> None:
        source = data
        if isinstance(data, Tensor):
            data = data._data
        array = as_array(data, dtype, op="Tensor")
        if requires_grad and array.dtype.kind != "f":
            raise DTypeError(
                f"Tensor: only floating-point tensors can require grad, got dtype {array.dtype}"
            )
        self._data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.grad_fn = None
        if name is not None:
            self.name = name
        if array is data and type(array) is np.ndarray:  # the memory is shared, not copied
            if isinstance(source, Tensor):
                _inplace.share(self, source)
            else:
                self._counter = _inplace.counter_for_array(array)

    @staticmethod
    def _from_op(data: Array, grad_fn: Any) -> Tensor:
        """Wrap an op's result without the checks of `__init__` (the hot path)."""
        out = object.__new__(Tensor)
        out._data = data
        out.grad = None
        out.requires_grad = grad_fn is not None
        out.grad_fn = grad_fn
        return out

    # ------------------------------------------------------------- attributes

    @property
    def data(self) -> Tensor:
        """A tensor on the same memory, outside the graph (PyTorch's `.data`).

        As in PyTorch, changes made through it are not counted by the version
        counter (use `detach()` for an alias whose changes are checked).
        Assigning `t.data = value` (a Tensor or array) gives `t` that memory,
        with its dtype and shape.
        """
        return Tensor._from_op(self._data, None)

    @data.setter
    def data(self, value: Any) -> None:
        array = value._data if isinstance(value, Tensor) else as_array(value, op="Tensor.data")
        if array is self._data:  # `t.data -= x` stores the same memory back
            return
        if self.requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"Tensor.data: a tensor that requires grad cannot hold {array.dtype} data"
            )
        _inplace.replace_array(self, array)

    @property
    def _version(self) -> int:
        """How many in-place changes the memory has had (through this tensor or an alias)."""
        counter = self._counter
        return 0 if counter is None else counter.value

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
        if self._data.size != 1:
            raise ArgumentError(
                f"item: a tensor with {self._data.size} elements (shape {self.shape}) cannot be "
                "converted to a Python number; index one element first, or use .tolist()"
            )
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied), as PyTorch's `numpy()`.

        Refused on a tensor that requires grad (writing into the array would
        bypass the graph): use `t.detach().numpy()`, or `np.asarray(t)` to read.
        """
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy() (or np.asarray(tensor) to read the values)"
            )
        _inplace.register_memory(self)
        return np.asarray(self._data)

    def tolist(self) -> Any:
        return self._data.tolist()

    def detach(self) -> Tensor:
        """A tensor sharing this memory and its version counter, cut off from the graph."""
        return _inplace.share(Tensor._from_op(self._data, None), self)

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

    def register_hook(self, hook: Any) -> Any:
        """Call `hook(grad)` with this tensor's gradient during backward; a returned value
        replaces the gradient. Returns a handle whose `remove()` takes the hook off.

        As in PyTorch, the hook belongs to this version of the tensor (an in-place change
        later does not move it) and runs under `create_graph=True` too.

        Examples
        --------
        >>> import autograd_core as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> (x * x).sum().backward(); x.grad
        tensor([20., 40.])
        """
        from .hooks import add_hook

        return add_hook(self, hook)

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

    # ---------------------------------------------------- copying and pickling

    def __getstate__(self) -> dict[str, Any]:
        # As in PyTorch, a pickled tensor is a leaf: the graph that made it is not saved.
        state: dict[str, Any] = {"data": self._data, "requires_grad": self.requires_grad}
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

    # --------------------------------------------------- python and numpy glue

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        data = np.asarray(self._data)
        if dtype is not None and dtype != data.dtype:
            return data.astype(dtype)
        if copy:
            return data.copy()
        if self.requires_grad and data.flags.writeable:
            # NOTE: for reading only: a write would bypass the version counter (PyTorch
            # refuses np.asarray of a tensor that requires grad; see docs/pytorch.md).
            data = data.view()
            data.flags.writeable = False
        return data

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

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
        body = np.array2string(np.asarray(self._data), separator=", ", prefix="tensor(")
        extras = []
        if self._data.dtype.kind == "f" and self._data.dtype != get_default_dtype():
            extras.append(f"dtype={self._data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"


from . import inplace as _inplace  # noqa: E402
from . import ops as _ops  # noqa: E402  (the ops are built on Tensor)
from .ops.elementwise import Add, Div, Mul, Neg, Pow, Sub  # noqa: E402

link_methods()
link_inplace()
