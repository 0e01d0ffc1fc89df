"""syslog-ng's configuration read for the file a facility (or a program) goes to: Debian's
default form, the forms of syslog-ng's documentation (named and inline objects, filter
expressions, log path flags), and configurations that cannot be read to their end."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamtrace.audit.syslogng import facility_files, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAIN = "/etc/syslog-ng/syslog-ng.conf"
EXIM = ("exim",)
#: a source of the local log socket and the mail facility's objects, for the short samples
HEAD = (
    "source s_src { system(); internal(); };\n"
    'destination d_mail { file("/var/log/mail.log"); };\n'
    "filter f_mail { facility(mail); };\n"
)


def debian() -> str:
    return (FIXTURES / "syslog-ng-debian.conf").read_text()


def test_debians_default_config() -> None:
    """The mail facility goes to /var/log/mail.log only: f_syslog3 and f_messages leave it
    out, f_error and f_debug take other levels; a local facility goes to the catch-alls."""
    assert facility_files([(MAIN, debian())]) == ([("/var/log/mail.log", f"{MAIN}:67")], [])
    assert facility_files([(MAIN, debian())], programs=EXIM)[0] == [
        ("/var/log/mail.log", f"{MAIN}:67")
    ]
    assert facility_files([(MAIN, debian())], "local3")[0] == [
        ("/var/log/syslog", f"{MAIN}:64"), ("/var/log/messages", f"{MAIN}:73"),
    ]  # fmt: skip
    assert facility_files([(MAIN, debian())], "mail", 3)[0] == [  # err: the error file too
        ("/var/log/mail.log", f"{MAIN}:67"), ("/var/log/error", f"{MAIN}:72"),
    ]  # fmt: skip


def test_a_drop_in_for_exims_program_name_comes_first() -> None:
    dropin = (
        'filter f_exim { program("^exim$"); };\n'
        'destination d_exim { file("/var/log/exim/main.log" perm(0640)); };\n'
        "log { source(s_src); filter(f_exim); destination(d_exim); flags(final); };\n"
    )
    configs = [(MAIN, debian()), ("/etc/syslog-ng/conf.d/exim.conf", dropin)]
    assert facility_files(configs, programs=EXIM)[0] == [
        ("/var/log/exim/main.log", "/etc/syslog-ng/conf.d/exim.conf:3"),
        ("/var/log/mail.log", f"{MAIN}:67"),
    ]
    assert facility_files(configs)[0] == [("/var/log/mail.log", f"{MAIN}:67")]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the documentation's log path, with named objects
        ("log { source(s_src); filter(f_mail); destination(d_mail); };\n", ["/var/log/mail.log"]),
        # inline objects, and a path nested in another
        ("log { source { system(); }; filter { facility(mail); };\n"
         '  destination { file("/srv/mail.log"); }; };\n', ["/srv/mail.log"]),
        ("log { source(s_src);\n  log { filter(f_mail); destination(d_mail); };\n};\n",
         ["/var/log/mail.log"]),
        # a path with no filter takes everything, after the facility's own
        ('destination d_all { file("/var/log/all.log"); };\n'
         "log { source(s_src); destination(d_all); };\n"
         "log { source(s_src); filter(f_mail); destination(d_mail); };\n",
         ["/var/log/mail.log", "/var/log/all.log"]),
        # flags(final) stops the paths after it, flags(fallback) only when none took it
        ('destination d_all { file("/var/log/all.log"); };\n'
         "log { source(s_src); filter(f_mail); destination(d_mail); flags(final); };\n"
         "log { source(s_src); destination(d_all); };\n", ["/var/log/mail.log"]),
        ('destination d_rest { file("/var/log/rest.log"); };\n'
         "log { source(s_src); destination(d_rest); flags(fallback); };\n"
         "log { source(s_src); filter { facility(cron); }; destination(d_mail); };\n",
         ["/var/log/rest.log"]),
        ('destination d_rest { file("/var/log/rest.log"); };\n'
         "log { source(s_src); destination(d_rest); flags(fallback); };\n"
         "log { source(s_src); filter(f_mail); destination(d_mail); };\n", ["/var/log/mail.log"]),
        # filter expressions: or, not, groups, levels, a filter naming a filter
        ("filter f { host('web1') or facility(mail); };\n"
         "log { source(s_src); filter(f); destination(d_mail); };\n", ["/var/log/mail.log"]),
        ("filter f { (facility(mail) or facility(news)) and level(info..emerg); };\n"
         "log { source(s_src); filter(f); destination(d_mail); };\n", ["/var/log/mail.log"]),
        ("filter f { facility(mail) and level(err..emerg); };\n"
         "log { source(s_src); filter(f); destination(d_mail); };\n", []),
        ("filter f { not not facility(2); };\n"
         "log { source(s_src); filter(f); destination(d_mail); };\n", ["/var/log/mail.log"]),
        ("filter g { filter(f_mail) and priority(info, notice); };\n"
         "log { source(s_src); filter(g); destination(d_mail); };\n", ["/var/log/mail.log"]),
        # the program's name: a regular expression, a string, a glob, match() on PROGRAM
        ("log { source(s_src); filter { program('postfix'); }; destination(d_mail); };\n", []),
        ("log { source(s_src); filter { program('^ex'); }; destination(d_mail); };\n",
         ["/var/log/mail.log"]),
        ('log { source(s_src); filter { program("ex" type(string) flags(prefix)); };\n'
         "  destination(d_mail); };\n", ["/var/log/mail.log"]),
        ('log { source(s_src); filter { program("ex" type(string)); }; destination(d_mail); };\n',
         []),
        ('log { source(s_src); filter { program("EX*" type(glob) flags(ignore-case)); };\n'
         "  destination(d_mail); };\n", ["/var/log/mail.log"]),
        ('log { source(s_src); filter { match("exim" value("PROGRAM")); };\n'
         "  destination(d_mail); };\n", ["/var/log/mail.log"]),
        ('log { source(s_src); filter { match("exim" value("MESSAGE")); };\n'
         "  destination(d_mail); };\n", []),
        # not read: another test, a file named by a macro, a source of the network only,
        # a filter or a source defined nowhere, an if block in the path
        ("filter f { host('web1') and facility(mail); };\n"
         "log { source(s_src); filter(f); destination(d_mail); };\n", []),
        ('destination d { file("/var/log/$HOST/mail.log"); };\n'
         "log { source(s_src); filter(f_mail); destination(d); };\n", []),
        ("source s_net { network(transport(udp) port(514)); };\n"
         "log { source(s_net); filter(f_mail); destination(d_mail); };\n", []),
        ("log { source(s_net); filter(f_mail); destination(d_mail); };\n", []),
        ("log { source(s_net); filter(f_mail); destination(d_mail); flags(catchall); };\n",
         ["/var/log/mail.log"]),
        ("log { source(s_src); filter(f_nowhere); destination(d_mail); };\n", []),
        ("log { source(s_src); if (facility(cron)) { destination(d_mail); };\n"
         '  destination { file("/var/log/after.log"); }; };\n', []),
        ("#log { source(s_src); filter(f_mail); destination(d_mail); };\n", []),
    ],
)
def test_documented_forms(text: str, want: list[str]) -> None:
    files, notes = facility_files([("c", HEAD + text)], programs=EXIM)
    assert [f for f, _ in files] == want and notes == []


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("log { source(s_src); filter(f_mail); destination(d_mail);\n",
         "c:4: a `{` is never closed (not read from there)"),
        ("};\nlog { source(s_src); filter(f_mail); destination(d_mail); };\n",
         "c:4: a `}` closes nothing (not read from there)"),
        ('destination d { file("/var/log/x.log); };\n',
         "c:4: a quote is never closed (not read from there)"),
        ("filter f { facility(mail; };\n", "c:4: a `(` of line 4 is never closed"),
        ("filter f { " + "(" * 5000 + "facility(mail)" + ")" * 5000 + "; };\n",
         "c:4: nested too deeply (not read from there)"),
        ("log { source(s_src) ) };\n", "c:4: a `)` closes nothing (not read from there)"),
    ],
)
def test_a_config_that_cannot_be_read_to_its_end_is_said_in_a_note(text: str, note: str) -> None:
    files, notes = facility_files([("c", HEAD + text)], programs=EXIM)
    assert files == [] and len(notes) == 1 and notes[0].startswith(note), notes


def test_what_comes_before_a_broken_part_is_read() -> None:
    text = HEAD + "log { source(s_src); filter(f_mail); destination(d_mail); };\nlog { (\n"
    files, notes = facility_files([("c", text)])
    assert files == [("/var/log/mail.log", "c:4")] and len(notes) == 1


@pytest.mark.parametrize(
    "text",
    ["", "{", "}", "(", ")", ";", "'", '"', "@include", "log", "log {", "log { source(",
     "filter f { not };", "filter f { and or not; };", "log { filter(); destination(); };",
     "log { log { log { }; }; };" * 3, "filter f { filter(f); };\nlog { filter(f); };",
     "filter a { filter(b); }; filter b { filter(a); };\n"
     "log { source { system(); }; filter(a); destination { file('/x'); }; };",
     "\x00\xff\ud800", "#" * 10000, "{" * 20000, "(" * 20000],
)
def test_never_raises(text: str) -> None:
    facility_files([("c", text)], programs=EXIM)
    parse(text)
