"""dtype promotion against `torch.result_type`, for every op that goes through `Function.apply`."""

import itertools

import numpy as np
import pytest

import autograd_core as ag

torch = pytest.importorskip("torch", reason="compares with PyTorch: pip install -e '.[torch]'")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 3, 2.5]


def _pair(kind, dtype):
    """One operand of each class: a 1-d tensor, a 0-d tensor, or a Python number."""
    ours = ag.ones(2, dtype=dtype) if kind == "1d" else ag.ones((), dtype=dtype)
    theirs = torch.ones(2, dtype=getattr(torch, dtype)) if kind == "1d" else torch.ones(
        (), dtype=getattr(torch, dtype))  # fmt: skip
    return ours, theirs


def _name(dtype):
    return str(dtype).removeprefix("torch.")


@pytest.mark.parametrize("kinds", [("1d", "1d"), ("1d", "0d"), ("0d", "1d"), ("0d", "0d")])
def test_result_type_matches_torch_for_every_pair_of_tensor_dtypes(kinds):
    for a, b in itertools.product(DTYPES, DTYPES):
        (x, tx), (y, ty) = _pair(kinds[0], a), _pair(kinds[1], b)
        assert str(ag.result_type(x, y)) == _name(torch.result_type(tx, ty)), (kinds, a, b)
        out, expected = x * y, tx * ty
        assert str(out.dtype) == _name(expected.dtype), ("mul", kinds, a, b)


@pytest.mark.parametrize("kind", ["1d", "0d"])
def test_result_type_matches_torch_with_python_numbers(kind):
    for dtype, number in itertools.product(DTYPES, SCALARS):
        x, tx = _pair(kind, dtype)
        assert str(ag.result_type(x, number)) == _name(torch.result_type(tx, number))
        for op in ("__add__", "__rmul__", "__sub__"):
            if op == "__sub__" and (dtype == "bool" or isinstance(number, bool)):
                continue  # torch refuses subtraction of bools
            out, expected = getattr(x, op)(number), getattr(tx, op)(number)
            assert str(out.dtype) == _name(expected.dtype), (op, kind, dtype, number)


@pytest.mark.parametrize("op", ["div", "exp", "log", "sqrt", "tanh", "sigmoid"])
def test_true_division_and_float_functions_of_integers_give_the_default_float(op):
    for dtype in ("bool", "uint8", "int32", "int64", "float16", "float64"):
        x, tx = _pair("1d", dtype)
        args = (x, x) if op == "div" else (x,)
        targs = (tx, tx) if op == "div" else (tx,)
        assert str(getattr(ag.ops, op)(*args).dtype) == _name(getattr(torch, op)(*targs).dtype)
    ag.set_default_dtype("float64")
    try:
        ints = (ag.arange(1, 3),) * (2 if op == "div" else 1)
        assert getattr(ag.ops, op)(*ints).dtype == np.float64
    finally:
        ag.set_default_dtype("float32")


def test_a_float32_parameter_times_a_float64_array_gets_a_float32_gradient():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = w * np.array([3.0, 4.0])  # float64 array: dimensioned, same category -> float64
    expected = torch.result_type(torch.ones(2), torch.ones(2, dtype=torch.float64))
    assert str(y.dtype) == _name(expected)
    y.sum().backward()
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [3.0, 4.0]
    z = w * ag.tensor(2.0, dtype="float64")  # 0-d: does not upcast
    assert z.dtype == np.float32


def test_integer_tensor_with_python_float_is_default_float_and_keeps_int_for_ints():
    i = ag.tensor([1, 2], dtype="int32")
    assert (i * 1.5).dtype == np.float32 and (i + 1).dtype == np.int32
    assert (ag.tensor([1, 2]) / 2).tolist() == [0.5, 1.0]
