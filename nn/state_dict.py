"""Loading a state dict: check and convert every value first, then change the model at once.

A value is refused (with its key in the message) when it is not numeric,
has the wrong shape, or would lose information in the cast to the model's
dtype: a finite number that overflows (1e300 into float32), NaN or an
infinity into an integer tensor, a fraction or an out-of-range number into
an integer one. The checks run with numpy's warnings silenced, so the
result is the same whatever the warning filters (`-W error` included).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad


def _lossy_cast(array: np.ndarray, dtype: np.dtype) -> str | None:
    """Why casting `array` to `dtype` loses information, or None when it does not."""
    if array.dtype == dtype or array.size == 0:
        return None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        converted = array.astype(dtype)
        if dtype.kind == "f":
            source_finite = (
                np.isfinite(array) if array.dtype.kind in "fc" else np.ones_like(array, bool)
            )
            overflow = source_finite & ~np.isfinite(converted)
            if overflow.any():
                return (
                    f"value {array[overflow].ravel()[0]!r} overflows {dtype} (largest "
                    f"{np.finfo(dtype).max:g})"
                )
            return None
        if dtype.kind in "iub":
            if array.dtype.kind in "fc":
                if not np.isfinite(array).all():
                    bad = array[~np.isfinite(array)].ravel()[0]
                    return f"value {bad!r} cannot be stored in an integer tensor ({dtype})"
                if (array != np.round(array)).any():
                    bad = array[array != np.round(array)].ravel()[0]
                    return f"value {bad!r} is not a whole number, as {dtype} needs"
            if (converted.astype(array.dtype) != array).any():
                bad = array[converted.astype(array.dtype) != array].ravel()[0]
                return f"value {bad!r} is out of the range of {dtype}"
    return None


def prepare(
    own: Mapping[str, Tensor], state_dict: Mapping[str, Any], strict: bool, owner: str
) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """The converted arrays to copy in, the missing and the unexpected keys; raises a
    RuntimeError listing every problem (nothing has been changed then)."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            f"load_state_dict: expected a mapping of names to arrays, "
            f"got {type(state_dict).__name__}"
        )
    missing = [name for name in own if name not in state_dict]
    unexpected = [name for name in state_dict if name not in own]
    problems: list[str] = []
    values: dict[str, np.ndarray] = {}
    for name, tensor in own.items():
        if name not in state_dict:
            continue
        value = state_dict[name]
        try:
            array = np.asarray(value.detach().numpy() if isinstance(value, Tensor) else value)
        except Exception as error:  # reported below with the key's name
            problems.append(f"{name!r}: cannot read the value as an array ({error})")
            continue
        if array.dtype.kind not in "biuf":
            problems.append(f"{name!r}: expected numeric data, got dtype {array.dtype}")
        elif array.shape != tuple(tensor.shape):
            problems.append(
                f"size mismatch for {name!r}: the checkpoint has shape {array.shape}, "
                f"the model has shape {tuple(tensor.shape)}"
            )
        elif (reason := _lossy_cast(array, np.dtype(tensor.dtype))) is not None:
            problems.append(f"{name!r}: {reason}; nothing was cast")
        else:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                values[name] = np.array(array, dtype=tensor.dtype)
    if strict:
        if missing:
            problems.append("missing keys: " + ", ".join(repr(k) for k in missing))
        if unexpected:
            problems.append("unexpected keys: " + ", ".join(repr(k) for k in unexpected))
    if problems:
        raise RuntimeError(
            f"load_state_dict: cannot load into {owner} (nothing was changed):\n  "
            + "\n  ".join(problems)
        )
    return values, missing, unexpected


def commit(own: Mapping[str, Tensor], values: Mapping[str, np.ndarray]) -> None:
    """Copy the prepared arrays in (same shapes and dtypes: nothing here can fail)."""
    for name, array in values.items():
        with no_grad():  # in place: optimizers keep referring to the same tensor
            own[name].copy_(array)  # counted by the version counter, as any in-place change
