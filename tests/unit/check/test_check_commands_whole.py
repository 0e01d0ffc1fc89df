"""A command to paste is never broken: on a terminal 50 columns wide, `check`'s "next" lines
(and those of its "through the MTA" section) give each command whole on a line of its own;
pasted with a line break in it, a shell would run its first half."""

from __future__ import annotations

import sys
from pathlib import Path

from spamtrace.render.layout import split_command

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from ptyrun import run_on_pty

HOME = "/home/shopkeeper/public_html/wp-content/uploads/2024/11"
SCAN = f"spamtrace scan {HOME}"
FREEZE = "exiqgrep -i -f '^<wordpress@shop\\.example>$' | xargs -r exim -Mf"


def render() -> None:
    """A PHP mailer's detail block (advice as policy gives it), then a mail-script section."""
    from spamtrace.model import (
        Account,
        AccountKind,
        AttributionMethod,
        Connection,
        Endpoint,
        ProcessInfo,
        SocketRecord,
        TcpState,
        Verdict,
    )  # fmt: skip
    from spamtrace.policy.verdict import advice
    from spamtrace.render.check import print_check
    from spamtrace.render.mail import print_check_section
    from spamtrace.render.output import console

    proc = ProcessInfo(
        pid=123456, start_time=1_700_000_000.5, name="php-fpm8.2", exe="/usr/sbin/php-fpm8.2",
        cmdline=("php-fpm: pool shop",), uid=1001, euid=1001, gid=1001, user="shopkeeper",
        cwd=HOME, scripts=(), parents=(), method=AttributionMethod.LIVE,
    )  # fmt: skip
    acct = Account("shopkeeper", AccountKind.CPANEL, "/home/shopkeeper", ("shop.example",))
    sock = SocketRecord(2, TcpState.ESTABLISHED, Endpoint("192.0.2.1", 40001),
                        Endpoint("198.51.100.7", 25), 1001, 1, "sockdiag")  # fmt: skip
    conn = Connection(sock, proc, acct, Verdict.SUSPICIOUS, ("talks SMTP to an MX",), ())
    conn = Connection(sock, proc, acct, Verdict.SUSPICIOUS, conn.reasons, advice(conn))
    print_check(console(), [conn], [25], [], [None], [], {"suspicious": 1})
    inc = {"verdict": "mail-script", "kind": "script", "auth_user": None, "user": "shopkeeper",
           "script": f"{HOME}/x.php", "cwd": None, "messages": 300, "recipients": 300,
           "reasons": ["300 messages in 60 minutes"],
           "advice": [SCAN, f"freeze its queued mail: {FREEZE}"]}  # fmt: skip
    print_check_section({"minutes": 60, "incidents": [inc]})


def test_commands_are_whole_on_a_50_column_terminal() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import test_check_commands_whole as t; t.render()"
    )
    out = run_on_pty([sys.executable, "-c", code], 50, {"LANG": "C.UTF-8"})
    lines = [line.strip() for line in out.splitlines()]
    assert SCAN in lines, out  # "scan the folder: ..." of check, alone on its line
    assert "spamtrace scan /home/shopkeeper" in lines, out  # the account's
    assert "kill 123456" in " ".join(lines)
    assert FREEZE in lines, out
    assert f"run: {SCAN}" not in out
    assert any(line.startswith("next") and "freeze its queued mail:" in line for line in lines)


def test_split_command() -> None:
    assert split_command("scan the folder: spamtrace scan /x") == (
        "scan the folder:", "spamtrace scan /x",
    )  # fmt: skip
    assert split_command("spamtrace scan /x") == ("", "spamtrace scan /x")
    assert split_command("disable forwarding for u: add 'Match User u'") == (
        "disable forwarding for u: add 'Match User u'", None,
    )  # fmt: skip
