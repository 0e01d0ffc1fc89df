"""Integration tests: real kernel parts, as root, in network namespaces made by the test.

They need root. Outside CI a non-root run skips them with the reason; in CI (``CI`` set) a
non-root run is an error, so CI can never go green by skipping them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from world import World


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.geteuid() == 0:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("integration tests must run as root in CI")
    skip = pytest.mark.skip(reason="integration tests need root (run the README's test command)")
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def server_world() -> Iterator[World]:
    """A world whose hosting side is its own netns (for firewall tests)."""
    w = World(server_ns=True)
    try:
        yield w
    finally:
        w.close()
