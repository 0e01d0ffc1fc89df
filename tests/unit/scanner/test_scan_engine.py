"""Reading, walking and limits: bad input never blocks, crashes or disappears silently."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from scanner_helpers import SAMPLES

from spamtrace.scanner import engine
from spamtrace.scanner.engine import Limits, rank_files, scan_file, scan_paths
from spamtrace.scanner.report import MALICIOUS_SCORE, ScanVerdict
from spamtrace.scanner.rules import load_rules, load_yara
from spamtrace.scanner.walk import walk


def _scan(path: Path, limits: Limits | None = None) -> engine.FileReport:
    return scan_file(str(path), limits or Limits(), load_rules(), load_yara())


def test_binary_file_is_clean(tmp_path: Path) -> None:
    p = tmp_path / "blob.bin"
    p.write_bytes(bytes(range(256)) * 1000)
    assert _scan(p).verdict is ScanVerdict.CLEAN


def test_invalid_utf8_is_scanned(tmp_path: Path) -> None:
    p = tmp_path / "bad.php"
    p.write_bytes(b"<?php\n$\xff\xfe = '\xc3\x28'; eval($_POST['x']); // \xed\xa0\x80\n")
    rep = _scan(p)
    assert rep.verdict is ScanVerdict.MALICIOUS
    assert all(f.excerpt.isprintable() for f in rep.findings)


def test_100mb_php_file_is_a_finding_its_head_scanned(tmp_path: Path) -> None:
    p = tmp_path / "huge.php"
    with open(p, "wb") as fh:
        fh.write(b"<?php ")
        fh.truncate(100 * 1024 * 1024)
    rep = _scan(p)
    assert rep.verdict is ScanVerdict.SUSPICIOUS
    assert [f.rule for f in rep.findings] == ["scan.oversized-php"]
    assert rep.incomplete and rep.size == 100 * 1024 * 1024
    assert any(n.startswith("too large") for n in rep.notes)


def test_50mb_single_line_is_bounded(tmp_path: Path) -> None:
    p = tmp_path / "oneline.php"
    p.write_bytes(
        b"<?php $a='" + b"QUJD" * (50 * 1024 * 1024 // 4) + b"'; eval(base64_decode($a));"
    )
    rep = _scan(p, Limits(max_file_size=64 * 1024 * 1024, file_timeout=3.0))
    # either scanned within the budget or reported as too slow: never hangs, never dropped
    assert rep.verdict in (ScanVerdict.MALICIOUS, ScanVerdict.SKIPPED)
    if rep.verdict is ScanVerdict.SKIPPED:
        assert rep.reason is not None and rep.reason.startswith("too slow")
    assert rep.seconds < 30


def test_budget_exceeded_keeps_the_findings_and_says_so(tmp_path: Path) -> None:
    p = SAMPLES / "malicious" / "webshell-lookalike.php"
    ticks = iter(range(0, 10_000))
    rep = scan_file(
        str(p),
        Limits(file_timeout=2.0, stop_at_score=0),
        load_rules(),
        load_yara(),
        clock=lambda: next(ticks),
    )
    assert rep.verdict is ScanVerdict.MALICIOUS  # its first rules already say so
    assert rep.incomplete
    assert rep.notes == ("cut short: over the 2s time limit; the findings made by then stand",)


def test_unreadable_file_is_skipped_with_reason() -> None:
    # root reads everything, so run the scan as an unprivileged user in a subprocess
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to drop privileges")
    base = Path(tempfile.mkdtemp(prefix="spamtrace-scan-"))
    try:
        base.chmod(0o755)
        secret = base / "secret.php"
        secret.write_bytes(b"<?php eval($_POST['x']);")
        secret.chmod(0)
        src = str(Path(engine.__file__).resolve().parents[2])
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from spamtrace.scanner.engine import Limits, scan_file;"
            "from spamtrace.scanner.rules import load_rules;"
            "r = scan_file(sys.argv[2], Limits(), load_rules(), None);"
            "print(r.verdict.value + '|' + str(r.reason))"
        )
        out = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-c", code, src, str(secret)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        verdict, reason = out.stdout.strip().split("|", 1)
        assert verdict == "skipped"
        assert reason.startswith("cannot open") and "ermission" in reason
    finally:
        shutil.rmtree(base)


def test_walk_never_follows_symlinks_and_lists_fifos_and_devices(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "evil.php").write_bytes(b"<?php eval($_POST['x']);")
    (root / "link-out").symlink_to(outside)
    (root / "link-file").symlink_to(outside / "evil.php")
    (root / "loop").symlink_to(root)
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root / "sub")
    os.mkfifo(root / "fifo.php")
    if os.geteuid() == 0:
        os.mknod(root / "null.php", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    (root / "ok.php").write_bytes(b"<?php echo 1;")
    items = list(walk([str(root)]))
    paths = {Path(i.path).name for i in items if not i.skipped}
    assert paths == {"ok.php"}
    reasons = {Path(i.path).name: i.skipped for i in items if i.skipped}
    out = str(outside)
    expected = {
        "link-out": f"symlink out of the scanned tree (not followed) -> {out}",
        "link-file": f"symlink out of the scanned tree (not followed) -> {out}/evil.php",
        "loop": f"symlink (not followed) -> {root}",
        "up": f"symlink (not followed) -> {root}/sub",
        "fifo.php": "FIFO: not opened",
    }
    if os.geteuid() == 0:
        expected["null.php"] = "character device: not opened"
    assert reasons == expected
    reports = list(scan_paths([i.path for i in items if not i.skipped], Limits(), jobs=1))
    assert [r.verdict for r in reports] == [ScanVerdict.CLEAN]
    # named on the command line, each is said as inside a folder (it said "not a regular
    # file or directory" of a FIFO or /dev/null named as a root)
    named = [str(root / n) for n in ("fifo.php", "null.php") if n in expected]
    assert {Path(i.path).name: i.skipped for i in walk(named)} == {
        n: expected[n] for n in ("fifo.php", "null.php") if n in expected
    }


def test_fifo_swapped_in_after_walk_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "late.php"
    os.mkfifo(fifo)
    rep = _scan(fifo)
    assert rep.verdict is ScanVerdict.SKIPPED
    assert rep.reason == "replaced by a FIFO since it was listed: not read"


def test_a_file_swapped_for_a_link_after_the_walk_is_said_so(tmp_path: Path) -> None:
    """A file the walk listed, then put a link at its name (`x.php -> /etc/shadow`): it was
    not followed, but said "cannot open: Too many levels of symbolic links", which reads as a
    fault of the disk. Said as the walk says a link, and still not examined (exit 1)."""
    from spamtrace.scanner.report import ScanTally

    link = tmp_path / "x.php"
    link.symlink_to("/etc/shadow")
    rep = _scan(link)
    assert rep.verdict is ScanVerdict.SKIPPED
    assert rep.reason == "replaced by a symlink since it was listed (not followed) -> /etc/shadow"
    tally = ScanTally(files=1)
    tally.add(rep)
    assert tally.not_examined == 1


def test_file_changing_while_read_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "growing.php"
    p.write_bytes(b"<?php eval($_POST['x']);\n")
    real_read = os.read
    grown = {"done": False}

    def read_and_grow(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        if not grown["done"]:
            grown["done"] = True
            with open(p, "ab") as fh:
                fh.write(b"// appended while the scanner was reading\n" * 10)
        return chunk

    monkeypatch.setattr(engine.os, "read", read_and_grow)
    rep = _scan(p)
    assert rep.verdict is ScanVerdict.MALICIOUS
    assert any("changed while read" in n for n in rep.notes)


def test_small_file_read_with_a_buffer_of_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a read of 1 MiB for a 30-byte file allocates (and maps) 1 MiB first
    p = tmp_path / "small.php"
    p.write_bytes(b"<?php echo 'hello world'; ?>\n")
    asked: list[int] = []
    real_read = os.read

    def read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(engine.os, "read", read)
    rep = _scan(p)
    assert rep.verdict is ScanVerdict.CLEAN and rep.size == p.stat().st_size
    assert asked and max(asked) <= p.stat().st_size + 1


def test_file_grown_before_its_first_read_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fstat saw the short file; the read asks one byte past that end, gets it, reads on
    p = tmp_path / "grows.php"
    p.write_bytes(b"<?php\n// a comment\n")
    real_read = os.read
    grown = {"done": False}

    def grow_then_read(fd: int, n: int) -> bytes:
        if not grown["done"]:
            grown["done"] = True
            with open(p, "ab") as fh:
                fh.write(b"eval($_POST['x']);\n" + b"// padding\n" * 5000)
        return real_read(fd, n)

    monkeypatch.setattr(engine.os, "read", grow_then_read)
    rep = _scan(p)
    assert rep.verdict is ScanVerdict.MALICIOUS
    assert rep.size == p.stat().st_size
    assert any("changed while read" in n for n in rep.notes)


def test_scan_paths_uses_workers_and_keeps_every_file(tmp_path: Path) -> None:
    paths = [str(p) for p in sorted((SAMPLES / "malicious").iterdir())]
    paths.append(str(tmp_path / "missing.php"))
    reports = list(scan_paths(paths, Limits(), jobs=2))
    assert sorted(r.path for r in reports) == sorted(paths)
    missing = next(r for r in reports if r.path.endswith("missing.php"))
    assert missing.verdict is ScanVerdict.SKIPPED


def test_other_filesystem_is_not_crossed(tmp_path: Path) -> None:
    if not os.path.isdir("/proc/self") or os.stat("/proc").st_dev == os.stat("/").st_dev:
        pytest.skip("needs /proc mounted as its own filesystem")
    items = list(walk(["/proc/self/.."], max_depth=0))  # /proc is the root here: allowed
    assert items
    root_items = [i for i in walk(["/"], max_depth=0) if i.path == "/proc"]
    # the kernel's own filesystem: not entered, and --cross-filesystems is not offered for it
    assert root_items and root_items[0].skipped == (
        "proc filesystem: the kernel's own, no files to scan (not entered)"
    )


def test_procfs_folders_shown_under_many_paths_are_no_bind_mount() -> None:
    """procfs shows one folder (device and inode) under many paths: `/proc/N/net/stat` and
    `/proc/N/task/T/net/stat`. A scan of /proc listed 2,381 of them as `the same folder as ...
    (a bind mount)`, which they are not; they stay unsaid, as before that message came."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        items = list(walk([f"/proc/{child.pid}"]))
    finally:
        child.kill()
        child.wait()
    assert any("/net/stat/" in i.path for i in items) or not os.path.isdir(
        f"/proc/{os.getpid()}/task/{os.getpid()}/net"
    )  # the net folders were met (a kernel with them per task)
    assert not [i.path for i in items if (i.skipped or "").startswith("the same folder as")]


def test_check_and_watch_rank_with_the_admins_rules_of_one_rule_file(tmp_path: Path) -> None:
    """`[scan] yara_rules` naming one rule file (which `scan` and `config check` take): the
    folder scans of `check`, `watch` and the daemon listed the "folder" to stamp the rules,
    got "Not a directory" and scanned without them, saying nothing."""
    from spamtrace.config import ScanSection

    rules = tmp_path / "custom.yara"
    rules.write_text('rule marker { strings: $m = "SPAMKIT-7" condition: $m }\n')
    site = tmp_path / "site"
    site.mkdir()
    (site / "kit.txt").write_text("SPAMKIT-7\n")
    (ranked,) = rank_files([str(site)], cfg=ScanSection(yara_rules=str(rules)))
    assert ranked.verdict is ScanVerdict.MALICIOUS
    assert [f.rule for f in ranked.findings] == ["yara.custom.marker"]


def test_rank_files_most_suspicious_first(tmp_path: Path) -> None:
    d = tmp_path / "site"
    d.mkdir()
    shutil.copy(SAMPLES / "malicious" / "webshell-lookalike.php", d / "a.php")
    shutil.copy(SAMPLES / "malicious" / "preg-e.php", d / "b.php")
    shutil.copy(SAMPLES / "clean" / "template-engine.php", d / "c.php")
    (d / "deeper").mkdir()
    shutil.copy(SAMPLES / "malicious" / "dropper-base64.php", d / "deeper" / "x.php")
    roots = [str(d), str(SAMPLES / "malicious" / "socket-mailer.php")]
    ranked = rank_files(roots, limit=4)
    # malicious first (the running script first, then by score); the clean file is not
    # listed, the deeper one not read
    assert [r.verdict for r in ranked] == [ScanVerdict.MALICIOUS] * 3
    assert {Path(r.path).name for r in ranked} == {"a.php", "b.php", "socket-mailer.php"}
    assert Path(ranked[0].path).name == "socket-mailer.php"
    assert [r.score for r in ranked[1:]] == sorted((r.score for r in ranked[1:]), reverse=True)
    assert len(rank_files(roots, limit=2)) == 2
    # the same verdict and score as `scan` gives the file (one verdict per file everywhere)
    for r in ranked:
        alone = next(scan_paths([r.path], Limits(), jobs=1))
        assert (alone.verdict, alone.score, alone.findings) == (r.verdict, r.score, r.findings)
    ticks = iter(float(i) for i in range(100))
    assert rank_files([str(d)], time_budget=0.5, clock=lambda: next(ticks)) == []


def test_rank_files_puts_the_running_script_first_among_equals(tmp_path: Path) -> None:
    # two copies stop at the same malicious score: "this is the file" named a.php (first by
    # name) while the process ran z.php
    for name in ("a.php", "z.php"):
        shutil.copy(SAMPLES / "malicious" / "webshell-lookalike.php", tmp_path / name)
    ranked = rank_files([str(tmp_path / "z.php"), str(tmp_path)])
    assert [Path(r.path).name for r in ranked] == ["z.php", "a.php"]
    assert ranked[0].score == ranked[1].score


def test_rank_files_puts_a_malicious_running_script_before_a_higher_stop(
    tmp_path: Path,
) -> None:
    # a mailer of the folder stopped at 15, the running shell at 12: "most suspicious file
    # in the folder: mailer.php" was said of a sender whose own script is malicious (the
    # scores are where each stopped, not how bad each is)
    (tmp_path / "mailer.php").write_text(
        "<?php\nforeach (explode(\"\\n\", $_POST['emails']) as $to) {\n"
        "    mail(trim($to), $_POST['subject'], $_POST['body'], 'From: ' . $_POST['f']);\n}\n"
    )
    (tmp_path / "run.php").write_text("<?php\nsystem($_GET['c']);\n")
    ranked = rank_files([str(tmp_path / "run.php"), str(tmp_path)])
    assert [r.verdict for r in ranked] == [ScanVerdict.MALICIOUS] * 2
    score = {Path(r.path).name: r.score for r in ranked}
    assert score["mailer.php"] > score["run.php"]  # the case: the folder's file stopped higher
    assert [Path(r.path).name for r in ranked] == ["run.php", "mailer.php"]
    # not named: the folder's files by score, as before
    assert [Path(r.path).name for r in rank_files([str(tmp_path)])] == ["mailer.php", "run.php"]


def test_rank_files_is_bounded_in_time(tmp_path: Path) -> None:
    for i in range(50):
        shutil.copy(SAMPLES / "malicious" / "webshell-lookalike.php", tmp_path / f"{i}.php")
    ticks = iter(float(i) for i in range(10_000))
    ranked = rank_files([str(tmp_path)], limit=100, time_budget=5.0, clock=lambda: next(ticks))
    assert len(ranked) < 50


def test_rank_files_walk_does_not_stat_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` and `watch` scan at most 200 files of a sender's folder, but the walk stat'ed
    every one first: a cache folder of 100,000 files took seconds past the time budget.
    Regular files are told by their folder entry's type; only the rest is stat'ed by the
    walk (the order they are read in stats them within a quarter of the budget)."""
    for i in range(300):
        (tmp_path / f"c{i:03d}.html").write_text("<html>cached</html>\n")
    shutil.copy(SAMPLES / "malicious" / "webshell-lookalike.php", tmp_path / "a.php")
    (tmp_path / "up").mkdir()
    os.symlink("/etc/passwd", tmp_path / "p.php")
    stats_made: list[str] = []
    real_scandir = os.scandir

    class Entry:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self._entry = entry
            self.name, self.path = entry.name, entry.path

        def is_file(self, *, follow_symlinks: bool = True) -> bool:
            return self._entry.is_file(follow_symlinks=follow_symlinks)

        def is_dir(self, *, follow_symlinks: bool = True) -> bool:
            return self._entry.is_dir(follow_symlinks=follow_symlinks)

        def is_symlink(self) -> bool:
            return self._entry.is_symlink()

        def inode(self) -> int:  # the folder entry's own (no stat)
            return self._entry.inode()

        def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
            stats_made.append(self.name)
            return self._entry.stat(follow_symlinks=follow_symlinks)

    def scandir(path: str) -> list[Entry]:
        with real_scandir(path) as it:
            return [Entry(e) for e in it]

    monkeypatch.setattr(os, "scandir", scandir)
    stats: dict[str, int] = {}
    ranked = rank_files([str(tmp_path)], stats=stats)
    assert [Path(r.path).name for r in ranked] == ["a.php"]  # PHP first: scanned
    assert stats["scanned"] == 200 and stats["not_scanned"] == 101
    assert sorted(stats_made) == ["p.php", "up"]  # the link and the folder only


def test_stop_at_enough_evidence_is_the_default_and_config_can_turn_it_off() -> None:
    from spamtrace import config

    assert Limits().stop_at_score == MALICIOUS_SCORE
    assert Limits.from_config(config.ScanSection()).stop_at_score == MALICIOUS_SCORE
    assert Limits.from_config(config.ScanSection(all_reasons=True)).stop_at_score == 0
    shell = SAMPLES / "malicious" / "webshell-lookalike.php"
    quick = _scan(shell)
    full = _scan(shell, Limits(stop_at_score=0))
    assert quick.verdict is full.verdict is ScanVerdict.MALICIOUS
    assert MALICIOUS_SCORE <= quick.score < full.score
    assert any(n.startswith("stopped at score") for n in quick.notes)
    assert not any(n.startswith("stopped at score") for n in full.notes)


def test_copies_in_one_scan_are_analysed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a hosting server holds many copies of the same files: a copy (same bytes, same name)
    # gets the first one's findings without a second analysis; another name is analysed
    body = (SAMPLES / "malicious" / "webshell-lookalike.php").read_bytes()
    for site in ("a", "b", "c"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "shell.php").write_bytes(body)
    (tmp_path / "c" / "other.php").write_bytes(body)
    calls: list[str] = []
    from spamtrace.scanner.analyze import analyze as real

    def counting(data: bytes, name: str, *args: object, **kw: object) -> object:
        calls.append(name)
        return real(data, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "analyze", counting)
    paths = sorted(str(p) for p in tmp_path.rglob("*.php"))
    reports = list(scan_paths(paths, Limits(), jobs=1))
    assert sorted(calls) == ["other.php", "shell.php"]
    assert len({(r.verdict, r.score, r.findings, r.sha256) for r in reports}) == 1
    assert reports[0].verdict is ScanVerdict.MALICIOUS
    # a new scan starts with no memory
    list(scan_paths(paths[:1], Limits(), jobs=1))
    assert len(calls) == 3


def test_a_copy_of_a_too_slow_file_is_skipped_without_a_second_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a copy would spend its whole time limit again: it is reported skipped at once
    body = (SAMPLES / "clean" / "wordpress-style.php").read_bytes()
    for site in ("a", "b"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "big.php").write_bytes(body)
    calls: list[str] = []
    from spamtrace.scanner.analyze import analyze as real

    def counting(data: bytes, name: str, *args: object, **kw: object) -> object:
        calls.append(name)
        return real(data, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "analyze", counting)
    ticks = iter(range(0, 10_000))
    memo: engine.Memo = {}
    reports = [
        scan_file(
            str(tmp_path / site / "big.php"),
            Limits(file_timeout=2.0, stop_at_score=0),
            load_rules(),
            load_yara(),
            clock=lambda: next(ticks),
            memo=memo,
        )
        for site in ("a", "b")
    ]
    assert calls == ["big.php"]
    assert [r.verdict for r in reports] == [ScanVerdict.SKIPPED, ScanVerdict.SKIPPED]
    assert {r.reason for r in reports} == {"too slow: over 2s (cut short, nothing found by then)"}
    assert reports[0].sha256 == reports[1].sha256 is not None


def test_prepare_compiles_before_the_workers_fork() -> None:
    # what each forked worker compiled again on its first files: the yara-x scanners of each
    # scope, the leading words of the rules' regexes
    from spamtrace.scanner import analyze, context
    from spamtrace.scanner.rules import YaraWords

    rules = load_rules()
    yara = YaraWords()
    assert not yara._subsets
    analyze.prepare(rules, yara)
    scopes = analyze._prepared(rules).yara_names.values()
    assert scopes and all(names in yara._subsets for names in scopes)
    regexes = [r.regex for r in rules if r.regex is not None]
    assert regexes and all((rx.pattern, rx.flags) in context._LEADING for rx in regexes)


def _never_ends(*args: object, **kwargs: object) -> object:
    import time

    while True:  # a rule stuck on a hostile file: it never looks at the clock
        time.sleep(0.01)


@pytest.mark.timeout(60, method="thread")  # SIGALRM is the scan's own here
def test_a_stuck_analysis_in_this_process_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the workers have a SIGALRM behind the cooperative deadline; `scan --jobs 1` and the
    # ranking of `check` ran in this process with the deadline alone, and waited for good
    path = tmp_path / "x.php"
    path.write_bytes(b"<?php echo 1;\n")
    monkeypatch.setattr(engine, "analyze", _never_ends)
    limits = Limits(file_timeout=0.2)
    [report] = list(scan_paths([str(path)], limits, jobs=1))
    assert report.verdict is ScanVerdict.SKIPPED and "too slow" in (report.reason or "")
    [ranked] = rank_files([str(path)], time_budget=0.2)
    assert ranked.verdict is ScanVerdict.SKIPPED and ranked.path == str(path)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL  # put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_what_is_deleted_while_the_walk_goes_on_is_listed_as_vanished(tmp_path: Path) -> None:
    """A site's cache being purged as the scan walks it: files and a folder deleted after
    their folder was listed are skipped as vanished (listed, not 'not examined': nothing is
    left at that path), while a file that cannot be reached for another reason stays an
    error the scan must not call complete."""
    from spamtrace.errors import ExitCode
    from spamtrace.scanner.report import VANISHED, ScanTally

    (tmp_path / "a.php").write_text("<?php echo 1;")
    (tmp_path / "b.php").write_text("<?php echo 2;")
    (tmp_path / "c.php").write_text("<?php echo 3;")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.php").write_text("<?php echo 4;")
    items = walk([str(tmp_path)])
    first = next(items)
    assert first.path.endswith("a.php") and first.skipped is None
    (tmp_path / "b.php").unlink()  # listed, not yet stat'ed
    shutil.rmtree(tmp_path / "sub")  # pushed on the stack, not yet entered
    rest = {Path(i.path).name: i.skipped for i in items}
    assert rest == {"b.php": VANISHED, "c.php": None, "sub": VANISHED}

    gone = _scan(tmp_path / "b.php")  # deleted between the walk and the read
    assert (gone.verdict, gone.reason) == (ScanVerdict.SKIPPED, VANISHED)
    tally = ScanTally(files=2)
    tally.add(gone)
    tally.add(_scan(tmp_path / "c.php"))
    assert (tally.counts["skipped"], tally.not_examined) == (1, 0)
    assert tally.exit_code() is ExitCode.CLEAN
    tally.add(engine.FileReport(str(tmp_path / "x"), ScanVerdict.SKIPPED, 0, (), 0,
                                reason="cannot open: Permission denied"))  # fmt: skip
    assert tally.not_examined == 1


def test_one_file_is_scanned_without_starting_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``spamtrace scan x.php``: no worker pool for a single file (forking and warming the
    workers cost more than the file); two files or more still go to the workers."""
    started: list[int] = []

    class Pool(engine._Pool):
        def __init__(self, *args: object, **kwargs: object) -> None:
            started.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_Pool", Pool)
    one = sorted((SAMPLES / "malicious").iterdir())[0]
    [report] = list(scan_paths(iter([str(one)]), Limits(), jobs=2))
    assert report.verdict is ScanVerdict.MALICIOUS and not started
    assert list(scan_paths(iter([]), Limits(), jobs=2)) == [] and not started
    two = [str(p) for p in sorted((SAMPLES / "malicious").iterdir())[:2]]
    assert sorted(r.path for r in scan_paths(iter(two), Limits(), jobs=2)) == sorted(two)
    assert started == [1]


def test_a_file_named_twice_is_walked_once(tmp_path: Path) -> None:
    """`scan site site/up/x.php` (or the file first, or through a link to the folder): one
    file, one report. It was scanned and counted twice, and `--quarantine` moved it at the
    first and then said of both that it could not be opened."""
    up = tmp_path / "site" / "up"
    up.mkdir(parents=True)
    (up / "x.php").write_text("<?php echo 1;\n")
    (up / "y.php").write_text("<?php echo 2;\n")
    (tmp_path / "www").symlink_to(tmp_path / "site")
    site, x = str(tmp_path / "site"), str(up / "x.php")
    assert [i.path for i in walk([x, x])] == [x]
    for roots in ([site, x], [x, site], [str(tmp_path / "www"), x], [x, str(up) + "/"],
                  [str(tmp_path / "www"), site]):  # fmt: skip
        paths = [i.path for i in walk(roots)]
        assert len(paths) == 2 and {os.path.basename(p) for p in paths} == {"x.php", "y.php"}, (
            roots,
            paths,
        )
    # a hard link is another name: both are walked (each may be quarantined on its own)
    os.link(up / "x.php", up / "z.php")
    assert len(list(walk([site, x]))) == 3


def test_a_scan_leaves_the_access_time_of_what_it_reads(tmp_path: Path) -> None:
    """The access time says when the web server last ran a dropped script: a scan as root
    over /home reset it on every file (and quarantine then kept the scan's time, not the
    attacker's). Read with O_NOATIME where the kernel allows it (root, or the owner)."""
    path = tmp_path / "x.php"
    path.write_bytes((SAMPLES / "malicious" / "webshell-lookalike.php").read_bytes())
    old = 1_500_000_000_000_000_000
    os.utime(path, ns=(old, old - 10**12))
    report = _scan(path)
    assert report.verdict is ScanVerdict.MALICIOUS
    assert os.stat(path).st_atime_ns == old


def test_a_deleted_script_read_through_its_open_file_keeps_its_name(tmp_path: Path) -> None:
    """`check` and `watch` read a running script that deleted itself through
    /proc/PID/fd/N; the rules that read the name (PHP in a `.jpg`) saw `N` and called the
    dropper clean. They see the name the link gives, less " (deleted)": the same verdict and
    score as the file had before it was deleted, in `scan_file` and in `rank_files`."""
    logo = tmp_path / "logo.jpg"
    logo.write_text("<?php echo 'hi'; ?>\n")
    before = _scan(logo)
    assert before.verdict is ScanVerdict.MALICIOUS, before
    assert "php.in-image-file" in {f.rule for f in before.findings}
    fd = os.open(logo, os.O_RDONLY)
    try:
        logo.unlink()
        held = f"/proc/{os.getpid()}/fd/{fd}"
        assert os.readlink(held) == f"{logo} (deleted)"
        after = _scan(Path(held))
        assert (after.verdict, after.score, after.path) == (before.verdict, before.score, held)
        assert [f.rule for f in after.findings] == [f.rule for f in before.findings]
        ranked = rank_files([held], limit=5, time_budget=2.0)
        assert [(r.verdict, r.score) for r in ranked] == [(before.verdict, before.score)]
    finally:
        os.close(fd)


def test_a_folder_swapped_for_a_link_during_the_walk_is_not_followed(tmp_path: Path) -> None:
    """An account's own script races the admin's scan: once the walk has listed a folder,
    it puts a link to a folder outside the tree at the name of a subfolder not yet entered
    (`site/sub -> /outside`), or of a folder on the way to one (`site/a -> /outside`, with
    `a/b` to come). The walk entered the link's target by its path: files outside the scan
    root were read. A folder that is not the one its parent listed is not entered; it is
    listed as replaced, and counted as not examined (exit 1: what it held was not seen)."""
    from spamtrace.scanner.report import ScanTally
    from spamtrace.scanner.walk import REPLACED, scan_targets

    outside = tmp_path / "outside"
    (outside / "b").mkdir(parents=True)
    (outside / "secret.php").write_text("<?php echo 'not yours';")
    (outside / "b" / "secret.php").write_text("<?php echo 'not yours';")
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "sub").mkdir()
    (site / "z.php").write_text("<?php echo 0;")
    (site / "a" / "1.php").write_text("<?php echo 1;")
    (site / "a" / "b" / "2.php").write_text("<?php echo 2;")
    (site / "sub" / "3.php").write_text("<?php echo 3;")
    tally, skipped = ScanTally(), []
    items = scan_targets([str(site)], tally, skipped)
    assert next(items).path == str(site / "z.php")  # site listed: a and sub are still to come
    (site / "sub").rename(tmp_path / "sub-was")
    (site / "sub").symlink_to(outside)
    assert next(items).path == str(site / "a" / "1.php")  # a listed: a/b is still to come
    (site / "a").rename(tmp_path / "a-was")
    (site / "a").symlink_to(outside)
    assert list(items) == []  # nothing of outside
    assert {(r.path, r.reason) for r in skipped} == {
        (str(site / "a" / "b"), REPLACED), (str(site / "sub"), REPLACED)
    }
    assert tally.not_examined == 2
    # a link put at the root's own name is the admin's to name: `scan www` follows www
    assert [Path(i.path).name for i in walk([str(site / "sub")])] == ["secret.php"] * 2


def _race_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A site (`y.php`, `sub/x.php`: clean) and a folder outside it with a mailer at each
    name: what the reader must never read for the site's files."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.php").write_bytes(SAMPLE_MAILER)
    (outside / "y.php").write_bytes(SAMPLE_MAILER)
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "sub" / "x.php").write_text("<?php echo 1;")
    (site / "y.php").write_text("<?php echo 2;")
    return site, outside


SAMPLE_MAILER = b"<?php eval(base64_decode($_POST['x'])); mail($_POST['to'], 's', 'b');"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_folder_swapped_for_a_link_after_the_walk_is_not_read_through(
    tmp_path: Path, jobs: int
) -> None:
    """The walk lists `site/sub/x.php`; before a worker reads it, the account's own script
    puts a link at the folder's name (`site/sub -> /outside`). The reader opened the path
    string: it read `/outside/x.php` (a file out of the scan root) and reported it as
    `site/sub/x.php`. A file that is not the one the walk listed (device and inode) is not
    read: it is skipped as replaced, and counted as not examined (exit 1)."""
    from spamtrace.scanner.report import ScanTally
    from spamtrace.scanner.walk import REPLACED, scan_targets

    site, outside = _race_tree(tmp_path)
    assert scan_file(str(outside / "x.php"), Limits(), load_rules(), load_yara()).verdict is (
        ScanVerdict.MALICIOUS
    )  # what a read through the link would say
    tally, skipped = ScanTally(), []
    listed = list(scan_targets([str(site)], tally, skipped))
    (site / "sub").rename(tmp_path / "sub-was")
    (site / "sub").symlink_to(outside)
    got = {}
    for report in scan_paths(listed, Limits(), jobs=jobs):
        tally.add(report)
        got[Path(report.path).relative_to(site).as_posix()] = report
    assert got["sub/x.php"].verdict is ScanVerdict.SKIPPED
    assert got["sub/x.php"].reason == REPLACED
    assert got["sub/x.php"].sha256 is None  # nothing of the outside file
    assert got["y.php"].verdict is ScanVerdict.CLEAN
    assert tally.not_examined == 1
    assert int(tally.exit_code()) == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_replaced_in_its_folder_after_the_walk_is_read(tmp_path: Path, jobs: int) -> None:
    """A file its owner replaces by rename once the walk listed it (an editor's save, a cache
    rewritten, a dropper planted over a clean file) is another inode at the same name in
    the same folder: inside the scan root, so it is read (the new content), not skipped as
    replaced (a long scan of a busy server exited 1 for every such file). A folder on the
    way reached through a link it was swapped for since is still not read through, even
    through a symlinked root."""
    from spamtrace.scanner.report import ScanTally
    from spamtrace.scanner.walk import REPLACED, scan_targets

    site, outside = _race_tree(tmp_path)
    www = tmp_path / "www"
    www.symlink_to(site)  # the root named through a link, as admins do
    tally, skipped = ScanTally(), []
    listed = list(scan_targets([str(www)], tally, skipped))
    new = site / "sub" / ".x.php.tmp"
    new.write_bytes(SAMPLE_MAILER)
    new.rename(site / "sub" / "x.php")  # another inode at the listed name
    (site / "y.php").rename(tmp_path / "y-was.php")
    got = {}
    for report in scan_paths(listed, Limits(), jobs=jobs):
        tally.add(report)
        got[Path(report.path).relative_to(www).as_posix()] = report
    assert got["sub/x.php"].verdict is ScanVerdict.MALICIOUS  # the new content, read
    assert got["y.php"].verdict is ScanVerdict.SKIPPED  # gone: said so, not read elsewhere
    assert got["y.php"].reason != REPLACED

    # the same after the walk, but the folder swapped for a link: not read through
    tally, skipped = ScanTally(), []
    listed = list(scan_targets([str(www)], tally, skipped))
    (site / "sub").rename(tmp_path / "sub-was")
    (site / "sub").symlink_to(outside)
    reports = {Path(r.path).relative_to(www).as_posix(): r for r in scan_paths(listed, Limits())}
    assert reports["sub/x.php"].verdict is ScanVerdict.SKIPPED
    assert reports["sub/x.php"].reason == REPLACED


def test_check_and_watch_do_not_read_through_a_folder_swapped_after_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` and `watch` rank the files of a sender's folder (`rank_files`): a link put
    at that folder's name once it was listed (`site -> /outside`) must not make them read
    and report the outside file as the site's."""
    from spamtrace.scanner import walk as walk_mod
    from spamtrace.scanner.walk import REPLACED

    site, outside = _race_tree(tmp_path)
    real_walk = walk_mod.walk

    def racing(*args: object, **kwargs: object) -> object:
        for n, item in enumerate(real_walk(*args, **kwargs)):  # type: ignore[arg-type]
            if n == 0:  # site listed (read whole): swap it before anything is read
                site.rename(tmp_path / "site-was")
                site.symlink_to(outside)
            yield item

    monkeypatch.setattr(walk_mod, "walk", racing)
    ranked = rank_files([str(site)], limit=5, time_budget=5.0)
    assert all(r.verdict is not ScanVerdict.MALICIOUS for r in ranked)
    assert all(r.reason in (None, REPLACED) for r in ranked)


@pytest.mark.parametrize("done", [True, False])
def test_a_worker_alarm_that_rings_as_a_file_ends_does_not_end_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, done: bool
) -> None:
    """The worker's hard stop rang after the file's report was made but before the timer was
    disarmed (a loaded machine, a file that took just under the limit): BudgetExceeded went
    out of the worker and the whole scan ended with a traceback. The report made stands; a
    file the alarm stopped is skipped as too slow."""
    p = tmp_path / "ok.php"
    p.write_bytes(b"<?php echo 1;\n")
    made = _scan(p)
    from spamtrace.scanner.context import BudgetExceeded

    def scanned(*args: object, **kwargs: object) -> engine.FileReport:
        if not done:
            raise BudgetExceeded
        return made

    rang: list[bool] = []

    def setitimer(which: int, seconds: float, interval: float = 0.0) -> tuple[float, float]:
        if seconds == 0 and not rang:
            rang.append(True)
            raise BudgetExceeded  # the alarm, just before it was disarmed
        return (0.0, 0.0)

    monkeypatch.setattr(engine, "scan_file", scanned)
    monkeypatch.setattr(engine.signal, "setitimer", setitimer)
    monkeypatch.setitem(engine._W, "limits", Limits())
    for key in ("rules", "yara", "known", "memo"):
        monkeypatch.setitem(engine._W, key, None)
    report = engine._work(engine.Listed(str(p)))
    if done:
        assert report is made
    else:
        assert report.verdict is ScanVerdict.SKIPPED and "too slow" in (report.reason or "")


def _old_harmless_folder(folder: Path, count: int = 300) -> None:
    """``count`` harmless PHP files named to sort first, last changed in 2019 (their data)
    and larger than a one-line dropper."""
    body = "<?php\n// a cached fragment of the blog\n$title = 'Post';\necho $title;\n"
    body += "// " + "padding " * 200 + "\n"
    old = 1_546_300_800  # 2019-01-01
    for i in range(count):
        path = folder / f"a{i:03d}.php"
        path.write_text(body)
        os.utime(path, (old, old))


def test_rank_files_reads_a_new_dropper_named_to_sort_last(tmp_path: Path) -> None:
    """`check` and `watch` read 200 files of a sender's folder, the first 200 by name: in a
    folder of 300 old files, a dropper named zzz.php was never read and the folder was said
    to hold nothing suspicious. The likeliest files are read first (PHP, newest, smallest)."""
    _old_harmless_folder(tmp_path)
    (tmp_path / "zzz.php").write_text("<?php\nsystem($_GET['c']);\n")
    stats: dict[str, int] = {}
    ranked = rank_files([str(tmp_path)], time_budget=30.0, stats=stats)
    assert [(Path(r.path).name, r.verdict) for r in ranked] == [("zzz.php", ScanVerdict.MALICIOUS)]
    assert stats["scanned"] == 200 and stats["not_scanned"] == 101  # the budget is kept


def test_a_folder_is_read_php_first_then_newest_then_smallest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order `rank_files` reads a folder in: PHP by name before other files; the newest
    first by day of the last change (data or inode); smaller first that day; then by name.
    What is not stat'ed within the time given (or a link put at a file's name) comes after
    the stat'ed files of its kind."""
    from spamtrace.scanner.engine import likeliest_first
    from spamtrace.scanner.walk import WalkItem

    day = 86400
    # name -> (size, last change): the inode change cannot be set here, so it is faked
    files = {
        "big-new.php": (900_000, 10 * day + 5),
        "small-new.php": (10, 10 * day + 100),
        "old.php": (5, 2 * day),
        "new.ico": (10, 11 * day),
        "b.php": (10, 10 * day + 100),
    }
    for name in files:
        (tmp_path / name).write_text("x")
    os.symlink("/etc/passwd", tmp_path / "link.php")
    real_stat = os.stat

    def fake_stat(path: str, **kw: Any) -> os.stat_result:
        st = real_stat(path, **kw)
        if Path(path).name not in files:
            return st
        size, changed = files[Path(path).name]
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, 1, 0, 0, size, 0,
                               changed - 50, changed))  # fmt: skip

    monkeypatch.setattr(os, "stat", fake_stat)
    items = [WalkItem(str(tmp_path / n), 0) for n in sorted([*files, "link.php"])]
    order = [Path(i.path).name for i in likeliest_first(items, until=float("inf"))]
    assert order == ["b.php", "small-new.php", "big-new.php", "old.php", "link.php", "new.ico"]
    # no time to stat: PHP first, by name
    ticks = iter([1.0, *[5.0] * 10])
    order = [Path(i.path).name for i in likeliest_first(items, 0.5, lambda: next(ticks))]
    assert order == ["b.php", "big-new.php", "link.php", "old.php", "small-new.php", "new.ico"]
