"""`spamtrace mail --json` on recorded logs gives the document it gave when the golden files
were written (all of it but the time it was made): a change made for speed (the compiled
parser and join, how a log is read) must leave every figure, sender, incident and note as it
was. The logs (``golden/*.log``) hold the common traffic over an hour and a half (windows
fill and expire, incidents open) and the odd lines: cut lines, invalid UTF-8, NUL bytes, a
line over 64 KiB, lines moved later and repeated, a working folder with a newline, syslog
lines, fractional seconds, offsets, pids, bounces, `for` lists, unknown ids.

The Python parsers and join (the reference of the compiled ones) give the same document.

A change meant to change the report regenerates them: ``UPDATE_GOLDEN=1 pytest
tests/unit/mail/test_mail_golden.py``, then read the diff of ``golden/*.json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
#: the logs' last write (a Postfix stamp has no year: it is the year of the file's last write)
WRITTEN = 1_764_900_000  # 2025-12-05 02:00 UTC
CONFIG = """
[mail]
window = 900
script_max_messages = 40
script_max_recipients = 60
auth_max_ips = 6
auth_max_networks = 3
auth_max_messages = 30
"""
#: the accounts of the logs (acct000... as bench/maillog_gen.py names them)
PASSWD = [
    "root:x:0:0:root:/root:/bin/bash",
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
    "Debian-exim:x:101:103::/var/spool/exim4:/usr/sbin/nologin",
    *(f"acct{i:03d}:x:{1000 + i}:{1000 + i}::/home/acct{i:03d}:/bin/bash" for i in range(60)),
    "shop:x:1100:1100::/home/shop:/bin/bash",
    "user1:x:1101:1101::/home/user1:/bin/bash",
]


#: `spamtrace mail` in a process of its own: the document depends on the order in which sets
#: of addresses are walked (which recipients are an incident's samples), that is on the hash
#: seed of str, fixed there (PYTHONHASHSEED); this host's accounts (no panel); the Python
#: parsers and join when asked (``python``: the reference of the compiled ones)
RUN = """
import sys
from spamtrace.attribution import accounts
from spamtrace.attribution import mail as ledger_module
from spamtrace.cli.main import main
from spamtrace.policy import mail as policy_module
from spamtrace.sources.maillog import blocks, reader

root, kind, log, compiled = sys.argv[1:]
read_passwd = ledger_module.passwd_homes
ledger_module.passwd_homes = lambda _root="/": read_passwd(root)


class Resolver(accounts.AccountResolver):
    def __init__(self, cfg, _root="/"):
        super().__init__(cfg, root)


accounts.AccountResolver = Resolver
if compiled == "python":
    blocks._scan = None
    reader.COMPILED = False
    ledger_module._mailjoin = None
    policy_module._mailjoin = None
sys.exit(main(["mail", "--json", "--no-queue", "--no-scan", "--since", "all", "--top",
               "100000", f"--{kind}-log", log]))
"""


def report(kind: str, folder: Path, compiled: bool = True) -> tuple[int, Any]:
    """`spamtrace mail --json` of the recorded log of ``kind``: (exit code, document without
    its time of making, the log's path as ``LOG``)."""
    root = folder / "root"
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "passwd").write_text("\n".join(PASSWD) + "\n")
    (folder / "spamtrace.toml").write_text(CONFIG)
    (folder / "conf.d").mkdir(exist_ok=True)
    log = folder / ("mainlog" if kind == "exim" else "maillog")
    log.write_bytes((GOLDEN / f"{kind}-mixed.log").read_bytes())
    os.utime(log, (WRITTEN, WRITTEN))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPAMTRACE_")}
    env.update(
        PYTHONHASHSEED="0", TZ="UTC", SPAMTRACE_CONFIG=str(folder / "spamtrace.toml"),
        SPAMTRACE_CONFIG_DIR=str(folder / "conf.d"),
    )  # fmt: skip
    argv = [sys.executable, "-c", RUN, str(root), kind, str(log),
            "compiled" if compiled else "python"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    doc = json.loads(done.stdout.replace(str(log), "LOG"))
    assert doc.get("schema") == "spamtrace.mail/1", done.stdout[:500] + done.stderr[-2000:]
    doc.pop("generated", None)
    return done.returncode, doc


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
@pytest.mark.parametrize("kind", ["exim", "postfix"])
def test_the_report_of_a_recorded_log_is_unchanged(
    kind: str, compiled: bool, tmp_path: Path
) -> None:
    code, doc = report(kind, tmp_path, compiled)
    golden = GOLDEN / f"{kind}-mixed.json"
    if os.environ.get("UPDATE_GOLDEN") == "1" and compiled:
        golden.write_text(json.dumps({"exit": code, "report": doc}, indent=1) + "\n")
    want = json.loads(golden.read_text())
    assert code == want["exit"]
    for key in want["report"]:  # one part at a time: a failure says which
        assert doc.get(key) == want["report"][key], key
    assert doc == want["report"]


def test_the_recorded_logs_are_what_the_golden_test_needs(tmp_path: Path) -> None:
    """The logs still hold what they are there for (a golden file of a log that opens no
    incident, cuts no line or reads no malformed one would prove less)."""
    for kind in ("exim", "postfix"):
        code, doc = report(kind, tmp_path)
        (counts,) = doc["logs"]
        assert code == 1 and doc["incidents"]
        assert {i["verdict"] for i in doc["incidents"]} >= (
            {"mail-script", "mail-auth"} if kind == "exim" else {"mail-auth"}
        )
        assert counts["malformed"] > 10 and counts["events"] > 500
    assert counts["long_lines"] == 0  # the Postfix log's; the Exim log's below
    _, doc = report("exim", tmp_path)
    assert doc["logs"][0]["long_lines"] == 1
    assert doc["totals"]["bounces"] >= 1 and doc["totals"]["inbound"] > 50
