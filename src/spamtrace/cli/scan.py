"""`spamtrace scan PATH...`: find obfuscated PHP, spam mailers and web shells in files.

Walks the given folders (no symlinks followed, one filesystem unless asked), scans every
regular file whatever its extension with all cores, and prints a verdict per file
(malicious / suspicious / clean, or skipped with the reason), its score and the rules that
fired, with line numbers and escaped excerpts. Exit 1 if any file is malicious.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import stat
import sys
import time
from typing import TYPE_CHECKING, Any

from spamtrace.cli import options
from spamtrace.errors import ConfigError, PermissionRequired, UsageError
from spamtrace.safetext import escape, quoted
from spamtrace.scanner import baseline

if TYPE_CHECKING:
    from spamtrace import config as config_mod
    from spamtrace.scanner.report import FileReport

VERDICTS = ("clean", "suspicious", "malicious")


def register(sub: Any) -> None:
    from spamtrace.cli.argparsing import exit_codes

    p = sub.add_parser(
        "scan",
        help="scan files for obfuscated PHP, spam mailers and web shells",
        description="Scan files and folders for obfuscated PHP, spam mailers and web shells. "
        "Exit 1 if anything is malicious.",
        epilog=exit_codes(
            "nothing malicious",
            "a file is malicious or could not be examined, or nothing was scanned",
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to scan")
    # grep -r, rm -rf, clamscan -r, maldet -r: scan goes into folders without being asked
    recursive = "scan goes into folders by itself (no -r needed)"
    p.habits = {"-r": recursive, "-R": recursive, "--recursive": recursive}
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--min-verdict",
        choices=VERDICTS,
        default="suspicious",
        help="list files with at least this verdict (default: suspicious); skipped files "
        "are always listed",
    )
    p.add_argument(
        "--baseline", metavar="FILE", help="treat files whose hash is in FILE as known good"
    )
    p.add_argument(
        "--record-baseline",
        metavar="FILE",
        help="write the sha256 of every scanned file to FILE (run on a trusted install)",
    )
    fs = p.add_mutually_exclusive_group()
    fs.add_argument(
        "--one-filesystem",
        dest="cross_filesystems",
        action="store_false",
        default=None,
        help="do not descend into other filesystems (default)",
    )
    fs.add_argument(
        "--cross-filesystems",
        dest="cross_filesystems",
        action="store_true",
        help="descend into other mounted filesystems",
    )
    p.add_argument(
        "--jobs", type=options.jobs, default=0, metavar="N", help="worker processes (default: CPUs)"
    )
    p.add_argument(
        "--all-reasons",
        action="store_true",
        default=None,
        help="run every rule on every file and list every reason (default: stop once a file "
        "is certainly malicious; the verdict is the same either way)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not scan paths or names that match GLOB ('*.mp4', 'cache', '/home/*/mail'); "
        "a matching folder is not entered; holds for what the walk finds, not for a path "
        "named on the command line; repeatable, added to [scan] exclude",
    )
    p.add_argument(
        "--quarantine",
        action="store_true",
        help="move each malicious file to [responses] quarantine_dir (restorable with "
        "`spamtrace quarantine restore ID`)",
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--since",
        type=_days,
        metavar="DAYS",
        help="only files changed in the last DAYS days (data or inode: a back-dated mtime "
        "does not hide a file), as maldet -r PATH DAYS; or a time with a unit, as every "
        "other --since: 12h, 2d, 1w",
    )
    when.add_argument(
        "--newer", metavar="FILE", help="only files changed after FILE was last modified"
    )
    p.set_defaults(handler=run)


def _days(text: str) -> float:
    """A bare number is days (maldet's ``-r PATH DAYS``); a number with a unit is that time,
    as ``mail``, ``incidents`` and ``firewall status`` read ``--since 24h`` (it was refused
    here: "'24h' is not a number of days")."""
    found = options.duration_match(text)
    if found is not None and found[1] is not None:
        days = found[0] * options.UNITS[found[1]] / 86400
    else:
        try:
            days = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{quoted(text)} is not a number of days or a time with a unit (2, 12h, 7d)"
            ) from None
    if not 0 <= days <= 100_000:
        raise argparse.ArgumentTypeError(f"{quoted(text)}: give a number of days from 0 to 100000")
    if days == 0:  # scanned nothing, exit 0: "0 files changed" read as a clean site
        raise argparse.ArgumentTypeError(
            f"{quoted(text)}: no file changed in the last 0 days; give a number of days above 0 "
            "(without --since every file is scanned)"
        )
    return days


def run(args: argparse.Namespace, cfg: config_mod.Config) -> int:
    from spamtrace.render.output import dump_json
    from spamtrace.render.scan import print_scan, progress_line, scan_json
    from spamtrace.scanner.engine import Limits, scan_paths
    from spamtrace.scanner.report import ScanTally, ScanVerdict, listed
    from spamtrace.scanner.walk import excluder, scan_targets

    cpus = os.cpu_count() or 1
    if args.jobs > cpus:
        note = f"note: --jobs {args.jobs} capped at the {cpus} CPUs of this machine"
        print(note, file=sys.stderr)
        args.jobs = cpus
    if args.quarantine and os.geteuid() != 0:  # before the scan: not after an hour of it
        raise PermissionRequired("--quarantine needs root (the quarantine folder is root's)")
    if args.quarantine:  # a file there: said once, before the scan, not as each file's error
        from spamtrace.actions.quarantine import linked_folder
        from spamtrace.folders import not_a_folder

        folder = cfg.responses.quarantine_dir
        problem = not_a_folder(folder) or linked_folder(folder)
        if problem is not None:
            raise ConfigError(f"[responses] quarantine_dir: {problem} (scan --quarantine)")
    for glob in args.exclude:  # an unset shell variable: the admin thinks something is left out
        if not glob.strip():
            raise UsageError("--exclude: empty glob (give a name, path or pattern to leave out)")
    for path in args.paths:
        _check_exists(path)
    if args.record_baseline:  # before the scan: a long scan must not end on a bad path
        baseline.check_target(args.record_baseline)
    since = None
    if args.since is not None:
        since = time.time() - args.since * 86400
    elif args.newer is not None:
        if not args.newer:  # an unset shell variable; lstat("") said "--newer : No such file"
            raise UsageError("--newer: empty (give the file after whose change to scan)")
        try:
            since = os.stat(args.newer).st_mtime
        except OSError as exc:
            why = exc.strerror or str(exc)
            if isinstance(exc, FileNotFoundError) and os.path.islink(args.newer):
                # "No such file or directory" of a name `ls` lists: the link's target is gone
                why = f"a symlink to {escape(_link_target(args.newer))}, which does not exist"
            raise UsageError(f"--newer {escape(args.newer)}: {why}") from None
        ahead = since - time.time()
        if ahead > 1:  # `touch -d`, or the clock set back: nothing can have changed after it
            print(f"note: --newer {escape(args.newer)} is dated {_ahead(ahead)} ahead of this "
                  "clock (`touch -d`, or the clock set back): no file changed from now on can "
                  "be newer than it", file=sys.stderr)  # fmt: skip
    excluded = excluder([*cfg.scan.exclude, *args.exclude])
    user = None
    if cfg.scan.yara_rules:
        from spamtrace.scanner.user_rules import load as load_user_rules
        from spamtrace.scanner.user_rules import none_note

        user = load_user_rules(cfg.scan.yara_rules)
        if (empty := none_note(cfg.scan.yara_rules, user)) is not None:
            print(f"note: {empty}", file=sys.stderr)
    known = baseline.load(args.baseline) if args.baseline else frozenset()
    cross = cfg.scan.cross_filesystems if args.cross_filesystems is None else args.cross_filesystems
    limits = Limits.from_config(cfg.scan)
    if args.all_reasons:
        limits = dataclasses.replace(limits, stop_at_score=0)
    min_rank = ScanVerdict(args.min_verdict).rank
    started = time.monotonic()

    walk_skipped: list[FileReport] = []
    tally = ScanTally()
    files = scan_targets(list(args.paths), tally, walk_skipped, cross_filesystems=cross,
                         exclude=excluded, since=since,
                         not_entered=_quarantine_folder(cfg))  # fmt: skip

    shown: list[FileReport] = []
    hashes: dict[str, str] = {}
    recorded_bad = 0  # malicious files whose hash goes into --record-baseline
    progress = None
    if not args.json and sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from spamtrace.render.output import console

        progress = Progress(
            SpinnerColumn(),
            # "scanned 1 files" on a one-file scan: the count is worded (render.scan)
            TextColumn("{task.fields[scanned]}"),
            TextColumn("{task.fields[found]}"),
            TimeElapsedColumn(),
            transient=True,
            console=console(stderr=True),
        )
        task = progress.add_task("scan", total=None, found="", scanned=progress_line(0))
        progress.start()
    reports = scan_paths(files, limits, jobs=args.jobs, known_hashes=known, user=user)
    interrupted = 0  # the signal that stopped the scan
    analysed = 0
    # `kill PID` (systemctl stop, timeout 1h) ends the scan as Ctrl-C does; the workers
    # were left writing to a parent gone, a traceback each
    term = signal.signal(signal.SIGTERM, _terminated)
    try:
        for report in reports:
            analysed += 1
            tally.add(report)
            if report.sha256 and args.record_baseline:
                hashes[report.path] = report.sha256
                recorded_bad += report.verdict is ScanVerdict.MALICIOUS
            if listed(report, min_rank):
                shown.append(report)
            if progress is not None:
                counts = tally.counts
                found = f"{counts['malicious']} malicious, {counts['suspicious']} suspicious"
                progress.update(task, advance=1, found=found, scanned=progress_line(analysed))
    except KeyboardInterrupt as exc:
        # Ctrl-C an hour into `scan /home`: what was found by then is printed, as partial
        interrupted = exc.args[0] if exc.args else signal.SIGINT
        reports.close()  # the workers are stopped
    finally:
        signal.signal(signal.SIGTERM, term)
        if progress is not None:
            progress.stop()
    shown.extend(walk_skipped)
    shown.sort(key=lambda r: (-r.verdict.rank, -r.score, r.path))
    elapsed = time.monotonic() - started

    summary = tally.summary(elapsed)
    if interrupted:
        # nothing is moved or written on a partial scan the admin stopped
        summary["interrupted"] = True
        summary["scanned"] = analysed
    moved = _quarantine_all(cfg, shown, args.paths) if args.quarantine and not interrupted else {}
    summary["quarantined"] = sum(1 for v in moved.values() if "id" in v)
    # gone: moved or deleted by another process meanwhile (not "still in place")
    summary["quarantine_gone"] = sum(1 for v in moved.values() if v.get("gone"))
    summary["not_quarantined"] = (
        len(moved) - summary["quarantined"] - summary["quarantine_gone"]
    )
    if args.json:
        dump_json(scan_json(shown, summary, moved))
    else:
        print_scan(shown, summary, moved)
    if interrupted:
        return 128 + int(interrupted)  # as the shell gives it: 130 for Ctrl-C, 143 for kill
    if args.record_baseline:  # after the report: a full disk must not throw the scan away
        baseline.write(args.record_baseline, hashes)
        if recorded_bad:  # a baseline of a live site: its droppers would be "known good"
            print(f"note: the baseline {escape(args.record_baseline)} holds {recorded_bad} "
                  "file(s) this scan called malicious (listed above): a --baseline scan calls "
                  "them clean; record it on a trusted copy, or take them out of it",
                  file=sys.stderr)  # fmt: skip
    return int(tally.exit_code())


def _quarantine_all(
    cfg: config_mod.Config, shown: list[FileReport], roots: list[str]
) -> dict[str, dict[str, Any]]:
    """Move every malicious file to the quarantine; path -> {"id"} or {"error"}."""
    from spamtrace.actions.quarantine import FileGone, Quarantine, QuarantineError
    from spamtrace.scanner.walk import real_path

    if os.geteuid() != 0:
        raise PermissionRequired("--quarantine needs root (the quarantine folder is root's)")
    store = Quarantine(cfg.responses.quarantine_dir)
    out: dict[str, dict[str, Any]] = {}
    malicious = [r for r in shown if r.verdict.value == "malicious"]
    moved: list[tuple[str, str]] = []
    from spamtrace.scanner.walk import resolved

    inside = resolved(cfg.responses.quarantine_dir).rstrip("/") + "/"
    for r in malicious:
        if resolved(r.path).startswith(inside):  # a quarantined file named as a root
            out[r.path] = {"error": "in the quarantine folder already"}
            continue
        try:
            # the quarantine walks a plain absolute path with no link on the way:
            # `scan --quarantine public_html` too, and a root named through a link (www)
            item = store.add(real_path(r.path, roots), rules=[f.rule for f in r.findings])
        except QuarantineError as exc:
            out[r.path] = {"error": str(exc)}
            if isinstance(exc, FileGone):
                out[r.path]["gone"] = True
            continue
        except KeyboardInterrupt:  # the report is not printed: say what was moved
            for path, ident in moved:
                print(f"spamtrace: quarantined before the interrupt: {escape(path)} as {ident}",
                      file=sys.stderr)  # fmt: skip
            print(f"spamtrace: {len(malicious) - len(moved)} malicious file(s) not quarantined "
                  "(spamtrace quarantine list shows what is)", file=sys.stderr)  # fmt: skip
            raise
        moved.append((item.path, item.id))
        out[r.path] = {"id": item.id}
        if r.sha256 and item.sha256 != r.sha256:
            out[r.path]["note"] = "changed after the scan: quarantined as it was then"
    return out


def _ahead(seconds: float) -> str:
    """``90 s``, ``3 h``, ``2 days``: how far ahead of the clock a --newer stamp is."""
    if seconds < 3600:
        return f"{seconds:.0f} s"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signum)


def _quarantine_folder(cfg: config_mod.Config) -> dict[tuple[int, int], str]:
    """The quarantine folder, which a scan of `/` or `/var` does not enter: its files would
    be malicious again at every scan, and `--quarantine` would move them into itself."""
    folder = cfg.responses.quarantine_dir
    try:
        st = os.stat(folder)
    except OSError:
        return {}
    why = (
        "the quarantine folder ([responses] quarantine_dir): not scanned; see "
        "`spamtrace quarantine list`"
    )
    return {(st.st_dev, st.st_ino): why}


def _check_exists(path: str) -> None:
    """A root that does not exist is a usage error (a typo must not read as a clean scan)."""
    if not path:  # lstat("") is ENOENT: say what was given, not an empty name
        raise UsageError("an empty PATH: give a file or folder to scan")
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            _check_link_root(path)
    except FileNotFoundError:
        # `scan -` (clamscan's standard input): scan reads files; a script piped in is
        # saved to a file first
        hint = " (scan reads files, not standard input)" if path == "-" else ""
        raise UsageError(f"no such file or directory: {escape(path)}{hint}") from None
    except NotADirectoryError:
        raise UsageError(f"not a directory on the way to: {escape(path)}") from None
    except OSError:
        pass  # any other reason (too long, no access) is reported as skipped, with it


def _link_target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _check_link_root(path: str) -> None:
    """A root named through a symlink whose target is gone (`www -> public_html`, the site
    removed since) leads nowhere, as a typo does: a usage error, not a scan of nothing."""
    try:
        os.stat(path)
    except FileNotFoundError:
        target = _link_target(path)
        raise UsageError(
            f"no such file or directory: {escape(path)} (a symlink to {escape(target)}, "
            "which does not exist)"
        ) from None
