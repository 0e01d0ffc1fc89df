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
        # a block's own filters: taken when both take it (and its stop ends the block)
        ("if prifilt('mail.*') then {\n  :programname, isequal, \"exim\" /var/log/exim.log\n"
         "  & stop\n  /var/log/mail.log\n}\n", [("/var/log/exim.log", "c:1")]),
        ("if prifilt('mail.*') then {\n  :programname, isequal, \"exim\" /var/log/exim.log\n"
         "  /var/log/mail.log\n}\n",
         [("/var/log/exim.log", "c:1"), ("/var/log/mail.log", "c:1")]),
        ("if prifilt('cron.*') then {\n  :programname, isequal, \"exim\" /var/log/exim.log\n}\n",
         []),
    ],
)
def test_program_names_and_else_blocks(text: str, want: list[tuple[str, str]]) -> None:
    assert facility_files([("c", text)], programs=EXIM) == want


def test_a_drop_in_that_stops_the_program_s_lines_keeps_them_out_of_later_rules() -> None:
    """Debian's rsyslog.conf includes /etc/rsyslog.d/*.conf before its rules: a drop-in that
    gives Exim a file of its own and stops its lines (`& stop`, the admin's usual recipe)
    keeps them out of /var/log/mail.log and /var/log/syslog, which were named too (the
    drop-in was read after the main file, and `stop` not at all). Without the program's name
    the drop-in is not read, and the facility's files are."""
    debian = (FIXTURES / "rsyslog.conf").read_text()
    dropin = ':programname, startswith, "exim" -/var/log/exim.log\n& stop\n'
    configs = [("/etc/rsyslog.conf", debian), ("/etc/rsyslog.d/30-exim.conf", dropin)]
    assert facility_files(configs, programs=EXIM) == [
        ("/var/log/exim.log", "/etc/rsyslog.d/30-exim.conf:1"),
    ]
    assert facility_files(configs) == [
        ("/var/log/mail.log", "/etc/rsyslog.conf:63"), ("/var/log/syslog", "/etc/rsyslog.conf:55"),
    ]  # fmt: skip
    # the same drop-in, legacy discard `& ~`
    legacy = [configs[0], ("/etc/rsyslog.d/30-exim.conf", dropin.replace("stop", "~"))]
    assert facility_files(legacy, programs=EXIM) == facility_files(configs, programs=EXIM)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # stop after a mail selector: the later rules do not get mail
        ("mail.* -/var/log/mail.log\n& stop\n*.* /var/log/all.log\n",
         [("/var/log/mail.log", "c:1")]),
        ("mail.* -/var/log/mail.log\n& ~\n*.* /var/log/all.log\n",
         [("/var/log/mail.log", "c:1")]),
        ("mail.* ~\n*.* /var/log/all.log\n", []),
        ('mail.* action(type="omfile" file="/var/log/mail.log") & stop\n*.* /var/log/all.log\n',
         [("/var/log/mail.log", "c:1")]),
        ("if prifilt('mail.*') then {\n  /var/log/mail.log\n  stop\n}\n*.* /var/log/all.log\n",
         [("/var/log/mail.log", "c:1")]),
        ("if $syslogfacility-text == 'mail' then stop\n*.* /var/log/all.log\n", []),
        ("mail.* {\n  /var/log/mail.log\n  stop\n}\n*.* /var/log/all.log\n",
         [("/var/log/mail.log", "c:1")]),
        # a stop in a nested rule of a block stops the block and what follows it
        ("if prifilt('*.*') then {\n  :programname, isequal, \"exim\" /var/log/exim.log\n"
         "  & stop\n  /var/log/in-block.log\n}\n*.* /var/log/all.log\n",
         [("/var/log/exim.log", "c:1")]),
        # a stop for another facility, program or an unread condition stops nothing here
        ("cron.* /var/log/cron.log\n& stop\nmail.* /var/log/mail.log\n",
         [("/var/log/mail.log", "c:3")]),
        (':programname, isequal, "postfix" /var/log/pf.log\n& stop\nmail.* /var/log/mail.log\n',
         [("/var/log/mail.log", "c:3")]),
        ("if $fromhost-ip != '127.0.0.1' then {\n  /var/log/remote.log\n  stop\n}\n"
         "mail.* /var/log/mail.log\n", [("/var/log/mail.log", "c:5")]),
        # the stop comes after the file that the rule writes first
        ("mail.* stop\n", []),
        ("*.* /var/log/all.log\nmail.* stop\nmail.* /var/log/mail.log\n",
         [("/var/log/all.log", "c:1")]),
    ],
)
def test_stop_keeps_the_message_from_later_rules(text: str, want: list[tuple[str, str]]) -> None:
    assert facility_files([("c", text)], programs=EXIM) == want


MAIN = "/etc/rsyslog.conf"
MAILRULE = "mail.* -/var/log/mail.log\n"
EXIMSTOP = ':programname, isequal, "exim" /var/log/exim.log\n& stop\n'


@pytest.mark.parametrize(
    ("main", "files", "want"),
    [
        # the files of an include are read at its place: before the rules after it...
        (f"$IncludeConfig /etc/rsyslog.d/*.conf\n{MAILRULE}",
         {"/etc/rsyslog.d/exim.conf": EXIMSTOP}, ["/var/log/exim.log"]),
        (f'include(file="/etc/rsyslog.d/*.conf" mode="optional")\n{MAILRULE}',
         {"/etc/rsyslog.d/exim.conf": EXIMSTOP}, ["/var/log/exim.log"]),
        # ... and after the rules before it
        (f'{MAILRULE}include(file="/etc/rsyslog.d/*.conf")\n',
         {"/etc/rsyslog.d/exim.conf": EXIMSTOP}, ["/var/log/exim.log", "/var/log/mail.log"]),
        # in the lexical order of their names
        ("$IncludeConfig /etc/rsyslog.d/*.conf\n",
         {"/etc/rsyslog.d/50-mail.conf": MAILRULE, "/etc/rsyslog.d/10-exim.conf": EXIMSTOP},
         ["/var/log/exim.log"]),
        ("$IncludeConfig /etc/rsyslog.d/*.conf\n",
         {"/etc/rsyslog.d/10-mail.conf": MAILRULE, "/etc/rsyslog.d/50-exim.conf": EXIMSTOP},
         ["/var/log/exim.log", "/var/log/mail.log"]),
        # a folder: every file in it but those starting with a dot; a glob: within its folder
        ("$IncludeConfig /etc/rsyslog.d/\n",
         {"/etc/rsyslog.d/mail": MAILRULE, "/etc/rsyslog.d/.old": EXIMSTOP},
         ["/var/log/mail.log"]),
        ("$IncludeConfig /etc/rsyslog.d/*.conf\n",
         {"/etc/rsyslog.d/a.conf.bak": EXIMSTOP, "/etc/rsyslog.d/x/b.conf": EXIMSTOP,
          "/etc/rsyslog.d/m.conf": MAILRULE}, ["/var/log/mail.log"]),
        # one file; includes in included files; a file that includes itself is read once
        ('include(file="/etc/rsyslog.d/mail.conf")\n',
         {"/etc/rsyslog.d/mail.conf": MAILRULE, "/etc/rsyslog.d/exim.conf": ""},
         ["/var/log/mail.log"]),
        ("$IncludeConfig /etc/rsyslog.d/a.conf\n",
         {"/etc/rsyslog.d/a.conf": "$IncludeConfig /etc/rsyslog.d/b.conf\n" + MAILRULE,
          "/etc/rsyslog.d/b.conf": EXIMSTOP}, ["/var/log/exim.log"]),
        ("$IncludeConfig /etc/rsyslog.d/*.conf\n",
         {"/etc/rsyslog.d/a.conf": "$IncludeConfig /etc/rsyslog.d/*.conf\n" + MAILRULE},
         ["/var/log/mail.log"]),
        # an include of text, or of nothing: no file read; a file no include names: after
        ('include(text="mail.* /var/log/t.log")\n$IncludeConfig\n' + MAILRULE, {},
         ["/var/log/mail.log"]),
        (MAILRULE, {"/etc/rsyslog.d/x.conf": "*.* /var/log/x.log\n"}, ["/var/log/mail.log"]),
    ],
)
def test_includes_are_read_at_their_place(
    main: str, files: dict[str, str], want: list[str]
) -> None:
    configs = [(MAIN, main), *files.items()]
    assert [f for f, _ in facility_files(configs, programs=EXIM)] == want


def test_an_included_file_names_its_own_line() -> None:
    configs = [(MAIN, f"$IncludeConfig /etc/rsyslog.d/*.conf\n{MAILRULE}"),
               ("/etc/rsyslog.d/exim.conf", "\n\n" + EXIMSTOP)]  # fmt: skip
    assert facility_files(configs, programs=EXIM) == [
        ("/var/log/exim.log", "/etc/rsyslog.d/exim.conf:3")
    ]


def test_includes_are_listed_for_the_reader() -> None:
    from spamtrace.audit.rsyslog import included, includes

    text = ('$IncludeConfig /etc/rsyslog.d/*.conf\ninclude(file="/etc/r/x.conf" '
            'mode="optional")\ninclude(text="x")\n# $IncludeConfig /no\n')  # fmt: skip
    assert includes(text) == ["/etc/rsyslog.d/*.conf", "/etc/r/x.conf"]
    paths = ["/etc/rsyslog.d/b.conf", "/etc/rsyslog.d/a.conf", "/etc/rsyslog.d/.a.conf"]
    assert included("/etc/rsyslog.d/*.conf", paths) == paths[1::-1]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # Postfix logs as postfix/smtpd[12]: rsyslog's programname stops at the slash
        ("if $programname == 'postfix' then /var/log/postfix.log\n", ["/var/log/postfix.log"]),
        ("if $programname == 'postfix/smtpd' then /var/log/smtpd.log\n", []),
        (':syslogtag, startswith, "postfix/" /var/log/pf.log\n', ["/var/log/pf.log"]),
        # ... unless the global option keeps it
        ('global(parser.permitSlashInProgramName="on")\n'
         "if $programname == 'postfix/smtpd' then /var/log/smtpd.log\n",
         ["/var/log/smtpd.log"]),
        ('global(parser.permitSlashInProgramName="on")\n'
         "if $programname == 'postfix' then /var/log/postfix.log\n", []),
    ],
)
def test_a_program_name_with_a_slash(text: str, want: list[str]) -> None:
    got = facility_files([("c", text)], programs=("postfix/smtpd",))
    assert [f for f, _ in got] == want


@pytest.mark.parametrize(
    "text",
    [
        ":programname, isequal\n", ':programname, regex, "(" /var/log/x.log\n',
        "if ((((( then /x\n", "if $programname == then /x\n", "if then else\n",
        "if " + "(" * 5000 + "$programname == 'exim'" + ")" * 5000 + " then /x\n",
        "if not " * 3000 + "prifilt('mail.*') then /x\n",
        "if $programname == 'exim' then {\n /a\n} else\n", "} else {\n", ":,,\n",
        "if $programname == ['exim' then /x\n",
        "$IncludeConfig\n", "include(\n", "include(file=)\n", 'include(file="")\n',
        "& stop\n", "&\n", "& ~\nmail.* /x\n", "$IncludeConfig c\n", "stop\n~\n",
        'include(file="*")\n', "$IncludeConfig /\n", "$IncludeConfig ../../*\n",
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


@pytest.mark.parametrize(
    ("main", "files", "notes"),
    [
        # a file named by an include that could not be read: rsyslogd reports it
        ("$IncludeConfig /etc/rsyslog.d/mail.conf\n", {},
         ["/etc/rsyslog.conf:1: /etc/rsyslog.d/mail.conf is included but could not be read"]),
        ('include(file="/etc/rsyslog.d/mail.conf")\n', {},
         ["/etc/rsyslog.conf:1: /etc/rsyslog.d/mail.conf is included but could not be read"]),
        # optional, or a glob or a folder that matches nothing: as rsyslog, no complaint
        ('include(file="/etc/rsyslog.d/mail.conf" mode="optional")\n', {}, []),
        ("$IncludeConfig /etc/rsyslog.d/*.conf\n$IncludeConfig /etc/rsyslog.d/\n", {}, []),
        ('include(text="mail.* /x")\n', {}, []),
        # no file at all; a file including itself
        ("$IncludeConfig\ninclude()\n", {},
         ["/etc/rsyslog.conf:1: an include that names no file",
          "/etc/rsyslog.conf:2: an include that names no file"]),
        ("$IncludeConfig /etc/rsyslog.d/*.conf\n",
         {"/etc/rsyslog.d/a.conf": "$IncludeConfig /etc/rsyslog.d/*.conf\n"},
         ["/etc/rsyslog.d/a.conf:1: /etc/rsyslog.d/a.conf includes itself (read once)"]),
    ],
)
def test_an_include_that_reads_no_file_is_said_in_a_note(
    main: str, files: dict[str, str], notes: list[str]
) -> None:
    from spamtrace.audit.rsyslog import unread

    assert unread([(MAIN, main), *files.items()]) == notes
