"""The suspect files of a sender: what to scan, the scan within a time budget, their shape.

Shared by ``check`` (one budget for a whole run) and the engine's incident scans
(:mod:`spamtrace.service.scanning`). Cheap to import: the PHP scanner is loaded only by
:func:`scan_for_suspects`.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat as stat_mod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spamtrace.model import DELETED

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from spamtrace.config import ScanSection
    from spamtrace.model import ProcessInfo
    from spamtrace.scanner.report import FileReport
    from spamtrace.scanner.walk import WalkItem

#: suspect files kept per sender (most suspicious first)
SUSPECT_LIMIT = 5
#: symlinks to where a site must not reach kept per sender (in the order of the folder)
LINK_LIMIT = 20
#: what a scan that found nothing read: not "the folder" (a folder of 3,000 files had 200
#: read, the mailer among the others, and the stored incident said the folder was scanned)
NOTHING_FOUND = (
    "nothing suspicious in the script(s) and the folder's files scanned (one level deep, at "
    "most 200 within the scan budget; `spamtrace scan` the folder to read it all)"
)


@dataclass(frozen=True, slots=True)
class ProcessKey:
    """A sender's process as its pid *and* its start time (epoch seconds, as ``ProcessInfo``
    has it): what it holds is read through ``/proc/PID/`` (a folder deeper than the kernel
    can name is ``/proc/PID/cwd``, a deleted script ``/proc/PID/fd/N``), and by the time a
    scan reads there the process may have exited and its pid been given to another."""

    pid: int
    start_time: float

    @classmethod
    def of(cls, process: ProcessInfo | None) -> ProcessKey | None:
        """The key of ``process`` (None when its start time is not known)."""
        if process is None or process.start_time is None or process.pid <= 0:
            return None
        return cls(process.pid, process.start_time)

    @property
    def folder(self) -> str:
        """The prefix of the paths read through the process (``/proc/PID/``)."""
        return f"{PROCFS}/{self.pid}/"

    def alive(self) -> bool:
        """The pid is still this process (the same start time; not exited, nor reused)."""
        from spamtrace.attribution.process import start_time

        try:
            now = start_time(self.pid, PROCFS)
        except (OSError, ValueError, IndexError):
            return False
        return abs(now - self.start_time) <= START_SLACK


#: where /proc is (tests: a fake tree)
PROCFS = "/proc"
#: start times that differ by less than this are one process's (read_process's tolerance)
START_SLACK = 0.01


def scan_targets(process: ProcessInfo | None) -> tuple[str, ...]:
    """What to scan for one sender: its scripts, then its working folder.

    ``/`` is left out (no account's folder: daemons and tunnels run there), and so are relative
    paths (they would be read relative to *our* working folder, not the sender's).
    """
    if process is None:
        return ()
    out: list[str] = []
    for path in (*process.scripts, process.cwd):
        if path and path != "/" and path.startswith("/") and path not in out:
            out.append(path)
    # a script that deleted itself (droppers do: `unlink(__FILE__)`) and is still open is read
    # through the process's file descriptor (scan_for_suspects names it as it was named); so
    # is one named by the command line only (`php logo.jpg`: not a script by its name, so not
    # among the open scripts) that is gone, if the process holds it open
    gone = [
        p for p in out if p != process.cwd and not p.endswith(DELETED) and not os.path.lexists(p)
    ]
    held = {p: _open_fd(process.pid, p if p.endswith(DELETED) else p + DELETED)
            for p in out if p.endswith(DELETED) or p in gone}  # fmt: skip
    for path, fd_path in held.items():
        if fd_path is None or path not in out:
            continue
        if fd_path in out:  # named twice (`x.php (deleted)` open, `x.php` on the command line)
            out.remove(path)
            continue
        out[out.index(path)] = fd_path
        name = path.removesuffix(DELETED)
        if name != path and name in out and not os.path.lexists(name):  # its name, gone
            out.remove(name)
    return tuple(out)

#: what follows ``/proc/PID/`` in the path of a file a process holds open
_FD_PART = re.compile(r"fd/[0-9]+")


def hold_open(paths: Sequence[str], owner: ProcessKey | None) -> dict[str, int]:
    """Open now the files among ``paths`` that are read through ``owner``'s descriptors
    (``/proc/PID/fd/N``: a script that deleted itself), for a scan made later: path -> our
    descriptor (close them: :func:`close_held`).

    A dropper that runs `unlink(__FILE__)`, sends and exits takes its script with it: read
    through its pid on the scan thread, seconds later under load, it was gone ("process
    exited during the scan": the script was never scanned). Opened when the incident opens,
    the file stays readable for the scan, whatever becomes of the process. Kept only if the
    pid is still that process after the open (it was, then, at the open)."""
    held: dict[str, int] = {}
    if owner is None:
        return held
    for path in paths:
        if not (path.startswith(owner.folder) and _FD_PART.fullmatch(path[len(owner.folder) :])):
            continue
        try:  # a regular file only (nothing else is opened: a device's open may act)
            before = os.stat(path)
            if not stat_mod.S_ISREG(before.st_mode):
                continue
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError:
            continue
        try:
            now = os.fstat(fd)
            same = (now.st_dev, now.st_ino) == (before.st_dev, before.st_ino)
        except OSError:
            same = False
        if not same:
            os.close(fd)
            continue
        held[path] = fd
    if held and not owner.alive():
        close_held(held)
        return {}
    return held


def close_held(held: Mapping[str, int]) -> None:
    for fd in held.values():
        with contextlib.suppress(OSError):
            os.close(fd)


def _own_fd_path(fd: int) -> str:
    """The path this process reads one of its own descriptors by (``/proc/self`` as a number:
    the scanner follows only ``/proc/PID/fd/N`` links)."""
    return f"/proc/{os.getpid()}/fd/{fd}"


def _open_fd(pid: int, target: str) -> str | None:
    """``/proc/PID/fd/N`` of the file ``pid`` holds open whose link reads ``target``."""
    folder = f"{PROCFS}/{pid}/fd"
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for name in names:
        try:
            if os.readlink(f"{folder}/{name}") == target:
                return f"{folder}/{name}"
        except OSError:
            continue
    return None


def suspect_json(report: FileReport) -> dict[str, Any]:
    """One scanned file in the ``suspect_files`` shape (``check`` and ``watch``).

    ``rules``: the ids of the rules that fired, heaviest first; ``line``, ``excerpt`` (escaped
    by the scanner), ``description`` and ``layer`` (0: the file itself, n: inside the n-th
    decoded layer) describe the heaviest finding.
    """
    findings = sorted(report.findings, key=lambda f: -f.weight)  # stable: first heaviest wins
    rules: list[str] = []
    for finding in findings:
        if finding.rule not in rules:
            rules.append(finding.rule)
    top = findings[0] if findings else None
    return {
        "path": report.path,
        "verdict": report.verdict.value,
        "score": report.score,
        "rules": rules,
        "line": top.line if top else None,
        "excerpt": top.excerpt if top else None,
        "description": top.description if top else None,
        "layer": top.layer if top else 0,
    }


def scan_for_suspects(
    paths: Sequence[str],
    *,
    budget: float,
    cfg: ScanSection | None = None,
    limit: int = SUSPECT_LIMIT,
    links: list[dict[str, Any]] | None = None,
    stats: dict[str, int] | None = None,
    owner: ProcessKey | None = None,
    held: Mapping[str, int] | None = None,
) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """Rank ``paths`` (files, folders one level deep) with the PHP scanner in ``budget`` s.

    Returns (suspect files, most suspicious first, or None when nothing could be scanned;
    notes). Never raises: a path this process may not read is skipped with a note (without
    root: other users' folders), and a scanner failure is a note, not the end of the report.
    ``links`` (if given) gets the folders' symlinks that point where a site must not reach
    (:func:`link_json`): a symlink attack is no file to rank, and was dropped. ``stats`` (if
    given) gets ``files``: how many files the scanner read, and ``not_scanned``: how many
    files of the folders it did not (their 200 files, or the budget, ran out).

    ``owner``: the process whose ``/proc/PID/`` paths are among ``paths`` (its folder too deep
    to name, a deleted script it holds open). They are read only while the pid is still that
    process (:meth:`ProcessKey.alive` before the scan), and what was found through them is
    kept only if it still is after the scan (and so was throughout: a pid does not come back
    to the process that had it): a report never names another process's folder or files.
    ``held``: those of its paths opened already (:func:`hold_open`), read through our own
    descriptor instead, whether the process still runs or not.
    """
    import stat

    if stats is not None:
        stats["files"] = stats["not_scanned"] = 0

    notes: list[str] = []
    readable: list[str] = []
    # read through our own descriptor: no longer the process's path (never dropped for it)
    ours = {_own_fd_path(fd): path for path, fd in (held or {}).items() if path in paths}
    paths = [_own_fd_path(held[p]) if held and p in held else p for p in paths]
    through = [p for p in paths if owner is not None and p.startswith(owner.folder)]
    if through and owner is not None and not owner.alive():
        notes += [f"not scanned: {p}: process {owner.pid} has exited (its pid may be another "
                  "process's now)" for p in through]  # fmt: skip
        paths = [p for p in paths if p not in through]
        through = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as exc:
            notes.append(f"not scanned: {path}: {exc.strerror or exc}")
            continue
        need = os.R_OK | (os.X_OK if stat.S_ISDIR(st.st_mode) else 0)
        if not os.access(path, need):
            hint = "" if os.geteuid() == 0 else " (run as root to scan it)"
            notes.append(f"not scanned: {path}: not readable by this user{hint}")
            continue
        readable.append(path)
    if not readable:
        return None, notes
    try:
        from spamtrace.scanner import rank_files
        from spamtrace.scanner.walk import PROC_FD

        counts: dict[str, int] = {}
        risky: list[WalkItem] = []
        reports = rank_files(
            readable, limit=limit, time_budget=budget, cfg=cfg, stats=counts, links=risky
        )
        if stats is not None:
            stats["files"] = counts.get("scanned", 0)
            stats["not_scanned"] = counts.get("not_scanned", 0)
        if links is not None:
            links += [link_json(item) for item in risky[:LINK_LIMIT]]
    except Exception as exc:  # the scanner must never take the report down with it
        notes.append(f"scan of {', '.join(readable)} failed: {type(exc).__name__}: {exc}")
        return None, notes
    if counts.get("not_scanned"):
        notes.append(
            # the budget is what the run had left: 2.99996 s of a 3 s budget, said "2.99996s"
            f"not scanned: {counts['not_scanned']} file(s) of the folder (the scan budget of "
            f"{round(budget, 1):g}s or 200 files ran out)"
        )
    if counts.get("cut_short"):
        notes.append(f"cut short: {counts['cut_short']} file(s) analysed in part (time limit)")
    # the files named (the running scripts) apart from the folder's: "this is the file" is
    # said of a running script only (JSON: "script": true)
    named = {p for p in readable if os.path.isfile(p)}
    from spamtrace.scanner.walk import resolved

    named |= {resolved(p) for p in named}
    files = [suspect_json(r) for r in reports]
    read_through = {id(f) for f in files if owner is not None and _under(f, owner)}
    for f in files:
        f["script"] = f["path"] in named
        if PROC_FD.fullmatch(f["path"]):  # a deleted script: named as the process names it
            try:
                shown = os.readlink(f["path"])
            except OSError:
                continue
            via = ours.get(f["path"])
            if via is None:
                notes.append(f"{shown}: read through {f['path']} (copy it from there to keep it)")
            elif owner is not None and owner.alive():
                notes.append(f"{shown}: read through {via} (copy it from there to keep it)")
            else:
                notes.append(f"{shown}: read through {via} when the incident opened (the "
                             "process has exited since, and the deleted file with it)")  # fmt: skip
            f["path"] = shown
    if through and owner is not None and not owner.alive():
        if all(p in through for p in readable):
            notes = [n for n in notes if f"read through {owner.folder}" not in n]
            notes.append(f"dropped: the scan of {', '.join(readable)}: process {owner.pid} "
                         "exited during it (its pid may be another process's now)")  # fmt: skip
            if links is not None:
                links.clear()
            return None, notes
        # it exited during the scan: what was read through its pid may be another's
        files = [f for f in files if id(f) not in read_through]
        notes = [n for n in notes if f"read through {owner.folder}" not in n]
        notes.append(
            f"dropped: what was read through {owner.folder} ({len(read_through)} file(s)): "
            f"process {owner.pid} exited during the scan (its pid may be another process's now)"
        )
        if links is not None:
            links[:] = [x for x in links if not _under(x, owner)]
    return files, notes


def _under(found: Mapping[str, Any], owner: ProcessKey) -> bool:
    return str(found.get("path", "")).startswith(owner.folder)


def file_advice(files: Sequence[dict[str, Any]] | None) -> str | None:
    """The "this is the file" advice line (of a running script; "most suspicious file in the
    folder" of another), when the top file is suspicious or malicious."""
    if not files or files[0]["verdict"] not in ("suspicious", "malicious"):
        return None
    top = files[0]
    more = sum(1 for f in files[1:] if f["verdict"] in ("suspicious", "malicious"))
    rules = ", ".join(top["rules"][:4])
    # a file of the folder is not the running script: said apart (records without "script"
    # were all written when only the script was named)
    what = "this is the file" if top.get("script", True) else "most suspicious file in the folder"
    text = f"{what}: {top['path']} ({top['verdict']}, score {top['score']}; {rules})"
    if more:
        text += f"; {more} more suspect file(s) beside it"
    return text


def suspect_lines(files: Sequence[dict[str, Any]]) -> list[str]:
    """Human lines (escaped) for suspect files: one per file, plus its top finding."""
    from spamtrace.safetext import escape, truncate

    out: list[str] = []
    for f in files:
        rules = ", ".join(escape(str(r)) for r in list(f.get("rules") or [])[:4])
        verdict, score = escape(str(f.get("verdict"))), escape(str(f.get("score")))
        out.append(f"{escape(str(f.get('path')))}: {verdict}, score {score} ({rules})")
        excerpt = str(f.get("excerpt") or "")
        if f.get("line") is not None or excerpt:
            if not excerpt.isprintable():  # the scanner escapes excerpts: only if it did not
                excerpt = escape(excerpt)
            excerpt = truncate(excerpt, 120)  # "..." when printed plain (render.output.shown)
            where = f"line {f['line']}" if f.get("line") else "whole file"
            if f.get("layer"):
                where += f" of decoded layer {f['layer']}"
            out.append(f"  {escape(where)}: {excerpt}")
    return out


def link_json(item: WalkItem) -> dict[str, Any]:
    """A symlink of a sender's folder that points where a site must not reach (``check``'s
    and the incidents' ``suspect_links``): its ``path``, its ``target`` as it reads (never
    followed), the ``risk`` (why a site must not link there) and the ``rule``."""
    from spamtrace.scanner import links
    from spamtrace.scanner.walk import link_target

    return {
        "path": item.path,
        "target": link_target(item.skipped or ""),
        "risk": item.risk,
        "rule": links.RULE,
    }


def link_lines(links: Sequence[Mapping[str, Any]]) -> list[str]:
    """Human lines (escaped) for ``suspect_links``: ``PATH -> TARGET: RISK``."""
    from spamtrace.safetext import escape

    return [
        f"{escape(str(x.get('path')))} -> {escape(str(x.get('target')))}: "
        f"{escape(str(x.get('risk')))}"
        for x in links
    ]


def link_advice(links: Sequence[dict[str, Any]] | None) -> str | None:
    """The advice line for ``suspect_links`` (escaped), apart from the files' "this is the
    file": the links are no script and run nothing, the web server reads through them."""
    if not links:
        return None
    first = link_lines(links[:1])[0]
    more = f"; {len(links) - 1} more beside it" if len(links) > 1 else ""
    return (
        f"{len(links)} symlink(s) in the folder point where a site must not reach (a "
        f"symlink attack: the web server follows them): {first}{more}; remove them after a look"
    )
