"""spamtrace's reading of the syslog daemons' rules against the real daemons on the same
configuration: rsyslog's includes at their place in lexical order, ``stop`` and ``& ~``,
``$programname`` of ``postfix/smtpd[12]:`` with and without
``parser.permitSlashInProgramName``; syslog-ng's ``if`` / ``elif`` / ``else`` blocks (a filter
expression or the branch's own filters) and ``flags(final)``.

Each case is a configuration tree of the test's own; rsyslogd runs in the foreground on it,
with its own socket (``SysSock.Use="off"``: the host's ``/dev/log`` and syslog are never
touched), gets one mail-facility line from each program, and is stopped; the files each
program's line reached must be those :func:`spamtrace.audit.rsyslog.facility_files` names.
rsyslogd is the one on PATH (the ``rsyslog`` package), or the argv in
``TEST_RSYSLOGD`` (not ``SPAMTRACE_...``: the CLI these tests' neighbours run would take it
for a config key); syslog-ng likewise (``TEST_SYSLOG_NG``;
``scripts/test.sh`` unpacks both from their packages and sets these); without one, its tests
are skipped, saying so. syslog-ng, like rsyslog, runs on a socket of the test's own.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from spamtrace.audit import rsyslog

PROGRAMS = ("postfix/smtpd", "postfix/pickup", "exim", "dovecot")


def _rsyslogd() -> list[str]:
    given = os.environ.get("TEST_RSYSLOGD", "")
    if given:
        return shlex.split(given)
    found = shutil.which("rsyslogd", path=os.environ.get("PATH", "") + ":/usr/sbin")
    if found is None:
        pytest.skip("no rsyslogd (install rsyslog, or set TEST_RSYSLOGD)")
    return [found]


CASES = {
    # Debian's shape: the drop-ins included before the rules; each stops its program's lines
    "debian-dropins": (
        '$IncludeConfig {d}/rsyslog.d/*.conf\nmail.* {d}/out/mail.log\n*.* {d}/out/all.log\n',
        {
            "rsyslog.d/20-exim.conf": 'if $programname == "exim" then {{\n'
            '  action(type="omfile" file="{d}/out/exim.log")\n  stop\n}}\n',
            "rsyslog.d/10-postfix.conf": ':programname, isequal, "postfix" {d}/out/postfix.log\n'
            "& stop\n",
            "rsyslog.d/ignored.txt": "*.* {d}/out/never.log\n",
        },
    ),
    # the include after the facility's rule, the legacy discard, slashes kept
    "include-after": (
        'global(parser.permitSlashInProgramName="on")\nmail.* {d}/out/mail.log\n'
        'include(file="{d}/rsyslog.d/" mode="optional")\n*.* {d}/out/all.log\n',
        {
            "rsyslog.d/b": ':programname, isequal, "postfix" {d}/out/postfix.log\n',
            "rsyslog.d/a": ':programname, isequal, "postfix/smtpd" {d}/out/smtpd.log\n& ~\n',
            "rsyslog.d/.hidden": "*.* {d}/out/never.log\n",
        },
    ),
    # a stop for the whole facility, and a block whose nested rule stops
    "facility-stop": (
        "if prifilt('mail.*') then {{\n  :syslogtag, startswith, \"postfix/\" {d}/out/pf.log\n"
        "  & stop\n  {d}/out/mail.log\n}}\nmail.* stop\n*.* {d}/out/all.log\n",
        {},
    ),
}


def _run(argv: list[str], d: Path) -> dict[str, set[str]]:
    """The files of ``d/out`` each program's line reached under a real rsyslogd."""
    sock = d / "log.sock"
    head = (
        'module(load="imuxsock" SysSock.Use="off")\n'
        f'input(type="imuxsock" Socket="{sock}")\n'
    )
    conf = d / "rsyslog.conf"
    conf.write_text(head + conf.read_text())
    proc = subprocess.Popen(
        [*argv, "-n", "-f", str(conf), "-i", str(d / "pid")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return _sent_and_stopped(proc, sock, d)


@pytest.mark.parametrize("case", sorted(CASES))
def test_facility_files_agree_with_a_real_rsyslogd(case: str, tmp_path: Path) -> None:
    argv = _rsyslogd()
    d = tmp_path / case
    (d / "out").mkdir(parents=True)
    main, more = CASES[case]
    (d / "rsyslog.conf").write_text(main.format(d=d))
    for name, text in more.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text.format(d=d))
    configs = [(str(d / "rsyslog.conf"), (d / "rsyslog.conf").read_text())]
    for path in sorted((d / "rsyslog.d").glob("*")) if (d / "rsyslog.d").exists() else []:
        configs.append((str(path), path.read_text()))
    ours = {
        p: {Path(f).name for f, _ in rsyslog.facility_files(configs, programs=[p])}
        for p in PROGRAMS
    }
    assert _run(argv, d) == ours


# --------------------------------------------------------------------------- syslog-ng
def _syslog_ng() -> list[str]:
    given = os.environ.get("TEST_SYSLOG_NG", "")
    if given:
        return shlex.split(given)
    found = shutil.which("syslog-ng", path=os.environ.get("PATH", "") + ":/usr/sbin")
    if found is None:
        pytest.skip("no syslog-ng (install syslog-ng-core, or set TEST_SYSLOG_NG)")
    return [found]


NG_HEAD = (
    "@version: 3.38\n"
    'source s_src {{ unix-dgram("{d}/log.sock"); }};\n'
    'destination d_a {{ file("{d}/out/a.log"); }};\n'
    'destination d_b {{ file("{d}/out/b.log"); }};\n'
    'destination d_c {{ file("{d}/out/c.log"); }};\n'
    'destination d_after {{ file("{d}/out/after.log"); }};\n'
)
NG_CASES = {
    # the first branch whose condition takes the line; every line goes on after the block
    "if-elif-else": (
        "log {{ source(s_src);\n"
        '  if (program("^postfix/")) {{ destination(d_a); }}\n'
        '  elif (program("exim")) {{ destination(d_b); }}\n'
        "  else {{ destination(d_c); }};\n"
        "  destination(d_after);\n}};\n"
    ),
    # the condition embedded in the branch's block; a branch that filters the line out
    "embedded": (
        "log {{ source(s_src);\n"
        '  if {{ filter {{ program("exim"); }}; destination(d_a); }}\n'
        "  elif {{ filter {{ facility(mail) and level(err..emerg); }}; destination(d_b); }}\n"
        "  else {{ destination(d_c); }};\n"
        '  if (program("dovecot")) {{ filter {{ level(err); }}; }};\n'
        "  destination(d_after);\n}};\n"
    ),
    # an if block in a final path, then a path that gets only what the first did not
    "final": (
        "log {{ source(s_src); filter {{ program('^postfix/') or program('exim'); }};\n"
        '  if (program("exim")) {{ destination(d_a); }} else {{ destination(d_b); }};\n'
        "  flags(final); }};\n"
        "log {{ source(s_src); destination(d_c); }};\n"
    ),
}


def _run_ng(argv: list[str], d: Path) -> dict[str, set[str]]:
    sock = d / "log.sock"
    proc = subprocess.Popen(
        [*argv, "-F", "-f", str(d / "syslog-ng.conf"), f"--persist-file={d}/persist",
         f"--pidfile={d}/pid", f"--control={d}/ctl"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return _sent_and_stopped(proc, sock, d)


def _sent_and_stopped(proc: subprocess.Popen[bytes], sock: Path, d: Path) -> dict[str, set[str]]:
    """One mail-facility line from each program to ``sock``; the files of ``d/out`` each
    reached once the daemon wrote them; the daemon stopped."""
    try:
        for _ in range(100):
            if sock.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert sock.exists(), f"the daemon did not open its socket: {proc.stdout}"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            for n, program in enumerate(PROGRAMS):
                s.sendto(f"<22>Dec  6 10:00:00 {program}[{n + 10}]: from {program}".encode(),
                         str(sock))  # fmt: skip
        time.sleep(1.5)  # file writes are flushed at once; a margin for a loaded machine
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    got: dict[str, set[str]] = {p: set() for p in PROGRAMS}
    for f in (d / "out").iterdir():
        for line in f.read_text().splitlines():
            program = line.rsplit("from ", 1)[-1]
            if program in got:
                got[program].add(f.name)
    return got


@pytest.mark.parametrize("case", sorted(NG_CASES))
def test_syslog_ng_paths_agree_with_a_real_syslog_ng(case: str, tmp_path: Path) -> None:
    from spamtrace.audit import syslogng

    argv = _syslog_ng()
    d = tmp_path / case
    (d / "out").mkdir(parents=True)
    text = (NG_HEAD + NG_CASES[case]).format(d=d)
    (d / "syslog-ng.conf").write_text(text)
    ours = {}
    for p in PROGRAMS:
        files, notes = syslogng.facility_files([(str(d / "syslog-ng.conf"), text)], programs=[p])
        assert notes == []
        ours[p] = {Path(f).name for f, _ in files}
    assert _run_ng(argv, d) == ours


# --------------------------------------------------------------------------- syslog-ng includes
#: the tree of each case (``{d}``: its folder): syslog-ng.conf, then the files it may include;
#: a file whose name syslog-ng skips (a dot, a ``~``) writes to never.log
NG_INCLUDE_CASES = {
    # Debian's shape: the drop-ins before the catch-all; one stops Postfix's lines (final)
    "before-final": {
        "syslog-ng.conf": '@include "{d}/conf.d"\nlog {{ source(s_src); destination(d_c); }};\n',
        "conf.d/10-postfix.conf": "log {{ source(s_src); filter {{ program('^postfix/'); }};\n"
        "  destination(d_a); flags(final); }};\n",
        "conf.d/.old.conf": "log {{ source(s_src); destination(d_never); }};\n",
        "conf.d/20-x.conf~": "log {{ source(s_src); destination(d_never); }};\n",
    },
    # the include at the end: the catch-all before it took every line already
    "after-final": {
        "syslog-ng.conf": 'log {{ source(s_src); destination(d_c); }};\n@include "{d}/conf.d/"\n',
        "conf.d/10-postfix.conf": "log {{ source(s_src); filter {{ program('^postfix/'); }};\n"
        "  destination(d_a); flags(final); }};\n"
        "log {{ source(s_src); destination(d_b); }};\n",
    },
    # a glob, in byte order (B before a: Exim's lines stop in b.log); an include of an
    # include, and the main file's paths after them
    "glob-order": {
        "syslog-ng.conf": '@include "{d}/conf.d/*.conf"\n'
        "log {{ source(s_src); filter {{ program('dovecot'); }}; destination(d_c); }};\n",
        "conf.d/a.conf": "log {{ source(s_src); filter {{ program('exim'); }}; destination(d_a);"
        " flags(final); }};\n",
        "conf.d/B.conf": "log {{ source(s_src); filter {{ program('exim'); }}; destination(d_b);"
        ' flags(final); }};\n@include "{d}/more/postfix.inc"\n',
        "conf.d/c.txt": "log {{ source(s_src); destination(d_never); }};\n",
        "more/postfix.inc": "log {{ source(s_src); filter {{ program('^postfix/'); }};\n"
        "  destination(d_after); flags(final); }};\n",
    },
}


@pytest.mark.parametrize("case", sorted(NG_INCLUDE_CASES))
def test_syslog_ng_includes_agree_with_a_real_syslog_ng(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``@include`` is read at its place (a file, a glob, a folder; in syslog-ng's order,
    skipping the names it skips), so a ``flags(final)`` stops what it stops there: the conf.d
    files were read after the whole main file, wherever it included them. The files are
    found by the adapter (:func:`spamtrace.audit.eximhost.syslogng_configs`) from the main
    file, as on a host."""
    from spamtrace.audit import syslogng
    from spamtrace.audit.eximhost import syslogng_configs
    from spamtrace.audit.files import RootFiles

    argv = _syslog_ng()
    d = tmp_path / case
    (d / "out").mkdir(parents=True)
    head = NG_HEAD + 'destination d_never {{ file("{d}/out/never.log"); }};\n'
    for name, text in NG_INCLUDE_CASES[case].items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        body = (head + text) if name == "syslog-ng.conf" else text
        (d / name).write_text(body.format(d=d))
    monkeypatch.setattr(syslogng, "MAIN", str(d / "syslog-ng.conf"))
    configs = syslogng_configs(RootFiles("/"))
    ours = {}
    for p in PROGRAMS:
        files, notes = syslogng.facility_files(configs, programs=[p])
        assert notes == []
        ours[p] = {Path(f).name for f, _ in files}
    theirs = _run_ng(argv, d)
    assert theirs == ours
    assert all("never.log" not in files for files in theirs.values())
