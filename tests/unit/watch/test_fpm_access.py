"""php-fpm access logs: the format, the lines, the pool files, and a short request's script."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import attributor, connect, proc, read_live

from spamtrace.attribution.attributor import Attributor
from spamtrace.attribution.fpm_requests import FpmRequest, match
from spamtrace.config import load
from spamtrace.errors import ConfigError
from spamtrace.model import AttributionMethod
from spamtrace.sources.fpm_access import (
    FormatError,
    FpmAccessLogs,
    PoolAccessLog,
    compile_format,
    configured,
    pool_access_logs,
)

FMT = "%p %{%s}t %{mili}d %f"
WWW_FORMAT = '%R - %u %t "%m %r%Q%q" %s %f %{milli}d %{kilo}M %C%% %p'


# ----------------------------------------------------------------------------- the format
def test_the_documented_format_with_pid_gives_a_request() -> None:
    fmt = compile_format(WWW_FORMAT)
    line = (
        '10.0.0.9 - - 05/Dec/2026:21:40:07 +0000 "POST /wp-content/uploads/a b.php?x=1" 200 '
        "/home/u/public_html/wp-content/uploads/a b.php 0.412 2048 0.00% 4711"
    )
    req = fmt.parse(line, "/var/log/fpm.log")
    assert req is not None
    assert req.pid == 4711 and req.script == "/home/u/public_html/wp-content/uploads/a b.php"
    assert req.accepted == 1796506807.0 and req.finished is None
    assert req.duration == pytest.approx(0.000412)


def test_the_documented_order_reads_a_line_whose_request_holds_quotes(tmp_path: Path) -> None:
    fmt = compile_format('%t %p %{mili}d %f %R - %u "%m %r%Q%q" %s')
    line = (
        '05/Dec/2026:21:40:07 +0000 4711 0.412 /home/u/a.php 10.0.0.9 - - '
        '"GET /x" 200 99 0.1 /home/v/b.php?q=" 200'
    )
    req = fmt.parse(line, "l")
    assert req is not None and (req.pid, req.script) == (4711, "/home/u/a.php")
    missing = FpmAccessLogs([(str(tmp_path / "none.log"), fmt)])
    assert [p for p, _ in missing.errors()] == [str(tmp_path / "none.log")]


def test_a_format_without_pid_or_script_is_refused_with_why() -> None:
    with pytest.raises(FormatError, match=r"%p .*%f"):
        compile_format('%R - %u %t "%m %r" %s')  # php-fpm's default
    with pytest.raises(FormatError, match="a time"):
        compile_format("%p %f")


def test_a_line_of_another_format_or_without_script_is_skipped() -> None:
    fmt = compile_format(FMT)
    assert fmt.parse("not a line", "x") is None
    assert fmt.parse("12 1796506807 0.300 -", "x") is None  # a request with no script


def test_a_hostile_line_is_read_in_one_pass() -> None:
    """The URI and the query are the attacker's: the fields around them cannot backtrack
    (a lazy pattern per field took 23 s for this line)."""
    fmt = compile_format(WWW_FORMAT)
    head = '10.0.0.9 - - 05/Dec/2026:21:40:07 +0000 "POST /x?y" 200 '
    assert fmt.parse(head + "a " * 3000 + " 0.412 2048 0.00% x", "l") is None
    assert fmt.parse(head + "1 " * 3000 + " 0.412 2048 0.00% 1", "l") is not None


# ----------------------------------------------------------------------------- pool files
POOL = r"""
[global]
error_log = /var/log/fpm.log
[shop]
user = shop
access.log = /var/log/php-fpm/$pool.access.log
access.format = "%R - %u %t \"%m %r\" %s %p %{mili}d %f" ; with pid and script
[blog]
access.log = /var/log/php-fpm/blog.access.log
[quiet]
user = quiet
"""


def test_pool_files_give_their_access_logs_and_say_which_cannot_be_used() -> None:
    logs = {p.path: p for p in pool_access_logs("/etc/php/8.2/fpm/pool.d/sites.conf", POOL)}
    assert set(logs) == {"/var/log/php-fpm/shop.access.log", "/var/log/php-fpm/blog.access.log"}
    shop = logs["/var/log/php-fpm/shop.access.log"]
    assert shop.format is not None and shop.where.endswith(":6 [shop]")
    assert shop.format.parse(
        '1.2.3.4 - - 05/Dec/2026:21:40:07 +0000 "GET /x.php" 200 77 0.250 /srv/x.php', "l"
    ) == FpmRequest(77, "/srv/x.php", 1796506807.0, None, 0.00025, "l")
    blog = logs["/var/log/php-fpm/blog.access.log"]
    assert blog.format is None and blog.problem and "%p" in blog.problem


def test_auto_takes_the_usable_pool_logs_and_notes_the_others() -> None:
    found = pool_access_logs("/etc/php/8.2/fpm/pool.d/sites.conf", POOL)
    chosen, notes = configured(["auto"], "", lambda: found)
    assert [p for p, _ in chosen] == ["/var/log/php-fpm/shop.access.log"]
    assert len(notes) == 1 and "blog.access.log" in notes[0] and "%p" in notes[0]
    chosen, notes = configured(["/srv/other.log"], "", lambda: found)
    assert chosen == [] and "fpm_access_format" in notes[0]
    chosen, _ = configured(["/srv/other.log"], FMT, lambda: [])
    assert [p for p, _ in chosen] == ["/srv/other.log"]
    assert configured([], "", lambda: [PoolAccessLog("/x", None, "w", "no")]) == ([], [])


def test_a_chrooted_pools_log_names_the_script_by_its_path_on_this_server() -> None:
    """php-fpm's master writes the access log of a pool with `chroot = /home/shop` where it
    says, but %f is the script's path inside the chroot (`/public_html/x.php`, checked with
    php-fpm 8.2): watch named a file no scan, account or quarantine could find."""
    pool = (
        "[shop]\nchroot = /home/$pool\naccess.log = /var/log/php-fpm/$pool.log\n"
        f'access.format = "{FMT}"\n'
    )
    (log,) = pool_access_logs("/etc/php/8.2/fpm/pool.d/shop.conf", pool)
    assert log.format is not None
    req = log.format.parse("77 1796506807 0.250 /public_html/x.php", "l")
    assert req is not None and req.script == "/home/shop/public_html/x.php"
    for fmt_text in ("", FMT):  # the pool's format, or [watch] fpm_access_format
        chosen, _ = configured(["/var/log/php-fpm/shop.log"], fmt_text, lambda: [log])
        req = chosen[0][1].parse("77 1796506807 0.250 /public_html/x.php", "l")
        assert req is not None and req.script == "/home/shop/public_html/x.php", fmt_text


def test_the_config_refuses_a_format_that_cannot_name_the_script(tmp_path: Path) -> None:
    conf = tmp_path / "c.toml"
    conf.write_text('[watch]\nfpm_access_format = "%t %s"\n')
    with pytest.raises(ConfigError, match=r"fpm_access_format.*%p"):
        load(str(conf), str(tmp_path / "none.d"))
    conf.write_text('[watch]\nfpm_access_logs = ["logs/fpm.log"]\n')
    with pytest.raises(ConfigError, match="absolute"):
        load(str(conf), str(tmp_path / "none.d"))


# ----------------------------------------------------------------------------- matching
def req(script: str, accepted: float, ms: float, pid: int = 7) -> FpmRequest:
    return FpmRequest(pid, script, accepted, None, ms / 1000, "/l")


def test_a_connect_falls_in_the_request_whose_window_holds_it() -> None:
    a, b = req("/s/a.php", 99, 0.3), req("/s/b.php", 100, 0.3)
    found = match([a, b], 100.5, read_at=101.5)
    assert found.requests == (b,)  # a ended by 99.0003 at the latest
    assert match([a, b], 99.0001, read_at=101.5).requests == (a,)


def test_a_second_php_fpm_read_on_the_coarse_clock_still_holds_its_request() -> None:
    """php-fpm's %t is time(): the coarse clock, a tick behind. A request accepted 2 ms after
    a second began was logged with the second before; its connect (after the boundary) was
    matched to no request, and the next one's script was named alone."""
    a = req("/s/a.php", 9, 0.6)
    b = FpmRequest(7, "/s/b.php", 10, None, 0.0001, "/l", written=10.05)
    assert match([a, b], 10.0023, read_at=11.0).requests[0] == a


def test_two_requests_in_the_same_second_are_both_candidates() -> None:
    a, b = req("/s/a.php", 100, 0.3), req("/s/b.php", 100, 0.4)
    assert match([a, b], 100.5, read_at=101.0).requests == (a, b)


def test_the_write_time_of_the_last_line_separates_requests_of_one_second() -> None:
    """The log file's modification time is its last line's write: the end of that request,
    so its start (minus its duration) and the start of the one after it."""
    a = req("/s/a.php", 100, 0.3)
    b = FpmRequest(7, "/s/b.php", 100, None, 0.0002, "/l", written=100.5)
    assert match([a, b], 100.1, read_at=101.0).requests == (a,)
    assert match([a, b], 100.4999, read_at=101.0).requests == (a, b)  # a may have run late
    anchored = FpmRequest(7, "/s/a.php", 100, None, 0.0003, "/l", written=100.3)
    assert not match([anchored], 100.2995, read_at=101.0).current_possible
    assert match([anchored], 100.35, read_at=101.0).current_possible


def test_a_long_request_excludes_the_one_in_progress_after_it() -> None:
    a = req("/s/a.php", 100, 800)  # ran 800 ms: it ended at 100.8 at the earliest
    found = match([a], 100.1, read_at=101.5)
    assert found.requests == (a,) and not found.current_possible
    assert match([a], 101.2, read_at=101.5).current_possible


# ----------------------------------------------------------------------------- attribution
FPM_COMM = "php-fpm8.2"  # the name a php-fpm worker's connects are seen by


def write_log(log: Path, lines: list[str], written: float) -> None:
    """The access log with these lines, its last written at ``written`` (its mtime)."""
    log.write_text("".join(f"{line}\n" for line in lines))
    os.utime(log, ns=(int(written * 1e9), int(written * 1e9)))


def worker_attributor(
    log: Path, live_scripts: tuple[str, ...], *, holds: bool = False
) -> tuple[Attributor, int]:
    """An attributor whose live read of this test's own pid shows a php-fpm worker."""
    a = attributor()
    pid = os.getpid()
    cwd = os.path.dirname(live_scripts[0]) if live_scripts else "/"
    info = proc(pid=pid, exe="/usr/sbin/php-fpm8.2", cwd=cwd, scripts=live_scripts)
    read_live(a, pid, info)
    a.fpm_logs = FpmAccessLogs([(str(log), compile_format(FMT))])
    a.holds_connection = lambda ev: holds
    return a, pid


def test_a_short_request_of_an_idle_worker_is_named_from_the_access_log(tmp_path: Path) -> None:
    """Connected, closed and ended before the worker was read: the live read shows the pool's
    idle folder and no script; the access log names the script."""
    log = tmp_path / "access.log"
    log.write_text("")
    a, pid = worker_attributor(log, ())
    wall = float(int(time.time()) - 1) + 0.25
    line = f"{pid} {int(wall)} 0.310 /home/u/public_html/wp-content/uploads/a.php"
    write_log(log, [line], wall + 0.001)  # written when the request ended, before the read
    att = a.attempt(connect(pid, wall, comm=FPM_COMM))
    assert att.process is not None
    assert att.process.scripts == ("/home/u/public_html/wp-content/uploads/a.php",)
    assert att.process.cwd == "/home/u/public_html/wp-content/uploads"
    assert att.process.method is AttributionMethod.FPM_ACCESS_LOG
    assert any("php-fpm access log" in n for n in att.process.notes)


def test_the_next_request_being_served_does_not_take_the_connect(tmp_path: Path) -> None:
    """The worker is read while it serves b.php; the connect was a.php's, which the log shows
    running at that moment (a long request: it ended after the connect for sure)."""
    log = tmp_path / "access.log"
    now = int(time.time())
    write_log(log, [f"{os.getpid()} {now - 2} 900.000 /home/u/a/a.php"], now - 2 + 0.95)
    a, pid = worker_attributor(log, ("/home/u/b/b.php",))
    att = a.attempt(connect(pid, now - 2 + 0.05, comm=FPM_COMM))
    assert att.process is not None
    assert att.process.scripts == ("/home/u/a/a.php",), att.process
    assert att.process.cwd == "/home/u/a"


def test_a_request_still_running_keeps_its_live_read(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    now = int(time.time())
    write_log(log, [f"{os.getpid()} {now - 30} 0.300 /home/u/a/old.php"], now - 30 + 0.5)
    a, pid = worker_attributor(log, ("/home/u/b/b.php",))
    att = a.attempt(connect(pid, time.time(), comm=FPM_COMM))
    assert att.process is not None and att.process.scripts == ("/home/u/b/b.php",)
    assert att.process.method is AttributionMethod.TRACEPOINT


def test_the_request_holding_the_socket_is_the_one_that_connected(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    now = int(time.time())
    write_log(log, [f"{os.getpid()} {now - 1} 0.300 /home/u/a/a.php"], now - 1 + 0.3)
    a, pid = worker_attributor(log, ("/home/u/b/b.php",), holds=True)
    att = a.attempt(connect(pid, now - 1 + 0.5, comm=FPM_COMM))
    assert att.process is not None and att.process.scripts == ("/home/u/b/b.php",)


def test_requests_within_the_same_second_are_all_named(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    now = int(time.time())
    pid = os.getpid()
    lines = [f"{pid} {now - 1} 0.300 /home/u/a/a.php", f"{pid} {now - 1} 0.200 /home/u/c/c.php"]
    write_log(log, lines, now - 1 + 0.6)
    with log.open("a") as fh:  # another worker's line: c's write time is not known
        fh.write(f"{pid + 1} {now - 1} 0.200 /home/u/d/d.php\n")
    os.utime(log, ns=(int((now - 0.3) * 1e9),) * 2)
    a, pid = worker_attributor(log, ())
    att = a.attempt(connect(pid, now - 1 + 0.5, comm=FPM_COMM))
    assert att.process is not None
    assert att.process.scripts == ("/home/u/a/a.php", "/home/u/c/c.php")
    assert att.process.cwd == "/home/u"
    assert any("one of 2 requests" in n and "whole seconds" in n for n in att.process.notes)


def test_a_rotated_log_is_read_to_its_end_then_the_new_one(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text("1 100 0.1 /a.php\n")
    logs = FpmAccessLogs([(str(log), compile_format(FMT))])
    with log.open("a") as fh:
        fh.write("1 101 0.1 /b.php\n2 10")  # a line being written
    logs.refresh()
    assert [r.script for r in logs.of(1)] == ["/a.php", "/b.php"] and logs.of(2) == ()
    with log.open("a") as fh:
        fh.write("1 0.1 /c.php\n")
    log.rename(tmp_path / "access.log.1")
    log.write_text("1 102 0.1 /d.php\n")
    logs.refresh()
    assert [r.script for r in logs.of(1)] == ["/a.php", "/b.php", "/d.php"]
    assert [r.script for r in logs.of(2)] == ["/c.php"]
    logs.close()
