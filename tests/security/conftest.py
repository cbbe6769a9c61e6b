"""Security tests: each reproduces an attack (docs/security.md) against the real code or the real servers.

The real stack (action server, Rasa, web server on free loopback ports, a real catalog subset) is the e2e one.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import e2e_settings, receiver, sender, stack  # noqa: F401  (fixtures, re-exported)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.security)
