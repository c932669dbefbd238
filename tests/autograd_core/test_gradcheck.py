"""gradcheck, gradgradcheck and numerical_grad: they pass right gradients and catch wrong ones."""

import numpy as np
import pytest

import autograd_core as ag


class WrongSquare(ag.Function):
    """A deliberately wrong op: claims d(x^2)/dx = 3x."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * 3 * x,)


def test_numerical_grad_matches_known_derivative():
    x = ag.tensor([0.5, -1.0, 2.0], dtype="float64")
    (grad,) = ag.numerical_grad(lambda t: (t * t * t).sum(), x)
    np.testing.assert_allclose(grad, 3 * x.detach().numpy() ** 2, rtol=1e-6)


def test_numerical_grad_of_lecture_example():
    inputs = [ag.tensor(v, dtype="float64") for v in (-2.0, 5.0, -4.0)]
    grads = ag.numerical_grad(lambda x, y, z: (x + y) * z, *inputs)
    np.testing.assert_allclose([g.item() for g in grads], [-4.0, -4.0, 3.0], atol=1e-6)


def test_gradcheck_failure_names_input_element_and_both_values():
    x = ag.tensor([1.0, 2.0, -3.0], dtype="float64", requires_grad=True, name="x")
    with pytest.raises(ag.GradcheckError) as caught:
        ag.gradcheck(lambda t: WrongSquare.apply(t), x, grad_output=np.ones(3))
    message = str(caught.value)
    assert "input 0 (x)" in message
    assert "worst element (2,)" in message  # |3x - 2x| is largest at x = -3
    assert "backward gives -9" in message and "central differences give -6" in message


def test_gradcheck_passes_correct_gradients_of_several_inputs():
    a = ag.tensor(np.linspace(0.1, 1.0, 6).reshape(2, 3), requires_grad=True)
    b = ag.tensor(np.linspace(-1.0, 1.0, 3), requires_grad=True)
    assert ag.gradcheck(lambda p, q: (p * q).tanh() @ q, a, b)


def test_gradcheck_allows_for_the_rounding_of_large_outputs_but_still_catches_errors():
    # mean((x - t)**2) with entries of -1000: the loss is ~3e5, and its central differences
    # carry ~4e-5 of rounding, more than atol=1e-5 alone (found by the registry's suite)
    x = ag.tensor([[0.0, 0.0, -1e3], [0.0, -1e3, 0.0]], dtype="float64", requires_grad=True)
    target = ag.tensor([[0.0625, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype="float64")
    assert ag.gradcheck(lambda p: ((p - target) ** 2).mean(), x)
    assert ag.gradcheck(lambda p: ((p - target) ** 2).mean(), x, fast_mode=True)
    with pytest.raises(ag.GradcheckError):  # a wrong gradient (3x for 2x) still fails
        ag.gradcheck(lambda p: WrongSquare.apply(p - target).mean(), x)


def test_gradcheck_checks_only_inputs_that_require_grad():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    frozen = ag.tensor([3.0, 4.0])
    assert ag.gradcheck(lambda p, q: p * q, a, frozen)
    with pytest.raises(ValueError, match="no input requires grad"):
        ag.gradcheck(lambda q: q * 2, frozen)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class WrongCubeBackward(ag.Function):
        """Right first derivative (3x^2), but from a constant copy of x: no second derivative."""

        def forward(ctx, x):
            ctx.x_copy = x.copy()
            return x**3

        def backward(ctx, grad):
            return (grad * 3 * ag.tensor(ctx.x_copy) ** 2,)

    x = ag.tensor([0.5, 1.5], dtype="float64", requires_grad=True)
    assert ag.gradcheck(WrongCubeBackward.apply, x)
    with pytest.raises(ag.GradcheckError):
        ag.gradgradcheck(WrongCubeBackward.apply, x)
