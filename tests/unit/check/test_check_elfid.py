"""A renamed interpreter is known by its ELF build id, not its name (real binaries, no root)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from spamtrace.attribution.elfid import InterpreterIds, build_id
from spamtrace.attribution.process import family_of_name, script_from_cmdline

BASH = os.path.realpath(shutil.which("bash") or "/bin/bash")
TRUE = os.path.realpath(shutil.which("true") or "/bin/true")


def _bin_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    shutil.copyfile(BASH, folder / "bash")
    shutil.copyfile(TRUE, folder / "true")
    return folder


def test_copy_keeps_the_build_id_of_its_original(tmp_path: Path) -> None:
    copy = tmp_path / "kworker"
    shutil.copyfile(BASH, copy)
    assert build_id(BASH) is not None and build_id(str(copy)) == build_id(BASH)
    assert build_id(TRUE) != build_id(BASH)


def test_renamed_interpreter_is_its_family_and_other_programs_are_not(tmp_path: Path) -> None:
    ids = InterpreterIds(family_of_name, dirs=[str(_bin_dir(tmp_path))])
    renamed = tmp_path / "httpd"
    shutil.copyfile(BASH, renamed)
    other = tmp_path / "bash"  # a program NAMED like an interpreter is not one by identity
    shutil.copyfile(TRUE, other)
    assert ids.family(str(renamed)) == "shell"
    assert ids.family(str(other)) is None
    assert ids.family(str(tmp_path / "missing")) is None


def test_non_elf_and_broken_elf_files_have_no_build_id(tmp_path: Path) -> None:
    text = tmp_path / "script.sh"
    text.write_text("#!/bin/sh\necho hi\n")
    assert build_id(str(text)) is None
    head = Path(BASH).read_bytes()[:64]
    for n, tail in enumerate((b"", b"\xff" * 100, b"\x00" * 5000)):
        broken = tmp_path / f"broken{n}"
        broken.write_bytes(head + tail)  # program headers cut off or garbage: no crash
        assert build_id(str(broken)) is None
    assert build_id(str(tmp_path)) is None  # a directory


def test_folder_change_is_seen(tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    ids = InterpreterIds(family_of_name, dirs=[str(folder)], recheck_seconds=0)
    renamed = tmp_path / "kworker"
    shutil.copyfile(BASH, renamed)
    assert ids.family(str(renamed)) is None
    shutil.copyfile(BASH, folder / "bash")  # the interpreter is installed later
    os.utime(folder, ns=(1, 1))
    assert ids.family(str(renamed)) == "shell"


def test_script_argument_of_a_renamed_interpreter() -> None:
    argv = ("./kworker", "-u", "favicon.ico", "10.0.0.2")
    assert script_from_cmdline(argv, "/home/a/kworker") is None
    assert script_from_cmdline(argv, "/home/a/kworker", family="python") == "favicon.ico"
    assert script_from_cmdline(("./kworker", "-c", "x"), "/x/kworker", family="python") is None
    # a name that says the family wins over what was found
    assert script_from_cmdline(("php", "-r", "x"), "/usr/bin/php8.2", family="python") is None


def test_fifo_or_symlink_put_in_place_of_an_exe_is_not_read(tmp_path: Path) -> None:
    ids = InterpreterIds(family_of_name, dirs=[str(_bin_dir(tmp_path))])
    fifo = tmp_path / "kworker"
    os.mkfifo(fifo)  # opening it for reading would block without O_NONBLOCK
    assert ids.family(str(fifo), follow=False) is None
    assert ids.family(str(fifo)) is None
    link = tmp_path / "link"
    link.symlink_to(BASH)
    assert ids.family(str(link), follow=False) is None  # a path a user may have replaced
    assert ids.family(str(link)) == "shell"  # /proc/PID/exe is a link and is followed
