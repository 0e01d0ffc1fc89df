"""Fake /proc trees for the `check` unit tests (no root needed).

Only what spamtrace reads is written: /proc/stat (btime), /proc/PID/{stat,status,
cmdline,comm}, the exe and cwd symlinks, and an fd/ directory of symlinks. Targets of symlinks
need not exist, exactly as in a real /proc.
"""

from __future__ import annotations

import os
from pathlib import Path

BTIME = 1_700_000_000
CLK_TCK = os.sysconf("SC_CLK_TCK")


def make_procfs(root: Path) -> Path:
    procfs = root / "proc"
    procfs.mkdir(parents=True, exist_ok=True)
    (procfs / "stat").write_text(f"cpu  1 2 3 4\nbtime {BTIME}\nprocesses 10\n")
    return procfs


def add_process(
    procfs: Path,
    pid: int,
    *,
    comm: bytes | str = "php",
    cmdline: list[bytes | str] | None = None,
    exe: bytes | str | None = "/usr/bin/php8.2",
    cwd: bytes | str | None = "/",
    uid: int = 1001,
    gid: int = 1001,
    ppid: int = 1,
    start_ticks: int = 500,
    state: str = "S",
    fds: dict[int, bytes | str] | None = None,
) -> Path:
    d = procfs / str(pid)
    d.mkdir()
    comm_b = comm.encode() if isinstance(comm, str) else comm
    fields = [state.encode(), str(ppid).encode()] + [b"0"] * 17 + [str(start_ticks).encode()]
    fields += [b"0"] * 30
    (d / "stat").write_bytes(b"%d (%s) " % (pid, comm_b) + b" ".join(fields) + b"\n")
    (d / "comm").write_bytes(comm_b + b"\n")
    status = (
        f"Name:\t{comm_b.decode('utf-8', 'replace')}\nUmask:\t0022\nState:\t{state} (x)\n"
        f"Tgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{ppid}\nTracerPid:\t0\n"
        f"Uid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{gid}\t{gid}\t{gid}\t{gid}\n"
        "FDSize:\t64\nGroups:\t\nThreads:\t1\n"
    )
    (d / "status").write_text(status)
    args = cmdline if cmdline is not None else [comm_b]
    raw = b"".join((a.encode() if isinstance(a, str) else a) + b"\0" for a in args)
    (d / "cmdline").write_bytes(raw)
    if exe is not None:
        os.symlink(exe, d / "exe")
    if cwd is not None:
        os.symlink(cwd, d / "cwd")
    fd_dir = d / "fd"
    fd_dir.mkdir()
    for num, target in (fds or {}).items():
        os.symlink(target, fd_dir / str(num))
    return d


def start_time(ticks: int) -> float:
    return BTIME + ticks / CLK_TCK
