"""`Function`, the unit every op is made of, and the registry of ops.

An op is a `Function` subclass with `forward` (numpy arrays in, array out)
and, right below it, `backward` (upstream gradient in, one gradient per
input out, written with Tensor ops so that the backward pass can itself be
recorded). Calling `Op.apply(*inputs)` runs forward and, when grad mode is
on and an input requires grad, links the op into the graph as the new
tensor's `grad_fn`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .anomaly import anomaly_mode, check_forward
from .dtypes import Array
from .errors import ArgumentError, IndexingError, ShapeError
from .grad_mode import grad_enabled
from .inplace import change_clock, producer_for, share
from .promotion import as_tensors, promoted
from .scope import current as current_scope
from .tensor import Tensor


class OpName(str):
    """An op's name ("mul", "log_softmax"); called, it gives PyTorch's name of the
    backward node ("MulBackward0"), as `grad_fn.name()` does in PyTorch.

    Examples
    --------
    >>> import autograd_core as ag
    >>> node = (ag.ones(2, requires_grad=True) * 2).grad_fn
    >>> node.name, node.name(), node
    ('mul', 'MulBackward0', <MulBackward0>)
    """

    __slots__ = ()

    def __call__(self) -> str:
        return "".join(part.capitalize() for part in self.split("_")) + "Backward0"


class AccumulateGrad:
    """The node that `next_functions` shows for a leaf: it adds the gradient to `variable.grad`.

    One per leaf tensor (made on first use and kept on the tensor), as in PyTorch.
    """

    __slots__ = ("variable", "__weakref__")
    next_functions: tuple[()] = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    @staticmethod
    def name() -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class Function:
    """Base class of ops: subclass it, write `forward` and `backward`, call `apply`.

    Inside both methods the instance is the context `ctx` of one call: save
    what backward needs with `ctx.save_for_backward(...)`, read it back with
    `ctx.saved_tensors`, and check `ctx.needs_input_grad[i]` to skip gradients
    nobody asked for.

    Examples
    --------
    >>> import numpy as np, autograd_core as ag
    >>> class Cube(ag.Function):
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return (grad * 3 * x * x,)
    >>> ag.gradcheck(Cube.apply, ag.tensor([0.5, -2.0], dtype="float64", requires_grad=True))
    True
    """

    # NOTE: slots keep a node small; "__dict__" stays available (created only when an op
    # stores its own fields, such as ctx.axes), so ops can still save what they like.
    # `inputs` lives in `_first` and `_second` (see `inputs`).
    __slots__ = (
        "_first", "_second", "needs_input_grad", "scope", "_saved", "_output", "_recorded_at",
        "__dict__",
    )  # fmt: skip

    name: ClassVar[OpName] = OpName("")
    _first: Any
    _second: Any
    needs_input_grad: tuple[bool, ...]
    scope: tuple[Any, ...]  # the module calls this node was recorded in, outermost first
    _saved: tuple[Array | None, ...] | None
    _output: Array | None
    # NOTE: the `change_clock` tick when this node was recorded: it tells which version of
    # each input the op read (`producers`) and that saved values did not change since.
    _recorded_at: int
    _output_counter: Any = None  # the output's version counter, once it has one
    _output_at: int = 0  # for in-place nodes: the tick after their own write
    _hooks: dict[int, Callable[[Tensor], Any]] | None = None  # the output's `register_hook`s
    array_fields: ClassVar[tuple[str, ...]] = ()  # ctx fields holding arrays, freed by backward
    created_at: Any = None  # where the user made this node (recorded in anomaly mode)
    is_view: bool = False  # True for ops whose output shares the input's memory (per class,
    # or per node for getitem: slices view, integer arrays copy)
    # How the inputs' dtypes are reconciled before forward (`promotion.promoted`): "common"
    # casts them to PyTorch's result type, "float" also turns integers into the default
    # float (true division, exp, log, ...), None leaves the arrays as they are.
    promotion: ClassVar[str | None] = "common"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = OpName(cls.__dict__.get("name") or cls.__name__.lower())

    # ------------------------------------------------------- the graph, as PyTorch shows it

    # NOTE: one or two inputs (nearly every node) are kept in two slots, not in a tuple: a
    # tuple of tensors is one more object per node for the cyclic garbage collector to scan,
    # and a scalar graph is all nodes. Measured on the scalar MLP step (100 points), one
    # more tracked object per node: 645 -> 753 ms, 200 -> 305 ms of it in the collector.
    @property
    def inputs(ctx) -> tuple[Tensor, ...]:
        """The input tensors of the op, in order (of a recorded node only)."""
        second = ctx._second
        if second is _ONE_INPUT:
            return (ctx._first,)
        if second is _INPUT_TUPLE:
            return ctx._first
        return (ctx._first, second)

    @inputs.setter
    def inputs(ctx, inputs: tuple[Tensor, ...]) -> None:
        if len(inputs) == 1:
            ctx._first, ctx._second = inputs[0], _ONE_INPUT
        elif len(inputs) == 2:
            ctx._first, ctx._second = inputs
        else:
            ctx._first, ctx._second = inputs, _INPUT_TUPLE

    @property
    def next_functions(ctx) -> tuple[tuple[Any, int], ...]:
        """One (node, 0) pair per input: the node that made it, an `AccumulateGrad` for a
        leaf that requires grad, or None for a constant; PyTorch's way to walk the graph.

        Examples
        --------
        >>> import autograd_core as ag
        >>> w = ag.ones(2, requires_grad=True)
        >>> ((w * 2).sum()).grad_fn.next_functions
        ((<MulBackward0>, 0),)
        """
        return tuple((producer or _node_of(x), 0) for x, producer in zip(ctx.inputs, ctx.producers))

    @property
    def producers(ctx) -> tuple[Function | None, ...]:
        """The node that made each input when this op ran (None for a leaf or a constant).

        An input changed in place since has a newer grad_fn, but this op read (and its
        gradient flows to) the earlier version: `inplace.producer_for` finds it.
        """
        return tuple(producer_for(x, ctx) for x in ctx.inputs)

    def __repr__(ctx) -> str:
        return f"<{ctx.name()}>"

    # NOTE: each op defines `forward(ctx, x, y, ..., **params)` on numpy arrays and
    # `backward(ctx, grad)` returning one Tensor (or None) per input, with its own arguments;
    # to the type checker they are callables of any arity.
    if TYPE_CHECKING:
        forward: Callable[..., Any]
        backward: Callable[..., tuple[Tensor | None, ...]]
    else:

        def forward(ctx, *arrays, **params):
            """Compute the op on numpy arrays; save what backward needs."""
            raise NotImplementedError(f"{type(ctx).__name__} must define forward")

        def backward(ctx, grad):
            """Return dL/d(input) for each input, given grad = dL/d(output)."""
            raise NotImplementedError(f"{type(ctx).__name__} must define backward")

    # ------------------------------------------------------------------ saving

    def save_for_backward(ctx, *arrays: np.ndarray | None) -> None:
        """Keep arrays for backward (None keeps a slot empty); inputs and the output come
        back as graph tensors."""
        if ctx._saved is None:
            return  # not recording: no backward will ask for them
        ctx._saved = arrays  # saved_tensors checks nothing changed since `_recorded_at`

    @property
    def saved_tensors(ctx) -> tuple[Any, ...]:
        """The saved arrays as Tensors, linked into the graph where they are inputs or output.

        An input comes back as the input tensor itself and the output as a
        tensor made by this node, so a recorded backward can be differentiated
        again; any other array is a constant.
        """
        if ctx._saved is None:
            raise RuntimeError(
                f"{ctx.name}: its saved values were freed by an earlier backward(); "
                "pass retain_graph=True to the first backward() to walk the graph again"
            )
        if not ctx._saved:
            return ()
        saved_at = ctx._recorded_at
        second = ctx._second  # NOTE: `ctx.inputs` inlined (a property call: 1.5k instructions)
        inputs = (
            (ctx._first,) if second is _ONE_INPUT
            else ctx._first if second is _INPUT_TUPLE
            else (ctx._first, second)
        )  # fmt: skip
        tensors: list[Any] = []
        for array in ctx._saved:
            if array is None:  # a slot the op left empty (a value no gradient needs)
                tensors.append(None)
                continue
            for tensor in inputs:
                if tensor._data is array:
                    counter = tensor._counter
                    if counter is not None and counter.changed_at > saved_at:
                        _raise_modified(ctx, tensor, counter)
                    break
            else:
                is_output = array is ctx._output
                if is_output:
                    counter = ctx._output_counter
                    if counter is not None and counter.changed_at > (ctx._output_at or saved_at):
                        _raise_modified(ctx, None, counter)
                for tensor in () if is_output else inputs:
                    counter = tensor._counter  # its array was swapped: this may be the old one
                    if counter is not None and counter.replaced_at > saved_at:
                        _raise_modified(ctx, tensor, counter)
                # NOTE: a read-only view, so a backward cannot overwrite a saved value.
                if type(array) is np.ndarray and array.flags.writeable:
                    array = array.view()
                    array.flags.writeable = False
                tensor = Tensor._from_op(array, ctx if is_output and grad_enabled.get() else None)
            tensors.append(tensor)
        return tuple(tensors)

    @property
    def released(ctx) -> bool:
        """True once a backward freed the saved arrays (another backward here would be wrong)."""
        return ctx._saved is None

    # ----------------------------------------------------------------- calling

    @classmethod
    def apply(cls, *inputs: Any, **params: Any) -> Tensor:
        """Run the op on tensors (or numbers and arrays) and record it in the graph."""
        promotion = cls.promotion
        if promotion is not None:
            # NOTE: the hottest cases, one tensor or two of one dtype, without a call
            if len(inputs) == 2:
                if not (
                    isinstance(a := inputs[0], Tensor)
                    and isinstance(b := inputs[1], Tensor)
                    and a._data.dtype is b._data.dtype
                    and (promotion == "common" or a._data.dtype.kind == "f")
                ):
                    inputs = promoted(inputs, promotion)
            elif not (
                len(inputs) == 1
                and isinstance(a := inputs[0], Tensor)
                and (promotion == "common" or a._data.dtype.kind == "f")
            ):
                inputs = promoted(inputs, promotion)
        else:
            for x in inputs:
                if not isinstance(x, Tensor):
                    inputs = as_tensors(inputs)
                    break
        ctx = object.__new__(cls)
        # NOTE: unary and binary ops (nearly every call) unrolled, with no tuple built from a
        # generator: at 0-d, where the arithmetic costs 50 ns, this is a third of the call.
        if len(inputs) == 2:
            a, b = inputs
            arrays: tuple[Any, ...] = (a._data, b._data)
            record = (a.requires_grad or b.requires_grad) and grad_enabled.get()
            if record:
                ctx.needs_input_grad = _NEEDS_TWO[a.requires_grad][b.requires_grad]
                ctx._first = a  # `inputs`, without the tuple
                ctx._second = b
        elif len(inputs) == 1:
            (a,) = inputs
            arrays = (a._data,)
            record = a.requires_grad and grad_enabled.get()
            if record:
                ctx.needs_input_grad = _NEEDS_ONE
                ctx._first = a
                ctx._second = _ONE_INPUT
        else:
            arrays = tuple(map(_data_of, inputs))
            record = any(map(_requires_grad_of, inputs)) and grad_enabled.get()
            if record:
                ctx.needs_input_grad = tuple(map(_requires_grad_of, inputs))
                ctx._first = inputs
                ctx._second = _INPUT_TUPLE
        if record:
            ctx.scope = current_scope.get()
            ctx._saved = ()
            ctx._recorded_at = next(change_clock)
        else:
            ctx.needs_input_grad = (False,) * len(inputs)
            ctx._saved = None
        # NOTE: 0-d results stay numpy scalars, as numpy's own ufuncs return them:
        # wrapping each in a 0-d array would double the cost of scalar graphs.
        try:
            # NOTE: positional calls for one and two arrays: Python 3.11 inlines them, while a
            # call with `*arrays` costs 0.3 us more (at 0-d, more than the arithmetic)
            if params or not 0 < len(arrays) <= 2:
                out = ctx.forward(*arrays, **params)
            elif len(arrays) == 2:
                out = ctx.forward(arrays[0], arrays[1])
            else:
                out = ctx.forward(arrays[0])
        except (ValueError, TypeError, IndexError) as error:
            _raise_named(cls.name, error, inputs)
        if anomaly_mode.get():  # one context-variable read when anomaly detection is off
            check_forward(ctx, inputs, out, record)
        result = object.__new__(Tensor)  # Tensor._from_op, inlined on this hot path
        result._data = out
        result.grad = None
        if record:
            ctx._output = out
            result.requires_grad = True
            result.grad_fn = ctx
        else:
            result.requires_grad = False
            result.grad_fn = None
        if ctx.is_view:  # the result views the input's memory: one version counter
            share(result, inputs[0])
        return result


# `Function._second` when `_first` is the only input, or the tuple of them (none, or three
# or more)
_ONE_INPUT = object()
_INPUT_TUPLE = object()

# NOTE: shared tuples for the hot cases, indexed by the inputs' requires_grad (False, True).
_NEEDS_TWO = (((False, False), (False, True)), ((True, False), (True, True)))
_NEEDS_ONE = (True,)
_data_of = operator.attrgetter("_data")


def _node_of(tensor: Tensor) -> Any:
    if tensor.grad_fn is not None:
        return tensor.grad_fn
    if not tensor.requires_grad:
        return None
    node = tensor.__dict__.get("_grad_accumulator")
    if node is None:
        node = tensor.__dict__["_grad_accumulator"] = AccumulateGrad(tensor)
    return node


def _raise_named(name: str, error: Exception, inputs: tuple[Tensor, ...]) -> None:
    """Re-raise an error from a forward with the op's name and the input shapes in it.

    A bad value becomes an `ArgumentError` (a `ShapeError` when shapes are at fault): a
    ValueError as before, and the RuntimeError PyTorch raises for it.
    """
    bare_index_error = isinstance(error, IndexError) and not isinstance(error, ValueError)
    named = str(error).startswith(f"{name}:") and not bare_index_error
    if named and (isinstance(error, (ArgumentError, IndexError)) or type(error) is TypeError):
        raise error
    if isinstance(error, IndexError):
        kind: type[Exception] = IndexingError
    elif isinstance(error, TypeError):
        kind = TypeError
    else:
        kind = ShapeError if _about_shapes(str(error)) else ArgumentError
    if named:
        raise kind(str(error)) from error
    shapes = " and ".join(str(x.shape) for x in inputs)
    raise kind(f"{name}: {error} (input shapes {shapes})") from error


def _about_shapes(message: str) -> bool:
    return any(word in message for word in ("shape", "broadcast", "dimension", "size"))


def _raise_modified(ctx: Function, tensor: Tensor | None, counter: Any) -> None:
    if tensor is None:
        shape = None if ctx._output is None else ctx._output.shape
        what = f"the output of '{ctx.name}' (shape {shape})"
        expected = counter.version_at(ctx._output_at or ctx._recorded_at)
    else:
        what = f"one of the inputs of '{ctx.name}' (shape {tensor.shape})"
        expected = counter.version_at(ctx._recorded_at)
    where = f"; the op was created at {ctx.created_at}" if ctx.created_at else ""
    raise RuntimeError(
        f"{what} was modified in place after it was saved for backward: it is at version "
        f"{counter.value}; expected version {expected} instead{where}. Make the change after "
        "backward (or on a copy, or out of place), or compute the graph again after it"
    )


_requires_grad_of = operator.attrgetter("requires_grad")


# ---------------------------------------------------------------------- registry


@dataclass(frozen=True)
class OpSpec:
    """What the tests and the graph viewer know about one registered op.

    `call` builds the op from tensors; `sample` names the input strategy in
    `autograd_core.op_samples`; `domains` gives each input's valid values;
    `kinks` the points of the first input where the op is not smooth (the
    gradient tests keep away from them); `reference` computes the same
    forward on numpy arrays.
    """

    name: str
    call: Callable[..., Tensor]
    sample: str
    domains: tuple[str, ...]
    reference: Callable[..., Any] | None
    kinks: tuple[float, ...] = ()


REGISTRY: dict[str, OpSpec] = {}


def register(
    name: str,
    *,
    sample: str,
    domains: tuple[str, ...] = ("real",),
    kinks: tuple[float, ...] = (),
    reference: Callable[..., Any] | None = None,
) -> Callable[[Any], Any]:
    """Class or function decorator that adds a differentiable op to `REGISTRY`.

    Primitives are `Function` subclasses; composites are plain functions of
    Tensor ops, registered so that the same gradient tests cover them.
    """

    def decorate(op: Any) -> Any:
        if name in REGISTRY:
            raise ValueError(f"register: an op named {name!r} is already registered")
        primitive = isinstance(op, type) and issubclass(op, Function)
        if primitive:
            op.name = OpName(name)
        REGISTRY[name] = OpSpec(
            name=name,
            call=op.apply if primitive else op,
            sample=sample,
            domains=domains,
            reference=reference,
            kinks=tuple(kinks),
        )
        return op

    return decorate
