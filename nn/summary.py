"""`summary(model, input_shape)`: a table of a model's layers, output shapes, parameter counts
and activation memory.

One forward pass on zeros (under `no_grad`, in eval mode so that batch norm's
running statistics are left alone) records the output shape of every layer:
each leaf module's `forward` is wrapped for the duration of the pass and
restored afterwards, even when the pass fails. Parameter counts come from
`Module.parameters()`; buffers (batch norm's running statistics) are counted
apart, since they are not learned, and parameters with `requires_grad=False`
(frozen layers) are non-trainable. The activation memory of a layer is the
size of everything it output in the pass (every call, for a layer that runs
several times, like ResNet's shared ReLU), divided by the batch size: what a
training step keeps per image for backward, roughly.

Builds on `nn.Module` (`named_modules`, `named_parameters`, `buffers`) and
`autograd_core` (`zeros`, `no_grad`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd_core as ag

from .module import Module


@dataclass(frozen=True)
class SummaryRow:
    """One layer of a `Summary`: qualified name, class, output shape(s), parameter counts.

    `output_shape` is a shape tuple, a list of them for a layer that returns
    several tensors, or None for a layer the forward pass did not call;
    `calls` counts how often it ran in the pass; `activation_bytes` is the
    size of its outputs (all calls) per image.
    """

    name: str
    kind: str
    output_shape: Any
    params: int
    trainable: int
    calls: int
    activation_bytes: float = 0.0


class Summary:
    """What `summary` found: `.rows` (one `SummaryRow` per layer) and the parameter totals.

    `str()` and `repr()` give the table. `total_params` counts every number
    in the parameters, `trainable_params` those that require grad,
    `non_trainable_params` the rest; `buffer_values` counts the numbers in
    buffers, which are not parameters; `activation_bytes` sums the rows' activation
    memory per image.

    Examples
    --------
    >>> import nn
    >>> s = summary(nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)), (1, 3))
    >>> s.total_params, s.rows[1].output_shape
    (26, (1, 2))
    """

    def __init__(
        self,
        model_name: str,
        input_shape: tuple[int, ...],
        output_shape: Any,
        rows: list[SummaryRow],
        total_params: int,
        trainable_params: int,
        buffer_values: int,
    ) -> None:
        self.model_name = model_name
        self.input_shape = input_shape
        self.output_shape = output_shape
        self.rows = rows
        self.total_params = total_params
        self.trainable_params = trainable_params
        self.non_trainable_params = total_params - trainable_params
        self.buffer_values = buffer_values
        self.activation_bytes = sum(row.activation_bytes for row in rows)

    def __str__(self) -> str:
        header = ("Layer", "Type", "Output shape", "Params", "Act./image")
        body = [
            (
                (row.name or "(model)") + (f" (x{row.calls})" if row.calls > 1 else ""),
                row.kind,
                _fmt_output(row.output_shape),
                f"{row.params:,}",
                _fmt_bytes(row.activation_bytes),
            )
            for row in self.rows
        ]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(5)]

        def line(cells: tuple[str, ...]) -> str:
            left = "  ".join(cell.ljust(width) for cell, width in zip(cells[:3], widths))
            right = "  ".join(cell.rjust(width) for cell, width in zip(cells[3:], widths[3:]))
            return left + "  " + right

        rule_width = sum(widths) + 8
        lines = [
            f"{self.model_name} on input {_fmt_output(self.input_shape)}",
            line(header),
            "-" * rule_width,
            *(line(cells) for cells in body),
            "=" * rule_width,
            f"Output shape: {_fmt_output(self.output_shape)}",
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            f"Activation memory per image: {_fmt_bytes(self.activation_bytes)}",
        ]
        if self.buffer_values:
            lines.append(f"Buffers (not parameters): {self.buffer_values:,} values")
        return "\n".join(lines)

    __repr__ = __str__


def _fmt_output(shape: Any) -> str:
    if shape is None:
        return "-"
    if isinstance(shape, list):
        return ", ".join(_fmt_output(s) for s in shape)
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _fmt_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _bytes_of(output: Any) -> int:
    if isinstance(output, ag.Tensor):
        return int(np.asarray(output.detach()).nbytes)
    if isinstance(output, (tuple, list)):
        return sum(_bytes_of(item) for item in output)
    return 0


def _shape_of(output: Any) -> Any:
    if isinstance(output, ag.Tensor):
        return tuple(output.shape)
    if isinstance(output, (tuple, list)):
        return [_shape_of(item) for item in output]
    return None


def _check_input_shape(input_shape: Any) -> tuple[int, ...]:
    if isinstance(input_shape, (int, np.integer)):
        input_shape = (input_shape,)
    if not isinstance(input_shape, (tuple, list)) or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in input_shape
    ):
        raise TypeError(
            "summary: input_shape must be a tuple of ints with the batch included, "
            f"e.g. (1, 1, 28, 28); got {input_shape!r}"
        )
    if any(n <= 0 for n in input_shape):
        raise ValueError(f"summary: input_shape must have positive sizes, got {input_shape!r}")
    return tuple(int(n) for n in input_shape)


def summary(model: Module, input_shape: tuple[int, ...], dtype: Any = None) -> Summary:
    """Run `model` once on zeros of `input_shape` and tabulate its layers and parameters.

    `input_shape` includes the batch, e.g. (1, 1, 28, 28). The pass runs
    under `no_grad` in eval mode; the model's training flags and every
    wrapped `forward` are restored afterwards, even if the pass raises.
    A row is listed for each leaf module (and each module holding
    parameters of its own), in `named_modules()` order.

    Examples
    --------
    >>> import nn
    >>> print(summary(nn.Linear(3, 4), (2, 3)))  # doctest: +NORMALIZE_WHITESPACE
    Linear on input (2, 3)
    Layer    Type    Output shape  Params  Act./image
    -------------------------------------------------
    (model)  Linear  (2, 4)            16        16 B
    =================================================
    Output shape: (2, 4)
    Total params: 16
    Trainable params: 16
    Non-trainable params: 0
    Activation memory per image: 16 B
    """
    if not isinstance(model, Module):
        raise TypeError(f"summary: model must be an nn.Module, got {type(model).__name__}")
    shape = _check_input_shape(input_shape)

    listed: list[tuple[str, Module]] = []
    for name, module in model.named_modules():
        has_children = next(module.children(), None) is not None
        if not has_children or module._parameters:
            listed.append((name, module))
    outputs: dict[int, list[Any]] = {id(module): [] for _, module in listed}

    def recording(module: Module, forward: Callable[..., Any]) -> Callable[..., Any]:
        def forward_and_record(*args: Any, **kwargs: Any) -> Any:
            output = forward(*args, **kwargs)
            outputs[id(module)].append((_shape_of(output), _bytes_of(output)))
            return output

        return forward_and_record

    modes = [(module, module.training) for module in model.modules()]
    wrapped: list[tuple[Module, Any]] = []
    try:
        for _, module in listed:
            wrapped.append((module, module.__dict__.get("forward")))
            object.__setattr__(module, "forward", recording(module, module.forward))
        model.eval()
        with ag.no_grad():
            result = model(ag.zeros(shape, dtype=dtype))
    finally:
        for module, own_forward in reversed(wrapped):
            if own_forward is None:
                object.__delattr__(module, "forward")
            else:
                object.__setattr__(module, "forward", own_forward)
        for module, training in modes:
            object.__setattr__(module, "training", training)

    rows = []
    for name, module in listed:
        recurse = next(module.children(), None) is None
        params = list(module.parameters(recurse=recurse))
        calls = outputs[id(module)]
        rows.append(
            SummaryRow(
                name=name,
                kind=type(module).__name__,
                output_shape=calls[0][0] if calls else None,
                params=sum(p.numel() for p in params),
                trainable=sum(p.numel() for p in params if p.requires_grad),
                calls=len(calls),
                activation_bytes=sum(nbytes for _, nbytes in calls) / shape[0],
            )
        )
    every = list(model.parameters())
    return Summary(
        model_name=type(model).__name__,
        input_shape=shape,
        output_shape=_shape_of(result),
        rows=rows,
        total_params=sum(p.numel() for p in every),
        trainable_params=sum(p.numel() for p in every if p.requires_grad),
        buffer_values=sum(b.numel() for b in model.buffers()),
    )
