"""Shared test settings: Hypothesis is derandomised by default so that runs are
deterministic; HYPOTHESIS_PROFILE=explore searches with fresh randomness and more cases."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
