"""The human view of ``spamtrace firewall plan``: who may send, what keeps working, who would be
blocked, and the ruleset. ``--json`` (``spamtrace.firewall-plan/1``) is built in the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spamtrace.policy.firewall_plan import KEEPS_WORKING, Outcome
from spamtrace.safetext import escape

if TYPE_CHECKING:
    from rich.console import Console

    from spamtrace.policy.firewall_plan import FirewallPlan, Impact

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
        indented(con, escape(plan.refusal), indent=2)
    ports = ", ".join(map(str, plan.ports))
    allowed = Table(title=f"Allowed to open connections to SMTP ports ({ports})",
                    title_justify="left", box=box_of(con))  # fmt: skip
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
                       "recorded by `watch` recently)"))  # fmt: skip
    else:
        table = Table(title="Impact (connections open now, and senders recorded by `watch`)",
                      title_justify="left", box=box_of(con))  # fmt: skip
        for col in ("outcome", "who", "program", "to", "count", "seen", "why"):
            table.add_column(col, overflow="fold")
        for e in impact.entries:
            who = f"uid {e.uid}" if e.uid is not None else "unknown uid"
            if e.user:
                who += f" ({escape(e.user)})"
            if e.account and e.account != e.user:
                who += f", account {escape(e.account)}"
            program = escape(e.exe or "-") + (f" (pid {e.pid})" if e.pid else "")
            table.add_row(
                Text(e.outcome.value.upper(), style=_OUTCOME_STYLE[e.outcome]),
                Text(who), Text(program), Text(escape(e.remote)), Text(str(e.count)),
                Text(e.seen), Text(escape(e.reason)),
            )  # fmt: skip
        con.print(table)
    for note in (*plan.notes, *impact.notes):
        indented(con, f"note: {escape(note)}", indent=2)
    con.print(Text("\nRuleset:", style="bold"))
    con.print(Text(ruleset.rstrip("\n")), soft_wrap=True)
