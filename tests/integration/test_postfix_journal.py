"""Postfix's lines in a real systemd journal, read by the real ``journalctl``: `spamtrace
mail` reads them back, the daemon's mail source follows them (``journalctl -f``), started
again after a kill, from its cursor (no entry twice, none lost).

The journal is a file of the test's own: recorded Postfix lines written in journald's export
format (``journalctl -o export``'s) and turned into a journal file by
``systemd-journal-remote`` (apt ``systemd-journal-remote``, which ``scripts/test.sh``
installs; without it these tests are skipped); ``journalctl --directory`` reads it
(``[mail] journalctl_command``). More entries are appended to the same file while the
follower runs, as journald appends. The host's journal is never read."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from stcli import spamtrace

REMOTE = "/lib/systemd/systemd-journal-remote"
BOOT = "0123456789abcdef0123456789abcdef"


def _tools() -> None:
    if not os.access(REMOTE, os.X_OK):
        pytest.skip("no systemd-journal-remote (apt install systemd-journal-remote)")
    if shutil.which("journalctl") is None:
        pytest.skip("no journalctl")


def _field(name: str, value: str | bytes) -> bytes:
    """One field in journald's export format: ``NAME=value``, or binary-safe (a value that
    is not UTF-8 text or holds a newline): the name, a newline, its 64-bit length, the bytes."""
    data = value if isinstance(value, bytes) else value.encode()
    if isinstance(value, str) and "\n" not in value:
        return f"{name}=".encode() + data + b"\n"
    return name.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"


class Journal:
    """A journal file of the test's own, appended to by systemd-journal-remote."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "remote.journal"
        self.seq = 0

    def append(self, entries: list[tuple[str, str | bytes]], when: float) -> None:
        out = b""
        for ident, message in entries:
            self.seq += 1
            micros = int(when * 1_000_000) + self.seq
            for name, value in (
                ("__REALTIME_TIMESTAMP", str(micros)), ("__MONOTONIC_TIMESTAMP", str(self.seq)),
                ("_BOOT_ID", BOOT), ("_HOSTNAME", "web1"), ("_TRANSPORT", "syslog"),
                ("SYSLOG_FACILITY", "2"), ("SYSLOG_IDENTIFIER", ident),
                ("SYSLOG_PID", str(800 + self.seq % 50)), ("MESSAGE", message),
            ):  # fmt: skip
                out += _field(name, value)
            out += b"\n"
        export = self.folder / f"batch{self.seq}.export"
        export.write_bytes(out)
        subprocess.run(
            [REMOTE, f"--output={self.file}", str(export)], check=True, capture_output=True,
            timeout=60,
        )  # fmt: skip
        export.unlink()

    @property
    def command(self) -> list[str]:
        return [shutil.which("journalctl") or "journalctl", "--directory", str(self.folder)]


def messages(first: int, n: int, user_id: int = 1001) -> list[tuple[str, str | bytes]]:
    """Postfix's lines of ``n`` local submissions (pickup, qmgr, smtp, removed)."""
    out: list[tuple[str, str | bytes]] = []
    for i in range(first, first + n):
        qid = f"4F{i:08X}"
        out += [
            ("postfix/pickup", f"{qid}: uid={user_id} from=<shop>"),
            ("postfix/cleanup", f"{qid}: message-id=<{i}@web1.example>"),
            ("postfix/qmgr", f"{qid}: from=<shop@web1.example>, size=600, nrcpt=1 (queue active)"),
            ("postfix/smtp", f"{qid}: to=<r{i}@remote.example>, relay=mx.remote.example"
             "[192.0.2.1]:25, delay=0.3, delays=0/0/0.1/0.2, dsn=2.0.0, status=sent (250 OK)"),
            ("postfix/qmgr", f"{qid}: removed"),
        ]  # fmt: skip
    return out


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    _tools()
    folder = tmp_path / "journal"
    folder.mkdir()
    yield Journal(folder)


def test_mail_reads_postfix_s_lines_from_a_real_journal(journal: Journal) -> None:
    now = time.time()
    hostile = "box\x1b[2J@web1.example"
    journal.append(
        [
            *messages(0, 3),
            ("dovecot", "imap-login: Login: user=<box@web1.example>"),
            ("postfix/submission/smtpd", "5A00000001: client=unknown[203.0.113.5], "
             f"sasl_method=LOGIN, sasl_username={hostile}"),
            ("postfix/qmgr", "5A00000001: from=<box@web1.example>, size=900, nrcpt=1 "
             "(queue active)"),
            # not UTF-8: journalctl writes it as an array of bytes
            ("postfix/smtp", b"5A00000001: to=<caf\xe9@remote.example>, relay=none, delay=1, "
             b"dsn=5.0.0, status=bounced (no)"),
            ("postfix/smtpd", "x" * 200_000),  # a huge message: cut, not a crash
        ],
        now - 60,
    )  # fmt: skip
    env = {"SPAMTRACE_MAIL_JOURNALCTL_COMMAND": json.dumps(journal.command)}
    res = spamtrace("mail", "--postfix-log", "journal", "--since", "1h", "--json", "--no-queue",
                    "--no-scan", env=env)  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    (log,) = doc["logs"]
    assert (log["path"], log["kind"], log["error"]) == ("journal", "postfix", None)
    assert log["lines"] == 19 and log["long_lines"] == 1  # Postfix's 15 + 3, and the huge one
    assert doc["totals"]["messages"] == 4
    boxes = [s for s in doc["senders"] if s.get("auth_user")]
    # a login that is a mailbox address is read with its ASCII capitals made small (one
    # mailbox whatever the case it is typed in); its escape stays escaped when printed
    assert [b["auth_user"] for b in boxes] == [hostile.lower()]
    res = spamtrace("mail", "--postfix-log", "journal", "--since", "1h", "--no-queue",
                    "--no-scan", env=env)  # fmt: skip
    assert res.returncode == 0 and "box\\x1b[2j@web1.example" in res.stdout
    assert "\x1b" not in res.stdout
    # --since is journalctl's: an hour before, none
    res = spamtrace("mail", "--postfix-log", "journal", "--since", str(int(now - 7200)),
                    "--json", "--no-queue", "--no-scan", env=env)  # fmt: skip
    assert json.loads(res.stdout)["totals"]["messages"] == 4
    res = spamtrace("mail", "--postfix-log", "journal", "--since", "30s", "--json",
                    "--no-queue", "--no-scan", env=env)  # fmt: skip
    assert json.loads(res.stdout)["totals"]["messages"] == 0
    # no journal there: said on one line, exit 3
    env = {"SPAMTRACE_MAIL_JOURNALCTL_COMMAND": json.dumps(
        [journal.command[0], "--file", str(journal.folder / "none.journal")])}  # fmt: skip
    res = spamtrace("mail", "--postfix-log", "journal", "--json", "--no-queue", "--no-scan",
                    env=env)  # fmt: skip
    assert res.returncode == 3 and "Traceback" not in res.stderr
    assert "could not read journal: journalctl:" in res.stderr, res.stderr


def _journalctl_pids(folder: Path) -> list[int]:
    """The journalctl processes reading ``folder`` (this test's: its folder in their argv)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(folder).encode() in argv and argv[0].endswith(b"journalctl") and b"--follow" in argv:
            out.append(int(entry.name))
    return out


def test_the_daemon_s_mail_source_follows_the_journal_across_a_journalctl_kill(
    journal: Journal,
) -> None:
    """Read back at start (the last hour), then followed: a burst of 25 local messages
    (limit 20) opens a mail-script incident; journalctl is killed between two batches and
    started again after its cursor: every message counted once."""
    from spamtrace import config as config_mod
    from spamtrace.sources.maillog.follow import MailLogSource
    from spamtrace.sources.maillog.reader import LogSpec

    journal.append(messages(0, 10), time.time() - 600)  # before the start: read back
    cfg = config_mod.Config().override(
        origin="test", mail__script_max_messages=20, mail__postfix_logs=["journal"],
        mail__exim_logs=[], mail__journalctl_command=journal.command,
    )  # fmt: skip
    src = MailLogSource(cfg, [LogSpec("journal", "postfix")], interval=0.05)
    try:
        assert src.wait_restored(30) and src.restored == 10
        journal.append(messages(10, 5), time.time())

        def settle(expected: int) -> list[object]:
            out: list[object] = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                out += src.read_events()
                if src.ledger.messages >= expected:
                    time.sleep(0.3)  # a message read twice would come now
                    out += src.read_events()
                    return out
                time.sleep(0.05)
            return out

        settle(15)
        assert src.ledger.messages == 15
        pids = _journalctl_pids(journal.folder)
        assert len(pids) == 1
        os.kill(pids[0], signal.SIGKILL)
        journal.append(messages(15, 10), time.time())  # while none runs
        out = settle(25)
        assert src.ledger.messages == 25  # none twice, none lost
        opened = [x for x in out if getattr(x, "opened", False)]
        assert len(opened) == 1
        stats = src.stats()
        (log,) = stats["logs"]
        assert log["journal"] is True and log["restarts"] >= 1 and log["malformed"] == 0
        assert "journalctl ended" in (stats["error"] or "")
        new = _journalctl_pids(journal.folder)
        assert len(new) == 1 and new != pids
    finally:
        src.close()
    assert _journalctl_pids(journal.folder) == []
