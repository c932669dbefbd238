"""Derivatives as functions (autograd_core.functional) against closed forms and central differences.

Expected values come from the maths (diag(2x), a linear map's matrix, A + A^T,
the derivatives of tanh), from numpy, from central differences, and from
PyTorch where it is installed; never from a previous run.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
from autograd_core.functional import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp


def arrays(shape, low=-2.0, high=2.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, allow_subnormal=False))


small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)
sides = st.integers(1, 4)


def mixer(x, y):
    """A vector function of two inputs with a dense, nonlinear Jacobian: shape (3,)."""
    return ag.stack([(ag.tanh(x) * y).sum(), (x * x).sum() * y[0], ag.logsumexp(x + y)])


# ------------------------------------------------------------------- Jacobians


@given(x=small_shapes.flatmap(arrays))
def test_jacobian_of_elementwise_square_is_diag_2x(x):
    J = jacobian(lambda t: t * t, x)
    expected = np.diag(2 * x.ravel()).reshape(x.shape + x.shape)
    assert J.shape == x.shape + x.shape
    np.testing.assert_allclose(J.detach().numpy(), expected, rtol=1e-12, atol=0)


@given(data=st.data(), m=sides, n=sides)
def test_jacobian_of_linear_map_is_its_matrix(data, m, n):
    A = data.draw(arrays((m, n)), label="A")
    x = data.draw(arrays((n,)), label="x")
    np.testing.assert_allclose(
        jacobian(lambda t: ag.Tensor(A) @ t, x).detach().numpy(), A, rtol=1e-12
    )


@given(data=st.data())
def test_jacobian_matches_central_differences_row_by_row(data):
    x, y = data.draw(arrays((3,)), label="x"), data.draw(arrays((3,)), label="y")
    Jx, Jy = jacobian(mixer, x, y)
    assert Jx.shape == (3, 3) and Jy.shape == (3, 3)
    for i in range(3):
        row = np.eye(3)[i]
        nx, ny = ag.numerical_grad(mixer, ag.Tensor(x), ag.Tensor(y), grad_output=row)
        np.testing.assert_allclose(Jx.detach().numpy()[i], nx, atol=1e-6)
        np.testing.assert_allclose(Jy.detach().numpy()[i], ny, atol=1e-6)


def test_jacobian_of_several_outputs_and_empty_outputs():
    x = np.array([0.5, -1.0])
    (J_square, J_sum), J_empty = (
        jacobian(lambda t: (t * t, t.sum()), x),
        jacobian(lambda t: t[:0], x),
    )
    np.testing.assert_allclose(J_square.detach().numpy(), np.diag(2 * x))
    np.testing.assert_allclose(J_sum.detach().numpy(), np.ones(2))
    assert J_empty.shape == (0, 2)


def test_jacobian_and_hessian_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    A, x = rng.normal(size=(4, 3)), rng.normal(size=3)

    def f(t):
        return ag.logsumexp(ag.Tensor(A) @ ag.tanh(t)) + (t**3).sum()

    def f_torch(t):
        return torch.logsumexp(torch.tensor(A) @ torch.tanh(t), 0) + (t**3).sum()

    expected_h = torch.autograd.functional.hessian(f_torch, torch.tensor(x)).numpy()
    np.testing.assert_allclose(hessian(f, x).detach().numpy(), expected_h, rtol=1e-10, atol=1e-12)
    g = jacobian(lambda t: ag.softmax(ag.Tensor(A) @ t), x)
    expected_j = torch.autograd.functional.jacobian(
        lambda t: torch.softmax(torch.tensor(A) @ t, 0), torch.tensor(x)
    ).numpy()
    np.testing.assert_allclose(g.detach().numpy(), expected_j, rtol=1e-10, atol=1e-12)


# -------------------------------------------------------------------- Hessians


@given(data=st.data(), n=sides)
def test_hessian_of_quadratic_form_is_a_plus_a_transpose(data, n):
    A = data.draw(arrays((n, n)), label="A")
    x = data.draw(arrays((n,)), label="x")
    H = hessian(lambda t: t @ (ag.Tensor(A) @ t), x)
    np.testing.assert_allclose(H.detach().numpy(), A + A.T, rtol=1e-12, atol=1e-12)


def test_hessian_of_several_inputs_has_every_block():
    x, y = np.array([1.0, 2.0]), np.array([3.0, -4.0])
    (Hxx, Hxy), (Hyx, Hyy) = hessian(lambda a, b: (a * a * b).sum(), x, y)
    np.testing.assert_allclose(Hxx.detach().numpy(), np.diag(2 * y))
    np.testing.assert_allclose(Hxy.detach().numpy(), np.diag(2 * x))
    np.testing.assert_allclose(Hyx.detach().numpy(), np.diag(2 * x))
    np.testing.assert_allclose(Hyy.detach().numpy(), np.zeros((2, 2)))


@given(data=st.data(), n=sides)
def test_hvp_equals_full_hessian_times_v(data, n):
    A = data.draw(arrays((n, n)), label="A")
    x, v = data.draw(arrays((n,)), label="x"), data.draw(arrays((n,)), label="v")

    def f(t):
        return ag.tanh(ag.Tensor(A) @ t).sum() ** 2 + ag.logsumexp(t * t)

    value, Hv = hvp(f, x, v)
    np.testing.assert_allclose(
        Hv.detach().numpy(), hessian(f, x).detach().numpy() @ v, rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(value.detach().numpy(), f(ag.Tensor(x)).detach().numpy())


def test_hvp_of_several_inputs_matches_hessian_blocks():
    x, y = np.array([0.3, -0.7]), np.array([1.2, 0.4])
    vx, vy = np.array([1.0, 2.0]), np.array([-1.0, 0.5])

    def f(a, b):
        return (ag.tanh(a * b) * a).sum()

    _, (Hv_x, Hv_y) = hvp(f, (x, y), (vx, vy))
    (Hxx, Hxy), (Hyx, Hyy) = hessian(f, x, y)
    np.testing.assert_allclose(
        Hv_x.detach().numpy(), Hxx.detach().numpy() @ vx + Hxy.detach().numpy() @ vy, rtol=1e-10
    )
    np.testing.assert_allclose(
        Hv_y.detach().numpy(), Hyx.detach().numpy() @ vx + Hyy.detach().numpy() @ vy, rtol=1e-10
    )


# ------------------------------------------------------------ vjp and jvp


@given(data=st.data())
def test_vjp_equals_u_transpose_jacobian(data):
    x, y = data.draw(arrays((3,)), label="x"), data.draw(arrays((3,)), label="y")
    u = data.draw(arrays((3,)), label="u")
    out, vjp_fn = vjp(mixer, x, y)
    gx, gy = vjp_fn(u)
    Jx, Jy = jacobian(mixer, x, y)
    np.testing.assert_allclose(
        out.detach().numpy(), mixer(ag.Tensor(x), ag.Tensor(y)).detach().numpy()
    )
    np.testing.assert_allclose(gx.detach().numpy(), u @ Jx.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gy.detach().numpy(), u @ Jy.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        vjp_fn(2 * u)[0].detach().numpy(), 2 * gx.detach().numpy(), rtol=1e-12, atol=1e-300
    )


@given(data=st.data())
def test_jvp_equals_jacobian_times_v(data):
    x, y = data.draw(arrays((3,)), label="x"), data.draw(arrays((3,)), label="y")
    vx, vy = data.draw(arrays((3,)), label="vx"), data.draw(arrays((3,)), label="vy")
    out, Jv = jvp(mixer, (x, y), (vx, vy))
    Jx, Jy = jacobian(mixer, x, y)
    np.testing.assert_allclose(
        Jv.detach().numpy(),
        Jx.detach().numpy() @ vx + Jy.detach().numpy() @ vy,
        rtol=1e-10,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        out.detach().numpy(), mixer(ag.Tensor(x), ag.Tensor(y)).detach().numpy()
    )


@given(x=small_shapes.flatmap(arrays), data=st.data())
def test_jvp_of_elementwise_op_is_derivative_times_tangent(x, data):
    v = data.draw(arrays(x.shape), label="v")
    _, Jv = jvp(ag.tanh, x, v)
    np.testing.assert_allclose(
        Jv.detach().numpy(), (1 - np.tanh(x) ** 2) * v, rtol=1e-12, atol=1e-15
    )


def test_jvp_and_vjp_of_a_constant_function_are_zero():
    _, Jv = jvp(lambda t: ag.Tensor(np.ones(2)), np.array([1.0]), np.array([3.0]))
    _, vjp_fn = vjp(lambda t: ag.Tensor(np.ones(2)), np.array([1.0]))
    np.testing.assert_array_equal(Jv.detach().numpy(), np.zeros(2))
    np.testing.assert_array_equal(vjp_fn(np.ones(2))[0].detach().numpy(), np.zeros(1))


# ---------------------------------------------------------------------- grad


@given(x=st.floats(-2.5, 2.5))
def test_grad_nests_to_third_derivative_of_tanh(x):
    t = np.tanh(x)
    d1, d2, d3 = grad(ag.tanh), grad(grad(ag.tanh)), grad(grad(grad(ag.tanh)))
    point = np.float64(x)
    np.testing.assert_allclose(d1(point).item(), 1 - t * t, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d2(point).item(), -2 * t * (1 - t * t), rtol=1e-10, atol=1e-14)
    expected = -2 * (1 - t * t) * (1 - 3 * t * t)
    np.testing.assert_allclose(d3(point).item(), expected, rtol=1e-10, atol=1e-14)


def test_grad_nests_elementwise_through_sums():
    x = np.array([-1.0, 0.2, 0.9])

    def d(f):
        return grad(lambda t: f(t).sum())

    t = np.tanh(x)
    expected = -2 * (1 - t * t) * (1 - 3 * t * t)
    np.testing.assert_allclose(d(d(d(ag.tanh)))(x).detach().numpy(), expected, rtol=1e-10)


@given(x=st.floats(-2.0, 2.0), v=st.floats(-2.0, 2.0))
def test_vjp_jvp_jacobian_and_hvp_nest_inside_grad(x, v):
    t = np.tanh(x)
    second = -2 * t * (1 - t * t)  # tanh''
    point = np.float64(x)
    through_jvp = grad(lambda a: jvp(ag.tanh, a, np.float64(v))[1])(point)  # d/dx tanh'(x) v
    through_vjp = grad(lambda a: vjp(ag.tanh, a)[1](np.float64(v))[0])(point)
    through_jacobian = grad(lambda a: jacobian(ag.tanh, a))(point)
    through_hvp = grad(lambda a: hvp(lambda b: b**4, a, np.float64(v))[1])(point)  # 12 x^2 v
    np.testing.assert_allclose(through_jvp.item(), second * v, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(through_vjp.item(), second * v, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(through_jacobian.item(), second, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(through_hvp.item(), 24 * x * v, rtol=1e-10, atol=1e-14)


def test_grad_keeps_inner_and_outer_derivatives_apart():
    # d/dx [x * (d/dy (x + y))] = d/dx [x * 1] = 1: the inner derivative must not count
    # the x that the inner function closes over (perturbation confusion).
    x = np.float64(0.7)
    outer = grad(lambda a: a * grad(lambda b: a + b)(a))
    np.testing.assert_allclose(outer(x).item(), 1.0)


def test_grad_of_tuple_argnums_and_value_and_grad():
    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])

    def f(a, b, scale):
        return (a * a * b).sum() * scale

    gx, gy = grad(f, argnums=(0, 1))(x, y, 2.0)
    np.testing.assert_allclose(gx.detach().numpy(), 4 * x * y)
    np.testing.assert_allclose(gy.detach().numpy(), 2 * x * x)
    value, g_scale = value_and_grad(f, argnums=-1)(x, y, 2.0)
    np.testing.assert_allclose(value.item(), 2 * np.sum(x * x * y))
    np.testing.assert_allclose(g_scale.item(), np.sum(x * x * y))


def test_grad_accepts_arrays_numbers_and_integer_data():
    g_number = grad(lambda t: t**3)(2.0)
    g_ints = grad(lambda t: (t * t).sum())(np.array([1, 2, 3]))
    assert isinstance(g_number, ag.Tensor) and g_number.dtype == ag.get_default_dtype()
    np.testing.assert_allclose(g_number.item(), 12.0)
    np.testing.assert_allclose(g_ints.detach().numpy(), [2.0, 4.0, 6.0])
    assert g_ints.dtype.kind == "f"


def test_grad_of_unused_argument_is_zero():
    g = grad(lambda a, b: (a * a).sum(), argnums=1)(ag.Tensor(np.ones(2)), np.ones((2, 3)))
    np.testing.assert_array_equal(g.detach().numpy(), np.zeros((2, 3)))


def test_results_carry_a_graph_only_when_something_outside_requires_grad():
    x = np.array([0.5, -1.0])
    plain = grad(lambda t: (t**3).sum())(x)
    assert not plain.requires_grad and plain.grad_fn is None
    w = ag.Tensor(np.array([2.0, 3.0]), requires_grad=True)
    through_closure = grad(lambda t: (w * t**3).sum())(x)
    assert through_closure.requires_grad
    (dw,) = ag.engine.backward(through_closure.sum(), inputs=[w])
    np.testing.assert_allclose(dw.detach().numpy(), 3 * x * x)  # d/dw sum(3 w x^2)
    with ag.no_grad():
        assert not grad(lambda t: (w * t**3).sum())(x).requires_grad


def test_functions_leave_every_grad_untouched():
    x = ag.Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    w = ag.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    before = ag.Tensor(np.array([7.0, 7.0, 7.0]))
    x.grad = before

    def f(t):
        return (w * ag.tanh(t) * t).sum()

    grad(f)(x), value_and_grad(f)(x), jacobian(f, x), hessian(f, x), hvp(f, x, np.ones(3))
    jvp(lambda t: w * t, x, np.ones(3)), vjp(lambda t: w * t, x)[1](np.ones(3))
    assert x.grad is before and np.array_equal(x.grad.detach().numpy(), [7.0, 7.0, 7.0])
    assert w.grad is None


def test_functions_under_no_grad_still_differentiate():
    with ag.no_grad():
        g = grad(lambda t: (t * t).sum())(ag.Tensor(np.array([1.0, 2.0]), requires_grad=True))
    np.testing.assert_allclose(g.detach().numpy(), [2.0, 4.0])
    assert g.grad_fn is None  # nothing is recorded under no_grad()


# ---------------------------------------------------------------- applications


def test_newton_step_solves_a_convex_quadratic_in_one_step():
    rng = np.random.default_rng(3)
    M = rng.normal(size=(5, 5))
    A, b = M @ M.T + 5 * np.eye(5), rng.normal(size=5)  # symmetric positive definite

    def f(x):
        return 0.5 * (x @ (ag.Tensor(A) @ x)) - ag.Tensor(b) @ x

    x0 = rng.normal(size=5) * 10
    x1 = x0 - np.linalg.solve(hessian(f, x0).detach().numpy(), grad(f)(x0).detach().numpy())
    np.testing.assert_allclose(x1, np.linalg.solve(A, b), rtol=1e-10, atol=1e-12)


def test_newton_converges_on_quadratic_plus_logsumexp():
    rng = np.random.default_rng(4)
    M = rng.normal(size=(4, 4))
    A, b = M @ M.T + 4 * np.eye(4), rng.normal(size=4)

    def f(x):
        return 0.5 * (x @ (ag.Tensor(A) @ x)) - ag.Tensor(b) @ x + 0.5 * ag.logsumexp(x)

    x = np.zeros(4)
    norms = []
    for _ in range(6):
        g = grad(f)(x).detach().numpy()
        norms.append(np.linalg.norm(g))
        x = x - np.linalg.solve(hessian(f, x).detach().numpy(), g)
    softmax = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(A @ x - b + 0.5 * softmax, 0.0, atol=1e-12)  # stationary point
    assert norms[3] < 1e-6 * norms[0]  # Newton's quadratic convergence


def _critic(params, x):
    """D(x) = w2 . tanh(w1 x + b1), one score per row of x: (B, 2) -> (B,)."""
    w1, b1, w2 = params
    return ag.tanh(x @ w1.T + b1) @ w2


def _gradient_penalty(w1, b1, w2, x):
    """mean over the batch of (||d D / d x_i|| - 1)^2, as in WGAN-GP."""
    slopes = grad(lambda t: _critic((w1, b1, w2), t).sum())(x)  # (B, 2): row i is dD(x_i)/dx_i
    norms = ((slopes * slopes).sum(axis=1) + 1e-12).sqrt()
    return ((norms - 1) ** 2).mean()


def test_gradient_penalty_matches_central_differences():
    rng = np.random.default_rng(5)
    w1 = ag.Tensor(rng.normal(size=(4, 2)), requires_grad=True)
    b1 = ag.Tensor(rng.normal(size=4), requires_grad=True)
    w2 = ag.Tensor(rng.normal(size=4), requires_grad=True)
    x = ag.Tensor(rng.normal(size=(6, 2)))
    assert ag.gradcheck(lambda a, b, c: _gradient_penalty(a, b, c, x), w1, b1, w2)


def test_gradient_penalty_trains():
    rng = np.random.default_rng(6)
    params = [
        ag.Tensor(rng.normal(size=(8, 2)), requires_grad=True),
        ag.Tensor(rng.normal(size=8) * 0.1, requires_grad=True),
        ag.Tensor(rng.normal(size=8), requires_grad=True),
    ]
    real, fake = rng.normal(size=(32, 2)) + 2.0, rng.normal(size=(32, 2))
    eps = rng.uniform(size=(32, 1))
    mixed = ag.Tensor(eps * real + (1 - eps) * fake)

    def critic_loss():
        wasserstein = (
            _critic(params, ag.Tensor(fake)).mean() - _critic(params, ag.Tensor(real)).mean()
        )
        return wasserstein + 10 * _gradient_penalty(*params, mixed)

    losses = []
    for _ in range(40):
        loss = critic_loss()
        losses.append(loss.item())
        grads = ag.engine.backward(loss, inputs=params)
        for p, g in zip(params, grads):
            p.data = p.data - 0.01 * g.data
    assert losses[-1] < losses[0] - 0.5
    assert all(np.isfinite(losses))


# ---------------------------------------------------------------------- errors


def test_grad_of_non_scalar_output_is_a_clear_error():
    with pytest.raises(ValueError, match=r"grad: f must return a scalar.*shape \(3,\)"):
        grad(lambda t: t * 2)(np.ones(3))
    with pytest.raises(ValueError, match=r"hvp: f must return a scalar"):
        hvp(lambda t: t * 2, np.ones(3), np.ones(3))


def test_argnums_out_of_range_or_repeated_is_a_clear_error():
    with pytest.raises(ValueError, match=r"grad: argnums 2 is out of range .* 2 positional"):
        grad(lambda a, b: (a * b).sum(), argnums=2)(1.0, 2.0)
    with pytest.raises(ValueError, match=r"same argument twice"):
        grad(lambda a, b: (a * b).sum(), argnums=(0, -2))(1.0, 2.0)


def test_tangent_shapes_and_counts_must_match_inputs():
    with pytest.raises(
        ValueError, match=r"jvp: tangent 0 has shape \(2,\) but input 0 has shape \(3,\)"
    ):
        jvp(ag.tanh, np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"jvp: got 2 input\(s\) but 1 tangent"):
        jvp(lambda a, b: a * b, (np.ones(2), np.ones(2)), (np.ones(2),))
    with pytest.raises(ValueError, match=r"hvp: vector 0 has shape \(1,\) but input 0"):
        hvp(lambda t: t.sum(), np.ones(3), np.ones(1))
    _, vjp_fn = vjp(ag.tanh, np.ones(3))
    with pytest.raises(ValueError, match=r"vjp: the cotangent has shape \(4,\) but the output"):
        vjp_fn(np.ones(4))


def test_function_returning_a_non_tensor_is_a_type_error():
    with pytest.raises(TypeError, match=r"grad: f must return a Tensor, got float"):
        grad(lambda t: 1.0)(np.ones(2))
