"""Derivatives as functions: grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp.

Each transform takes a function of Tensors and gives back its derivatives, as
JAX and torch.func do. All of them rest on the one reverse sweep of
`engine.backward`, asked for the gradients w.r.t. this call's inputs only (so
no `.grad` anywhere is touched).

The maths, for y = f(x) with x in R^n and y in R^m: the Jacobian J = dy/dx is
m x n in numerator layout, J[i, j] = dy_i / dx_j (for arrays: shape
y.shape + x.shape). One backward sweep seeded with a cotangent u (y's shape)
gives the vector-Jacobian product u^T J, that is J^T u, whatever m and n are.
Everything else is built from that:

- grad:     for a scalar f (m = 1), grad f = J^T 1;
- jacobian: row i of J is e_i^T J, one vjp per output element;
- jvp:      u -> J^T u is linear, and its own vjp with cotangent v is J v
            (forward mode from two reverse sweeps, no second set of rules);
- hvp:      H v = grad_x <grad_x f(x), v> (reverse over reverse);
- hessian:  the Jacobian of the gradient.

Nesting. The backward pass is recorded (`create_graph`) exactly when the
result depends on a tensor that requires grad outside this call: an input
that requires grad (for instance the input of an enclosing `grad`), or a
tensor `f` closes over (the critic's weights in a gradient penalty). So
`grad(grad(f))` works, a penalty built from `grad` trains, and otherwise the
results are constants with no graph attached. Under `no_grad()` nothing is
recorded. Each input gets a node of its own in the graph, so an inner
derivative is never confused with an outer one that uses the same tensor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .creation import zeros, zeros_like
from .dtypes import as_array, get_default_dtype
from .engine import backward
from .grad_mode import enable_grad, is_grad_enabled
from .ops import reshape, stack
from .tensor import Tensor

# ------------------------------------------------------------------ helpers


def _track(x: Any, outer: bool, op: str) -> Tensor:
    """The tensor that stands for input `x` inside one call, with a graph node of its own."""
    if outer and isinstance(x, Tensor) and x.requires_grad:
        # NOTE: a new node (an identity reshape) rather than x itself, so the gradient
        # captured here counts only the uses of this argument, not other uses of x in f.
        return reshape(x, x.shape)
    data = x._data if isinstance(x, Tensor) else as_array(x, op=op)
    if data.dtype.kind != "f":
        data = data.astype(get_default_dtype())
    return Tensor(data, requires_grad=True)


def _trace(
    f: Callable[..., Any], args: Sequence[Any], positions: Sequence[int], op: str
) -> tuple[Any, list[Tensor], bool]:
    """Run f with the arguments at `positions` tracked: (output, tracked inputs, grad mode)."""
    outer = is_grad_enabled()
    args = list(args)
    with enable_grad():
        for i in positions:
            args[i] = _track(args[i], outer, op)
        out = f(*args)
    outs = out if isinstance(out, tuple) else (out,)
    for y in outs:
        if not isinstance(y, Tensor):
            raise TypeError(f"{op}: f must return a Tensor, got {type(y).__name__}")
    return out, [args[i] for i in positions], outer


def _depends_on_outside(root: Tensor, own: Sequence[Tensor]) -> bool:
    """True when a leaf that requires grad, other than this call's own inputs, is above `root`."""
    own_ids = {id(x) for x in own}
    stack_, seen = [(root, root.grad_fn)], set()
    while stack_:
        t, node = stack_.pop()
        if node is None:
            if t.requires_grad and id(t) not in own_ids:
                return True
        elif node not in seen:
            seen.add(node)
            edges = zip(node.inputs, node.producers, node.needs_input_grad)
            stack_.extend((x, producer) for x, producer, needed in edges if needed)
    return False


def _pullback(y: Tensor, u: Tensor | None, xs: Sequence[Tensor], record: bool) -> list[Tensor]:
    """u^T (dy/dx) for each x in xs; zeros for an x that y does not depend on."""
    grads: list[Tensor | None] = [None] * len(xs)
    if y.requires_grad:
        grads = backward(y, u, retain_graph=True, create_graph=record, inputs=xs)
    return [zeros_like(x) if g is None else g for g, x in zip(grads, xs)]


def _inner(gs: Sequence[Tensor], vs: Sequence[Tensor]) -> Tensor:
    """sum_i <g_i, v_i>: the inner product of two lists of same-shaped tensors."""
    total = (gs[0] * vs[0]).sum()
    for g, v in zip(gs[1:], vs[1:]):
        total = total + (g * v).sum()
    return total


def _shaped_like(value: Any, like: Tensor, op: str, what: str, whose: str) -> Tensor:
    """`value` as a Tensor of `like`'s dtype; a ValueError unless it has `like`'s shape."""
    t = value if isinstance(value, Tensor) else Tensor(as_array(value, op=op))
    if t.shape != like.shape:
        raise ValueError(
            f"{op}: {what} has shape {t.shape} but {whose} has shape {like.shape}; they must match"
        )
    return t if t.dtype == like.dtype else t.astype(like.dtype)


def _positions(argnums: int | Sequence[int], count: int, op: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    if not nums:
        raise ValueError(f"{op}: argnums is empty; name at least one argument to differentiate")
    for i in nums:
        if not isinstance(i, (int, np.integer)) or not -count <= i < count:
            raise ValueError(
                f"{op}: argnums {i!r} is out of range for a function called with "
                f"{count} positional argument(s) (valid: {-count} to {count - 1})"
            )
    positions = tuple(int(i) % count for i in nums)
    if len(set(positions)) != len(positions):
        raise ValueError(f"{op}: argnums {argnums} names the same argument twice")
    return positions


def _pair_up(inputs: Any, vectors: Any, op: str, what: str) -> tuple[list, list, bool]:
    """Inputs and their vectors as lists; a tuple means several inputs, anything else one."""
    single = not isinstance(inputs, tuple)
    xs, vs = ((inputs,), (vectors,)) if single else (inputs, vectors)
    if not isinstance(vs, tuple) or len(vs) != len(xs):
        got = len(vs) if isinstance(vs, tuple) else f"a {type(vs).__name__}"
        raise ValueError(f"{op}: got {len(xs)} input(s) but {got} {what}; give one per input")
    if not xs:
        raise ValueError(f"{op}: no inputs to differentiate with respect to")
    return list(xs), list(vs), single


def _scalar(out: Tensor, op: str) -> Tensor:
    if out.numel() != 1:
        raise ValueError(
            f"{op}: f must return a scalar (one-element) tensor, but it returned shape "
            f"{out.shape}; use jacobian or vjp for a vector-valued f (or reduce it, e.g. .sum())"
        )
    return out


# ------------------------------------------------------------------ gradients


def value_and_grad(
    f: Callable[..., Tensor], argnums: int | Sequence[int] = 0
) -> Callable[..., tuple[Tensor, Any]]:
    """Return a function computing (f(*args), df/d args[argnums]) for a scalar-valued f.

    The gradient has the argument's shape; with a tuple of `argnums` a tuple
    of gradients is returned.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.value_and_grad(lambda x: (x * x).sum())(ag.tensor([1.0, -3.0]))
    (tensor(10.), tensor([ 2., -6.]))
    """

    def value_and_gradient(*args: Any) -> tuple[Tensor, Any]:
        positions = _positions(argnums, len(args), "grad")
        out, xs, outer = _trace(f, args, positions, "grad")
        _scalar(out, "grad")
        record = outer and _depends_on_outside(out, xs)
        grads = _pullback(out, None, xs, record)  # J^T 1
        value = out if record else out.detach()
        return value, (grads[0] if isinstance(argnums, (int, np.integer)) else tuple(grads))

    return value_and_gradient


def grad(f: Callable[..., Tensor], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """Return the function x -> df/dx of a scalar-valued f (a tuple for a tuple of `argnums`).

    Inputs may be Tensors, arrays or numbers. Transforms nest: `grad(grad(f))`
    is the second derivative.

    Examples
    --------
    >>> import autograd_core as ag
    >>> d2 = ag.grad(ag.grad(lambda x: x ** 3))  # 6x
    >>> d2(ag.tensor(2.0))
    tensor(12.)
    """
    value_and_gradient = value_and_grad(f, argnums)

    def gradient(*args: Any) -> Any:
        return value_and_gradient(*args)[1]

    return gradient


# ------------------------------------------------- vector-Jacobian and Jacobian-vector


def vjp(f: Callable[..., Tensor], *inputs: Any) -> tuple[Tensor, Callable[[Any], tuple]]:
    """Evaluate y = f(*inputs) and return (y, vjp_fn), where vjp_fn(u) = u^T J for each input.

    u^T J (= J^T u) is what one backward sweep seeded with the cotangent u
    (y's shape) computes: sum_i u_i dy_i/dx, for each input x. `vjp_fn` can be
    called many times.

    Examples
    --------
    >>> import autograd_core as ag
    >>> y, vjp_fn = ag.vjp(lambda x: x * x, ag.tensor([1.0, 2.0]))
    >>> vjp_fn(ag.tensor([1.0, 10.0]))  # u * 2x
    (tensor([ 2., 40.]),)
    """
    out, xs, outer = _trace(f, inputs, range(len(inputs)), "vjp")
    record = outer and _depends_on_outside(out, xs)

    def vjp_fn(cotangent: Any) -> tuple[Tensor, ...]:
        u = _shaped_like(cotangent, out, "vjp", "the cotangent", "the output of f")
        differentiable_u = outer and u.requires_grad and is_grad_enabled()
        return tuple(_pullback(out, u, xs, record or differentiable_u))

    return (out if record else out.detach()), vjp_fn


def jvp(f: Callable[..., Tensor], inputs: Any, tangents: Any) -> tuple[Tensor, Any]:
    """Evaluate y = f(*inputs) and the Jacobian-vector product J v: (y, J v).

    Forward mode from two reverse sweeps. The map u -> J^T u is linear in u,
    so its own vector-Jacobian product with cotangent v is (J^T)^T v = J v:

        J v = d/du <J^T u, v>   (at any u; we take u = 0)

    The first sweep records J^T u as a function of u (create_graph), the
    second differentiates <J^T u, v> with respect to u. `inputs` and
    `tangents` are tuples for several inputs (J v then sums over them), or
    one tensor each.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.jvp(lambda x: x * x, ag.tensor([1.0, 2.0]), ag.tensor([1.0, 10.0]))  # 2x * v
    (tensor([1., 4.]), tensor([ 2., 40.]))
    """
    xs, vs, _ = _pair_up(inputs, tangents, "jvp", "tangent(s)")
    out, xs, outer = _trace(f, xs, range(len(xs)), "jvp")
    vs = [
        _shaped_like(v, x, "jvp", f"tangent {i}", f"input {i}")
        for i, (v, x) in enumerate(zip(vs, xs))
    ]
    u = zeros(out.shape, dtype=out.dtype, requires_grad=True)
    transposed = _pullback(out, u, xs, record=True)  # J^T u, recorded as a function of u
    projected = _inner(transposed, vs)  # <J^T u, v>
    record = outer and _depends_on_outside(projected, [*xs, u])
    (jv,) = _pullback(projected, None, [u], record)  # d/du <J^T u, v> = J v
    return (out if record else out.detach()), jv


# ------------------------------------------------------ Jacobians and Hessians


def _jacobian_blocks(y: Tensor, xs: Sequence[Tensor], record: bool) -> list[Tensor]:
    """dy/dx for each x in xs, shape y.shape + x.shape, one row e_i^T J per backward sweep."""
    if y.numel() == 0:
        return [zeros(y.shape + x.shape, dtype=x.dtype) for x in xs]
    rows = []
    for i in range(y.numel()):  # one sweep per output element: the Jacobian has numel rows
        basis = np.zeros(y.numel(), dtype=y.dtype)
        basis[i] = 1.0
        rows.append(_pullback(y, Tensor(basis.reshape(y.shape)), xs, record))
    # per input: numel rows of x.shape -> (y.numel(), *x.shape) -> (*y.shape, *x.shape)
    return [stack([row[k] for row in rows]).reshape(y.shape + x.shape) for k, x in enumerate(xs)]


def jacobian(f: Callable[..., Any], *inputs: Any) -> Any:
    """The Jacobian of f at `inputs` in numerator layout: J[i..., j...] = d y[i...] / d x[j...].

    Its shape is y.shape + x.shape. It is built a row at a time, one
    vector-Jacobian product e_i^T J per element of y. With several inputs
    the result is a tuple (one Jacobian per input); if f returns a tuple of
    tensors, a tuple over the outputs of those.

    Examples
    --------
    >>> import autograd_core as ag
    >>> A = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> ag.jacobian(lambda x: A @ x, ag.tensor([0.5, -1.0]))  # a linear map's Jacobian is A
    tensor([[1., 2.],
            [3., 4.],
            [5., 6.]])
    """
    out, xs, outer = _trace(f, inputs, range(len(inputs)), "jacobian")
    outs = out if isinstance(out, tuple) else (out,)
    record = outer and any(_depends_on_outside(y, xs) for y in outs)
    blocks = [_jacobian_blocks(y, xs, record) for y in outs]
    per_output = [b[0] if len(xs) == 1 else tuple(b) for b in blocks]
    return tuple(per_output) if isinstance(out, tuple) else per_output[0]


def hessian(f: Callable[..., Tensor], *inputs: Any) -> Any:
    """The Hessian of a scalar f, H[i..., j...] = d^2 f / dx[i...] dx[j...]: the Jacobian of grad f.

    Its shape is x.shape + x.shape; with several inputs, a tuple of tuples of
    blocks, H[a][b] of shape x_a.shape + x_b.shape.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.hessian(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]))  # diag(6x)
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    argnums = 0 if len(inputs) == 1 else tuple(range(len(inputs)))
    return jacobian(grad(f, argnums), *inputs)


def hvp(f: Callable[..., Tensor], inputs: Any, v: Any) -> tuple[Tensor, Any]:
    """A Hessian-vector product without forming the Hessian: (f(inputs), H v).

    Reverse over reverse: the gradient g(x) = grad f(x) is recorded as a
    function of x, and H v = grad_x <g(x), v>, since d/dx_j sum_i g_i v_i =
    sum_i H[i, j] v_i and H is symmetric. It costs about one forward and two
    backward sweeps, however many parameters there are. `inputs` and `v` are
    tuples for several inputs, or one tensor each.

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.hvp(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0]))  # 6x v
    (tensor(9.), tensor([ 6., 12.]))
    """
    xs, vs, single = _pair_up(inputs, v, "hvp", "vector(s)")
    out, xs, outer = _trace(f, xs, range(len(xs)), "hvp")
    _scalar(out, "hvp")
    vs = [
        _shaped_like(w, x, "hvp", f"vector {i}", f"input {i}")
        for i, (w, x) in enumerate(zip(vs, xs))
    ]
    gradients = _pullback(out, None, xs, record=True)  # g(x), recorded as a function of x
    projected = _inner(gradients, vs)  # <g(x), v>
    record = outer and _depends_on_outside(projected, xs)
    products = _pullback(projected, None, xs, record)  # grad_x <g(x), v> = H v
    return (out if record else out.detach()), (products[0] if single else tuple(products))
