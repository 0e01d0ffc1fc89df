"""Hypothesis profiles for every test: ``ci`` (seeded, so a CI run is reproducible; chosen when
``CI`` is set), ``dev`` (random, the default), ``long`` (many examples, by hand). Pick one with
``HYPOTHESIS_PROFILE=long``. Tests with their own ``@settings`` keep their example counts."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
