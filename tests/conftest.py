"""Test-suite settings: one hypothesis profile (no deadline: timing is noisy), and the sample
strategies of the ops `nn` registers, so that the registry's suite tests them too."""

import os

from hypothesis import HealthCheck, settings

import nn.testing  # noqa: F401  (nn.functional's ops join the registry's gradient suite)

settings.register_profile(
    "default",
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
