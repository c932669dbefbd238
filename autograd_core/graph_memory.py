"""What a graph keeps after backward, and a warning when graphs pile up across steps.

After a backward without `retain_graph`, `release` leaves each node the
graph's shape and no data: the saved values and array fields go, and inputs
holding more than a few elements are replaced by data-free stand-ins of the
same shape and dtype (parameters, tensors that retain grad and the small
values the graph viewer prints stay). So a graph that is kept alive by
mistake (`total = total + loss` without `.item()`) costs a few kilobytes a
step, not its activations.

`note_backward` remembers each backward's root weakly; the optimizers call
`note_optimizer_step`, which warns once when roots from several earlier
steps are still alive: something keeps every step's graph.
"""

from __future__ import annotations

import warnings
import weakref
from typing import TYPE_CHECKING

import numpy as np

from .inplace import producer_for
from .tensor import Tensor

if TYPE_CHECKING:
    from .function import Function

# NOTE: after a backward without retain_graph a node keeps the graph's shape, not its data:
# inputs holding more than this many elements are replaced by data-free stand-ins (what
# the graph viewer prints, `viz.SMALL_SIZE`, stays); parameters and retained tensors stay.
_KEPT_SIZE = 4


_SHARED_NEEDS: dict[tuple[bool, ...], tuple[bool, ...]] = {}


def release(node: Function, inputs: tuple[Tensor, ...], stand_ins: dict) -> None:
    """Free what backward needed: the saved values, array fields and the data of `inputs`,
    the node's inputs (which the engine has at hand)."""
    node._saved = node._output = None  # `node.released`
    for field in node.array_fields:
        node.__dict__.pop(field, None)
    if node._output_counter is not None:
        del node._output_counter
    for tensor in inputs:
        data = tensor._data
        if type(data) is np.ndarray and data.size > _KEPT_SIZE and not _kept(tensor):
            break
    else:
        return  # scalars and parameters only: nothing to free
    needs = node.needs_input_grad
    node.needs_input_grad = _SHARED_NEEDS.setdefault(needs, needs)  # one copy of each
    # NOTE: the slots written here and each input's producer found by `_stand_in`, not
    # through the `inputs` setter and the `producers` property: a third of this function's cost
    if len(inputs) == 1:
        node._first = _stand_in(inputs[0], node, stand_ins)
    elif len(inputs) == 2:
        node._first = _stand_in(inputs[0], node, stand_ins)
        node._second = _stand_in(inputs[1], node, stand_ins)
    else:  # NOTE: a loop, not a generator: that would make every call build closure cells
        kept = []
        for tensor in inputs:
            kept.append(_stand_in(tensor, node, stand_ins))
        node._first = tuple(kept)


def _kept(tensor: Tensor) -> bool:
    return tensor._retains_grad or (tensor.grad_fn is None and tensor.requires_grad)


def _stand_in(tensor: Tensor, node: Function, stand_ins: dict) -> Tensor:
    """What `node` keeps of its input `tensor`: the tensor itself when it is kept or small,
    else a data-free tensor of its shape and dtype, made by the same producer."""
    if _kept(tensor):
        return tensor
    data = tensor._data
    producer = producer_for(tensor, node)
    if producer is None:  # data or a constant: one shared stand-in per shape and dtype
        return _constant_stand_in(np.shape(data), np.asarray(data).dtype)
    if type(data) is not np.ndarray or data.size <= _KEPT_SIZE:
        return tensor  # a small computed value: the graph viewer prints it
    key = (id(tensor), id(producer))
    entry = stand_ins.get(key)
    if entry is None:  # the tensor stays in the entry until backward ends: ids stay unique
        entry = stand_ins[key] = (tensor, _shell(data.shape, data.dtype, producer))
        entry[1].requires_grad = tensor.requires_grad
    return entry[1]


def _shell(shape: tuple[int, ...], dtype: np.dtype, producer: Function | None) -> Tensor:
    return Tensor._from_op(_no_data(shape, dtype), producer)


_CONSTANTS: dict[tuple[tuple[int, ...], np.dtype], Tensor] = {}


def _constant_stand_in(shape: tuple[int, ...], dtype: np.dtype) -> Tensor:
    shell = _CONSTANTS.get((shape, dtype))
    if shell is None:
        if len(_CONSTANTS) >= 1024:
            _CONSTANTS.clear()
        shell = _CONSTANTS[shape, dtype] = _shell(shape, dtype, None)
    return shell


_NO_DATA: dict[tuple[tuple[int, ...], np.dtype], np.ndarray] = {}


def _no_data(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A read-only array of zeros that takes no memory (stride 0), shared per shape."""
    key = (shape, dtype)
    array = _NO_DATA.get(key)
    if array is None:
        if len(_NO_DATA) >= 1024:  # a bound on what the stand-ins keep alive
            _NO_DATA.clear()
        array = _NO_DATA[key] = np.broadcast_to(np.zeros((), dtype), shape)
    return array


# ------------------------------------------------------------ kept graphs

_KEPT_STEPS = 3  # roots alive from this many earlier optimizer steps: a pile-up
_roots: list[tuple[int, weakref.ref]] = []  # (optimizer steps so far, root of a backward)
_state = {"steps": 0, "warned": False}


def note_backward(root: Tensor) -> None:
    """Remember, weakly, that a backward ran from `root` (called by `engine.backward`)."""
    if not _state["warned"]:
        _roots.append((_state["steps"], weakref.ref(root)))
        if len(_roots) > 64:
            del _roots[:32]


def note_optimizer_step() -> None:
    """Called by each optimizer step: warn once if earlier steps' graphs are still alive."""
    _state["steps"] += 1
    if _state["warned"]:
        return
    _roots[:] = [(step, ref) for step, ref in _roots if ref() is not None]
    steps = {step for step, ref in _roots if step < _state["steps"] - 1}
    if len(steps) >= _KEPT_STEPS:
        _state["warned"] = True
        _roots.clear()
        warnings.warn(
            f"the tensors that backward() started from in {len(steps)} earlier optimizer "
            "steps are still alive, each with its whole graph: something keeps every step's "
            "loss (for example `total = total + loss` or `losses.append(loss)`); keep "
            "`loss.item()` (a number) or `loss.detach()` instead",
            RuntimeWarning,
            stacklevel=3,
        )
