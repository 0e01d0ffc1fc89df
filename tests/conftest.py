"""Hypothesis profiles for every test: ``ci`` (seeded, so a CI run is reproducible; chosen when
``CI`` is set), ``dev`` (random, the default), ``long`` (many examples, by hand). Pick one with
``HYPOTHESIS_PROFILE=long``. Tests with their own ``@settings`` keep their example counts."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
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


@pytest.fixture(autouse=True)
def _unit_tests_read_no_host_php_config(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`mail`, `check` and the daemon find PHP's mail.log files from the host's php.ini and FPM
    pools when ``[mail] php_logs`` is empty: a unit test reads an empty folder instead, so that
    a machine whose PHP logs mail() calls gives the same results (integration tests use the
    host's PHP as it is)."""
    if "unit" not in request.node.path.parts:
        return
    from spamtrace.service import mail

    monkeypatch.setattr(mail, "PHP_CONFIG_ROOT", str(tmp_path_factory.mktemp("no-php-config")))
    # nor the host's Exim and syslog configuration (where Exim writes its main log)
    monkeypatch.setattr(mail, "SYSLOG_CONFIG_ROOT", str(tmp_path_factory.mktemp("no-syslog")))
    monkeypatch.setattr(mail, "EXIM_CANDIDATES", ())
    monkeypatch.setattr(mail, "POSTCONF_CANDIDATES", ())
    # nor the host's journal (read when Postfix logs to it alone)
    monkeypatch.setattr(mail, "JOURNALCTL_CANDIDATES", ())


@pytest.fixture(autouse=True)
def _unit_tests_see_one_network_namespace(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The responses hold back senders of another network namespace than the watcher's when
    it is not the host's: a unit test's made-up pid (100) could be a real process of another
    namespace on the machine that runs the tests, and a CI runner may itself run in a
    namespace not pid 1's. Unit tests see one namespace for every pid (a test that needs
    more sets ``netns_of`` itself)."""
    if "unit" not in request.node.path.parts:
        return
    from spamtrace.actions import process

    monkeypatch.setattr(process, "netns_of", lambda pid, procfs="/proc": 4026531840)


def _remove_deep(top: Path, name: str, files: tuple[str, ...] = ()) -> None:
    """Remove the chain top/name/name/... (longer than PATH_MAX), and ``files`` at its
    bottom, through folder descriptors (pytest's clean-up cannot remove it)."""
    fds = [os.open(top, os.O_RDONLY)]
    try:
        while True:
            try:
                fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
            except FileNotFoundError:
                break
        for file in files:
            os.unlink(file, dir_fd=fds[-1])
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir(name, dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


@pytest.fixture
def remove_deep() -> Callable[[Path, str, tuple[str, ...]], None]:
    """:func:`_remove_deep`, for the tests of trees nested past PATH_MAX."""
    return _remove_deep
