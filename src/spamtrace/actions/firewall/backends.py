"""Firewall backends: one protocol over nftables (preferred) and the iptables fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from spamtrace.errors import FirewallError

if TYPE_CHECKING:
    from spamtrace.policy.firewall_plan import FirewallPlan


class Backend(Protocol):
    """What a firewall backend does; ``snapshot``/``restore`` carry a state as plain JSON."""

    name: str

    def render(self, plan: FirewallPlan) -> str: ...
    def apply(self, plan: FirewallPlan) -> bool: ...
    def snapshot(self) -> dict[str, Any]: ...
    def restore(self, snap: dict[str, Any]) -> None: ...
    def remove(self, plan: FirewallPlan | None) -> bool: ...
    def status(self, plan: FirewallPlan, recorded: str | None) -> dict[str, Any]: ...
    def record(self) -> str | None: ...
    def drift(self, policy: dict[str, Any]) -> tuple[bool, list[str]]:
        """(loaded?, what differs) between our loaded table and ``policy`` (a snapshot)."""
        ...


#: what drift and status say of a table that holds no policy, only the uid blocks
ONLY_BLOCKS = "table inet spamtrace holds only the responses' uid blocks"


def _only_blocks(doc: dict[str, Any]) -> bool:
    """Whether our table (nft JSON) holds only the responses' ``uid_block`` chain and set."""
    from spamtrace.actions import nftables

    return nftables.normalize(doc).chains.keys() <= {"uid_block"}


class NftFirewall:
    name = "nft"

    def __init__(self) -> None:
        from spamtrace.actions.nftables import NftBackend

        self.nft = NftBackend()
        self._desired: tuple[str, Any] | None = None  # (text, normalized): drift re-checks

    def render(self, plan: FirewallPlan) -> str:
        from spamtrace.actions import nftables

        return nftables.render(plan)

    def drift(self, policy: dict[str, Any]) -> tuple[bool, list[str]]:
        from spamtrace.actions import nftables

        text = str(policy.get("previous") or "")
        loaded = self.nft.list_json()
        if loaded is None:
            return False, ["table inet spamtrace is not loaded"]
        if _only_blocks(loaded):  # a flush, then the responses put their blocks back
            return False, [ONLY_BLOCKS]
        if self._desired is None or self._desired[0] != text:
            # computed once per policy (in a scratch netns), not at every periodic check
            self._desired = (text, nftables.normalize(self.nft.desired_json(text)))
        return True, nftables.diff(nftables.normalize(loaded), self._desired[1])

    def _drift(self, text: str) -> tuple[bool, list[str], dict[str, Any] | None]:
        from spamtrace.actions import nftables

        loaded = self.nft.list_json()
        if loaded is None:
            return False, ["table inet spamtrace is not loaded"], None
        if _only_blocks(loaded):
            # only the responses' uid blocks (`spamtrace release`): the policy is not loaded
            return False, [ONLY_BLOCKS], loaded
        desired = self.nft.desired_json(text)
        return True, nftables.diff(nftables.normalize(loaded), nftables.normalize(desired)), loaded

    def apply(self, plan: FirewallPlan) -> bool:
        from spamtrace.actions import nftables

        text = nftables.render(plan)
        self.nft.check(nftables.transaction(text))
        loaded, drift, _ = self._drift(text)
        if loaded and not drift:
            return False
        self.nft.load(nftables.transaction(text) + self._blocks())
        return True

    def _blocks(self) -> str:
        """The live uid blocks (``spamtrace release`` undoes them), carried over into a table
        that replaces ours."""
        from spamtrace.actions.uidblock import UidBlocker

        return UidBlocker((25,), 1, nft=self.nft).carry_over()

    def snapshot(self) -> dict[str, Any]:
        """Our table as loaded; ``previous`` None when no policy is (no table, or one that
        holds only the responses' uid blocks: they are carried over by every load)."""
        doc = self.nft.list_json()
        if doc is None or _only_blocks(doc):
            return {"backend": "nft", "previous": None}
        return {"backend": "nft", "previous": self.nft.list_text()}

    def restore(self, snap: dict[str, Any]) -> None:
        from spamtrace.actions import nftables

        previous = snap.get("previous")
        if previous:
            self.nft.load(nftables.transaction(previous) + self._blocks())
        else:
            self.nft.remove()  # keeps live uid blocks

    def remove(self, plan: FirewallPlan | None) -> bool:
        return self.nft.remove()

    def record(self) -> str | None:
        return None  # nft drift is computed exactly; nothing to record

    def status(self, plan: FirewallPlan, recorded: str | None) -> dict[str, Any]:
        from spamtrace.actions import nftables

        loaded, drift, doc = self._drift(nftables.render(plan))
        return {
            "loaded": loaded,
            "drift": drift if loaded else [],
            "counters": nftables.counters_from(doc),
        }


class IptablesFirewall:
    name = "iptables"

    def __init__(self) -> None:
        from spamtrace.actions.iptables import IptablesBackend

        self.ipt = IptablesBackend()

    def render(self, plan: FirewallPlan) -> str:
        from spamtrace.actions import iptables

        parts = []
        for family in (4, 6):
            for argv, stdin in iptables.apply_commands(plan, family):
                parts.append(" ".join(argv) + (f" <<EOF\n{stdin}EOF" if stdin else ""))
        return "\n".join(parts) + "\n"

    def apply(self, plan: FirewallPlan) -> bool:
        self.ipt.apply(plan)
        return True

    def snapshot(self) -> dict[str, Any]:
        return {"backend": "iptables", "previous": self.ipt.listing()}

    def restore(self, snap: dict[str, Any]) -> None:
        self.ipt.remove(None)
        previous = snap.get("previous")
        if previous:
            self.ipt.restore_listing(previous)

    def record(self) -> str | None:
        return self.ipt.listing()

    def remove(self, plan: FirewallPlan | None) -> bool:
        return self.ipt.remove(plan)

    def drift(self, policy: dict[str, Any]) -> tuple[bool, list[str]]:
        listing = self.ipt.listing()
        if listing is None:
            return False, ["our iptables chains are not loaded"]
        if strip_counts(listing) != strip_counts(str(policy.get("previous") or "")):
            return True, ["our iptables chains differ from the confirmed policy"]
        return True, []

    def status(self, plan: FirewallPlan, recorded: str | None) -> dict[str, Any]:
        listing = self.ipt.listing()
        drift: list[str] = []
        if (
            listing is not None
            and recorded is not None
            and strip_counts(listing) != strip_counts(recorded)
        ):
            drift.append("our iptables chains differ from what apply loaded")
        return {"loaded": listing is not None, "drift": drift, "counters": self.ipt.counters()}


def strip_counts(listing: str) -> str:
    return "\n".join(line for line in listing.splitlines() if not line.startswith("-c"))


def select_backend(name: str) -> Backend:
    """The backend named ``name`` ("auto": nft when installed, else iptables)."""
    from spamtrace.actions.nftables import find_nft

    if name in ("auto", "nft"):
        if find_nft() is not None:
            return NftFirewall()
        if name == "nft":
            raise FirewallError("nft not found in PATH: install the nftables package")
    return IptablesFirewall()
