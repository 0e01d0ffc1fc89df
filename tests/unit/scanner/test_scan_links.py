"""Symlinks to where a site must not reach (scanner/links.py and its data file)."""

from __future__ import annotations

import pytest

from spamtrace.scanner import links


@pytest.mark.parametrize(
    ("link", "target", "why"),
    [
        ("/home/alice/public_html/s.txt", "/etc/shadow", "a system file or folder"),
        ("/home/alice/public_html/r", "/", "the whole file system"),
        ("/home/alice/public_html/e.txt", "/proc/self/environ", "a system file or folder"),
        ("/home/alice/public_html/m", "/var/lib/mysql/alice_wp", "a system file or folder"),
        ("/home/alice/public_html/c.txt", "/home/bob/public_html/wp-config.php",
         "another account's files"),
        ("/home/alice/x", "/home2/bob", "another account's files"),
        ("/var/www/vhosts/a.example/httpdocs/k", "/var/www/vhosts/b.example/httpdocs",
         "another account's files"),
        ("/srv/site/c.txt", "/srv/other/wp-config.php",
         "a file of passwords or keys outside this account"),
        ("/home/alice/public_html/k", "/root/.ssh/id_rsa", "a system file or folder"),
    ],
)  # fmt: skip
def test_a_link_where_a_site_must_not_reach_says_why(link: str, target: str, why: str) -> None:
    assert links.sensitive(link, target) == why


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("/home/alice/www", "/home/alice/public_html"),  # cPanel's own link
        ("/home/alice/public_html/wp-config.php", "/home/alice/wp-config.php"),  # kept above
        ("/home/alice/public_html/js", "/usr/share/javascript/jquery"),
        ("/usr/share/X11/rgb.txt", "/etc/X11/rgb.txt"),
        ("/home/alice/public_html/u", "/usr"),  # "/" counts only as itself
        ("/home/alice/logs", "/etc/apache2/logs-not-secret"),
    ],
)  # fmt: skip
def test_an_ordinary_link_is_not_flagged(link: str, target: str) -> None:
    assert links.sensitive(link, target) is None


def test_the_data_file_is_checked() -> None:
    assert "/etc/shadow" in links.builtin().system
    with pytest.raises(links.LinkTargetsError):
        links.parse("system = [")
    with pytest.raises(links.LinkTargetsError):
        links.parse('system = ["etc/shadow"]\nhomes = "^/home/([^/]+)"\nsecrets = []')
    with pytest.raises(links.LinkTargetsError):
        links.parse('system = ["/etc"]\nhomes = "^/home/[^/]+"\nsecrets = []')  # no group
    with pytest.raises(links.LinkTargetsError):
        links.parse('system = ["/etc"]\nsecrets = []')
