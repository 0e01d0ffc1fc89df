"""`spamtrace config check|show`: validate the layered config; print effective values."""

from __future__ import annotations

import argparse
from typing import Any

from spamtrace import config as config_mod
from spamtrace.errors import ConfigError, ExitCode
from spamtrace.render.output import dump_json, print_error
from spamtrace.safetext import escape, escape_message, quoted


def register(sub: Any) -> None:
    parser = sub.add_parser("config", help="validate or show the effective configuration")
    csub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = csub.add_parser(
        "check",
        help="validate all config layers, the YARA rules, and the programs and the firewall's "
        "users and groups the config names (exit 2 if invalid)",
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_check, on_config_error=_check_failed)
    show = csub.add_parser(
        "show",
        help="print every effective value as TOML, with where it came from in a comment",
    )
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=_show)


def _check(args: argparse.Namespace, cfg: config_mod.Config) -> int:
    # Loading already validated every layer (the DNSBL nameservers too, as `audit` reads
    # them); what it does not read is checked here: the admin's YARA rules must compile
    # (`scan` refuses them with exit 2 too)
    if cfg.scan.yara_rules:
        from spamtrace.scanner.user_rules import problem

        why = problem(cfg.scan.yara_rules)
        if why is not None:
            return _check_failed(args, ConfigError(why))
    # and the commands the responses run must exist (found at the first incident otherwise)
    from spamtrace.actions.suspend import command_problem

    r = cfg.responses
    for key, argv in (("suspend_command", r.suspend_command if r.suspend else []),
                      ("lock_mailbox_command", r.lock_mailbox_command)):  # fmt: skip
        if (why := command_problem(argv)) is not None:
            origin = cfg.sources.get(f"responses.{key}", "default")
            return _check_failed(args, ConfigError(f"{origin}: responses.{key}: {why}"))
    # and so must an e-mail alert's sendmail (found at the first alert otherwise)
    for i, channel in enumerate(cfg.alerts.email):
        sendmail = channel.get("sendmail")
        if isinstance(sendmail, str) and (why := command_problem([sendmail])) is not None:
            origin = cfg.sources.get("alerts.email", "config")
            return _check_failed(args, ConfigError(f"{origin}: alerts.email[{i}].sendmail: {why}"))
    # and a webhook's or relay's ca_file must load (each alert fails otherwise)
    from spamtrace.errors import AlertError
    from spamtrace.sinks.alerts.settings import tls_context

    for kind in ("webhook", "email"):
        for i, channel in enumerate(getattr(cfg.alerts, kind)):
            ca_file = channel.get("ca_file")
            if not isinstance(ca_file, str) or not ca_file:
                continue
            try:
                tls_context(ca_file)
            except AlertError as exc:
                origin = cfg.sources.get(f"alerts.{kind}", "config")
                why = exc.message.removeprefix("ca_file ")
                return _check_failed(
                    args, ConfigError(f"{origin}: alerts.{kind}[{i}].ca_file: {why}")
                )
    # and the firewall's users, groups and exceptions (`firewall apply` refuses them)
    from spamtrace.actions.firewall.host import config_problem

    if (refused := config_problem(cfg)) is not None:
        why = refused.message  # firewall.exceptions[0].user: ..., of the key firewall.exceptions
        where = cfg.sources.get(refused.key) if refused.key else None
        return _check_failed(args, ConfigError(f"{where}: {why}" if where else why, refused.key))
    # valid, but likely not what was meant: said under the verdict (a v6 destination
    # "fd57:d4::2:465" is the address ...:465, not port 465; a relay's or an exception's too,
    # and a DNSBL nameserver "fd57:d4::2:53")
    from spamtrace.audit.dnsbl import server_notes
    from spamtrace.policy.firewall_plan import destination_notes

    notes = destination_notes(cfg)
    notes += _yara_notes(cfg)
    notes += server_notes(cfg.audit.dnsbl_nameservers, "audit.dnsbl_nameservers")
    notes += _metrics_notes(cfg)
    notes += _mta_notes(cfg)
    notes += _socket_notes(cfg)
    notes += _syslog_notes(cfg)
    notes += _folder_notes(cfg)
    from spamtrace.service.mail import logs_not_files

    notes += logs_not_files(cfg)  # a [mail] log that is a folder, a FIFO, /dev/null
    # every file read, in order (one that sets no key too: the shipped example, all comments,
    # copied as the config), then what else set a value (the environment)
    files = config_mod.layer_files(args.config)
    setting = set(cfg.sources.values())
    layers = [*files, *sorted(setting - set(files))]
    if args.json:
        # an invalid config never gets here: main() calls _check_failed with the error
        dump_json(
            {"schema": "spamtrace.config-check/1", "valid": True, "layers": layers,
             "notes": notes}
        )  # fmt: skip
        return ExitCode.CLEAN
    shown = [escape(x) + ("" if x in setting else " (sets no key)") for x in layers]
    if not setting:
        tail = "every value is a built-in default"
        print(f"config ok: {', '.join(shown)}; {tail}" if shown else f"config ok: {tail}")
    else:
        print("config ok: " + ", ".join(shown))
    if notes:
        from spamtrace.render.layout import field
        from spamtrace.render.output import console

        con = console()  # on a terminal a note wraps under its text, not at the margin
        for note in notes:
            field(con, "note: ", escape_message(note), indent=0)
    return ExitCode.CLEAN


def _yara_notes(cfg: config_mod.Config) -> list[str]:
    """``[scan] yara_rules`` naming a folder with no rule file in it (they compiled)."""
    if not cfg.scan.yara_rules:
        return []
    from spamtrace.scanner.user_rules import load, none_note

    note = none_note(cfg.scan.yara_rules, load(cfg.scan.yara_rules))
    return [note] if note else []


def _metrics_notes(cfg: config_mod.Config) -> list[str]:
    """A metrics endpoint off loopback: allowed (written out on purpose), but said, since it
    serves the host's counts (attempts and incidents by verdict, capture and firewall state)
    without authentication to every network. No account or user name is in it (every label
    value comes from a closed list or the config: docs/fleet.md); the note said there was."""
    import ipaddress

    listen = config_mod.parse_listen(cfg.metrics.listen)
    if listen is None or listen[0] == "localhost" or ipaddress.ip_address(listen[0]).is_loopback:
        return []
    return [
        f"metrics.listen = {cfg.metrics.listen!r} serves the metrics (attempt and incident "
        "counts by verdict, capture and firewall state; no authentication) beyond this host: "
        "keep it on 127.0.0.1 (a scraper elsewhere reaches it through a tunnel or a proxy), "
        "or firewall the port"
    ]


def _mta_notes(cfg: config_mod.Config) -> list[str]:
    """An ``[mta] users`` name this host has no user of: valid (one config may serve
    servers with different MTAs), but it allows nothing in the firewall and marks no
    process as the MTA, so it is said (a typo otherwise shows only as a blocked MTA)."""
    from spamtrace.attribution.mta import detect_mta

    if not cfg.mta.users:
        return []
    found = detect_mta(cfg.mta).users
    return [
        f"mta.users[{i}] = {quoted(name)}: no such user on this host (the firewall allows it "
        "nothing)"
        for i, name in enumerate(cfg.mta.users)
        if name not in found
    ]


def _socket_notes(cfg: config_mod.Config) -> list[str]:
    """A ``[daemon] socket`` or ``[store] path`` in a folder that is not there: the daemon
    (and ``watch``, for the store) makes only the default folder (/run/spamtrace,
    /var/lib/spamtrace) and refuses to start on any other missing one; said now. The store's
    was not: "config ok", then the daemon's start failed with exit 3, which the unit restarts
    every 5 s."""
    import os

    from spamtrace.folders import file_in_the_way
    from spamtrace.service.control import default_folder
    from spamtrace.sinks.events import folder_not_made
    from spamtrace.sinks.store import DEFAULT_STORE_DIR

    notes = []
    for key, value, default, who, mode in (
        ("daemon.socket", cfg.daemon.socket, default_folder(), "the daemon makes", "0700"),
        ("store.path", cfg.store.path, DEFAULT_STORE_DIR, "watch and the daemon make", "0700"),
    ):
        folder = os.path.dirname(os.path.abspath(value))
        if os.path.isdir(folder) or os.path.normpath(folder) == default:
            continue
        if file_in_the_way(folder) is not None:  # a file there: said by _folder_notes
            continue
        notes.append(
            f"{key} = {value!r}: its folder does not exist; {who} only the default one "
            f"({default}) and will not start: create it (mode {mode})"
        )
    above = folder_not_made(cfg.events.path) if cfg.events.path else None
    if above is not None and file_in_the_way(above) is None:
        notes.append(
            f"events.path = {cfg.events.path!r}: folder {above!r} does not exist; the daemon "
            "makes only the event file's own folder and will not start: create it"
        )
    return notes


def _syslog_notes(cfg: config_mod.Config) -> list[str]:
    """A syslog socket the config sends to that is not there (no /dev/log: no journald or
    syslog daemon, or a typo): the daemon noted it at its start, each alert then failing,
    or stopped on it (the event stream's), while ``config check`` said "config ok"."""
    from spamtrace.sinks.alerts.settings import SyslogSpec, parse
    from spamtrace.sinks.alerts.syslog import socket_problem

    notes = []
    for spec in parse(cfg.alerts).channels:
        if isinstance(spec, SyslogSpec) and (why := socket_problem(spec.socket)) is not None:
            notes.append(
                f"alerts.syslog (channel {quoted(spec.name)}): {why}; its alerts fail until "
                "it is there"
            )
    if cfg.events.syslog and (why := socket_problem(cfg.events.syslog_socket)) is not None:
        notes.append(
            f"events.syslog_socket: {why}; the daemon will not start until it is there "
            "(watch runs without the syslog stream)"
        )
    return notes


def _folder_notes(cfg: config_mod.Config) -> list[str]:
    """A folder the config names (or the folder of a file it names) where a file is: every
    command using it stops with "not a folder" (the daemon at start, ``scan
    --quarantine`` before scanning); said now, while the config is being checked."""
    import os

    from spamtrace.folders import not_a_folder

    notes = []
    for key, value, folder, who in (
        ("daemon.socket", cfg.daemon.socket, os.path.dirname(cfg.daemon.socket),
         "the daemon will not start"),
        ("store.path", cfg.store.path, os.path.dirname(cfg.store.path),
         "watch and the daemon will not start"),
        ("responses.quarantine_dir", cfg.responses.quarantine_dir,
         cfg.responses.quarantine_dir, "quarantine and scan --quarantine refuse it"),
    ):  # fmt: skip
        if (problem := not_a_folder(folder)) is not None:
            notes.append(f"{key} = {value!r}: {problem}; {who}")
    from spamtrace.actions.quarantine import linked_folder

    if (linked := linked_folder(cfg.responses.quarantine_dir)) is not None:
        notes.append(f"responses.quarantine_dir: {linked}; quarantine and scan --quarantine "
                     "refuse it")  # fmt: skip
    return notes


def _check_failed(args: argparse.Namespace, exc: ConfigError) -> int:
    """An invalid config: the one-line error, and with --json the verdict on stdout too."""
    print_error(f"spamtrace: error: {escape_message(exc.message)}")
    if args.json:
        dump_json(
            {"schema": "spamtrace.config-check/1", "valid": False, "error": exc.message,
             "layers": []}
        )  # fmt: skip
    return ExitCode.USAGE


def _show(args: argparse.Namespace, cfg: config_mod.Config) -> int:
    rows = config_mod.effective_values(cfg)
    if args.json:
        dump_json(
            {
                "schema": "spamtrace.config/1",
                "values": {key: {"value": value, "source": src} for key, value, src in rows},
            }
        )
        return ExitCode.CLEAN
    # valid TOML (strings escaped, so it is terminal-safe too): it can be pasted into a file
    print(config_mod.render_toml(cfg), end="")
    return ExitCode.CLEAN
