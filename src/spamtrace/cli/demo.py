"""`spamtrace demo`: the whole story on a fresh machine, in a throwaway lab.

Wiring only: the lab is :mod:`spamtrace.demo.lab`, the steps :mod:`spamtrace.demo.story`.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import subprocess
import sys
from typing import Any

from spamtrace.cli.argparsing import CUT
from spamtrace.errors import ExitCode, PermissionRequired, RuntimeFailure, UsageError
from spamtrace.render.output import dump_json

#: program -> the Debian package that brings it
REQUIRED = {"php": "php-cli", "nft": "nftables", "ip": "iproute2", "runuser": "util-linux"}
EXIM = ("exim4", "exim4-daemon-light")
MTA_USERS = ("Debian-exim", "exim", "mail")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="show the whole story in a throwaway lab (root; touches nothing outside it)",
        description="Build a throwaway lab (two network namespaces, a hosting account "
        "stdemo-XXXX with a hacked site, a remote MX), start a spam run in it and show, with the "
        "real commands, how spamtrace finds, explains and stops it. Nothing outside the lab is "
        "touched; everything is removed at the end, also on Ctrl-C.",
        epilog="exit codes: 0 every step showed what it should, 1 a step did not, 2 usage or "
        f"config error, 3 runtime failure, {CUT}",
    )
    p.add_argument("--json", action="store_true", help="print the steps' results as JSON")
    p.add_argument(
        "--keep", action="store_true", help="leave the lab up afterwards (remove: --cleanup)"
    )
    p.add_argument(
        "--cleanup", action="store_true", help="remove labs left by --keep or a killed demo"
    )
    p.add_argument(
        "--install-deps",
        action="store_true",
        help="install missing packages with apt-get (never one that would remove another)",
    )
    p.add_argument(
        "--seconds",
        type=int,
        default=120,
        metavar="N",
        help="how long the lab's spam script runs at most, 20 to 3600 (default 120)",
    )
    p.set_defaults(handler=run)


def _missing() -> dict[str, str]:
    return {prog: pkg for prog, pkg in REQUIRED.items() if shutil.which(prog) is None}


def _mta_user() -> str | None:
    if shutil.which(EXIM[0]) is None:
        return None
    for name in MTA_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    return None


def _install(packages: list[str]) -> None:
    """apt-get install, after a simulation shows that nothing would be removed."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-y", "-q", "--no-install-recommends", "install", *packages]
    subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False, env=env)
    sim = subprocess.run([*apt[:1], "-s", *apt[1:]], capture_output=True, text=True, env=env)
    removed = [line.split()[1] for line in sim.stdout.splitlines() if line.startswith("Remv ")]
    if sim.returncode != 0:
        raise RuntimeFailure(f"demo: apt-get cannot install {' '.join(packages)}")
    if removed:
        raise RuntimeFailure(
            f"demo: installing {' '.join(packages)} would remove {' '.join(removed)}; "
            "not done (install what you need by hand)"
        )
    if subprocess.run(apt, capture_output=True, env=env, check=False).returncode != 0:
        raise RuntimeFailure(f"demo: apt-get install {' '.join(packages)} failed")


def run(args: argparse.Namespace, cfg: object) -> int:
    from spamtrace.demo import lab as lab_mod

    if args.seconds < 20 or args.seconds > 3600:
        raise UsageError("demo: --seconds must be 20..3600")
    if os.geteuid() != 0:
        raise PermissionRequired(
            "demo: needs root: it builds network namespaces, a throwaway account and a "
            "firewall table inside the lab (run: sudo spamtrace demo)"
        )
    if args.cleanup:
        labs = lab_mod.saved_labs()
        running = [lo for lo in labs if lo.in_use()]
        removed = [item for lo in labs if lo not in running for item in lab_mod.remove_lab(lo)]
        left = [f"{lo.user}: its demo (pid {lo.owner}) is still running" for lo in running]
        if args.json:
            dump_json(
                {"schema": "spamtrace.demo-cleanup/1", "removed": removed, "left": left},
                line=True,
            )
        else:
            lines = [f"removed {r}" for r in removed] + [f"left {x}" for x in left]
            print("\n".join(lines) or "no demo lab to remove")
        return int(ExitCode.CLEAN)
    missing = _missing()
    if _mta_user() is None and shutil.which("sendmail") is None:
        missing[EXIM[0]] = EXIM[1]
    if missing and args.install_deps:
        _install(sorted(set(missing.values())))
        missing = _missing()
    if missing:
        pkgs = " ".join(sorted(set(missing.values())))
        raise UsageError(
            f"demo: missing {', '.join(sorted(missing))}: apt-get install {pkgs} "
            "(or run: spamtrace demo --install-deps)"
        )
    return _tell(args, lab_mod)


def _tell(args: argparse.Namespace, lab_mod: Any) -> int:
    from spamtrace.demo import story as story_mod

    narrator = story_mod.Narrator.for_stdout(enabled=not args.json)

    def _stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    mta_user = _mta_user()
    lab = None
    steps: list[Any] = []
    try:
        lab = lab_mod.Lab.create(script_seconds=args.seconds, mta_user=mta_user)
        story = story_mod.Story(lab, narrator, mta_user=mta_user)
        for step in story.run():
            steps.append(step)
        story_mod.summary(steps, narrator)
    finally:
        if lab is not None:
            if args.keep:
                _print_kept(lab, args.json)
                lab.procs.clear()  # leave them running with the lab
            else:
                lab.close()
                if not args.json:
                    print("\n   The lab was removed (namespaces, account, files).", flush=True)
    ok = bool(steps) and all(s.ok for s in steps)
    if args.json:
        doc = {"schema": story_mod.SCHEMA, "ok": ok, "steps": [s.as_json() for s in steps]}
        dump_json(doc)
    return int(ExitCode.CLEAN if ok else ExitCode.FOUND)


def _print_kept(lab: Any, as_json: bool) -> None:
    lo = lab.layout
    text = (
        f"\n   The lab is still up (--keep). Explore it:\n"
        f"     ip netns exec {lo.srv_ns} spamtrace check\n"
        f"     SPAMTRACE_CONFIG={lo.config} spamtrace incidents --db {lo.store} --since all\n"
        f"     ls -R {lo.site}\n"
        f"   Remove it: spamtrace demo --cleanup"
    )
    print(text, file=sys.stderr if as_json else sys.stdout, flush=True)
