"""The engine itself: ordering, accumulation, freeing, deep graphs, higher order, grad mode."""

import gc
import threading
import weakref

import numpy as np
import pytest

import autograd_core as ag


def test_lecture_example_gives_the_lecture_gradients():
    x, y, z = (ag.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    f = (x + y) * z
    f.backward()
    assert f.item() == -12.0
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4.0, -4.0, 3.0)


def test_lecture_example_works_unchanged_on_arrays():
    rng = np.random.default_rng(0)
    xs, ys, zs = (rng.normal(size=(3, 4)) for _ in range(3))
    x, y, z = (ag.tensor(v, requires_grad=True) for v in (xs, ys, zs))
    ((x + y) * z).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), zs)
    np.testing.assert_allclose(y.grad.detach().numpy(), zs)
    np.testing.assert_allclose(z.grad.detach().numpy(), xs + ys)


def test_backward_accumulates_on_fan_out():
    x = ag.tensor(3.0, requires_grad=True)
    y = x * x + x  # x is used three times
    y.backward()
    assert x.grad.item() == 2 * 3.0 + 1


def test_backward_accumulates_on_diamond():
    x = ag.tensor(2.0, dtype="float64", requires_grad=True)
    a = x.exp()
    b = a * 3.0
    c = a.log()
    (b + c).backward()
    assert x.grad.item() == pytest.approx(3 * np.exp(2.0) + 1)


def test_leaf_grad_accumulates_across_backward_calls():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [5.0, 5.0])


def test_non_leaf_keeps_no_grad_unless_retained():
    x = ag.tensor(2.0, requires_grad=True)
    q = x * 3
    r = x * 4
    r.retain_grad()
    (q * r).backward()
    assert q.grad is None
    assert r.grad.item() == 6.0
    assert x.grad.item() == 3 * 8.0 + 6.0 * 4


def test_second_backward_through_freed_graph_says_retain_graph():
    x = ag.tensor(1.0, requires_grad=True)
    y = x.exp() * x
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = ag.tensor(1.0, dtype="float64", requires_grad=True)
    y = x.exp()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == pytest.approx(2 * np.e)


def test_backward_frees_saved_arrays():
    x = ag.tensor(np.ones(1000), requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    assert not node.released
    y.sum().backward()
    assert node.released
    assert node._saved is None


def test_non_scalar_backward_needs_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*gradient="):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, -1.0], dtype=np.float32))
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2.0, -2.0])


def test_backward_gradient_of_wrong_shape_is_refused():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_on_tensor_without_grad_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor(1.0).backward()


def test_backward_on_a_leaf_seeds_its_own_grad():
    x = ag.tensor(2.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_deep_chain_needs_no_recursion():
    x = ag.tensor(1.0, dtype="float64", requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001**20_000)


@pytest.mark.slow
def test_million_node_chain_completes():
    x = ag.tensor(1.0, dtype="float64", requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad.item() == 1.0
    del y  # freeing a million-deep chain must not overflow the C stack either


def test_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x = ag.tensor(np.ones(3), requires_grad=True)
        y = (x * 2).exp().sum()
        node = weakref.ref(y.grad_fn)
        y.backward()
        del y
        assert node() is None, "the graph holds a reference cycle"
    finally:
        gc.enable()


def test_create_graph_gives_second_derivative():
    x = ag.tensor(0.7, dtype="float64", requires_grad=True)
    y = x**3 + ag.tanh(x)
    y.backward(create_graph=True)
    first = x.grad
    assert first.requires_grad
    x.grad = None
    first.backward()
    t = np.tanh(0.7)
    assert x.grad.item() == pytest.approx(6 * 0.7 - 2 * t * (1 - t * t))


def test_create_graph_third_derivative():
    x = ag.tensor(0.4, dtype="float64", requires_grad=True)
    y = (x * 2).exp()
    (d1,) = ag.engine.backward(y, None, create_graph=True, inputs=[x])
    (d2,) = ag.engine.backward(d1, None, create_graph=True, inputs=[x])
    (d3,) = ag.engine.backward(d2, None, inputs=[x])
    assert d3.item() == pytest.approx(8 * np.exp(0.8))
    assert x.grad is None


def test_backward_with_inputs_leaves_grads_untouched():
    x = ag.tensor(2.0, requires_grad=True)
    y = ag.tensor(3.0, requires_grad=True)
    gx, gy = ag.engine.backward(x * y, None, inputs=[x, y])
    assert (gx.item(), gy.item()) == (3.0, 2.0)
    assert x.grad is None and y.grad is None


def test_backward_with_inputs_gives_the_root_its_seed():
    x = ag.tensor(2.0, requires_grad=True)
    y = x * 3
    gy, gx = ag.engine.backward(y, None, inputs=[y, x])
    assert (gy.item(), gx.item()) == (1.0, 3.0)
    assert ag.grad(lambda t: t)(x).item() == 1.0  # the identity, on an input that requires grad


def test_no_grad_stops_recording_and_enable_grad_resumes():
    x = ag.tensor(1.0, requires_grad=True)
    with ag.no_grad():
        y = x * 2
        with ag.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad
    assert ag.is_grad_enabled()


def test_no_grad_works_as_decorator_and_restores_on_error():
    @ag.no_grad()
    def double(t):
        return t * 2

    x = ag.tensor(1.0, requires_grad=True)
    assert not double(x).requires_grad
    with pytest.raises(ZeroDivisionError), ag.no_grad():
        raise ZeroDivisionError
    assert ag.is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["enabled"] = ag.is_grad_enabled()

    with ag.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["enabled"] is True


def test_detach_cuts_the_graph():
    x = ag.tensor(2.0, requires_grad=True)
    y = (x * 3).detach() * x
    y.backward()
    assert x.grad.item() == 6.0


def test_broadcast_gradient_is_summed_to_input_shape():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    b = ag.tensor(np.ones(3), requires_grad=True)
    c = ag.tensor(np.ones((2, 1)), requires_grad=True)
    (x * b + c).sum().backward()
    np.testing.assert_array_equal(b.grad.detach().numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(c.grad.detach().numpy(), [[3.0], [3.0]])


def test_grads_take_the_dtype_of_their_tensor():
    x = ag.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    w = ag.tensor(np.ones(3, dtype=np.float64), requires_grad=True)
    (x * w).sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64


def test_function_returning_wrong_number_of_grads_is_reported():
    class Broken(ag.Function):
        def forward(ctx, x):
            return x * 2

        def backward(ctx, grad):
            return grad, grad

    x = ag.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"broken\.backward returned 2 gradients for 1 inputs"):
        Broken.apply(x).backward()


def test_user_function_in_three_lines_passes_gradcheck():
    class Cube(ag.Function):
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return (grad * 3 * x * x,)

    x = ag.tensor([0.5, -1.5], dtype="float64", requires_grad=True)
    assert ag.gradcheck(Cube.apply, x)
    assert ag.gradgradcheck(Cube.apply, x)


def test_python_float_constants_are_shared_per_value_and_dtype_but_keep_their_sign_and_dtype():
    # Function.apply makes each Python float beside a float tensor once per (value, dtype)
    x32 = ag.tensor([1.0, -2.0], dtype="float32", requires_grad=True)
    x64 = ag.tensor([1.0, -2.0], dtype="float64", requires_grad=True)
    assert (x32 * 0.1).dtype == np.float32 and (x64 * 0.1).dtype == np.float64
    np.testing.assert_array_equal((x64 * 0.1).detach().numpy(), np.array([1.0, -2.0]) * 0.1)
    first, second = (x64 * 0.1).grad_fn.inputs[1], (x64 * 0.1).grad_fn.inputs[1]
    assert first is second and first._data.dtype == np.float64
    assert (x32 * 0.1).grad_fn.inputs[1]._data.dtype == np.float32
    # 0.0 == -0.0 as keys, but not as constants: the signs of the zeros survive
    assert np.signbit((x64 * -0.0).detach().numpy()[0]) and not np.signbit(
        (x64 * 0.0).detach().numpy()[0]
    )
    assert np.isnan((x64 * float("nan")).detach().numpy()).all()
    (x64 * 3.0).sum().backward()
    np.testing.assert_array_equal(x64.grad.numpy(), [3.0, 3.0])
