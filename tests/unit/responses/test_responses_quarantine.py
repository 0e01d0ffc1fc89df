"""Quarantine: move, restore byte for byte, and the hostile cases (symlinks, swaps, links)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from spamtrace.actions.quarantine import Quarantine, QuarantineError
from spamtrace.errors import UsageError

BODY = b"<?php $s=fsockopen('203.0.113.9',25); /* spam */ ?>\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    d = tmp_path / "home" / "u" / "public_html" / "wp-content" / "uploads"
    d.mkdir(parents=True)
    f = d / "x.php"
    f.write_bytes(BODY)
    os.chmod(f, 0o640)
    os.utime(f, ns=(1_600_000_000_123_456_789, 1_500_000_000_987_654_321))
    return f


@pytest.fixture
def q(tmp_path: Path) -> Quarantine:
    return Quarantine(str(tmp_path / "var" / "quarantine"))


def test_move_and_restore_byte_for_byte_with_mode_and_times(site: Path, q: Quarantine) -> None:
    before = os.stat(site)
    item = q.add(str(site), incident="inc-1", rules=("mailer.raw-smtp-dialogue",))
    assert not site.exists()
    assert item.notes == ()  # not "still open by python[<this pid>]": its own copy's fd
    assert item.sha256 == hashlib.sha256(BODY).hexdigest() and item.size == len(BODY)
    assert (item.uid, item.gid, item.mode) == (before.st_uid, before.st_gid, 0o640)
    assert item.mtime_ns == before.st_mtime_ns and item.atime_ns == before.st_atime_ns
    qdir = Path(q.directory)
    assert stat.S_IMODE(qdir.stat().st_mode) == 0o700
    manifest = json.loads((qdir / item.id / "manifest.json").read_text())
    assert manifest["path"] == str(site) and manifest["incident"] == "inc-1"
    assert manifest["rules"] == ["mailer.raw-smtp-dialogue"] and manifest["mode"] == "0640"
    assert stat.S_IMODE((qdir / item.id / "data").stat().st_mode) == 0o600
    assert [i.id for i in q.items()] == [item.id]
    q.restore(item.id)
    after = os.stat(site)
    assert site.read_bytes() == BODY
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert after.st_mtime_ns == before.st_mtime_ns and after.st_atime_ns == before.st_atime_ns
    assert q.items() == []


def test_a_symlink_is_refused_and_its_target_untouched(
    site: Path, q: Quarantine, tmp_path: Path
) -> None:
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0::/root:/bin/bash\n")
    site.unlink()
    site.symlink_to(target)
    with pytest.raises(QuarantineError, match="symlink"):
        q.add(str(site))
    assert target.read_text() == "root:x:0:0::/root:/bin/bash\n"
    assert site.is_symlink() and q.items() == []


def test_a_symlinked_folder_in_the_path_is_refused(
    site: Path, q: Quarantine, tmp_path: Path
) -> None:
    link = tmp_path / "home" / "u" / "www"
    link.symlink_to(site.parent)
    with pytest.raises(QuarantineError, match="symlink or not a folder"):
        q.add(str(link / "x.php"))
    assert site.read_bytes() == BODY


def test_a_swap_between_check_and_move_is_refused(
    site: Path, q: Quarantine, tmp_path: Path
) -> None:
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0\n")

    def swap() -> None:  # the account replaces its script by a link while we copy it
        site.unlink()
        site.symlink_to(target)

    q.before_unlink = swap
    with pytest.raises(QuarantineError, match="swapped"):
        q.add(str(site))
    assert target.read_text() == "root:x:0:0\n" and site.is_symlink()
    assert q.items() == [] and os.listdir(q.directory) == []  # the copy was dropped


def test_a_hard_linked_file_is_copied_and_its_other_name_kept(site: Path, q: Quarantine) -> None:
    other = site.parent.parent / "other-name.php"
    os.link(site, other)
    item = q.add(str(site))
    assert not site.exists() and other.read_bytes() == BODY
    assert any("hard-linked (2 names)" in n for n in item.notes)
    # the quarantined copy is its own inode: writing through the other name cannot change it
    other.write_bytes(b"changed")
    data = Path(q.directory) / item.id / "data"
    assert data.read_bytes() == BODY and data.stat().st_nlink == 1


@pytest.mark.parametrize("first", ["x.php", "y.php"])
def test_two_quarantined_names_of_one_file_come_back_as_one_file(
    site: Path, q: Quarantine, first: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two hard-linked names, both quarantined, were restored as two separate files (the
    link lost: a change through one name no longer showed through the other), and the note of
    the first said its other name was left in place while it was in quarantine too. The
    second restored is linked to the first again, whichever comes back first, and each
    restore says what it did."""
    from spamtrace.actions.quarantine import LINKED_BACK, LINKED_TOO, RESTORED_APART
    from spamtrace.render.responses import print_quarantine_change

    other = site.parent / "y.php"
    os.link(site, other)
    one = q.add(str(site))
    two = q.add(str(other))
    assert not site.exists() and not other.exists()
    assert any(f"quarantined before: {site} ({one.id})" in n for n in two.notes), two.notes
    notes = {i.id: i.notes for i in q.items()}
    assert any(n == f"{LINKED_TOO} {other}, as {two.id}" for n in notes[one.id]), notes
    by_name = {"x.php": (one, two), "y.php": (two, one)}
    a, b = by_name[first]
    done_a = q.restore(a.id)
    apart = [n for n in done_a.notes if n.startswith(RESTORED_APART)]
    assert len(apart) == 1 and f"still in quarantine: {b.path} ({b.id})" in apart[0], apart
    done_b = q.restore(b.id)
    assert any(n == f"{LINKED_BACK} {a.path}: one file again, as before the quarantine"
               for n in done_b.notes), done_b.notes  # fmt: skip
    assert os.stat(site).st_ino == os.stat(other).st_ino and os.stat(site).st_nlink == 2
    assert site.read_bytes() == BODY and stat.S_IMODE(os.stat(site).st_mode) == 0o640
    assert q.items() == []
    print_quarantine_change(done_b, "restored", False)
    assert f"  note: {LINKED_BACK} {a.path}" in capsys.readouterr().out


def test_a_name_restored_beside_its_other_name_left_in_place_is_linked_to_it(
    site: Path, q: Quarantine
) -> None:
    """One of two names quarantined, then restored: it came back as a file of its own beside
    the original; it is that file's name again."""
    from spamtrace.actions.quarantine import LINKED_BACK

    other = site.parent / "y.php"
    os.link(site, other)
    item = q.add(str(site))
    assert any("1 other name(s) left in place" in n and "-xdev -inum" in n for n in item.notes)
    done = q.restore(item.id)
    assert os.stat(site).st_ino == os.stat(other).st_ino
    assert any(n.startswith(f"{LINKED_BACK} {other}") for n in done.notes), done.notes


def test_a_link_is_not_made_to_a_name_whose_bytes_changed_and_nothing_is_lost(
    site: Path, q: Quarantine
) -> None:
    """The name left in place was written since: linking to it would lose the quarantined
    bytes, so the restore writes them as a file of its own and says why it is not linked."""
    from spamtrace.actions.quarantine import RESTORED_APART

    other = site.parent / "y.php"
    os.link(site, other)
    item = q.add(str(site))
    other.write_bytes(b"<?php echo 'cleaned by the owner';\n")
    done = q.restore(item.id)
    assert site.read_bytes() == BODY and other.read_bytes().startswith(b"<?php echo")
    assert os.stat(site).st_ino != os.stat(other).st_ino
    apart = [n for n in done.notes if n.startswith(RESTORED_APART)]
    assert len(apart) == 1 and "holds other bytes, owner or mode now" in apart[0], apart
    assert "it was one of 2 hard-linked names" in apart[0] and "ln -f OTHER" in apart[0]


def test_restore_refuses_a_file_that_appeared_unless_forced(site: Path, q: Quarantine) -> None:
    item = q.add(str(site))
    site.write_bytes(b"new index")
    with pytest.raises(QuarantineError, match="appeared"):
        q.restore(item.id)
    assert site.read_bytes() == b"new index" and len(q.items()) == 1
    q.restore(item.id, force=True)
    assert site.read_bytes() == BODY


def test_a_forced_restore_quarantines_the_file_it_replaces(
    site: Path, q: Quarantine, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quarantine restore --force` overwrote the file that had appeared at the path (the
    owner's new upload, or the attacker's next copy) for good: it is quarantined now, under
    an id of its own that the restored item's notes name, and can be put back in turn."""
    item = q.add(str(site))
    site.write_bytes(b"the owner's new file")
    os.chmod(site, 0o604)
    restored = q.restore(item.id, force=True)
    assert site.read_bytes() == BODY
    (displaced,) = q.items()
    assert displaced.path == str(site) and displaced.mode == 0o604
    assert (Path(q.directory) / displaced.id / "data").read_bytes() == b"the owner's new file"
    (note,) = restored.notes[-1:]
    assert f"quarantined as {displaced.id}" in note and "--force" in note
    assert f"displaced by the restore of {item.id}" in displaced.notes[-1]
    from spamtrace.render.responses import print_quarantine_change

    print_quarantine_change(restored, "restored", False)
    assert f"  note: {note}\n" in capsys.readouterr().out
    q.restore(displaced.id, force=True)  # and back: the first one is quarantined again
    assert site.read_bytes() == b"the owner's new file"
    assert [i.sha256 for i in q.items()] == [hashlib.sha256(BODY).hexdigest()]
    # a symlink in the way holds no data: replaced as before
    item = q.items()[0]
    site.unlink()
    site.symlink_to("/etc/passwd")
    q.restore(item.id, force=True)
    assert not site.is_symlink() and site.read_bytes() == BODY and q.items() == []


def test_delete_and_unknown_ids(site: Path, q: Quarantine) -> None:
    item = q.add(str(site))
    q.delete(item.id)
    assert q.items() == []
    for bad in ("q-nope", "../etc", ""):
        with pytest.raises(UsageError):
            q.restore(bad)


def test_a_quarantine_dir_that_is_a_file_is_said_with_its_key(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`[responses] quarantine_dir` naming a file (or a path under one): `quarantine list`
    said `FILE: cannot open: Not a directory` (exit 3), `scan --quarantine` scanned the whole
    tree and then gave every malicious file that errno text as its "NOT QUARANTINED"
    reason. Now one line naming the key, exit 2, and `scan --quarantine` says it before it
    scans; the file and the site are left as they were."""
    from spamtrace.cli.main import main
    from spamtrace.errors import ConfigError

    afile = tmp_path / "hostname"
    afile.write_text("web1\n")
    under = f"not a folder: '{afile}/q' ('{afile}' is a file)"
    for given, problem in ((afile, f"not a folder: '{afile}'"), (afile / "q", under)):
        store = Quarantine(str(given))
        for call, arg in ((store.items, None), (store.add, str(site)), (store.restore, "q-1")):
            with pytest.raises(ConfigError) as err:
                call() if arg is None else call(arg)
            assert err.value.message == f"[responses] quarantine_dir: {problem}"
        assert site.read_bytes() == BODY and afile.read_text() == "web1\n"
    if os.geteuid() == 0:  # both commands need root before they look
        monkeypatch.setenv("SPAMTRACE_RESPONSES_QUARANTINE_DIR", str(afile))
        assert main(["quarantine", "list"]) == 2
        assert capsys.readouterr().err == (
            f"spamtrace: error: [responses] quarantine_dir: not a folder: '{afile}'\n"
        )
        assert main(["scan", "--quarantine", str(site.parent)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err == (
            f"spamtrace: error: [responses] quarantine_dir: not a folder: '{afile}' (scan "
            "--quarantine)\n"
        )
        assert site.read_bytes() == BODY


def test_a_quarantine_dir_open_to_others_is_refused(site: Path, q: Quarantine) -> None:
    os.makedirs(q.directory, mode=0o755)
    os.chmod(q.directory, 0o755)
    with pytest.raises(QuarantineError, match="mode 0700"):
        q.add(str(site))
    assert site.read_bytes() == BODY


def test_a_failed_copy_leaves_the_original(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    real_write = os.write

    def full(fd: int, data: bytes | memoryview) -> int:
        if len(data) == len(BODY):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(QuarantineError, match="full"):
        q.add(str(site))
    monkeypatch.undo()
    assert site.read_bytes() == BODY and os.listdir(q.directory) == []


def test_a_file_that_cannot_be_removed_is_said_left_in_place(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site on a read-only mount: `scan --quarantine` said "copied but cannot be removed:
    Read-only file system", as if a copy were kept in the quarantine; it is taken back, and
    the error says the file was left in place."""
    import errno

    real_unlink = os.unlink

    def read_only(path: str, *, dir_fd: int | None = None) -> None:
        if path == site.name:  # the site's folder only, not the quarantine's
            raise OSError(errno.EROFS, "Read-only file system")
        real_unlink(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "unlink", read_only)
    with pytest.raises(QuarantineError) as caught:
        q.add(str(site))
    monkeypatch.undo()
    assert str(caught.value) == (f"{site}: not quarantined, left in place: it cannot be "
                                 "removed from its folder: Read-only file system")  # fmt: skip
    assert site.read_bytes() == BODY and q.items() == [] and os.listdir(q.directory) == []


def _full_disk_for(monkeypatch: pytest.MonkeyPatch, body: bytes) -> None:
    """os.write of ``body`` fails as on a full filesystem (ENOSPC)."""
    import errno

    real_write = os.write

    def full(fd: int, data: bytes | memoryview) -> int:
        if bytes(data) == body:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)


def test_a_restore_onto_a_full_disk_is_an_error_and_keeps_the_item(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = q.add(str(site))
    _full_disk_for(monkeypatch, BODY)
    # a clear error (not an OSError that reads as an internal error), nothing lost
    with pytest.raises(QuarantineError, match=r"not restored.*no space left"):
        q.restore(item.id)
    monkeypatch.undo()
    assert os.listdir(site.parent) == []  # no half-written file, no temporary left
    assert [i.id for i in q.items()] == [item.id]
    q.restore(item.id)
    assert site.read_bytes() == BODY


def test_a_forced_restore_that_fails_keeps_the_file_that_appeared(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = q.add(str(site))
    site.write_bytes(b"the owner's new file")
    _full_disk_for(monkeypatch, BODY)
    with pytest.raises(QuarantineError, match="not restored"):
        q.restore(item.id, force=True)
    monkeypatch.undo()
    # the file that appeared is replaced only once the restored one is written whole
    assert site.read_bytes() == b"the owner's new file"
    assert sorted(os.listdir(site.parent)) == ["x.php"] and len(q.items()) == 1


def test_an_item_whose_manifest_is_damaged_is_named_not_hidden(site: Path, q: Quarantine) -> None:
    """A damaged manifest hid its item from `quarantine list` (and restore said "no
    quarantined file with id"), while the file's bytes stayed in the folder unseen."""
    item = q.add(str(site))
    other = q.add(_another(site))
    (Path(q.directory) / item.id / "manifest.json").write_text("{damaged")
    assert [i.id for i in q.items()] == [other.id]
    assert q.damaged() == [item.id]
    assert (Path(q.directory) / item.id / "data").read_bytes() == BODY
    with pytest.raises(QuarantineError, match="manifest cannot be read"):
        q.restore(item.id)


def _another(site: Path) -> str:
    path = site.parent / "y.php"
    path.write_bytes(b"<?php echo 2;")
    return str(path)


def test_an_interrupt_after_the_original_is_removed_keeps_the_copy(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the manifest was rewritten with the "still open by" note (after the
    original's name was removed) dropped the quarantined copy too: the file was lost."""
    from spamtrace.actions import quarantine as qmod

    monkeypatch.setattr(qmod, "open_holders", lambda path, uid: [(4242, "php-fpm")])
    real_write = Quarantine._write_manifest
    calls: list[int] = []

    def write(item_fd: int, item: object) -> None:
        calls.append(1)
        if len(calls) == 2:  # the rewrite with the note
            raise KeyboardInterrupt
        real_write(item_fd, item)  # type: ignore[arg-type]

    monkeypatch.setattr(Quarantine, "_write_manifest", staticmethod(write))
    with pytest.raises(KeyboardInterrupt):
        q.add(str(site))
    monkeypatch.undo()
    assert not site.exists()
    (item,) = q.items()  # kept, with the manifest written before the move
    q.restore(item.id)
    assert site.read_bytes() == BODY


def test_a_directory_or_fifo_is_not_a_regular_file(tmp_path: Path, q: Quarantine) -> None:
    fifo = tmp_path / "f.php"
    os.mkfifo(fifo)
    with pytest.raises(QuarantineError, match="not a regular file"):
        q.add(str(fifo))
    assert fifo.exists()


def test_suspend_records_exit_status_output_and_timeout() -> None:
    from spamtrace.actions.suspend import run_suspend

    ok = run_suspend(["/bin/sh", "-c", 'echo "suspended $0"', "shop"], timeout=10)
    assert ok.ok and ok.exit_status == 0 and "suspended shop" in ok.output
    bad = run_suspend(["/bin/sh", "-c", "echo no such account >&2; exit 3"], timeout=10)
    assert not bad.ok and bad.exit_status == 3 and "no such account" in bad.output
    assert "exit status 3" in bad.detail
    slow = run_suspend(["/bin/sleep", "5"], timeout=0.2)
    assert not slow.ok and slow.exit_status is None and "timeout" in slow.detail
    missing = run_suspend(["/nonexistent/suspendacct", "shop"], timeout=1)
    assert not missing.ok and "not found" in missing.detail


def test_a_restore_into_a_folder_removed_since_says_so_and_keeps_the_item(
    site: Path, q: Quarantine
) -> None:
    """The site's uploads folder was cleaned out after the quarantine: the restore said
    only "cannot open folder 'uploads': No such file or directory". It names the folder
    that is gone, says the file is still in quarantine and how to put it back; nothing is
    created on the way (a folder in an account's home needs its owner and mode)."""
    import shutil

    item = q.add(str(site))
    shutil.rmtree(site.parent)
    with pytest.raises(QuarantineError) as exc:
        q.restore(item.id)
    message = str(exc.value)
    assert f"the folder {site.parent} does not exist" in message, message
    assert "still in quarantine" in message and "restore again" in message, message
    assert not site.parent.exists() and [i.id for i in q.items()] == [item.id]


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +i needs root")
def test_an_immutable_file_is_named_so_with_the_way_out(site: Path, q: Quarantine) -> None:
    """Droppers `chattr +i` their files so that a cleanup cannot delete them: the error was
    "cannot be removed from its folder: Operation not permitted", with no word of why."""
    import subprocess

    if subprocess.run(["chattr", "+i", str(site)], capture_output=True).returncode != 0:
        pytest.skip("no chattr, or a filesystem without the immutable flag")
    try:
        with pytest.raises(QuarantineError) as caught:
            q.add(str(site))
        message = str(caught.value)
        assert "immutable" in message and f"chattr -i {site}" in message, message
        assert site.read_bytes() == BODY and q.items() == []
    finally:
        subprocess.run(["chattr", "-i", str(site)], check=True)


def test_a_name_is_escaped_once_in_every_refusal(tmp_path: Path, q: Quarantine) -> None:
    # an attacker names a file and a folder: a tab, ESC and a newline reach no terminal raw,
    # and are escaped once (not "\\t"), whether the name is the file's or a folder's
    bad = tmp_path / "up\tx\x1b[2J"
    bad.mkdir()
    fifo = bad / "f\n.php"
    os.mkfifo(fifo)
    with pytest.raises(QuarantineError) as file_refused:
        q.add(str(fifo))
    link = tmp_path / "www\t\x1b"
    link.symlink_to(bad)
    with pytest.raises(QuarantineError) as folder_refused:
        q.add(str(link / "x.php"))
    for exc in (file_refused.value, folder_refused.value):
        text = exc.message
        assert text.isprintable() and "\\\\" not in text, text
    assert "up\\tx\\x1b[2J/f\\n.php: not a regular file" in file_refused.value.message
    assert "'www\\t\\x1b' in the path is a symlink" in folder_refused.value.message


def test_an_id_is_found_in_any_case(site: Path, q: Quarantine) -> None:
    """`quarantine restore Q-20261206T214500-ABC123` (an id copied from an upper-case report
    or typed so) said "no quarantined file with id": ids differ in more than case, so the
    case is not part of the match."""
    item = q.add(str(site))
    assert q.get(item.id.upper()) == q.get(item.id)
    q.restore(item.id.upper())
    assert site.read_bytes() == BODY and q.items() == []


def test_a_quarantine_folder_that_is_a_symlink_is_refused_saying_so(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quarantine_dir` a symlink to a folder on a bigger disk: every move failed with
    "/var/lib/spamtrace/quarantine: cannot open: Not a directory", `quarantine list` the
    same, and `config check` said "config ok". The link is named, with what to set."""
    from spamtrace.cli.main import main
    from spamtrace.errors import ConfigError

    real = tmp_path / "big-disk" / "quarantine"
    real.mkdir(parents=True, mode=0o700)
    link = tmp_path / "quarantine"
    link.symlink_to(real)
    said = (
        f"[responses] quarantine_dir: '{link}' is a symlink (to '{real}'): no symlink is "
        "followed on the quarantine's paths; set quarantine_dir to the folder itself"
    )
    with pytest.raises(ConfigError) as err:
        Quarantine(str(link)).add(str(site))
    assert str(err.value) == said and site.exists() and os.listdir(real) == []
    with pytest.raises(ConfigError):
        Quarantine(str(link)).items()
    conf = tmp_path / "c.toml"
    conf.write_text(f'[responses]\nquarantine_dir = "{link}"\n')
    assert main(["--config", str(conf), "config", "check"]) == 0
    assert f"note: responses.quarantine_dir: '{link}' is a symlink" in capsys.readouterr().out


@pytest.mark.parametrize("force", [False, True])
def test_two_restores_of_one_id_at_once_say_the_second_found_it_restored(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    """Two `quarantine restore ID` at once: the second, which found the item before the
    first took it out, said "a file appeared there since ... (use --force to replace it)"
    of the file the first had just put back (and with --force would quarantine it again).
    Now one restore of an item runs at a time; the other finds it restored and says so."""
    import threading

    import spamtrace.actions.quarantine as quarantine

    item = q.add(str(site))
    second: list[BaseException | None] = []

    def other_run() -> None:  # the second run, from its listing to its end
        try:
            Quarantine(q.directory).restore(item.id, force=force)
            second.append(None)
        except BaseException as exc:
            second.append(exc)

    removing = quarantine._remove_item
    started = False

    def remove(root: int, ident: str, item_fd: int | None) -> None:
        nonlocal started
        if not started:  # the first run has put the file back and not yet removed the item
            started = True
            t = threading.Thread(target=other_run)
            t.start()
            t.join(1.0)  # done here, or waiting for the first run to end
            removing(root, ident, item_fd)
            t.join(10.0)
            return
        removing(root, ident, item_fd)

    monkeypatch.setattr(quarantine, "_remove_item", remove)
    q.restore(item.id, force=force)
    (exc,) = second
    assert isinstance(exc, UsageError), exc
    assert "already restored, by another run" in exc.message and "--force" not in exc.message
    assert site.read_bytes() == BODY and q.items() == []  # nothing displaced, nothing left
    # a delete or restore after both: the id is gone, as before
    with pytest.raises(UsageError, match="no quarantined file"):
        q.restore(item.id)


def test_a_restore_of_an_item_deleted_meanwhile_says_it_is_gone(
    site: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = q.add(str(site))
    listed = q.get(item.id)
    q.delete(item.id)
    monkeypatch.setattr(Quarantine, "get", lambda self, ident: listed)
    with pytest.raises(UsageError, match="another run restored or deleted it meanwhile"):
        q.restore(item.id)
    with pytest.raises(UsageError, match="another run restored or deleted it meanwhile"):
        q.delete(item.id)
    assert not site.exists()


def test_a_move_of_a_file_with_one_name_reads_no_other_manifest(
    tmp_path: Path, q: Quarantine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look for the other names of a hard link read every manifest in quarantine at each
    move (a thousand moves: 80 s instead of 30). A file with one name, none of whose names
    was quarantined before (no mark), reads none; a second name of a quarantined file does."""
    reads: list[str] = []
    real = Quarantine._read_item

    def counted(root: int, name: str) -> object:
        reads.append(name)
        return real(root, name)

    monkeypatch.setattr(Quarantine, "_read_item", staticmethod(counted))
    for n in range(20):
        f = tmp_path / f"f{n}.php"
        f.write_bytes(BODY + str(n).encode())
        q.add(str(f))
    assert reads == []
    a, b = tmp_path / "a.php", tmp_path / "b.php"
    a.write_bytes(BODY)
    os.link(a, b)
    first = q.add(str(a))
    second = q.add(str(b))  # one name left: found by the mark of the first
    assert reads and any(first.id in n and str(a) in n for n in second.notes), second.notes
