"""The demo lab's pure parts: names, the obfuscated mailer, the lab's Exim config, state files,
and the stdlib SMTP sink spoken to over loopback (no root needed)."""

from __future__ import annotations

import base64
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spamtrace.demo import lab


def test_layout_names_fit_the_kernel_and_useradd_limits() -> None:
    for _ in range(50):
        lo = lab.LabLayout.new()
        assert len(lo.veth_srv) <= 15 and len(lo.veth_mx) <= 15  # IFNAMSIZ - 1
        assert len(lo.user) <= 32 and lo.user.startswith(lab.USER_PREFIX)
        assert re.fullmatch(r"[a-z][a-z0-9-]*", lo.user)
        assert lo.srv_ns != lo.mx_ns and lo.srv_ip.rsplit(".", 1)[0] == lo.mx_ip.rsplit(".", 1)[0]
        assert lo.script.is_relative_to(lo.site) and lo.path.name.startswith("spamtrace-demo-")


def test_mailer_is_obfuscated_but_decodes_to_the_readable_source() -> None:
    php = lab.mailer_source("10.254.9.2", 42)
    assert "fsockopen" not in php and "10.254.9.2" not in php  # hidden, as droppers do
    blob = "".join(re.findall(r"'([A-Za-z0-9+/=]{20,})'", php))
    code = base64.b64decode(blob).decode()
    assert "$mx = '10.254.9.2';" in code and "time() + 42;" in code
    assert "__MX__" not in code and "fsockopen($mx, 25" in code
    assert php.startswith("<?php\n") and "@eval($wp_c($_c));" in php


def test_exim_config_routes_everything_to_the_lab_mx_only() -> None:
    lo = lab.LabLayout.new()
    conf = lab.exim_config(lo, "Debian-exim")
    assert f"route_list = * {lo.mx_ip}" in conf
    assert f"spool_directory = {lo.path}/exim/spool" in conf
    assert "exim_user = Debian-exim" in conf


def test_saved_labs_skip_broken_state_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab, "STATE_DIR", tmp_path)
    lo = lab.LabLayout.new()
    (tmp_path / "good.json").write_text(json.dumps(lab.asdict(lo)))
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "wrong.json").write_text('{"tag": 1}')
    assert lab.saved_labs() == [lo]


def test_remove_lab_leaves_foreign_users_and_folders_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab, "STATE_DIR", tmp_path)
    lo = lab.LabLayout(
        tag="0000", user="root", srv_ns="nonexistent-ns-a", mx_ns="nonexistent-ns-b",
        veth_srv="x", veth_mx="y", srv_ip="10.254.1.1", mx_ip="10.254.1.2",
        dir=str(tmp_path / "not-a-lab"),
    )  # fmt: skip
    (tmp_path / "not-a-lab").mkdir()
    assert lab.remove_lab(lo) == []  # root is not a demo account; the folder is not a lab's
    assert (tmp_path / "not-a-lab").is_dir()


def test_a_lab_is_in_use_while_the_demo_that_built_it_runs() -> None:
    # `demo --cleanup` (or a test run beside it) killed a demo running in another terminal
    from dataclasses import replace

    from spamtrace.attribution.process import start_time

    lo = lab.LabLayout.new()
    assert lo.owner > 0 and not lo.in_use()  # this process: its own lab is not "another's"
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        other = replace(lo, owner=proc.pid, owner_start=start_time(proc.pid))
        assert other.in_use()
        assert not replace(other, owner_start=other.owner_start - 5).in_use()  # pid reused
    finally:
        proc.kill()
        proc.wait()
    assert not other.in_use()  # gone: --keep or killed, the lab may go
    assert not replace(lo, owner=0).in_use()  # a state file of an older spamtrace


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sink_accepts_and_logs_a_message(tmp_path: Path) -> None:
    import smtplib

    port, log = _free_port(), tmp_path / "sink.jsonl"
    log.touch()
    argv = [sys.executable, "-m", "spamtrace.demo.sink", "--addr", "127.0.0.1",
            "--ports", str(port), "--log", str(log)]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            refused = smtp.sendmail("a@lab.example", ["b@remote.example", "c@remote.example"],
                                    "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n")  # fmt: skip
        assert refused == {}
        deadline = time.monotonic() + 5
        while not log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        (record,) = [json.loads(x) for x in log.read_text().splitlines()]
        assert record["to"] == ["<b@remote.example>", "<c@remote.example>"]
        assert record["from"] == "<a@lab.example>" and record["port"] == port
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_demo_without_root_says_what_it_needs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spamtrace.cli import main

    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main.main(["demo"]) == 3
    err = capsys.readouterr().err
    assert "needs root" in err and "sudo spamtrace demo" in err
    assert len(err.strip().splitlines()) == 1


def test_demo_rejects_a_silly_duration(capsys: pytest.CaptureFixture[str]) -> None:
    from spamtrace.cli import main

    assert main.main(["demo", "--seconds", "5"]) == 2
    assert "--seconds" in capsys.readouterr().err


def test_the_story_fits_a_terminal_and_stays_whole_in_a_pipe(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from spamtrace.demo.story import Narrator

    text = (
        "An attacker has dropped public_html/wp-content/uploads/2024/03/class-wp-cache.php: "
        "base64 in an eval(), a name built at run time, and a loop of fsockopen() to port 25."
    )
    Narrator(True, 80).say(text)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(x) <= 80 for x in lines), lines
    assert "public_html/wp-content/uploads/2024/03/class-wp-cache.php:" in " ".join(lines)
    assert Narrator(True, 80).command_env() == {"COLUMNS": "75"}  # 80 minus "   | "
    Narrator(True, None).say(text)
    assert capsys.readouterr().out == f"   {text}\n"  # a pipe or a log: whole lines
    assert Narrator(True, None).command_env() == {}
