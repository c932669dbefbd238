"""Stochastic depth (Huang et al., 2016) after torchvision.ops: `stochastic_depth`,
`StochasticDepth`.

In training, a residual branch's output is zeroed with probability `p`, for
each sample ("row") or for the whole batch at once ("batch"), and the
survivors are scaled by 1 / (1 - p) so that the expected output is
unchanged; in evaluation it passes through. The mask comes from
`autograd_core`'s generator, so `ag.manual_seed` makes it reproducible.
"""

from __future__ import annotations

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.random import default_generator

from ..layers._checks import check_tensor
from ..module import Module


def stochastic_depth(input: Tensor, p: float, mode: str, training: bool = True) -> Tensor:
    """input * mask / (1 - p), the mask 0 with probability `p` per sample (mode "row") or for
    the whole input (mode "batch"); the input itself when not `training` or p == 0.

    Examples
    --------
    >>> import autograd_core as ag
    >>> stochastic_depth(ag.ones((2, 3)), 0.5, "row", training=False)
    tensor([[1., 1., 1.],
            [1., 1., 1.]])
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"stochastic_depth: drop probability has to be between 0 and 1, got {p}")
    if mode not in ("batch", "row"):
        raise ValueError(f"stochastic_depth: mode has to be either 'batch' or 'row', got {mode!r}")
    x = input if isinstance(input, Tensor) else ag.tensor(input)
    if not training or p == 0.0:
        return x
    survival = 1.0 - p
    shape = (x.shape[0],) + (1,) * (x.ndim - 1) if mode == "row" else (1,) * x.ndim
    noise = (default_generator().random(shape) < survival).astype(x.dtype)
    if survival > 0.0:
        noise /= survival
    return x * noise


class StochasticDepth(Module):
    """`stochastic_depth` with `p` and `mode` held, active in training mode only.

    Examples
    --------
    >>> import autograd_core as ag
    >>> StochasticDepth(0.2, "row").eval()(ag.ones((4, 3))).shape
    (4, 3)
    """

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, input: Tensor) -> Tensor:
        check_tensor(self, input)
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p}, mode={self.mode})"
