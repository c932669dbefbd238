"""The demo: the lecture's (x + y) * z example, forward and backward.

Run it with `python -m nn.demo`.
"""

from __future__ import annotations

import autograd_core as ag


def lecture_example() -> dict[str, float]:
    """f(x, y, z) = (x + y) z at (-2, 5, -4): the value and the three gradients."""
    x, y, z = (ag.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    q = x + y
    f = q * z
    f.backward()
    return {"f": f.item(), "df/dx": x.grad.item(), "df/dy": y.grad.item(), "df/dz": z.grad.item()}


def main() -> None:
    print("f(x, y, z) = (x + y) * z at x=-2, y=5, z=-4")
    for name, value in lecture_example().items():
        print(f"  {name:6s} = {value:g}")


if __name__ == "__main__":
    main()
