"""Fuzzing of every public entry point with valid and invalid arguments (hypothesis).

Every call gets random shapes (0-d and empty included), dtypes (float16/32/64, signed and
unsigned ints, bool), strides (reversed and transposed views), axes, paddings and kernel
sizes, and must either return the right answer (checked against numpy or PyTorch, shape
included) or raise TypeError/ValueError with a message that names the op or layer. An
IndexError that is not also a ValueError, a ZeroDivisionError, or a raw numpy error without
the op's name fails the test, as does any other exception.

A refusal is correct only where the reference refuses too, or where `REFUSALS` lists it
with its reason (a deliberate difference): refusing what numpy or PyTorch accept, unlisted,
fails. The numpy half runs without PyTorch; only the layer, loss and optimizer comparisons
need it. `test_fuzz_covers_every_registered_op` derives the fuzzed set from the registry,
so a new op fails that test, by name, until a fuzz test covers it.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import given as _given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
import nn
from autograd_core.dtypes import scalar_array
from autograd_core.op_samples import SAMPLES, draw_call

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(
    torch is None, reason="compares with PyTorch: pip install -e '.[torch]'"
)


def given(**strategies):
    """hypothesis's `given`, with the same examples on every run (a refusal found by chance
    must not fail someone else's unrelated run; HYPOTHESIS_PROFILE=thorough explores more)."""
    return lambda test: settings(derandomize=True)(_given(**strategies)(test))


DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8", "bool")
FLOATS = ("float16", "float32", "float64")
TOLERANCE = {"float16": 2e-2, "float32": 2e-5, "float64": 1e-10}


# ------------------------------------------------------------------ helpers


class RefusedError(Exception):
    """The call raised a clean TypeError/ValueError; carries it for further checks."""


# Refusals where numpy or PyTorch accept the call: (op, pattern of our message) -> why.
# numpy is the reference of the array ops; PyTorch's verdict is noted where it differs.
_NO_AXES = r"axis -?\d+ is out of range for a 0-d tensor"
_UNBATCHED = r"expected input of shape \(N, (C|\d+), H, W\), got \(\d+, \d+, \d+\)"
REFUSALS: dict[tuple[str, str], str] = {
    **{
        (op, _NO_AXES): "axis 0/-1 of a 0-d tensor: numpy and PyTorch treat it as one axis of "
        "length 1; the engine says a 0-d tensor has no axes (open: PyTorch's dim rule, issue 12)"
        for op in (
            "sum",
            "max",
            "min",
            "logsumexp",
            "softmax",
            "log_softmax",
            "argmax",
            "argmin",
            "squeeze",
        )
    },
    ("abs", r"ufunc 'sign'.*BoolDType"): "abs of a bool tensor: PyTorch refuses it too",
    ("neg", r"boolean negative"): "-x of a bool tensor: PyTorch refuses it too (use ~x)",
    ("pad", r"pad_width. must be of integral type"): "an empty width list for a 0-d tensor: "
    "nothing to pad, numpy returns the scalar; the engine reads [] as float widths (open)",
    ("setitem", r"cannot store int\d+ values in a tensor of dtype (bool|uint8)"): "storing a "
    "Python int into a bool or unsigned tensor: numpy and PyTorch cast; the engine refuses a "
    "cast that could change the value (open: PyTorch casts)",
    **{
        (layer, r"(kernel_size|stride|dilation) must be positive"): "a zero kernel, stride or "
        "dilation: PyTorch builds the layer and fails at the first forward; refused at once"
        for layer in ("Conv2d", "ConvTranspose2d")
    },
    **{
        (layer, _UNBATCHED): "an unbatched (C, H, W) input: PyTorch accepts it; the engine's "
        "layers take (N, C, H, W) only (add a batch axis)"
        for layer in ("Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d")
    },
    ("MSELoss", r"target shape .* must equal input shape"): "targets of another shape: PyTorch "
    "broadcasts them with a warning (almost always a bug in the caller); refused",
    **{
        (name, r"learning rate must be positive, got 0\.0"): "lr=0: PyTorch accepts a learning "
        "rate of 0 (a no-op step); refused as a mistake"
        for name in ("SGD", "Adam", "AdamW")
    },
    **{
        (
            name,
            r"expected input of shape .*got \((\d+, )*0(, \d+)*\)|more than 1 value per "
            r"channel",
        ): "an input with an empty axis: PyTorch returns an empty result; refused"
        for name in ("BatchNorm1d", "BatchNorm2d")
    },
    ("Upsample", r"expected input of shape \(N, C, \*spatial\)"): "an input without batch "
    "and channel axes: PyTorch refuses it too (the numpy reference here is shape-agnostic)",
    ("Upsample", r"output size .* must be at least 1"): "an empty input: PyTorch refuses it too",
    ("Flatten", r"expected input of shape with axes start_dim and end_dim"): "a 1-d input to "
    "Flatten(start_dim=1): PyTorch refuses it too (no axis 1; the numpy reference reshapes it)",
}


def assert_listed(error: BaseException, names, peer: str) -> None:
    """A refusal of a call that `peer` (numpy or torch) accepted must be in REFUSALS."""
    names = (names,) if isinstance(names, str) else names
    message = str(error.__cause__ or error)
    listed = [
        reason for (op, pattern), reason in REFUSALS.items()
        if op in names and re.search(pattern, message)
    ]  # fmt: skip
    assert listed, f"{names}: refused what {peer} accepts, and REFUSALS does not list it: {message}"


def call(fn, names):
    """Run `fn()`; a clean refusal (TypeError/ValueError naming one of `names`) raises
    `RefusedError`, anything else propagates and fails the test."""
    names = (names,) if isinstance(names, str) else names
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    except (TypeError, ValueError) as error:
        message = str(error)
        assert any(name in message for name in names), (
            f"{type(error).__name__} does not name {names}: {message}"
        )
        raise RefusedError(error) from error


def verdict(fn):
    """What `fn()` returns (a layer, an optimizer), or the exception it raised."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    except Exception as error:  # the reference's own verdict on bad input
        return error


def reference(fn):
    """numpy's answer, or the exception numpy raised."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(fn())
    except Exception as error:  # numpy's own verdict on bad input
        return error


def check(ours_fn, ref_fn, names, tolerance=None):
    """Ours must equal numpy's result (shape, values), or refuse cleanly; where numpy
    refuses, ours must refuse too."""
    expected = reference(ref_fn)
    try:
        out = call(ours_fn, names)
    except RefusedError as refusal:
        if not isinstance(expected, Exception):
            assert_listed(refusal, names, "numpy")
        return None
    assert not isinstance(expected, Exception), f"numpy refused ({expected!r}) but we returned"
    actual = np.asarray(out.detach().numpy() if isinstance(out, ag.Tensor) else out)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    if expected.dtype.kind in "biu" and actual.dtype.kind in "biu":
        np.testing.assert_array_equal(actual, expected)
    else:
        rtol = tolerance or TOLERANCE.get(str(actual.dtype), 1e-5)
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(
                actual.astype(np.float64), expected.astype(np.float64),
                rtol=rtol, atol=rtol, equal_nan=True,
            )  # fmt: skip
    return out


@st.composite
def arrays(draw, dtypes=DTYPES, min_dims=0, max_dims=3, min_side=0, max_side=3, finite=False):
    """An array of a random dtype and shape, sometimes a reversed or transposed view."""
    dtype = np.dtype(draw(st.sampled_from(dtypes), label="dtype"))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                  max_side=max_side), label="shape")  # fmt: skip
    if dtype.kind == "f":
        elements = st.floats(-8, 8, width=dtype.itemsize * 8)
        if not finite:
            elements = elements | st.sampled_from([np.nan, np.inf, -np.inf, 0.0])
    elif dtype.kind == "b":
        elements = st.booleans()
    else:
        low = 0 if dtype.kind == "u" else -8
        elements = st.integers(low, 8)
    array = draw(hnp.arrays(dtype, shape, elements=elements), label="array")
    layout = draw(st.sampled_from(["contiguous", "reversed", "transposed"]), label="layout")
    if layout == "reversed" and array.ndim:
        array = array[::-1]  # negative strides
    elif layout == "transposed" and array.ndim > 1:
        array = np.ascontiguousarray(array.T).T  # same values, Fortran strides
    return array


def axes(ndim):
    """None, an int or a tuple of ints: in range, negative, out of range or repeated."""
    one = st.integers(-ndim - 2, ndim + 1)
    return st.none() | one | st.lists(one, max_size=3).map(tuple)


def tensor(array, requires_grad=False):
    grad = requires_grad and array.dtype.kind == "f"
    return ag.Tensor(array, requires_grad=grad)


# ---------------------------------------------------------- elementwise ops

UNARY = {
    "exp": (ag.exp, np.exp),
    "log": (ag.log, np.log),
    "sqrt": (ag.sqrt, np.sqrt),
    "tanh": (ag.tanh, np.tanh),
    "abs": (ag.abs, np.abs),
    "relu": (ag.relu, lambda x: np.maximum(x, 0)),
    "sigmoid": (ag.sigmoid, lambda x: 1 / (1 + np.exp(-np.asarray(x, np.float64)))),
    "neg": (lambda x: -x, np.negative),
    "isnan": (ag.isnan, np.isnan),
    "isinf": (ag.isinf, np.isinf),
    "isfinite": (ag.isfinite, np.isfinite),
    "logical_not": (ag.logical_not, np.logical_not),
    "detach": (ag.detach, np.asarray),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_fuzz_unary_ops(name, data):
    ours, ref = UNARY[name]
    a = data.draw(arrays(), label="x")
    grad = data.draw(st.booleans(), label="requires_grad")
    if name == "neg" and a.dtype == bool:
        ref = np.logical_not  # numpy refuses -bool
    if name in ("exp", "log", "sqrt", "tanh", "sigmoid") and a.dtype.kind in "biu":
        ref = (lambda f: lambda x: f(x.astype(np.float32)))(ref)  # PyTorch: the default float
    out = check(lambda: ours(tensor(a, grad)), lambda: ref(a), name)
    if out is not None and out.requires_grad and a.size and np.isfinite(out.detach().numpy()).all():
        out.sum().backward()


BINARY = {
    "add": (ag.ops.add, np.add),
    "sub": (ag.ops.sub, np.subtract),
    "mul": (ag.ops.mul, np.multiply),
    "div": (ag.ops.div, np.true_divide),
    "pow": (ag.ops.pow, np.power),
    "maximum": (ag.maximum, np.maximum),
    "minimum": (ag.minimum, np.minimum),
    "less": (ag.less, np.less),
    "less_equal": (ag.less_equal, np.less_equal),
    "greater": (ag.greater, np.greater),
    "greater_equal": (ag.greater_equal, np.greater_equal),
    "eq": (ag.eq, np.equal),
    "not_equal": (ag.not_equal, np.not_equal),
    "logical_and": (ag.logical_and, np.logical_and),
    "logical_or": (ag.logical_or, np.logical_or),
    "logical_xor": (ag.logical_xor, np.logical_xor),
}


COMPARISONS = {"less", "less_equal", "greater", "greater_equal", "eq", "not_equal"}
COMPARISONS |= {"logical_and", "logical_or", "logical_xor"}  # booleans: no promotion either


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_fuzz_binary_ops_broadcasting(name, data):
    ours, ref = BINARY[name]
    a = data.draw(arrays(), label="x")
    kind = data.draw(st.sampled_from(["array", "same-shape", "python"]), label="operand")
    if kind == "python":
        b = data.draw(st.sampled_from([2, 0.5, True, -1.5]), label="y")
        b_ref = scalar_array(b, a.dtype)  # the engine's dtype rule for Python numbers
    else:
        b = data.draw(arrays(), label="y") if kind == "array" else a.copy()
        b_ref = b
    a_ref = a
    if name not in COMPARISONS and kind != "python":
        # The engine computes in PyTorch's promoted dtype (test_promotion.py checks that rule
        # against torch.result_type); numpy's reference computes in the same dtype.
        common = ag.result_type(tensor(a), tensor(b))
        a_ref, b_ref = a.astype(common), b.astype(common)
    grad = data.draw(st.booleans(), label="requires_grad")
    x = tensor(a, grad)
    out = check(lambda: ours(x, b if kind == "python" else tensor(b)),
                lambda: ref(a_ref, b_ref), name)  # fmt: skip
    if out is not None and out.requires_grad and out.numel() and np.isfinite(np.asarray(out)).all():
        out.sum().backward()
        assert x.grad.shape == a.shape  # the broadcast was summed back


@given(data=st.data())
def test_fuzz_operators_with_numpy_and_python_operands(data):
    a = data.draw(arrays(dtypes=FLOATS, min_dims=1), label="x")
    b = data.draw(arrays(dtypes=FLOATS), label="y")
    t = ag.Tensor(a)
    for expression, expected in [
        (lambda: t + b, lambda: a + b),
        (lambda: b - t, lambda: b - a),
        (lambda: b * t, lambda: b * a),
        (lambda: t / b, lambda: a / b),
    ]:
        check(expression, expected, ("add", "sub", "mul", "div"))
    if a.ndim >= 1 and b.ndim >= 1:
        check(lambda: t @ b, lambda: a @ b, "matmul", tolerance=1e-2)


@given(data=st.data())
def test_fuzz_where_clip_astype(data):
    a = data.draw(arrays(), label="x")
    condition = data.draw(arrays(dtypes=("bool", "int64")), label="condition")
    b = data.draw(arrays(), label="y")

    def where_ref():
        if condition.dtype != bool:
            raise TypeError("where takes a boolean condition (numpy casts; we refuse)")
        return np.where(condition, a, b)

    check(lambda: ag.where(condition, tensor(a), tensor(b)), where_ref, "where")
    low, high = data.draw(st.sampled_from([(None, None), (-1, None), (None, 2), (-1, 2), (2, -1)]))

    def clip_ref():
        if low is None and high is None:
            raise ValueError("clip needs a bound (as torch.clamp)")
        return np.clip(a, low, high)  # min > max gives max everywhere, as in PyTorch

    check(lambda: ag.clip(tensor(a), low, high), clip_ref, "clip")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    check(lambda: tensor(a, True).astype(dtype), lambda: a.astype(dtype), "astype")


# --------------------------------------------------------------- reductions

REDUCTIONS = {
    "sum": (ag.sum, np.sum),
    "mean": (ag.mean, np.mean),
    "amax": (ag.amax, np.max),
    "amin": (ag.amin, np.min),
    "all": (ag.all, np.all),
    "any": (ag.any, np.any),
    "var": (ag.var, lambda x, axis, keepdims: np.var(x, axis=axis, keepdims=keepdims, ddof=1)),
    "logsumexp": (
        ag.logsumexp,
        lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)),
    ),
}


def _numpy_axes(axis, ndim):
    """numpy accepts what we accept, except that it wraps nothing: mirror our checks.

    As in PyTorch, a 0-d tensor takes dim 0 or -1 and an empty tuple reduces all dims."""
    if isinstance(axis, tuple) and len(set(a % max(ndim, 1) for a in axis)) != len(axis):
        raise ValueError("repeated axis")
    if axis == ():
        return None
    if ndim == 0 and axis is not None:
        if any(a not in (0, -1) for a in (axis if isinstance(axis, tuple) else (axis,))):
            raise ValueError("dim out of range")
        return ()
    return axis


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_fuzz_reductions_axes_and_keepdims(name, data):
    ours, ref = REDUCTIONS[name]
    dtypes = FLOATS if name in ("var", "logsumexp") else DTYPES
    a = data.draw(arrays(dtypes=dtypes, finite=name == "logsumexp"), label="x")
    axis = data.draw(axes(a.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    method = data.draw(st.booleans(), label="as_method")
    t = tensor(a, True)

    def ours_call():
        if method:
            return getattr(t, name)(axis, keepdim=keepdims)
        return ours(t, axis, keepdim=keepdims)

    out = check(ours_call, lambda: ref(a, axis=_numpy_axes(axis, a.ndim), keepdims=keepdims),
                name, tolerance=5e-2 if a.dtype == np.float16 else None)  # fmt: skip
    if out is not None and out.requires_grad and out.numel() and np.isfinite(np.asarray(out)).all():
        out.sum().backward()
        assert t.grad.shape == t.shape


def _along(ref, a, axis):
    """`ref(a, axis)`, except that the softmax of nothing is nothing (numpy's max refuses)."""
    if a.size == 0:
        return np.sum(a, axis, keepdims=True) * a  # checks the axis, keeps the empty shape
    return ref(a, axis)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "argmax", "argmin"])
@given(data=st.data())
def test_fuzz_axis_functions(name, data):
    a = data.draw(arrays(dtypes=FLOATS, finite=True), label="x")
    axis = data.draw(st.none() | st.integers(-a.ndim - 2, a.ndim + 1), label="axis")
    if name in ("softmax", "log_softmax"):
        ref = ag.REGISTRY[name].reference
        if axis is None:  # softmax needs one axis
            with pytest.raises(TypeError, match=f"{name}: dim must be an int"):
                getattr(ag, name)(tensor(a), axis)
            return

        check(lambda: getattr(ag, name)(tensor(a, True), axis), lambda: _along(ref, a, axis), name)
    else:
        flat = a.reshape(1) if a.ndim == 0 and axis is not None else a  # 0-d takes dim 0/-1
        check(lambda: getattr(ag, name)(tensor(a), axis), lambda: getattr(np, name)(flat, axis),
              name)  # fmt: skip


# ------------------------------------------------------------------ movement


def _permute_ref(a, perm):
    if len(perm) != a.ndim:  # PyTorch: one entry per dim (none for a 0-d tensor)
        raise ValueError("permute takes one entry per dim")
    return np.transpose(a, perm)


@given(data=st.data())
def test_fuzz_reshape_transpose_flatten(data):
    a = data.draw(arrays(), label="x")
    t = tensor(a, True)
    size = a.size
    shape = data.draw(
        st.lists(st.integers(-1, 4), max_size=4).map(tuple) | st.just((size,)), label="shape"
    )
    check(lambda: t.reshape(shape), lambda: a.reshape(shape), "reshape")
    # view: as reshape where the strides allow a view of the same memory, refused elsewhere
    check(lambda: t.view(shape), lambda: np.reshape(a, shape, copy=False), "view")
    any_axes = st.lists(st.integers(-a.ndim - 1, a.ndim), max_size=a.ndim + 1).map(tuple)
    perm = data.draw(st.permutations(range(a.ndim)).map(tuple) | any_axes, label="axes")
    check(lambda: ag.permute(t, perm),
          lambda: _permute_ref(a, perm), "permute")  # fmt: skip
    start, end = data.draw(st.tuples(st.integers(-4, 4), st.integers(-4, 4)), label="flatten")

    def flat_ref():
        if a.ndim == 0:  # PyTorch: a 0-d tensor takes dims 0 and -1
            if not (-1 <= start <= 0 and -1 <= end <= 0):
                raise ValueError("dim out of range")
            return a.reshape(1)
        if not (-a.ndim <= start < a.ndim and -a.ndim <= end < a.ndim):
            raise ValueError("axis out of range")
        s, e = start % a.ndim, end % a.ndim
        if s > e:
            raise ValueError("start after end")
        return a.reshape((*a.shape[:s], int(np.prod(a.shape[s : e + 1])), *a.shape[e + 1 :]))

    check(lambda: ag.flatten(t, start, end), flat_ref, "flatten")


@given(data=st.data())
def test_fuzz_equal_is_one_bool(data):
    a = data.draw(arrays(), label="x")
    b = a.copy() if data.draw(st.booleans(), label="same") else data.draw(arrays(), label="y")
    out = check(lambda: ag.equal(tensor(a), tensor(b)),
                lambda: a.shape == b.shape and np.array_equal(a, b), "equal")  # fmt: skip
    assert type(out) is bool


@given(data=st.data())
def test_fuzz_nonzero_argwhere_unique(data):
    a = data.draw(arrays(), label="x")
    check(lambda: ag.nonzero(tensor(a)), lambda: np.argwhere(a), "nonzero")
    check(lambda: ag.argwhere(tensor(a)), lambda: np.argwhere(a), "argwhere")
    for ours, ref in zip(ag.nonzero(tensor(a), as_tuple=True), np.nonzero(np.atleast_1d(a))):
        np.testing.assert_array_equal(np.asarray(ours), ref)
    values, inverse, counts = ag.unique(tensor(a), return_inverse=True, return_counts=True)
    expected = np.unique(a, return_inverse=True, return_counts=True)
    for ours, ref in zip((values, inverse, counts), expected):
        np.testing.assert_array_equal(np.asarray(ours), np.reshape(ref, np.shape(ours)))
    check(lambda: ag.unique(tensor(a)), lambda: np.unique(a), "unique")
    axis = data.draw(axes(a.ndim), label="axis")
    check(lambda: ag.count_nonzero(tensor(a), axis),
          lambda: np.count_nonzero(a, axis=_numpy_axes(axis, a.ndim)), "count_nonzero")  # fmt: skip


@given(data=st.data())
def test_fuzz_isclose_allclose(data):
    a, b = data.draw(arrays(dtypes=FLOATS), label="x"), data.draw(arrays(dtypes=FLOATS), label="y")
    equal_nan = data.draw(st.booleans(), label="equal_nan")
    check(lambda: ag.isclose(tensor(a), tensor(b), equal_nan=equal_nan),
          lambda: np.isclose(a, b, equal_nan=equal_nan), "isclose")  # fmt: skip
    check(lambda: ag.allclose(tensor(a), tensor(b), equal_nan=equal_nan),
          lambda: np.allclose(a, b, equal_nan=equal_nan), "allclose")  # fmt: skip


@given(data=st.data())
def test_fuzz_argsort_any_dtype_nan_and_ties(data):
    a = data.draw(arrays(max_side=4), label="x")
    dim = data.draw(st.integers(-a.ndim - 1, a.ndim), label="dim")
    descending = data.draw(st.booleans(), label="descending")

    def ref():
        if a.ndim == 0 and dim in (0, -1):
            return np.zeros((), np.int64)
        if descending:  # stable: the reversed ascending order of the reversed array
            flipped = np.argsort(np.flip(a, dim), axis=dim, kind="stable")
            return a.shape[dim] - 1 - np.flip(flipped, dim)
        return np.argsort(a, axis=dim, kind="stable")

    check(lambda: ag.argsort(tensor(a), dim, descending), ref, "argsort")


@given(data=st.data())
def test_fuzz_squeeze_expand_dims_broadcast_to(data):
    a = data.draw(arrays(max_dims=4, max_side=2), label="x")
    t = tensor(a, True)
    axis = data.draw(axes(a.ndim), label="axis")

    def squeeze_ref():  # PyTorch: the named dims that do not have extent 1 stay
        named = () if axis == () else _numpy_axes(axis, a.ndim)
        named = range(a.ndim) if named is None else named
        named = named if isinstance(named, (tuple, range)) else (named,)
        extent = np.empty(a.shape).sum(axis=tuple(named), keepdims=True).shape  # checks dims
        return np.squeeze(a, tuple(d % a.ndim for d in named if a.shape[d] == 1 and extent))

    check(lambda: ag.squeeze(t, axis), squeeze_ref, "squeeze")
    new = data.draw(axes(a.ndim + 1).filter(lambda v: v is not None), label="new_axis")
    check(lambda: ag.expand_dims(t, new), lambda: np.expand_dims(a, new), "expand_dims")
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3))
    check(lambda: ag.broadcast_to(t, shape), lambda: np.broadcast_to(a, shape), "broadcast_to")


@given(data=st.data())
def test_fuzz_concatenate_stack_pad(data):
    first = data.draw(arrays(dtypes=FLOATS), label="x")
    count = data.draw(st.integers(1, 3), label="count")
    same = data.draw(st.booleans(), label="same_shapes")
    others = [first.copy() if same else data.draw(arrays(dtypes=FLOATS)) for _ in range(count)]
    pieces = [first, *others]
    axis = data.draw(st.integers(-4, 3), label="axis")
    tensors = [tensor(p, True) for p in pieces]
    check(lambda: ag.concatenate(tensors, axis), lambda: np.concatenate(pieces, axis),
          "cat")  # fmt: skip
    check(lambda: ag.stack(tensors, axis), lambda: np.stack(pieces, axis), "stack")
    widths = data.draw(
        st.integers(-1, 2) | st.tuples(st.integers(0, 2), st.integers(-1, 2))
        | st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), max_size=4), label="pad"
    )  # fmt: skip

    def pad_ref():
        if np.any(np.asarray(widths) < 0):
            raise ValueError("negative")
        return np.pad(first, widths)

    check(lambda: ag.pad(tensors[0], widths), pad_ref, "pad")


@given(data=st.data())
def test_fuzz_getitem_and_setitem(data):
    a = data.draw(arrays(min_dims=1), label="x")
    n = a.shape[0]
    index = data.draw(
        st.integers(-n - 2, n + 1)
        | st.slices(n + 2)
        | st.lists(st.integers(-n - 1, n), max_size=4).map(np.array)
        | st.just(a.astype(bool) if a.dtype.kind != "f" else ~np.isnan(a))
        | st.tuples(st.integers(-n, max(n - 1, 0)), st.just(Ellipsis), st.none())
        | st.just(1.5),
        label="index",
    )
    t = tensor(a, True)
    out = check(lambda: t[index], lambda: a[index], "getitem")
    if out is not None and out.requires_grad and out.numel() and np.isfinite(np.asarray(out)).all():
        out.sum().backward()
        assert t.grad.shape == t.shape
    target = tensor(a.copy())

    def set_ref():
        copy_ = a.copy()
        copy_[index] = 1
        return copy_

    def set_ours():
        target[index] = 1
        return target

    check(set_ours, set_ref, "setitem")


@given(data=st.data())
def test_fuzz_matmul_shapes(data):
    a = data.draw(arrays(dtypes=FLOATS, finite=True, max_dims=3), label="x")
    b = data.draw(arrays(dtypes=FLOATS, finite=True, max_dims=3), label="y")
    out = check(lambda: ag.matmul(tensor(a, True), tensor(b, True)), lambda: np.matmul(a, b),
                "matmul", tolerance=5e-2)  # fmt: skip
    if out is not None and out.numel():
        out.sum().backward()


@given(data=st.data())
def test_fuzz_creation_helpers(data):
    shape = data.draw(st.integers(-2, 3) | st.lists(st.integers(-1, 3), max_size=3).map(tuple))
    dtype = data.draw(st.sampled_from([None, *FLOATS]), label="dtype")
    for name in ("zeros", "ones", "empty", "rand", "randn"):
        ours = getattr(ag, name)
        fn = lambda ours=ours: ours(shape, dtype=dtype)  # noqa: E731
        try:
            out = call(fn, name)
        except RefusedError:
            assert any(n < 0 for n in np.atleast_1d(shape))
            continue
        assert out.shape == np.zeros(shape).shape
    check(lambda: ag.full(shape, 2.0), lambda: np.full(shape, 2.0, np.float32), "full")
    stop = data.draw(st.integers(-3, 5), label="stop")
    step = data.draw(st.integers(-2, 2), label="step")
    check(lambda: ag.arange(0, stop, step), lambda: np.arange(0, stop, step), "arange")


def test_fuzz_tensor_construction_refusals():
    for bad in ("abc", [1j], object(), [[1.0], [2.0, 3.0]]):
        with pytest.raises((TypeError, ValueError), match="Tensor"):
            ag.Tensor(bad)
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        ag.tensor([1, 2], requires_grad=True)


# ------------------------------------------------------------------ nn layers


def _torch(array):
    # a fresh C-ordered copy: torch refuses negative strides (even on size-1 axes)
    return torch.tensor(np.array(array, dtype=np.float64, order="C", copy=True))


def _copy_weights(ours, theirs):
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs.state_dict()[name].copy_(torch.tensor(value.astype(np.float64)))


@st.composite
def geometry(draw):
    """Conv and pooling settings, valid or not: kernel, stride, padding and dilation."""
    return {
        "kernel_size": draw(st.integers(0, 4) | st.tuples(st.integers(1, 3), st.integers(1, 3))),
        "stride": draw(st.integers(0, 3)),
        "padding": draw(st.integers(-1, 2)),
        "dilation": draw(st.integers(0, 2)),
    }


@needs_torch
@pytest.mark.parametrize("layer", ["Conv2d", "ConvTranspose2d"])
@given(data=st.data())
def test_fuzz_convolution_layers_match_torch(layer, data):
    g = data.draw(geometry(), label="geometry")
    groups = data.draw(st.sampled_from([1, 2]), label="groups")
    in_channels = data.draw(st.sampled_from([1, 2, 4]), label="in_channels")
    out_channels = data.draw(st.sampled_from([2, 4]), label="out_channels")
    x = data.draw(arrays(dtypes=("float64",), finite=True, min_dims=3, max_dims=4, min_side=1,
                         max_side=5), label="x")  # fmt: skip
    kwargs = dict(g, groups=groups)
    if layer == "ConvTranspose2d":
        kwargs.pop("padding")
        kwargs["padding"] = max(g["padding"], 0) if data.draw(st.booleans()) else g["padding"]
    theirs = verdict(lambda: getattr(torch.nn, layer)(in_channels, out_channels, **kwargs))
    try:
        ours = call(lambda: getattr(nn, layer)(in_channels, out_channels, **kwargs), layer)
    except RefusedError as refusal:
        if not isinstance(theirs, Exception):
            assert_listed(refusal, layer, "torch")
        return
    assert not isinstance(theirs, Exception), f"torch refused ({theirs!r}) but we built it"
    theirs, ours = theirs.double(), ours.double()  # the input is float64: so are the layers
    _copy_weights(ours, theirs)
    xt = ag.tensor(x, requires_grad=True)
    expected = reference(lambda: theirs(_torch(x)).detach().numpy())
    try:
        out = call(lambda: ours(xt), (layer, "conv"))
    except RefusedError as refusal:
        if not isinstance(expected, Exception):
            assert_listed(refusal, (layer, "conv"), "torch")
        return
    assert not isinstance(expected, Exception), f"torch refused ({expected}) but we returned"
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-8, atol=1e-8)
    out.sum().backward()
    assert xt.grad.shape == xt.shape


@needs_torch
@pytest.mark.parametrize("layer", ["MaxPool2d", "AvgPool2d"])
@given(data=st.data())
def test_fuzz_pooling_layers_match_torch(layer, data):
    g = data.draw(geometry(), label="geometry")
    if layer == "AvgPool2d":
        g.pop("dilation")
    x = data.draw(arrays(dtypes=("float64",), finite=True, min_dims=3, max_dims=4, min_side=1,
                         max_side=5), label="x")  # fmt: skip
    theirs = verdict(lambda: getattr(torch.nn, layer)(**g))
    try:
        ours = call(lambda: getattr(nn, layer)(**g), layer)
    except RefusedError as refusal:
        if not isinstance(theirs, Exception):
            assert_listed(refusal, layer, "torch")
        return
    assert not isinstance(theirs, Exception), f"torch refused ({theirs!r}) but we built it"
    expected = reference(lambda: theirs(_torch(x)).numpy())
    xt = ag.tensor(x, requires_grad=True)
    try:
        out = call(lambda: ours(xt), (layer, "pool"))
    except RefusedError as refusal:
        if not isinstance(expected, Exception):
            assert_listed(refusal, (layer, "pool"), "torch")
        return
    assert not isinstance(expected, Exception), f"torch refused ({expected}) but we returned"
    assert out.shape == expected.shape
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-10, atol=1e-10)
    if out.numel():
        out.sum().backward()


def _nearest_upsample_by_2(a):
    """Nearest-neighbour up-sampling by 2 of every spatial axis (all axes after N, C)."""
    for axis in range(2, a.ndim):
        a = a.repeat(2, axis=axis)
    return a


@needs_torch
@given(data=st.data())
def test_fuzz_simple_layers(data):
    x = data.draw(arrays(dtypes=FLOATS, finite=True, max_dims=4, max_side=3), label="x")
    features = data.draw(st.integers(1, 3), label="features")
    name, layer, ref = data.draw(st.sampled_from([
        ("Linear", lambda: nn.Linear(features, 2), None),
        ("BatchNorm1d", lambda: nn.BatchNorm1d(features), None),
        ("BatchNorm2d", lambda: nn.BatchNorm2d(features), None),
        ("Flatten", lambda: nn.Flatten(),
         lambda a: a.reshape(a.shape[0], int(np.prod(a.shape[1:])))),
        ("ReLU", lambda: nn.ReLU(), lambda a: np.maximum(a, 0)),
        ("Tanh", lambda: nn.Tanh(), np.tanh),
        ("Dropout", lambda: nn.Dropout(0.0), lambda a: a),
        ("Softmax", lambda: nn.Softmax(dim=1),
         lambda a: _along(ag.REGISTRY["softmax"].reference, a, 1)),
        ("Upsample", lambda: nn.Upsample(scale_factor=2),
         _nearest_upsample_by_2),
    ]), label="layer")  # fmt: skip
    module = layer().to(x.dtype)  # a layer refuses an input of another dtype, as torch's do
    xt = tensor(x, True)
    if ref is None:
        sizes = (features, 2) if name == "Linear" else (features,)
        torch_layer = getattr(torch.nn, name)(*sizes).double()
        _copy_weights(module, torch_layer)
        ref = lambda a: torch_layer(_torch(a)).detach().numpy()  # noqa: E731
    out = check(lambda: module(xt), lambda: ref(x), (name, name.lower(), "linear", "batch_norm",
                "softmax", "interpolate", "flatten"), tolerance=5e-2 if x.dtype == np.float16
                else 1e-4)  # fmt: skip
    if out is not None and out.requires_grad and out.numel():
        out.sum().backward()


LOSSES = {
    "CrossEntropyLoss": "cross_entropy",
    "NLLLoss": "nll_loss",
    "MSELoss": "mse_loss",
    "BCELoss": "binary_cross_entropy",
    "BCEWithLogitsLoss": "binary_cross_entropy_with_logits",
}


@needs_torch
@pytest.mark.parametrize("loss", LOSSES)
@given(data=st.data())
def test_fuzz_losses_match_torch(loss, data):
    x = data.draw(arrays(dtypes=("float64",), finite=True, min_dims=1, max_dims=3, min_side=1,
                         max_side=3), label="input")  # fmt: skip
    if loss == "BCELoss":
        x = np.abs(np.tanh(x))  # probabilities (plus out-of-range ones below)
        if data.draw(st.booleans(), label="out_of_range"):
            x = x + 1.5
    if loss in ("CrossEntropyLoss", "NLLLoss"):
        target_shape = (x.shape[0], *x.shape[2:]) if x.ndim >= 2 else ()
        high = x.shape[1] if x.ndim >= 2 else x.shape[0]
        target = data.draw(st.sampled_from(["good", "out_of_range", "float", "shape"]))
        if target == "good":
            t = data.draw(hnp.arrays(np.int64, target_shape, elements=st.integers(0, high - 1)))
        elif target == "out_of_range":
            t = np.full(target_shape, high, dtype=np.int64)
        elif target == "float":
            t = np.zeros(target_shape)
        else:
            t = np.zeros((*target_shape, 2), dtype=np.int64)
    else:
        same = data.draw(st.booleans(), label="same_shape")
        shape = x.shape if same else data.draw(hnp.array_shapes(min_dims=1, max_dims=3))
        t = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    reduction = data.draw(st.sampled_from(["mean", "sum", "none", "avg"]), label="reduction")
    expected = reference(lambda: getattr(torch.nn, loss)(reduction=reduction)(
        _torch(x), torch.tensor(t.copy())).numpy())  # fmt: skip
    xt = ag.tensor(x, requires_grad=True)
    names = (loss, LOSSES[loss], "reduction")
    try:
        module = call(lambda: getattr(nn, loss)(reduction=reduction), names)
        out = call(lambda: module(xt, ag.Tensor(t)), names)
    except RefusedError as refusal:
        if not isinstance(expected, Exception):
            assert_listed(refusal, names, "torch")
        return
    assert not isinstance(expected, Exception), f"torch refused ({expected}) but we returned"
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-8, atol=1e-8)
    out.sum().backward()
    assert np.isfinite(xt.grad.detach().numpy()).all()


@needs_torch
@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "AdamW"])
@given(data=st.data())
def test_fuzz_optimizers_hyperparameters(optimizer, data):
    lr = data.draw(st.sampled_from([-0.1, 0.0, 1e-3, 0.5]), label="lr")
    kwargs = {"lr": lr, "weight_decay": data.draw(st.sampled_from([-1.0, 0.0, 0.1]))}
    if optimizer == "SGD":
        kwargs["momentum"] = data.draw(st.sampled_from([-0.5, 0.0, 0.9]))
        kwargs["nesterov"] = data.draw(st.booleans())
    else:
        kwargs["betas"] = data.draw(st.sampled_from([(0.9, 0.999), (1.0, 0.9), (-0.1, 0.5)]))
    w = np.random.default_rng(0).standard_normal((3, 2))
    ours_param = nn.Parameter(w.copy())
    theirs_param = torch.nn.Parameter(_torch(w))
    theirs = verdict(lambda: getattr(torch.optim, optimizer)([theirs_param], **kwargs))
    try:
        opt = call(lambda: getattr(nn.optim, optimizer)([ours_param], **kwargs), optimizer)
    except RefusedError as refusal:
        if not isinstance(theirs, Exception):
            assert_listed(refusal, optimizer, "torch")
        return
    assert not isinstance(theirs, Exception), f"torch refused ({theirs!r}) but we built it"
    for _ in range(3):
        opt.zero_grad()
        (ours_param * ours_param).sum().backward()
        opt.step()
        theirs.zero_grad()
        (theirs_param * theirs_param).sum().backward()
        theirs.step()
    np.testing.assert_allclose(
        ours_param.detach().numpy(), theirs_param.detach().numpy(), 1e-10, 1e-12
    )
    assert ours_param._version >= 3


# Registered primitives with no public function of their own, and the fuzz tests that reach
# them through the layers built on them.
FUZZED_THROUGH = {
    "sliding_window": "test_fuzz_convolution_layers_match_torch, test_fuzz_pooling_layers_...",
    "window_fold": "test_fuzz_convolution_layers_match_torch (ConvTranspose2d, conv backward)",
    "window_max": "test_fuzz_pooling_layers_match_torch (MaxPool2d)",
    "window_max_scatter": "test_fuzz_pooling_layers_match_torch (MaxPool2d backward)",
    "accumulate_at": "test_fuzz_getitem_and_setitem (the backward of integer-array indexing)",
}
FUZZED = {
    *UNARY, *BINARY, *REDUCTIONS, "softmax", "log_softmax", "argmax", "argmin", "where",
    "clip", "astype", "reshape", "transpose", "flatten", "squeeze", "expand_dims",
    "broadcast_to", "concatenate", "stack", "pad", "getitem", "matmul", "view", "argsort",
    "equal", "nonzero", "argwhere", "unique", "isclose", "allclose", "count_nonzero",
}  # fmt: skip


# Every other registered op (nn's included: tests/conftest.py imports nn.testing) is fuzzed
# automatically by the next test, from its sample strategy in the registry.
AUTOMATIC = sorted(
    (spec for name, spec in ag.REGISTRY.items() if name not in FUZZED | set(FUZZED_THROUGH)),
    key=lambda spec: spec.name,
)


def _strided(array: np.ndarray, layout: str) -> np.ndarray:
    """The same values in another memory layout: reversed strides, or Fortran order."""
    if layout == "reversed" and array.ndim:
        return np.ascontiguousarray(array[::-1])[::-1]
    if layout == "transposed" and array.ndim > 1:
        return np.ascontiguousarray(array.T).T
    return array.copy()


@pytest.mark.parametrize("spec", AUTOMATIC, ids=lambda spec: spec.name)
@given(data=st.data())
def test_fuzz_registered_op_on_any_memory_layout(spec, data):
    """A valid call (the registry's sample strategy) gives the same value and gradients on
    inputs with negative or Fortran strides, and read-only ones, as on fresh C-ordered copies
    (test_ops checks the values themselves against numpy and central differences)."""
    fn, arrays = draw_call(data.draw, spec)
    layout = data.draw(st.sampled_from(["reversed", "transposed"]), label="layout")
    plain = [ag.Tensor(a.copy(), requires_grad=True) for a in arrays]
    moved = []
    for a in arrays:
        b = _strided(a, layout)
        b.flags.writeable = False
        moved.append(ag.Tensor(b, requires_grad=True))
    expected, out = fn(*plain), fn(*moved)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=1e-12, atol=1e-12)
    upstream = np.random.default_rng(0).standard_normal(out.shape)
    expected.backward(upstream)
    out.backward(upstream)
    for p, m in zip(plain, moved):
        assert (p.grad is None) == (m.grad is None), spec.name
        if p.grad is not None:
            np.testing.assert_allclose(np.asarray(m.grad), np.asarray(p.grad), 1e-12, 1e-12)


def test_fuzz_covers_every_registered_op():
    """Every op in the registry is fuzzed: by a test above, through a layer, or by the
    automatic layout test from its sample strategy (which every registered op must have)."""
    assert not set(FUZZED_THROUGH) & FUZZED
    assert set(FUZZED_THROUGH) <= set(ag.REGISTRY), set(FUZZED_THROUGH) - set(ag.REGISTRY)
    no_sample = [spec.name for spec in AUTOMATIC if spec.sample not in SAMPLES]
    assert not no_sample, f"registered ops with no sample strategy to fuzz them: {no_sample}"
    missing = set(ag.NON_DIFFERENTIABLE) - FUZZED
    assert not missing, f"non-differentiable public ops that no fuzz test calls: {missing}"


def test_fuzz_covers_every_public_function():
    """Every function in `ag.__all__` that makes tensors is fuzzed above (a new one must be):
    by name, or as a registered op by the automatic layout test, or as a second name of one."""
    fuzzed = {*FUZZED, "zeros", "ones", "empty", "full", "arange", "rand", "randn", "tensor"}
    fuzzed |= {spec.name for spec in AUTOMATIC}
    fuzzed |= {alias for alias, name in ag.ops.ALIASES.items() if name in fuzzed}
    not_ops = {
        "functional", "viz", "grad", "hessian", "hvp", "jacobian", "jvp", "value_and_grad",
        "vjp", "gradcheck", "gradgradcheck", "numerical_grad", "register", "manual_seed",
        "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled", "get_default_dtype",
        "set_default_dtype", "detect_anomaly", "is_anomaly_enabled", "set_detect_anomaly",
        "get_num_threads", "set_num_threads",  # tests/autograd_core/test_parallel.py
        "zeros_like", "ones_like", "eye",
        # creation and queries compared with torch in tests/autograd_core/test_surface.py
        "as_tensor", "from_numpy", "linspace", "randint", "randperm", "empty_like", "full_like",
        "rand_like", "randn_like", "randint_like", "is_tensor", "is_floating_point", "numel",
        "result_type", "promote_types",
    }  # fmt: skip
    public = {
        name for name in ag.__all__
        if callable(getattr(ag, name)) and not isinstance(getattr(ag, name), type)
    }  # fmt: skip
    assert public - fuzzed - not_ops - COMPARED_WITH_TORCH == set()


def test_a_refusal_where_numpy_accepts_fails_unless_listed():
    """The suite can fail: a clean ValueError from an op numpy accepts is not "correct"."""
    a = np.arange(6.0).reshape(2, 3)

    def refusing_sum():
        raise ValueError("sum: refused on purpose")

    with pytest.raises(AssertionError, match="REFUSALS does not list it"):
        check(refusing_sum, lambda: np.sum(a, axis=1), "sum")
    with pytest.raises(AssertionError, match="numpy refused"):
        check(lambda: ag.sum(ag.tensor(a), 1), lambda: np.sum(a, axis=5), "sum")
    check(refusing_sum, lambda: np.sum(a, axis=5), "sum")  # both refuse: correct


# Ops (and second names) that tests/autograd_core/test_torch_ops.py evaluates as torch
# expressions, values, gradients and error types, instead of fuzzing them here.
COMPARED_WITH_TORCH = {
    "max", "min", "prod", "norm", "std", "cumsum", "permute", "t", "unsqueeze", "cat",
    "concat", "clamp", "swapaxes", "swapdims", "neg", "pow",
}  # fmt: skip
