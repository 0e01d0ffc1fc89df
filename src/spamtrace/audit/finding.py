"""What an audit check produces, and the protocol every check follows.

A check is two halves (house style: thin impure edges, pure decisions):

* ``gather(env)`` is the adapter: it runs ``sshd -T``, reads ``csf.conf``, asks DNS... and
  returns a *snapshot* (a frozen dataclass of plain values). It never decides anything.
* ``judge(snapshot, cfg)`` is pure: snapshot in, :class:`Finding` list out. Unit tests feed it
  fixture snapshots built from captured ``sshd -T`` output, config files and ``nft -j`` JSON.

Checks that can repair what they find also implement :class:`FixableCheck` (``--fix``).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from spamtrace.audit.environment import AuditEnv
    from spamtrace.config import Config


class Status(str, enum.Enum):
    """Outcome of one finding. ``fail`` makes ``spamtrace audit`` exit 1."""

    PASS = "pass"
    WARN = "warn"  # weak visibility, advice, or a config that could not be parsed
    FAIL = "fail"  # an open way out for spam
    SKIPPED = "skipped"  # could not look; ``evidence`` and ``title`` say why

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Status.FAIL: 3, Status.WARN: 2, Status.SKIPPED: 1, Status.PASS: 0}


@dataclass(frozen=True, slots=True)
class Finding:
    """One judged fact about this server's configuration.

    ``evidence`` lines are ``file:line: text`` or ``$ command`` followed by its output; every
    value that came from the host is already escaped (:func:`spamtrace.safetext.escape`).
    ``subject`` names what was examined when a check yields several findings of one id (a PHP
    pool, a DNSBL zone); it is empty otherwise.
    """

    id: str
    status: Status
    title: str
    evidence: tuple[str, ...]
    why: str
    fix: str
    subject: str = ""
    ignored: bool = False  # acknowledged in ``[audit] ignore``: listed, never exit 1

    @property
    def summary(self) -> str:
        """The title without its subject: what findings of many subjects have in common."""
        prefix = f"{self.subject}: "
        return (
            self.title[len(prefix) :]
            if self.subject and self.title.startswith(prefix)
            else self.title
        )


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Findings that say the same thing (id, status, summary) about different subjects."""

    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(f.subject for f in self.findings if f.subject)


def group_findings(findings: Sequence[Finding]) -> list[FindingGroup]:
    """Identical findings across subjects (hundreds of FPM pools) as one group, in first order."""
    groups: dict[tuple[str, Status, str, bool], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.id, f.status, f.summary, f.ignored), []).append(f)
    return [FindingGroup(tuple(members)) for members in groups.values()]


def acknowledge(findings: Sequence[Finding], ignore: Sequence[str]) -> list[Finding]:
    """Mark the findings ``[audit] ignore`` acknowledges: "ID", or "ID:SUBJECT" (fnmatch)."""
    if not ignore:
        return list(findings)
    import fnmatch

    rules = [entry.partition(":")[::2] for entry in ignore]
    out = []
    for f in findings:
        hit = any(
            ident == f.id and (not pattern or fnmatch.fnmatchcase(f.subject, pattern))
            for ident, pattern in rules
        )
        out.append(dataclasses.replace(f, ignored=True) if hit else f)
    return out


class FixAction(str, enum.Enum):
    APPLIED = "applied"  # written, validated, reloaded and verified
    APPLIED_UNVERIFIED = "applied-unverified"  # written and valid, but verification failed
    ROLLED_BACK = "rolled-back"  # validation failed; the original files are back
    NOT_NEEDED = "not-needed"
    FAILED = "failed"  # could not even try (no permission, missing binary)


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """What ``--fix`` did for one check, step by step (``details``, escaped)."""

    id: str
    action: FixAction
    details: tuple[str, ...]
    backups: tuple[str, ...] = ()


@runtime_checkable
class Check(Protocol):
    """A family of findings (``sshd``, ``php``...) with an adapter half and a pure half."""

    family: str
    ids: tuple[str, ...]  # every finding id this check can emit

    def gather(self, env: AuditEnv) -> Any:
        """Collect a snapshot from the host (the only impure step)."""
        ...

    def judge(self, snapshot: Any, cfg: Config) -> list[Finding]:
        """Turn a snapshot into findings. Pure: no I/O, no clock."""
        ...


@runtime_checkable
class FixableCheck(Check, Protocol):
    fixable: tuple[str, ...]  # the finding ids ``fix`` repairs

    def fix(self, env: AuditEnv, snapshot: Any, findings: list[Finding]) -> FixOutcome:
        """Repair what ``findings`` reported as ``fail``; back up, validate, roll back."""
        ...


def skipped(finding_id: str, title: str, reason: str, why: str = "", fix: str = "") -> Finding:
    """A ``skipped`` finding: could not look, and why."""
    return Finding(
        id=finding_id,
        status=Status.SKIPPED,
        title=title,
        evidence=(reason,),
        why=why,
        fix=fix,
    )
