"""`spamtrace mail` on a real Exim logging through syslog (``log_file_path = syslog``), and on
real PHP naming a script whose name holds a newline.

Exim's syslog() calls go to ``/dev/log``: inside the command's mount namespace a socket of
the test is mounted there (over a private ``/dev`` holding the devices Exim and PHP use), and
the test writes what it receives as rsyslog writes a file (``Dec  6 02:10:01 host
exim[1234]: ...``). The host's ``/dev`` and syslog are never touched."""

from __future__ import annotations

import json
import os
import pwd
import shlex
import socket
import threading
from pathlib import Path

from mta import PrivateExim
from stcli import spamtrace
from world import World

DEVICES = ("null", "zero", "urandom", "random", "full")


class SyslogExim(PrivateExim):
    """A private Exim whose main log goes through syslog to the test's socket."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        text = self.config.read_text()
        text = text.replace(f"log_file_path = {self.log}/%slog", "log_file_path = syslog")
        self.config.write_text(text)
        self.devices = self.dir / "host-dev"
        self.devices.mkdir(exist_ok=True)
        self.socket_path = self.dir / "dev-log"
        self.syslog_file = self.dir / "mail.log"
        self.syslog_file.touch()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(self.socket_path))
        self.socket_path.chmod(0o666)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        with self.syslog_file.open("ab") as out:
            while not self._stop.is_set():
                try:
                    data = self._sock.recv(65536)
                except TimeoutError:
                    continue
                # glibc sends "<PRI>Mmm dd hh:mm:ss tag[pid]: msg": rsyslog's `mail.*` rule
                # writes the mail facility's (PRI // 8 == 2): the stamp, this host's name,
                # then the rest (runuser's PAM lines are authpriv's)
                end = data.find(b">")
                if end < 2 or not data[1:end].isdigit() or int(data[1:end]) // 8 != 2:
                    continue
                body = data[end + 1 :]
                out.write(body[:16] + b"web1 " + body[16:].rstrip(b"\n") + b"\n")
                out.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def in_namespace(self, argv: list[str]) -> list[str]:
        binds = " && ".join(
            f"touch /dev/{n} && mount --bind {self.devices}/{n} /dev/{n}" for n in DEVICES
        )
        inner = (
            f"mount --bind {self.config} {self.target} && mount --rbind /dev {self.devices} && "
            f"mount -t tmpfs tmpfs /dev && {binds} && touch /dev/log && "
            f"mount --bind {self.socket_path} /dev/log && exec {shlex.join(argv)}"
        )
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", inner]


def _own(world: World, path: Path) -> None:
    assert world.uid is not None
    os.chown(path, world.uid, pwd.getpwuid(world.uid).pw_gid)


def test_a_long_line_exim_split_for_syslog_is_read_whole(world: World) -> None:
    """A working folder longer than syslog's line: Exim writes its +arguments line in parts
    ([1/2], [2/2]); they were counted malformed and the messages had no folder."""
    assert world.uploads is not None
    folder = world.uploads
    for i in range(12):
        folder = folder / ("cache-" + "x" * 70 + str(i))
        folder.mkdir()
        _own(world, folder)
    exim = SyslogExim(world)
    try:
        script = world.install_payload("mail-loop.php", dest_dir=folder)
        assert exim.php_as_user(script, "3").strip() == "sent 3"
    finally:
        exim.close()
    text = exim.syslog_file.read_text()
    assert "exim" in text and "[1/2] " in text and "[2/2] " in text, text[:2000]
    proc = spamtrace(
        "mail", "--json", "--since", "all", "--no-scan", "--no-queue",
        "--exim-log", str(exim.syslog_file),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    (log,) = doc["logs"]
    assert log["malformed"] == 0, doc["notes"]
    (sender,) = [s for s in doc["senders"] if s["uid"] == world.uid]
    assert sender["cwd"] == str(folder) and sender["messages"] == 3


def test_php_names_the_script_whose_newline_it_logged_as_a_space(world: World) -> None:
    """mail() with a From: header: PHP's mail.log turns the newline of the script's name into
    a space; the script is still named as it is on disk."""
    assert world.uploads is not None
    exim = PrivateExim(world)
    script = world.install_payload("mail-loop.php", as_name="mail\nloop.php")
    log = world.tmp / "php-mail.log"
    log.touch()
    _own(world, log)
    exim.php_as_user(script, "2", mail_log=log)
    assert f"{world.uploads}/mail loop.php:" in log.read_text()  # as PHP wrote it
    proc = spamtrace(
        "mail", "--json", "--since", "all", "--no-scan", "--no-queue",
        "--exim-log", str(exim.mainlog), "--php-log", str(log),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (sender,) = [s for s in json.loads(proc.stdout)["senders"] if s["uid"] == world.uid]
    assert sender["script"] == str(script) and sender["messages"] == 2
    human = spamtrace(
        "mail", "--since", "all", "--no-scan", "--no-queue", "--exim-log", str(exim.mainlog),
        "--php-log", str(log),
    )  # fmt: skip
    assert "mail\\nloop.php" in human.stdout and "mail\nloop.php" not in human.stdout
