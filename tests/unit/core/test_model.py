"""The domain model's own logic (the rest of it is plain frozen dataclasses)."""

from __future__ import annotations

import dataclasses

import pytest

from spamtrace.model import DELETED, Account, AccountKind, Endpoint, is_within, without_deleted


@pytest.mark.parametrize(
    ("ip", "loopback"),
    [
        ("127.0.0.1", True), ("127.255.0.9", True), ("::1", True), ("::ffff:127.0.0.5", True),
        ("10.0.0.1", False), ("0.0.0.0", False), ("::ffff:10.0.0.1", False), ("fe80::1", False),
        ("::", False), ("garbage", False), ("1.2.3", False), ("", False),
    ],
)  # fmt: skip
def test_is_loopback(ip: str, loopback: bool) -> None:
    assert Endpoint(ip, 25).is_loopback is loopback


def test_records_are_frozen_slotted_dataclasses() -> None:
    acct = Account("shop", AccountKind.HOME, "/home/shop")
    with pytest.raises(dataclasses.FrozenInstanceError):
        acct.name = "x"  # type: ignore[misc]
    assert not hasattr(acct, "__dict__")
    assert dataclasses.replace(acct, via="path /home/shop/x.php").via == "path /home/shop/x.php"
    assert str(Endpoint("2001:db8::1", 587)) == "[2001:db8::1]:587"


def test_host_path_puts_a_chroot_before_the_path_it_names() -> None:
    from spamtrace.model import host_path

    assert host_path("/home/shop", "/public_html/x.php") == "/home/shop/public_html/x.php"
    assert host_path("/home/shop/", "//public_html/./up/../x.php") == "/home/shop/public_html/x.php"
    assert host_path("", "/public_html/x.php") == "/public_html/x.php"  # no chroot
    assert host_path("/", "/public_html/x.php") == "/public_html/x.php"
    assert host_path("/home/shop", "x.php") == "x.php"  # relative: the caller's cwd decides


def test_the_chroot_rule_and_its_inverse() -> None:
    from spamtrace.model import chroot_path, host_path, pool_chroot

    assert host_path("/home/shop", "/../../etc/passwd") == "/home/shop/etc/passwd"  # no way out
    assert pool_chroot("/home/$pool/", "shop") == "/home/shop"
    assert pool_chroot("/srv//jail/.", "") == "/srv/jail"
    assert [pool_chroot(v, "p") for v in ("", "/", "//", "jail", "$pool")] == [""] * 5
    assert chroot_path("/home/shop", "/home/shop/www/") == "/www"
    assert chroot_path("/home/shop/", "/home/shop") == "/"
    assert chroot_path("/home/shop", "/home/shopper/www") is None
    assert chroot_path("", "/home/shop") == "/home/shop"
    for inside in ("/", "/www", "/a/b.php"):
        assert chroot_path("/home/shop", host_path("/home/shop", inside)) == inside


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/u/x.php (deleted)", ("/home/u/x.php", True)),
        ("/home/u/x.php", ("/home/u/x.php", False)),
        ("/home/u/x.php (deleted) (deleted)", ("/home/u/x.php (deleted)", True)),  # once
        ("/home/u/a (deleted)/x.php", ("/home/u/a (deleted)/x.php", False)),  # at the end only
        ("/home/u/x.php(deleted)", ("/home/u/x.php(deleted)", False)),  # with its space
        (" (deleted)", ("", True)),
        ("", ("", False)),
    ],
)  # fmt: skip
def test_without_deleted_drops_procs_mark_once_at_the_end(
    path: str, expected: tuple[str, bool]
) -> None:
    assert without_deleted(path) == expected
    base, gone = without_deleted(path)
    assert (base + DELETED if gone else base) == path  # the mark put back gives the path


@pytest.mark.parametrize(
    ("path", "folder", "inside"),
    [
        ("/home/u/public_html/x.php", "/home/u", True),  # at any depth
        ("/home/u/x.php", "/home/u", True),
        ("/home/u", "/home/u", True),  # the folder itself
        ("/home/u2", "/home/u", False),  # a longer name beside it
        ("/home/u2/x.php", "/home/u", False),
        ("/home/u", "/home/u2", False),
        ("/home", "/home/u", False),  # above it
        ("/home/u/x.php", "/home/u/", True),  # trailing slashes change nothing
        ("/home/u", "/home/u/", True),
        ("/home/u/", "/home/u", True),
        ("/home/u2", "/home/u/", False),
        ("/home/u/x.php", "/home/u//", True),
        ("/home/u/x.php", "/", True),  # everything is inside /
        ("/", "/", True),
        ("/home", "/", True),
        ("/", "/home", False),
        ("/home/u/x.php (deleted)", "/home/u", True),
        ("/home/u (deleted)/x.php", "/home/u", False),  # another name
    ],
)  # fmt: skip
def test_is_within_by_names(path: str, folder: str, inside: bool) -> None:
    assert is_within(path, folder) is inside
