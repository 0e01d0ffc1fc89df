"""rsyslog's configuration read for the file a facility goes to: classic selector lines
(tests/unit/audit/test_mta.py) and RainerScript rules, each form on a sample as rsyslog's
documentation and the distributions write it."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamtrace.audit.rsyslog import facility_files, statements

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_rhels_rules_as_rainerscript_actions() -> None:
    """RHEL's and Fedora's rules as `action(type="omfile" file=...)`: the mail facility went
    to no file spamtrace knew (it asked for [mail] exim_logs), though /var/log/maillog was
    written; `*.info;mail.none` keeps it out of /var/log/messages."""
    text = (FIXTURES / "rsyslog-rainerscript.conf").read_text()
    assert facility_files([("/etc/rsyslog.conf", text)]) == [
        ("/var/log/maillog", "/etc/rsyslog.conf:32")
    ]
    assert facility_files([("/etc/rsyslog.conf", text)], "local7") == [
        ("/var/log/boot.log", "/etc/rsyslog.conf:44"),
        ("/var/log/messages", "/etc/rsyslog.conf:26"),
    ]
    assert facility_files([("/etc/rsyslog.conf", text)], "news") == [
        ("/var/log/messages", "/etc/rsyslog.conf:26")  # info is below crit: not the spooler
    ]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the forms of rsyslog's documentation: a filter, then one action, an action list or
        # a block; its first line is where it is said to be set
        ('if prifilt("mail.*") then {\n  action(type="omfile" file="/var/log/mail.log")\n'
         "  stop\n}\n", [("/var/log/mail.log", "c:1")]),
        ("if $syslogfacility-text == 'mail' then -/var/log/mail.log\n",
         [("/var/log/mail.log", "c:1")]),
        ('if ($syslogfacility-text == "mail") then action(type="omfile" file="/srv/mail.log")\n',
         [("/srv/mail.log", "c:1")]),
        ("if $syslogfacility == 2 then /var/log/fac2.log\n", [("/var/log/fac2.log", "c:1")]),
        ('mail.* {\n  action(type="omfile" file="/var/log/mail.log")\n  stop\n}\n',
         [("/var/log/mail.log", "c:1")]),
        ('mail.*\taction(type="omfile"\n\t\tfile="/var/log/exim.log"  # Exim\'s lines\n'
         '\t\ttemplate="RSYSLOG_FileFormat")\n', [("/var/log/exim.log", "c:1")]),
        ('mail.* action(type="omfile" file="/a.log") & action(type="omfile" file="/b.log")\n',
         [("/a.log", "c:1"), ("/b.log", "c:1")]),
        ("mail.*  /var/log/mail.log;RSYSLOG_TraditionalFileFormat\n",
         [("/var/log/mail.log", "c:1")]),
        # a catch-all comes after the facility's own filter, wherever it is written
        ('*.* action(type="omfile" file="/var/log/all.log")\n'
         'mail.* action(type="omfile" file="/var/log/mail.log")\n',
         [("/var/log/mail.log", "c:2"), ("/var/log/all.log", "c:1")]),
        # not where a local facility's lines go: another facility, a file named by a template,
        # a ruleset (bound to an input), another condition, several tests, an else, no file
        ('if prifilt("cron.*") then action(type="omfile" file="/var/log/cron.log")\n', []),
        ('mail.* action(type="omfile" dynaFile="PerHost")\n', []),
        ('ruleset(name="remote") {\n  mail.* action(type="omfile" file="/var/log/r.log")\n}\n',
         []),
        ("if $fromhost == 'host1' then {\n"
         '  mail.* action(type="omfile" file="/var/log/host1/mail.log")\n'
         "} else {\n"
         '  mail.* action(type="omfile" file="/var/log/mail.log")\n}\n', []),
        ("if $syslogfacility-text == 'mail' and $programname == 'exim' then /var/log/e.log\n",
         []),
        ('mail.* action(type="omfwd" target="10.0.0.5" port="514")\n', []),
        ('mail.none action(type="omfile" file="/var/log/no-mail.log")\n', []),
        ('# mail.* action(type="omfile" file="/var/log/commented.log")\n', []),
        ('mail.* action(type="omfile" file="relative.log")\n', []),
    ],
)
def test_rainerscript_rules(text: str, want: list[tuple[str, str]]) -> None:
    assert facility_files([("c", text)]) == want


def test_statements_span_lines_only_while_something_is_open() -> None:
    text = (
        'module(load="imuxsock" # a comment inside\n  SysSock.Use="off")\n'
        "mail.* \\\n  -/var/log/mail.log\n"
        '$template x,"a stray quote\n'
        "kern.* /var/log/kern.log # said\n"
    )
    assert [(n, " ".join(stmt.split())) for n, stmt in statements(text)] == [
        (1, 'module(load="imuxsock" SysSock.Use="off")'),
        (3, "mail.* -/var/log/mail.log"),
        (5, '$template x,"a stray quote'),
        (6, "kern.* /var/log/kern.log"),
    ]
