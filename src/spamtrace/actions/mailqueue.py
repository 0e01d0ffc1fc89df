"""Freeze a mail sender's queued messages in the MTA (the impure side of ``FreezeQueue``).

- **Exim**: ``exim -bp`` lists what is queued; the messages to freeze are those the log join
  tied to the incident (:attr:`FreezeQueue.queue_ids`) and every other queued message whose
  spool header file (``<spool>/input/[X/]<id>-H``, found with ``exim -bP spool_directory``)
  names the same submitter: its second line is ``login uid gid`` of the process that ran
  Exim (a local user cannot forge it), and ``-auth_id`` the SMTP AUTH user. Then
  ``exim -Mf <ids>``; ``exim -Mt <ids>`` thaws them.
- **Postfix**: ``postqueue -j`` lists what is queued; the ids the log join tied to the
  incident and still queued (not already on hold) are put on hold with ``postsuper -h -``
  (ids on standard input); ``postsuper -H <id>`` releases one.

Ids are checked against the MTA's id syntax before they reach an argv, the commands run
without a shell and with a timeout, and the exit status, output (2000 characters) and the ids
frozen are returned for the record. Postfix reuses queue ids after a message leaves the
queue: only ids listed as queued a moment before are held.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spamtrace.policy.responses import FreezeQueue
from spamtrace.sources.maillog.event import mailbox_name

TIMEOUT = 60.0
OUTPUT_LIMIT = 2000
CHUNK = 200  # ids per exim -Mf
HEADER_BYTES = 8192  # of a spool -H file: the submitter and -auth_id come first
#: Exim ids: 1xZX01-0004e1-2T (before 4.97) or 1tJ5Pq-00000000Abc-ABCD
EXIM_ID = re.compile(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}")
POSTFIX_ID = re.compile(r"[0-9A-Za-z]{5,24}")
#: age, size, id, <sender> up to the line's last '>' (a quoted local part may hold '>'), and
#: Exim's own " *** frozen ***" after it (a sender cannot put text there)
#: an ACL variable of a spool -H file: its value (length characters) follows on the next lines.
#: Since Exim 4.94 a tainted value (from the message or the client) is written with a second
#: '-': "--aclc _y 17", "--auth_id box@x" (Debian 12's 4.96 does so for every SMTP AUTH login)
_ACL_VAR = re.compile(rb"--?acl[cm] ?\S+ (\d{1,9})")
_BP_LINE = re.compile(r"\s*\S+\s+\S+\s+(\S+) <(.*)>( \*\*\* frozen \*\*\*)?\s*")


@dataclass(frozen=True, slots=True)
class FreezeResult:
    ok: bool
    mta: str | None
    frozen: tuple[str, ...]
    detail: str
    argv: tuple[str, ...] = ()
    exit_status: int | None = None
    output: str = ""
    skipped: tuple[str, ...] = field(default=())  # known ids no longer queued / already frozen


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    id: str
    sender: str
    frozen: bool


def parse_exim_bp(text: str) -> list[QueuedMessage]:
    """The messages of ``exim -bp`` (the first line of each entry)."""
    out: list[QueuedMessage] = []
    for line in text.split("\n"):  # not splitlines(): a sender may hold U+2028, \x85...
        m = _BP_LINE.fullmatch(line)
        if m and EXIM_ID.fullmatch(m.group(1)):
            out.append(QueuedMessage(m.group(1), m.group(2), m.group(3) is not None))
    return out


def parse_exim_header(text: str) -> tuple[str | None, int | None, str | None]:
    """(login, uid, auth_id) of an Exim spool ``-H`` file's beginning (decoded with
    ``surrogateescape``: an ACL variable's length counts bytes)."""
    data = text.encode("utf-8", "surrogateescape")
    lines = data.split(b"\n", 2)
    login = uid = auth = None
    if len(lines) > 1:
        parts = lines[1].split()
        if len(parts) >= 2 and parts[1].isdigit():
            login, uid = os.fsdecode(parts[0]), int(parts[1])
    rest = lines[2] if len(lines) > 2 else b""
    at = 0
    while at < len(rest):
        end = rest.find(b"\n", at)
        end = len(rest) if end < 0 else end
        line = rest[at:end]
        at = end + 1
        if line.startswith((b"-auth_id ", b"--auth_id ")):
            auth = os.fsdecode(line.partition(b" ")[2].strip())
            break
        if line[:1].isdigit() and b" " not in line:  # the recipients' count: options end
            break
        acl = _ACL_VAR.fullmatch(line)
        if acl:  # "-aclm <name> <length>", then the value: any bytes, newlines too (skipped)
            at += int(acl.group(1)) + 1
    return login, uid, auth


def parse_postqueue_json(text: str) -> list[QueuedMessage]:
    out: list[QueuedMessage] = []
    for line in text.split("\n"):  # one object a line; UTF-8 (U+2028...) is passed through
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict):
            continue
        qid = str(item.get("queue_id") or "")
        if POSTFIX_ID.fullmatch(qid):
            out.append(QueuedMessage(qid, str(item.get("sender") or ""),
                                     item.get("queue_name") == "hold"))  # fmt: skip
    return out


def exim_freeze_argv(exim: Sequence[str], ids: Sequence[str]) -> list[str]:
    return [*exim, "-Mf", *ids]


def postfix_hold_argv(postsuper: Sequence[str], ids: Sequence[str]) -> tuple[list[str], str]:
    """``postsuper -h -`` and the ids for its standard input (one a line)."""
    return [*postsuper, "-h", "-"], "".join(f"{i}\n" for i in ids)


def _run(
    argv: Sequence[str], stdin: str | None = None, limit: int | None = OUTPUT_LIMIT
) -> tuple[int | None, str]:
    """(exit status, stdout + stderr, cut to ``limit`` characters: for the record); (None,
    why) when it could not run or timed out. A queue listing is read whole (``limit=None``):
    cut, it held only the first 20 messages or so of a bigger queue."""
    try:
        proc = subprocess.run(
            list(argv), input=stdin if stdin is not None else "", capture_output=True,
            text=True, errors="replace", timeout=TIMEOUT, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        return None, f"{argv[0]}: command not found"
    except PermissionError:
        return None, f"{argv[0]}: not executable"
    except subprocess.TimeoutExpired:
        return None, f"{argv[0]}: killed after {TIMEOUT:g} s (timeout)"
    return proc.returncode, (proc.stdout + proc.stderr)[:limit]


def find_command(*names: str) -> list[str]:
    """``[path]`` of the first of ``names`` on PATH (or in /usr/sbin, /usr/bin), else ``[]``."""
    for name in names:
        found = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin")
        if found:
            return [found]
    return []


class MailQueue:
    """The MTA's queue, through its own commands (argv prefixes from ``[mail]``)."""

    def __init__(
        self,
        exim: Sequence[str] = (),
        postqueue: Sequence[str] = (),
        postsuper: Sequence[str] = (),
    ) -> None:
        self.exim = list(exim) or find_command("exim4", "exim")
        self.postqueue = list(postqueue) or find_command("postqueue")
        self.postsuper = list(postsuper) or find_command("postsuper")

    def freeze(self, d: FreezeQueue) -> FreezeResult:
        mta = d.mta if d.mta in ("exim", "postfix") else None
        if mta is None:
            mta = "exim" if self.exim else "postfix" if self.postsuper else None
        if mta == "exim" and self.exim:
            return self._freeze_exim(d)
        if mta == "postfix" and self.postqueue and self.postsuper:
            return self._freeze_postfix(d)
        return FreezeResult(False, mta, (), f"no {mta or 'MTA'} command found to freeze with")

    # ------------------------------------------------------------------ Exim
    def _freeze_exim(self, d: FreezeQueue) -> FreezeResult:
        status, out = _run([*self.exim, "-bp"], limit=None)
        if status != 0:
            return FreezeResult(False, "exim", (), f"exim -bp: {_last(out, status)}")
        queued = parse_exim_bp(out)
        known = set(d.queue_ids)
        spool = self._spool() if queued else None
        pick: list[str] = []
        for m in queued:
            if m.frozen:
                continue
            if m.id in known or (spool is not None and self._same_sender(spool, m.id, d)):
                pick.append(m.id)
        skipped = tuple(sorted(known - set(pick)))
        if not pick:
            return FreezeResult(True, "exim", (), "nothing of this sender is queued (or it is "
                                "frozen already)", skipped=skipped)  # fmt: skip
        outputs: list[str] = []
        argv: list[str] = []
        for i in range(0, len(pick), CHUNK):
            argv = exim_freeze_argv(self.exim, pick[i : i + CHUNK])
            status, text = _run(argv)
            outputs.append(text)
            if status != 0:
                return FreezeResult(
                    False, "exim", tuple(pick[:i]), f"exim -Mf: {_last(text, status)}",
                    tuple(argv), status, "".join(outputs)[:OUTPUT_LIMIT], skipped,
                )  # fmt: skip
        return FreezeResult(
            True, "exim", tuple(pick), f"froze {len(pick)} queued message(s) (exim -Mf)",
            tuple(argv), 0, "".join(outputs)[:OUTPUT_LIMIT], skipped,
        )  # fmt: skip

    def _spool(self) -> str | None:
        status, out = _run([*self.exim, "-bP", "spool_directory"])
        if status != 0:
            return None
        value = out.strip().partition("=")[2].strip()
        return value if value.startswith("/") else None

    @staticmethod
    def _same_sender(spool: str, qid: str, d: FreezeQueue) -> bool:
        """Whether the spool header of ``qid`` names the incident's submitter."""
        text = _read_header(spool, qid)
        if text is None:
            return False
        login, uid, auth = parse_exim_header(text)
        if d.auth_user is not None:  # the login as typed; the incident's mailbox, made small
            return auth is not None and mailbox_name(auth) == d.auth_user
        if auth is not None:  # an SMTP AUTH message, not a local submission
            return False
        return (d.uid is not None and uid == d.uid) or (d.user is not None and login == d.user)

    # ------------------------------------------------------------------ Postfix
    def _freeze_postfix(self, d: FreezeQueue) -> FreezeResult:
        status, out = _run([*self.postqueue, "-j"], limit=None)
        if status != 0:
            return FreezeResult(False, "postfix", (), f"postqueue -j: {_last(out, status)}")
        queued = {m.id: m for m in parse_postqueue_json(out)}
        pick = [i for i in dict.fromkeys(d.queue_ids) if i in queued and not queued[i].frozen]
        skipped = tuple(sorted(set(d.queue_ids) - set(pick)))
        if not pick:
            return FreezeResult(True, "postfix", (), "nothing of this sender is queued (or it "
                                "is on hold already)", skipped=skipped)  # fmt: skip
        argv, stdin = postfix_hold_argv(self.postsuper, pick)
        status, text = _run(argv, stdin)
        ok = status == 0
        detail = (
            f"put {len(pick)} queued message(s) on hold (postsuper -h)"
            if ok
            else f"postsuper -h: {_last(text, status)}"
        )
        return FreezeResult(ok, "postfix", tuple(pick) if ok else (), detail, tuple(argv),
                            status, text, skipped)  # fmt: skip


_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def _read_header(spool: str, qid: str) -> str | None:
    """The beginning of ``<spool>/input/[X/]<id>-H`` (no link followed), None if absent."""
    if not EXIM_ID.fullmatch(qid):
        return None
    for folder in (os.path.join(spool, "input"), os.path.join(spool, "input", qid[5])):
        try:
            fd = os.open(os.path.join(folder, f"{qid}-H"), _READ)
        except OSError:
            continue
        try:
            return os.read(fd, HEADER_BYTES).decode("utf-8", "surrogateescape")
        except OSError:
            return None
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
    return None


def _last(text: str, status: int | None) -> str:
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1] if lines else f"exit status {status}"


def thaw_hint(mta: str | None, ids: Iterable[str], shown: int = 20) -> str | None:
    """The command that undoes a freeze (the action's undo): every id up to ``shown``, then
    how many more the action's ``data.frozen`` lists."""
    ids = list(ids)
    if not ids:
        return None
    more = f"  (+{len(ids) - shown} more: the action's data.frozen)" if len(ids) > shown else ""
    if mta == "postfix":
        return "; ".join(f"postsuper -H {i}" for i in ids[:shown]) + more
    return f"exim -Mt {' '.join(ids[:shown])}" + more
