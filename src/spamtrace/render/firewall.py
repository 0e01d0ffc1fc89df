"""The views of ``spamtrace firewall``: the plan (who may send, what keeps working, who would be
blocked, and the ruleset), the status (loaded, drift, counters, a pending rollback) and the
one-line results of apply / confirm / remove / load-confirmed, each as JSON
(``spamtrace.firewall-plan/1``, ``spamtrace.firewall-status/1``,
``spamtrace.firewall-action/1``) and for a person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spamtrace.policy.firewall_plan import KEEPS_WORKING, Outcome
from spamtrace.safetext import escape, escape_message

if TYPE_CHECKING:
    from rich.console import Console

    from spamtrace.actions.firewall.transaction import ApplyResult
    from spamtrace.policy.firewall_plan import FirewallPlan, Impact
    from spamtrace.service.firewall import OverdueRollback

PLAN_SCHEMA = "spamtrace.firewall-plan/1"
STATUS_SCHEMA = "spamtrace.firewall-status/1"
ACTION_SCHEMA = "spamtrace.firewall-action/1"

_OUTCOME_STYLE = {Outcome.BLOCKED: "bold red", Outcome.REDIRECTED: "yellow",
                  Outcome.ALLOWED: "green"}  # fmt: skip


def print_plan(
    con: Console, plan: FirewallPlan, backend: str, impact: Impact, ruleset: str
) -> None:
    from rich.table import Table
    from rich.text import Text

    from spamtrace.render.output import box_of, indented

    con.print(Text(f"spamtrace firewall plan: mode {plan.mode.value}, backend {backend}",
                   style="bold"))  # fmt: skip
    if plan.refusal:
        con.print(Text("\nREFUSED", style="bold red"))
        # messages: their values were quoted or escaped where they were put in (once)
        indented(con, escape_message(plan.refusal), indent=2)
    ports = ", ".join(map(str, plan.ports))
    # the title on a line of its own: as the table's title it wrapped to the table's width
    # ("... SMTP ports (25," over "465, 587, 2525)")
    con.print(Text(f"Allowed to open connections to SMTP ports ({ports}):"))
    allowed = Table(box=box_of(con))
    allowed.add_column("who", overflow="fold")
    allowed.add_column("why", overflow="fold")
    for p in (*plan.allow_uids, *plan.allow_gids):
        name = f" {escape(p.name)}" if p.name else ""
        allowed.add_row(Text(f"{p.kind} {p.id}{name}"), Text(escape(p.reason)))
    for exc in plan.exceptions:
        addrs = f" ({', '.join(exc.addresses)})" if exc.addresses and not exc.network else ""
        allowed.add_row(Text(f"exception #{exc.index}"),
                        Text(f"{escape(exc.describe())}{addrs}; from {exc.source}"))  # fmt: skip
    con.print(allowed)
    if plan.mode.value == "relay":
        indented(con, f"... but the MTA only towards the relays: "
                      f"{', '.join(plan.relay_addresses)}", indent=2)  # fmt: skip
    action = (f"redirected to the local MTA on port {plan.redirect_port}"
              if plan.mode.value == "redirect" else "rejected with a TCP reset")  # fmt: skip
    indented(con, f"Everyone else: new connections are logged (NFLOG group {plan.nflog_group}) "
                  f"and {action}.", indent=0)  # fmt: skip
    for line in KEEPS_WORKING:
        indented(con, line, indent=0)
    con.print()
    if not impact.entries:
        con.print(Text("Impact: no SMTP senders seen (connections open now, and senders "
                       "recorded by `watch` or the daemon recently)"))  # fmt: skip
    else:
        _print_impact(con, impact)
    for note in (*plan.notes, *impact.notes):
        indented(con, f"note: {escape_message(note)}", indent=2)
    con.print(Text("\nRuleset:", style="bold"))
    con.print(Text(ruleset.rstrip("\n")), soft_wrap=True)


#: the impact table's columns (header, kind, least width: render.layout.Column)
_IMPACT_COLUMNS = (
    ("outcome", "short", 0), ("who", "long", 16), ("program", "long", 16), ("to", "long", 16),
    ("count", "short", 0), ("seen", "short", 0), ("why", "long", 20),
)  # fmt: skip


def _print_impact(con: Console, impact: Impact) -> None:
    """Who the plan would block or let through: a table when it fits the terminal (and always
    in a pipe, a row a line), else a block per sender (at 80 columns the table folded paths
    and addresses inside a word: `/usr/bin/p` over `hp8.2`, `10.231.77.` over `2:25`)."""
    from rich.text import Text

    from spamtrace.render.layout import Column, field, fitted_table

    title = "Impact (connections open now, and senders recorded by `watch` or the daemon)"
    rows = []
    for e in impact.entries:
        who = f"uid {e.uid}" if e.uid is not None else "unknown uid"
        if e.user:
            who += f" ({escape(e.user)})"
        if e.account and e.account != e.user:
            who += f", account {escape(e.account)}"
        program = escape(e.exe or "-") + (f" (pid {e.pid})" if e.pid else "")
        style = _OUTCOME_STYLE[e.outcome]
        cells = (e.outcome.value.upper(), who, program, escape(e.remote), str(e.count), e.seen,
                 escape(e.reason))  # fmt: skip
        rows.append([Text(c, style=style if i == 0 else "") for i, c in enumerate(cells)])
    columns = [
        Column(h, kind, width, ", " if h == "to" else None) for h, kind, width in _IMPACT_COLUMNS
    ]
    if fitted_table(con, title, columns, rows):
        return
    con.print(Text(f"{title}:"))
    for row in rows:
        outcome, who, program, to, count, seen, why = (t.plain for t in row)
        head = Text("  ").append(outcome, style=row[0].style).append(f"  {who}")
        con.print(head)
        for label, text in (("program", program), ("to", to), ("count", f"{count}, seen {seen}"),
                            ("why", why)):  # fmt: skip
            field(con, label, text, indent=4, width=8)


def plan_json(plan: FirewallPlan, backend: str, impact: Impact, ruleset: str) -> dict[str, Any]:
    """The ``firewall plan --json`` document."""
    return {
        "schema": PLAN_SCHEMA,
        "backend": backend,
        "mode": plan.mode,
        "ports": plan.ports,
        "nflog_group": plan.nflog_group,
        "allowed_uids": plan.allow_uids,
        "allowed_gids": plan.allow_gids,
        "exceptions": plan.exceptions,
        "relays": plan.relay_addresses,
        "refusal": plan.refusal,
        "notes": [*plan.notes, *impact.notes],
        "inbound_unaffected": True,
        "inbound_note": KEEPS_WORKING[0],
        "keeps_working": KEEPS_WORKING,
        "impact": {"blocked": impact.blocked, "allowed": impact.allowed},
        "ruleset": ruleset,
    }


def action_json(action: str, message: str, **fields: Any) -> dict[str, Any]:
    """The result of apply / confirm / remove / load-confirmed with ``--json``."""
    return {"schema": ACTION_SCHEMA, "action": action, "message": message, **fields}


def applied_text(result: ApplyResult, timeout: int) -> str:
    """What ``firewall apply`` did, in one line (with the rollback to come, if any)."""
    if result.rollback_in is None:
        word = "loaded" if result.changed else "already loaded and in sync; nothing changed"
        return f"firewall {word} ({result.backend}, mode {result.mode})"
    return (
        f"firewall loaded ({result.backend}, mode {result.mode}). It rolls back by itself "
        f"in {timeout} s unless you run `spamtrace firewall confirm`."
    )


def removed_text(backend: str, removed: bool, kept: list[tuple[int, str | None]]) -> str:
    """What ``firewall remove`` did, in one line: with the responses' uid blocks it kept
    (``kept``: uid and user name), which still hold the table, and how to free them."""
    if not removed:
        return "the spamtrace firewall was not loaded; nothing to remove"
    text = f"removed the spamtrace firewall ({backend}); nothing else was touched"
    if kept:
        who = ", ".join(f"uid {uid}" + (f" ({escape(name)})" if name else "") for uid, name in kept)
        many = "s" if len(kept) > 1 else ""
        text += (
            f". It kept the SMTP block{many} of {who}: table inet spamtrace stays, with only "
            f"that, until the block{many} run{'' if many else 's'} out or you run "
            f"`spamtrace release {kept[0][0]}`{' (one per uid)' if many else ''}"
        )
    return text


def loaded_confirmed_text(policy: dict[str, Any]) -> str:
    """What ``firewall load-confirmed`` loaded (the confirmed record), in one line."""
    import time

    at = policy.get("confirmed_at")
    if at is None:  # no readable date (confirmed_policy): its rules loaded all the same
        return f"loaded the firewall rules confirmed at an unknown time ({policy['backend']})"
    # UTC, as every time spamtrace prints (it was the local time, with no zone said)
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at))
    return f"loaded the firewall rules confirmed on {when} UTC ({policy['backend']})"


def status_json(
    backend: str,
    plan: FirewallPlan,
    status: dict[str, Any],
    pending: dict[str, Any] | None,
    overdue_rollback: OverdueRollback | None,
) -> dict[str, Any]:
    """The ``firewall status --json`` document (``status``: the backend's status)."""
    return {
        "schema": STATUS_SCHEMA,
        "backend": backend,
        "mode": plan.mode,
        "loaded": status["loaded"],
        "in_sync": in_sync(status),
        "drift": status["drift"],
        "compared_with": status.get("compared_with"),
        "config_differs": status.get("config_differs"),
        "confirmed_by_older": bool(status.get("confirmed_by_older")),
        "counters": status["counters"],
        "pending_rollback": pending,
        "last_rollback": status.get("last_rollback"),
        "overdue_rollback_done": None
        if overdue_rollback is None
        else {
            "deadline": overdue_rollback.deadline,
            "late_seconds": overdue_rollback.late_seconds,
            "damaged": overdue_rollback.damaged,
        },
    }


def in_sync(status: dict[str, Any]) -> bool:
    """Loaded, as confirmed (no drift), and what the config asks for."""
    return bool(status["loaded"]) and not status["drift"] and not status.get("config_differs")


def status_lines(
    backend: str, plan: FirewallPlan, status: dict[str, Any], pending: dict[str, Any] | None
) -> list[str]:
    """``firewall status`` for a person: loaded / in sync / drift from the confirmed rules (what
    the daemon reports) / a config that asks for other rules, the counters, a pending rollback
    (escaped)."""
    lines = []
    drift = list(status["drift"])
    config = list(status.get("config_differs") or [])
    # nothing confirmed nor on trial (iptables compares with what apply loaded): the boot unit
    # would load nothing; a difference from the config is then no config change either
    unconfirmed = bool(status["loaded"]) and "compared_with" in status and (
        status["compared_with"] is None
    )
    if not status["loaded"] and status.get("compared_with") == "confirmed" and pending is None:
        from spamtrace.actions.firewall.transaction import CONFIRMED_GONE

        lines.append(f"firewall: NOT LOADED ({backend}): {CONFIRMED_GONE}")
    elif not status["loaded"]:
        lines.append(f"firewall: NOT LOADED ({backend}); run `spamtrace firewall apply`")
    elif in_sync(status) and not unconfirmed:
        lines.append(f"firewall: loaded and in sync ({backend}, mode {plan.mode.value})")
    older = bool(status.get("confirmed_by_older")) and bool(drift or config)
    if status["loaded"] and older:
        from spamtrace.actions.firewall.transaction import OLDER_RULES

        # after an upgrade: neither "changed by hand?" nor "the config asks" is what happened
        lines.append(f"firewall: RULES OF AN OLDER SPAMTRACE ({backend}): {OLDER_RULES}")
        lines += [f"  - {escape(line)}" for line in dict.fromkeys(drift + config)]
    if unconfirmed:
        from spamtrace.actions.firewall.transaction import UNCONFIRMED

        lines.append(f"firewall: NOT CONFIRMED ({backend}): {UNCONFIRMED}")
        if config:
            lines.append("  this version makes other rules of the config than the loaded ones:")
        lines += [f"  - {escape(line)}" for line in config]
    if status["loaded"] and drift and not older:
        reference = status.get("compared_with") or "confirmed"
        also = " nor what the config asks for" if drift == config else ""
        lines.append(
            f"firewall: DRIFT ({backend}): the loaded rules are not the {reference} ones"
            f"{also} (changed by hand?); `spamtrace firewall apply` repairs them"
        )
        lines += [f"  - {escape(line)}" for line in drift]
    if status["loaded"] and config and drift != config and not older and not unconfirmed:
        lines.append(
            f"firewall: CONFIG CHANGED ({backend}): the config asks for other rules than the "
            "loaded ones; `spamtrace firewall apply` loads them"
        )
        lines += [f"  - {escape(line)}" for line in config]
    if status["loaded"] and "config_differs" in status and status["config_differs"] is None:
        # iptables: "in sync" is with the confirmed rules only; a config edited since is unseen
        lines.append(
            "  (not compared with the config: iptables rules are compared with the confirmed "
            "ones only; after a config change run `spamtrace firewall apply`)"
        )
    rolled = status.get("last_rollback")
    if rolled:
        to = (
            "the rules confirmed before it are loaded again" if rolled["restored"]
            else "no rules were confirmed before it: none loaded"
        )  # fmt: skip
        why = f"; its record was damaged: {escape(rolled['damaged'])}" if rolled["damaged"] else ""
        lines.append(
            f"  the last apply was not confirmed: rolled back at {rolled['at']} ({to}){why}"
        )
    for name, ctr in sorted(status["counters"].items()):
        lines.append(f"  {name}: {ctr.get('packets', 0)} attempts")
    if pending is not None:
        lines.append(f"  {describe_pending(pending)}")
    return lines


def describe_pending(pending: dict[str, Any]) -> str:
    """One line on a rollback that is pending (or due), and what will perform it."""
    left = float(pending["seconds_left"])
    guards = []
    if pending["helper_alive"]:
        guards.append(f"helper pid {pending['helper_pid']}")
    if pending["timer"]:
        guards.append(f"systemd timer {pending['timer']}")
    if left > 0:
        text = f"pending rollback in {int(left + 0.999)} s: `spamtrace firewall confirm` keeps it"
        if guards:
            return f"{text} (done by {' and '.join(guards)})"
        return (
            f"{text}; its helper process is GONE (killed?): the next `spamtrace firewall` "
            "command or the daemon's firewall check rolls back once due"
        )
    return f"rollback DUE {int(-left)} s ago and not done yet " + (
        f"(done by {' and '.join(guards)} any moment)" if guards else "(helper gone)"
    )
