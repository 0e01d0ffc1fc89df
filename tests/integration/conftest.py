"""Integration tests: real kernel parts, as root, in network namespaces made by the test.

They need root. Outside CI a non-root run skips them with the reason; in CI (``CI`` set) a
non-root run is an error, so CI can never go green by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
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


TRACEFS_INSTANCES = Path("/sys/kernel/tracing/instances")


def _dead_watcher_instances() -> set[Path]:
    """Tracefs instances of spamtrace watchers whose process is gone (``spamtrace-PID-...``)."""
    out = set()
    for inst in TRACEFS_INSTANCES.glob("spamtrace-*"):
        pid = inst.name.split("-")[1]
        if pid.isdecimal() and not Path(f"/proc/{pid}").exists():
            out.add(inst)
    return out


#: how long an instance left by a watcher of another test run must stay unclaimed before this
#: run removes it (a kill -9 drill restarts its watcher within seconds and takes it over)
CLAIM_WAIT = 10.0


def _tag(inst: Path) -> str | None:
    """The store tag of ``spamtrace-PID-TAG[-journal]`` (None for an untagged instance)."""
    parts = inst.name.split("-")
    return parts[2] if len(parts) > 2 else None


def _remove(instances: set[Path]) -> None:
    for inst in instances:
        with contextlib.suppress(OSError):
            (inst / "events/sock/inet_sock_set_state/enable").write_text("0")
        with contextlib.suppress(OSError):
            inst.rmdir()


@pytest.fixture(scope="session", autouse=True)
def _no_trace_buffer_left_behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests that kill a watcher with SIGKILL leave its ring buffer recording (by design: the
    next start takes it over); the ones no later start took over are removed at the end, so
    the suite leaves no tracefs instance. Instances that were there before are left alone.

    Another test run may be going on beside this one, in the middle of a kill -9 drill: the
    instance of its killed watcher waits for its restart. So what belongs to this run's
    stores (the instance's tag) is removed at once, anything else only if it is still
    unclaimed :data:`CLAIM_WAIT` seconds later."""
    from spamtrace.sources.tracefs import instance_tag

    before = _dead_watcher_instances() if os.geteuid() == 0 else set()
    yield
    if os.geteuid() != 0:
        return
    left = _dead_watcher_instances() - before
    ours = {instance_tag(str(p)) for p in tmp_path_factory.getbasetemp().rglob("*.db")}
    mine = {inst for inst in left if _tag(inst) in ours}
    _remove(mine)
    if left - mine:
        time.sleep(CLAIM_WAIT)
        _remove((left - mine) & _dead_watcher_instances())


#: the host's quarantine (the default [responses] quarantine_dir): a test quarantines into its
#: own folder, never here (a daemon test without its own quarantine_dir left a dropper's copy
#: here at every run)
HOST_QUARANTINE = Path("/var/lib/spamtrace/quarantine")


def _host_quarantine() -> set[str] | None:
    try:
        return set(os.listdir(HOST_QUARANTINE))
    except FileNotFoundError:
        return None


@pytest.fixture(scope="session", autouse=True)
def _host_quarantine_untouched() -> Iterator[None]:
    """The suite moves nothing into the host's quarantine: what a test put there is removed
    (the host is left as it was) and the run fails, naming it."""
    import shutil

    before = _host_quarantine()
    yield
    after = _host_quarantine()
    if after is None:
        return
    new = sorted(after - (before or set()))
    for name in new:
        shutil.rmtree(HOST_QUARANTINE / name, ignore_errors=True)
    if before is None:
        for folder in (HOST_QUARANTINE, HOST_QUARANTINE.parent):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: made by this run
    assert not new, f"tests quarantined into the host's {HOST_QUARANTINE}: {new}"


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
