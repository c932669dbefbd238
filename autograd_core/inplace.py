"""In-place changes: version counters shared by every view of the memory, and in-place ops.

PyTorch's model. Every tensor that views the same memory (`detach()`, a view
op such as `reshape` or `x[1:]`, `Tensor(x)`, tensors built on the same
ndarray) shares one `Version` counter; every in-place change through any of
them bumps it. A graph node notes the tick of the `change_clock` when it
saves its values, so "changed after it was saved" is one comparison at
backward time, and the error names the op and the versions.

In-place ops (`add_`, `+=`, `t[i] = v`, ...) on a tensor in the graph are
recorded: the new value is computed by the ordinary op from a private copy
of the old value (`_snapshot`, so backward keeps what it needs, as PyTorch
keeps `original_self`), written into the tensor's own memory (views and
aliases see it), and the node becomes the tensor's `grad_fn`: the Python
object stays the same. Outside recording they write straight into the
array. A leaf that requires grad, or a view of one, is refused while
recording (PyTorch's rule); `no_grad()` is where optimizers change weights.

Counters are created lazily: an op's result gets one only when it is
shared or changed, so the per-op path pays nothing.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import as_array
from .grad_mode import grad_enabled

if TYPE_CHECKING:
    from .function import Function
    from .tensor import Tensor

# NOTE: next() on itertools.count is atomic, so the ticks stay unique across threads.
change_clock = itertools.count(1)

_RECENT = 8  # how many change ticks a counter remembers, to name the version a save saw


class Version:
    """The version counter of one piece of memory, shared by every tensor viewing it."""

    __slots__ = ("value", "changed_at", "replaced_at", "recent", "root", "__weakref__")

    def __init__(self, root: np.ndarray | None = None) -> None:
        self.value = 0  # the number of in-place changes
        self.changed_at = 0  # the `change_clock` tick of the last change (0: never)
        self.replaced_at = 0  # the tick at which a tensor's array was swapped for another
        self.recent: list[int] = []  # the ticks of the last few changes
        self.root = root  # the ndarray owning the memory (kept for the registry's key)

    def bump(self, replaced: bool = False) -> None:
        self.value += 1
        tick = next(change_clock)
        self.changed_at = tick
        if replaced:
            self.replaced_at = tick
        self.recent.append(tick)
        if len(self.recent) > _RECENT:
            del self.recent[0]

    def version_at(self, tick: int) -> str:
        """The version the memory had at `tick`, as text ('0', or 'at most 3' when forgotten)."""
        later = sum(1 for t in self.recent if t > tick)
        forgotten = later == len(self.recent) and self.value > len(self.recent)
        return f"at most {self.value - later}" if forgotten else str(self.value - later)


def counter_of(tensor: Tensor) -> Version:
    """The tensor's counter, created on first need (and made known to the node that made it)."""
    counter = tensor._counter
    if counter is None:
        counter = tensor._counter = Version()
        node = tensor.grad_fn
        if node is not None and node._output is tensor._data:
            node._output_counter = counter  # the node's saved output is this memory
    return counter


def share(view: Tensor, base: Tensor) -> Tensor:
    """Make `view` (an alias of `base`'s memory) share base's version counter."""
    view._counter = counter_of(base)
    return view


# Counters of memory that user-built tensors wrap, by the id of the ndarray owning it.
# NOTE: a counter keeps its root array alive and the entry lives only as long as some tensor
# holds the counter, so an id is never reused while its entry exists.
_by_root: weakref.WeakValueDictionary[int, Version] = weakref.WeakValueDictionary()


def _root(array: np.ndarray) -> Any:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def counter_for_array(array: np.ndarray) -> Version:
    """The counter shared by every tensor built on (a view of) the memory of `array`."""
    root = _root(array)
    counter = _by_root.get(id(root))
    if counter is None or counter.root is not root:
        counter = Version(root)
        _by_root[id(root)] = counter
    return counter


def register_memory(tensor: Tensor) -> None:
    """Let later tensors built on this tensor's ndarray find its counter (`t.numpy()`)."""
    data = tensor._data
    if type(data) is np.ndarray:
        counter = counter_of(tensor)
        root = _root(data)
        if _by_root.get(id(root)) is None:
            counter.root = root
            _by_root[id(root)] = counter


def replace_array(tensor: Tensor, array: Any) -> None:
    """Give `tensor` new memory (`t.data = ...`): a new counter, marked as a replacement, so
    a backward that saved the old array raises."""
    old = tensor._counter
    tensor._data = array
    counter = tensor._counter = Version()
    counter.value = 0 if old is None else old.value
    counter.bump(replaced=True)


# ------------------------------------------------------------------ refusals


def _view_base(tensor: Tensor) -> Tensor | None:
    """The tensor a recorded view was taken from (through chains of views), or None."""
    base = None
    node = tensor.grad_fn
    while node is not None and node.is_view:
        base = node.inputs[0]
        node = node.producers[0]
    return base


def _refuse(tensor: Tensor, op: str) -> None:
    """Refuse, while recording, an in-place change the graph could not account for."""
    if tensor.requires_grad and tensor.grad_fn is None:
        raise RuntimeError(
            f"{op}: a leaf tensor that requires grad (shape {tensor.shape}) cannot be changed "
            "in place while the graph is being recorded (backward may need its old value); "
            "change it inside `with ag.no_grad():`, as optimizers do"
        )
    base = _view_base(tensor)
    if base is None:
        return
    if base.grad_fn is None:
        raise RuntimeError(
            f"{op}: the tensor (shape {tensor.shape}) is a view of a leaf tensor that requires "
            f"grad (shape {base.shape}); it cannot be changed in place while the graph is being "
            "recorded; change it inside `with ag.no_grad():`"
        )
    raise RuntimeError(
        f"{op}: the tensor (shape {tensor.shape}) is a view of a computed tensor (shape "
        f"{base.shape}, made by '{base.grad_fn.name}'); in-place changes of views are not "
        "recorded here: write into the tensor itself (`y[index] = new_values`) or out of "
        "place (`v = v * 2`)"
    )


# ------------------------------------------------------------------- writing


def _fit(tensor: Tensor, result: Any, op: str) -> np.ndarray:
    """`result` checked to fit `tensor` (same shape, a dtype it can hold) and converted."""
    result = np.asarray(result)
    data = tensor._data
    if result.shape != data.shape:
        raise ShapeError(
            f"{op}: cannot update a tensor of shape {data.shape} in place with a result of "
            f"shape {result.shape} (the other operand broadcasts the tensor itself)"
        )
    if not np.can_cast(result.dtype, data.dtype, "same_kind"):
        raise DTypeError(
            f"{op}: cannot update a tensor of shape {data.shape} and dtype {data.dtype} in place "
            f"with a result of dtype {result.dtype}"
        )
    return result


def _write(tensor: Tensor, result: np.ndarray) -> None:
    """Store `result` (already checked by `_fit`) in the tensor's memory and count the change."""
    data = tensor._data
    if type(data) is np.ndarray and data.flags.writeable:
        np.copyto(data, result, casting="same_kind")
        counter_of(tensor).bump()
    else:  # a numpy scalar (0-d data) or a read-only view: new memory
        result = result.astype(data.dtype, copy=True)
        tensor._data = result[()] if result.ndim == 0 else result
        counter_of(tensor).bump(replaced=True)


def _operand(value: Any, op: str) -> Any:
    if value is None or isinstance(value, (bool, int, float, np.ndarray, np.generic)):
        return value
    if _is_tensor(value):
        return value
    return as_array(value, op=op)


def _is_tensor(value: Any) -> bool:
    return isinstance(value, _Tensor)


def _recording(tensor: Tensor, args: tuple[Any, ...]) -> bool:
    if not grad_enabled.get():
        return False
    return tensor.requires_grad or any(_is_tensor(a) and a.requires_grad for a in args)


def _snapshot(tensor: Tensor) -> Tensor:
    """A stand-in for the tensor's current version: its producer, on a private copy of the
    value (so the nodes about to be recorded keep the value they read)."""
    old = _Tensor._from_op(np.array(tensor._data, copy=True), tensor.grad_fn)
    old.requires_grad = tensor.requires_grad  # hooks live on its grad_fn: they stay with it
    return old


def apply(
    tensor: Tensor, compute: Callable[..., Tensor], *args: Any, op: str, **params: Any
) -> Tensor:
    """Replace the value of `tensor` by `compute(tensor, *args, **params)`, in place.

    While recording, the computation is a node of the graph and becomes the
    tensor's `grad_fn`; otherwise it runs on the arrays and writes into them.
    """
    args = tuple(_operand(a, op) for a in args)
    if not _recording(tensor, args):
        _write(tensor, _fit(tensor, compute(tensor, *args, **params)._data, op))
        return tensor
    _refuse(tensor, op)
    old = _snapshot(tensor)
    args = tuple(old if a is tensor else a for a in args)
    result = compute(old, *args, **params)
    fitted = _fit(tensor, result._data, op)
    _write(tensor, fitted)
    _adopt(tensor, result, fitted)
    return tensor


def _adopt(tensor: Tensor, result: Tensor, written: np.ndarray) -> None:
    """Make the node that computed `result` the producer of `tensor`, whose memory now holds
    the result: the node's saved output becomes that memory, checked from now on."""
    node: Function | None = result.grad_fn
    _rebind(tensor, node)
    tensor.requires_grad = result.requires_grad
    if node is None:
        return
    out = result._data
    data = tensor._data
    if node._saved:
        node._saved = tuple(data if a is out or a is written else a for a in node._saved)
    node._output = data
    node._output_counter = counter_of(tensor)
    node._output_at = next(change_clock)


def _rebind(tensor: Tensor, node: Function | None) -> None:
    """Make `node` the tensor's grad_fn, remembering the one it replaces and when: nodes
    recorded before read the earlier version, and `producer_for` still finds its maker.

    NOTE: the list keeps nothing alive that the graph does not already hold: the new node
    reads the old version through `_snapshot`, whose grad_fn is the replaced node.
    """
    superseded = tensor.__dict__.setdefault("_superseded", [])
    superseded.append((next(change_clock), tensor.grad_fn))
    tensor.grad_fn = node


def producer_for(tensor: Tensor, node: Function) -> Function | None:
    """The node that made the version of `tensor` that `node` read: its grad_fn, unless an
    in-place op has rebound that since `node` was recorded (None for a leaf or a constant)."""
    superseded = tensor._superseded
    if superseded is not None:
        recorded_at = node._recorded_at
        for tick, producer in superseded:
            if tick > recorded_at:
                return producer
    return tensor.grad_fn


def update(tensor: Tensor, ufunc: np.ufunc, compute: Callable[..., Tensor], other: Any, op: str):
    """`tensor op= other`: numpy's ufunc into the array when not recording, else `apply`."""
    other = _operand(other, op)
    if _recording(tensor, (other,)):
        return apply(tensor, compute, other, op=op)
    data = tensor._data
    value = other._data if _is_tensor(other) else other
    if type(data) is not np.ndarray or not data.flags.writeable:
        _write(tensor, _fit(tensor, ufunc(data, value), op))
        return tensor
    try:  # numpy checks the shapes and the cast before it writes anything
        ufunc(data, value, out=data, casting="same_kind")
    except (ValueError, TypeError) as error:
        kind = DTypeError if isinstance(error, TypeError) else ShapeError
        raise kind(
            f"{op}: cannot update a tensor of shape {data.shape} and dtype {data.dtype} in place "
            f"with a value of shape {np.shape(value)} ({error})"
        ) from None
    counter_of(tensor).bump()
    return tensor


def setitem(tensor: Tensor, index: Any, value: Any) -> None:
    """`tensor[index] = value`: recorded as `index_put` on a tensor in the graph."""
    value = _operand(value, "setitem")
    array = np.asarray(value._data if _is_tensor(value) else value)
    if array.dtype.kind not in "biuf" or not np.can_cast(array.dtype, tensor.dtype, "same_kind"):
        raise DTypeError(
            f"setitem: cannot store {array.dtype} values in a tensor of dtype {tensor.dtype}"
        )
    from .ops.subscript import _plain_index

    index = _plain_index(index)
    if _recording(tensor, (value,)):
        apply(tensor, _ops_index_put, value, op="setitem", index=index)
        return
    data = tensor._data
    # 0-d data is an immutable numpy scalar, and a read-only view cannot be written: copy
    target = data if isinstance(data, np.ndarray) and data.flags.writeable else np.array(data)
    writable = target is data
    try:
        target[index] = array
    except IndexError as error:
        raise IndexingError(f"setitem: {error} (tensor shape {tensor.shape})") from None
    except (ValueError, TypeError) as error:
        raise (DTypeError if isinstance(error, TypeError) else ShapeError)(
            f"setitem: cannot store a value of shape {array.shape} at index {index!r} of a "
            f"tensor of shape {tensor.shape} ({error})"
        ) from None
    if not writable:
        tensor._data = target[()] if target.ndim == 0 else target
    counter_of(tensor).bump(replaced=not writable)


# ---------------------------------------------- the values the fill-like ops compute


def filled(x: Tensor, value: Any) -> Tensor:
    """x's shape and dtype filled with `value` (a number or a tensor broadcast to x's shape);
    the gradient reaches `value`, and x gets zeros, as after PyTorch's fill_ and copy_."""
    from .ops import astype, where

    if _is_tensor(value) and value.dtype != x.dtype:
        value = astype(value, x.dtype)
    elif not _is_tensor(value):
        value = np.asarray(value).astype(x.dtype)
    return where(np.zeros(x.shape, dtype=bool), x, value)


def masked_filled(x: Tensor, mask: Any, value: Any) -> Tensor:
    """x with `value` where the boolean `mask` (broadcast to x's shape) is true."""
    from .ops import astype, where

    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise DTypeError(f"masked_fill_: the mask must be boolean, got dtype {mask.dtype}")
    if _is_tensor(value):
        value = astype(value, x.dtype) if value.dtype != x.dtype else value
    else:
        value = np.asarray(value).astype(x.dtype)
    return where(np.broadcast_to(mask, x.shape), value, x)


def index_filled(x: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """x with `value` at the positions `index` along dimension `dim`."""
    from .ops.axes import normalize_axis

    axis = normalize_axis(dim, max(x.ndim, 1), "index_fill_")
    mask = np.zeros(x.shape[axis] if x.ndim else 1, dtype=bool)
    mask[np.asarray(index, dtype=np.int64)] = True
    shape = [1] * x.ndim
    if x.ndim:
        shape[axis] = -1
    return masked_filled(x, mask.reshape(shape), value)


def uniform(x: Tensor, a: float, b: float) -> Tensor:
    """x's shape filled with uniform samples in [a, b)."""
    from .random import default_generator

    return filled(x, default_generator().uniform(a, b, x.shape))


def normal(x: Tensor, mean: float, std: float) -> Tensor:
    """x's shape filled with normal samples."""
    from .random import default_generator

    return filled(x, default_generator().normal(mean, std, x.shape))


def _ops_index_put(x: Tensor, value: Any, index: Any) -> Tensor:
    from .ops.subscript import index_put

    return index_put(x, index, value)


from .errors import DTypeError, IndexingError, ShapeError  # noqa: E402
from .tensor import Tensor as _Tensor  # noqa: E402
