"""Fuzz targets: one function per parser that reads what an attacker or a broken host shapes.

Each target takes arbitrary bytes and returns normally, or raises the parser's *documented*
rejection, which it swallows here; anything else escaping is a crash. The unit tests
(``test_fuzz_*.py``, hypothesis) and ``bench/fuzz_bench.py`` (a long random run) share them.
The mail-log parsers are fuzzed beside them (``tests/unit/mail/test_mail_fuzz.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from spamtrace import config
from spamtrace.audit import eximlog, mta, php, rsyslog, sshd, syslogng
from spamtrace.audit import firewall as audit_firewall
from spamtrace.errors import ConfigError
from spamtrace.model import TcpState, chroot_path, host_path, pool_chroot
from spamtrace.scanner import _lexer, decode, lexer
from spamtrace.sources import fpm_access, nflog, proc_connector, sockdiag, tracefs

PORTS = (25, 465, 587, 2525)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def tracefs_line(data: bytes) -> None:
    with contextlib.suppress(tracefs.MalformedTraceLine):
        tracefs.parse_trace_line(_text(data), ports=PORTS)


def sockdiag_messages(data: bytes) -> None:
    with contextlib.suppress(sockdiag.DumpDone, OSError):
        sockdiag.parse_messages(data, PORTS, frozenset(TcpState))


def nflog_messages(data: bytes) -> None:
    nflog.parse_messages(data, now=0.0)


def proc_connector_messages(data: bytes) -> None:
    """The datagram parser (a fast path for the usual datagram) says what the reference
    says, or refuses what it refuses."""
    ref: object = None
    fast: object = None
    with contextlib.suppress(proc_connector.MalformedProcMessage):
        ref = proc_connector.parse_proc_messages(data)
    with contextlib.suppress(proc_connector.MalformedProcMessage):
        fast = proc_connector.parse_proc_datagram(data)
    assert fast == ref, (fast, ref)


def config_file(data: bytes) -> None:
    """Bytes as a config file: parsed, then every layer merged and checked as at load."""
    with contextlib.suppress(ConfigError):
        table = config.parse_toml(data, "fuzz.toml")
        values = config._as_dict(config.Config())
        config._merge_layer(values, {}, table, "fuzz.toml")
        config._build(values, {})


def sshd_config(data: bytes) -> None:
    text = _text(data)
    main = "/etc/ssh/sshd_config"
    files = {main: text, "/etc/ssh/inc.conf": text[::-1]}
    parsed = sshd.parse_sshd_config(main, files.get, lambda pattern: ["/etc/ssh/inc.conf"])
    sshd.probe_clients(parsed)
    sshd.plan_edits(main, parsed, {p: v.encode("utf-8", "surrogateescape") for p, v in
                                   files.items()}, "T")  # fmt: skip
    sshd.parse_sshd_t(text)
    sshd.parse_sshd_error(text)


def php_ini(data: bytes) -> None:
    text = _text(data)
    php.parse_ini(text)
    php.parse_passwd(text)


def exim_config(data: bytes) -> None:
    """Exim's configuration, ``exim -bP`` output and rsyslog's and syslog-ng's configuration
    (where Exim's main log goes), and the chroot rule over a path read from a config."""
    text = _text(data)
    mta.parse_key_values(text)
    for section in mta.exim_sections(text).values():
        mta.exim_blocks(section)
    settings = eximlog.bp_settings(text)
    files = rsyslog.facility_files([("/etc/rsyslog.conf", text)], settings.get("x", "mail"))
    rsyslog.facility_files([("/etc/rsyslog.conf", text)], programs=("exim",))
    syslogng.facility_files([("/etc/syslog-ng/syslog-ng.conf", text)], programs=("exim",))
    eximlog.exim_main_logs(settings.get("log_file_path", text), files)
    root = pool_chroot(text, "p")
    inside = host_path(root, "/" + text)
    assert root == "" or chroot_path(root, inside) is not None, (root, inside)


def nft_json(data: bytes) -> None:
    with contextlib.suppress(audit_firewall.ParseError):
        audit_firewall.nft_restrictions(_text(data), PORTS)
    audit_firewall.nft_has_table(_text(data), "inet", "spamtrace")


def iptables_save(data: bytes) -> None:
    text = _text(data)
    audit_firewall.ipt_restrictions(text, ipv6=False)
    audit_firewall.parse_csf_conf(text)


def php_lexer(data: bytes) -> None:
    """The compiled lexer and its Python twin agree, and neither crashes."""
    lexer.lex(data)
    for pos in (0, 1, len(data) // 2):
        assert _lexer.tail(data, pos, 0) == lexer._tail_py(data, pos, 0), pos
    assert _lexer.names(data) == lexer._names_py(data)


def php_decoders(data: bytes) -> None:
    decode.peel(data, frozenset({"rot13", "strrev", "hex", "url"}))


_FPM_FORMATS = [
    fpm_access.compile_format(f)
    for f in ('%R - %u %t "%m %r" %s %p %{mili}d %f', "%p %{%s}t %{micro}d %f %T")
]


def fpm_access_log(data: bytes) -> None:
    """A php-fpm pool file (its access.log and access.format) and access log lines."""
    text = _text(data)
    for pool in fpm_access.pool_access_logs("/etc/php/8.2/fpm/pool.d/x.conf", text):
        if pool.format is not None:
            pool.format.parse(text, "x")
    with contextlib.suppress(fpm_access.FormatError):
        fpm_access.compile_format(text).parse(text, "x")
    for fmt in _FPM_FORMATS:
        for line in text.splitlines():
            fmt.parse(line, "x")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "tracefs-line": tracefs_line,
    "sockdiag": sockdiag_messages,
    "nflog": nflog_messages,
    "proc-connector": proc_connector_messages,
    "config": config_file,
    "sshd-config": sshd_config,
    "php-ini": php_ini,
    "exim-config": exim_config,
    "nft-json": nft_json,
    "iptables-save": iptables_save,
    "php-lexer": php_lexer,
    "php-decoders": php_decoders,
    "fpm-access-log": fpm_access_log,
}
