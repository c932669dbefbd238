"""The primitive ops, one module per family, and the composites built on them.

Importing this package fills `autograd_core.function.REGISTRY`. The public
names are derived, never listed twice: each family module declares its own
`__all__` (and, where it has them, `NON_DIFFERENTIABLE`, the public functions
that are not differentiable ops, and `ALIASES`, second names mapped to the op
they call), and this package's namespace is their union. Adding an op to a
family touches that module only; a new family adds one line to `FAMILIES`.
The internal primitives that `nn` builds on (`getitem`, `astype`, the window
ops, ...) are attributes of this package but not public names.
"""

from . import (
    arithmetic,
    contraction,
    diagonals,
    elementwise,
    finding,
    indexing,
    linalg,
    logical,
    movement,
    pieces,
    rearrange,
    reduce,
    shaping,
    sorting,
    special,
    statistics,
    trigonometry,
    unary,
    window,
)
from .arithmetic import *  # noqa: F403
from .contraction import *  # noqa: F403
from .diagonals import *  # noqa: F403
from .elementwise import *  # noqa: F403
from .elementwise import astype  # noqa: F401  (internal primitives, used by nn)
from .finding import *  # noqa: F403
from .indexing import *  # noqa: F403
from .linalg import *  # noqa: F403
from .logical import *  # noqa: F403
from .movement import *  # noqa: F403
from .movement import matrix_transpose, reversed_dims  # noqa: F401
from .pieces import *  # noqa: F403
from .rearrange import *  # noqa: F403
from .reduce import *  # noqa: F403
from .shaping import *  # noqa: F403
from .sorting import *  # noqa: F403
from .special import *  # noqa: F403
from .statistics import *  # noqa: F403
from .subscript import accumulate_at, getitem  # noqa: F401
from .trigonometry import *  # noqa: F403
from .unary import *  # noqa: F403
from .window import sliding_window, window_fold, window_max, window_max_scatter  # noqa: F401

# The one explicit list of the package: the families whose names are public.
FAMILIES = (
    elementwise, arithmetic, unary, trigonometry, logical, reduce, statistics, movement,
    shaping, rearrange, pieces, sorting, finding, indexing, linalg, contraction, diagonals,
    special, window,
)  # fmt: skip

# Public functions that are not differentiable ops; every other public name is in REGISTRY
# (tests/autograd_core/test_ops.py checks it) or in ALIASES.
NON_DIFFERENTIABLE: tuple[str, ...] = tuple(
    name for family in FAMILIES for name in getattr(family, "NON_DIFFERENTIABLE", ())
)

# Second names of ops, as PyTorch (or numpy, where PyTorch accepts it) spells them, and the
# thin forms that only turn their arguments into the op's (`view_as(x, y)` is `view(x,
# y.shape)`): name -> the op it calls.
ALIASES: dict[str, str] = {
    name: target for family in FAMILIES for name, target in getattr(family, "ALIASES", {}).items()
}

__all__ = ["NON_DIFFERENTIABLE"]
__all__ += elementwise.__all__
__all__ += unary.__all__
__all__ += logical.__all__
__all__ += reduce.__all__
__all__ += statistics.__all__
__all__ += movement.__all__
__all__ += shaping.__all__
__all__ += rearrange.__all__
__all__ += pieces.__all__
__all__ += sorting.__all__
__all__ += indexing.__all__
__all__ += linalg.__all__
__all__ += contraction.__all__
__all__ += special.__all__
__all__ += finding.__all__
__all__ += diagonals.__all__
__all__ += arithmetic.__all__
__all__ += trigonometry.__all__
