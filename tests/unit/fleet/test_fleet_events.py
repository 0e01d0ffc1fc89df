"""The JSON event stream: ECS field names, attacker strings escaped, always valid JSON; the
file writer survives logrotate (rename, remove, copytruncate); syslog datagrams to a real
unix socket."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from spamtrace.errors import PathUnusable, RuntimeFailure
from spamtrace.sinks import events
from spamtrace.sinks.events import (
    EventStream,
    JsonLinesFile,
    SyslogSender,
    action_event,
    attempt_event,
    incident_event,
    open_stream,
)
from spamtrace.sinks.store import EventRecord, EventType

HOSTILE = "/home/shop/x\x1b]0;pwned\x07\n\u202egpj.php\udcff"


def record(**kw: Any) -> EventRecord:
    base: dict[str, Any] = dict(
        type=EventType.CONNECT_ATTEMPTED, wall=1_764_849_600.25, pid=4242,
        start_time=1_764_849_599.5, uid=1001, gid=1001, user="shop", account="shop",
        exe="/usr/bin/php8.2",
        cwd="/home/shop/public_html", cmdline=("php", "/home/shop/public_html/m.php", "-q"),
        scripts=("/home/shop/public_html/m.php",), local="10.0.0.1:0", remote="203.0.113.9:25",
        verdict="suspicious", reasons=("a non-MTA process connects to port 25",),
        method="tracepoint", blocked=False, incident_id="inc-0123456789ab", source="tracepoint",
        details={"tid": 4242, "comm": "php", "name": "php8.2",
                 "parents": [{"pid": 1, "name": "php-fpm", "exe": "/usr/sbin/php-fpm8.2"}]},
    )  # fmt: skip
    base.update(kw)
    return EventRecord(**base)


def incident(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "inc-0123456789ab", "verdict": "suspicious", "uid": 1001, "user": "shop",
        "account": "shop", "account_kind": "home", "home": "/home/shop", "domain": None,
        "exe": "/usr/bin/php8.2",
        "cwd": "/home/shop/public_html", "scripts": ["/home/shop/public_html/m.php"],
        "cmdline": ["php", "m.php"], "connections": 12, "blocked": 3,
        "destinations": ["203.0.113.9:25"], "pids": [4242],
        "first_seen": "2025-12-04T12:00:00.000Z", "last_seen": "2025-12-04T12:01:00.000Z",
        "first_seen_epoch": 1_764_849_600.0, "last_seen_epoch": 1_764_849_660.0,
        "rate_per_minute": 12.0, "reasons": ["direct to MX"], "attribution": {"tracepoint": 12},
        "advice": ["spamtrace scan /home/shop/public_html"],
        "suspect_files": [{"path": "/home/shop/public_html/m.php", "verdict": "malicious"}],
    }  # fmt: skip
    base.update(kw)
    return base


def roundtrip(doc: dict[str, Any]) -> dict[str, Any]:
    text = events.line(doc)
    assert "\n" not in text and text.isascii()
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *all_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


def test_attempt_carries_the_ecs_fields() -> None:
    doc = roundtrip(attempt_event(record(), "web1"))
    assert doc["@timestamp"] == "2025-12-04T12:00:00.250Z"
    assert doc["ecs"] == {"version": events.ECS_VERSION}
    assert doc["event"]["kind"] == "event" and doc["event"]["action"] == "smtp-connect-attempted"
    assert doc["event"]["category"] == ["network"] and doc["event"]["type"] == [
        "connection",
        "start",
    ]
    assert doc["event"]["severity"] == 3 and doc["event"]["provider"] == "tracepoint"
    p = doc["process"]
    assert p["pid"] == 4242 and p["name"] == "php8.2" and p["executable"] == "/usr/bin/php8.2"
    assert p["command_line"] == "php /home/shop/public_html/m.php -q" and p["args_count"] == 3
    assert p["working_directory"] == "/home/shop/public_html"
    assert p["start"] == "2025-12-04T11:59:59.500Z"
    assert p["parent"] == {"pid": 1, "name": "php-fpm", "executable": "/usr/sbin/php-fpm8.2"}
    assert doc["user"] == {"id": "1001", "name": "shop"} and doc["group"] == {"id": "1001"}
    assert doc["destination"] == {"ip": "203.0.113.9", "port": 25}
    assert doc["source"] == {"ip": "10.0.0.1"}  # port 0 (not yet assigned) is left out
    assert doc["network"]["type"] == "ipv4" and doc["network"]["protocol"] == "smtp"
    assert doc["file"] == {"path": "/home/shop/public_html/m.php"}
    assert doc["host"] == {"name": "web1"}
    st = doc["spamtrace"]
    assert st["schema"] == "spamtrace.events/1" and st["verdict"] == "suspicious"
    assert st["incident"] == {"id": "inc-0123456789ab"} and st["attribution"] == "tracepoint"
    assert doc["message"].startswith(
        "SUSPICIOUS smtp-connect-attempted php8.2[4242] uid=1001(shop)"
    )


def test_blocked_attempt_is_a_denied_connection_with_uid_only() -> None:
    rec = record(
        type=EventType.CONNECT_BLOCKED, pid=None, start_time=None, exe=None, cwd=None, cmdline=(),
        scripts=(), user=None, remote="[2001:db8::25]:25", local="[2001:db8::1]:41000",
        blocked=True, method="nflog-uid-only", source="nflog", details={"prefix": "spamtrace"},
    )  # fmt: skip
    doc = roundtrip(attempt_event(rec, "web1"))
    assert doc["event"]["action"] == "smtp-connect-blocked"
    assert doc["event"]["type"] == ["connection", "denied"] and doc["event"]["outcome"] == "failure"
    assert doc["destination"] == {"ip": "2001:db8::25", "port": 25}
    assert doc["source"] == {"ip": "2001:db8::1", "port": 41000}
    assert doc["network"]["type"] == "ipv6"
    assert "process" not in doc and "file" not in doc  # nothing known: absent, not null
    assert doc["user"] == {"id": "1001"} and doc["spamtrace"]["blocked"] is True
    assert doc["message"].endswith("BLOCKED")


def test_attacker_strings_are_escaped_everywhere() -> None:
    rec = record(
        exe=HOSTILE, cwd=HOSTILE, scripts=(HOSTILE,), cmdline=("php", HOSTILE),
        user="sh\nop", reasons=(f"script {HOSTILE}",),
        details={"name": "\x1b[2Jphp", "parents": [{"pid": 1, "name": "\r", "exe": HOSTILE}]},
    )  # fmt: skip
    doc = roundtrip(attempt_event(rec, "web1"))
    for value in all_strings(doc):
        assert value.isprintable(), value
        assert "\u202e" not in value and "\x1b" not in value
    assert doc["file"]["path"] == "/home/shop/x\\x1b]0;pwned\\x07\\n\\u202egpj.php\\xff"
    assert doc["process"]["name"] == "\\x1b[2Jphp" and doc["user"]["name"] == "sh\\nop"
    inc = roundtrip(
        incident_event(incident(scripts=[HOSTILE], cmdline=[HOSTILE]), "incident-opened", "h")
    )
    assert all(v.isprintable() for v in all_strings(inc))
    assert inc["spamtrace"]["incident"]["scripts"] == [doc["file"]["path"]]


def test_long_values_and_lists_are_bounded() -> None:
    rec = record(cmdline=tuple(f"arg{i}" for i in range(500)), exe="/x" * 10_000)
    doc = roundtrip(attempt_event(rec, "web1"))
    assert len(doc["process"]["executable"]) == events.MAX_TEXT
    assert doc["process"]["executable"].endswith("…")
    assert len(doc["process"]["args"]) == events.MAX_ITEMS + 1
    assert doc["process"]["args"][-1] == f"… {500 - events.MAX_ITEMS} more"
    assert doc["process"]["args_count"] == 500
    assert len(events.line(attempt_event(rec, "web1"))) < 60_000  # fits one syslog datagram


def test_incident_opened_is_an_alert_for_a_suspicious_sender() -> None:
    doc = roundtrip(incident_event(incident(), "incident-opened", "web1"))
    assert doc["@timestamp"] == "2025-12-04T12:00:00.000Z"  # when it began
    assert doc["event"]["kind"] == "alert" and doc["event"]["action"] == "incident-opened"
    assert "intrusion_detection" in doc["event"]["category"]
    assert doc["process"]["executable"] == "/usr/bin/php8.2" and doc["process"]["pid"] == 4242
    assert doc["user"] == {"id": "1001", "name": "shop"}
    assert doc["file"]["path"] == "/home/shop/public_html/m.php"
    full = doc["spamtrace"]["incident"]
    assert full["id"] == "inc-0123456789ab" and full["connections"] == 12 and full["blocked"] == 3
    assert full["suspect_files"][0]["verdict"] == "malicious"
    assert "SUSPICIOUS incident inc-0123456789ab opened" in doc["message"]


def test_incident_updated_and_a_quiet_verdict() -> None:
    doc = roundtrip(
        incident_event(incident(verdict="submission"), "incident-updated", "w", reason="scanned")
    )
    assert doc["event"]["kind"] == "event" and doc["event"]["type"] == ["change"]
    assert doc["event"]["reason"] == "scanned" and doc["@timestamp"] == "2025-12-04T12:01:00.000Z"
    assert doc["event"]["end"] == "2025-12-04T12:01:00.000Z"


def test_a_mail_log_incident_is_an_alert_too() -> None:
    inc = incident(verdict="mail-script", scripts=["/home/shop/public_html/contact.php"],
                   exe=None, cmdline=[], pids=[], connections=0)  # fmt: skip
    doc = roundtrip(incident_event(inc, "incident-opened", "web1"))
    assert doc["event"]["kind"] == "alert" and doc["event"]["severity"] == 3
    assert doc["file"]["path"] == "/home/shop/public_html/contact.php"
    assert doc["spamtrace"]["verdict"] == "mail-script"


def test_action_line() -> None:
    doc = roundtrip(
        action_event(
            "inc-1",
            "block-uid",
            "done",
            1_764_849_700.0,
            "web1",
            detail="uid 1001 blocked",
            undo="spamtrace firewall unblock 1001",
        )
    )
    assert doc["event"]["action"] == "response-block-uid" and doc["event"]["outcome"] == "success"
    assert doc["spamtrace"]["response"]["undo"] == "spamtrace firewall unblock 1001"
    assert doc["spamtrace"]["incident"] == {"id": "inc-1"}


# ---------------------------------------------------------------------------- the file
def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_file_is_created_0640_and_appended(tmp_path: Path) -> None:
    path = tmp_path / "log" / "events.json"
    w = JsonLinesFile(str(path))
    stream = EventStream([w], host="web1")
    stream.attempt(record())
    stream.incident(incident(), "incident-opened")
    stream.action("inc-1", "stop-process", "failed", 1.0)
    w.close()
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    got = lines(path)
    assert [d["event"]["action"] for d in got] == [
        "smtp-connect-attempted", "incident-opened", "response-stop-process",
    ]  # fmt: skip
    assert stream.lines == 3 and stream.errors() == 0


@pytest.mark.parametrize("how", ["rename", "remove"])
def test_file_follows_logrotate(tmp_path: Path, how: str) -> None:
    path = tmp_path / "events.json"
    w = JsonLinesFile(str(path))
    stream = EventStream([w], host="web1")
    stream.attempt(record(pid=1))
    if how == "rename":
        path.rename(tmp_path / "events.json.1")
    else:
        path.unlink()
    stream.reopen()  # what SIGHUP (logrotate's postrotate) does; also checked once a second
    stream.attempt(record(pid=2))
    w.close()
    assert [d["process"]["pid"] for d in lines(path)] == [2]
    if how == "rename":
        assert [d["process"]["pid"] for d in lines(tmp_path / "events.json.1")] == [1]
    assert w.reopened == 1


def test_file_rotation_is_noticed_without_a_signal(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    w = JsonLinesFile(str(path))
    w.CHECK_EVERY = 0.0  # type: ignore[misc]
    w.write('{"n":1}')
    path.rename(tmp_path / "old.json")
    w.write('{"n":2}')
    w.close()
    assert lines(path) == [{"n": 2}] and lines(tmp_path / "old.json") == [{"n": 1}]


def test_copytruncate_keeps_lines_whole(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    w = JsonLinesFile(str(path))
    w.write('{"n":1}')
    os.truncate(path, 0)  # logrotate copytruncate
    w.write('{"n":2}')
    w.close()
    assert path.read_bytes() == b'{"n":2}\n'  # appended at the new end: no hole of NULs


def test_only_the_event_files_own_folder_is_made(tmp_path: Path) -> None:
    """Tour: `[events] path = "/nonexistent/dir/e.json"` (a typo): the daemon made
    /nonexistent (0755) and /nonexistent/dir (0750) and wrote there. The file's own folder is
    made (/var/log/spamtrace where no unit made it), 0750; a missing folder above it is one
    line, and nothing is made."""
    typo = tmp_path / "typo" / "dir" / "e.json"
    with pytest.raises(PathUnusable) as err:  # a config error (exit 2), not a failure (3)
        JsonLinesFile(str(typo))
    assert err.value.message == (
        f"events: cannot open {typo}: folder {tmp_path}/typo does not exist (only the event "
        "file's own folder is made: create it first)"
    )
    assert not (tmp_path / "typo").exists()
    w = JsonLinesFile(str(tmp_path / "spamtrace" / "events.json"))
    w.write('{"n":1}')
    w.close()
    assert os.stat(tmp_path / "spamtrace").st_mode & 0o777 == 0o750


def test_a_symlink_at_the_path_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0\n")
    (tmp_path / "events.json").symlink_to(target)
    with pytest.raises(
        RuntimeFailure, match=r"events: cannot open .*events\.json: it is a symlink"
    ):
        JsonLinesFile(str(tmp_path / "events.json"))
    assert target.read_text() == "root:x:0:0\n"


def _opened_within(path: Path, seconds: float) -> tuple[bool, BaseException | None]:
    """JsonLinesFile(path) in a thread: (did it return in time, what it raised). A FIFO left
    blocking is opened for reading here, so that the thread ends."""
    import threading

    raised: list[BaseException] = []

    def run() -> None:
        try:
            JsonLinesFile(str(path)).close()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # lets the blocked open() return
        t.join(5)
        os.close(fd)
        return False, None
    return True, raised[0] if raised else None


def test_a_fifo_at_the_path_is_refused_not_waited_on(tmp_path: Path) -> None:
    # opening a FIFO for writing waits for a reader, and a write waits while the reader is
    # slow: the daemon hung at start (SIGTERM could not stop it) or would stall capture
    path = tmp_path / "events.json"
    os.mkfifo(path)
    returned, raised = _opened_within(path, 3.0)
    assert returned, "JsonLinesFile waited for a reader of the FIFO"
    assert isinstance(raised, RuntimeFailure), raised
    assert "not a regular file" in raised.message and "FIFO" in raised.message


def test_the_path_turned_into_a_fifo_after_a_rotation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    w = JsonLinesFile(str(path))
    w.write('{"n":1}')
    path.unlink()
    os.mkfifo(path)
    import threading

    t = threading.Thread(target=w.reopen, daemon=True)
    t.start()
    t.join(3.0)
    if t.is_alive():
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        t.join(5)
        os.close(fd)
        raise AssertionError("the reopen waited for a reader of the FIFO")
    assert w.errors == 1 and "not a regular file" in (w.last_error or "")
    w.close()


def test_an_unwritable_path_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(RuntimeFailure, match="events: cannot open"):
        JsonLinesFile(str(tmp_path / "file" / "events.json"))


def test_a_failed_write_is_counted_not_raised(tmp_path: Path) -> None:
    w = JsonLinesFile(str(tmp_path / "e.json"))
    os.close(w._fd)  # the descriptor goes bad under it
    w._fd = os.open("/dev/full", os.O_WRONLY)
    w.write('{"n":1}')
    assert w.errors == 1 and w.last_error
    w.close()


# ---------------------------------------------------------------------------- syslog
@pytest.fixture
def syslog_socket(tmp_path: Path) -> Any:
    path = tmp_path / "log.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    yield path, sock
    sock.close()


def test_syslog_datagram_carries_one_json_line(syslog_socket: Any) -> None:
    path, sock = syslog_socket
    stream = open_stream("", True, str(path))
    assert stream is not None
    stream.host = "web1"
    stream.incident(incident(), "incident-opened")
    stream.attempt(record(verdict="mta"))
    first, second = sock.recv(65536).decode(), sock.recv(65536).decode()
    assert first.startswith("<28>")  # daemon.warning: an alert
    assert second.startswith("<30>")  # daemon.info
    head, _, body = first.partition(": ")
    assert head.endswith(f"spamtrace[{os.getpid()}]")
    assert json.loads(body)["event"]["action"] == "incident-opened"
    stream.close()


def test_the_daemons_own_lines_and_the_event_lines_have_identifiers_of_their_own(
    syslog_socket: Any,
) -> None:
    """`journalctl -t spamtrace` mixed the daemon's own lines (its stderr under the unit, whose
    identifier was the executable's name, `spamtrace`) with the JSON event lines, which a
    Promtail `json` stage keeping that identifier (docs/fleet.md) then read too. The event
    lines keep the documented identifier `spamtrace`; the unit gives the daemon's own lines
    `spamtrace-daemon`."""
    from spamtrace.service.units import render_unit

    unit = render_unit("spamtrace.service", "/usr/bin/spamtrace").splitlines()
    key = "SyslogIdentifier="
    idents = [x.removeprefix(key) for x in unit if x.startswith(key)]
    assert idents == ["spamtrace-daemon"]
    path, sock = syslog_socket
    stream = open_stream("", True, str(path))
    assert stream is not None
    stream.attempt(record(verdict="mta"))
    head = sock.recv(65536).decode().partition(": ")[0]
    ident = head.rsplit(" ", 1)[-1].partition("[")[0]  # RFC 3164: <PRI>STAMP IDENT[PID]
    assert ident == "spamtrace" and ident not in idents
    stream.close()


def test_syslog_reader_restarted_is_reconnected(tmp_path: Path) -> None:
    path = tmp_path / "log.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sender = SyslogSender(str(path))
    sock.close()
    path.unlink()
    sender.write('{"n":1}')  # nobody reads: counted, no exception
    assert sender.flush()
    assert sender.errors == 1
    again = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    again.bind(str(path))
    again.settimeout(2)
    try:
        sender.write('{"n":2}')
        assert again.recv(4096).decode().endswith(': {"n":2}')
    finally:
        again.close()
        sender.close()


def test_a_burst_is_queued_not_lost(syslog_socket: Any) -> None:
    """More lines than the reader's datagram queue holds (net.unix.max_dgram_qlen, often 10)
    arrive whole, in order, while the reader keeps reading."""
    path, sock = syslog_socket
    sender = SyslogSender(str(path))
    for i in range(500):
        sender.write(f'{{"n":{i}}}')
    got = [json.loads(sock.recv(4096).decode().partition(": ")[2])["n"] for _ in range(500)]
    assert got == list(range(500)) and sender.dropped == 0
    sender.close()


def test_a_stalled_reader_costs_dropped_lines_not_a_stalled_writer(syslog_socket: Any) -> None:
    path, _sock = syslog_socket  # nobody reads
    sender = SyslogSender(str(path), max_queued=50)
    sender.SEND_TIMEOUT = 0.2  # type: ignore[misc]
    assert sender._sock is not None
    sender._sock.settimeout(0.2)
    started = time.monotonic()
    for _ in range(5_000):
        sender.write('{"pad":"' + "x" * 1000 + '"}')
    # write() only queues: a writer that waited for the stalled reader would wait up to
    # SEND_TIMEOUT a line, some 1,000 s for these 5,000 (the queueing alone takes a fraction
    # of a second, a few seconds on a loaded machine: 1 s was a timing, not this bound)
    took = time.monotonic() - started
    assert took < 50 * sender.SEND_TIMEOUT, f"5,000 writes took {took:.1f} s"
    assert sender.dropped >= 1 and sender.errors == 0
    sender.close()


def test_no_syslog_socket_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeFailure, match=r"cannot send to syslog socket .*nope\.sock"):
        open_stream(str(tmp_path / "e.json"), True, str(tmp_path / "nope.sock"))


def test_nothing_configured_is_no_stream() -> None:
    assert open_stream("", False, "/dev/log") is None


def test_unusual_spaces_are_escaped_not_passed_on() -> None:
    """No-break and other non-ASCII spaces can make a path look like another one."""
    doc = roundtrip(attempt_event(record(scripts=("/home/shop/wp\u00a0config.php",)), "w"))
    assert doc["file"]["path"] == "/home/shop/wp\\xa0config.php"
    doc = roundtrip(attempt_event(record(user="sh\u3000op"), "w"))
    assert doc["user"]["name"] == "sh\\u3000op"


def test_an_unknown_uid_is_unknown_in_the_message_and_absent_from_the_fields() -> None:
    rec = record(uid=None, gid=None, user=None)
    doc = roundtrip(attempt_event(rec, "web1"))
    assert "uid=unknown" in doc["message"] and "None" not in doc["message"], doc["message"]
    assert "user" not in doc and "group" not in doc
    inc = roundtrip(incident_event(incident(uid=None, user=None), "incident-opened", "web1"))
    assert ": uid unknown, account shop," in inc["message"], inc["message"]
    assert "None" not in inc["message"] and "user" not in inc


def test_an_incident_line_carries_the_actions_taken_on_it(tmp_path: Path) -> None:
    """Enforce mode blocks and stops at the first connect, before the opening (which waits
    for the scan): the incident-opened line's spamtrace.incident had "actions": [] and its
    advice said "kill PID" of a sender already stopped, after the response lines."""
    from spamtrace.service.bus import ActionRecorded, IncidentOpened, IncidentUpdated, UpdateReason
    from spamtrace.sinks.store import ActionRecord, IncidentRecord

    rec = IncidentRecord(
        id="inc-0123456789ab", verdict="suspicious", uid=1001, user="shop", account="shop",
        account_kind="home", home="/home/shop", exe="/usr/bin/php8.2", cwd="/home/shop",
        scripts=(), cmdline=(), connections=1, blocked=0, destinations=(), pids=(4242,),
        first_seen=1.0, last_seen=1.0, rate_per_minute=1.0, reasons=(), methods={},
        advice=("stop it after noting the evidence: kill 4242",), process={},
    )  # fmt: skip
    stop = ActionRecord(
        rec.id, "stop-process", "done", 1.5, "SIGSTOP sent to pid 4242", "spamtrace release 1001",
        uid=1001, target="4242:1.0", data={"signal": "stop", "signalled": [[4242, 1.0]]},
    )  # fmt: skip
    path = tmp_path / "events.json"
    stream = EventStream([JsonLinesFile(str(path))], host="web1")
    stream.handle(ActionRecorded(rec.id, stop))
    stream.handle(IncidentOpened(rec, True))
    stream.handle(IncidentUpdated(rec, UpdateReason.ACTION))
    stream.close()
    opened, updated = (d["spamtrace"]["incident"] for d in lines(path)[1:])
    for inc in (opened, updated):
        assert [a["action"] for a in inc["actions"]] == ["stop-process"]
        assert not any(a.endswith(": kill 4242") for a in inc["advice"]), inc["advice"]


def test_a_long_argv_cannot_push_a_line_out_of_the_pipeline(syslog_socket: Any) -> None:
    """A sender started with 70 arguments of 5,000 characters made a 510 KB attempt line and
    a 765 KB incident line (command_line was the 64 cut args joined, 254,049 characters): the
    syslog datagram was refused (EMSGSIZE, the line lost), and Fluent Bit and Vector skip such
    a line in the file. Every line now fits MAX_LINE, says it was cut, keeps its ids."""
    argv = tuple(["php", "/home/shop/public_html/m.php", *(f"{'x' * 5000}{i}" for i in range(70))])
    rec = record(cmdline=argv)
    doc = roundtrip(attempt_event(rec, "web1"))
    assert len(events.line(attempt_event(rec, "web1"))) <= events.MAX_LINE
    assert doc["spamtrace"]["cut"] is True
    assert doc["spamtrace"]["incident"]["id"] == "inc-0123456789ab"
    assert doc["process"]["pid"] == 4242 and doc["process"]["args_count"] == 72
    assert doc["destination"] == {"ip": "203.0.113.9", "port": 25}
    assert len(doc["process"]["command_line"]) <= events.MAX_TEXT
    scripts = [f"/home/shop/{'y' * 4000}{i}.php" for i in range(64)]
    inc = incident(cmdline=list(argv), scripts=scripts)
    big = roundtrip(incident_event(inc, "incident-opened", "web1"))
    assert len(events.line(incident_event(inc, "incident-opened", "web1"))) <= events.MAX_LINE
    assert big["spamtrace"]["cut"] is True and big["event"]["kind"] == "alert"
    short = roundtrip(attempt_event(record(), "web1"))
    assert "cut" not in short["spamtrace"]  # a usual line is untouched
    path, sock = syslog_socket
    stream = open_stream("", True, str(path))
    assert stream is not None
    stream.host = "web1"
    stream.attempt(rec)
    stream.incident(inc, "incident-opened")
    first, second = sock.recv(65536).decode(), sock.recv(65536).decode()
    assert json.loads(first.partition(": ")[2])["event"]["action"] == "smtp-connect-attempted"
    assert json.loads(second.partition(": ")[2])["event"]["action"] == "incident-opened"
    stream.close()


def test_command_line_is_the_escaped_args_joined_not_escaped_twice() -> None:
    """A script named with a terminal escape: args hold it escaped once ("\\x1b"), and
    command_line was escaped again when it was bounded ("\\\\x1b"), so a shipper's search for
    the name in command_line matched neither the args nor file.path."""
    rec = record(cmdline=("php", "wp-\x1b[31mcache\u202e.php", "203.0.113.9"))
    doc = roundtrip(attempt_event(rec, "web1"))
    assert doc["process"]["args"][1] == "wp-\\x1b[31mcache\\u202e.php"
    assert doc["process"]["command_line"] == "php wp-\\x1b[31mcache\\u202e.php 203.0.113.9"
    assert doc["process"]["command_line"] == " ".join(doc["process"]["args"])
