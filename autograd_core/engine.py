"""Reverse-mode sweep: order the graph, walk it once backward, accumulate.

The graph is the DAG of `Function` nodes hanging off `Tensor.grad_fn`. Nodes are
recorded in a topological order (each gets a later tick of the change clock than the
nodes that made its inputs), so the sweep needs no separate sort: a heap hands out
the reached node recorded last, which runs once every consumer of its output has
handed it a gradient (no recursion, so a chain of a million ops is fine); gradients
meeting at a node are summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heappop, heappush
from typing import TYPE_CHECKING, overload

import numpy as np

from .anomaly import CHECKING, anomaly_mode, check_seed, run_backward
from .errors import ShapeError
from .function import _INPUT_TUPLE, _ONE_INPUT
from .grad_mode import grad_enabled, is_grad_enabled, set_grad_enabled
from .graph_memory import note_backward, release
from .hooks import run_hooks
from .inplace import producer_for
from .tensor import Tensor

if TYPE_CHECKING:
    from .function import Function


@overload
def backward(
    root: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool = False,
    create_graph: bool = False,
    inputs: None = None,
) -> None: ...
@overload
def backward(
    root: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool = False,
    create_graph: bool = False,
    *,
    inputs: Sequence[Tensor],
) -> list[Tensor | None]: ...
def backward(
    root: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool = False,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | None = None,
) -> list[Tensor | None] | None:
    """Backpropagate from `root`, seeding it with `gradient` (ones for a scalar).

    Without `inputs`, gradients accumulate into the `.grad` of every leaf that
    requires grad. With `inputs`, their gradients are returned instead and no
    `.grad` is touched. `create_graph` records the sweep itself, so the
    gradients can be differentiated again.
    """

    if not root.requires_grad:
        raise RuntimeError(
            "backward: the tensor does not require grad and has no grad_fn "
            "(make an input with requires_grad=True, and compute it outside no_grad())"
        )
    seed = _seed_gradient(root, gradient)
    anomaly = anomaly_mode.get() == CHECKING  # read once: no cost per node when off
    if anomaly:
        check_seed(seed)
    retain_graph = retain_graph or create_graph  # a recorded backward refers to the saved values
    note_backward(root)
    targets = {id(t): i for i, t in enumerate(inputs)} if inputs is not None else None
    captured: list[Tensor | None] = [None] * len(inputs) if inputs is not None else []

    previous_mode = is_grad_enabled()
    set_grad_enabled(create_graph)
    hooked: dict[int, list] = {}  # leaves with hooks: [leaf, summed gradient]
    try:
        _deliver(root, seed, {}, targets, captured, root.grad_fn, hooked)  # the root's: seed
        if root.grad_fn is not None:
            _sweep(root.grad_fn, seed, retain_graph, targets, captured, anomaly, hooked)
        for leaf, grad in hooked.values():  # a leaf's hooks see its whole gradient, once
            _deliver(leaf, run_hooks(leaf._hooks, grad), {}, targets, captured)
    finally:
        set_grad_enabled(previous_mode)
    return captured if inputs is not None else None


def _seed_gradient(root: Tensor, gradient: Tensor | np.ndarray | float | None) -> Tensor:
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for a single-element tensor, "
                f"but the output has shape {root.shape}; pass gradient= with that shape "
                "(or reduce the output, e.g. with .sum())"
            )
        data = root._data  # NOTE: a numpy scalar for a 0-d loss; np.ones_like costs 2 us
        return Tensor._from_op(data.dtype.type(1) if data.ndim == 0 else np.ones_like(data), None)
    seed = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=root.dtype)
    if seed.shape != root.shape:
        raise ShapeError(
            f"backward: gradient has shape {seed.shape} but the output has shape {root.shape}"
        )
    return seed


def _sweep(
    start: Function, seed: Tensor, retain_graph: bool, targets, captured, anomaly, hooked
) -> None:
    """Run every node's backward once, consumers before producers.

    Nodes are recorded in a topological order: an op's inputs exist before it runs, so
    every producer has an earlier `_recorded_at` tick than its consumers. Taking the
    reached node with the latest tick first (a heap) therefore runs a node only after
    every consumer that can reach it has handed over its gradient, in one pass: no
    counting of consumers beforehand, no recursion.
    """
    pending: dict[Function, Tensor | None] = {start: seed}  # gradient w.r.t. each output
    # NOTE: the heap holds negated ticks (plain ints compare fastest); ticks are unique
    reached = {start._recorded_at: start}
    heap = [-start._recorded_at]
    stand_ins: dict[tuple[int, int], tuple[Tensor, Tensor]] = {}
    while heap:
        node = reached.pop(-heappop(heap))
        second = node._second  # NOTE: `node.inputs` inlined (a property call: 1.5k instructions)
        inputs: tuple[Tensor, ...] = (
            (node._first,) if second is _ONE_INPUT
            else node._first if second is _INPUT_TUPLE
            else (node._first, second)
        )  # fmt: skip
        grad = pending.pop(node)
        if grad is None:  # every consumer returned None: nothing flows through here
            input_grads: tuple = (None,) * len(inputs)
        else:
            if node._saved is None:
                _raise_released(node)
            if node._hooks:
                grad = run_hooks(node._hooks, grad)
            input_grads = run_backward(node, grad) if anomaly else node.backward(grad)
            if not retain_graph:
                release(node, inputs, stand_ins)
            if len(input_grads) != len(inputs):
                raise RuntimeError(
                    f"{node.name}.backward returned {len(input_grads)} gradients "
                    f"for {len(inputs)} inputs"
                )
        for tensor, needed, input_grad in zip(inputs, node.needs_input_grad, input_grads):
            if not needed:
                continue
            # NOTE: the maker of the version this node read (`Function.producers`), inlined
            producer = tensor.grad_fn if tensor._superseded is None else producer_for(tensor, node)
            if producer is not None and producer not in pending:  # reached first: schedule it
                reached[producer._recorded_at] = producer
                heappush(heap, -producer._recorded_at)
                pending[producer] = None
            if input_grad is None:
                continue
            given, wanted = input_grad._data, tensor._data
            # NOTE: `is not` first: numpy's dtypes are singletons, and `_fit_to` checks with ==
            if given.dtype is not wanted.dtype or given.shape != wanted.shape:
                input_grad = _fit_to(input_grad, tensor, node)
            if producer is None or targets is not None or tensor._retains_grad:
                _deliver(tensor, input_grad, pending, targets, captured, producer, hooked)
            else:  # the common case, inlined: an intermediate tensor
                earlier = pending[producer]
                pending[producer] = input_grad if earlier is None else _sum(earlier, input_grad)


def _raise_released(node: Function) -> None:
    raise RuntimeError(
        f"backward: trying to backward through the graph a second time (the saved "
        f"values of op '{node.name}' were freed after the first backward); pass "
        "retain_graph=True to the first backward() if you need to walk it again"
    )


def _deliver(
    tensor: Tensor, grad: Tensor, pending, targets, captured, producer=None, hooked=None
) -> None:
    """Add `grad` where it belongs: the pending gradient of `producer` (the node that
    made this version of `tensor`), the `.grad` of a leaf (or of a tensor that
    retains grad, for its current version), or the slot of a requested input.
    A leaf with hooks collects its gradient in `hooked` until the sweep ends."""
    if producer is None and hooked is not None and tensor._hooks:
        entry = hooked.get(id(tensor))
        if entry is None:
            hooked[id(tensor)] = [tensor, grad]
        else:
            entry[1] = _sum(entry[1], grad)
        return
    if targets is not None:
        slot = targets.get(id(tensor))
        if slot is not None:
            captured[slot] = grad if captured[slot] is None else _sum(captured[slot], grad)
    elif producer is None or (tensor._retains_grad and tensor.grad_fn is producer):
        tensor.grad = grad if tensor.grad is None else _sum(tensor.grad, grad)
    if producer is not None:  # (None until a consumer hands it a gradient)
        earlier = pending.get(producer)
        pending[producer] = grad if earlier is None else _sum(earlier, grad)


def _sum(a: Tensor, b: Tensor) -> Tensor:
    """a + b, for gradients meeting at a value.

    With recording off (no create_graph), one dtype and one shape, the arrays are added
    directly: an `add` op would record nothing and cost ten times the sum at 0-d. Anything
    else (a recorded backward, mixed dtypes, broadcasting) is the `add` op.
    """
    x, y = a._data, b._data
    if x.dtype is y.dtype and x.shape == y.shape and not grad_enabled.get():
        return Tensor._from_op(x + y, None)  # type: ignore[operator]  # (np.add: 3x slower at 0-d)
    return a + b


def _fit_to(grad: Tensor, tensor: Tensor, node: Function) -> Tensor:
    """Undo broadcasting and match the input's dtype; the one place this happens."""
    if grad._data.shape != tensor._data.shape:
        grad = unbroadcast(grad, tensor._data.shape)
        if grad.shape != tensor.shape:
            raise AssertionError(
                f"{node.name}.backward produced a gradient of shape {grad.shape} "
                f"for an input of shape {tensor.shape}"
            )
    if grad.dtype != tensor.dtype:
        grad = grad.astype(tensor.dtype)
    return grad


def unbroadcast(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum `grad` over the axes that broadcasting added or stretched, to get `shape`."""
    leading = grad.ndim - len(shape)
    if leading < 0:
        return grad
    stretched = tuple(
        leading + i for i, n in enumerate(shape) if n == 1 and grad.shape[leading + i] != 1
    )
    axes = tuple(range(leading)) + stretched
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape) if grad.shape != shape else grad
