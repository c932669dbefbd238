"""Every registered op, checked against numpy and against central differences.

The tests walk `REGISTRY`, so an op is tested the moment it is registered
(the engine's ops and the `nn.functional` composites alike).
For each op hypothesis draws a valid call (shapes that broadcast, 0-d and
size-1 axes, negative axes, values inside the op's domain and away from
kinks and ties), a random upstream gradient, and read-only inputs.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
import nn.functional as F  # noqa: N812 (PyTorch's idiom); registers the nn composites
import nn.functional.op_samples  # noqa: F401 (defines the nn composites' sample strategies)
from autograd_core.function import REGISTRY
from autograd_core.op_samples import SAMPLES, draw_call

SPECS = sorted(REGISTRY.values(), key=lambda spec: spec.name)
WITH_REFERENCE = [spec for spec in SPECS if spec.reference is not None]


def _read_only(arrays):
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _leaves(arrays):
    return [ag.Tensor(a, requires_grad=True) for a in arrays]


def test_every_op_has_a_sample_strategy():
    missing = [spec.name for spec in SPECS if spec.sample not in SAMPLES]
    assert not missing, (
        f"ops whose sample strategy is not defined in autograd_core.op_samples: {missing}"
    )


def test_every_public_op_is_registered_or_listed_non_differentiable():
    ops_namespace = set(ag.ops.__all__)
    aliases = set(ag.ops.ALIASES) | {"ALIASES", "NON_DIFFERENTIABLE"}
    known = set(REGISTRY) | set(ag.NON_DIFFERENTIABLE)
    assert all(target in known for target in ag.ops.ALIASES.values())
    unaccounted = ops_namespace - set(REGISTRY) - set(ag.NON_DIFFERENTIABLE) - aliases
    assert not unaccounted, f"public ops neither registered nor NON_DIFFERENTIABLE: {unaccounted}"


def test_the_public_namespace_is_the_union_of_the_families():
    families = [name for family in ag.ops.FAMILIES for name in family.__all__]
    assert sorted(ag.ops.__all__) == sorted(["NON_DIFFERENTIABLE", *families])
    assert set(ag.ops.__all__) <= set(ag.__all__)
    assert all(getattr(ag, name) is getattr(ag.ops, name) for name in families)


def test_every_nn_functional_op_is_registered_or_listed():
    unaccounted = set(F.__all__) - set(REGISTRY) - set(F.NOT_IN_REGISTRY)
    assert not unaccounted, f"nn.functional ops neither registered nor listed: {unaccounted}"
    assert set(F.NOT_IN_REGISTRY) <= set(F.__all__)


@pytest.mark.parametrize("spec", WITH_REFERENCE, ids=lambda spec: spec.name)
@given(data=st.data())
def test_op_forward_matches_numpy_reference(spec, data):
    call, arrays = draw_call(data.draw, spec)
    sample = call.sample
    out = call(*_leaves(_read_only(arrays)))
    reference_args = [list(a) if isinstance(a, list) else a for a in sample.args]
    if spec.name == "stack":  # its reference takes the arrays as separate arguments
        reference_args = reference_args[0]
    expected = spec.reference(*reference_args, **sample.kwargs)
    np.testing.assert_allclose(np.asarray(out.detach().numpy()), expected, rtol=1e-12, atol=1e-12)
    assert out.shape == np.shape(expected)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
@given(data=st.data())
def test_op_gradient_matches_central_differences(spec, data):
    call, arrays = draw_call(data.draw, spec)
    leaves = _leaves(_read_only(arrays))
    out = call(*leaves)
    upstream = data.draw(
        hnp.arrays(np.float64, out.shape, elements=st.floats(-2, 2)), label="upstream gradient"
    )
    assert ag.gradcheck(call, *leaves, grad_output=upstream)

    out.backward(upstream)
    for leaf in leaves:
        assert leaf.grad is not None, f"{spec.name}: an input got no gradient"
        assert leaf.grad.shape == leaf.shape
        assert leaf.grad.dtype == np.float64
    _assert_released_nodes_hold_no_arrays(out, spec.name)


def _assert_released_nodes_hold_no_arrays(out, name):
    """After backward, no node of the graph keeps an array in its fields (issue 11: a kept
    graph holds its shape, not its data); ops list such fields in `array_fields`."""
    stack, seen = [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or not hasattr(node, "producers"):
            continue
        seen.add(id(node))
        held = [k for k, v in vars(node).items() if isinstance(v, np.ndarray) and v.size > 4]
        assert not held, f"{name}: node {node.name} keeps arrays {held} after backward"
        stack.extend(node.producers)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
@given(data=st.data())
def test_op_second_derivative_matches_central_differences(spec, data):
    call, arrays = draw_call(data.draw, spec)
    leaves = _leaves(_read_only(arrays))
    assert ag.gradgradcheck(call, *leaves, atol=1e-4, rtol=1e-3)
