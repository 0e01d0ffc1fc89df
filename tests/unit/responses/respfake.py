"""The set-up the responses unit tests share: this host's Exim, a hosting account's script,
the configuration with a test's overrides and the response rules it gives."""

from __future__ import annotations

from typing import Any

from spamtrace import config as config_mod
from spamtrace.attribution.mta import MtaIdentity
from spamtrace.policy.responses import ResponseRules

#: Debian's Exim: the user Debian-exim (uid 103, group 108) and /usr/sbin/exim4
MTA = MtaIdentity(
    uids=frozenset({103}), gids=frozenset({108}), users=("Debian-exim",),
    exes=frozenset({"/usr/sbin/exim4"}), kind="exim",
)  # fmt: skip
SCRIPT = "/home/u/public_html/wp-content/uploads/x.php"


def cfg(**dotted: Any) -> config_mod.Config:
    """The built-in configuration with ``dotted`` (``responses__block=False``) over it."""
    return config_mod.Config().override(origin="test", **dotted)


def rules(**dotted: Any) -> ResponseRules:
    """The response rules of :func:`cfg` on a host whose MTA is :data:`MTA`."""
    return ResponseRules.from_config(
        cfg(**dotted), mta_uids=MTA.uids, mta_users=MTA.users, mta_exes=MTA.exes
    )
