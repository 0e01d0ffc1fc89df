"""The exec cache: exec/fork/uid/exit handling, pid reuse, bounds, expiry."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import proc

from spamtrace.attribution.exec_cache import ExecCache, completed
from spamtrace.model import AttributionMethod, ProcessInfo
from spamtrace.sources.proc_connector import ProcEvent, ProcEventKind


def reader_of(table: dict[int, ProcessInfo]):  # type: ignore[no-untyped-def]
    def read(pid: int) -> ProcessInfo:
        if pid not in table:
            raise RuntimeError("gone")
        return table[pid]

    return read


def test_exec_then_lookup_after_exit() -> None:
    cache = ExecCache(reader=reader_of({5: proc(pid=5)}))
    cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 5, 5))
    cache.handle(ProcEvent(ProcEventKind.EXIT, 1.5, 5, 5))
    info = cache.lookup(5, at=1.2)
    assert info is not None and info.method is AttributionMethod.EXEC_CACHE
    assert info.cwd == "/home/u/public_html/wp-content/uploads"
    # an event after the exit belongs to a later process with the same pid
    assert cache.lookup(5, at=3.0) is None
    # an event before the exec belongs to the program before it
    assert cache.lookup(5, at=0.5) is None


def test_fork_copies_parent_and_uid_updates() -> None:
    cache = ExecCache(reader=reader_of({5: proc(pid=5, uid=0)}))
    cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 5, 5))
    cache.handle(ProcEvent(ProcEventKind.FORK, 2.0, 6, 6, parent_pid=5, parent_tgid=5))
    cache.handle(ProcEvent(ProcEventKind.UID, 2.1, 6, 6, ruid=1001, euid=1001))
    child = cache.lookup(6)
    assert child is not None and child.pid == 6 and child.uid == 1001
    # a thread (pid != tgid) is not a new process
    cache.handle(ProcEvent(ProcEventKind.FORK, 2.2, 7, 6, parent_pid=6, parent_tgid=6))
    assert cache.lookup(7) is None


def test_a_uid_change_names_the_new_user() -> None:
    """A setuid program seen at its exec as root that drops to a user (the real exim4 run by
    a hosting user with a config of its own): the new uid had no name, so its incident and
    block said "uid N" alone."""
    import pwd

    nobody = pwd.getpwnam("nobody").pw_uid
    for before in (True, False):  # the uid change read before or after the exec's record
        cache = ExecCache(reader=reader_of({5: proc(pid=5, uid=0)}))
        cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 5, 5))
        if not before:
            assert cache.lookup(5) is not None
        cache.handle(ProcEvent(ProcEventKind.UID, 1.1, 5, 5, ruid=nobody, euid=nobody))
        info = cache.lookup(5)
        assert info is not None and (info.uid, info.user) == (nobody, "nobody"), before


def test_read_failure_is_counted_not_raised() -> None:
    cache = ExecCache(reader=reader_of({}))
    cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 9, 9))
    assert cache.lookup(9) is None and cache.stats().read_failures == 1


def test_lru_bound_and_expiry() -> None:
    table = {pid: proc(pid=pid) for pid in range(1, 20)}
    cache = ExecCache(max_entries=5, linger=10.0, reader=reader_of(table))
    for pid in range(1, 20):
        cache.handle(ProcEvent(ProcEventKind.EXEC, float(pid), pid, pid))
    assert len(cache) == 5 and cache.stats().evicted == 14
    assert cache.lookup(1) is None and cache.lookup(19) is not None
    cache.handle(ProcEvent(ProcEventKind.EXIT, 20.0, 19, 19))
    assert cache.expire(25.0) == 0
    assert cache.expire(31.0) == 1 and cache.lookup(19) is None


def _fake_proc(root: Path, pid: int, cwd: str, argv: list[str], ticks: int = 50) -> None:
    d = root / str(pid)
    d.mkdir(parents=True)
    (d / "stat").write_bytes(
        f"{pid} (php) S 1 {pid} 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 {ticks} 0 0".encode()
    )
    (d / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    (d / "exe").symlink_to("/usr/bin/php8.2")
    (d / "cwd").symlink_to(cwd)


def test_default_path_reads_at_exec_and_builds_the_record_only_when_asked(tmp_path: Path) -> None:
    import os

    _fake_proc(tmp_path, 40, "/home/u/public_html", ["php", "x.php"])
    (tmp_path / "stat").write_text("btime 1000\n")
    cache = ExecCache(procfs=str(tmp_path))
    cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 40, 40))
    cache.handle(ProcEvent(ProcEventKind.FORK, 1.1, 41, 41, parent_pid=40, parent_tgid=40))
    cache.handle(ProcEvent(ProcEventKind.UID, 1.2, 41, 41, ruid=1234, euid=1234))
    assert all(e.info is None for e in cache._entries.values())  # nothing parsed yet
    info = cache.lookup(40, at=1.5)
    assert info is not None and info.exe == "/usr/bin/php8.2"
    assert info.cwd == "/home/u/public_html" and info.cmdline == ("php", "x.php")
    assert info.scripts == ("/home/u/public_html/x.php",) and info.name == "php"
    assert info.uid == os.stat(tmp_path / "40").st_uid and info.start_time == 1000.5
    assert info.parents and info.parents[0].pid == 1
    assert info.method is AttributionMethod.EXEC_CACHE
    child = cache.lookup(41, at=1.5)
    assert child is not None and child.pid == 41 and child.uid == 1234 and child.start_time is None
    assert child.exe == info.exe


def test_system_users_keep_only_their_uid_and_exe(tmp_path: Path) -> None:
    """A root-owned exec (a setuid exim4 is one) keeps its exe: the binary is what says it
    is the MTA once it has exited."""
    import os

    _fake_proc(tmp_path, 50, "/", ["cron"])
    owner = os.stat(tmp_path / "50").st_uid
    cache = ExecCache(procfs=str(tmp_path), min_uid=owner + 1)
    cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 50, 50))
    info = cache.lookup(50)
    assert info is not None and info.uid == owner and info.cmdline == () and info.cwd is None
    assert info.exe == "/usr/bin/php8.2"
    assert "system user" in info.notes[0] and cache.stats().light == 1
    cache.handle(ProcEvent(ProcEventKind.EXEC, 2.0, 99, 99))  # gone: nothing known of it
    assert cache.lookup(99) is None


def test_an_unreadable_exec_learns_its_uid_from_the_uid_event(tmp_path: Path) -> None:
    """Exim's delivery: the -Mc exec is reaped before the cache reads it, its child drops to
    Debian-exim and connects. The UID events still give the uid, which says it is the MTA."""
    cache = ExecCache(procfs=str(tmp_path), min_uid=1000)
    cache.handle(ProcEvent(ProcEventKind.EXEC, 1.0, 70, 70))  # /proc/70 is already gone
    assert cache.lookup(70, at=1.1) is None
    cache.handle(ProcEvent(ProcEventKind.FORK, 1.2, 71, 71, parent_pid=70, parent_tgid=70))
    cache.handle(ProcEvent(ProcEventKind.UID, 1.3, 71, 71, ruid=102, euid=102))
    cache.handle(ProcEvent(ProcEventKind.UID, 1.3, 70, 70, ruid=102, euid=0))
    child = cache.lookup(71, at=1.4)
    assert child is not None and child.uid == 102 and child.exe is None
    parent = cache.lookup(70, at=1.4)
    assert parent is not None and parent.uid == 102


def test_a_process_never_seen_to_start_is_known_by_its_uid_event(tmp_path: Path) -> None:
    """A child of a daemon older than the watcher (no exec, no fork entry): its UID event
    makes an entry, valid from that event on."""
    cache = ExecCache(procfs=str(tmp_path))
    cache.handle(ProcEvent(ProcEventKind.UID, 5.0, 80, 80, ruid=102, euid=102))
    info = cache.lookup(80, at=5.1)
    assert info is not None and info.uid == 102 and info.exe is None
    assert "uid change" in info.notes[0]
    assert cache.lookup(80, at=4.0) is None  # before its uid change: not known


def test_a_pid_taken_by_a_later_process_is_not_read_as_the_exec(tmp_path: Path) -> None:
    import os
    import time

    exec_at = time.monotonic() - 2.0
    later = int((exec_at + 1.0) * os.sysconf("SC_CLK_TCK"))  # started a second after the exec
    _fake_proc(tmp_path, 60, "/home/u", ["php", "y.php"], ticks=later)
    cache = ExecCache(procfs=str(tmp_path))
    cache.handle(ProcEvent(ProcEventKind.EXEC, exec_at, 60, 60))
    info = cache.lookup(60)
    assert info is not None and info.parents == ()  # that stat is not this process's
    assert info.name == "php" and info.start_time is not None
    # from the exec event itself (the later process's stat would say a second after it); the
    # exec's time on the wall clock now, not "now - 2 s", which a slow run drifts from
    assert abs(info.start_time - (exec_at + time.time() - time.monotonic())) < 0.5


def test_an_argv0_with_a_colon_keeps_the_script_in_the_cached_exec(tmp_path: Path) -> None:
    """The exec cache reads the script from the command line only (the process may be gone
    when asked): ``exec -a "php: /path/x.php" php x.php`` must not hide it."""
    from spamtrace.attribution.exec_cache import info_of, read_raw

    uploads = "/home/shop/public_html/wp-content/uploads"
    d = tmp_path / "4321"
    d.mkdir()
    (d / "cmdline").write_bytes(f"php: {uploads}/x.php\x00x.php\x0010.0.0.2\x00".encode())
    (d / "exe").symlink_to("/usr/bin/php8.2")
    (d / "cwd").symlink_to(uploads)
    (d / "stat").write_bytes(b"4321 (php) S 1 " + b"0 " * 17 + b"500 " + b"0 " * 30 + b"\n")
    info = info_of(read_raw(4321, str(tmp_path)))
    assert info.exe == "/usr/bin/php8.2" and info.cwd == uploads
    assert info.scripts == (f"{uploads}/x.php",)


def test_a_chrooted_execs_absolute_script_is_read_under_its_root(tmp_path: Path) -> None:
    """A jailed `php /public_html/x.php` (root /home/shop) that exits at once is known by
    its exec record: its script was this host's /public_html/x.php, not there. The root is
    read at the exec (only when the command line holds an absolute path)."""
    from spamtrace.attribution.exec_cache import info_of, read_raw

    d = tmp_path / "4321"
    d.mkdir()
    (d / "cmdline").write_bytes(b"php\x00/public_html/x.php\x0010.0.0.2\x00")
    (d / "exe").symlink_to("/usr/bin/php8.2")
    (d / "cwd").symlink_to("/home/shop/public_html")
    (d / "root").symlink_to("/home/shop")
    (d / "stat").write_bytes(b"4321 (php) S 1 " + b"0 " * 17 + b"500 " + b"0 " * 30 + b"\n")
    raw = read_raw(4321, str(tmp_path))
    (d / "root").unlink()  # the process is gone when asked
    assert info_of(raw).scripts == ("/home/shop/public_html/x.php",)


def test_an_exec_read_at_wake_up_serves_its_event_handled_after_the_process_is_gone(
    tmp_path: Path,
) -> None:
    """The reader reads a process when its exec wakes it, and handles the event later, in
    order with its fork: the read made at the wake-up is the one kept."""
    import shutil

    _fake_proc(tmp_path, 60, "/home/u/public_html", ["php", "send.php"])
    cache = ExecCache(procfs=str(tmp_path))
    cache.prefetch(60, 2.0)
    assert len(cache) == 0  # nothing changes before the events are handled
    shutil.rmtree(tmp_path / "60")  # it exited at once
    cache.handle(ProcEvent(ProcEventKind.FORK, 1.0, 60, 60, parent_pid=1, parent_tgid=1))
    cache.handle(ProcEvent(ProcEventKind.EXEC, 2.0, 60, 60))
    cache.handle(ProcEvent(ProcEventKind.EXIT, 2.5, 60, 60))
    info = cache.lookup(60, at=2.2)
    assert info is not None and info.cwd == "/home/u/public_html"
    assert info.scripts == ("/home/u/public_html/send.php",) and cache.stats().read_failures == 0
    assert cache._prefetched == {}


def test_a_read_for_a_later_exec_of_the_same_pid_serves_both_and_an_old_one_none(
    tmp_path: Path,
) -> None:
    _fake_proc(tmp_path, 61, "/home/u", ["php", "b.php"])
    cache = ExecCache(procfs=str(tmp_path))
    cache.prefetch(61, 3.0)  # two execs at once (exec chain): one read, of the last program
    cache.handle(ProcEvent(ProcEventKind.EXEC, 2.0, 61, 61))
    cache.handle(ProcEvent(ProcEventKind.EXEC, 3.0, 61, 61))
    assert cache._prefetched == {}
    info = cache.lookup(61, at=3.5)
    assert info is not None and info.scripts == ("/home/u/b.php",)
    # a read whose event was handled without it (older): dropped, the exec read now
    cache.prefetch(61, 4.0)
    (tmp_path / "61" / "cmdline").write_bytes(b"php\0c.php\0")
    cache.handle(ProcEvent(ProcEventKind.EXEC, 5.0, 61, 61))
    assert cache._prefetched == {}
    info = cache.lookup(61, at=5.5)
    assert info is not None and info.scripts == ("/home/u/c.php",)


def test_a_relative_script_read_without_its_folder_is_placed_in_the_folder_filled_in() -> None:
    """`./kworker favicon.ico` whose cwd was gone when its exec was read: the script stayed
    the bare name `favicon.ico` once the folder was filled from its fork's record."""
    folder = "/home/u/public_html/wp-content/uploads"
    read = proc(cwd=None, scripts=("favicon.ico",), exe="/home/u/kworker")
    fork = proc(scripts=(), exe="/usr/bin/bash")
    done = completed(read, fork, program=False)
    assert done.cwd == folder
    assert done.scripts == (f"{folder}/favicon.ico",)
    # a script already named by its path, and one read with its own folder, stay as they were
    assert completed(proc(cwd=None, scripts=("/srv/x.php",)), fork).scripts == ("/srv/x.php",)
    own = proc(cwd="/tmp", scripts=("y.php",))
    assert completed(own, fork).scripts == ("y.php",)
