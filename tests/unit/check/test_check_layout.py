"""`check`'s human view on a real terminal 80 and 100 columns wide, in a pipe and under LANG=C:
no verdict, TCP state or header cut inside a word, wrapped fields keep their indent, no line
wider than the terminal; attacker text printed as it is, never as markup."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from spamtrace.model import (
    Account,
    AccountKind,
    AttributionMethod,
    Connection,
    Endpoint,
    ParentProcess,
    ProcessInfo,
    SocketRecord,
    TcpState,
    Verdict,
)
from spamtrace.render.check import print_check

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from ptyrun import run_on_pty

HOME = "/home/shopkeeper/public_html/wp-content/uploads/2024/11/cache"
SCRIPT = f"{HOME}/wp-cache-handler-[red]x[/].php"
SHORT_WORDS = ("suspicious", "mta", "ESTABLISHED", "SYN-SENT")


def _sock(inode: int, uid: int, remote: str, port: int, state: TcpState) -> SocketRecord:
    local = Endpoint("192.0.2.1", 40000 + inode)
    return SocketRecord(2, state, local, Endpoint(remote, port), uid, inode, "sockdiag")


def render(con: Console) -> None:
    """A PHP mailer with 7 sockets to long host names, the MTA and an SMTP plugin."""
    proc = ProcessInfo(
        pid=123456, start_time=1_700_000_000.5, name="php-fpm8.2-a-very-long-process-name",
        exe="/opt/cpanel/ea-php82/root/usr/sbin/php-fpm", cmdline=("php-fpm: pool shop",),
        uid=1001, euid=1001, gid=1001, user="shopkeeper", cwd=HOME, scripts=(SCRIPT,),
        parents=(ParentProcess(1, "init", "/sbin/init", 0),), method=AttributionMethod.LIVE,
    )  # fmt: skip
    acct = Account("shopkeeper", AccountKind.CPANEL, "/home/shopkeeper", ("shop.example",))
    why = ("non-MTA process talks SMTP directly to a remote mail server on port 25 from a PHP "
           "script under a hosting account",)  # fmt: skip
    conns = [
        Connection(_sock(i, 1001, f"mx{i}.very-long-destination-host.example.net", 25,
                         TcpState.SYN_SENT if i % 2 else TcpState.ESTABLISHED),
                   proc, acct, Verdict.SUSPICIOUS, why, (f"Quarantine `{SCRIPT}`",))
        for i in range(7)
    ]  # fmt: skip
    exim = dataclasses.replace(proc, pid=900, name="exim4", exe="/usr/sbin/exim4", uid=102,
                               user="Debian-exim", cwd="/var/spool/exim4", scripts=())  # fmt: skip
    conns.append(Connection(_sock(50, 102, "203.0.113.9", 25, TcpState.ESTABLISHED), exim, None,
                            Verdict.MTA, (), ()))  # fmt: skip
    files = [{"path": SCRIPT, "verdict": "malicious", "score": 95, "line": 3,
              "rules": ["php.mailer.base64_loop", "php.obfuscation.eval_gzinflate"],
              "excerpt": "eval(gzinflate(base64_decode($x)))"}]  # fmt: skip
    print_check(con, conns, [25, 465, 587], [], [files] + [None] * 7, [],
                {"suspicious": 7, "mta": 1})  # fmt: skip


def _on_pty(columns: int, lang: str = "C.UTF-8") -> str:
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " + (
        "import test_check_layout as t; from spamtrace.render.output import console; "
        "t.render(console())"
    )
    return run_on_pty([sys.executable, "-c", code], columns, {"LANG": lang})


@pytest.mark.parametrize("columns", [80, 100])
def test_narrow_terminal_never_cuts_a_short_word_and_keeps_the_indent(columns: int) -> None:
    out = _on_pty(columns)
    lines = out.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines), out
    words = {w.strip(",:()") for line in lines for w in line.split()}
    for word in SHORT_WORDS:
        assert word in words, (word, out)
    for part in ("verdic", "ESTABL", "SYN-SE", "suspic", "ISHED"):
        assert part not in words, (part, out)
    assert "4 ESTABLISHED, 3 SYN-SENT" in out
    # a label is never alone on its line; a wrapped field goes on under its text
    labels = ("file", "script", "why", "next", "where", "to", "cwd", "exe")
    assert not [line for line in lines if line.strip() in labels], out
    detail = lines[next(i for i, line in enumerate(lines) if line.startswith("suspicious:")) :]
    for i, line in enumerate(detail[1:], 1):
        if line.startswith("  ") and not line[2:].startswith(" ") and line.split()[0] == "why":
            assert detail[i + 1].startswith(" " * 11) and detail[i + 1][11] != " ", out
    assert SCRIPT in out.replace("\n" + " " * 11, "") or "[red]x[/]" in out  # not markup


def test_wide_terminal_is_a_table_with_whole_short_cells() -> None:
    out = _on_pty(200)
    header = next(line for line in out.splitlines() if "verdict" in line)
    for col in ("verdict", "conns", "pid", "process", "user (uid)", "account", "remote", "state",
                "where"):  # fmt: skip
        assert col in header
    assert "4 ESTABLISHED, 3 SYN-SENT" in out
    assert all(len(line.rstrip()) <= 200 for line in out.splitlines())


def test_lang_c_on_a_terminal_is_ascii() -> None:
    for columns in (80, 200):
        out = _on_pty(columns, lang="C")
        assert out.isascii(), out


def test_pipe_is_ascii_and_a_row_per_sender_on_one_line() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import test_check_layout as t; from spamtrace.render.output import console; "
        "t.render(console())"
    )
    env = {**os.environ, "LANG": "en_US.UTF-8"}
    env.pop("COLUMNS", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=60).stdout  # fmt: skip
    assert out.isascii()
    row = next(line for line in out.splitlines() if "| suspicious" in line)
    assert SCRIPT in row and "mx2.very-long-destination-host.example.net:25 (+4 more)" in row
    assert "4 ESTABLISHED, 3 SYN-SENT" in row
    assert any(line.startswith("  why      non-MTA process") and line.endswith("account")
               for line in out.splitlines())  # fmt: skip


def test_stacked_layout_in_a_narrow_console_keeps_markup_as_text() -> None:
    buf = io.StringIO()
    render(Console(file=buf, width=80, force_terminal=True, color_system=None, markup=False))
    out = buf.getvalue()
    assert "[red]x[/]" in out.replace("\n" + " " * 11, "")
    assert "  suspicious  7 conn(s), pid 123456" in out


def test_a_pipe_with_columns_given_is_laid_out_for_that_width() -> None:
    """``COLUMNS`` set for a pipe (the demo shows a command's output indented under its own
    text) lays the report out for that width, in ASCII; without it, rows stay whole."""
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import test_check_layout as t; from spamtrace.render.output import console; "
        "t.render(console())"
    )
    env = {**os.environ, "LANG": "en_US.UTF-8", "COLUMNS": "75"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=60).stdout  # fmt: skip
    assert out.isascii()
    lines = out.splitlines()
    assert all(len(line) <= 75 for line in lines), [x for x in lines if len(x) > 75]
    assert not any("| suspicious" in line for line in lines)  # blocks, not a table row
    assert any("suspicious" in line for line in lines)
