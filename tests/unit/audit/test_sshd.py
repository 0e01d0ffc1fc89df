"""sshd.* judged on captured `sshd -T` output and sshd_config files with Include and Match."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from spamtrace.audit import sshd
from spamtrace.audit.finding import Status
from spamtrace.config import Config

CFG = Config()
MAIN = "/etc/ssh/sshd_config"


def _parsed(fixtures: Path) -> sshd.ParsedSshdConfig:
    root = fixtures / "sshd"
    files = {
        MAIN: (root / "sshd_config").read_text(),
        "/etc/ssh/sshd_config.d/10-hosting.conf": (
            root / "sshd_config.d" / "10-hosting.conf"
        ).read_text(),
    }
    return sshd.parse_sshd_config(
        MAIN,
        files.get,
        lambda pat: sorted(p for p in files if p.startswith(pat.split("*")[0])),
    )


def _snap(fixtures: Path, **kw: object) -> sshd.SshdSnapshot:
    base = dict(
        binary="/usr/sbin/sshd",
        config_path=MAIN,
        config_exists=True,
        command="$ /usr/sbin/sshd -T",
        values=sshd.parse_sshd_t((fixtures / "sshd_T_global.txt").read_text()),
        error="",
        error_location=None,
        parsed=_parsed(fixtures),
        users=(),
        per_user=(),
        per_user_note="note",
    )
    base.update(kw)
    return sshd.SshdSnapshot(**base)  # type: ignore[arg-type]


def _by_id(findings: list, fid: str):  # type: ignore[no-untyped-def]
    return next(f for f in findings if f.id == fid)


ALICE = sshd.HostingUser("alice", 1001, "/bin/bash")
DEV = sshd.HostingUser("dev", 1002, "/bin/bash")
LEGACY = sshd.HostingUser("legacy", 1003, "/usr/sbin/nologin")


def test_parse_sshd_t_reads_keywords(fixtures: Path) -> None:
    values = sshd.parse_sshd_t((fixtures / "sshd_T_legacy.txt").read_text())
    assert values["allowtcpforwarding"] == "local"
    assert values["permitopen"] == "127.0.0.1:3306 db.internal:5432"
    assert values["gatewayports"] == "no"


def test_config_parser_follows_include_and_tracks_match(fixtures: Path) -> None:
    parsed = _parsed(fixtures)
    atf = parsed.all_of("allowtcpforwarding")
    # the include comes first, so its Match block is listed first, then the global, then Match
    assert [(d.path.rsplit("/", 1)[1], d.line, d.value, d.match) for d in atf] == [
        ("10-hosting.conf", 4, "local", "User legacy"),
        ("sshd_config", 5, "no", None),
        ("sshd_config", 10, "yes", "Group developers"),
    ]
    # the Match in the included file ends at its end: Port is global again
    port = parsed.first_global("port")
    assert port is not None and port.match is None
    assert parsed.has_match
    assert parsed.problems == ()


def test_a_file_read_twice_is_named_once() -> None:
    """An Include loop listed the file 17 times in "set nowhere in F, F, F, ...": sshd
    refuses such a config, and the evidence names each file once."""
    files = {MAIN: "Include /etc/ssh/sshd_config\nPort 22\n"}
    parsed = sshd.parse_sshd_config(MAIN, files.get, lambda pat: [])
    assert parsed.files == (MAIN,)
    assert parsed.problems == (f"Include loop: {MAIN} -> {MAIN} (sshd refuses such a config)",)


def test_an_include_loop_through_a_folder_gives_each_line_once() -> None:
    """`Include /etc/ssh/sshd_config.d/*.conf`, and a file there that includes the main
    config again: the loop was followed to the depth limit, so `audit` listed each line 9
    times as evidence ("sshd_config:5: AllowTcpForwarding yes" nine times in the fix too) and
    a missing file's "cannot read" 8 times. The loop is now said once, with its path."""
    dropin = "/etc/ssh/sshd_config.d/loop.conf"
    files = {
        MAIN: "Include /etc/ssh/sshd_config.d/*.conf\nAllowTcpForwarding no\n"
        "Match User st*\n  AllowTcpForwarding yes\n",
        dropin: f"Include {MAIN}\n",
        "/etc/ssh/sshd_config.d/miss.conf": "Include /etc/ssh/missing.conf\n",
    }
    parsed = sshd.parse_sshd_config(
        MAIN, files.get, lambda pat: sorted(p for p in files if p.startswith(pat[:-6]))
    )
    lines = [(d.path, d.line) for d in parsed.all_of("allowtcpforwarding")]
    assert lines == [(MAIN, 2), (MAIN, 4)]
    assert parsed.files == (MAIN, dropin, "/etc/ssh/sshd_config.d/miss.conf")
    assert parsed.problems == (
        f"Include loop: {MAIN} -> {dropin} -> {MAIN} (sshd refuses such a config)",
        "/etc/ssh/missing.conf: cannot read",
    )


def test_include_missing_file_is_a_problem() -> None:
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: "Include /etc/ssh/extra.conf\n"}.get, lambda p: [])
    assert parsed.problems and "extra.conf: cannot read" in parsed.problems[0]


def test_global_no_and_all_users_refused_passes(fixtures: Path) -> None:
    values = sshd.parse_sshd_t((fixtures / "sshd_T_plain_user.txt").read_text())
    snap = _snap(
        fixtures,
        users=(ALICE,),
        per_user=(sshd.UserEffective(ALICE, values),),
    )
    f = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding")
    assert f.status is Status.PASS
    assert any("sshd_config:5: AllowTcpForwarding no" in e for e in f.evidence)


def test_match_block_reenabling_for_one_user_fails_and_names_the_user(fixtures: Path) -> None:
    plain = sshd.parse_sshd_t((fixtures / "sshd_T_plain_user.txt").read_text())
    dev_text = (
        (fixtures / "sshd_T_plain_user.txt")
        .read_text()
        .replace("allowtcpforwarding no", "allowtcpforwarding yes")
    )
    snap = _snap(
        fixtures,
        users=(ALICE, DEV),
        per_user=(
            sshd.UserEffective(ALICE, plain),
            sshd.UserEffective(DEV, sshd.parse_sshd_t(dev_text)),
        ),
    )
    f = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding")
    assert f.status is Status.FAIL
    assert f.title.startswith("1 hosting user(s)")
    joined = "\n".join(f.evidence)
    assert "can forward to SMTP: dev (uid 1002" in joined
    assert "alice (uid" not in joined.split("can forward")[1]
    assert "(in Match Group developers)" in joined
    assert "sshd_config:10" in f.fix  # the fix names the Match line to remove


def test_permitopen_without_smtp_ports_is_not_a_path(fixtures: Path) -> None:
    legacy = sshd.parse_sshd_t((fixtures / "sshd_T_legacy.txt").read_text())
    snap = _snap(fixtures, users=(LEGACY,), per_user=(sshd.UserEffective(LEGACY, legacy),))
    assert _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding").status is Status.PASS
    legacy_any_port = dict(legacy, permitopen="mx.example.com:*")
    snap = _snap(fixtures, users=(LEGACY,), per_user=(sshd.UserEffective(LEGACY, legacy_any_port),))
    f = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding")
    assert f.status is Status.FAIL
    assert "no login shell, `ssh -N` still works" in "\n".join(f.evidence)


def test_disableforwarding_and_remote_only_are_not_paths() -> None:
    assert not sshd._local_forwarding({"disableforwarding": "yes"}, [25])[0]
    assert not sshd._local_forwarding({"allowtcpforwarding": "remote"}, [25])[0]
    assert not sshd._local_forwarding({"permitopen": "none"}, [25])[0]
    assert sshd._local_forwarding({}, [25])[0]  # sshd's default is yes
    assert sshd._local_forwarding({"permitopen": "10.0.0.5:587"}, [25, 587])[0]


def test_default_yes_without_match_applies_to_every_user(fixtures: Path) -> None:
    values = sshd.parse_sshd_t((fixtures / "sshd_T_default.txt").read_text())
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: "Port 22\n"}.get, lambda p: [])
    snap = _snap(fixtures, values=values, parsed=parsed, users=(ALICE, LEGACY))
    f = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding")
    assert f.status is Status.FAIL
    assert "2 hosting user(s)" in f.title
    assert any("sshd's default is yes" in e for e in f.evidence)
    # and with no hosting users at all, only a warning
    snap = _snap(fixtures, values=values, parsed=parsed, users=())
    assert _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding").status is Status.WARN


def test_sshd_T_failure_falls_back_to_files_with_file_and_line(fixtures: Path) -> None:
    err = "/etc/ssh/sshd_config: line 12: Bad configuration option: Bogus"
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: "Port 22\nBogus yes\n"}.get, lambda p: [])
    snap = _snap(
        fixtures,
        values=None,
        error=err,
        error_location=sshd.parse_sshd_error(err),
        parsed=parsed,
        users=(ALICE,),
    )
    f = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding")
    assert f.status is Status.FAIL  # nothing disables it in the files
    assert "/etc/ssh/sshd_config:12: Bad configuration option: Bogus" in f.evidence
    parsed_no = sshd.parse_sshd_config(
        MAIN, {MAIN: "AllowTcpForwarding no\nBogus yes\n"}.get, lambda p: []
    )
    snap = _snap(fixtures, values=None, error=err, parsed=parsed_no, users=(ALICE,))
    assert _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding").status is Status.WARN


def test_missing_binary_is_skipped_for_every_id(fixtures: Path) -> None:
    findings = sshd.judge(_snap(fixtures, binary=None, values=None), CFG)
    assert {f.id for f in findings} == set(sshd.SshdCheck.ids)
    assert all(f.status is Status.SKIPPED for f in findings)
    assert "not installed" in findings[0].evidence[0]


def test_other_forwarding_settings(fixtures: Path) -> None:
    values = dict(sshd.parse_sshd_t((fixtures / "sshd_T_global.txt").read_text()))
    values.update(gatewayports="clientspecified", permittunnel="yes")
    findings = sshd.judge(_snap(fixtures, values=values), CFG)
    assert _by_id(findings, "sshd.gateway-ports").status is Status.WARN
    assert _by_id(findings, "sshd.permit-tunnel").status is Status.WARN
    assert _by_id(findings, "sshd.stream-local-forwarding").status is Status.WARN
    values.update(disableforwarding="yes")
    findings = sshd.judge(_snap(fixtures, values=values), CFG)
    assert _by_id(findings, "sshd.stream-local-forwarding").status is Status.PASS


def test_attacker_controlled_names_are_escaped(fixtures: Path) -> None:
    evil = sshd.HostingUser("ev\x1b[2Jil\nFAKE", 1005, "/bin/sh")
    values = sshd.parse_sshd_t((fixtures / "sshd_T_default.txt").read_text())
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: "Port 22\n"}.get, lambda p: [])
    f = _by_id(
        sshd.judge(_snap(fixtures, values=values, parsed=parsed, users=(evil,)), CFG),
        "sshd.tcp-forwarding",
    )
    joined = "".join(f.evidence)
    assert "\x1b" not in joined and "\n" not in joined
    assert "ev\\x1b[2Jil\\nFAKE" in joined


def test_config_values_are_escaped_in_every_line(fixtures: Path) -> None:
    # a value sshd -T refused, judged from the file: it reached the terminal raw
    text = "AllowTcpForwarding yes\x1b[2J\nPermitOpen mx:25 x\x1b]0;t\x07\n"
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: text}.get, lambda p: [])
    snap = _snap(fixtures, values=None, error="bad", parsed=parsed, users=(ALICE,))
    f = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding")
    joined = "\n".join((f.title, *f.evidence))
    assert f.status is Status.FAIL and "\x1b" not in joined and "\x07" not in joined
    assert "permitopen mx:25 x\\x1b]0;t\\x07" in joined


def test_plan_edits_puts_no_first_and_comments_reenabling_lines(fixtures: Path) -> None:
    parsed = _parsed(fixtures)
    root = fixtures / "sshd"
    contents = {
        MAIN: (root / "sshd_config").read_bytes(),
        "/etc/ssh/sshd_config.d/10-hosting.conf": (
            root / "sshd_config.d" / "10-hosting.conf"
        ).read_bytes(),
    }
    edits = sshd.plan_edits(MAIN, parsed, contents, "20260101T000000")
    main = edits[MAIN].decode()
    assert main.splitlines()[2] == "AllowTcpForwarding no"
    assert "    # spamtrace audit --fix (20260101T000000): AllowTcpForwarding yes" in main
    inc = edits["/etc/ssh/sshd_config.d/10-hosting.conf"].decode()
    assert "# spamtrace audit --fix (20260101T000000): AllowTcpForwarding local" in inc
    # the global "no" stays as it was
    assert "\nAllowTcpForwarding no\nX11Forwarding no" in main


def test_hosting_users_filter() -> None:
    entries = [
        SimpleNamespace(pw_name="root", pw_uid=0, pw_shell="/bin/bash"),
        SimpleNamespace(pw_name="nobody", pw_uid=65534, pw_shell="/usr/sbin/nologin"),
        SimpleNamespace(pw_name="shop", pw_uid=1001, pw_shell="/usr/sbin/nologin"),
        SimpleNamespace(pw_name="blog", pw_uid=1000, pw_shell="/bin/bash"),
    ]
    for e, gid in zip(entries, (0, 65534, 1001, 1000), strict=True):
        e.pw_gid = gid
    groups = [("shop", 1001, ()), ("blog", 1000, ()), ("sftponly", 2000, ("shop",))]
    users = sshd.hosting_users(CFG, entries, groups)
    assert [(u.name, u.login_shell, u.groups) for u in users] == [
        ("blog", True, ("blog",)),
        ("shop", False, ("shop", "sftponly")),
    ]


def test_parse_sshd_t_joins_access_lists() -> None:
    values = sshd.parse_sshd_t("allowusers alice\nallowusers bob@10.0.0.*\ndenyusers x\n")
    assert values["allowusers"] == "alice bob@10.0.0.*"


def test_may_log_in_follows_allow_and_deny_lists() -> None:
    u = sshd.HostingUser("shop", 1001, "/bin/bash", ("shop", "sftponly"))
    assert sshd.may_log_in({}, u) == (True, "")
    assert sshd.may_log_in({"allowusers": "admin ops"}, u) == (False, "not in AllowUsers")
    assert sshd.may_log_in({"allowusers": "admin sh?p"}, u)[0]
    assert sshd.may_log_in({"allowusers": "shop@10.0.0.*"}, u)[0]  # from some hosts: may
    assert sshd.may_log_in({"denyusers": "shop@10.0.0.*"}, u)[0]  # denied only from some
    assert sshd.may_log_in({"denyusers": "s*"}, u) == (False, "DenyUsers")
    assert sshd.may_log_in({"allowgroups": "admins"}, u) == (False, "not in AllowGroups")
    assert sshd.may_log_in({"allowgroups": "sftponly"}, u)[0]
    assert sshd.may_log_in({"denygroups": "sftponly"}, u) == (False, "DenyGroups")


def test_users_sshd_refuses_are_not_counted(fixtures: Path) -> None:
    text = (fixtures / "sshd_T_default.txt").read_text() + "allowusers alice\n"
    values = sshd.parse_sshd_t(text)
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: "AllowUsers alice\n"}.get, lambda p: [])
    f = _by_id(
        sshd.judge(_snap(fixtures, values=values, parsed=parsed, users=(ALICE, LEGACY)), CFG),
        "sshd.tcp-forwarding",
    )
    assert f.status is Status.FAIL and f.title.startswith("1 hosting user(s)")
    assert "forwarding allowed but sshd refuses their login: legacy (not in AllowUsers)" in (
        f.evidence
    )


class FakeSshd:
    """A CommandRunner stand-in: `sshd -t` succeeds or not; `sshd -T` reads the main file."""

    def __init__(self, main: Path, t_ok: bool) -> None:
        self.main = main
        self.t_ok = t_ok
        self.calls: list[list[str]] = []

    def which(self, *names: str) -> str | None:
        return "/usr/sbin/sshd"

    def run(self, argv: list[str], timeout: float = 15.0) -> object:
        from spamtrace.audit.environment import CommandResult

        self.calls.append(list(argv))
        if "-t" in argv:
            rc = 0 if self.t_ok else 255
            return CommandResult(tuple(argv), rc, "", "" if self.t_ok else "line 3: Bad option")
        first = next(
            (
                ln.split()[1].lower()
                for ln in self.main.read_text().splitlines()
                if ln.lower().startswith("allowtcpforwarding")
            ),
            "yes",
        )
        return CommandResult(
            tuple(argv), 0, f"allowtcpforwarding {first}\npidfile /nonexistent\n", ""
        )


def _fix_env(tmp_path: Path, t_ok: bool) -> tuple[object, Path, Path]:
    from spamtrace.audit.environment import AuditEnv

    main = tmp_path / "sshd_config"
    inc = tmp_path / "inc.conf"
    inc.write_text("Match User alice\n  AllowTcpForwarding yes\n")
    main.write_text(f"Include {inc}\nPort 22\nAllowTcpForwarding yes\n")
    env = AuditEnv(
        cfg=CFG, runner=FakeSshd(main, t_ok), sshd_config=str(main),  # type: ignore[arg-type]
        backup_dir=str(tmp_path / "backups"),
    )  # fmt: skip
    return env, main, inc


def test_fix_rolls_back_byte_for_byte_when_sshd_t_rejects(tmp_path: Path) -> None:
    env, main, inc = _fix_env(tmp_path, t_ok=False)
    before = (main.read_bytes(), inc.read_bytes())
    snap = sshd.gather(env)  # type: ignore[arg-type]
    findings = sshd.judge(snap, CFG)
    out = sshd.fix(env, snap, findings)  # type: ignore[arg-type]
    assert out.action.value == "rolled-back"
    assert (main.read_bytes(), inc.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "inc.conf", "sshd_config"]
    assert list((tmp_path / "backups").iterdir()) == []  # the backups of a rollback are gone


def test_fix_applies_backs_up_and_verifies(tmp_path: Path) -> None:
    env, main, inc = _fix_env(tmp_path, t_ok=True)
    before = main.read_bytes()
    snap = sshd.gather(env)  # type: ignore[arg-type]
    out = sshd.fix(env, snap, sshd.judge(snap, CFG))  # type: ignore[arg-type]
    assert out.action.value == "applied", out.details
    assert len(out.backups) == 2
    assert before in [Path(b).read_bytes() for b in out.backups]
    assert main.read_text().splitlines()[2] == "AllowTcpForwarding no"
    assert "#" in inc.read_text().splitlines()[1]
    assert any("no running sshd found" in d for d in out.details)


def test_probe_clients_from_match_address_and_host_patterns() -> None:
    text = (
        "AllowTcpForwarding no\n"
        "Match Address 10.0.0.0/8,!10.9.0.0/16,192.168.1.*\n  AllowTcpForwarding yes\n"
        "Match User bob Host *.example.com\n  AllowTcpForwarding yes\n"
        "Match Address 2001:db8::/32 LocalPort 22\n  AllowTcpForwarding yes\n"
        "Match Address=172.16.5.9\n  PermitOpen any\n"
        "Match Address not-an-address,203.0.113.0/31\n  X y\n"
        "Match Group dev\n  AllowTcpForwarding yes\n"
    )
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: text}.get, lambda p: [])
    clients = sshd.probe_clients(parsed)
    assert clients[0] == (sshd.PROBE_HOST, sshd.PROBE_ADDR)  # "from anywhere" always first
    assert clients[1:] == (
        ("10.0.0.1", "10.0.0.1"),  # inside the CIDR, the negated network left out
        ("192.168.1.1", "192.168.1.1"),  # a wildcard filled in
        ("probe.example.com", sshd.PROBE_ADDR),  # a host pattern
        ("2001:db8::1", "2001:db8::1"),
    )  # capped at MAX_EXTRA_PROBES; unparsable patterns are skipped
    assert len(clients) == 1 + sshd.MAX_EXTRA_PROBES
    no_match = sshd.parse_sshd_config(MAIN, {MAIN: "Port 22\n"}.get, lambda p: [])
    assert sshd.probe_clients(no_match) == ((sshd.PROBE_HOST, sshd.PROBE_ADDR),)


@pytest.mark.parametrize(
    ("text", "specs"),
    [
        ("Port 22\nMatch User bob\n  X11Forwarding yes\n", ()),  # sshd needs no lport
        ("Match LocalPort 2222\n  AllowTcpForwarding yes\n", ("lport=22,laddr=0.0.0.0",)),
        ("Port 22\nPort 2222\nMatch LocalPort 2222\n  AllowTcpForwarding yes\n",
         ("lport=22,laddr=0.0.0.0", "lport=2222,laddr=0.0.0.0")),
        ("ListenAddress [::1]:2200\nListenAddress 10.0.0.5\nMatch LocalPort=2200\n  X y\n",
         ("lport=2200,laddr=::1", "lport=2200,laddr=10.0.0.5")),
        ("Port 22\nMatch LocalAddress 192.168.1.0/24,!192.168.1.9\n  X y\n",
         ("lport=22,laddr=192.168.1.1",)),
    ],
)
def test_match_on_the_server_end_gives_the_ports_and_addresses_to_ask_sshd_about(
    text: str, specs: tuple[str, ...]
) -> None:
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: text}.get, lambda p: [])
    assert sshd.local_specs(parsed) == specs


def test_backups_stay_out_of_included_directories(tmp_path: Path) -> None:
    """With ``Include dir/*`` a backup beside the included file would be read by sshd (and
    re-enable forwarding, one more per run): backups live under backup_dir only."""
    from spamtrace.audit.environment import AuditEnv

    confd = tmp_path / "sshd_config.d"
    confd.mkdir()
    (confd / "50-cloud.conf").write_text('AllowTcpForwarding "yes"\n')
    main = tmp_path / "sshd_config"
    main.write_text(f"Include {confd}/*\nPort 22\n")
    backups = tmp_path / "var-lib-backups"
    env = AuditEnv(
        cfg=CFG, runner=FakeSshd(main, True), sshd_config=str(main),  # type: ignore[arg-type]
        backup_dir=str(backups),
    )  # fmt: skip
    for _ in range(2):  # a rerun adds nothing to the included directory either
        snap = sshd.gather(env)  # type: ignore[arg-type]
        sshd.fix(env, snap, sshd.judge(snap, CFG))  # type: ignore[arg-type]
    assert sorted(p.name for p in confd.iterdir()) == ["50-cloud.conf"]
    assert "# spamtrace audit --fix" in (confd / "50-cloud.conf").read_text()  # quoted form
    assert all(str(b).startswith(str(backups)) for b in backups.rglob("*.conf"))
    assert len(list(backups.rglob("50-cloud.conf"))) == 1


@pytest.mark.parametrize(
    "line",
    ['AllowTcpForwarding "yes"', "allowtcpforwarding=all", "  AllowTCPForwarding\tlocal",
     'AllowTcpForwarding = "yes" # a comment'],
)  # fmt: skip
def test_every_form_sshd_accepts_is_commented_out(line: str) -> None:
    text = f"Port 22\n{line}\n"
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: text}.get, lambda p: [])
    edits = sshd.plan_edits(MAIN, parsed, {MAIN: text.encode()}, "T")
    out = edits[MAIN].decode().splitlines()
    assert out[2] == "AllowTcpForwarding no"
    assert out[-1].lstrip().startswith("# spamtrace audit --fix")
    assert out[-1].endswith(line.strip())


@pytest.mark.parametrize("odd", ["\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u2028"])
def test_lines_are_counted_as_sshd_counts_them(odd: str) -> None:
    """sshd ends a line at '\\n' only; Python's splitlines() also splits at these characters,
    which numbered the lines differently from the fix's own split: --fix crashed (found by
    the parser fuzz on b'\\x0bAllowTcpForwarding\\x1fyes')."""
    text = f"Port 22{odd}Banner none\nAllowTcpForwarding yes\n"
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: text}.get, lambda p: [])
    assert [(d.line, d.keyword) for d in parsed.all_of("allowtcpforwarding")] == [
        (2, "allowtcpforwarding")
    ]
    edits = sshd.plan_edits(MAIN, parsed, {MAIN: text.encode()}, "T")
    out = edits[MAIN].decode().split("\n")
    assert out[3] == f"Port 22{odd}Banner none"
    assert out[4].startswith("# spamtrace audit --fix")
    assert out[4].endswith("AllowTcpForwarding yes")


def test_immutable_file_is_a_clean_failure_with_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, main, inc = _fix_env(tmp_path, t_ok=True)
    before = (main.read_bytes(), inc.read_bytes())
    monkeypatch.setattr(
        sshd, "_unwritable",
        lambda p: "the file is immutable or append-only" if p == str(main) else None,
    )  # fmt: skip
    snap = sshd.gather(env)  # type: ignore[arg-type]
    out = sshd.fix(env, snap, sshd.judge(snap, CFG))  # type: ignore[arg-type]
    assert out.action.value == "failed"
    text = " ".join(out.details)
    assert "immutable" in text and "nothing was changed" in text and "RESTORE" not in text
    assert (main.read_bytes(), inc.read_bytes()) == before
    assert not (tmp_path / "backups").exists() and out.backups == ()


class MatchingSshd:
    """`sshd -T [-C spec]` of a config whose only Match blocks are ``Match User dev`` and
    ``Match Group staff`` (forwarding on for them, off globally); every run is counted."""

    def __init__(self, staff: set[str]) -> None:
        self.staff = staff
        self.specs: list[str] = []

    def which(self, *names: str) -> str | None:
        return "/usr/sbin/sshd"

    def run(self, argv: list[str], timeout: float = 15.0) -> object:
        from spamtrace.audit.environment import CommandResult

        spec = argv[argv.index("-C") + 1] if "-C" in argv else ""
        self.specs.append(spec)
        user = dict(kv.split("=", 1) for kv in spec.split(",") if kv).get("user", "")
        allowed = "yes" if user == "dev" or user in self.staff else "no"
        return CommandResult(tuple(argv), 0, f"allowtcpforwarding {allowed}\n", "")


def test_users_the_match_lines_cannot_tell_apart_are_asked_about_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sshd -T -C` ran for every hosting user and every client (up to 25 runs each): users
    whom no Match line tells apart get one answer, the same as each would have got."""
    from spamtrace.audit.environment import AuditEnv

    (tmp_path / "etc/ssh").mkdir(parents=True)
    (tmp_path / "etc/ssh/sshd_config").write_text(
        "AllowTcpForwarding no\nMatch User dev Address 10.1.0.0/16\n  AllowTcpForwarding yes\n"
        "Match Group staff,!guests\n  AllowTcpForwarding yes\n"
    )
    users = [sshd.HostingUser(f"site{n}", 1000 + n, "/bin/bash", (f"site{n}",)) for n in range(8)]
    users += [
        sshd.HostingUser("dev", 2000, "/bin/bash", ("dev",)),
        sshd.HostingUser("Dev", 2001, "/bin/bash", ("dev",)),  # another name: its own
        sshd.HostingUser("ann", 2002, "/bin/bash", ("ann", "staff")),
        sshd.HostingUser("bob", 2003, "/bin/bash", ("bob", "staff")),
    ]
    monkeypatch.setattr(sshd, "hosting_users", lambda cfg: tuple(users))
    runner = MatchingSshd(staff={"ann", "bob"})
    env = AuditEnv(cfg=CFG, root=tmp_path, runner=runner)  # type: ignore[arg-type]
    snap = sshd.gather(env)
    assert [ue.user.name for ue in snap.per_user] == [u.name for u in users]
    allowed = {ue.user.name for ue in snap.per_user if ue.values["allowtcpforwarding"] == "yes"}
    assert allowed == {"dev", "ann", "bob"}
    assert all(ue.values is not None for ue in snap.per_user)
    # the global run, then per kind (site*, dev, Dev, staff) the clients until one allows it
    asked = {s.split(",")[0] for s in runner.specs if s}
    assert asked == {"user=site0", "user=dev", "user=Dev", "user=ann"}, runner.specs
    # a problem in the files: every user is asked about, as before
    (tmp_path / "etc/ssh/sshd_config").write_text(
        "Include /etc/ssh/missing.conf\nMatch User dev\n  AllowTcpForwarding yes\n"
    )
    runner.specs.clear()
    sshd.gather(env)
    assert {s.split(",")[0] for s in runner.specs if s} == {f"user={u.name}" for u in users}


def test_a_relative_sshd_config_is_one_file_with_its_absolute_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--sshd-config ssh/sshd_config` (relative), included back as /abs/ssh/sshd_config by a
    drop-in: the two names were two files, so the loop was seen a turn late and every line of
    the config was listed twice as evidence, once under each name."""
    import json

    from spamtrace.cli.main import main

    (tmp_path / "ssh" / "conf.d").mkdir(parents=True)
    main_file = tmp_path / "ssh" / "sshd_config"
    main_file.write_text(
        f"Include {tmp_path}/ssh/conf.d/*.conf\nAllowTcpForwarding no\n"
        "Match User st*\n  AllowTcpForwarding yes\n"
    )
    (tmp_path / "ssh" / "conf.d" / "loop.conf").write_text(f"Include {main_file}\n")
    monkeypatch.chdir(tmp_path)
    args = ["audit", "--json", "--only", "sshd.tcp-forwarding", "--sshd-config", "ssh/sshd_config"]
    assert main(args) in (0, 1)
    evidence = json.loads(capsys.readouterr().out)["findings"][0]["evidence"]
    lines = [e for e in evidence if "AllowTcpForwarding" in e and e[0] != "$"]
    assert lines == [
        f"{main_file}:2: AllowTcpForwarding no",
        f"{main_file}:4: AllowTcpForwarding yes (in Match User st*)",
    ], evidence


def test_the_fix_of_another_config_names_it_in_the_commands(fixtures: Path) -> None:
    """`audit --sshd-config /srv/jail/sshd_config`: the fix said `sshd -t` and `spamtrace audit
    --only sshd.tcp-forwarding --fix`, which test and repair /etc/ssh/sshd_config, not the file
    the finding is about."""
    values = sshd.parse_sshd_t((fixtures / "sshd_T_default.txt").read_text())
    other = "/srv/jail one/sshd_config"
    parsed = sshd.parse_sshd_config(other, {other: "Port 22\n"}.get, lambda p: [])
    snap = _snap(fixtures, values=values, parsed=parsed, users=(ALICE,), config_path=other)
    fix = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding").fix
    assert "`sshd -t -f '/srv/jail one/sshd_config'`" in fix
    assert (
        "`spamtrace audit --only sshd.tcp-forwarding --fix --sshd-config "
        "'/srv/jail one/sshd_config'`" in fix
    )
    parsed = sshd.parse_sshd_config(MAIN, {MAIN: "Port 22\n"}.get, lambda p: [])
    snap = _snap(fixtures, values=values, parsed=parsed, users=(ALICE,))
    fix = _by_id(sshd.judge(snap, CFG), "sshd.tcp-forwarding").fix
    assert "`sshd -t`" in fix and "--sshd-config" not in fix  # sshd's own: as before
