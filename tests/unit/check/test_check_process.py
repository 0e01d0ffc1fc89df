"""attribution.process on fake /proc trees: fields, scripts, parents, odd bytes, vanished pids."""

from __future__ import annotations

import json
import os
import pwd
from collections.abc import Iterator
from pathlib import Path

import pytest
from checkfake import add_process, make_procfs, start_time

from spamtrace.attribution import process as proc_mod
from spamtrace.attribution.process import (
    find_socket_owners,
    is_script_path,
    read_process,
    script_from_cmdline,
)
from spamtrace.model import AttributionMethod
from spamtrace.render.output import to_jsonable
from spamtrace.safetext import escape

UPLOADS = "/home/shop/public_html/wp-content/uploads"


@pytest.fixture
def procfs(tmp_path: Path) -> Path:
    return make_procfs(tmp_path)


def _user(uid: int) -> str | None:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def test_php_cli_process_fields(procfs: Path) -> None:
    add_process(procfs, 1, comm="init", exe="/sbin/init", uid=0, gid=0, ppid=0, start_ticks=1)
    add_process(
        procfs, 50, comm="bash", exe="/usr/bin/bash", uid=1001, ppid=1, start_ticks=100,
        cmdline=["-bash"],
    )  # fmt: skip
    add_process(
        procfs,
        4242,
        comm="php",
        cmdline=["php", "wp-cache.php", "10.0.0.2", "25"],
        exe="/usr/bin/php8.2",
        cwd=UPLOADS,
        uid=1001,
        gid=1002,
        ppid=50,
        start_ticks=700,
        fds={0: "/dev/null", 3: f"{UPLOADS}/wp-cache.php", 4: "socket:[777]", 5: "pipe:[9]"},
    )
    info = read_process(4242, procfs=str(procfs))
    assert info.pid == 4242
    assert info.start_time == pytest.approx(start_time(700))
    assert info.name == "php"
    assert info.exe == "/usr/bin/php8.2"
    assert info.cmdline == ("php", "wp-cache.php", "10.0.0.2", "25")
    assert (info.uid, info.euid, info.gid) == (1001, 1001, 1002)
    assert info.user == _user(1001)
    assert info.cwd == UPLOADS
    # open script and the cmdline's relative script resolve to the same path: listed once
    assert info.scripts == (f"{UPLOADS}/wp-cache.php",)
    assert [p.pid for p in info.parents] == [50, 1]
    assert info.parents[0].name == "bash" and info.parents[0].uid == 1001
    assert info.parents[1].exe == "/sbin/init"
    assert info.method is AttributionMethod.LIVE
    assert info.notes == ()


def test_a_chrooted_processs_script_argument_is_read_under_its_root(procfs: Path) -> None:
    """`php /public_html/x.php` in a jail chrooted to /home/shop runs
    /home/shop/public_html/x.php (its cwd and open files read as this host's paths already):
    the command line's path was taken as this host's /public_html/x.php, a file that is
    not there, and the scan had nothing to read."""
    d = add_process(
        procfs, 4242, cmdline=["php", "/public_html/x.php", "10.0.0.2"],
        cwd="/home/shop/public_html", fds={3: "/home/shop/public_html/x.php"},
    )  # fmt: skip
    os.symlink("/home/shop", d / "root")
    assert read_process(4242, procfs=str(procfs)).scripts == ("/home/shop/public_html/x.php",)
    e = add_process(procfs, 4243, cmdline=["php", "/srv/y.php"], cwd="/srv")
    os.symlink("/", e / "root")  # not chrooted: as it is
    assert read_process(4243, procfs=str(procfs)).scripts == ("/srv/y.php",)


def test_fpm_worker_script_only_from_open_fd(procfs: Path) -> None:
    add_process(
        procfs, 300, comm="php-fpm8.2", cmdline=["php-fpm: pool shop"],
        exe="/usr/sbin/php-fpm8.2", cwd=UPLOADS,
        fds={5: f"{UPLOADS}/x.php", 6: "/usr/share/php/a.php"},
    )  # fmt: skip
    info = read_process(300, procfs=str(procfs), method=AttributionMethod.TRACEPOINT)
    assert info.scripts == (f"{UPLOADS}/x.php",)  # library under /usr/share is not a site script
    assert info.method is AttributionMethod.TRACEPOINT


def test_vanished_process_gives_note_not_exception(procfs: Path) -> None:
    info = read_process(31337, procfs=str(procfs))
    assert info.pid == 31337 and info.exe is None and info.cmdline == ()
    assert info.notes and "exited" in info.notes[0]


def test_invalid_pid(procfs: Path) -> None:
    assert read_process(0, procfs=str(procfs)).notes == ("invalid pid",)
    assert read_process(-5, procfs=str(procfs)).notes == ("invalid pid",)


def test_exiting_process_missing_links_noted(procfs: Path) -> None:
    add_process(procfs, 77, comm="bash", exe=None, cwd=None, cmdline=[], state="Z")
    info = read_process(77, procfs=str(procfs))
    assert info.exe is None and info.cwd is None
    assert info.name == "bash"
    assert any(n.startswith("cwd:") for n in info.notes)


def test_pid_reused_during_read_discards_details(
    procfs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_process(procfs, 88, comm="php", cwd=UPLOADS)
    real = proc_mod.start_time

    def start_time_now(pid: int, procfs: str = "/proc") -> float:
        # the final re-check sees another process behind the same pid
        return real(pid, procfs) + (100.0 if pid == 88 else 0.0)

    monkeypatch.setattr(proc_mod, "start_time", start_time_now)
    info = read_process(88, procfs=str(procfs))
    assert info.cwd is None and info.exe is None
    assert info.notes == ("pid was reused by another process during the read",)


def test_parent_started_after_child_is_a_reused_pid(procfs: Path) -> None:
    add_process(procfs, 60, comm="bash", start_ticks=900, ppid=1)
    add_process(procfs, 61, comm="php", start_ticks=500, ppid=60)
    info = read_process(61, procfs=str(procfs))
    assert info.parents == ()
    assert any("pid reused" in n for n in info.notes)


def test_odd_bytes_in_exe_cmdline_cwd_stay_data(procfs: Path) -> None:
    evil_dir = b"/home/shop/public_html/\x1b]0;pwned\x07\nfake line\xff"
    add_process(
        procfs,
        99,
        comm=b"ph\x1b[2Jp",
        cmdline=[b"php", evil_dir + b"/run.php", b"arg\nwith\rnewline"],
        exe=b"/tmp/\xfe\xffbin\n\x1b[31mphp",
        cwd=evil_dir,
        fds={3: evil_dir + b"/evil.php"},
    )
    info = read_process(99, procfs=str(procfs))
    assert info.exe is not None and info.cwd is not None
    assert os.fsencode(info.exe) == b"/tmp/\xfe\xffbin\n\x1b[31mphp"
    assert os.fsencode(info.cwd) == evil_dir
    assert [os.fsencode(s) for s in info.scripts] == [
        evil_dir + b"/evil.php",
        evil_dir + b"/run.php",
    ]
    for text in (info.exe, info.cwd, info.name or "", *info.cmdline, *info.scripts):
        shown = escape(text)
        assert (
            "\n" not in shown and "\x1b" not in shown and "\r" not in shown and "\x07" not in shown
        )
    encoded = json.dumps(to_jsonable(info))  # no UnicodeEncodeError from surrogates
    assert "\\\\xff" in encoded


@pytest.mark.parametrize(
    ("cmdline", "exe", "expected"),
    [
        (["php", "-d", "memory_limit=1G", "wp-cache.php", "x"], None, "wp-cache.php"),
        (["/usr/bin/php8.2", "-f", "/a/b.php", "--", "x"], None, "/a/b.php"),
        (["php", "-r", "fsockopen('x',25);"], None, None),
        (["python3", "-W", "ignore", "mailer.py"], None, "mailer.py"),
        (["python3.11", "-c", "import smtplib"], None, None),
        (["python3", "-m", "smtpd"], None, None),
        (["perl", "-Ilib", "/x/send.pl"], None, "/x/send.pl"),
        (["perl", "-e", "print 1"], None, None),
        (["bash", "-c", "exec 3<>/dev/tcp/x/25"], None, None),
        (["/bin/sh", "./run.sh"], None, "./run.sh"),
        (["ruby", "-e", "x"], None, None),
        (
            ["lsphp:/home/u/public_html/index.php"],
            "/usr/local/lsws/lsphp",
            "/home/u/public_html/index.php",
        ),
        (["php-fpm: pool www"], "/usr/sbin/php-fpm8.2", None),
        (["myscript", "a.php"], "/usr/bin/php8.2", "a.php"),  # renamed argv[0], exe tells
        (["sleep", "100"], "/usr/bin/sleep", None),
        (["python3", "--", "x.py"], None, "x.py"),
        ([], None, None),
        # argv[0] is the starter's choice (exec -a): a ": " in it does not hide the script
        (["php: /home/u/x.php", "/home/u/x.php"], "/usr/bin/php8.2", "/home/u/x.php"),
        (["php-fpm: pool www", "-d", "a=b", "x.php"], "/usr/bin/php8.2", "x.php"),
        (["sshd: root@pts/0", "mail.pl"], "/usr/bin/perl", "mail.pl"),
        (["-bash: x", "run.sh"], "/usr/bin/bash", "run.sh"),
        # the exe is unknown: argv[0] that reads like a title names no interpreter
        (["sshd: u", "x.php"], None, None),
        # a one-argument command line names no script, whatever it says
        (["php: /home/u/x.php"], "/usr/bin/php8.2", None),
        (["php-fpm: pool www", "", ""], "/usr/sbin/php-fpm8.2", None),
        # lsphp's title is believed of lsphp only (a php CLI could name an innocent file)
        (["lsphp:/home/other/index.php", "x.php"], "/usr/bin/php8.2", "x.php"),
        (["lsphp:/home/u/index.php"], None, "/home/u/index.php"),
    ],
)
def test_script_from_cmdline(cmdline: list[str], exe: str | None, expected: str | None) -> None:
    assert script_from_cmdline(cmdline, exe) == expected


def test_a_rewritten_title_names_no_script() -> None:
    argv = ("mailer:", "/home/other/innocent.php", "sending")
    assert script_from_cmdline(argv, "/usr/bin/php8.2", title=True) is None
    assert script_from_cmdline(argv, "/usr/bin/php8.2") == "/home/other/innocent.php"


@pytest.mark.parametrize(
    ("raw", "argv", "title"),
    [
        (b"php: /x.php\0/x.php\0", ("php: /x.php", "/x.php"), False),  # exec -a: an argv
        (b"php\0-f\0a b.php\0", ("php", "-f", "a b.php"), False),
        # a padded title: php-fpm's showed 46 empty arguments in every incident
        (b"php-fpm: pool www\0\0\0", ("php-fpm: pool www",), True),
        (b"sshd: u [priv]", ("sshd:", "u", "[priv]"), True),  # no NUL: rewritten
        (b"worker: one two\0", ("worker:", "one", "two"), True),
        (b"", (), False),
    ],
)
def test_split_cmdline(raw: bytes, argv: tuple[str, ...], title: bool) -> None:
    assert proc_mod.split_cmdline(raw) == (argv, title)


def _raw_cmdline(procfs: Path, pid: int, raw: bytes) -> None:
    (procfs / str(pid) / "cmdline").write_bytes(raw)


def test_argv0_with_a_colon_is_not_a_title(procfs: Path) -> None:
    """``exec -a "php: /.../x.php" php x.php``: a PHP run that no longer holds its script open
    is still known by its script (an attacker naming argv[0] so hid it before)."""
    add_process(
        procfs, 300, cmdline=[f"php: {UPLOADS}/x.php", "x.php", "10.0.0.2"], cwd=UPLOADS, fds={}
    )
    info = read_process(300, procfs=str(procfs))
    assert info.scripts == (f"{UPLOADS}/x.php",)
    assert info.cmdline[0] == f"php: {UPLOADS}/x.php"


def test_rewritten_titles_take_their_script_from_open_files_only(procfs: Path) -> None:
    # a php CLI that set its title to name an innocent file: only the open script counts
    add_process(procfs, 301, cwd=UPLOADS, fds={3: f"{UPLOADS}/real.php"})
    _raw_cmdline(procfs, 301, b"mailer: /home/other/public_html/innocent.php sending")
    assert read_process(301, procfs=str(procfs)).scripts == (f"{UPLOADS}/real.php",)
    add_process(procfs, 302, exe="/usr/sbin/php-fpm8.2", cwd=UPLOADS, fds={5: f"{UPLOADS}/a.php"})
    _raw_cmdline(procfs, 302, b"php-fpm: pool www" + b"\0" * 40)
    assert read_process(302, procfs=str(procfs)).scripts == (f"{UPLOADS}/a.php",)


def test_is_script_path() -> None:
    assert is_script_path("/home/u/public_html/a.PHP")
    assert is_script_path("/home/u/x.php (deleted)")
    assert not is_script_path("/usr/share/php/PEAR.php")
    assert not is_script_path("socket:[1]")
    assert not is_script_path("/home/u/notes.txt")


# ----------------------------------------------------------------------------- inode -> pid
def test_find_socket_owners_real_tree(procfs: Path) -> None:
    add_process(procfs, 10, fds={3: "socket:[111]", 4: "/dev/null"})
    add_process(procfs, 11, fds={3: "socket:[222]", 9: "socket:[333]"})
    add_process(procfs, 12, fds={})
    me = os.getuid()
    assert find_socket_owners({me: {111, 333}}, procfs=str(procfs)) == {111: 10, 333: 11}
    # inode 0 (TIME_WAIT) and unknown inodes are absent, no error
    assert find_socket_owners({me: {0, 999}}, procfs=str(procfs)) == {}
    assert find_socket_owners({}, procfs=str(procfs)) == {}
    # uid that owns no process dir: found by the wider passes
    assert find_socket_owners({4242: {222}}, procfs=str(procfs)) == {222: 11}


def test_find_socket_owners_scans_only_owner_processes_first(
    procfs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owners = {"20": 0, "21": 1001, "22": 1002, "23": 1001, "24": 0}
    add_process(procfs, 20, fds={3: "socket:[1]"})
    add_process(procfs, 21, fds={3: "socket:[2]"})
    add_process(procfs, 22, fds={3: "socket:[3]"})
    add_process(procfs, 23, fds={3: "socket:[4]"})
    add_process(procfs, 24, uid=1002, fds={3: "socket:[5]"})  # non-dumpable: dir owned by root
    consumed: list[str] = []

    def pid_dirs(_procfs: str) -> Iterator[tuple[str, int]]:
        for pid, owner in sorted(owners.items(), key=lambda item: -int(item[0])):
            consumed.append(pid)
            yield pid, owner

    monkeypatch.setattr(proc_mod, "_pid_dirs", pid_dirs)
    scanned: list[str] = []
    real_scan = proc_mod._scan_fds

    def spy(procfs_: str, pid: str, pending: dict[str, int], found: dict[int, int]) -> None:
        scanned.append(pid)
        real_scan(procfs_, pid, pending, found)

    monkeypatch.setattr(proc_mod, "_scan_fds", spy)
    assert find_socket_owners({1001: {4}}, procfs=str(procfs)) == {4: 23}
    assert scanned == ["23"]  # newest first, stops when found
    assert consumed == ["24", "23"]  # and stats no further /proc entries
    scanned.clear()
    assert find_socket_owners({1001: {2}}, procfs=str(procfs)) == {2: 21}
    assert scanned == ["23", "21"]  # never the processes of other owners
    scanned.clear()
    # uid 1002's socket held by root-owned (non-dumpable) pid 24: status says uid 1002
    assert find_socket_owners({1002: {5}}, procfs=str(procfs)) == {5: 24}
    assert scanned == ["22", "24"]


def test_find_socket_owners_missing_procfs(tmp_path: Path) -> None:
    assert find_socket_owners({0: {1}}, procfs=str(tmp_path / "nope")) == {}


def test_a_script_that_deleted_itself_is_listed_once(procfs: Path) -> None:
    """`php x.php` that ran `unlink(__FILE__)`: `check` listed two scripts, `x.php
    (deleted)` (its open file) and `x.php` (its command line, a name that is gone), and
    said "look at the script" for each. The command line names the same file: listed once.
    A new file put at the name since is another file, and is listed too."""
    add_process(
        procfs, 4243, comm="php", cmdline=["php", f"{UPLOADS}/x.php", "10.0.0.2"],
        exe="/usr/bin/php8.2", cwd=UPLOADS, fds={3: f"{UPLOADS}/x.php (deleted)"},
    )  # fmt: skip
    info = read_process(4243, procfs=str(procfs))
    assert info.scripts == (f"{UPLOADS}/x.php (deleted)",)


def test_a_new_file_at_a_deleted_scripts_name_is_listed_too(procfs: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "x.php").write_text("<?php echo 1;\n")  # put there since: another file
    add_process(
        procfs, 4244, comm="php", cmdline=["php", f"{site}/x.php"],
        exe="/usr/bin/php8.2", cwd=str(site), fds={3: f"{site}/x.php (deleted)"},
    )  # fmt: skip
    info = read_process(4244, procfs=str(procfs))
    assert info.scripts == (f"{site}/x.php (deleted)", f"{site}/x.php")


def test_a_user_name_follows_the_passwd_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The uid -> name cache is dropped when the passwd file changes: a deleted account's uid
    given to a new one was named by the old name for as long as the daemon ran."""
    passwd = tmp_path / "passwd"
    passwd.write_text("old:x:5000:5000::/home/old:/bin/sh\n")
    names = {5000: "old"}

    def getpwuid(uid: int) -> pwd.struct_passwd:
        if uid not in names:
            raise KeyError(uid)
        return pwd.struct_passwd((names[uid], "x", uid, uid, "", f"/home/{names[uid]}", "/bin/sh"))

    monkeypatch.setattr(proc_mod, "PASSWD", str(passwd))
    monkeypatch.setattr(proc_mod, "PASSWD_CHECK_EVERY", 0.0)  # looked at every time
    monkeypatch.setattr(proc_mod.pwd, "getpwuid", getpwuid)
    assert proc_mod.user_name(5000) == "old"
    names[5000] = "newcomer"
    passwd.write_text("newcomer:x:5000:5000::/home/newcomer:/bin/sh\n")
    assert proc_mod.user_name(5000) == "newcomer"
    del names[5000]
    passwd.write_text("")
    assert proc_mod.user_name(5000) is None
