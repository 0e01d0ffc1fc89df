"""One spam run, one incident: the same sender named two ways must not open two incidents.

A script reached through a symlinked folder (``public_html -> www``, cPanel's ``/home ->
/home2``) is named by its resolved path when its process is read live (open files, the
working folder: the kernel resolves them) and by the path it was started with when it comes
from the exec cache (its command line). A php-fpm worker's connects are named by the request's
script when it is known, else by the worker's folder only.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from watchfake import attempt, attributor, connect, dead_pid, exec_seen, proc, read_live

from spamtrace.attribution.attributor import Attributor
from spamtrace.model import Account, AccountKind, AttributionMethod, Verdict
from spamtrace.policy.incidents import IncidentTracker


class HomeAccounts:
    """Every uid is the account whose home (as passwd has it) is ``home``."""

    def __init__(self, home: str) -> None:
        self.home = home

    def for_uid(self, uid: int) -> Account | None:
        return Account("u", AccountKind.HOME, self.home)

    def for_process(self, uid: int | None, paths: object = ()) -> Account | None:
        return self.for_uid(uid) if uid is not None else None


def live_and_cached(
    home: Path, real_script: Path, given_script: str
) -> tuple[Attributor, int, int]:
    """An attributor that reads this test's own pid live as ``php`` running the script (open
    file: resolved; command line: as given) and knows a gone pid from the exec cache, started
    as ``php <given_script>``."""
    a = attributor(accounts=HomeAccounts(str(home)))
    pid = os.getpid()
    folder = os.path.realpath(real_script.parent)
    live = dataclasses.replace(
        proc(pid=pid, cwd=folder, scripts=(str(real_script), given_script)),
        cmdline=("php", given_script),
    )
    read_live(a, pid, live)
    gone = dead_pid()
    cached = dataclasses.replace(
        proc(pid=gone, cwd=folder, scripts=(given_script,), method=AttributionMethod.EXEC_CACHE),
        cmdline=("php", given_script),
    )
    a.cache = exec_seen(gone, lambda p: cached)
    a.socket_owner = None
    return a, pid, gone


def test_a_script_through_a_symlinked_folder_is_one_incident_live_and_from_the_exec_cache(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home" / "u"
    (home / "www").mkdir(parents=True)
    script = home / "www" / "send.php"
    script.write_text("<?php\n")
    (home / "public_html").symlink_to("www")
    given = str(home / "public_html" / "send.php")
    a, live_pid, gone_pid = live_and_cached(home, script, given)
    now = time.time()
    first = a.attempt(connect(live_pid, now))
    second = a.attempt(connect(gone_pid, now + 0.5))
    assert first.process is not None and second.process is not None
    assert second.process.method is AttributionMethod.EXEC_CACHE
    assert first.process.scripts == second.process.scripts == (str(script),)
    # the path as it was run is kept in a note
    assert any(given in n for n in second.process.notes), second.process.notes
    tracker = IncidentTracker()
    tracker.add(first)
    update = tracker.add(second)
    assert not update.opened and len(tracker.open_incidents()) == 1


def test_a_symlinked_home_resolves_as_the_kernel_names_it(tmp_path: Path) -> None:
    """cPanel's /home -> /home2: passwd says /home/u, the kernel /home2/u."""
    (tmp_path / "home2" / "u" / "public_html").mkdir(parents=True)
    (tmp_path / "home").symlink_to("home2")
    script = tmp_path / "home2" / "u" / "public_html" / "send.php"
    script.write_text("<?php\n")
    given = str(tmp_path / "home" / "u" / "public_html" / "send.php")
    a, live_pid, gone_pid = live_and_cached(tmp_path / "home" / "u", script, given)
    now = time.time()
    first = a.attempt(connect(live_pid, now))
    second = a.attempt(connect(gone_pid, now + 0.5))
    assert first.process is not None and second.process is not None
    assert first.process.scripts == second.process.scripts == (str(script),)
    tracker = IncidentTracker()
    tracker.add(first)
    assert not tracker.add(second).opened


def test_a_link_out_of_the_home_is_not_followed(tmp_path: Path) -> None:
    """A script given inside the home that is a link to a file outside it keeps the name it
    was given (its target is not taken as the account's)."""
    home = tmp_path / "home" / "u"
    (home / "public_html").mkdir(parents=True)
    outside = tmp_path / "etc" / "other.php"
    outside.parent.mkdir()
    outside.write_text("<?php\n")
    given = home / "public_html" / "x.php"
    given.symlink_to(outside)
    a = attributor(accounts=HomeAccounts(str(home)))
    gone = dead_pid()
    cached = dataclasses.replace(
        proc(pid=gone, cwd=str(home / "public_html"), scripts=(str(given),),
             method=AttributionMethod.EXEC_CACHE),
        cmdline=("php", str(given)),
    )  # fmt: skip
    a.cache = exec_seen(gone, lambda p: cached)
    att = a.attempt(connect(gone, time.time()))
    assert att.process is not None and att.process.scripts == (str(given),)


# ----------------------------------------------------------------------------- php-fpm
FPM = "/usr/sbin/php-fpm8.2"
SITE = "/home/u/public_html"


def fpm(*, scripts: tuple[str, ...] = (), cwd: str = SITE, pid: int = 200, uid: int = 1001):
    """A php-fpm worker as attributed: with the request's script (live fd or access log),
    or without (the log did not name it: only the worker's folder)."""
    method = AttributionMethod.FPM_ACCESS_LOG if scripts else AttributionMethod.TRACEPOINT
    return proc(pid=pid, uid=uid, exe=FPM, cwd=cwd, scripts=scripts, method=method)


def test_fpm_connects_with_and_without_the_script_are_one_incident() -> None:
    """The script known for some connects of a run, only the folder for others (mid-request
    with no open script file, or the access log not naming the request): one incident."""
    t = IncidentTracker()
    first = t.add(attempt(100.0, pid=200, process=fpm(scripts=(f"{SITE}/mailer.php",))))
    joined = t.add(attempt(101.0, pid=200, process=fpm()))
    idle = t.add(attempt(102.0, pid=201, process=fpm(pid=201, cwd="/")))  # the pool's chdir
    assert first.opened and not joined.opened and not idle.opened
    assert [i.id for i in t.open_incidents()] == [first.incident.id]
    inc = t.open_incidents()[0]
    assert inc.connections == 3 and inc.scripts == (f"{SITE}/mailer.php",)


def test_a_folder_only_fpm_incident_is_taken_over_by_the_first_connect_naming_the_script() -> None:
    t = IncidentTracker()
    first = t.add(attempt(100.0, pid=200, process=fpm()))
    named = t.add(attempt(101.0, pid=200, process=fpm(scripts=(f"{SITE}/wp/mailer.php",))))
    later = t.add(attempt(102.0, pid=200, process=fpm()))
    assert first.opened and not named.opened and named.taken_over and not later.opened
    assert len(t.open_incidents()) == 1
    inc = t.open_incidents()[0]
    assert inc.id == first.incident.id and inc.connections == 3
    assert inc.scripts == (f"{SITE}/wp/mailer.php",) and inc.cwd == SITE


def test_a_folder_only_connect_does_not_join_a_script_elsewhere_or_another_sender() -> None:
    """The folder must hold the script; the uid, account, program and verdict must agree."""
    t = IncidentTracker()
    t.add(attempt(100.0, pid=200, process=fpm(scripts=(f"{SITE}/a/mailer.php",))))
    other_folder = t.add(attempt(101.0, pid=200, process=fpm(cwd=f"{SITE}/b")))
    other_uid = t.add(attempt(102.0, pid=300, process=fpm(pid=300, uid=1002)))
    other_verdict = t.add(
        attempt(103.0, pid=200, process=fpm(), verdict=Verdict.SUBMISSION)
    )
    cli = t.add(attempt(104.0, pid=400, process=proc(pid=400, cwd=SITE, scripts=())))
    assert other_folder.opened and other_uid.opened and other_verdict.opened and cli.opened
    assert len(t.open_incidents()) == 5


def test_fpm_merging_goes_on_after_a_restart() -> None:
    t = IncidentTracker()
    t.add(attempt(100.0, pid=200, process=fpm(scripts=(f"{SITE}/mailer.php",))))
    stored = t.open_incidents()
    t2 = IncidentTracker()
    assert t2.resume(stored) == 1
    assert not t2.add(attempt(130.0, pid=200, process=fpm(cwd="/"))).opened
    assert [i.id for i in t2.open_incidents()] == [stored[0].id]


def test_a_script_run_by_a_link_out_of_the_home_is_one_incident_live_and_cached(
    tmp_path: Path,
) -> None:
    """Run as /home/u/public_html/x.php, a link to a file outside the home: the live read's
    open file is the target, the exec cache has the link; both are named by the link (the
    name the account gave it, not followed out of the home)."""
    home = tmp_path / "home" / "u"
    (home / "public_html").mkdir(parents=True)
    outside = tmp_path / "srv" / "shared" / "x.php"
    outside.parent.mkdir(parents=True)
    outside.write_text("<?php\n")
    given = home / "public_html" / "x.php"
    given.symlink_to(outside)
    a, live_pid, gone_pid = live_and_cached(home, outside, str(given))
    now = time.time()
    first = a.attempt(connect(live_pid, now))
    second = a.attempt(connect(gone_pid, now + 0.5))
    assert first.process is not None and second.process is not None
    assert first.process.scripts == second.process.scripts == (str(given),)
    tracker = IncidentTracker()
    tracker.add(first)
    assert not tracker.add(second).opened


def test_uid_only_then_folder_only_then_the_script_is_one_incident() -> None:
    t = IncidentTracker()
    uid_only = proc(pid=200, exe=None, cwd=None, scripts=(), method=AttributionMethod.UID_ONLY)
    first = t.add(attempt(100.0, pid=200, process=uid_only))
    folder = t.add(attempt(101.0, pid=200, process=fpm()))
    named = t.add(attempt(102.0, pid=200, process=fpm(scripts=(f"{SITE}/mailer.php",))))
    assert first.opened and folder.taken_over and named.taken_over
    (inc,) = t.open_incidents()
    assert inc.id == first.incident.id and inc.connections == 3
    assert inc.exe == FPM and inc.scripts == (f"{SITE}/mailer.php",)


# ----------------------------------------------------------------------------- mod_php
APACHE = "/usr/sbin/apache2"
WWW_DATA = Account("www-data", AccountKind.SYSTEM, "/var/www")
SHOP = Account("shop", AccountKind.HOME, "/home/shop", via="path /home/shop/public_html/x.php")
SHOP_SCRIPT = "/home/shop/public_html/wp-content/uploads/x.php"


def mod_php(*, scripts: tuple[str, ...] = (), cwd: str = "/", pid: int = 300, uid: int = 33):
    """PHP run inside the web server (mod_php) as its shared user: the script known from an
    open file, or not (read between two requests: the worker's folder only, ``/``)."""
    return dataclasses.replace(
        proc(pid=pid, uid=uid, exe=APACHE, cwd=cwd, scripts=scripts), user="www-data"
    )


def test_mod_php_connects_with_and_without_the_script_are_one_incident() -> None:
    """The web server's user's connect known by its script is the site's account (mapped by
    the script's path); the same run's connect read with cwd ``/`` and no script maps to no
    site (the server user's own account): it tells nothing, and joins the run's incident."""
    t = IncidentTracker()
    named = t.add(attempt(100.0, pid=300, process=mod_php(scripts=(SHOP_SCRIPT,)), account=SHOP))
    bare = t.add(attempt(100.5, pid=300, process=mod_php(), account=WWW_DATA))
    assert named.opened and not bare.opened
    (inc,) = t.open_incidents()
    assert inc.id == named.incident.id and inc.connections == 2
    assert inc.account == "shop" and inc.scripts == (SHOP_SCRIPT,)


def test_a_mod_php_run_first_seen_with_no_script_is_taken_over_by_its_script() -> None:
    t = IncidentTracker()
    bare = t.add(attempt(100.0, pid=300, process=mod_php(), account=WWW_DATA))
    named = t.add(attempt(100.5, pid=300, process=mod_php(scripts=(SHOP_SCRIPT,)), account=SHOP))
    again = t.add(attempt(101.0, pid=300, process=mod_php(), account=WWW_DATA))
    assert bare.opened and named.taken_over and not again.opened
    (inc,) = t.open_incidents()
    assert inc.id == bare.incident.id and inc.connections == 3
    assert inc.account == "shop" and inc.scripts == (SHOP_SCRIPT,)


def test_a_folder_outside_every_account_joins_too_but_a_site_folder_does_not() -> None:
    """A folder in no site (``/tmp``) tells nothing either; a folder that names another site
    (mapped to its account by the path) is another sender, and so is another program, uid or
    verdict."""
    t = IncidentTracker()
    named = t.add(attempt(100.0, pid=300, process=mod_php(scripts=(SHOP_SCRIPT,)), account=SHOP))
    tmp = t.add(attempt(100.2, pid=301, process=mod_php(pid=301, cwd="/tmp"), account=WWW_DATA))
    other = Account("blog", AccountKind.HOME, "/home/blog", via="path /home/blog/public_html")
    site = t.add(attempt(100.4, process=mod_php(cwd="/home/blog/public_html"), account=other))
    cli = dataclasses.replace(mod_php(), exe="/usr/bin/php8.2")
    program = t.add(attempt(100.6, process=cli, account=WWW_DATA))
    uid = t.add(attempt(100.8, process=mod_php(uid=34), account=WWW_DATA))
    verdict = t.add(attempt(101.0, process=mod_php(), account=WWW_DATA, verdict=Verdict.SUBMISSION))
    assert named.opened and not tmp.opened
    assert site.opened and program.opened and uid.opened and verdict.opened
    assert len(t.open_incidents()) == 5


def test_a_hosting_users_connect_from_outside_its_home_joins_its_run() -> None:
    """A hosting account's own uid: a connect of the same program whose folder is outside the
    account (``/tmp``) joins the open incident of its script."""
    t = IncidentTracker()
    named = t.add(attempt(100.0, process=proc()))
    tmp = t.add(attempt(100.5, process=proc(cwd="/tmp", scripts=())))
    assert named.opened and not tmp.opened and len(t.open_incidents()) == 1


def test_mod_php_merging_goes_on_after_a_restart() -> None:
    t = IncidentTracker()
    t.add(attempt(100.0, pid=300, process=mod_php(), account=WWW_DATA))
    stored = t.open_incidents()
    t2 = IncidentTracker()
    assert t2.resume(stored) == 1
    named = t2.add(attempt(130.0, pid=300, process=mod_php(scripts=(SHOP_SCRIPT,)), account=SHOP))
    assert named.taken_over
    assert [i.id for i in t2.open_incidents()] == [stored[0].id]
