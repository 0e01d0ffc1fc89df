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


EXIM = ("exim",)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # property-based filters (rsyslog's "Filter Conditions": `:property, [!]op, "value"`,
        # then the action); programname is the tag's static part, `exim` of `exim[1234]:`
        (':programname, isequal, "exim" /var/log/exim.log\n& stop\n',
         [("/var/log/exim.log", "c:1")]),
        (':syslogtag, startswith, "exim" -/var/log/exim.log\n', [("/var/log/exim.log", "c:1")]),
        (':programname, contains_i, "EXI" /var/log/e.log\n', [("/var/log/e.log", "c:1")]),
        (':programname, isequal, "postfix" /var/log/postfix.log\n', []),
        (':programname, !isequal, "postfix" /var/log/not-postfix.log\n',
         [("/var/log/not-postfix.log", "c:1")]),
        (':syslogtag, isequal, "exim" /var/log/no-pid.log\n', []),  # the tag has [pid]:
        (':syslogtag, contains, "1" /var/log/pid-1.log\n', []),  # only for some pids: not read
        (':msg, contains, "exim" /var/log/says-exim.log\n', []),  # what a message says
        (':syslogfacility-text, isequal, "mail" /var/log/m.log\n', [("/var/log/m.log", "c:1")]),
        # RainerScript conditions on the program, arrays, and/or/not
        ("if $programname == 'exim' then -/var/log/exim.log\n", [("/var/log/exim.log", "c:1")]),
        ('if $programname == ["postfix", "exim"] then /var/log/mta.log\n',
         [("/var/log/mta.log", "c:1")]),
        ("if $syslogfacility-text == 'mail' and $programname == 'exim' then /var/log/e.log\n",
         [("/var/log/e.log", "c:1")]),
        ("if $programname startswith 'postfix' or $syslogtag startswith 'exim' then {\n"
         '  action(type="omfile" file="/var/log/mta.log")\n}\n', [("/var/log/mta.log", "c:1")]),
        ("if not ($programname == 'exim') then /var/log/others.log\n", []),
        ("if $fromhost-ip == '10.0.0.5' or $programname == 'exim' then /var/log/x.log\n",
         [("/var/log/x.log", "c:1")]),  # one side not read, the other takes it
        ("if $fromhost-ip == '10.0.0.5' and $programname == 'exim' then /var/log/x.log\n", []),
        # if ... then { } else { }: the else part when the condition does not take it
        ("if $programname == 'postfix' then {\n  action(type=\"omfile\" file=\"/var/log/pf.log\")\n"
         "} else {\n  mail.* action(type=\"omfile\" file=\"/var/log/mail.log\")\n  stop\n}\n",
         [("/var/log/mail.log", "c:1")]),
        ("if $programname == 'exim' then {\n  action(type=\"omfile\" file=\"/var/log/exim.log\")\n"
         "}\nelse {\n  action(type=\"omfile\" file=\"/var/log/other.log\")\n}\n",
         [("/var/log/exim.log", "c:1")]),
        ("if $programname == 'postfix' then /var/log/pf.log else /var/log/rest.log\n",
         [("/var/log/rest.log", "c:1")]),
        # a word "else" or a brace in a quoted file name splits or closes nothing
        ("if $programname == 'exim' then action(type=\"omfile\" file=\"/var/log/else.log\")"
         " else /var/log/rest.log\n", [("/var/log/else.log", "c:1")]),
        ("if $programname == 'exim' then {\n  action(type=\"omfile\" file=\"/var/log/a}.log\")\n"
         "} else {\n  /var/log/rest.log\n}\n", [("/var/log/a}.log", "c:1")]),
        ("if $programname == 'postfix' then /var/log/pf.log\n"
         "else if prifilt('mail.*') then /var/log/mail.log\n", [("/var/log/mail.log", "c:1")]),
        # a block's own filters: taken when both take it
        ("if prifilt('mail.*') then {\n  :programname, isequal, \"exim\" /var/log/exim.log\n"
         "  & stop\n  /var/log/mail.log\n}\n",
         [("/var/log/exim.log", "c:1"), ("/var/log/mail.log", "c:1")]),
        ("if prifilt('cron.*') then {\n  :programname, isequal, \"exim\" /var/log/exim.log\n}\n",
         []),
    ],
)
def test_program_names_and_else_blocks(text: str, want: list[tuple[str, str]]) -> None:
    assert facility_files([("c", text)], programs=EXIM) == want


def test_the_program_s_own_file_comes_before_the_facility_s() -> None:
    """Debian's rsyslog.conf with a drop-in that gives Exim a file of its own (read after the
    main file): Exim's lines are in /var/log/exim.log, named first, then the mail facility's
    file, then the catch-all; without the program's name the drop-in is not read."""
    debian = (FIXTURES / "rsyslog.conf").read_text()
    dropin = ':programname, startswith, "exim" -/var/log/exim.log\n& stop\n'
    configs = [("/etc/rsyslog.conf", debian), ("/etc/rsyslog.d/30-exim.conf", dropin)]
    assert facility_files(configs, programs=EXIM) == [
        ("/var/log/exim.log", "/etc/rsyslog.d/30-exim.conf:1"),
        ("/var/log/mail.log", "/etc/rsyslog.conf:63"),
        ("/var/log/syslog", "/etc/rsyslog.conf:55"),
    ]
    assert facility_files(configs) == [
        ("/var/log/mail.log", "/etc/rsyslog.conf:63"), ("/var/log/syslog", "/etc/rsyslog.conf:55"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        ":programname, isequal\n", ':programname, regex, "(" /var/log/x.log\n',
        "if ((((( then /x\n", "if $programname == then /x\n", "if then else\n",
        "if " + "(" * 5000 + "$programname == 'exim'" + ")" * 5000 + " then /x\n",
        "if not " * 3000 + "prifilt('mail.*') then /x\n",
        "if $programname == 'exim' then {\n /a\n} else\n", "} else {\n", ":,,\n",
        "if $programname == ['exim' then /x\n",
    ],
)
def test_malformed_rules_are_not_read_and_never_raise(text: str) -> None:
    facility_files([("c", text)], programs=EXIM)


def test_a_bracket_never_closed_is_said_in_a_note() -> None:
    """rsyslogd refuses such a file; spamtrace reads it as one statement to its end, and says
    so (mail and audit show the note) rather than a silent guess."""
    from spamtrace.audit.rsyslog import unread

    broken = 'mail.* -/var/log/mail.log\nif prifilt("mail.*") then {\n  /var/log/a.log\n'
    assert unread([("/etc/rsyslog.d/b.conf", broken), ("c", "mail.* /var/log/m.log\n")]) == [
        "/etc/rsyslog.d/b.conf:2: a bracket or a quote opened here is never closed: the rest "
        "of the file is read as one statement"
    ]
    assert unread([("c", 'mail.* action(type="omfile" file="/x"\n')]) != []
    assert unread([("c", "$template x,\"a stray quote\nmail.* /x\n")]) == []  # ends at the line
