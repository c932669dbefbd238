"""Einstein summation as torch.einsum: explicit (`->`) and implicit output, `...`
for the dims a subscript does not name (broadcast like numpy's), and letters
repeated within one operand (diagonals, `"ii->i"`, traces).

The primitive `Einsum` takes one plain form only: every operand with distinct
letters, each letter with one size. The public `einsum` rewrites any equation
into it: `...` becomes fresh letters, a size-1 dim is broadcast (a recorded
op, so its gradient is summed back), and a repeated letter becomes a fresh
one tied to the first by an identity matrix (`"ii->i"` is `"iI,iI->i"` with
`eye`). The backward of an einsum is one more einsum per operand, through
`np.einsum` with `optimize=True` (BLAS for the contractions).
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from ..dtypes import result_type
from ..errors import ArgumentError
from ..function import Function, register
from ..tensor import Tensor
from .movement import broadcast_to, reshape


class Einsum(Function):
    """out = einsum(equation, *operands), in the plain form `ab,bc->ac` (distinct letters
    per operand);   dL/d(operand k) = einsum of grad with the other operands"""

    def forward(ctx, *operands, subscripts, output):
        ctx.subscripts, ctx.output = subscripts, output
        ctx.save_for_backward(*operands)
        return np.einsum(f"{','.join(subscripts)}->{output}", *operands, optimize=True)

    def backward(ctx, grad):
        operands = ctx.saved_tensors
        grads: list[Tensor | None] = []
        for k, (sub, x) in enumerate(zip(ctx.subscripts, operands)):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [s for i, s in enumerate(ctx.subscripts) if i != k]
            present = set(ctx.output).union(*others)
            # NOTE: letters only this operand has were summed away: the gradient is the same
            # along them, so compute without them and broadcast back.
            kept = "".join(c for c in sub if c in present)
            g = Einsum.apply(
                grad,
                *[t for i, t in enumerate(operands) if i != k],
                subscripts=(ctx.output, *others),
                output=kept,
            )
            if kept != sub:
                g = reshape(g, tuple(x.shape[i] if c in present else 1 for i, c in enumerate(sub)))
                g = broadcast_to(g, x.shape)
            grads.append(g)
        return tuple(grads)


def _parse(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Each operand's subscripts and the output's, with `...` spelled as fresh letters."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) != len(shapes):
        raise ArgumentError(
            f"einsum: {equation!r} names {len(subscripts)} operands, got {len(shapes)}"
        )
    fresh = [c for c in string.ascii_letters if c not in equation]
    ellipsis_dims = []
    for sub, shape in zip(subscripts, shapes):
        letters = sub.replace("...", "")
        if not all(c in string.ascii_letters for c in letters) or sub.count("...") > 1:
            raise ArgumentError(
                f"einsum: subscripts are letters and at most one '...', got {sub!r} in {equation!r}"
            )
        extra = len(shape) - len(letters)
        if extra < 0 or (extra and "..." not in sub):
            raise ArgumentError(
                f"einsum: subscripts {sub!r} do not fit an operand of shape {shape}"
            )
        ellipsis_dims.append(extra)
    dots = "".join(fresh[: max(ellipsis_dims, default=0)])
    subscripts = [
        sub.replace("...", dots[len(dots) - n :]) for sub, n in zip(subscripts, ellipsis_dims)
    ]
    if arrow:
        output = output.replace("...", dots)
    else:  # implicit: the `...` dims, then the letters that appear once, in order
        letters = "".join(subscripts)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in dots)
        output = dots + "".join(once)
    unknown = set(output) - set("".join(subscripts))
    if unknown or len(set(output)) != len(output):
        raise ArgumentError(
            f"einsum: the output {output!r} must name distinct letters of the inputs ({equation!r})"
        )
    return subscripts, output


@register("einsum", sample="einsum", reference=lambda equation, *xs: np.einsum(equation, *xs))
def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation over the operands' subscripts, as torch.einsum (operands given
    separately or as one list; explicit `->` output or the implicit one; `...`; repeated
    letters for diagonals).

    Examples
    --------
    >>> import autograd_core as ag
    >>> ag.einsum("ij,jk->ik", ag.ones((2, 3)), ag.ones((3, 4))).shape
    (2, 4)
    >>> ag.einsum("ii", ag.eye(3)), ag.einsum("...ij->...j", ag.ones(5, 2, 3)).shape
    (tensor(3.), (5, 3))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [x if isinstance(x, Tensor) else Tensor(x) for x in operands]
    subscripts, output = _parse(equation, [x.shape for x in tensors])
    sizes: dict[str, int] = {}
    for sub, x in zip(subscripts, tensors):
        for c, n in zip(sub, x.shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise ArgumentError(
                    f"einsum: subscript {c!r} has sizes {sizes[c]} and {n} in {equation!r} "
                    f"(operand shapes {[x.shape for x in tensors]})"
                )
            sizes[c] = max(sizes.get(c, 1), n)
    fresh = iter(c for c in string.ascii_letters if c not in "".join(subscripts))
    plain: list[str] = []
    ties: list[tuple[str, int]] = []
    for sub, x in zip(subscripts, tensors):
        target = tuple(sizes[c] for c in sub)
        tensors[len(plain)] = x if x.shape == target else broadcast_to(x, target)
        letters = ""
        for c in sub:  # a letter seen before in this operand: a fresh one, tied by `eye`
            if c in letters:
                tie = next(fresh)
                ties.append((c + tie, sizes[c]))
                c = tie
            letters += c
        plain.append(letters)
    dtype = result_type(*tensors)
    eyes = [Tensor._from_op(np.eye(n, dtype=dtype), None) for _, n in ties]
    return Einsum.apply(
        *tensors, *eyes, subscripts=(*plain, *(sub for sub, _ in ties)), output=output
    )


__all__ = ["einsum"]
