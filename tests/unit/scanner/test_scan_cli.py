"""`spamtrace scan`: output (golden JSON), exit codes, escaping, baselines."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from scanner_helpers import SAMPLES, isolate_config, run_json

from spamtrace.cli.main import main
from spamtrace.scanner.rules import load_rules

GOLDEN = Path(__file__).resolve().parent / "golden" / "scan-samples.json"
OVERLAPS = {r.id: r.overlaps for r in load_rules()}


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_config(tmp_path, monkeypatch)


_run_json = run_json


def _normalize(doc: dict[str, Any], root: str) -> dict[str, Any]:
    for f in doc["files"]:
        f["path"] = f["path"].replace(root, "SAMPLES")
        f["seconds"] = 0
    doc["summary"]["seconds"] = 0
    return doc


def _no_time_limit(tmp_path: Path) -> None:
    """The per-file time limit (2 s of wall clock) off: on a loaded machine a sample can take
    longer and be cut short, and these tests compare what the rules find, not the limit
    (tested on its own in the engine tests)."""
    (tmp_path / "spamtrace.toml").write_text("[scan]\nfile_timeout = 600\n")


def test_golden_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _no_time_limit(tmp_path)
    rc, doc = _run_json(
        capsys, "--min-verdict", "clean", "--jobs", "1", "--all-reasons", str(SAMPLES)
    )
    assert rc == 1
    doc = _normalize(doc, str(SAMPLES))
    if os.environ.get("UPDATE_GOLDEN_SCAN"):
        GOLDEN.write_text(json.dumps(doc, indent=2) + "\n")
    golden = json.loads(GOLDEN.read_text())
    # on a mismatch, the whole entries that differ (it failed twice under load, 1 in 2166
    # tests, and passed alone: which file, and why, was cut from pytest's diff)
    known = {json.dumps(f, sort_keys=True) for f in golden["files"]}
    differ = [f for f in doc["files"] if json.dumps(f, sort_keys=True) not in known]
    assert doc == golden, (json.dumps(differ)[:4000], doc["summary"], golden["summary"])
    assert doc["schema"] == "spamtrace.scan/1"


def test_default_stops_at_enough_score_with_the_same_verdicts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _no_time_limit(tmp_path)
    _, full = _run_json(
        capsys, "--min-verdict", "clean", "--jobs", "1", "--all-reasons", str(SAMPLES)
    )
    _, quick = _run_json(capsys, "--min-verdict", "clean", "--jobs", "2", str(SAMPLES))
    full_by = {f["path"]: f for f in full["files"]}
    quick_by = {f["path"]: f for f in quick["files"]}
    assert full_by.keys() == quick_by.keys()
    stopped = 0
    for path, q in quick_by.items():
        f = full_by[path]
        assert q["verdict"] == f["verdict"], path
        if any(n.startswith("stopped at score") for n in q["notes"]):
            stopped += 1
            assert 10 <= q["score"] <= f["score"], path
            assert q["verdict"] == "malicious"
            # what it found is in the full report, or says the same as a rule there
            same = {o for x in f["findings"] for o in (x["rule"], *OVERLAPS[x["rule"]])}
            assert {x["rule"] for x in q["findings"]} <= same, path
        else:
            assert q["findings"] == f["findings"], path
            assert q["score"] == f["score"], path
    assert stopped >= 5  # the big samples stop early: the test would pass vacuously otherwise
    assert quick["summary"]["stopped_early"] == stopped
    assert full["summary"]["stopped_early"] == 0
    same = {"seconds", "stopped_early"}
    assert {k: v for k, v in quick["summary"].items() if k not in same} == {
        k: v for k, v in full["summary"].items() if k not in same
    }


def test_exit_codes_and_min_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(SAMPLES / "clean", clean)
    rc, doc = _run_json(capsys, str(clean))
    assert rc == 0
    assert doc["files"] == []
    assert doc["summary"]["files"] == len(list((SAMPLES / "clean").iterdir()))
    rc, doc = _run_json(capsys, "--min-verdict", "malicious", str(SAMPLES))
    assert rc == 1
    assert {f["verdict"] for f in doc["files"]} == {"malicious"}


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # like clamscan: a typo in the path must not read as a clean scan
    assert main(["scan", "/nonexistent/spamtrace-test"]) == 2
    err = capsys.readouterr().err
    assert "no such file or directory: /nonexistent/spamtrace-test" in err
    assert "Traceback" not in err
    # an empty argument (an unset variable in a script) is named as such, not as ": "
    assert main(["scan", ""]) == 2
    assert "an empty PATH" in capsys.readouterr().err


def test_names_with_newlines_and_escape_codes_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = tmp_path / "a\nMALICIOUS 0 fake\x1b[2J.php"
    evil.write_bytes(b"<?php eval(base64_decode($_POST['x']));")
    rc = main(["scan", "--jobs", "1", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 1
    assert "\x1b" not in out
    assert "a\\nMALICIOUS 0 fake\\x1b[2J.php" in out
    lines = [ln for ln in out.splitlines() if ln.startswith("MALICIOUS")]
    assert len(lines) == 1  # the forged line stayed inside the one escaped path
    rc, doc = _run_json(capsys, "--jobs", "1", str(tmp_path))
    assert doc["files"][0]["path"].endswith("a\nMALICIOUS 0 fake\x1b[2J.php")  # JSON escapes itself


def test_on_a_narrow_terminal_wrapped_lines_stay_under_their_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 50 columns a long path went on at the margin, where its rest read as a line of its
    own, and a finding beside its long rule id ran past the edge and lost its excerpt."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    con = Console(file=buf, width=50, force_terminal=True, color_system=None)
    monkeypatch.setattr("spamtrace.render.output.console", lambda stderr=False: con)
    folder = tmp_path / "public_html" / "wp-content" / "uploads"
    folder.mkdir(parents=True)
    (folder / "a\nMALICIOUS 0 fake.php").write_bytes(b"<?php system($_GET['cmd']);")
    assert main(["scan", "--jobs", "1", str(tmp_path)]) == 1
    lines = buf.getvalue().splitlines()
    report = lines[: next(i for i, ln in enumerate(lines) if ln[:1].isdigit())]
    assert report[0].startswith("MALICIOUS") and all(ln.startswith(" ") for ln in report[1:])
    assert all(len(line) <= 50 for line in report), report
    assert "system($_GET['cmd']);" in [ln.strip() for ln in report], report


def test_undecodable_file_name_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = os.fsencode(str(tmp_path)) + b"/\xff\xfe.php"
    with open(name, "wb") as fh:
        fh.write(b"<?php system($_GET['c']);")
    rc, doc = _run_json(capsys, "--jobs", "1", str(tmp_path))
    assert rc == 1
    assert doc["files"][0]["path"].endswith("\\xff\\xfe.php")


def test_baseline_record_and_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLES / "malicious", site)
    baseline = tmp_path / "baseline.json"
    assert main(["scan", "--json", "--record-baseline", str(baseline), str(site)]) == 1
    # a baseline recorded on a live site holds its droppers as "known good": said
    out, err = capsys.readouterr()
    malicious = sum(1 for f in json.loads(out)["files"] if f["verdict"] == "malicious")
    assert malicious and f"note: the baseline {baseline} holds {malicious} file(s) " in err
    recorded = json.loads(baseline.read_text())
    assert recorded["schema"] == "spamtrace.scan-baseline/1"
    assert len(recorded["files"]) == len(list(site.iterdir()))
    rc, doc = _run_json(capsys, "--baseline", str(baseline), str(site))
    assert rc == 0 and doc["files"] == []
    (site / "new.php").write_bytes(b"<?php eval(gzinflate(base64_decode('x')));")
    rc, doc = _run_json(capsys, "--baseline", str(baseline), str(site))
    assert rc == 1
    assert [Path(f["path"]).name for f in doc["files"]] == ["new.php"]


def test_record_baseline_to_a_folder_is_refused_before_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # it scanned, then failed and left "<folder>.tmp.PID" beside the folder
    out = tmp_path / "out"
    out.mkdir()
    for target, what in ((out, "is a folder"), (tmp_path / "no" / "b.json", "does not exist")):
        assert main(["scan", "--record-baseline", str(target), str(SAMPLES / "clean")]) == 2
        assert what in capsys.readouterr().err
    assert not list(tmp_path.glob("out.tmp.*")) and not (tmp_path / "no").exists()


def test_record_baseline_never_replaces_a_device_fifo_or_socket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The baseline is renamed over its path: `--record-baseline /dev/null` replaced the
    device with a regular file (and /dev/full, a FIFO...). Refused before the scan, and
    again just before the rename (a FIFO made at the path while the scan ran)."""
    import socket

    from spamtrace.scanner import baseline

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        for target, kind in ((fifo, "a FIFO"), (sock_path, "a socket")):
            assert main(["scan", "--record-baseline", str(target), str(SAMPLES / "clean")]) == 2
            err = capsys.readouterr().err
            assert f"not a regular file ({kind})" in err, err
        assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if os.path.exists("/dev/null"):  # only looked at: refused before anything is written
        assert main(["scan", "--record-baseline", "/dev/null", str(SAMPLES / "clean")]) == 2
        assert "(a character device)" in capsys.readouterr().err
    late = tmp_path / "late.json"  # a FIFO made there during the scan
    monkeypatch.setattr(baseline, "check_target", lambda path: os.mkfifo(path))
    assert main(["scan", "--record-baseline", str(late), str(SAMPLES / "clean")]) == 2
    assert stat.S_ISFIFO(os.lstat(late).st_mode)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".late")]
    monkeypatch.undo()
    link = tmp_path / "link.json"  # a symlink is replaced itself, never followed
    os.symlink(fifo, link)
    assert main(["scan", "--record-baseline", str(link), str(SAMPLES / "clean")]) == 0
    assert not link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_bad_baseline_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    assert main(["scan", "--baseline", str(bad), str(tmp_path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


@pytest.mark.timeout(30)
def test_a_baseline_that_is_not_a_regular_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--baseline` of a FIFO waited for a writer for ever, and of /dev/zero read until
    memory ran out: refused at once, as a config file is. A folder said "cannot read
    baseline DIR: Is a directory", worded apart from the others: every kind is said alike,
    and so is a missing file."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    targets = [(str(fifo), "a FIFO"), (str(tmp_path), "a folder")]
    if os.path.exists("/dev/zero"):
        targets.append(("/dev/zero", "a character device"))
    for target, kind in targets:
        assert main(["scan", "--baseline", target, str(SAMPLES / "clean")]) == 2
        err = capsys.readouterr().err
        assert err == (f"spamtrace: error: --baseline {target}: not a regular file ({kind}): "
                       "give a file written by --record-baseline\n"), err
    missing = tmp_path / "missing.json"
    assert main(["scan", "--baseline", str(missing), str(SAMPLES / "clean")]) == 2
    err = capsys.readouterr().err
    assert err == f"spamtrace: error: --baseline {missing}: No such file or directory\n", err


def test_human_output_lists_rules_lines_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(SAMPLES / "malicious" / "dropper-base64.php")
    rc = main(["scan", "--jobs", "2", "--all-reasons", path])
    out = capsys.readouterr().out
    assert rc == 1
    assert "php.eval-decoded (+12, line 3)" in out
    assert "php.decoded-payload" in out
    assert "1 file, " in out and "1 malicious" in out


def test_record_baseline_does_not_write_through_a_link_planted_at_its_temporary_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # root records a baseline into a folder a hosting account can write: the temporary file's
    # name was predictable (<path>.tmp.<pid>) and opened following links, so a link planted
    # there made root overwrite the file it points to
    from spamtrace.scanner import baseline

    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    target = tmp_path / "baseline.json"
    monkeypatch.setattr(os, "getpid", lambda: 4242)
    os.symlink(victim, f"{target}.tmp.4242")
    baseline.write(str(target), {"/a.php": "00"})
    assert victim.read_text() == "precious\n"
    assert json.loads(target.read_text())["files"] == {"/a.php": "00"}
    assert not target.is_symlink()


@pytest.mark.skipif(not os.path.isdir("/sys"), reason="needs /sys")
def test_record_baseline_in_a_folder_it_cannot_write_is_refused_before_the_scan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`scan --record-baseline FILE` as a user who may not write FILE's folder (or on a
    read-only mount) scanned the whole tree, then failed with nothing printed: the report
    was thrown away. Refused before the scan, with the reason (/sys refuses a new file even
    to root)."""
    assert main(["scan", "--record-baseline", "/sys/wp.json", str(SAMPLES / "clean")]) == 2
    out, err = capsys.readouterr()
    assert err == ("spamtrace: error: --record-baseline /sys/wp.json: cannot write in /sys: "
                   "Permission denied\n"), err  # fmt: skip
    assert out == ""  # refused before the scan, not after it


def test_a_baseline_that_cannot_be_written_keeps_the_report_and_is_a_runtime_failure(
    tmp_path: Path,
) -> None:
    """A disk that fills during a long scan: the baseline was written before the report was
    printed, so the report was lost, and the exit was 2 (usage). The report comes first,
    whole; then one line, exit 3. The write fails for real: a file size limit (EFBIG)."""
    import resource
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    target = out / "wp.json"

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    proc = subprocess.run(
        [sys.executable, "-m", "spamtrace", "scan", "--json", "--jobs", "1",
         "--record-baseline", str(target), str(SAMPLES / "clean")],
        capture_output=True, text=True, timeout=120, preexec_fn=small_files,
        env={**os.environ, "SPAMTRACE_CONFIG_DIR": "/nonexistent"},
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert json.loads(proc.stdout)["summary"]["files"] > 3  # the report, whole
    assert proc.stderr == (f"spamtrace: error: --record-baseline {target}: not written: File "
                           "too large (the scan report is whole)\n"), proc.stderr  # fmt: skip
    assert list(out.iterdir()) == []  # no partial file left beside it


def test_piped_report_lines_are_what_rich_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a pipe the report's fields are written as plain lines (rich's print probed the
    terminal a dozen times a line): the same text as rich's field(), ellipsis included."""
    from spamtrace.render import scan as render_scan
    from spamtrace.scanner.report import FileReport, Finding, ScanTally, ScanVerdict

    cut = "eval(base64_decode($_POST['x'])) \u2026"
    reports = [
        FileReport("/srv/a\\nb.php", ScanVerdict.MALICIOUS, 22,
                   (Finding("php.eval-request", "d", 12, 3, cut, layer=1),
                    Finding("php.small-single-purpose", "d", 5, 0, "small")),
                   40, notes=("changed while read: scanned what was read",)),
        FileReport("/srv/s.php", ScanVerdict.SUSPICIOUS, 5,
                   (Finding("shell.ui-words", "d", 5, 0, "cmd, safe mode"),), 9),
        FileReport("/srv/slow.php", ScanVerdict.SKIPPED, 0, (), 9, reason="too slow: over 2s"),
    ]  # fmt: skip
    tally = ScanTally()
    for r in reports:
        tally.add(r)
    summary = tally.summary(1.0)
    render_scan.print_scan(reports, summary, {})
    plain = capsys.readouterr().out
    assert "\u2026" not in plain and "decoded layer 1" in plain
    assert "      note: changed while read" in plain
    monkeypatch.setattr(
        render_scan, "_field_writer",
        lambda out, field: lambda label, text, indent: field(out, label, text, indent=indent),
    )  # fmt: skip
    render_scan.print_scan(reports, summary, {})
    assert capsys.readouterr().out == plain


def test_scan_of_standard_input_says_it_reads_files(capsys: pytest.CaptureFixture[str]) -> None:
    """`spamtrace scan -` (clamscan's standard input) said only "no such file or directory: -"."""
    assert main(["scan", "-"]) == 2
    assert capsys.readouterr().err == (
        "spamtrace: error: no such file or directory: - (scan reads files, not standard input)\n"
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [("-1", "'-1': give 0 (one per CPU) or more"), ("two", "not a whole number: 'two'")],
)
def test_a_bad_jobs_value_is_said_as_any_bad_option(
    value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan --jobs -1` said "--jobs must be >= 0", unlike every other bad value (the
    command, the option and its --help)."""
    assert main(["scan", f"--jobs={value}", str(SAMPLES / "clean")]) == 2
    assert capsys.readouterr().err == (
        f"spamtrace: error: scan: argument --jobs: {said} (see: spamtrace scan --help)\n"
    )


def test_links_inside_the_tree_are_counted_on_the_terminal_and_listed_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cPanel's `www -> public_html` (and a tree of thousands of such links) is not a line
    each: its target is scanned where it is. A link out of the tree (`x.txt -> /etc/passwd`,
    how one account reads another's files) is still listed, and `--json` lists both."""
    home = tmp_path / "home"
    site = home / "public_html"
    site.mkdir(parents=True)
    (site / "index.php").write_text("<?php echo 'hello';\n")
    (home / "www").symlink_to("public_html")
    (site / "x.txt").symlink_to("/etc/passwd")
    (site / "notes.txt").symlink_to(tmp_path)  # out of the tree, nowhere sensitive
    assert main(["scan", str(home)]) == 0
    out = capsys.readouterr().out
    # a link to the system's password file is a finding of its own (the web server follows it)
    assert f"SUSPICIOUS    8  {site / 'x.txt'}\n" in out
    assert "link.sensitive-target (+8, file): -> /etc/passwd: a system file or folder" in out
    assert f"{site / 'notes.txt'}: symlink out of the scanned tree (not followed) -> " in out
    assert str(home / "www") not in out
    assert "1 suspicious, 1 skipped, 1 symlink(s) inside the scanned tree not followed" in out
    assert main(["scan", "--json", str(home)]) == 0
    doc = json.loads(capsys.readouterr().out)
    reasons = {Path(f["path"]).name: (f["verdict"], f["reason"]) for f in doc["files"]}
    assert reasons == {
        "www": ("skipped", "symlink (not followed) -> public_html"),
        "notes.txt": ("skipped", f"symlink out of the scanned tree (not followed) -> {tmp_path}"),
        "x.txt": ("suspicious", "symlink out of the scanned tree (not followed) -> /etc/passwd"),
    }


def test_a_link_through_a_link_of_the_tree_is_judged_where_it_leads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`r -> self/../../../root` with `self -> .` leads to /root (the kernel takes `..` after
    the folder `self` names), but the link's text, read alone, said one folder lower
    (/tmp/root): skipped as a plain link out of the tree, where `r -> /root` is suspicious.
    And `x -> out/a.php`, `out` a link out of the tree, was "inside the scanned tree"."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.php").write_text("<?php echo 1;\n")
    (site / "self").symlink_to(".")
    ups = len(site.parts) - 1  # `self/..` is the site's folder: this many more reach /
    (site / "r").symlink_to("self/" + "../" * ups + "root")
    (tmp_path / "elsewhere").mkdir()
    (site / "out").symlink_to(tmp_path / "elsewhere")
    (site / "x.php").symlink_to("out/a.php")
    (site / "loop").symlink_to("loop/x")  # read 40 times at most, then as its text
    assert main(["scan", "--json", str(site)]) == 0
    doc = json.loads(capsys.readouterr().out)
    found = {Path(f["path"]).name: (f["verdict"], f["reason"]) for f in doc["files"]}
    r = next(f for f in doc["files"] if Path(f["path"]).name == "r")
    assert found["r"][0] == "suspicious"
    assert [x["excerpt"] for x in r["findings"]] == [
        f"-> self/{'../' * ups}root: a system file or folder"
    ]
    out = "symlink out of the scanned tree (not followed) -> "
    assert found["x.php"] == ("skipped", f"{out}out/a.php")
    assert found["self"] == ("skipped", "symlink (not followed) -> .")
    assert found["loop"] == ("skipped", "symlink (not followed) -> loop/x")


def test_a_root_that_is_a_dangling_symlink_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan /home/shop/www` where the site folder www pointed to was removed: a path that
    leads nowhere, as a typo does (exit 2), not a scan that found nothing to look at."""
    www = tmp_path / "www"
    www.symlink_to(tmp_path / "public_html")
    assert main(["scan", str(www)]) == 2
    err = capsys.readouterr().err
    assert f"no such file or directory: {www} (a symlink to {tmp_path}/public_html" in err, err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("count", "worded"), [(1, "1 file"), (2, "2 files")])
def test_the_progress_line_and_summary_word_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    count: int, worded: str,
) -> None:
    """A one-file scan said "scanned 1 files" on its progress line."""
    for i in range(count):
        (tmp_path / f"f{i}.php").write_text("<?php echo 1;\n")
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    rc = main(["scan", "--jobs", "1", *(str(tmp_path / f"f{i}.php") for i in range(count))])
    assert rc == 0
    shown = err.getvalue()
    assert f"scanned {worded}" in shown
    assert f"scanned {worded}s" not in shown
    assert capsys.readouterr().out.startswith(f"{worded},")
