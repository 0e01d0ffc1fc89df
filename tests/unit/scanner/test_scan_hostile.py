"""`spamtrace scan` against files shaped to blind it: padding, links, special files, names."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from scanner_helpers import isolate_config, run_json

from spamtrace.cli.main import main
from spamtrace.scanner.engine import OVERSIZED_RULE, Limits, scan_file
from spamtrace.scanner.rules import load_rules, load_yara

MAILER = (
    b'$list = explode("\\n", $_POST["list"]);\n'
    b'foreach ($list as $t) { mail($t, $_POST["s"], $_POST["b"]); }\n'
)


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_config(tmp_path, monkeypatch)


_run_json = run_json


def _padding(pieces: int) -> bytes:
    return b"$x = " + b'"a".' * pieces + b'"a";\n'


def test_a_cut_short_file_keeps_what_was_found(tmp_path: Path) -> None:
    # the mailer first, then padding; a clock that moves one "second" per look at it
    path = tmp_path / "pad.php"
    path.write_bytes(b"<?php\n" + MAILER + _padding(20_000))
    rules, yara = load_rules(), load_yara()
    looks = iter(range(100_000))
    unlimited = Limits(stop_at_score=0, file_timeout=1e9)
    full = scan_file(str(path), unlimited, rules, yara, clock=lambda: next(looks))
    assert not full.incomplete and full.verdict.value == "malicious"
    spent = full.seconds  # how many looks the whole analysis takes
    looks = iter(range(100_000))
    limits = Limits(stop_at_score=0, file_timeout=spent * 0.6)
    report = scan_file(str(path), limits, rules, yara, clock=lambda: next(looks))
    assert report.incomplete
    assert any(n.startswith("cut short") for n in report.notes)
    assert report.findings, "the findings made before the budget ran out were thrown away"
    assert {f.rule for f in report.findings} <= {f.rule for f in full.findings}
    assert report.verdict.value in ("suspicious", "malicious")


def test_a_cut_short_file_with_nothing_found_is_not_clean(tmp_path: Path) -> None:
    path = tmp_path / "p.php"
    path.write_bytes(b"<?php\n" + _padding(1000) + MAILER)
    ticks = iter(range(10_000))
    report = scan_file(
        str(path), Limits(file_timeout=2), load_rules(), load_yara(), clock=lambda: next(ticks)
    )
    assert report.verdict.value == "skipped"
    assert report.reason is not None and "cut short" in report.reason
    assert report.incomplete


def test_oversized_php_is_a_finding_and_its_head_is_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cfg.toml").write_text("[scan]\nmax_file_size = 4096\n")
    os.environ["SPAMTRACE_CONFIG"] = str(tmp_path / "cfg.toml")
    head = tmp_path / "head.php"
    head.write_bytes(b"<?php\n" + MAILER + b"//" + b"a" * 10_000 + b"\n")
    tail = tmp_path / "tail.php"
    tail.write_bytes(b"x" * 10_000 + b"<?php " + MAILER)
    video = tmp_path / "movie.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 10_000)
    rc, doc = _run_json(capsys, "--min-verdict", "clean", "--jobs", "1", str(tmp_path))
    by = {Path(f["path"]).name: f for f in doc["files"]}
    assert rc == 1
    assert by["head.php"]["verdict"] == "malicious"  # the mailer is in the analysed head
    assert OVERSIZED_RULE in {f["rule"] for f in by["head.php"]["findings"]}
    assert by["tail.php"]["verdict"] == "suspicious"  # PHP past the limit: the size says it
    assert [f["rule"] for f in by["tail.php"]["findings"]] == [OVERSIZED_RULE]
    assert by["tail.php"]["incomplete"] is True
    assert by["movie.mp4"]["verdict"] == "clean"  # no PHP anywhere in it
    assert by["movie.mp4"]["incomplete"] is False
    assert doc["summary"]["not_examined"] == 2


def test_links_and_special_files_are_listed_never_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "site"
    tree.mkdir()
    (tree / "index.php").write_text("<?php echo 'hi';\n")
    (tree / "shadow.php").symlink_to("/etc/shadow")
    (tree / "same.php").symlink_to("index.php")
    os.mkfifo(tree / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tree / "sock"))
    try:
        rc, doc = _run_json(capsys, "--jobs", "1", str(tree))
    finally:
        sock.close()
    reasons = {Path(f["path"]).name: f["reason"] for f in doc["files"]}
    assert reasons["shadow.php"] == "symlink out of the scanned tree (not followed) -> /etc/shadow"
    assert reasons["same.php"] == "symlink (not followed) -> index.php"
    assert reasons["pipe"] == "FIFO: not opened"
    assert reasons["sock"] == "socket: not opened"
    assert doc["summary"]["files"] == 1
    assert rc == 0  # listed, but nothing that holds code went unexamined


def test_a_root_named_through_a_symlink_is_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.php"
    real.write_bytes(b"<?php\n" + MAILER)
    link = tmp_path / "link.php"
    link.symlink_to(real)
    rc, doc = _run_json(capsys, "--jobs", "1", str(link))
    assert rc == 1
    assert doc["files"][0]["verdict"] == "malicious"


def test_empty_scan_is_not_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["scan", "--jobs", "1", str(tmp_path / "empty")]) == 1
    assert "0 files scanned" in capsys.readouterr().out


def test_jobs_capped_at_the_cpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.php").write_text("<?php echo 1;\n")
    rc = main(["scan", "--json", "--jobs", "100000", str(tmp_path / "site")])
    out, err = capsys.readouterr()
    assert rc == 0
    assert json.loads(out)["summary"]["files"] == 1
    assert f"--jobs 100000 capped at the {os.cpu_count()} CPUs" in err


def test_undecodable_and_escaped_names_differ_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = os.fsencode(str(tmp_path)) + b"/\xff.php"
    Path(os.fsdecode(raw)).write_bytes(b"<?php eval(base64_decode($_POST['x']));\n")
    (tmp_path / "\\xff.php").write_bytes(b"<?php eval(base64_decode($_POST['x']));\n")
    _, doc = _run_json(capsys, "--jobs", "1", str(tmp_path))
    keys = {(f["path"], f.get("path_hex")) for f in doc["files"]}
    assert len(keys) == 2
    assert (str(tmp_path) + "/\\xff.php", raw.hex()) in keys


def test_emoji_codes_in_names_print_as_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ":smile:.php").write_bytes(b"<?php eval(base64_decode($_POST['x']));\n")
    main(["scan", "--jobs", "1", str(tmp_path)])
    out = capsys.readouterr().out
    assert ":smile:.php" in out
    assert "\N{SMILING FACE WITH SMILING EYES}" not in out and "😄" not in out


def test_decoys_do_not_hide_the_running_script(tmp_path: Path) -> None:
    from spamtrace.scanner import rank_files

    site = tmp_path / "site"
    site.mkdir()
    for name in ("a-decoy.php", "b-decoy.php", "c-decoy.php"):
        (site / name).write_bytes(b"<?php\n" + _padding(50_000))
    script = site / "z-mailer.php"
    script.write_bytes(b"<?php\n" + MAILER)
    looks = iter(range(1_000_000))

    def clock() -> float:
        return next(looks) / 100  # a hundredth of a second per look at the clock

    stats: dict[str, int] = {}
    ranked = rank_files([str(script), str(site)], time_budget=0.3, clock=clock, stats=stats)
    # the script (named first) is scanned first, the decoys after it within what is left
    assert ranked and Path(ranked[0].path).name == "z-mailer.php"
    assert ranked[0].verdict.value == "malicious"
    # every file of the folder is scanned or counted as not scanned; none vanishes
    assert stats["scanned"] + stats["not_scanned"] == 4
    assert stats["not_scanned"] + stats["cut_short"] >= 1  # 0.3 s do not cover three decoys


def test_a_list_padded_with_spaces_does_not_hide_the_shell_after_it(tmp_path: Path) -> None:
    """A literal list whose items are separated by runs of spaces and that never closes: the
    command whitelist it seems to be is read in one pass, not tried split every way (which
    took seconds on a few dozen items and let the time limit skip the file, shell and all)."""
    items = b"'uptime'    " * 32
    path = tmp_path / "tools.php"
    path.write_bytes(
        b"<?php\n$cmds = array(" + items + b";\n$c = $_GET['c'];\n"
        b"if (in_array($c, $cmds)) { system($c); }\n"
    )
    report = scan_file(str(path), Limits(stop_at_score=0), load_rules(), load_yara())
    assert not report.incomplete, report.notes
    assert report.verdict.value == "malicious"


def test_the_named_script_is_scanned_even_with_no_budget_left(tmp_path: Path) -> None:
    from spamtrace.scanner import rank_files

    script = tmp_path / "mailer.php"
    script.write_bytes(b"<?php\n" + MAILER)
    ticks = iter(float(i) for i in range(100_000))
    stats: dict[str, int] = {}
    ranked = rank_files([str(script)], time_budget=0.0, clock=lambda: next(ticks), stats=stats)
    assert [Path(r.path).name for r in ranked] == ["mailer.php"]
    assert stats["scanned"] == 1


def test_a_mailer_in_a_folder_nested_past_path_max_is_found(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    remove_deep: Callable[[Path, str, tuple[str, ...]], None],
) -> None:
    """A tree nested past PATH_MAX (4096 bytes: relative mkdir and cd make it) was listed
    "cannot list directory: File name too long" and nothing in it was read: a dropper hidden
    there was never a finding, only one more incomplete scan (exit 1). The walk and the
    reader open such a path a part at a time (each part relative to the folder before):
    the mailer at the bottom is found, and nothing is left unexamined."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.php").write_text("<?php echo 1;\n")
    fd = os.open(site, os.O_RDONLY)
    try:
        for _ in range(25):  # 25 x 201 bytes: past PATH_MAX (4096)
            os.mkdir("d" * 200, dir_fd=fd)
            nxt = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        mailer = os.open("mailer.php", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(mailer, b"<?php\n" + MAILER)
        os.close(mailer)
    finally:
        os.close(fd)
    try:
        rc, doc = _run_json(capsys, "--jobs", "1", str(site))
    finally:
        remove_deep(site, "d" * 200, ("mailer.php",))  # pytest's clean-up cannot remove it
    found = [f for f in doc["files"] if f["path"].endswith("/mailer.php")]
    assert [f["verdict"] for f in found] == ["malicious"], doc["files"]
    assert len(found[0]["path"]) > 4096
    assert not [f for f in doc["files"] if f["verdict"] == "skipped"]
    assert doc["summary"]["not_examined"] == 0
    assert rc == 1


@pytest.mark.timeout(30)  # a hang here is a failure, not a stuck suite
@pytest.mark.parametrize("callback", [b"''", b"' '", b"'a'"])
def test_a_hook_callback_that_names_no_function_ends(tmp_path: Path, callback: bytes) -> None:
    # an empty callback name once looped forever in the search for its body (the search
    # for b"" never moves on); a one-letter name was looked up once per occurrence of "a",
    # for each of the file's hooks
    path = tmp_path / "hook.php"
    hooks = b"add_action('wp_footer', " + callback + b");\n"
    path.write_bytes(b"<?php\n" + hooks * 60 + b"$a = 'a' . 'a';\n" * 20_000)
    limits = Limits(stop_at_score=0, file_timeout=1e9)
    report = scan_file(str(path), limits, load_rules(), load_yara())
    assert not report.incomplete and report.verdict.value == "clean"


def test_calls_with_too_few_arguments_break_no_rule(tmp_path: Path) -> None:
    # every rule runs (stop_at_score=0); a call missing its arguments (a broken or
    # truncated file) is no reason for a rule to fail: fwrite($h) on a .php handle once did
    path = tmp_path / "short.php"
    path.write_bytes(
        b"<?php\n$h = fopen('x.php', 'w');\nfwrite($h);\nfputs();\nfile_put_contents('a.php');\n"
        b"call_user_func();\narray_map();\nparse_str($_GET['q']);\nextract();\n$f = 'ass';\n$f();\n"
    )
    report = scan_file(str(path), Limits(stop_at_score=0), load_rules(), load_yara())
    assert not report.incomplete and not report.reason, report.notes


def test_a_sparse_file_over_the_limit_is_searched_past_its_holes(tmp_path: Path) -> None:
    # a 1 GiB `truncate`d file: read chunk by chunk, its search ran out of time and the
    # file was called suspicious (PHP could not be ruled out); its holes hold no PHP
    empty = tmp_path / "big.php"
    with empty.open("wb") as fh:
        fh.truncate(1 << 30)
    tagged = tmp_path / "tagged.php"
    with tagged.open("wb") as fh:
        fh.seek(700 << 20)
        fh.write(b"<?php " + MAILER)
        fh.truncate(1 << 30)
    rules, yara = load_rules(), load_yara()
    limits = Limits(max_file_size=4096, file_timeout=200)
    looks = iter(range(100_000))
    report = scan_file(str(empty), limits, rules, yara, clock=lambda: next(looks))
    assert report.verdict.value == "clean" and not report.incomplete
    assert report.size == 1 << 30
    looks = iter(range(100_000))
    report = scan_file(str(tagged), limits, rules, yara, clock=lambda: next(looks))
    assert [f.rule for f in report.findings] == [OVERSIZED_RULE]  # the data after a hole
