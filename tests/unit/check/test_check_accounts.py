"""attribution.accounts on fixture trees: cPanel, DirectAdmin, Plesk, plain home, system."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spamtrace.attribution.accounts import AccountResolver
from spamtrace.config import AccountsSection
from spamtrace.model import AccountKind

PASSWD = """root:x:0:0:root:/root:/bin/bash
Debian-exim:x:102:105::/var/spool/exim4:/usr/sbin/nologin
garbage line without colons
also:bad:uid:x:y:z:w
cpuser:x:1001:1001::/home/cpuser:/bin/bash
dauser:x:1002:1002::/home/dauser:/bin/bash
pleskuser:x:{plesk_uid}:1003::/var/www/vhosts/shop.example:/bin/false
plain:x:1004:1004::/home/plain:/bin/bash
../../etc:x:1005:1005::/home/evil:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    plesk_uid = os.getuid() if os.getuid() >= 1000 else 1003
    (tmp_path / "etc/passwd").write_text(PASSWD.format(plesk_uid=plesk_uid))
    (tmp_path / "etc/userdomains").write_text(
        "cpuser.example: cpuser\naddon.example: cpuser\nother.example: someone\n*: nobody\n"
        "bad line\n"
    )
    users = tmp_path / "var/cpanel/users"
    users.mkdir(parents=True)
    (users / "cpuser").write_text(
        "DNS=cpuser.example\nDNS1=Parked.Example\nDNS2=addon.example\nOWNER=root\n"
        "DNSX=ignored.example\nDNS3=bad domain with spaces\n"
    )
    da = tmp_path / "usr/local/directadmin/data/users/dauser"
    da.mkdir(parents=True)
    (da / "domains.list").write_bytes(b"da.example\n\nsecond.example\n\xff\xfe\n")
    vhosts = tmp_path / "var/www/vhosts"
    for name in ("shop.example", "blog.example", "system", "default"):
        (vhosts / name).mkdir(parents=True)
    return tmp_path


def test_cpanel(root: Path) -> None:
    acct = AccountResolver(AccountsSection(), root=str(root)).for_uid(1001)
    assert acct is not None
    assert acct.kind is AccountKind.CPANEL and acct.name == "cpuser"
    assert acct.home == "/home/cpuser"
    assert acct.domains == ("cpuser.example", "parked.example", "addon.example")


def test_directadmin(root: Path) -> None:
    acct = AccountResolver(AccountsSection(), root=str(root)).for_uid(1002)
    assert acct is not None and acct.kind is AccountKind.DIRECTADMIN
    assert acct.domains == ("da.example", "second.example")


def test_plesk_home_under_vhosts(root: Path) -> None:
    uid = os.getuid() if os.getuid() >= 1000 else 1003
    acct = AccountResolver(AccountsSection(), root=str(root)).for_uid(uid)
    assert acct is not None and acct.kind is AccountKind.PLESK
    assert acct.domains[0] == "shop.example"
    if os.getuid() == uid:  # vhost dirs are owned by the test runner: both are found
        assert set(acct.domains) == {"shop.example", "blog.example"}


def test_plain_home_system_and_unknown(root: Path) -> None:
    r = AccountResolver(AccountsSection(), root=str(root))
    plain = r.for_uid(1004)
    assert plain is not None and plain.kind is AccountKind.HOME and plain.home == "/home/plain"
    assert plain.domains == ()
    system = r.for_uid(102)
    assert system is not None and system.kind is AccountKind.SYSTEM
    assert system.name == "Debian-exim"
    nobody = r.for_uid(65534)
    assert nobody is not None and nobody.kind is AccountKind.SYSTEM
    assert r.for_uid(4242) is None
    assert r.for_uid(4242) is None  # cached


def test_path_like_user_name_is_not_used_as_a_path(root: Path) -> None:
    acct = AccountResolver(AccountsSection(), root=str(root)).for_uid(1005)
    assert acct is not None and acct.kind is AccountKind.HOME


def test_paths_come_from_config(root: Path) -> None:
    (root / "panel").mkdir()
    (root / "var/cpanel/users/cpuser").rename(root / "panel/cpuser")
    cfg = AccountsSection(cpanel_users_dir="/panel", min_uid=500)
    acct = AccountResolver(cfg, root=str(root)).for_uid(1001)
    assert acct is not None and acct.kind is AccountKind.CPANEL
    cfg2 = AccountsSection(min_uid=2000)
    system = AccountResolver(cfg2, root=str(root)).for_uid(1001)
    assert system is not None and system.kind is AccountKind.SYSTEM


def test_missing_files_everywhere(tmp_path: Path) -> None:
    assert AccountResolver(AccountsSection(), root=str(tmp_path)).for_uid(1001) is None


# ------------------------------------------------------------------ PHP as the web server's user

WEB_PASSWD = """www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
apache:x:48:48:Apache:/usr/share/httpd:/sbin/nologin
shopuser:x:2001:2001::/home/shopuser:/bin/bash
cpsite:x:2002:2002::/home2/cpsite:/bin/bash
dasite:x:2003:2003::/home/dasite:/bin/bash
"""


@pytest.fixture
def web_root(root: Path) -> Path:
    with open(root / "etc/passwd", "a") as fh:
        fh.write(WEB_PASSWD)
    (root / "etc/userdatadomains").write_text(
        "cpsite.example: cpsite==root==main==cpsite.example==/srv/sites/cpsite/public_html=="
        "192.0.2.1:80\nbroken line\nx.example: ghost==root==main==x==relative/dir==\n"
    )
    (root / "etc/virtual").mkdir()
    (root / "etc/virtual/domainowners").write_text("da-site.example: dasite\nbad\n")
    return root


@pytest.mark.parametrize(
    ("paths", "name", "kind"),
    [
        (["/home/shopuser/public_html/wp-content/uploads/x.php"], "shopuser", AccountKind.HOME),
        ([None, "/home/shopuser/public_html"], "shopuser", AccountKind.HOME),  # cwd only
        (["/srv/sites/cpsite/public_html/mailer.php"], "cpsite", AccountKind.HOME),  # docroot
        (["/var/www/other/domains/da-site.example/public_html/x.php"], "dasite",
         AccountKind.HOME),  # DirectAdmin domainowners
        (["/home/cpuser/public_html/a.php"], "cpuser", AccountKind.CPANEL),
        (["/var/www/html/index.php"], "www-data", AccountKind.SYSTEM),  # no site: stays
        (["/home/shopuser/../../etc/x.php"], "www-data", AccountKind.SYSTEM),  # normalised
    ],
)  # fmt: skip
def test_web_server_uid_is_mapped_to_the_site_by_path(
    web_root: Path, paths: list[str | None], name: str, kind: AccountKind
) -> None:
    acct = AccountResolver(AccountsSection(), root=str(web_root)).for_process(33, paths)
    assert acct is not None and acct.name == name and acct.kind is kind
    if name != "www-data":
        assert acct.via.startswith("path /")


def test_a_home_behind_a_symlink_is_found_by_its_resolved_path(web_root: Path) -> None:
    # passwd says /home/shopuser; the files are on a second disk behind a link, and /proc
    # (and so attribution) names a script by the resolved path
    (web_root / "home2").mkdir()
    (web_root / "home2/shopuser/public_html").mkdir(parents=True)
    (web_root / "home").mkdir(exist_ok=True)
    (web_root / "home/shopuser").symlink_to(web_root / "home2/shopuser")
    resolver = AccountResolver(AccountsSection(), root=str(web_root))
    acct = resolver.for_process(33, ["/home2/shopuser/public_html/x.php"])
    assert acct is not None and acct.name == "shopuser"
    given = resolver.for_process(33, ["/home/shopuser/public_html/x.php"])
    assert given is not None and given.name == "shopuser"


def test_a_document_root_link_into_another_site_names_that_site(web_root: Path) -> None:
    # a document root is the account's own folder: cpsite's public_html made a link to
    # shopuser's site must not make shopuser's scripts cpsite's
    (web_root / "home/shopuser/public_html").mkdir(parents=True)
    (web_root / "srv/sites/cpsite").mkdir(parents=True)
    shop = web_root / "home/shopuser/public_html"
    (web_root / "srv/sites/cpsite/public_html").symlink_to(shop)
    acct = AccountResolver(AccountsSection(), root=str(web_root)).for_process(
        33, ["/home/shopuser/public_html/x.php"]
    )
    assert acct is not None and acct.name == "shopuser"


def test_a_folder_written_with_a_trailing_slash_is_still_the_sites(web_root: Path) -> None:
    # a document root in userdatadomains and a home in passwd may end in a slash; a script
    # inside is the site's, a sibling sharing the name's start is not
    with open(web_root / "etc/passwd", "a") as fh:
        fh.write("slashed:x:2004:2004::/srv/slashed/:/bin/bash\n")
    with open(web_root / "etc/userdatadomains", "a") as fh:
        fh.write("shop2.example: cpsite==root==addon==shop2.example==/srv/shop2/==192.0.2.1:80\n")
    resolver = AccountResolver(AccountsSection(), root=str(web_root))
    for path, name in [
        ("/srv/slashed/public_html/x.php", "slashed"),
        ("/srv/slashed", "slashed"),
        ("/srv/shop2/x.php", "cpsite"),
        ("/srv/shop2", "cpsite"),
        ("/srv/shop2x/x.php", "www-data"),
        ("/srv/slashedx/x.php", "www-data"),
    ]:
        acct = resolver.for_process(33, [path])
        assert acct is not None and acct.name == name, path


def test_plesk_vhost_is_its_owners_account(web_root: Path) -> None:
    # the shop.example vhost folder is owned by pleskuser (the fixture's plesk uid)
    acct = AccountResolver(AccountsSection(), root=str(web_root)).for_process(
        48, ["/var/www/vhosts/shop.example/httpdocs/x.php"]
    )
    assert acct is not None and acct.name == "pleskuser" and acct.kind is AccountKind.PLESK


def test_only_web_server_uids_are_mapped(web_root: Path) -> None:
    resolver = AccountResolver(AccountsSection(), root=str(web_root))
    # a hosting user running a script in another user's home keeps their own account
    acct = resolver.for_process(2001, ["/home/cpuser/public_html/a.php"])
    assert acct is not None and acct.name == "shopuser" and acct.via == ""
    custom = AccountsSection(web_users=["apache"])
    www = AccountResolver(custom, root=str(web_root)).for_process(33, ["/home/shopuser/x.php"])
    assert www is not None and www.name == "www-data"


def test_a_plain_servers_sites_are_named_by_site_dirs(web_root: Path) -> None:
    # PHP as www-data for every site under /var/www/SITE: without [accounts] site_dirs every
    # site is www-data's; with it, the site's folder names the account
    (web_root / "var/www/shop.example/wp-content").mkdir(parents=True)
    (web_root / "var/www/blog.example").mkdir(parents=True)
    script = "/var/www/shop.example/wp-content/x.php"
    plain = AccountResolver(AccountsSection(), root=str(web_root)).for_process(33, [script])
    assert plain is not None and plain.name == "www-data"
    cfg = AccountsSection(site_dirs=["/var/www/"])
    resolver = AccountResolver(cfg, root=str(web_root))
    shop = resolver.for_process(33, [script])
    assert shop is not None and (shop.name, shop.kind) == ("shop.example", AccountKind.SITE)
    assert shop.home == "/var/www/shop.example" and shop.via == f"path {script}"
    blog = resolver.for_process(33, [None, "/var/www/blog.example"])  # its cwd only
    assert blog is not None and blog.name == "blog.example"
    for path in ["/var/www/index.php", "/var/www", "/var/wwwx/a/b.php", "/srv/x/y.php"]:
        acct = resolver.for_process(33, [path])
        assert acct is not None and acct.name == "www-data", path
    # a hosting user's uid is never remapped
    own = resolver.for_process(2001, [script])
    assert own is not None and own.name == "shopuser"


def test_site_dirs_win_over_the_panels_guess_and_name_a_user(web_root: Path) -> None:
    # a folder named after a hosting user is that user's account; "*" is one folder
    # (CageFS shows a home as /home/virtfs/USER/home/USER); the admin's word comes first
    cfg = AccountsSection(site_dirs=["/home/virtfs/*/home", "/srv/sites"])
    resolver = AccountResolver(cfg, root=str(web_root))
    caged = resolver.for_process(33, ["/home/virtfs/shopuser/home/shopuser/public_html/x.php"])
    assert caged is not None and caged.name == "shopuser" and caged.kind is AccountKind.HOME
    # /srv/sites/cpsite/public_html is cpsite's document root in userdatadomains: same name
    (web_root / "srv/sites/newsite").mkdir(parents=True)
    new = resolver.for_process(33, ["/srv/sites/newsite/x.php"])
    assert new is not None and (new.name, new.kind) == ("newsite", AccountKind.SITE)
    # a site named like a system or web user is a site, not that user's account
    for name in ("www-data", "root"):
        acct = resolver.for_process(33, [f"/srv/sites/{name}/x.php"])
        assert acct is not None and (acct.name, acct.kind) == (name, AccountKind.SITE)


def test_mail_domain_owner_from_the_panels(web_root: Path) -> None:
    resolver = AccountResolver(AccountsSection(), root=str(web_root))
    cpanel = resolver.for_domain("Addon.Example ")  # a mailbox's domain (SMTP AUTH user)
    assert cpanel is not None and cpanel.name == "cpuser"
    da = resolver.for_domain("da-site.example")
    assert da is not None and da.name == "dasite"
    assert resolver.for_domain("other.example") is None  # an owner without a user entry
    assert resolver.for_domain("*") is None and resolver.for_domain("nowhere.example") is None


def test_an_account_deleted_and_its_uid_reused_is_named_anew(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A daemon runs for months: a uid whose account was deleted and given to a new one (as
    panels do) is named by the passwd file of now, not of the first lookup."""
    from spamtrace.attribution import process

    monkeypatch.setattr(process, "PASSWD_CHECK_EVERY", 0.0)  # looked at every time
    r = AccountResolver(AccountsSection(), root=str(root))
    plain = r.for_uid(1004)
    assert plain is not None and plain.name == "plain"
    passwd = root / "etc/passwd"
    passwd.write_text(
        passwd.read_text().replace(
            "plain:x:1004:1004::/home/plain", "newcomer:x:1004:1004::/home/newcomer"
        )
    )
    again = r.for_uid(1004)
    assert again is not None and (again.name, again.home) == ("newcomer", "/home/newcomer")


def test_a_domains_owner_is_looked_up_once_and_follows_the_passwd_file(
    web_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mail` (the allowed volume, the mailboxes' accounts) and the daemon's mail-log source
    each kept a cache of a domain's owner beside the resolver (the one in the daemon never
    forgot an account deleted since): one cache, in the resolver, dropped with the users when
    the passwd file changes. A cPanel owner is a walk over every account's domains."""
    from spamtrace.attribution import process

    monkeypatch.setattr(process, "PASSWD_CHECK_EVERY", 0.0)  # looked at every time
    resolver = AccountResolver(AccountsSection(), root=str(web_root))
    walks: list[str] = []
    real = resolver._owner_of_domain

    def counted(domain: str) -> str | None:
        walks.append(domain)
        return real(domain)

    monkeypatch.setattr(resolver, "_owner_of_domain", counted)
    for name in ("Addon.Example", "addon.example ", "addon.example", "nowhere.example") * 3:
        resolver.for_domain(name)
    assert walks == ["addon.example", "nowhere.example"]
    passwd = web_root / "etc/passwd"
    passwd.write_text(passwd.read_text().replace("cpuser:", "gone:"))  # the account deleted
    assert resolver.for_domain("addon.example") is None


def test_ispconfig_site_user_gets_its_domains_from_the_www_links(root: Path) -> None:
    # ISPConfig: user web3 of client1, home /var/www/clients/client1/web3, and
    # /var/www/shop.example (and an alias) linking to it; other clients' links are not its
    with open(root / "etc/passwd", "a") as fh:
        fh.write("www-data:x:33:33::/var/www:/usr/sbin/nologin\n"
                 "web3:x:5003:5001::/var/www/clients/client1/web3:/bin/false\n"
                 "web4:x:5004:5002::/var/www/clients/client2/web4:/bin/false\n")  # fmt: skip
    www = root / "var/www"
    for web in ("client1/web3/web", "client2/web4/web"):
        (www / "clients" / web).mkdir(parents=True)
    (www / "shop.example").symlink_to("clients/client1/web3")
    (www / "www.shop.example").symlink_to(www / "clients/client1/web3")
    (www / "other.example").symlink_to("clients/client2/web4")
    (www / "html").mkdir()
    resolver = AccountResolver(AccountsSection(), root=str(root))
    acct = resolver.for_uid(5003)
    assert acct is not None and (acct.name, acct.kind) == ("web3", AccountKind.ISPCONFIG)
    assert acct.domains == ("shop.example", "www.shop.example")
    other = resolver.for_uid(5004)
    assert other is not None and other.domains == ("other.example",)
    # mod_php: a script reached through the domain's link is the site user's
    site = resolver.for_process(33, ["/var/www/clients/client1/web3/web/x.php"])
    assert site is not None and site.name == "web3" and site.kind is AccountKind.ISPCONFIG
