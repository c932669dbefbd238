"""The Tensor surface against PyTorch: sizes, devices, dtype conversions and creation."""

import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _same_dtype(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), (ours.dtype, theirs.dtype)


# ------------------------------------------------------------------ sizes


def test_size_numel_dim_match_torch():
    ours, theirs = ag.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert ours.size() == theirs.size() and isinstance(ours.size(), ag.Size)
    assert [ours.size(d) for d in range(-3, 3)] == [theirs.size(d) for d in range(-3, 3)]
    assert ours.shape == theirs.shape and ours.shape[1:] == (3, 4)
    assert ours.size().numel() == ours.numel() == ours.nelement() == theirs.numel() == 24
    assert ours.dim() == ours.ndim == ours.ndimension() == 3
    for dtype in DTYPES:
        assert ag.zeros(1, dtype=dtype).element_size() == torch.zeros(1, dtype=getattr(
            torch, dtype)).element_size()  # fmt: skip


def test_size_of_a_missing_dim_is_an_index_error_as_in_torch():
    with pytest.raises(IndexError):
        torch.zeros(2, 3).size(2)
    with pytest.raises(IndexError, match=r"size: dimension 2 is out of range .* 2 dimensions"):
        ag.zeros(2, 3).size(2)


def test_is_floating_point_matches_torch():
    for dtype in DTYPES:
        ours, theirs = ag.zeros(1, dtype=dtype), torch.zeros(1, dtype=getattr(torch, dtype))
        assert ours.is_floating_point() == theirs.is_floating_point()
        assert ag.is_floating_point(ours) == torch.is_floating_point(theirs)


# ----------------------------------------------------------------- device


def test_device_api_is_cpu_only_and_says_so():
    x = ag.ones(2)
    assert x.device == ag.device("cpu") and x.device.type == "cpu" and str(x.device) == "cpu"
    assert ag.device("cpu:0").index == 0 and x.is_cuda is False and x.get_device() == -1
    assert x.to("cpu") is x and x.cpu() is x and x.to(ag.device("cpu")) is x
    assert not ag.cuda.is_available() and ag.cuda.device_count() == 0
    assert not ag.backends.mps.is_available()
    for bad in (lambda: ag.device("cuda"), lambda: x.cuda(), lambda: x.to("cuda:0")):
        with pytest.raises(RuntimeError, match="CPU only"):
            bad()
    with pytest.raises(AssertionError):  # what torch raises for .cuda() without CUDA
        x.cuda()
    with pytest.raises(RuntimeError, match="CPU only"):
        ag.zeros(2, device="cuda")


def test_to_forms_match_torch():
    ours, theirs = ag.ones(2, 3), torch.ones(2, 3)
    for args, kwargs in [
        (("float64",), {}),
        ((), {"dtype": "float64"}),
        (("cpu", "float64"), {}),
        (("cpu",), {"dtype": "int64"}),
        ((), {"device": "cpu", "dtype": "float16"}),
        (("int32",), {"copy": True}),
    ]:
        theirs_args = [getattr(torch, a) if a in DTYPES else a for a in args]
        theirs_kwargs = {k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()}
        out = ours.to(*[ag.dtypes.to_dtype(a, "t") if a in DTYPES else a for a in args], **{
            k: v for k, v in kwargs.items()})  # fmt: skip
        _same_dtype(out, theirs.to(*theirs_args, **theirs_kwargs))
    _same_dtype(ours.to(ag.zeros(1, dtype="int64")), theirs.to(torch.zeros(1, dtype=torch.int64)))
    assert ours.to(ours.dtype) is ours and ours.to(ours.dtype, copy=True) is not ours


def test_conversions_match_torch_and_float_ones_keep_the_graph():
    x = ag.tensor([1.5, -2.5], requires_grad=True)
    t = torch.tensor([1.5, -2.5], requires_grad=True)
    for name in ("float", "double", "half", "long", "int", "short", "byte", "bool"):
        ours, theirs = getattr(x, name)(), getattr(t, name)()
        _same_dtype(ours, theirs)
        np.testing.assert_array_equal(np.asarray(ours), theirs.detach().numpy())
        assert ours.requires_grad == theirs.requires_grad
    assert x.type() == t.type() == "torch.FloatTensor"
    assert x.type(ag.float64).dtype == np.float64 and x.type("torch.LongTensor").dtype == np.int64
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [3.0, 3.0]


def test_dtype_names_are_numpy_dtypes_with_torch_aliases():
    assert (ag.float, ag.double, ag.half, ag.long, ag.int) == (
        np.float32, np.float64, np.float16, np.int64, np.int32)  # fmt: skip
    assert ag.bool == np.bool_ and np.zeros(2, dtype=ag.float64).dtype == ag.float64
    assert ag.zeros(2, dtype=float).dtype == torch.zeros(2, dtype=float).numpy().dtype


def test_new_methods_take_this_tensors_dtype_as_torch():
    ours, theirs = ag.zeros(2, dtype="float64"), torch.zeros(2, dtype=torch.float64)
    for name, args in [("new_zeros", (2, 3)), ("new_ones", ((3,),)), ("new_empty", (4,))]:
        out = getattr(ours, name)(*args)
        expected = getattr(theirs, name)(*args)
        assert out.shape == expected.shape
        _same_dtype(out, expected)
    _same_dtype(ours.new_tensor([1, 2]), theirs.new_tensor([1, 2]))
    _same_dtype(ours.new_full((2,), 3), theirs.new_full((2,), 3))
    _same_dtype(ours.new_zeros(2, dtype=ag.int64), theirs.new_zeros(2, dtype=torch.int64))


# --------------------------------------------------------------- creation


@pytest.mark.parametrize(
    "call",
    [
        "zeros(2, 3)", "zeros((2, 3))", "zeros([2, 3])", "ones(4)", "ones(())", "empty(2, 0)",
        "full((2,), 3)", "full((2,), 0.5)", "full((2,), True)", "arange(5)", "arange(1, 4)",
        "arange(0, 1, 0.25)", "arange(0.0, 3)", "arange(5, dtype={f64})", "linspace(0, 1, 5)",
        "eye(3)", "eye(2, 3)", "tensor([1, 2])", "tensor([1.0, 2])", "tensor(True)",
        "tensor(3)", "tensor([[1, 2], [3, 4]], dtype={f64})", "zeros_like(ones(2, dtype={i64}))",
        "ones_like(ones(2), dtype={i64})", "full_like(ones(2), 7)", "empty_like(ones(3, 1))",
        "zeros(2, 3).size()", "rand(2, 3).shape", "randn((1, 2)).shape",
        "randint(10, (3, 2)).shape", "randint(0, 5, (4,)).dtype",
        "randint(low=0, high=5, size=(4,)).dtype", "randperm(5).dtype", "rand_like(ones(3)).shape",
        "randn_like(ones(2, dtype={f64})).dtype", "randint_like(ones(2), 3).dtype",
    ],
)  # fmt: skip
def test_creation_matches_torch(call):
    ours = eval(call.format(f64="ag.float64", i64="ag.int64"), {**vars(ag), "ag": ag})
    theirs = eval(
        call.format(f64="torch.float64", i64="torch.int64"), {**vars(torch), "torch": torch}
    )
    if isinstance(theirs, torch.Tensor):
        _same_dtype(ours, theirs)
        assert ours.shape == theirs.shape
        if not call.startswith("empty"):  # empty's values are whatever the memory held
            np.testing.assert_array_equal(np.asarray(ours), theirs.numpy())
    elif isinstance(theirs, torch.dtype):
        assert str(ours) == str(theirs).removeprefix("torch.")
    else:
        assert tuple(ours) == tuple(theirs)


def test_random_creation_follows_manual_seed_and_ranges():
    ag.manual_seed(3)
    a = (ag.rand(5), ag.randint(2, 6, (50,)), ag.randperm(6))
    ag.manual_seed(3)
    b = (ag.rand(5), ag.randint(2, 6, (50,)), ag.randperm(6))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    assert int(a[1].min()) >= 2 and int(a[1].max()) <= 5
    assert sorted(a[2].tolist()) == list(range(6))


def test_from_numpy_shares_memory_and_tensor_copies():
    array = np.zeros(3)
    shared, copied, as_t = ag.from_numpy(array), ag.tensor(array), ag.as_tensor(array)
    array[0] = 1.0
    assert shared.tolist()[0] == 1.0 and as_t.tolist()[0] == 1.0 and copied.tolist()[0] == 0.0
    assert shared.dtype == np.float64
    with pytest.raises(TypeError, match=r"from_numpy: expected a numpy\.ndarray"):
        ag.from_numpy([1.0])


@pytest.mark.parametrize(
    "call",
    [
        "zeros(2.5)", "ones(2, -1)", "randint(5, 1, (2,))", "eye(-1)", "linspace(0, 1, -1)",
        "arange(0, 5, 0)", "randperm(-1)", "tensor([[1], [2, 3]])", "tensor('a')",
    ],
)  # fmt: skip
def test_bad_creation_raises_the_type_torch_raises(call):
    with pytest.raises(Exception) as theirs:
        eval(call.format(i64="torch.int64"), {**vars(torch), "torch": torch})
    with pytest.raises(theirs.type):
        eval(call.format(i64="ag.int64"), {**vars(ag), "ag": ag})


# ---------------------------------------------------------------- grad_fn


def test_grad_fn_names_are_torchs_for_the_common_ops():
    x, t = ag.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    for expression in ("x + x", "x - 1", "x * x", "x / 2", "-x", "x.exp()", "x.log()",
                       "x.tanh()", "x.sigmoid()", "x.relu()", "x.sqrt()", "x.sum()"):  # fmt: skip
        ours, theirs = eval(expression, {"x": x}), eval(expression, {"x": t})
        assert ours.grad_fn.name() == theirs.grad_fn.name(), expression
        assert repr(ours).endswith(f"grad_fn=<{theirs.grad_fn.name()}>)")


def test_next_functions_walks_the_graph_as_the_neural_networks_tutorial_does():
    w, b = ag.ones(3, requires_grad=True), ag.zeros(3, requires_grad=True)
    loss = ((w * 2 + b).relu() * ag.ones(3)).sum()
    tw, tb = torch.ones(3, requires_grad=True), torch.zeros(3, requires_grad=True)
    theirs = ((tw * 2 + tb).relu() * torch.ones(3)).sum()

    def walk(node):
        if node is None:
            return None
        return (node.name(), [(walk(n), i) for n, i in node.next_functions])

    assert walk(loss.grad_fn) == walk(theirs.grad_fn)
    add = loss.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
    accumulate = add.next_functions[1][0]
    assert accumulate.variable is b and accumulate is add.next_functions[1][0]
    assert accumulate.next_functions == ()


# ----------------------------------------------------------------- errors

BAD_INPUTS = [
    "ones(2, 3) + ones(4)",
    "ones(2, 3) @ ones(2, 3)",
    "ones(2, 3).reshape(4, 2)",
    "ones(6).reshape(-1, -1)",
    "ones(2)[5]",
    "ones(2, 2)[0, 0, 0]",
    "ones(2, 3).size(3)",
    "tensor([1, 2], requires_grad=True)",
    "ones(2) + 'a'",
    "zeros(-1)",
    "ones(2).sum(3)",
    "ones(2, 2).max(5)",
    "ones(2, 3).backward(ones(3))",
    "ones(2, requires_grad=True).sum().backward(ones(3))",
    "ones(3).item()",
    "zeros(0).item()",
]


@pytest.mark.parametrize("expression", BAD_INPUTS)
def test_bad_input_raises_an_exception_catchable_as_torchs(expression):
    with pytest.raises(Exception) as theirs:
        eval(expression, {**vars(torch), "torch": torch})
    with pytest.raises(theirs.type) as ours:
        eval(expression, {**vars(ag), "ag": ag})
    assert str(ours.value), expression  # and a message
