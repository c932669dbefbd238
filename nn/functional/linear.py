"""`linear`: the affine map x @ W^T + b of a fully connected layer, weight (out, in).

A 2-d input with a bias goes through the fused `affine` primitive
(`autograd_core.ops.linalg.Affine`, one graph node); other inputs through the
composition `x @ weight.T + bias`, which the tests compare the primitive with.
"""

from __future__ import annotations

from autograd_core import Tensor
from autograd_core.function import register
from autograd_core.ops.linalg import Affine

from ._convert import check_same_dtype


@register("linear", sample="nn_linear")
def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight^T + bias, with weight of shape (out_features, in_features).

    `x` has shape (*, in_features); the result has shape (*, out_features).
    Both products (forward and backward) go through BLAS.

    Examples
    --------
    >>> import autograd_core as ag
    >>> linear(ag.ones((2, 3)), ag.ones((4, 3)), ag.zeros(4)).shape
    (2, 4)
    """
    shape = weight.shape  # NOTE: read once: each read of .shape builds a Size
    if len(shape) != 2:
        raise ValueError(f"linear: weight must have shape (out_features, in_features), got {shape}")
    x_shape = x.shape
    if not x_shape or x_shape[-1] != shape[1]:
        raise ValueError(
            f"linear: input of shape {tuple(x_shape)} does not fit weight of shape "
            f"{shape}: expected the last axis of the input to be {shape[1]}"
        )
    if bias is not None and bias.shape != shape[:1]:
        raise ValueError(
            f"linear: bias must have shape ({shape[0]},) to match weight {shape}, got {bias.shape}"
        )
    check_same_dtype("linear", input=x, weight=weight, bias=bias)
    if bias is not None and len(x_shape) == 2:  # the common case: one fused node (Affine)
        return Affine.apply(x, weight, bias)
    out = x @ weight.T  # (*, in) @ (in, out) -> (*, out); .T is a view, BLAS reads it as is
    return out if bias is None else out + bias
