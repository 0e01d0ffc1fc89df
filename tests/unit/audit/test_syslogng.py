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
        ("log { source(s_src); if (host('web1')) { destination(d_mail); };\n"
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


#: a destination per branch of an if / elif / else block
BRANCHES = (
    'destination d_a { file("/var/log/a.log"); };\n'
    'destination d_b { file("/var/log/b.log"); };\n'
    'destination d_c { file("/var/log/c.log"); };\n'
    'destination d_after { file("/var/log/after.log"); };\n'
)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the documentation's explicit filter expression: the first branch that takes it
        ("log { source(s_src);\n  if (facility(mail)) { destination(d_a); }\n"
         "  else { destination(d_b); };\n};\n", ["/var/log/a.log"]),
        ("log { source(s_src);\n  if (facility(cron)) { destination(d_a); }\n"
         "  else { destination(d_b); };\n};\n", ["/var/log/b.log"]),
        ("log { source(s_src);\n  if (facility(cron)) { destination(d_a); }\n"
         "  elif (program('^exim')) { destination(d_b); }\n"
         "  else { destination(d_c); };\n};\n", ["/var/log/b.log"]),
        ("log { source(s_src);\n  if (facility(cron)) { destination(d_a); }\n"
         "  elif (level(err..emerg)) { destination(d_b); }\n"
         "  else { destination(d_c); };\n};\n", ["/var/log/c.log"]),
        # the message goes on after the block, whether a branch took it or none did
        ("log { source(s_src);\n  if (facility(mail)) { destination(d_a); };\n"
         "  destination(d_after);\n};\n", ["/var/log/a.log", "/var/log/after.log"]),
        ("log { source(s_src);\n  if (facility(cron)) { destination(d_a); };\n"
         "  destination(d_after);\n};\n", ["/var/log/after.log"]),
        # ... unless the branch it took filters it out
        ("log { source(s_src);\n  if (facility(mail)) { filter { level(err); }; };\n"
         "  destination(d_after);\n};\n", []),
        # the condition embedded in the block: its filters, the else when they refuse it
        ("log { source(s_src);\n  if { filter(f_mail); destination(d_a); }\n"
         "  else { destination(d_b); };\n};\n", ["/var/log/a.log"]),
        ("log { source(s_src);\n  if { filter { facility(cron); }; destination(d_a); }\n"
         "  elif { filter { program('exim'); }; destination(d_b); }\n"
         "  else { destination(d_c); };\n};\n", ["/var/log/b.log"]),
        # a condition by the facility under a filter on the program: how near it comes
        ("log { source(s_src); filter { program('exim'); };\n"
         "  if (facility(mail)) { destination(d_a); };\n};\n", ["/var/log/a.log"]),
        # a filter before the block that refuses the message: no branch
        ("log { source(s_src); filter { facility(cron); };\n"
         "  if (facility(mail)) { destination(d_a); } else { destination(d_b); };\n};\n", []),
        # a condition not read (the host, the message): neither its branch nor the later ones
        ("log { source(s_src);\n  if (host('web1')) { destination(d_a); }\n"
         "  else { destination(d_b); };\n  destination(d_after);\n};\n", []),
        ("log { source(s_src);\n  if (facility(cron)) { destination(d_a); }\n"
         "  elif (message('x')) { destination(d_b); }\n"
         "  else { destination(d_c); };\n};\n", []),
        # nested blocks, and a named filter in the condition
        ("log { source(s_src);\n  if (filter(f_mail)) {\n"
         "    if (program('^postfix')) { destination(d_a); } else { destination(d_b); };\n"
         "  };\n};\n", ["/var/log/b.log"]),
        # an if block in a flags(final) path: the paths after it are not read
        ("log { source(s_src); if (facility(mail)) { destination(d_a); }; flags(final); };\n"
         "log { source(s_src); destination(d_after); };\n", ["/var/log/a.log"]),
    ],
)
def test_if_elif_else_blocks_in_a_log_path(text: str, want: list[str]) -> None:
    files, notes = facility_files([("c", HEAD + BRANCHES + text)], programs=EXIM)
    assert [f for f, _ in files] == want and notes == []


def test_a_branch_found_by_the_program_comes_first() -> None:
    text = (
        HEAD + BRANCHES + "log { source(s_src); filter(f_mail); destination(d_c); };\n"
        "log { source(s_src);\n  if (program('^exim$')) { destination(d_a); };\n};\n"
    )
    files, _ = facility_files([("c", text)], programs=EXIM)
    assert files == [("/var/log/a.log", "c:9"), ("/var/log/c.log", "c:8")]


@pytest.mark.parametrize(
    "text",
    ["log { if; };", "log { if (facility(mail)); };", "log { else { }; };",
     "log { elif (facility(mail)) { }; };", "log { if (facility(mail)) { } else; };",
     "log { if { } elif else { }; };", "log { if () { destination(d_mail); }; };",
     "log { source(s_src); " + "if (facility(mail)) { " * 70 + "};" * 70 + " };"],
)
def test_broken_if_blocks_never_raise(text: str) -> None:
    files, notes = facility_files([("c", HEAD + text)], programs=EXIM)
    assert files == []
    if "if ()" not in text and text.count("if") < 2:  # syslog-ng refuses these: said
        assert notes == [
            "c:4: an if / elif / else block of this log path cannot be read (its branches and "
            "what follows it are not read)"
        ]


def test_what_follows_a_broken_if_block_is_not_read() -> None:
    text = HEAD + "log { source(s_src); if (facility(mail)); destination(d_mail); };\n"
    files, notes = facility_files([("c", text)], programs=EXIM)
    assert files == [] and len(notes) == 1


# --------------------------------------------------------------------------- @include
DROPIN = "/etc/syslog-ng/conf.d/10-postfix.conf"
POSTFIX_FINAL = (
    "log { source(s_src); filter { program('^postfix/'); };\n"
    '  destination { file("/var/log/postfix.log"); }; flags(final); };\n'
)
CATCH_ALL = 'log { source(s_src); destination { file("/var/log/all.log"); }; };\n'


def test_an_include_is_read_at_its_place() -> None:
    """A drop-in's flags(final) stops the paths after its include, not those before: the
    conf.d files were read after the whole main file."""
    before = HEAD + '@include "/etc/syslog-ng/conf.d"\n' + CATCH_ALL
    configs = [(MAIN, before), (DROPIN, POSTFIX_FINAL)]
    assert facility_files(configs, programs=["postfix/smtpd"]) == (
        [("/var/log/postfix.log", f"{DROPIN}:1")], []
    )
    after = HEAD + CATCH_ALL + '@include "conf.d/*.conf"\n'  # relative: /etc/syslog-ng
    configs = [(MAIN, after), (DROPIN, POSTFIX_FINAL)]
    files, notes = facility_files(configs, programs=["postfix/smtpd"])
    assert [f for f, _ in files] == ["/var/log/postfix.log", "/var/log/all.log"] and notes == []
    # a file no include names is not read, as syslog-ng does not read it
    files, _ = facility_files([(MAIN, HEAD + CATCH_ALL), (DROPIN, POSTFIX_FINAL)],
                              programs=["postfix/smtpd"])  # fmt: skip
    assert [f for f, _ in files] == ["/var/log/all.log"]


def test_which_files_an_include_reads_and_in_which_order() -> None:
    from spamtrace.audit.syslogng import included

    names = ("a.conf", "B.conf", ".hidden.conf", "x.conf~", "y conf", "z@q", "10-x.conf")
    paths = [f"/etc/syslog-ng/conf.d/{n}" for n in names]
    paths.append("/etc/syslog-ng/conf.d/sub/inner.conf")
    want = ["10-x.conf", "B.conf", "a.conf"]
    for folder in ("/etc/syslog-ng/conf.d", "/etc/syslog-ng/conf.d/"):
        assert included(folder, paths) == [f"/etc/syslog-ng/conf.d/{n}" for n in want]
    assert included("/etc/syslog-ng/conf.d/*.conf", paths) == [
        f"/etc/syslog-ng/conf.d/{n}" for n in ("10-x.conf", "B.conf", "a.conf")
    ]
    assert included("/etc/syslog-ng/conf.d/a.conf", paths) == ["/etc/syslog-ng/conf.d/a.conf"]
    assert included("/etc/syslog-ng/conf.d/none.conf", paths) == []


def test_includes_that_cannot_be_read_are_said() -> None:
    from spamtrace.audit.syslogng import includes

    main = (HEAD + '@include "scl.conf"\n@include "/etc/syslog-ng/missing.conf"\n'
            '@include "/etc/syslog-ng/conf.d/*.conf"\n@include\n' + CATCH_ALL)  # fmt: skip
    assert includes(main) == [
        "/etc/syslog-ng/scl.conf", "/etc/syslog-ng/missing.conf",
        "/etc/syslog-ng/conf.d/*.conf",
    ]  # fmt: skip
    loop = '@include "/etc/syslog-ng/conf.d/10-postfix.conf"\n' + POSTFIX_FINAL
    files, notes = facility_files([(MAIN, main), (DROPIN, loop)], programs=["postfix/qmgr"])
    assert [f for f, _ in files] == ["/var/log/postfix.log"]
    assert notes == [
        f"{MAIN}:5: /etc/syslog-ng/missing.conf is included but could not be read",
        f"{DROPIN}:1: {DROPIN} includes itself (read once)",
        f"{MAIN}:7: an @include that names no file",
    ]


def test_an_include_inside_a_statement_and_a_broken_included_file() -> None:
    """syslog-ng's lexer reads an include wherever it stands (inside a log path too); a
    file that breaks the syntax is said with its own name and line."""
    main = (HEAD + "log { source(s_src);\n"
            '@include "/etc/syslog-ng/conf.d/dest.inc"\n};\n')  # fmt: skip
    dest = '  destination { file("/var/log/inc.log"); };\n'
    files, notes = facility_files([(MAIN, main), ("/etc/syslog-ng/conf.d/dest.inc", dest)])
    assert files == [("/var/log/inc.log", f"{MAIN}:4")] and notes == []
    broken = HEAD + '@include "/etc/syslog-ng/conf.d/b.conf"\n' + CATCH_ALL
    configs = [(MAIN, broken), ("/etc/syslog-ng/conf.d/b.conf", "log { (\n")]
    files, notes = facility_files(configs)
    assert files == []
    assert notes == ["/etc/syslog-ng/conf.d/b.conf:1: a `(` is never closed (not read "
                     "from there)"]  # fmt: skip
