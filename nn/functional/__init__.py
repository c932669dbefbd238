"""nn.functional: the stateless forms of the layers and losses, as in `torch.nn.functional`.

Every function here is a composition of `autograd_core` ops, so its
gradient comes from the engine's primitives; there is no backward code in nn.
Each differentiable one is registered (`autograd_core.function.register`), so
the registry's hypothesis suite checks it to second order; its sample
strategy is in `nn.functional.op_samples`.
"""

from .activation import (
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from .classification import cross_entropy, nll_loss
from .dropout import dropout
from .linear import linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    multi_margin_loss,
    smooth_l1_loss,
)
from .normalization import batch_norm, layer_norm, local_response_norm, normalize
from .padding import pad
from .sparse import embedding, one_hot

# --- other helpers' imports (conv, pooling, upsample): add lines below ---
# isort: split
from .conv import conv1d, conv2d, conv_transpose2d
from .pooling import avg_pool2d, max_pool2d, max_unpool2d
from .upsample import interpolate

# isort: split
from .adaptive_pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
)

# --- end of other helpers' imports ---

# What the registry's hypothesis suite cannot check, and why (every other name is registered).
NOT_IN_REGISTRY = {
    "dropout": "a random mask each call; tests/nn/test_functional.py checks its gradient",
    "one_hot": "integer output; tests/nn/test_embedding_layer_norm.py compares it with torch",
}

__all__ = [
    "relu",
    "leaky_relu",
    "gelu",
    "elu",
    "selu",
    "silu",
    "softplus",
    "hardtanh",
    "relu6",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "linear",
    "dropout",
    "batch_norm",
    "embedding",
    "one_hot",
    "layer_norm",
    "normalize",
    "conv1d",
    "pad",
    "cross_entropy",
    "nll_loss",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "conv_transpose2d",
    "max_pool2d",
    "avg_pool2d",
    "max_unpool2d",
    "interpolate",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "local_response_norm",
    "multi_margin_loss",
]
