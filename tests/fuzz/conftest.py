"""Property-based fuzzing (hypothesis): `make fuzz` runs FUZZ_EXAMPLES generated cases per test (default 10,000);
`make unit` runs none of these (they carry the `fuzz` marker and live outside tests/unit)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))

settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    deadline=None,  # a slow case is measured by the tests' own bounds, not hypothesis' per-example deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)
settings.load_profile("fuzz")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.fuzz)
