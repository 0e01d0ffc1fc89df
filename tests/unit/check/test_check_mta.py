"""attribution.mta: detection on fixture roots; identity by exe path AND uid, never by name."""

from __future__ import annotations

import os
from pathlib import Path

from spamtrace.attribution.mta import MtaIdentity, detect_mta, resolve_in_root
from spamtrace.config import MtaSection

PASSWD = """root:x:0:0:root:/root:/bin/bash
Debian-exim:x:102:105::/var/spool/exim4:/usr/sbin/nologin
postfix:x:103:106::/var/spool/postfix:/usr/sbin/nologin
shop:x:1001:1001::/home/shop:/bin/bash
relayd:x:990:990::/opt/relay:/bin/false
"""


def _exe(root: Path, path: str) -> None:
    p = root / path.lstrip("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"\x7fELF")


def _root(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/passwd").write_text(PASSWD)
    return tmp_path


def test_debian_exim_with_symlinks(tmp_path: Path) -> None:
    root = _root(tmp_path)
    _exe(root, "/usr/sbin/exim4")
    os.symlink("exim4", root / "usr/sbin/exim")
    os.symlink("/usr/sbin/exim4", root / "usr/sbin/sendmail")
    os.symlink("usr/sbin", root / "sbin")
    mta = detect_mta(MtaSection(), root=str(root))
    assert mta.kind == "exim"
    assert mta.exes == frozenset({"/usr/sbin/exim4"})
    assert mta.users == ("Debian-exim",)
    assert mta.uids == frozenset({102}) and mta.gids == frozenset({105})
    assert mta.matches(102, "/usr/sbin/exim4")
    assert mta.matches(0, "/usr/sbin/exim4")  # root running the real binary
    assert not mta.matches(1001, "/usr/sbin/exim4")  # user running exim: not the MTA
    assert not mta.matches(102, "/home/shop/exim")  # MTA uid, other binary
    assert not mta.matches(102, "/usr/sbin/exim4 (deleted)")
    assert not mta.matches(None, "/usr/sbin/exim4")
    assert not mta.matches(102, None)


def test_postfix(tmp_path: Path) -> None:
    root = _root(tmp_path)
    _exe(root, "/usr/lib/postfix/sbin/smtp")
    mta = detect_mta(MtaSection(), root=str(root))
    assert mta.kind == "postfix" and mta.users == ("postfix",)
    assert mta.matches(103, "/usr/lib/postfix/sbin/smtp")
    assert not mta.matches(103, "/usr/sbin/exim4")


def test_opensmtpd_and_sendmail_kinds(tmp_path: Path) -> None:
    root = _root(tmp_path)
    (root / "etc/passwd").write_text(PASSWD + "opensmtpd:x:120:120::/:/bin/false\n")
    _exe(root, "/usr/sbin/smtpd")
    assert detect_mta(MtaSection(), root=str(root)).kind == "opensmtpd"
    root2 = tmp_path / "r2"
    root2.mkdir()
    _root(root2)
    _exe(root2, "/usr/lib/sm.bin/sendmail")
    assert detect_mta(MtaSection(), root=str(root2)).kind == "sendmail"


def test_no_mta_and_configured_extras(tmp_path: Path) -> None:
    root = _root(tmp_path)
    none = detect_mta(MtaSection(), root=str(root))
    assert none == MtaIdentity(frozenset(), frozenset(), (), frozenset(), None)
    assert not none.matches(0, "/usr/sbin/exim4")
    _exe(root, "/opt/relay/bin/relayd")
    os.symlink("/opt/relay/bin/relayd", root / "opt/relay/current")
    cfg = MtaSection(users=["relayd", "no-such-user"], exes=["/opt/relay/current"])
    mta = detect_mta(cfg, root=str(root))
    assert mta.users == ("relayd",) and mta.uids == frozenset({990})
    assert "/opt/relay/bin/relayd" in mta.exes
    assert mta.matches(990, "/opt/relay/bin/relayd")


def test_resolve_in_root_stays_inside(tmp_path: Path) -> None:
    root = _root(tmp_path)
    _exe(root, "/usr/sbin/real")
    os.symlink("../../../../../../usr/sbin/real", root / "usr/sbin/up")
    assert resolve_in_root(str(root), "/usr/sbin/up") == "/usr/sbin/real"
    os.symlink("loop", root / "usr/sbin/loop")
    assert resolve_in_root(str(root), "/usr/sbin/loop") is None
    assert resolve_in_root(str(root), "/nope") is None
