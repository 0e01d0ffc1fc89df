"""Run the audit: pick the checks, gather their snapshots, judge them, and fix on request.

Snapshots are gathered in parallel (DNS lookups and ``sshd -T`` runs wait on I/O); fixes run
one after the other, each followed by a fresh gather + judge so that the report shows the state
after the fix, not before.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from spamtrace.audit.dnsbl import DnsblCheck
from spamtrace.audit.environment import AuditEnv
from spamtrace.audit.finding import (
    Check,
    Finding,
    FixableCheck,
    FixOutcome,
    Status,
    acknowledge,
)
from spamtrace.audit.firewall import FirewallCheck
from spamtrace.audit.mta import MtaCheck
from spamtrace.audit.php import PhpCheck
from spamtrace.audit.sshd import SshdCheck
from spamtrace.errors import ConfigError, SpamtraceError, UsageError
from spamtrace.safetext import escape, quoted

ALL_CHECKS: tuple[Check, ...] = (SshdCheck(), FirewallCheck(), MtaCheck(), PhpCheck(), DnsblCheck())


_FIXABLE = (Status.FAIL, Status.WARN)


def all_ids(checks: Sequence[Check] = ALL_CHECKS) -> list[str]:
    return [i for c in checks for i in c.ids]


def wanted_ids(only: Sequence[str], checks: Sequence[Check] = ALL_CHECKS) -> set[str]:
    """Expand ``--only`` items (an id, a family such as ``sshd``, or ``sshd.*``) to ids."""
    ids = all_ids(checks)
    if not only:
        return set(ids)
    out: set[str] = set()
    for item in only:
        for part in item.split(","):
            name = part.strip()
            if not name:
                continue
            family = name[:-2] if name.endswith(".*") else name
            hits = [i for i in ids if i == name or i.split(".", 1)[0] == family]
            if not hits:
                raise UsageError(
                    f"--only {escape(name)}: unknown check id (known: {', '.join(ids)})"
                )
            out.update(hits)
    return out


@dataclass(frozen=True, slots=True)
class AuditReport:
    findings: tuple[Finding, ...]
    fixes: tuple[FixOutcome, ...]

    @property
    def worst(self) -> Status:
        return max((f.status for f in self.findings), key=lambda s: s.rank, default=Status.PASS)


def _gather(check: Check, env: AuditEnv) -> tuple[Any, Finding | None]:
    try:
        return check.gather(env), None
    except SpamtraceError:
        raise
    except Exception as exc:  # one broken check must not hide the others' results
        reason = f"the check crashed while looking: {type(exc).__name__}: {escape(str(exc), 300)}"
        return None, Finding(
            check.ids[0], Status.SKIPPED, f"{check.family}: not checked", (reason,), "", ""
        )


def _judge(check: Check, env: AuditEnv, snap: Any, wanted: set[str]) -> list[Finding]:
    return [f for f in check.judge(snap, env.cfg) if f.id in wanted]


def run_audit(
    env: AuditEnv,
    only: Sequence[str] = (),
    fix: bool = False,
    checks: Sequence[Check] = ALL_CHECKS,
) -> AuditReport:
    wanted = wanted_ids(only, checks)
    known = set(all_ids(checks))
    for i, entry in enumerate(env.cfg.audit.ignore):
        ident = entry.partition(":")[0]
        if ident not in known:
            raise ConfigError(
                f"audit.ignore[{i}]: unknown finding id {quoted(ident)} "
                f"(known: {', '.join(sorted(known))})"
            )
    selected = [c for c in checks if wanted.intersection(c.ids)]
    with ThreadPoolExecutor(max_workers=max(1, len(selected))) as pool:
        gathered = list(pool.map(lambda c: _gather(c, env), selected))
    findings: list[Finding] = []
    fixes: list[FixOutcome] = []
    for check, (snap, crashed) in zip(selected, gathered, strict=True):
        if crashed is not None:
            findings.append(crashed)
            continue
        judged = _judge(check, env, snap, wanted)
        if (
            fix
            and isinstance(check, FixableCheck)
            and any(f.id in check.fixable and f.status in _FIXABLE for f in judged)
        ):
            outcome = check.fix(env, snap, judged)
            fixes.append(outcome)
            snap, crashed = _gather(check, env)
            judged = [crashed] if crashed is not None else _judge(check, env, snap, wanted)
        findings.extend(judged)
    return AuditReport(tuple(acknowledge(findings, env.cfg.audit.ignore)), tuple(fixes))
