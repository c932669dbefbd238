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
    if weight.ndim != 2:
        raise ValueError(
            f"linear: weight must have shape (out_features, in_features), got {weight.shape}"
        )
    if x.ndim < 1 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input of shape {tuple(x.shape)} does not fit weight of shape "
            f"{weight.shape}: expected the last axis of the input to be {weight.shape[1]}"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(
            f"linear: bias must have shape ({weight.shape[0]},) to match weight "
            f"{weight.shape}, got {bias.shape}"
        )
    check_same_dtype("linear", input=x, weight=weight, bias=bias)
    if bias is not None and x.ndim == 2:  # the common case: one fused node (Affine)
        return Affine.apply(x, weight, bias)
    out = x @ weight.T  # (*, in) @ (in, out) -> (*, out); .T is a view, BLAS reads it as is
    return out if bias is None else out + bias
