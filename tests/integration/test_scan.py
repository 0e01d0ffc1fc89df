"""`spamtrace scan` end to end: the real CLI on a real tree with hostile entries.

Root is needed for the device node, the tmpfs mount and for dropping to an unprivileged user
(root can read a mode-000 file, so "unreadable" is tested as `nobody`). Everything is made in
a fresh temporary folder and removed (and unmounted) even on failure.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from stcli import spamtrace

SAMPLES = Path(__file__).resolve().parents[1] / "unit" / "scanner" / "samples"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def tree() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="spamtrace-scan-it-"))
    mounted: list[Path] = []
    try:
        base.chmod(0o755)
        root = base / "site"
        root.mkdir()
        (root / "uploads").mkdir()
        shutil.copy(SAMPLES / "malicious" / "dropper-base64.php", root / "uploads" / "cache.php")
        shutil.copy(SAMPLES / "malicious" / "favicon.ico", root / "favicon.ico")
        shutil.copy(SAMPLES / "clean" / "wordpress-style.php", root / "functions.php")
        secret = root / "secret.php"
        shutil.copy(SAMPLES / "malicious" / "webshell-lookalike.php", secret)
        secret.chmod(0)
        os.mkfifo(root / "pipe.php")
        os.mknod(root / "null.php", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        (root / "loop").symlink_to(root)
        outside = base / "outside"
        outside.mkdir()
        shutil.copy(SAMPLES / "malicious" / "reverse-shell.php", outside / "evil.php")
        (root / "to-outside").symlink_to(outside)
        (root / "evil-link.php").symlink_to(outside / "evil.php")
        (root / "bad\nname\x1b[31m.php").write_bytes(
            (SAMPLES / "malicious" / "preg-e.php").read_bytes()
        )
        mnt = root / "mnt"
        mnt.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=True)
        mounted.append(mnt)
        shutil.copy(SAMPLES / "malicious" / "socket-mailer.php", mnt / "mailer.php")
        (base / "empty.toml").write_text("")
        yield root
    finally:
        for m in mounted:
            subprocess.run(["umount", "-l", str(m)], check=False)
        shutil.rmtree(base, ignore_errors=True)


def _scan(root: Path, *args: str, prefix: list[str] | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    env = {"SPAMTRACE_CONFIG": str(root.parent / "empty.toml")}
    res = spamtrace("scan", "--json", *args, str(root), prefix=prefix, timeout=120, env=env)
    assert res.returncode in (0, 1), res.stderr
    return res.returncode, json.loads(res.stdout)


def test_scan_tree_as_unprivileged_user(tree: Path) -> None:
    rc, doc = _scan(tree, prefix=NOBODY)
    assert rc == 1
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["cache.php"]["verdict"] == "malicious"
    assert by_name["favicon.ico"]["verdict"] == "malicious"
    assert by_name["bad\nname\x1b[31m.php"]["verdict"] == "malicious"
    assert by_name["secret.php"]["verdict"] == "skipped"
    assert by_name["secret.php"]["reason"] == "cannot open: Permission denied"
    assert by_name["mnt"]["reason"] == "other filesystem (use --cross-filesystems)"
    # never followed: the symlinks to the outside, the loop; never opened: FIFO and device;
    # each listed as skipped with the reason
    assert "evil.php" not in by_name
    out = tree.parent / "outside"
    assert by_name["evil-link.php"]["reason"] == (
        f"symlink out of the scanned tree (not followed) -> {out}/evil.php"
    )
    assert by_name["to-outside"]["reason"] == (
        f"symlink out of the scanned tree (not followed) -> {out}"
    )
    assert by_name["loop"]["reason"] == f"symlink (not followed) -> {tree}"
    assert by_name["pipe.php"]["reason"] == "FIFO: not opened"
    assert by_name["null.php"]["reason"] == "character device: not opened"
    assert "functions.php" not in by_name  # clean look-alike
    assert doc["summary"]["malicious"] == 3


def test_scan_crosses_filesystems_only_when_asked(tree: Path) -> None:
    rc, doc = _scan(tree, "--cross-filesystems", "--min-verdict", "malicious")
    assert rc == 1
    names = {Path(f["path"]).name for f in doc["files"]}
    assert "mailer.php" in names  # inside the tmpfs mount
    assert "secret.php" in names  # root reads mode 000 files


def test_human_output_escapes_names(tree: Path) -> None:
    env = {"SPAMTRACE_CONFIG": str(tree.parent / "empty.toml")}
    res = spamtrace("scan", str(tree), env=env, timeout=120)
    assert res.returncode == 1
    assert "\x1b" not in res.stdout
    assert "bad\\nname\\x1b[31m.php" in res.stdout


def test_a_folder_bind_mounted_inside_the_tree_is_said_not_dropped(tree: Path) -> None:
    """A folder bind-mounted inside the tree is the same folder (device and inode) at two
    paths: its files are scanned once, under the first path, and the second path is listed
    as skipped naming the first (it was dropped without a word: the admin who removed the
    file at the one path it was listed under did not know where else the folder shows)."""
    uploads = tree / "uploads"
    view = tree / "a-view\x1b[31m"  # walked before "uploads" (the walk goes by name)
    view.mkdir()
    subprocess.run(["mount", "--bind", str(uploads), str(view)], check=True)
    try:
        rc, doc = _scan(tree)
        env = {"SPAMTRACE_CONFIG": str(tree.parent / "empty.toml")}
        human = spamtrace("scan", str(tree), env=env, timeout=120).stdout
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert rc == 1
    by_path = {f["path"]: f for f in doc["files"]}
    assert by_path[f"{view}/cache.php"]["verdict"] == "malicious"  # scanned once, there
    assert f"{uploads}/cache.php" not in by_path
    assert by_path[str(uploads)]["verdict"] == "skipped"
    assert by_path[str(uploads)]["reason"] == (
        f"the same folder as {view} (a bind mount): its files are listed there"
    )  # raw in JSON, as every path there
    assert doc["summary"]["not_examined"] == 0  # skipped, not unread: no exit 1 of its own
    assert "\x1b" not in human
    assert f"{tree}/uploads: the same folder as {tree}/a-view\\x1b[31m" in human


def test_the_kernels_filesystems_are_not_entered_even_across_filesystems(tree: Path) -> None:
    """`scan / --cross-filesystems` (what `other filesystem (use --cross-filesystems)` on
    /proc invites) read all of /proc: 48 s, every /proc/N/cwd and root a `link.sensitive-
    target` to "/" (7,976 suspicious), thousands of files not examined (EINVAL, EIO): exit 1
    for ever. A proc or sysfs mount below a root is listed and not entered; a tmpfs is
    files (/dev/shm) and is crossed as asked."""
    proc, sys_ = tree / "proc", tree / "sys"
    proc.mkdir()
    sys_.mkdir()
    subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        subprocess.run(["mount", "-t", "sysfs", "sysfs", str(sys_)], check=True)
        try:
            _, crossed = _scan(tree, "--cross-filesystems")
            _, plain = _scan(tree)
        finally:
            subprocess.run(["umount", "-l", str(sys_)], check=False)
    finally:
        subprocess.run(["umount", "-l", str(proc)], check=False)
    for doc in (crossed, plain):
        by_path = {f["path"]: f for f in doc["files"]}
        assert by_path[str(proc)]["reason"] == (
            "proc filesystem: the kernel's own, no files to scan (not entered)"
        )
        assert by_path[str(sys_)]["reason"] == (
            "sysfs filesystem: the kernel's own, no files to scan (not entered)"
        )
        assert not [p for p in by_path if p.startswith((f"{proc}/", f"{sys_}/"))]
    assert {Path(f["path"]).name for f in crossed["files"]} >= {"mailer.php"}  # the tmpfs
