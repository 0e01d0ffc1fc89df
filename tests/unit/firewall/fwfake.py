"""Shared fixtures for the firewall unit tests: a fixed MTA, fake lookups and goldens."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from spamtrace.attribution.mta import MtaIdentity
from spamtrace.config import Config
from spamtrace.policy.firewall_plan import FirewallPlan, build_plan

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
DATA = HERE / "data"

EXIM = MtaIdentity(
    uids=frozenset({102}),
    gids=frozenset({105}),
    users=("Debian-exim",),
    exes=frozenset({"/usr/sbin/exim4"}),
    kind="exim",
)

USERS = {"root": 0, "Debian-exim": 102, "shop": 1001, "blog": 1002}
GROUPS = {"Debian-exim": 105, "mail": 8, "shop": 1001}
HOSTS = {
    "smtp.sendgrid.net": ("2001:db8:25::7", "198.51.100.7", "198.51.100.8"),
    "relay.example.net": ("192.0.2.25",),
}


def resolve(host: str) -> tuple[str, ...]:
    return HOSTS.get(host, ())


def make_plan(mta: MtaIdentity = EXIM, **overrides: Any) -> FirewallPlan:
    cfg = Config().override(**overrides)
    return build_plan(
        cfg,
        mta,
        uid_of=USERS.get,
        gid_of=GROUPS.get,
        name_of_uid={v: k for k, v in USERS.items()}.get,
        name_of_gid={v: k for k, v in GROUPS.items()}.get,
        resolve=resolve,
    )


def check_golden(name: str, text: str) -> None:
    """Compare with tests/unit/firewall/golden/<name>; SPAMTRACE_UPDATE_GOLDEN=1 rewrites."""
    path = GOLDEN / name
    if os.environ.get("SPAMTRACE_UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs from its golden file"
