"""The public testing kit: gradcheck's fast mode, the strategies, and check_op on users' ops.

Each check is shown to pass a right op and to catch a wrong one (a wrong
backward, a backward that cannot be differentiated again, an op that
writes into its input).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import testing
from autograd_core.testing import check_op, conv_geometries, tensors

# ------------------------------------------------------------ users' ops


class Softplus(ag.Function):
    """out = log(1 + e^x);   dL/dx = grad * sigmoid(x)"""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * x.sigmoid(),)


class WrongSoftplus(Softplus):
    """Softplus with the derivative of tanh in place of sigmoid: wrong."""

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * (1 - x.tanh() * x.tanh()),)


class DetachedCube(ag.Function):
    """x^3 with a right first derivative computed on numpy: its backward is not recorded."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (ag.Tensor(grad.detach().numpy() * 3 * x.detach().numpy() ** 2),)


class InPlaceExp(ag.Function):
    """exp that overwrites its input: the read-only inputs of check_op must catch it."""

    def forward(ctx, x):
        np.exp(x, out=x)
        ctx.save_for_backward(x)
        return x

    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (grad * out,)


class ScaledProduct(ag.Function):
    """out = x * y * 2 with broadcasting;   dL/dx = 2 grad y, dL/dy = 2 grad x"""

    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y * 2

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * y * 2, grad * x * 2


class WrongSecondInput(ScaledProduct):
    """ScaledProduct whose gradient for y forgets the factor 2."""

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * y * 2, grad * x


# ------------------------------------------------------------ gradcheck fast mode


def test_gradcheck_fast_mode_passes_right_gradients():
    x = ag.Tensor(np.linspace(-2, 2, 200), requires_grad=True)
    y = ag.Tensor(np.linspace(0.5, 1.5, 200), requires_grad=True)
    assert ag.gradcheck(lambda a, b: ag.tanh(a) * b.log(), x, y, fast_mode=True)


def test_gradcheck_fast_mode_catches_wrong_gradient_with_both_values():
    x = ag.Tensor(np.linspace(-2, 2, 50), requires_grad=True, name="x")
    with pytest.raises(ag.GradcheckError) as caught:
        ag.gradcheck(WrongSoftplus.apply, x, fast_mode=True)
    message = str(caught.value)
    assert "fast mode" in message and "inputs 0 (x)" in message
    assert "backward gives <J^T u, v> =" in message
    assert "central differences give <u, J v> =" in message


def test_gradcheck_fast_mode_evaluates_fn_three_times_whatever_the_size():
    calls = []

    def counted(t):
        calls.append(1)
        return ag.tanh(t)

    for size in (3, 300):
        calls.clear()
        ag.gradcheck(
            counted, ag.Tensor(np.linspace(-1, 1, size), requires_grad=True), fast_mode=True
        )
        assert len(calls) == 3  # one for backward, two for the central difference


def test_gradcheck_fast_mode_matches_full_mode_verdicts_on_a_wrong_second_input():
    x = ag.Tensor(np.array([0.5, -1.0]), requires_grad=True)
    y = ag.Tensor(np.array([2.0, 3.0]), requires_grad=True)
    for fast in (False, True):
        assert ag.gradcheck(ScaledProduct.apply, x, y, fast_mode=fast)
        with pytest.raises(ag.GradcheckError):
            ag.gradcheck(WrongSecondInput.apply, x, y, fast_mode=fast)


# --------------------------------------------------------------------- strategies


@given(x=tensors((2, 3), domain="positive"), y=tensors(domain="nonzero", dtype=np.float32))
def test_tensors_strategy_gives_differentiable_tensors_in_domain(x, y):
    assert isinstance(x, ag.Tensor) and x.requires_grad and x.dtype == np.float64
    assert x.shape == (2, 3) and bool(
        (x.detach().numpy() >= 0.2).all() and (x.detach().numpy() <= 2).all()
    )
    assert y.dtype == np.float32 and bool((np.abs(y.detach().numpy()) >= 0.19).all())


@given(geometry=conv_geometries())
def test_conv_geometries_give_the_output_shape_torch_computes(geometry):
    torch = pytest.importorskip("torch")
    assert geometry.in_channels % geometry.groups == 0
    assert geometry.out_channels % geometry.groups == 0
    out = torch.nn.functional.conv2d(
        torch.zeros(geometry.input_shape),
        torch.zeros(geometry.weight_shape),
        stride=geometry.stride,
        padding=geometry.padding,
        dilation=geometry.dilation,
        groups=geometry.groups,
    )
    assert tuple(out.shape) == geometry.output_shape
    assert min(geometry.output_size) >= 1


def test_public_kit_names_are_exported_and_documented():
    for name in (
        "tensors",
        "shapes",
        "broadcastable_shapes",
        "conv_geometries",
        "check_op",
        "domain_array",
        "valid_axes",
        "indices",
        "tied_array",
        "distinct_arrays",
    ):
        assert callable(getattr(testing, name)), name
        assert f"`{name}" in testing.__doc__, f"{name} is not listed in the module docstring"


@given(data=st.data())
def test_tied_array_has_ties_and_valid_axes_are_valid(data):
    tied = testing.tied_array(data.draw, (5, 4))
    assert len(np.unique(tied)) < tied.size  # 20 values from 3 choices must repeat
    axis = testing.valid_axes(data.draw, 3)
    np.sum(np.zeros((2, 3, 4)), axis=axis)  # numpy accepts it


# ----------------------------------------------------------------------- check_op


def test_check_op_passes_a_right_op_to_second_order():
    check_op(Softplus.apply, twice=True, max_examples=15)


def test_check_op_catches_a_wrong_backward():
    with pytest.raises(ag.GradcheckError, match="backward and central differences disagree"):
        check_op(WrongSoftplus.apply, max_examples=15)


def test_check_op_catches_a_backward_that_is_not_recorded_only_when_twice():
    check_op(DetachedCube.apply, max_examples=10)
    with pytest.raises(ag.GradcheckError):
        check_op(DetachedCube.apply, twice=True, max_examples=10)


def test_check_op_catches_an_op_that_writes_into_its_input():
    with pytest.raises(ValueError, match="read-only"):
        # 0-d data is an immutable numpy scalar; arrays are where a write could slip through
        check_op(InPlaceExp.apply, shapes=((2, 3),), max_examples=5)


def test_check_op_broadcasts_several_inputs_and_names_the_wrong_one():
    check_op(ScaledProduct.apply, domains=("real", "real"), twice=True, max_examples=15)
    with pytest.raises(ag.GradcheckError, match="input 1"):
        check_op(WrongSecondInput.apply, domains=("real", "real"), max_examples=15)


def test_check_op_takes_fixed_shapes_or_a_strategy_of_shapes():
    check_op(lambda a, b: a @ b, domains=("real", "real"), shapes=((2, 3), (3, 4)), max_examples=5)
    square = st.integers(1, 3).map(lambda n: ((n, n),))
    check_op(lambda a: (a @ a.T).log_softmax(), shapes=square, max_examples=5)
    with pytest.raises(ValueError, match="check_op: got 1 shapes for 2 domains"):
        check_op(lambda a, b: a * b, domains=("real", "real"), shapes=((2,),), max_examples=2)


def test_check_op_uses_domains():
    check_op(ag.log, domains=("positive",), max_examples=10)  # log needs x > 0
    check_op(ag.maximum, domains=("distinct", "distinct"), twice=True, max_examples=10)
