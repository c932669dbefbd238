"""`Parameter` and `Module`, the base of every layer (the containers are in `containers`).

A `Module` finds its parameters, buffers and sub-modules by watching
attribute assignment (`self.weight = Parameter(...)`, `self.fc = Linear(...)`),
the way PyTorch's does, so a model is an ordinary Python class and
`state_dict()` keys come out with PyTorch's names (`0.weight`,
`bn.running_mean`). Calling a module runs `forward` inside its scope
(`autograd_core.scope.enter_scope`), which tags every recorded op with the
layer it belongs to (the graph viewer draws one box per layer from that).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.dtypes import get_default_dtype
from autograd_core.scope import enter_scope, exit_scope

from . import hooks
from . import state_dict as state_dict_loading


class Parameter(Tensor):
    """A tensor that a `Module` registers as one of its learnable weights.

    Always floating point (integer or boolean data is converted to the
    default float dtype) and `requires_grad=True` unless told otherwise. A
    numpy float array is used as it is, not copied.

    Examples
    --------
    >>> import numpy as np
    >>> p = Parameter(np.zeros(2, dtype=np.float32)); p.requires_grad, p.dtype
    (True, dtype('float32'))
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=get_default_dtype())
        if isinstance(data, Tensor):
            data = data.detach()  # the same memory and version counter, as in PyTorch
        super().__init__(data, requires_grad=False)
        if self._data.dtype.kind != "f":  # integer data becomes the default float dtype
            self._data = self._data.astype(get_default_dtype())  # making it, not a change
            self._counter = None  # new memory
        self.requires_grad = bool(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of layers and models: subclass it, assign parts in `__init__`, write `forward`.

    Attributes that are `Parameter`s become parameters, attributes that are
    `Module`s become sub-modules, and `register_buffer` adds state that is
    saved but not learned (batch norm's running statistics).

    Examples
    --------
    >>> import nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(4, 8)
    ...         self.out = nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    >>> [name for name, _ in TwoLayer().named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    training: bool

    def __init__(self) -> None:
        # object.__setattr__ bypasses our own __setattr__, which needs these dicts to exist.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of this module; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward() method")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # NOTE: enter/exit by hand, not a generator-based context manager, which costs
        # several times more per call.
        if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks:
            return hooks.call_with_hooks(self, args, kwargs)
        token = enter_scope(self)
        try:
            return self.forward(*args, **kwargs)
        finally:
            exit_scope(token)

    # ------------------------------------------------------------ registration

    def _check_initialised(self, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {what} before Module.__init__() has run: call "
                f"super().__init__() first in {type(self).__name__}.__init__"
            )

    @staticmethod
    def _check_name(name: Any, what: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{what} name must be a str, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{what} name must be non-empty and contain no '.', got {name!r}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a None placeholder, as `Linear(bias=False)` keeps for `bias`)."""
        self._check_initialised("parameters")
        self._check_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign {type(param).__name__} as parameter {name!r} "
                "(a Parameter or None is required)"
            )
        if hasattr(type(self), name) or (name in self.__dict__):
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")
        self._buffers.pop(name, None)
        self._modules.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Add state that is not learned; persistent buffers go into `state_dict()`.

        Examples
        --------
        >>> import nn, autograd_core as ag
        >>> m = nn.Module(); m.register_buffer("count", ag.tensor(0)); list(m.state_dict())
        ['count']
        """
        self._check_initialised("buffers")
        self._check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            if not isinstance(tensor, np.ndarray):
                raise TypeError(
                    f"cannot assign {type(tensor).__name__} as buffer {name!r} "
                    "(a Tensor, an ndarray or None is required)"
                )
            tensor = Tensor(tensor)
        if isinstance(tensor, Parameter):
            raise TypeError(f"buffer {name!r}: a Parameter cannot be a buffer")
        if name in self.__dict__ or (hasattr(type(self), name) and name not in self._buffers):
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a sub-module under `name` (what `self.name = module` does)."""
        self._check_initialised("sub-modules")
        self._check_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if name in self.__dict__:
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._modules[name] = module

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Parameter):
            self._check_initialised("parameters")
            self.__dict__.pop(name, None)
            self._buffers.pop(name, None)
            self._modules.pop(name, None)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._check_initialised("sub-modules")
            self.__dict__.pop(name, None)
            self._parameters.pop(name, None)
            self._buffers.pop(name, None)
            self._modules[name] = value
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} of "
                    f"{type(self).__name__} (a Parameter or None is required)"
                )
            self._parameters[name] = None
        elif "_modules" in self.__dict__ and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as sub-module {name!r} of "
                    f"{type(self).__name__} (a Module or None is required)"
                )
            self._modules[name] = None
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} of "
                    f"{type(self).__name__} (a Tensor or None is required)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: parameters, buffers and modules live here.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    # --------------------------------------------------------------- traversal

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every module inside it, with dotted names ('' for this one)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            yield from module.named_modules(
                memo, prefix + ("." if prefix else "") + name, remove_duplicate
            )

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its qualified name (`0.weight`), each shared one once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)  # type: ignore[misc]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, in registration order, each shared one once."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer with its qualified name (`bn.running_mean`)."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer, in registration order."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def num_parameters(self, trainable_only: bool = False) -> int:
        """How many numbers the parameters hold (only those requiring grad if asked)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)

    # ------------------------------------------------------------------- modes

    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch norm on batch statistics) here and below."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode here and below; the same as `train(False)`."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient recording on or off for every parameter (freezing layers)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (set them to None, as PyTorch does)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad = Tensor(np.zeros_like(np.asarray(param)))

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every sub-module (children first) and then on this one."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------- hooks

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> hooks.RemovableHandle:
        """Call `hook(module, args)` before each forward; a non-None result replaces the args
        (a tuple, or one value). Returns a handle whose `remove()` takes the hook away."""
        return hooks.add(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable[..., Any]) -> hooks.RemovableHandle:
        """Call `hook(module, args, output)` after each forward; a non-None result replaces
        the output. Returns a handle whose `remove()` takes the hook away.

        Examples
        --------
        >>> import nn, autograd_core as ag
        >>> seen = []
        >>> handle = nn.ReLU().register_forward_hook(lambda m, args, out: seen.append(out.shape))
        """
        return hooks.add(self._forward_hooks, hook)

    def register_full_backward_hook(self, hook: Callable[..., Any]) -> hooks.RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` when the gradients with respect to the
        module's tensor inputs have been computed (tuples, None where an input needs no
        gradient); a non-None result replaces grad_input. Returns a removable handle."""
        return hooks.add(self._backward_hooks, hook)

    # ------------------------------------------------------------ device, dtype

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move to a device (only "cpu" exists) and/or cast floating parameters and buffers to
        a dtype, in place; returns the module (`model.to(device)`, `model.to(ag.float64)`)."""
        dtype = hooks.target_dtype(args, kwargs)
        if dtype is not None:
            self._cast_floating(dtype)
        return self

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64."""
        return self._cast_floating(np.dtype(np.float64))

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32."""
        return self._cast_floating(np.dtype(np.float32))

    def half(self) -> Module:
        """Cast floating parameters and buffers to float16."""
        return self._cast_floating(np.dtype(np.float16))

    def cpu(self) -> Module:
        """The module itself: everything already lives on the CPU."""
        return self

    def _cast_floating(self, dtype: np.dtype) -> Module:
        for module in self.modules():
            for registry in (module._parameters, module._buffers):
                for tensor in registry.values():
                    if tensor is not None and np.dtype(tensor.dtype).kind == "f":
                        hooks.cast_in_place(tensor, dtype)
        return self

    # ------------------------------------------------------------- state dicts

    def _state_tensors(self) -> OrderedDict[str, Tensor]:
        """Name -> tensor of everything `state_dict` saves, in PyTorch's order."""
        state: OrderedDict[str, Tensor] = OrderedDict()
        for prefix, module in self.named_modules(remove_duplicate=False):
            dot = prefix + "." if prefix else ""
            for name, param in module._parameters.items():
                if param is not None:
                    state.setdefault(dot + name, param)
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    state.setdefault(dot + name, buffer)
        return state

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Copies of the parameters and persistent buffers as numpy arrays, by qualified name.

        Examples
        --------
        >>> import nn
        >>> list(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)).state_dict())[:3]
        ['0.weight', '0.bias', '1.weight']
        """
        return OrderedDict(
            (name, np.array(np.asarray(tensor), copy=True))
            for name, tensor in self._state_tensors().items()
        )

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> tuple[list[str], list[str]]:
        """Copy values (arrays, tensors or numbers) into the parameters and buffers.

        Everything is checked and converted before anything is copied, so a
        failed load changes nothing: with `strict`, missing and unexpected keys
        are errors; a shape mismatch or a lossy cast (1e300 into float32, NaN
        into an integer) is always an error, naming the key. Returns
        `(missing, unexpected)`.

        Examples
        --------
        >>> import nn
        >>> a, b = nn.Linear(2, 2), nn.Linear(2, 2)
        >>> b.load_state_dict(a.state_dict())
        ([], [])
        """
        own = self._state_tensors()
        values, missing, unexpected = state_dict_loading.prepare(
            own, state_dict, strict, type(self).__name__
        )
        state_dict_loading.commit(own, values)
        return missing, unexpected

    # -------------------------------------------------------------------- repr

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in `repr` (its settings)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, module in self._modules.items():
            body = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        if not self._modules:
            return f"{type(self).__name__}({extra})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        names.update(self._parameters, self._buffers, self._modules)
        return sorted(names)
