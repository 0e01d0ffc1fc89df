"""Benchmark of `spamtrace mail` reading Postfix's lines from the systemd journal against
reading the same lines from a file.

Generates ``--lines`` Postfix lines (bench/maillog_gen.py), writes them to a file and, as the
entries journald would have stored for them (``_TRANSPORT=syslog``, ``SYSLOG_IDENTIFIER``,
``SYSLOG_PID``, ``_HOSTNAME``, ``_SOURCE_REALTIME_TIMESTAMP``), to a journal file of its own
(``systemd-journal-remote -o FILE -``, from journal export format: the host's journal is not
touched). Then prints, medians of ``--runs`` runs (wall and CPU seconds of the whole command,
and lines per CPU second):

- ``file``: ``spamtrace mail --json --since all --postfix-log FILE``;
- ``journal``: the same with ``--postfix-log journal`` and ``[mail] journalctl_command =
  ["journalctl", "--file", JOURNAL]`` (journalctl reading the journal file and spamtrace
  reading its JSON);
- ``journalctl alone``: journalctl's own part (its argv as spamtrace gives it, output to
  /dev/null);
- ``recorded JSON``: spamtrace's part alone (a stand-in journalctl printing journalctl's
  recorded output with ``cat``),

and whether the journal's and the file's reports are the same (but for the log's path).

``--before SRC`` runs another checkout's code too (``file``, ``journal`` and ``recorded JSON``
``(before)``): the figures of a change, in the same run.

Usage: .venv/bin/python bench/maillog_journal_bench.py [--lines 200000] [--runs 3] [--before SRC]
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from maillog_gen import postfix_lines  # noqa: E402
from spamtrace.sources.maillog.journal import argv as journal_argv  # noqa: E402

#: the year a syslog stamp of the file is read in (the file reader's: the latest not ahead)
YEAR = time.gmtime().tm_year
BOOT = "0123456789abcdef0123456789abcdef"
REMOTE = ("/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote")


def export_entry(line: str, seq: int) -> bytes:
    """A syslog line of maillog_gen -> its journal entry in export format."""
    stamp, rest = line[:15], line[16:]
    host, _, rest = rest.partition(" ")
    tag, _, message = rest.partition(": ")
    ident, _, pid = tag.rstrip("]").partition("[")
    when = calendar.timegm(time.strptime(f"{YEAR} {stamp}", "%Y %b %d %H:%M:%S"))
    micros = when * 1_000_000  # the file's lines have whole seconds
    fields = [
        f"__REALTIME_TIMESTAMP={micros}", f"__MONOTONIC_TIMESTAMP={seq + 1}",
        f"_BOOT_ID={BOOT}", "_TRANSPORT=syslog", f"_HOSTNAME={host}", "SYSLOG_FACILITY=2",
        f"SYSLOG_IDENTIFIER={ident}", f"SYSLOG_PID={pid}", f"_SOURCE_REALTIME_TIMESTAMP={micros}",
        f"MESSAGE={message}",
    ]  # fmt: skip
    return ("\n".join(fields) + "\n\n").encode()


def timed(argv: list[str], env: dict[str, str], walls: list[float], cpus: list[float]) -> str:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, said = out.read().decode(), err.read().decode()
    if code not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({code}): {said[-500:]}")
    return text


def mail_argv(log: str) -> list[str]:
    return [
        sys.executable, "-m", "spamtrace", "mail", "--json", "--since", "all", "--no-scan",
        "--no-queue", "--top", "1000000", "--postfix-log", log,
    ]  # fmt: skip


#: the fields of a report that name its log or the host's users (not what was read)
NAMED = ("id", "incident", "advice", "account", "user")


def comparable(text: str) -> object:
    """A report without what names its log (its counts, the incident ids made from it, the
    advice's commands that read it) and the names of uids (the host's, between two runs)."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in NAMED}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    doc = json.loads(text)
    for key in ("generated", "notes"):
        doc.pop(key, None)
    for log in doc.pop("logs", ()):
        doc[f"lines {log['kind']}"] = [log[k] for k in ("lines", "events", "malformed")]
    return strip(doc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="keep the generated files in this folder")
    ap.add_argument("--before", help="also run the src folder of another checkout (built: "
                    "scripts/install.sh), e.g. of the commit before a change")  # fmt: skip
    args = ap.parse_args()
    remote = next((p for p in REMOTE if os.path.exists(p)), None)
    journalctl = shutil.which("journalctl")
    if remote is None or journalctl is None:
        print("needs journalctl and systemd-journal-remote (apt install systemd-journal-remote)")
        return 2
    work = Path(args.keep or tempfile.mkdtemp(prefix="spamtrace-journal-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log, journal, recorded = work / "maillog", work / "journal", work / "journal.json"
    lines = list(postfix_lines(args.lines))
    log.write_text("".join(line + "\n" for line in lines))
    shutil.rmtree(journal, ignore_errors=True)
    journal.mkdir()  # journal-remote rotates its file as it fills: a folder of them
    export = b"".join(export_entry(line, i) for i, line in enumerate(lines))
    subprocess.run([remote, "-o", str(journal / "remote.journal"), "-"], input=export, check=True,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    command = [journalctl, "--directory", str(journal)]
    jargv = journal_argv(command, since=0)
    with open(recorded, "wb") as fh:
        subprocess.run(jargv, stdout=fh, check=True)
    stand_in = work / "journalctl"
    stand_in.write_text(f"#!/bin/sh\nexec cat {recorded}\n")
    stand_in.chmod(0o755)
    env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT / "src")}
    real_env = {**env, "SPAMTRACE_MAIL_JOURNALCTL_COMMAND": json.dumps(command)}
    cat_env = {**env, "SPAMTRACE_MAIL_JOURNALCTL_COMMAND": json.dumps([str(stand_in)])}
    names = ["file", "journal", "journalctl alone", "recorded JSON"]
    if args.before:
        names += ["file (before)", "journal (before)", "recorded JSON (before)"]
    rows: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in names}
    docs: dict[str, str] = {}
    old = {"PYTHONPATH": str(Path(args.before).resolve())} if args.before else {}
    for _ in range(args.runs):
        docs["file"] = timed(mail_argv(str(log)), env, *rows["file"])
        docs["journal"] = timed(mail_argv("journal"), real_env, *rows["journal"])
        timed(jargv, env, *rows["journalctl alone"])
        docs["recorded"] = timed(mail_argv("journal"), cat_env, *rows["recorded JSON"])
        if args.before:
            timed(mail_argv(str(log)), {**env, **old}, *rows["file (before)"])
            docs["before"] = timed(mail_argv("journal"), {**real_env, **old},
                                   *rows["journal (before)"])  # fmt: skip
            timed(mail_argv("journal"), {**cat_env, **old}, *rows["recorded JSON (before)"])
    print(f"Postfix, {len(lines):,} lines ({log.stat().st_size / 1e6:.0f} MB as a file), "
          f"median of {args.runs} runs:")  # fmt: skip
    base = statistics.median(rows["file"][1])
    for name, (walls, cpus) in rows.items():
        cpu = statistics.median(cpus)
        print(f"  {name:24s} wall {statistics.median(walls):6.2f} s  CPU {cpu:6.2f} s  "
              f"{len(lines) / cpu:>9,.0f} lines/CPU s  {cpu / base:4.1f}x the file's CPU")
    same = all(comparable(docs["file"]) == comparable(docs[k]) for k in docs)
    print(f"  reports (senders, totals, incidents) of the journal and the file: "
          f"{'the same' if same else 'DIFFER'}")  # fmt: skip
    if not args.keep:
        shutil.rmtree(work)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
