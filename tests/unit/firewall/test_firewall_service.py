"""service/firewall.py: the rollback helper's command line and the table's status inputs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

from spamtrace.actions.firewall.transaction import IPT_RECORD
from spamtrace.service.firewall import rollback_argv, table_status


class _Backend:
    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[str | None] = []

    def status(self, plan: object, recorded: str | None) -> dict[str, Any]:
        self.seen.append(recorded)
        return {"loaded": recorded is not None, "drift": [], "counters": {}}


def test_rollback_argv_carries_the_config_only_when_one_was_given(tmp_path: Path) -> None:
    common = {"backend": "nft", "root": "/", "state_dir": tmp_path, "timeout": 90}
    with_cfg = rollback_argv(config="/etc/x.toml", **common)("tok")  # type: ignore[arg-type]
    assert with_cfg[:5] == [sys.executable, "-m", "spamtrace", "--config", "/etc/x.toml"]
    assert with_cfg[5:] == [
        "firewall", "_rollback", "--after", "90", "--token", "tok",
        "--state-dir", str(tmp_path), "--backend", "nft", "--root", "/",
    ]  # fmt: skip
    assert "--config" not in rollback_argv(config=None, **common)("tok")  # type: ignore[arg-type]


def test_only_iptables_is_given_the_recorded_rules(tmp_path: Path) -> None:
    (tmp_path / IPT_RECORD).write_text("*filter\n-A X -j DROP\nCOMMIT\n")
    ipt, nft = _Backend("iptables"), _Backend("nft")
    st, pending = table_status(cast(Any, ipt), cast(Any, None), tmp_path)
    assert st["loaded"] and ipt.seen == ["*filter\n-A X -j DROP\nCOMMIT\n"]
    assert pending is None  # no apply waits for confirmation
    table_status(cast(Any, nft), cast(Any, None), tmp_path)
    assert nft.seen == [None]
    (tmp_path / IPT_RECORD).unlink()
    table_status(cast(Any, ipt), cast(Any, None), tmp_path)
    assert ipt.seen[-1] is None
