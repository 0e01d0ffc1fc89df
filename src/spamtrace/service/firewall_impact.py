"""What ``firewall plan`` says its rules would do on this host, before they are loaded.

The plan itself is pure (:func:`spamtrace.policy.firewall_plan.assess_impact`); this module
gathers what it is assessed against: the SMTP connections open now (the ``check`` pipeline,
:func:`spamtrace.service.check.collect`) and the senders that ``watch`` or the daemon recorded
in the store recently.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.policy.firewall_plan import FirewallPlan, Impact


def collect_impact(cfg: Config, plan: FirewallPlan, db: str, since: float) -> Impact:
    """Who ``plan`` would block or let through: the connections open now (the ``check``
    pipeline) and the senders recorded in the store ``db`` in the last ``since`` seconds; what
    could not be looked at is a note."""
    from spamtrace.errors import SpamtraceError
    from spamtrace.policy.firewall_plan import Impact, RecentSender, assess_impact

    notes: list[str] = []
    connections = []
    try:
        from spamtrace.service.check import collect

        connections = list(collect(cfg))
    except ImportError:
        notes.append("live connections: skipped (the check pipeline is not installed)")
    except SpamtraceError as exc:
        notes.append(f"live connections: skipped ({exc.message})")
    recent: list[RecentSender] = []
    if not os.path.exists(db):
        from spamtrace.policy.firewall_plan import no_store_advice

        notes.append(no_store_advice(db))
    else:
        try:
            from spamtrace.sinks.store import is_configured_store, open_reader

            configured = is_configured_store(db, cfg.store.path)
            with open_reader(db, configured=configured) as reader:
                for s in reader.recent_senders(time.time() - since):
                    recent.append(
                        RecentSender(
                            uid=s.uid,
                            user=s.user,
                            account=s.account,
                            exe=s.exe,
                            destinations=tuple(s.destinations),
                            attempts=s.attempts,
                        )
                    )
        except ImportError:
            notes.append("recent senders: skipped (the store module is not installed)")
        except SpamtraceError as exc:
            notes.append(f"recent senders: skipped ({exc.message})")
    impact = assess_impact(plan, connections, recent)
    return Impact(entries=impact.entries, notes=tuple(notes))
