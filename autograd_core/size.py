"""`Size`: a tensor's shape, a tuple of ints that also answers `numel()`, as torch.Size."""

from __future__ import annotations

from typing import Any, SupportsIndex, overload


class Size(tuple):
    """The shape of a tensor: a tuple of extents.

    Examples
    --------
    >>> import autograd_core as ag
    >>> s = ag.zeros(2, 3).size(); s, s[1], s.numel()
    ((2, 3), 3, 6)
    """

    __slots__ = ()

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        count = 1
        for n in self:
            count *= n
        return count

    @overload
    def __getitem__(self, index: SupportsIndex) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Size: ...
    def __getitem__(self, index: Any) -> Any:
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    # NOTE: printed as the plain tuple "(2, 3)" (torch prints "torch.Size([2, 3])"), so error
    # messages, doctests and notebooks read the same whether a shape is a Size or a tuple.
