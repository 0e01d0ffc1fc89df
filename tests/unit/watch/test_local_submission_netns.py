"""A loopback connect to port 587 from a process of another network namespace (a
container's own loopback) never reaches this host's MTA: it is not "a mailbox used from this
host" (the join of ``submission`` and ``mail-auth`` incidents, ``service.engine``)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from spamtrace.attribution.process import mta_netns, read_process
from spamtrace.model import (
    AttributedAttempt,
    AttributionMethod,
    Endpoint,
    ProcessInfo,
    SmtpConnectAttempted,
    Verdict,
)
from spamtrace.service.engine import _to_this_host

EXIM = "/usr/sbin/exim4"


def fake_proc(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A /proc of three processes: the host's Exim, a container's Exim (its own root and
    network namespace) and a PHP worker; ``self`` in the host's root."""
    proc = tmp_path / "proc"
    container = tmp_path / "container-root"
    container.mkdir()
    inodes: dict[str, int] = {}
    for pid, exe, root, ns in (
        ("100", EXIM, "/", "host"), ("200", EXIM, str(container), "container"),
        ("300", "/usr/bin/php8.2", "/", "host"),
    ):  # fmt: skip
        (proc / pid / "ns").mkdir(parents=True)
        net = tmp_path / f"net-{ns}"
        net.touch()
        inodes[ns] = net.stat().st_ino
        (proc / pid / "ns" / "net").symlink_to(net)
        (proc / pid / "exe").symlink_to(exe)
        (proc / pid / "root").symlink_to(root)
    (proc / "self").mkdir()
    (proc / "self" / "root").symlink_to("/")
    return proc, inodes


def attempt(netns: int | None, dest: str = "127.0.0.1") -> AttributedAttempt:
    ev = SmtpConnectAttempted(
        monotonic=time.monotonic(), wall=time.time(), pid=300, tid=300, comm="php",
        family=socket.AF_INET, local=Endpoint("127.0.0.1", 0), remote=Endpoint(dest, 587),
    )  # fmt: skip
    proc = ProcessInfo(
        pid=300, start_time=1.0, name="php", exe="/usr/bin/php8.2", cmdline=("php",), uid=1001,
        euid=1001, gid=1001, user="shop", cwd="/home/shop", scripts=(), parents=(),
        method=AttributionMethod.LIVE, netns=netns,
    )  # fmt: skip
    return AttributedAttempt(ev, proc, None, Verdict.SUBMISSION, ())


def test_the_mtas_namespaces_are_those_of_its_processes_in_this_hosts_root(
    tmp_path: Path,
) -> None:
    proc, inodes = fake_proc(tmp_path)
    assert mta_netns(frozenset(), frozenset({EXIM}), str(proc)) == {inodes["host"]}
    assert mta_netns(frozenset(), frozenset(), str(proc)) == frozenset()


def test_a_loopback_connect_of_another_namespace_is_not_to_this_hosts_mta(
    tmp_path: Path,
) -> None:
    proc, inodes = fake_proc(tmp_path)
    known = lambda: mta_netns(frozenset(), frozenset({EXIM}), str(proc))  # noqa: E731
    assert not _to_this_host(attempt(inodes["container"]), known)  # was: joined
    assert _to_this_host(attempt(inodes["host"]), known)
    assert _to_this_host(attempt(None), known)  # not read (exited): as before
    assert _to_this_host(attempt(inodes["container"]), frozenset)  # no MTA process known
    assert not _to_this_host(attempt(inodes["host"], "203.0.113.5"), known)


def test_a_live_process_is_read_with_its_network_namespace() -> None:
    info = read_process(os.getpid())
    assert info.netns == os.stat("/proc/self/ns/net").st_ino
