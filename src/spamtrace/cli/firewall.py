"""`spamtrace firewall plan|apply|status|remove|confirm|acl`: only the MTA may speak SMTP.

Wiring only: the plan comes from ``policy/firewall_plan.py``, the rules from
``actions/nftables.py`` (or ``actions/iptables.py`` when ``nft`` is missing), the border ACL
from ``actions/border_acl.py``.

Safe apply (like ``iptables-apply``): unless ``--yes``, ``apply`` saves the previous state of
*our* table, loads the new one and starts a detached ``spamtrace firewall _rollback --after N
--token T`` process. If ``spamtrace firewall confirm`` is not run within N seconds
(``firewall.confirm_timeout``), that process restores the saved state (or removes our table
when there was none). Confirm and rollback take the same lock, so exactly one of them wins.
State lives in ``--state-dir`` (default ``/var/lib/spamtrace/firewall``).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from spamtrace.cli.options import duration, hours, port_list
from spamtrace.errors import ConfigError, ExitCode, FirewallError, UsageError
from spamtrace.safetext import escape

if TYPE_CHECKING:
    from spamtrace.config import Config
    from spamtrace.policy.firewall_plan import FirewallPlan, Impact

DEFAULT_STATE_DIR = "/var/lib/spamtrace/firewall"
PENDING = "pending.json"
ROLLED_BACK = "rolled-back.json"
IPT_RECORD = "iptables-applied.txt"
INBOUND_NOTE = (
    "Inbound mail is not affected: the rules only look at connections this server opens "
    "(output hook, destination port); remote servers can still deliver to this server's "
    "port 25, and replies to them pass."
)


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "firewall", help="only the MTA may speak SMTP: plan, apply safely, status, remove"
    )
    fsub = parser.add_subparsers(dest="firewall_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--state-dir", default=DEFAULT_STATE_DIR, help="where rollback state is kept"
    )
    common.add_argument(
        "--backend",
        choices=("auto", "nft", "iptables"),
        default="auto",
        help="nft (default when installed) or the iptables fallback",
    )
    common.add_argument("--root", default="/", help="system root for MTA detection (default /)")

    plan = fsub.add_parser("plan", parents=[common], help="show the rules and who they would block")
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    plan.add_argument("--db", help="store with recent senders (default: store.path)")
    plan.add_argument(
        "--since",
        type=duration,
        default=24 * 3600.0,
        metavar="AGE",
        help="recent senders from the store, e.g. 24h, 7d (default 24h)",
    )
    plan.add_argument("--since-hours", type=hours, dest="since", help=argparse.SUPPRESS)
    plan.set_defaults(handler=_plan_cmd)

    apply = fsub.add_parser(
        "apply", parents=[common], help="load the rules (rolls back unless confirmed)"
    )
    apply.add_argument(
        "--no-rollback",
        action="store_true",
        help="keep the rules at once, without the automatic rollback (no confirm needed)",
    )
    apply.add_argument(  # the old name of --no-rollback, kept for scripts
        "--yes", action="store_true", dest="no_rollback", help=argparse.SUPPRESS
    )
    apply.add_argument("--json", action="store_true", help="machine-readable result")
    apply.add_argument("--dry-run", action="store_true", help="print the ruleset, load nothing")
    apply.add_argument(
        "--timeout", type=int, help="seconds to confirm (default firewall.confirm_timeout)"
    )
    apply.set_defaults(handler=_apply_cmd)

    status = fsub.add_parser(
        "status", parents=[common], help="loaded? drift against the config? counters"
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status_cmd)

    remove = fsub.add_parser("remove", parents=[common], help="remove our table, nothing else")
    remove.add_argument("--json", action="store_true", help="machine-readable result")
    remove.set_defaults(handler=_remove_cmd)

    confirm = fsub.add_parser(
        "confirm", parents=[common], help="keep the rules loaded by the last apply"
    )
    confirm.add_argument("--json", action="store_true", help="machine-readable result")
    confirm.set_defaults(handler=_confirm_cmd)

    acl = fsub.add_parser(
        "acl", help="print an egress ACL for a border router: only relays may send SMTP"
    )
    acl.add_argument("--relay", nargs="+", required=True, metavar="ADDR", help="relay hosts")
    acl.add_argument("--servers", nargs="+", required=True, metavar="CIDR", help="server networks")
    acl.add_argument("--format", choices=("nft", "cisco", "juniper"), default="nft")
    acl.add_argument(
        "--ports",
        type=port_list,
        metavar="LIST",
        help="ports to limit, comma-separated (default: smtp.relay_ports)",
    )
    acl.set_defaults(handler=_acl_cmd)

    rollback = fsub.add_parser("_rollback", parents=[common])
    rollback.add_argument("--after", type=float, required=True)
    rollback.add_argument("--token", required=True)
    rollback.set_defaults(handler=_rollback_cmd)


# ------------------------------------------------------------------ building blocks


class Backend(Protocol):
    name: str

    def render(self, plan: FirewallPlan) -> str: ...
    def apply(self, plan: FirewallPlan) -> bool: ...
    def snapshot(self) -> dict[str, Any]: ...
    def restore(self, snap: dict[str, Any]) -> None: ...
    def remove(self, plan: FirewallPlan | None) -> bool: ...
    def status(self, plan: FirewallPlan, recorded: str | None) -> dict[str, Any]: ...
    def record(self) -> str | None: ...


class _Nft:
    name = "nft"

    def __init__(self) -> None:
        from spamtrace.actions.nftables import NftBackend

        self.nft = NftBackend()

    def render(self, plan: FirewallPlan) -> str:
        from spamtrace.actions import nftables

        return nftables.render(plan)

    def _drift(self, text: str) -> tuple[bool, list[str], dict[str, Any] | None]:
        from spamtrace.actions import nftables

        loaded = self.nft.list_json()
        if loaded is None:
            return False, ["table inet spamtrace is not loaded"], None
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
        """The live uid blocks, carried over into a table that replaces ours."""
        from spamtrace.actions.uidblock import UidBlocker

        return UidBlocker((25,), 1, nft=self.nft).carry_over()

    def snapshot(self) -> dict[str, Any]:
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


class _Ipt:
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

    def status(self, plan: FirewallPlan, recorded: str | None) -> dict[str, Any]:
        listing = self.ipt.listing()
        drift: list[str] = []
        if (
            listing is not None
            and recorded is not None
            and _strip_counts(listing) != _strip_counts(recorded)
        ):
            drift.append("our iptables chains differ from what apply loaded")
        return {"loaded": listing is not None, "drift": drift, "counters": self.ipt.counters()}


def _strip_counts(listing: str) -> str:
    return "\n".join(line for line in listing.splitlines() if not line.startswith("-c"))


def _backend(args: argparse.Namespace) -> Backend:
    from spamtrace.actions.nftables import find_nft

    if args.backend in ("auto", "nft"):
        if find_nft() is not None:
            return _Nft()
        if args.backend == "nft":
            raise FirewallError("nft not found in PATH: install the nftables package")
    return _Ipt()


def _uid_of(name: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _gid_of(name: str) -> int | None:
    import grp

    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None


def _name_of_uid(uid: int) -> str | None:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def _name_of_gid(gid: int) -> str | None:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return None


def _resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return ()
    return tuple(sorted({str(info[4][0]) for info in infos}))


def build(args: argparse.Namespace, cfg: Config) -> FirewallPlan:
    from spamtrace.attribution.mta import detect_mta
    from spamtrace.policy.firewall_plan import build_plan

    mta = detect_mta(cfg.mta, root=args.root)
    return build_plan(
        cfg,
        mta,
        uid_of=_uid_of,
        gid_of=_gid_of,
        name_of_uid=_name_of_uid,
        name_of_gid=_name_of_gid,
        resolve=_resolve,
    )


# ------------------------------------------------------------------ rollback state


def _state(args: argparse.Namespace) -> Path:
    path = Path(args.state_dir)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise FirewallError(f"state dir {path}: {exc.strerror or exc}") from None
    return path


@contextlib.contextmanager
def _locked(state: Path) -> Iterator[None]:
    with open(state / "lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


def _is_rollback_process(pid: int, token: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"_rollback" in cmdline and token.encode() in cmdline


def _cancel_pending(state: Path) -> dict[str, Any] | None:
    """Drop a pending rollback (caller holds the lock); returns what it was."""
    pending = _read_json(state / PENDING)
    if pending is None:
        return None
    (state / PENDING).unlink(missing_ok=True)
    pid, token = int(pending.get("pid", 0)), str(pending.get("token", ""))
    if pid > 0 and token and _is_rollback_process(pid, token):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    return pending


def _spawn_rollback(args: argparse.Namespace, state: Path, timeout: int, token: str) -> int:
    argv = [sys.executable, "-m", "spamtrace"]
    if args.config:
        argv += ["--config", args.config]
    argv += [
        "firewall", "_rollback", "--after", str(timeout), "--token", token,
        "--state-dir", str(state), "--backend", args.backend, "--root", args.root,
    ]  # fmt: skip
    with open(state / "rollback.log", "a") as log:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
    return proc.pid


# ------------------------------------------------------------------ commands


def _collect_impact(args: argparse.Namespace, cfg: Config, plan: FirewallPlan) -> Impact:
    from spamtrace.errors import SpamtraceError
    from spamtrace.policy.firewall_plan import Impact, RecentSender, assess_impact

    notes: list[str] = []
    connections = []
    try:
        from spamtrace.cli.check import collect  # type: ignore[import-not-found,unused-ignore]

        connections = list(collect(cfg))
    except ImportError:
        notes.append("live connections: skipped (the check pipeline is not installed)")
    except SpamtraceError as exc:
        notes.append(f"live connections: skipped ({exc.message})")
    recent: list[RecentSender] = []
    db = args.db or cfg.store.path
    if not os.path.exists(db):
        notes.append(f"recent senders: skipped (no store at {db}; `spamtrace watch` fills it)")
    else:
        try:
            from spamtrace.sinks.store import open_reader

            with open_reader(db) as reader:
                since = time.time() - args.since
                for s in reader.recent_senders(since):
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


def _plan_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.cli.output import dump_json

    plan = build(args, cfg)
    backend = _backend(args)
    ruleset = backend.render(plan)
    impact = _collect_impact(args, cfg, plan)
    if args.json:
        dump_json(
            {
                "schema": "spamtrace.firewall-plan/1",
                "backend": backend.name,
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
                "inbound_note": INBOUND_NOTE,
                "impact": {"blocked": impact.blocked, "allowed": impact.allowed},
                "ruleset": ruleset,
            }
        )
        return ExitCode.USAGE if plan.refusal else ExitCode.CLEAN
    ports = ", ".join(map(str, plan.ports))
    print(f"spamtrace firewall plan: mode {plan.mode.value}, backend {backend.name}")
    if plan.refusal:
        print(f"\nREFUSED: {escape(plan.refusal)}")
    print(f"\nAllowed to open connections to SMTP ports ({ports}):")
    for p in (*plan.allow_uids, *plan.allow_gids):
        name = f" {escape(p.name)}" if p.name else ""
        print(f"  {p.kind} {p.id}{name}: {escape(p.reason)}")
    if plan.mode.value == "relay":
        print(f"  ... but the MTA only towards the relays: {', '.join(plan.relay_addresses)}")
    for exc in plan.exceptions:
        addrs = f" ({', '.join(exc.addresses)})" if exc.addresses else ""
        print(f"  exception #{exc.index}: {escape(exc.describe())}{addrs}")
    if plan.mode.value == "redirect":
        print(
            f"Everyone else: new connections are logged (NFLOG group {plan.nflog_group}) "
            f"and redirected to the local MTA on port {plan.redirect_port}."
        )
    else:
        print(
            f"Everyone else: new connections are logged (NFLOG group {plan.nflog_group}) "
            "and rejected with a TCP reset."
        )
    print(INBOUND_NOTE)
    print("\nImpact (connections open now, and senders recorded by `watch` recently):")
    if not impact.entries:
        print("  no SMTP senders seen")
    for e in impact.entries:
        who = f"uid {e.uid}" if e.uid is not None else "unknown uid"
        if e.user:
            who += f" ({escape(e.user)})"
        if e.account and e.account != e.user:
            who += f" account {escape(e.account)}"
        exe = f" {escape(e.exe)}" if e.exe else ""
        pid = f" pid {e.pid}" if e.pid else ""
        count = f" x{e.count}" if e.count > 1 else ""
        print(
            f"  {e.outcome.value.upper():<10} {who}{exe}{pid} -> {escape(e.remote)}{count} "
            f"[{e.seen}]: {escape(e.reason)}"
        )
    for note in (*plan.notes, *impact.notes):
        print(f"  note: {escape(note)}")
    print("\nRuleset:")
    print(ruleset, end="")
    return ExitCode.USAGE if plan.refusal else ExitCode.CLEAN


def _say(args: argparse.Namespace, action: str, text: str, **fields: Any) -> None:
    """The result of apply/confirm/remove: one human line, or a JSON document with --json."""
    if getattr(args, "json", False):
        from spamtrace.cli.output import dump_json

        dump_json(
            {"schema": "spamtrace.firewall-action/1", "action": action, "message": text, **fields}
        )
    else:
        print(text)


def _apply_cmd(args: argparse.Namespace, cfg: Config) -> int:
    plan = build(args, cfg)
    if plan.refusal:
        raise ConfigError(plan.refusal)
    backend = _backend(args)
    if args.dry_run:
        if args.json:
            _say(
                args,
                "dry-run",
                "nothing loaded",
                backend=backend.name,
                ruleset=backend.render(plan),
            )
        else:
            print(backend.render(plan), end="")
        return ExitCode.CLEAN
    if os.geteuid() != 0:
        from spamtrace.errors import PermissionRequired

        raise PermissionRequired("firewall apply needs root")
    timeout = args.timeout if args.timeout is not None else cfg.firewall.confirm_timeout
    if timeout < 1 and not args.no_rollback:
        raise UsageError("--timeout must be at least 1 second (or use --no-rollback)")
    state = _state(args)
    with _locked(state):
        old = _cancel_pending(state)
        snapshot_path = Path(old["snapshot"]) if old and old.get("snapshot") else None
        if snapshot_path is None or not snapshot_path.exists():
            token_file = f"snapshot-{secrets.token_hex(8)}.json"
            snapshot_path = state / token_file
            _write_json(snapshot_path, backend.snapshot())
        try:
            changed = backend.apply(plan)
        except BaseException:
            if old is None:
                snapshot_path.unlink(missing_ok=True)
            raise
        recorded = backend.record()
        if recorded is not None:
            (state / IPT_RECORD).write_text(recorded)
        if args.no_rollback or (not changed and old is None):
            snapshot_path.unlink(missing_ok=True)
            word = "loaded" if changed else "already loaded and in sync; nothing changed"
            _say(
                args,
                "apply",
                f"firewall {word} ({backend.name}, mode {plan.mode.value})",
                backend=backend.name,
                mode=plan.mode.value,
                changed=changed,
                rollback_in=None,
            )
            return ExitCode.CLEAN
        token = secrets.token_hex(12)
        pid = _spawn_rollback(args, state, timeout, token)
        _write_json(
            state / PENDING,
            {
                "token": token,
                "pid": pid,
                "deadline": time.time() + timeout,
                "backend": backend.name,
                "snapshot": str(snapshot_path),
            },
        )
        (state / ROLLED_BACK).unlink(missing_ok=True)
    _say(
        args,
        "apply",
        f"firewall loaded ({backend.name}, mode {plan.mode.value}). It rolls back by itself "
        f"in {timeout} s unless you run `spamtrace firewall confirm`.",
        backend=backend.name,
        mode=plan.mode.value,
        changed=changed,
        rollback_in=timeout,
    )
    return ExitCode.CLEAN


def _confirm_cmd(args: argparse.Namespace, cfg: Config) -> int:
    state = _state(args)
    with _locked(state):
        pending = _cancel_pending(state)
        if pending is None:
            rolled = _read_json(state / ROLLED_BACK)
            if rolled is not None:
                raise FirewallError(
                    "too late: the rules were rolled back at "
                    f"{time.strftime('%H:%M:%S', time.localtime(rolled.get('at', 0)))}; "
                    "run apply again"
                )
            _say(
                args,
                "confirm",
                "nothing to confirm (no apply is waiting for confirmation)",
                confirmed=False,
            )
            return ExitCode.CLEAN
        Path(pending.get("snapshot", "/nonexistent")).unlink(missing_ok=True)
    _say(args, "confirm", "confirmed: the rules stay loaded", confirmed=True)
    return ExitCode.CLEAN


def _rollback_cmd(args: argparse.Namespace, cfg: Config) -> int:
    time.sleep(max(0.0, args.after))
    state = Path(args.state_dir)
    with _locked(state):
        pending = _read_json(state / PENDING)
        if pending is None or pending.get("token") != args.token:
            return ExitCode.CLEAN
        snap_path = Path(pending.get("snapshot", ""))
        snap = _read_json(snap_path) or {"backend": pending.get("backend", "nft"), "previous": None}
        backend: Backend = _Nft() if snap.get("backend") == "nft" else _Ipt()
        backend.restore(snap)
        (state / PENDING).unlink(missing_ok=True)
        snap_path.unlink(missing_ok=True)
        _write_json(
            state / ROLLED_BACK,
            {"token": args.token, "at": time.time(), "restored": bool(snap.get("previous"))},
        )
    print(f"rolled back (token {args.token})", file=sys.stderr)
    return ExitCode.CLEAN


def _remove_cmd(args: argparse.Namespace, cfg: Config) -> int:
    backend = _backend(args)
    state = Path(args.state_dir)
    if state.is_dir():
        with _locked(state):
            pending = _cancel_pending(state)
            if pending:
                Path(pending.get("snapshot", "/nonexistent")).unlink(missing_ok=True)
            (state / IPT_RECORD).unlink(missing_ok=True)
    try:
        plan: FirewallPlan | None = build(args, cfg)
    except ConfigError:
        plan = None  # removing must work even with a broken config
    if backend.remove(plan):
        _say(
            args,
            "remove",
            f"removed the spamtrace firewall ({backend.name}); nothing else was touched",
            backend=backend.name,
            removed=True,
        )
    else:
        _say(
            args,
            "remove",
            "the spamtrace firewall was not loaded; nothing to remove",
            backend=backend.name,
            removed=False,
        )
    return ExitCode.CLEAN


def _status_cmd(args: argparse.Namespace, cfg: Config) -> int:
    from spamtrace.cli.output import dump_json

    plan = build(args, cfg)
    backend = _backend(args)
    recorded = None
    state = Path(args.state_dir)
    if backend.name == "iptables" and (state / IPT_RECORD).exists():
        recorded = (state / IPT_RECORD).read_text()
    st = backend.status(plan, recorded)
    pending = _read_json(state / PENDING) if state.is_dir() else None
    in_sync = bool(st["loaded"]) and not st["drift"]
    if args.json:
        dump_json(
            {
                "schema": "spamtrace.firewall-status/1",
                "backend": backend.name,
                "mode": plan.mode,
                "loaded": st["loaded"],
                "in_sync": in_sync,
                "drift": st["drift"],
                "counters": st["counters"],
                "pending_rollback": (
                    {"deadline": pending.get("deadline")} if pending is not None else None
                ),
            }
        )
    else:
        if not st["loaded"]:
            print(f"firewall: NOT LOADED ({backend.name}); run `spamtrace firewall apply`")
        elif in_sync:
            print(f"firewall: loaded and in sync ({backend.name}, mode {plan.mode.value})")
        else:
            print(f"firewall: DRIFT ({backend.name}): run `spamtrace firewall apply` to repair")
            for line in st["drift"]:
                print(f"  - {escape(line)}")
        for name, ctr in sorted(st["counters"].items()):
            print(f"  {name}: {ctr.get('packets', 0)} attempts")
        if pending is not None:
            left = float(pending.get("deadline", 0)) - time.time()
            print(f"  pending rollback in {max(0, int(left))} s: run `spamtrace firewall confirm`")
    return ExitCode.CLEAN if in_sync else ExitCode.FOUND


def _acl_cmd(args: argparse.Namespace, cfg: Config) -> int:
    import ipaddress

    from spamtrace.actions.border_acl import render_acl

    relays: list[str] = []
    for relay in args.relay:
        try:
            ipaddress.ip_network(relay, strict=False)
            relays.append(relay)
            continue
        except ValueError:
            pass
        found = _resolve(relay)
        if not found:
            raise ConfigError(f"acl: relay {relay!r} does not resolve")
        relays.extend(found)
    ports = args.ports or cfg.smtp.relay_ports
    print(render_acl(relays, args.servers, ports, args.format), end="")
    return ExitCode.CLEAN
