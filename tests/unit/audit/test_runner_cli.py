"""The audit runner and `spamtrace audit` CLI on fake checks (selection, JSON, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spamtrace.audit import runner
from spamtrace.audit.environment import AuditEnv
from spamtrace.audit.finding import Finding, FixAction, FixOutcome, Status
from spamtrace.cli import main as cli_main
from spamtrace.config import Config
from spamtrace.errors import UsageError


class Fake:
    family = "fake"
    ids = ("fake.one", "fake.two")
    fixable = ("fake.one",)

    def __init__(self) -> None:
        self.fixed = False

    def gather(self, env: AuditEnv) -> Any:
        return "fixed" if self.fixed else "broken"

    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:
        one = Status.PASS if snapshot == "fixed" else Status.FAIL
        return [
            Finding("fake.one", one, "one", ("ev \\x1b",), "why", "fix"),
            Finding("fake.two", Status.WARN, "two", (), "why", "fix"),
        ]

    def fix(self, env: AuditEnv, snapshot: Any, findings: list[Finding]) -> FixOutcome:
        self.fixed = True
        return FixOutcome("fake.one", FixAction.APPLIED, ("done",))


class Crashing:
    family = "crash"
    ids = ("crash.x",)

    def gather(self, env: AuditEnv) -> Any:
        raise RuntimeError("boom")

    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:  # pragma: no cover
        return []


def test_only_expands_families_and_rejects_unknown_ids() -> None:
    checks = [Fake()]
    assert runner.wanted_ids(["fake"], checks) == {"fake.one", "fake.two"}
    assert runner.wanted_ids(["fake.*"], checks) == {"fake.one", "fake.two"}
    assert runner.wanted_ids(["fake.two"], checks) == {"fake.two"}
    with pytest.raises(UsageError, match="unknown check id"):
        runner.wanted_ids(["fake.three"], checks)


def test_all_real_ids_are_namespaced_and_unique() -> None:
    ids = runner.all_ids()
    assert len(ids) == len(set(ids))
    assert {"sshd.tcp-forwarding", "firewall.smtp-egress", "dnsbl.listed"} <= set(ids)
    assert all(i.split(".")[0] in ("sshd", "firewall", "mta", "php", "dnsbl") for i in ids)


def test_fix_regathers_and_reports_the_state_after() -> None:
    fake = Fake()
    report = runner.run_audit(AuditEnv(cfg=Config()), only=["fake.one"], fix=True, checks=[fake])
    assert [f.id for f in report.findings] == ["fake.one"]
    assert report.findings[0].status is Status.PASS
    assert report.fixes[0].action is FixAction.APPLIED


def test_a_crashing_check_is_skipped_and_the_others_still_run() -> None:
    report = runner.run_audit(AuditEnv(cfg=Config()), checks=[Crashing(), Fake()])
    crash = report.findings[0]
    assert crash.status is Status.SKIPPED and "boom" in crash.evidence[0]
    assert report.worst is Status.FAIL


def test_cli_bad_only_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["audit", "--only", "nope.nothing"]) == 2
    assert "unknown check id" in capsys.readouterr().err


def test_cli_sshd_config_must_be_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # was: every sshd check "skipped" and exit 1 (a typo), or a folder read as a config
    for path, what in ((tmp_path / "nope", "no such file"), (tmp_path, "not a regular file")):
        assert cli_main.main(["audit", "--only", "sshd", "--sshd-config", str(path)]) == 2
        assert what in capsys.readouterr().err


def test_cli_json_and_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "ALL_CHECKS", (Fake(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (Fake(),)))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", "/nonexistent")
    assert cli_main.main(["audit", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "spamtrace.audit/1"
    assert doc["summary"] == {"fail": 1, "warn": 1, "skipped": 0, "pass": 0, "ignored": 0}
    f = doc["findings"][0]
    assert set(f) == {"id", "status", "title", "evidence", "why", "fix", "subject", "ignored"}
    assert f["status"] == "fail"


def test_cli_human_output_has_no_raw_escape(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "ALL_CHECKS", (Fake(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (Fake(),)))
    assert cli_main.main(["audit"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "fake.one" in out and "why: why" in out and "fix: fix" in out
    assert "\x1b" not in out
    assert "1 fail, 1 warn, 0 skipped, 0 pass" in out
    # how to accept the fail, said as what it does (it read "... no longer make audit
    # exit 1", as a change of the tool, and was printed under warnings too, which exit 0)
    assert "To accept a finding (it is then not shown, and no longer makes audit exit 1)" in out


class OnlyWarns(Fake):
    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:
        return [Finding("fake.two", Status.WARN, "two", (), "why", "fix")]


def test_a_report_of_warnings_alone_exits_0_without_the_accept_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "ALL_CHECKS", (OnlyWarns(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (OnlyWarns(),)))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", "/nonexistent")
    assert cli_main.main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "0 fail, 1 warn" in out and "[audit] ignore" not in out, out


class ManyPools:
    """One finding per FPM pool, identical but for the pool: what a shared host has by hundreds."""

    family = "php"
    ids = ("php.mail-log", "sshd.tcp-forwarding")

    def gather(self, env: AuditEnv) -> Any:
        return None

    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:
        pools = [
            Finding("php.mail-log", Status.WARN, f"FPM pool p{i}: mail() calls are not logged",
                    ("mail.log is not set",), "why", f"fix p{i}", f"FPM pool p{i}")
            for i in range(300)
        ]  # fmt: skip
        sshd = Finding("sshd.tcp-forwarding", Status.FAIL, "forwarding on", ("ev",), "w", "f")
        return [sshd, *pools]


def _many(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, ignore: str | None) -> None:
    monkeypatch.setattr(runner, "ALL_CHECKS", (ManyPools(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (ManyPools(),)))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", "/nonexistent")
    if ignore is not None:
        monkeypatch.setenv("SPAMTRACE_AUDIT_IGNORE", ignore)


def test_identical_findings_across_pools_are_one_group(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    _many(monkeypatch, tmp_path, None)
    assert cli_main.main(["audit"]) == 1
    out = capsys.readouterr().out
    assert out.count("mail() calls are not logged") == 1
    assert "(300x)" in out and "and 295 more" in out and "FPM pool p0" in out
    assert "FPM pool p299" not in out
    assert len(out.splitlines()) < 30
    assert cli_main.main(["audit", "--json"]) == 1  # --json keeps every finding
    assert len(json.loads(capsys.readouterr().out)["findings"]) == 301


@pytest.mark.parametrize(
    ("ignore", "code", "ignored"),
    [
        ("sshd.tcp-forwarding", 0, 1),  # the only fail acknowledged: cron sees exit 0
        ("php.mail-log", 1, 300),
        ("php.mail-log:FPM pool p1?", 1, 10),  # per item, shell-style pattern
        ("sshd.tcp-forwarding,php.mail-log:FPM pool p7", 0, 2),
    ],
)
def test_acknowledged_findings_do_not_make_audit_exit_1(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
    ignore: str,
    code: int,
    ignored: int,
) -> None:
    _many(monkeypatch, tmp_path, ignore)
    assert cli_main.main(["audit", "--json"]) == code
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["ignored"] == ignored
    assert sum(f["ignored"] for f in doc["findings"]) == ignored
    assert cli_main.main(["audit"]) == code
    assert f"acknowledged in [audit] ignore, not shown: {ignored}" in capsys.readouterr().out


def test_an_unknown_id_in_ignore_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    _many(monkeypatch, tmp_path, "sshd.tcp-forwardin")
    assert cli_main.main(["audit"]) == 2
    assert "audit.ignore[0]: unknown finding id 'sshd.tcp-forwardin'" in capsys.readouterr().err


class LongTitle(Fake):
    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:
        title = ("SMTP egress is not restricted: ports 25, 465, 587 and 2525 open to every "
                 "account over IPv4")
        return [Finding("fake.one", Status.FAIL, title, ("ev",), "why", "fix")]


@pytest.mark.parametrize("width", [80, 100])
def test_a_long_title_wraps_under_itself_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int
) -> None:
    import io

    from rich.console import Console

    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=True, color_system=None)
    monkeypatch.setattr("spamtrace.render.output.console", lambda stderr=False: con)
    monkeypatch.setattr(runner, "ALL_CHECKS", (LongTitle(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (LongTitle(),)))
    assert cli_main.main(["audit"]) == 1
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("FAIL    fake.one  SMTP egress is not restricted")
    column = len("FAIL    fake.one  ")
    assert lines[1].startswith(" " * column) and lines[1][column] != " ", lines
    assert all(len(line) <= width for line in lines)


class LongId(LongTitle):
    ids = ("fake.stream-local-forwarding",)

    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:
        title = "sshd allows Unix-socket forwarding (AllowStreamLocalForwarding)"
        return [Finding("fake.stream-local-forwarding", Status.WARN, title, ("ev",), "", "")]


def test_a_long_id_on_a_narrow_terminal_puts_the_title_under_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 60 columns a long id left the title 22 columns: its words were cut in two
    ('(AllowStreamLocalForwa' / 'rding)'). The title goes on the next line instead."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    con = Console(file=buf, width=60, force_terminal=True, color_system=None)
    monkeypatch.setattr("spamtrace.render.output.console", lambda stderr=False: con)
    monkeypatch.setattr(runner, "ALL_CHECKS", (LongId(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (LongId(),)))
    assert cli_main.main(["audit"]) == 0
    lines = buf.getvalue().splitlines()
    assert lines[0] == "WARN    fake.stream-local-forwarding", lines
    assert lines[1] == "  sshd allows Unix-socket forwarding", lines
    assert lines[2] == "  (AllowStreamLocalForwarding)", lines


@pytest.mark.parametrize("euid", [0, 1000])
def test_an_audit_without_root_says_it_is_partial(
    euid: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without root, `sshd -T` fails on the host keys and the firewall cannot be listed: the
    report judged sshd from the files and skipped the firewall, and nothing said why."""
    import os

    monkeypatch.setattr(runner, "ALL_CHECKS", (Fake(),))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (Fake(),)))
    monkeypatch.setattr(os, "geteuid", lambda: euid)
    assert cli_main.main(["audit", "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["schema"] == "spamtrace.audit/1"  # stdout stays one document
    if euid:
        assert err.startswith("spamtrace: note: not run as root: ") and err.count("\n") == 1
        assert "run `sudo spamtrace audit` for a complete audit" in err
    else:
        assert err == ""


def test_a_fix_that_repaired_nothing_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`audit --only mta --fix`, or `--fix` where sshd.tcp-forwarding passes: the report was
    the same as without --fix and nothing said that --fix had done nothing, nor why."""
    fake = Fake()
    monkeypatch.setattr(runner, "ALL_CHECKS", (fake,))
    monkeypatch.setattr(runner.run_audit, "__defaults__", ((), False, (fake,)))
    monkeypatch.setattr(runner.wanted_ids, "__defaults__", ((fake,),))
    monkeypatch.setenv("SPAMTRACE_CONFIG_DIR", "/nonexistent")
    assert cli_main.main(["audit", "--only", "fake.two", "--fix"]) == 0
    err = capsys.readouterr().err
    assert err.startswith(  # (a run without root adds its own note after it)
        "spamtrace: note: --fix repaired nothing: it repairs fake.one, which --only left out\n"
    )
    fake.fixed = True  # fake.one passes: nothing to repair
    assert cli_main.main(["audit", "--fix"]) == 0
    assert capsys.readouterr().err.startswith(
        "spamtrace: note: --fix repaired nothing: fake.one: pass\n"
    )
    fake.fixed = False  # repaired now: said by the report's FIX line, no note
    assert cli_main.main(["audit", "--fix"]) == 0
    captured = capsys.readouterr()
    assert "FIX fake.one: applied" in captured.out and "repaired nothing" not in captured.err
