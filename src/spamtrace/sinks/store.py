"""The embedded store: SQLite (WAL) holding events and incidents.

Schema (version 6; ``schema_version`` holds the version, ``meta`` free key/values)::

    events(id, type, wall, pid, start_time, uid, gid, user, account, exe, cwd, cmdline,
           scripts, local, remote, remote_ip, remote_port, verdict, reasons, method, blocked,
           incident_id, source, details)
    incidents(id, verdict, uid, user, account, account_kind, home, exe, cwd, scripts, cmdline,
              connections, blocked, destinations, pids, first_seen, last_seen, rate, reasons,
              methods, advice, process, updated, suspect_files, suspect_links, domain,
              not_scanned)
    incident_events(incident_id, event_id)

Version 1 created the tables; version 2 added ``incidents.suspect_files`` (JSON list of the
files the PHP scanner ranked for the incident's scripts and folder; NULL: not scanned);
version 3 added ``actions(id, incident_id, action, status, at, detail, undo, uid, target,
data, undone_at)``: the responses decided for an incident (``would`` in observe mode,
``done`` or ``failed`` in enforce mode) and when ``spamtrace release`` undid them; version 4
added ``incidents.suspect_links`` (JSON list of the symlinks of the incident's folder that
point where a site must not reach; NULL: not scanned); version 5 added ``incidents.domain``
(the account's first domain, Plesk's subscription name, for ``suspend_command``'s
``{domain}``; NULL: none known, or an incident an older version wrote), so that an incident
the daemon takes up after a restart still suspends with a ``{domain}`` command; version 6
added ``incidents.not_scanned`` (how many files of the incident's folder its bounded scan did
not read: the 200 files or the scan budget ran out; NULL: not scanned, or an older version
wrote it).

``events.type`` is a closed vocabulary (:class:`EventType`): ``connect-attempted`` (tracepoint
or polling), ``connect-blocked`` (NFLOG), and room for later sources (``mail-logged``). Lists
are stored as JSON text. Migrations are a list of functions applied in order inside one
transaction; a database written by a newer spamtrace is refused, not downgraded.

Writing: :class:`Store` runs one writer thread fed by a bounded queue. :meth:`Store.submit`
never blocks the event reader: when the queue is full the record is counted in
``lost`` and reported. Each batch is one transaction, so ``kill -9`` loses at most the batch
in flight; everything committed before is there when the file is reopened (WAL,
``synchronous=NORMAL``). A write that may succeed later (another process holding the database
lock, disk full, an I/O error) is retried with backoff for as long as it takes, never given up:
the batch is kept, later events wait in the queue, each failed attempt is counted
(``retries``), and the ``warn`` callback is told once when writing stalls and once when it
resumes. Only a damaged database stops the writer (``error``); a batch SQLite refuses as such
(a constraint) is counted lost and writing goes on. At :meth:`Store.close` what still cannot
be written within the timeout is counted lost, with the reason.

Retention deletes by age only by a plausible clock (see :meth:`Store._apply_retention`): never
the whole history because the clock jumped ahead.

Opening: a file that is not a SQLite database, or a database that is not ours, or one that
cannot be written is a :class:`~spamtrace.errors.StoreError` with a one-line message, and the
file is left exactly as it was (nothing is written before it has been validated). A reader
opens the file read-only; when SQLite cannot open it so (a read-only filesystem, or a user
who may read the file but not create the ``-shm`` file beside it) and no write-ahead log is
pending, it is opened as immutable, which needs no other file.
"""

from __future__ import annotations

import contextlib
import enum
import json
import math
import os
import queue
import re
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from spamtrace.errors import PathUnusable, StoreError, UsageError
from spamtrace.safetext import escape, quoted, shell_quote

SCHEMA_VERSION = 6
APPLICATION_ID = 0x53545243  # "STRC", in the SQLite header: marks the file as ours
BATCH_MAX = 2000
RETENTION_EVERY = 3600.0  # seconds between retention passes in the writer
BUSY_TIMEOUT = 5.0  # seconds SQLite waits for another process's lock before an attempt fails
RETRY_MAX_DELAY = 2.0  # the longest pause between two attempts at a stalled batch
# errors about one batch's content (not the file's state): that batch is lost, writing goes on
_REFUSED = (
    sqlite3.IntegrityError,
    sqlite3.DataError,
    sqlite3.ProgrammingError,
    sqlite3.InterfaceError,
    sqlite3.NotSupportedError,
)


class EventType(str, enum.Enum):
    CONNECT_ATTEMPTED = "connect-attempted"
    CONNECT_BLOCKED = "connect-blocked"
    MAIL_LOGGED = "mail-logged"  # reserved for the log tailers


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One row of ``events`` (what the watcher writes and what readers get back)."""

    type: EventType
    wall: float
    pid: int | None
    start_time: float | None
    uid: int | None
    gid: int | None
    user: str | None
    account: str | None
    exe: str | None
    cwd: str | None
    cmdline: tuple[str, ...]
    scripts: tuple[str, ...]
    local: str | None
    remote: str | None
    verdict: str | None
    reasons: tuple[str, ...]
    method: str | None
    blocked: bool
    incident_id: str | None
    source: str
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """One row of ``incidents``."""

    id: str
    verdict: str
    uid: int | None
    user: str | None
    account: str | None
    account_kind: str | None
    home: str | None
    exe: str | None
    cwd: str | None
    scripts: tuple[str, ...]
    cmdline: tuple[str, ...]
    connections: int
    blocked: int
    destinations: tuple[str, ...]
    pids: tuple[int, ...]
    first_seen: float
    last_seen: float
    rate_per_minute: float
    reasons: tuple[str, ...]
    methods: dict[str, int]
    advice: tuple[str, ...]
    process: dict[str, Any]  # the first process seen (pid, cmdline, parents, method...)
    #: files the scanner ranked for the scripts and folder (None: not scanned, or not yet)
    suspect_files: tuple[dict[str, Any], ...] | None = None
    #: the folder's symlinks to where a site must not reach (None: not scanned, or a store
    #: before version 4)
    suspect_links: tuple[dict[str, Any], ...] | None = None
    #: the account's first domain (Plesk: the subscription's name), for suspend_command's
    #: {domain} (None: none known, or a store before version 5)
    domain: str | None = None
    #: files of the folder the scan did not read (its 200 files or its budget ran out; None:
    #: not scanned, or a store before version 6)
    not_scanned: int | None = None


#: the key of an action's ``data`` that says its detail is an error's message (a failure:
#: "failed: {exc.message}"), whose values were quoted or escaped where it was raised: it is
#: shown with ``escape_message``, not escaped again (the other details hold raw names)
MESSAGE_DETAIL = "detail_is_message"


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One row of ``actions``: a response decided for an incident."""

    incident_id: str
    action: str  # block-uid | stop-process | quarantine | suspend | alert
    status: str  # would | done | failed
    at: float
    detail: str
    undo: str | None  # the command that undoes it
    uid: int | None = None
    target: str | None = None  # uid, pid:start, path or account
    data: dict[str, Any] = field(default_factory=dict)
    undone_at: float | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class RecentSender:
    """Who connected to SMTP ports recently (for ``firewall plan``)."""

    uid: int | None
    user: str | None
    account: str | None
    exe: str | None
    verdict: str | None
    attempts: int
    blocked: int
    destinations: tuple[str, ...]
    first_seen: float
    last_seen: float


@dataclass(frozen=True, slots=True)
class StoreHealth:
    path: str
    queued: int  # records submitted, not written (nor lost) yet: the writer's batch too
    written: int
    lost: int  # records dropped because the queue was full or a write failed
    error: str | None  # the write error that stopped the writer (or lost records), if any
    retries: int = 0  # failed attempts at a batch that was then retried
    stalled_since: float | None = None  # wall time writing has been failing since (retrying)
    stall_reason: str | None = None  # the error of the last failed attempt while stalled


# ---------------------------------------------------------------------------- schema
def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the caller's transaction (executescript would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            wall REAL NOT NULL,
            pid INTEGER, start_time REAL, uid INTEGER, gid INTEGER,
            user TEXT, account TEXT, exe TEXT, cwd TEXT,
            cmdline TEXT NOT NULL DEFAULT '[]', scripts TEXT NOT NULL DEFAULT '[]',
            local TEXT, remote TEXT, remote_ip TEXT, remote_port INTEGER,
            verdict TEXT, reasons TEXT NOT NULL DEFAULT '[]', method TEXT,
            blocked INTEGER NOT NULL DEFAULT 0,
            incident_id TEXT, source TEXT NOT NULL, details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_wall ON events(wall);
        CREATE INDEX events_uid_wall ON events(uid, wall);
        CREATE INDEX events_incident ON events(incident_id);
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            verdict TEXT NOT NULL,
            uid INTEGER, user TEXT, account TEXT, account_kind TEXT, home TEXT,
            exe TEXT, cwd TEXT,
            scripts TEXT NOT NULL DEFAULT '[]', cmdline TEXT NOT NULL DEFAULT '[]',
            connections INTEGER NOT NULL DEFAULT 0, blocked INTEGER NOT NULL DEFAULT 0,
            destinations TEXT NOT NULL DEFAULT '[]', pids TEXT NOT NULL DEFAULT '[]',
            first_seen REAL NOT NULL, last_seen REAL NOT NULL, rate REAL NOT NULL DEFAULT 0,
            reasons TEXT NOT NULL DEFAULT '[]', methods TEXT NOT NULL DEFAULT '{}',
            advice TEXT NOT NULL DEFAULT '[]', process TEXT NOT NULL DEFAULT '{}',
            updated REAL NOT NULL
        );
        CREATE INDEX incidents_last_seen ON incidents(last_seen);
        CREATE TABLE incident_events (
            incident_id TEXT NOT NULL, event_id INTEGER NOT NULL,
            PRIMARY KEY (incident_id, event_id)
        ) WITHOUT ROWID;
        """,
    )


def _migrate_2(db: sqlite3.Connection) -> None:
    # NULL: not scanned (older incidents, scanning off, or the scan is still running)
    db.execute("ALTER TABLE incidents ADD COLUMN suspect_files TEXT")


def _migrate_3(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            incident_id TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            at REAL NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            undo TEXT,
            uid INTEGER,
            target TEXT,
            data TEXT NOT NULL DEFAULT '{}',
            undone_at REAL
        );
        CREATE INDEX actions_incident ON actions(incident_id);
        CREATE INDEX actions_uid ON actions(uid, action)
        """,
    )


def _migrate_4(db: sqlite3.Connection) -> None:
    # NULL: not scanned (older incidents, scanning off, or the scan is still running)
    db.execute("ALTER TABLE incidents ADD COLUMN suspect_links TEXT")


def _migrate_5(db: sqlite3.Connection) -> None:
    # NULL: no domain known (a plain home, cPanel's user alone) or an older incident
    db.execute("ALTER TABLE incidents ADD COLUMN domain TEXT")


def _migrate_6(db: sqlite3.Connection) -> None:
    # NULL: not scanned (scanning off, the scan still running) or an older incident
    db.execute("ALTER TABLE incidents ADD COLUMN not_scanned INTEGER")


#: (version, migration) in order; a migration takes the schema from version-1 to version
MIGRATIONS: tuple[tuple[int, Callable[[sqlite3.Connection], None]], ...] = (
    (1, _migrate_1),
    (2, _migrate_2),
    (3, _migrate_3),
    (4, _migrate_4),
    (5, _migrate_5),
    (6, _migrate_6),
)


#: the JSON of the stored lists and objects (one encoder: json.dumps made one a call)
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, default=str)


def _j(value: Any) -> str:
    return _ENCODER.encode(value)


def _enc(text: str | None) -> str | None:
    """Strings may carry surrogate-escaped bytes from the OS: a byte that is not UTF-8 is
    stored as ``\\xNN`` text (as JSON output writes it, :func:`spamtrace.safetext.json_safe`);
    the readers turn it back into that byte (:func:`_dec`)."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


#: what :func:`_enc` (and ``json_safe``) wrote for a byte that is not UTF-8: ``\\x80``-``\\xff``
_STORED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def _dec(text: str | None) -> str | None:
    """The way back from :func:`_enc`: each stored ``\\xNN`` (80-ff) is again the byte it was
    written for (surrogate-escaped, as the OS gave it). A reader then has the value the watcher
    had: ``incident ID`` escapes it as ``watch`` and the daemon's journal did (``\\xff``,
    not ``\\\\xff``), and a restart takes up an incident of such a path under its own key.
    Writing it again gives the same text back. (A name that holds the four characters
    ``\\xff`` itself reads back as that byte: the stored text cannot tell them apart, as JSON
    output cannot.)"""
    if text is None or "\\x" not in text:
        return text
    return _STORED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), text)


def _dec_all(value: Any) -> Any:
    """:func:`_dec` on every string of a value read back from JSON."""
    if isinstance(value, str):
        return _dec(value)
    if isinstance(value, dict):
        return {k: _dec_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dec_all(v) for v in value]
    return value


def _jl(values: Sequence[Any]) -> str:
    return _j([_enc(v) if isinstance(v, str) else v for v in values])


def _describe(path: str, exc: BaseException, configured: bool = True) -> str:
    text = str(exc) or type(exc).__name__
    if _is_damage(exc):
        return _damaged(path, text, configured)
    return f"store {path}: {text}"


def _is_damage(exc: BaseException) -> bool:
    """SQLite says the file itself is damaged (not locked, full or unreadable)."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    return (
        name.startswith("SQLITE_CORRUPT")
        or name == "SQLITE_NOTADB"
        or "malformed" in str(exc)
        or "Could not decode to UTF-8" in str(exc)  # bytes no spamtrace wrote
    )


def _damaged(path: str, why: str, configured: bool = True) -> str:
    """The one line for a store file that is damaged: which file, and what to do. Moving it
    aside is advised only for the store spamtrace is configured to use (or told to write):
    a path typed with ``--db`` may be any file of the admin's, a copy, another tool's."""
    if not configured:
        return f"{_not_ours(path)} (or a damaged one: {why})"
    return (
        f"store {quoted(path)} is damaged ({why}): move it aside (mv {shell_quote(path)} "
        f"{shell_quote(path + '.damaged')}); spamtrace never writes over it, and the next "
        "start makes a new store there"
    )


def _not_ours(path: str) -> str:
    return f"{quoted(path)} is not a spamtrace incident store"


#: the first bytes of every SQLite 3 database file
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _is_sqlite(path: str) -> bool:
    """The file starts as a SQLite database does (True when it cannot be read: then SQLite's
    word on it stands)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError:
        return True
    return not head or head == _SQLITE_MAGIC


def is_configured_store(path: str, configured: str) -> bool:
    """``path`` (given with ``--db``) names the configured store's file (``[store] path``)."""
    if path == configured:
        return True
    try:
        return os.path.samefile(path, configured)
    except OSError:
        return os.path.realpath(path) == os.path.realpath(configured)


def _connect(
    path: str, *, readonly: bool, immutable: bool = False, timeout: float = 10.0
) -> sqlite3.Connection:
    mode = "ro" if readonly else "rw"
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode={mode}"
    if immutable:
        uri += "&immutable=1"
    db = sqlite3.connect(
        uri, uri=True, timeout=timeout, check_same_thread=False, isolation_level=None
    )
    return db


def _validate(db: sqlite3.Connection, path: str, configured: bool = True) -> int:
    """Return the schema version of an opened file (0 if empty); raise if it is not ours.

    A file that is no SQLite database at all (``/etc/hostname`` typed after ``--db``) or a
    SQLite database without spamtrace's tables is "not a spamtrace incident store", never
    "damaged": moving it aside is advised only for a damaged SQLite file at the configured
    store's path (``configured``)."""
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.OperationalError:
        raise  # could not open or lock it: not a verdict on its content
    except sqlite3.DatabaseError as exc:
        if not _is_sqlite(path):
            raise StoreError(
                f"{_not_ours(path)} (not a SQLite database); the file was left untouched"
            ) from None
        why = f"not a usable SQLite database: {exc}"
        raise StoreError(
            f"{_damaged(path, why, configured)}; the file was left untouched"
        ) from None
    if not tables:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        if int(pages or 0) > 1:  # pages of data and no table: its table list is damaged
            why = f"{pages} pages, and no table in its schema"
            raise StoreError(
                f"{_damaged(path, why, configured)}; the file was left untouched"
            )
        return 0
    if "schema_version" not in tables or app_id not in (0, APPLICATION_ID):
        raise StoreError(
            f"{_not_ours(path)} (a SQLite database without spamtrace's tables); the file was "
            "left untouched"
        )
    try:
        row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{_damaged(path, str(exc), configured)}; the file was left untouched"
        ) from None
    if row is None or not isinstance(row[0], int) or row[0] < 1:  # its page is damaged
        why = "its schema version is gone"
        raise StoreError(f"{_damaged(path, why, configured)}; the file was left untouched")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"store {path}: written by a newer spamtrace (schema {version} > {SCHEMA_VERSION}),"
            " which this one cannot read: run the newer spamtrace again, or give this one a copy"
            " of the store kept from before the upgrade (--db, [store] path); the file was left"
            " untouched"
        )
    # a table its schema version made and that is gone: writing it would stall, every record
    # of the run waiting for a table no retry brings back
    missing = [t for since, names in _TABLES for t in names if since <= version and t not in tables]
    if missing:
        why = f"its table{'s' if len(missing) > 1 else ''} {', '.join(missing)} " + (
            "are missing" if len(missing) > 1 else "is missing"
        )
        raise StoreError(f"{_damaged(path, why, configured)}; the file was left untouched")
    return version


#: (the schema version that made them, tables) of a store
_TABLES = ((1, ("meta", "events", "incidents", "incident_events")), (3, ("actions",)))


def migrate(db: sqlite3.Connection, current: int) -> int:
    """Apply the migrations after ``current`` in one transaction; return the new version."""
    if current >= SCHEMA_VERSION:
        return current
    db.execute("BEGIN IMMEDIATE")
    try:
        if current == 0:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for version, step in MIGRATIONS:
            if version > current:
                step(db)
                db.execute("INSERT INTO schema_version(version) VALUES (?)", (version,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


class StoreReader:
    """Read-only access (``incidents``, ``incident``, ``firewall plan``). ``configured``:
    ``path`` is the configured store (not another file given with ``--db``), the only one
    whose damage is answered with advice to move it aside."""

    def __init__(self, path: str, *, configured: bool = True) -> None:
        self.path = path
        self.configured = configured
        if not os.path.exists(path):
            from spamtrace.folders import not_a_folder

            if (problem := not_a_folder(os.path.dirname(os.path.abspath(path)))) is not None:
                raise PathUnusable(f"store {path}: {problem}")
            if os.path.islink(path):  # ls shows it: say what is missing
                raise StoreError(
                    f"store {path}: a symlink to {quoted(os.readlink(path))}, which does not "
                    "exist (run `spamtrace watch` first, or point the link at the store)"
                )
            raise StoreError(
                f"store {path}: does not exist (run `spamtrace watch` first, or give --db)"
            )
        if not os.path.isfile(path):  # a folder, a device: not a store (SQLite says "I/O")
            raise StoreError(f"store {path}: not a regular file (give --db the store's file)")
        if not os.access(path, os.R_OK):
            raise StoreError(f"store {path}: permission denied (readable by root only?)")
        #: True when opened as immutable: changes made after this open are not seen
        self.immutable = False
        try:
            self._db, version = self._open_readonly(path)
        except sqlite3.Error as exc:
            raise StoreError(_describe(path, exc, configured)) from None
        if version == 0:
            self.empty = True
        else:
            self.empty = False

    def _open_readonly(self, path: str) -> tuple[sqlite3.Connection, int]:
        """Read-only; immutable when SQLite cannot make the ``-shm`` file beside the database
        (read-only filesystem, another user's directory) and there is no log to read."""
        db: sqlite3.Connection | None = None
        try:
            db = _connect(path, readonly=True)
            db.execute("PRAGMA query_only = 1")
            return db, _validate(db, path, self.configured)
        except sqlite3.OperationalError as exc:
            if db is not None:
                db.close()
            wal = path + "-wal"
            if os.path.exists(wal) and os.path.getsize(wal) > 0:
                raise StoreError(
                    f"store {path}: cannot open read-only ({exc}) and its write-ahead log "
                    f"{wal} holds changes: run as the store's owner, or stop the writer"
                ) from None
        db = _connect(path, readonly=True, immutable=True)
        self.immutable = True
        return db, _validate(db, path, self.configured)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        if self.empty:
            return []
        try:
            self._db.row_factory = sqlite3.Row
            return list(self._db.execute(sql, tuple(args)))
        except sqlite3.Error as exc:
            raise StoreError(_describe(self.path, exc, self.configured)) from None

    def incidents(self, since: float | None = None, limit: int = 1000) -> list[IncidentRecord]:
        """Incidents active since ``since`` (epoch seconds), most recent first."""
        rows = self._rows(
            "SELECT * FROM incidents WHERE last_seen >= ? ORDER BY last_seen DESC LIMIT ?",
            (since if since is not None else 0.0, limit),
        )
        return [_incident_from_row(r) for r in rows]

    def count_incidents(self, since: float | None = None) -> int:
        """How many incidents were active since ``since``: what :meth:`incidents` would list
        without its ``limit`` (a listing cut at the limit says how many it left out)."""
        rows = self._rows(
            "SELECT count(*) FROM incidents WHERE last_seen >= ?",
            (since if since is not None else 0.0,),
        )
        return int(rows[0][0])

    def incident(self, ident: str) -> IncidentRecord | None:
        """One incident by id, or by a unique prefix of it (``inc-3fa`` or ``3fa``), in any
        case (``INC-3FA``: ids are lower-case hex, an admin may copy them from an upper-case
        report or type them so)."""
        ident = ident.strip().lower()
        if not ident:  # `incident "$ID"` with ID unset showed the store's one incident
            raise UsageError("no incident id given (an id such as inc-3fa1..., or a prefix of it)")
        if not ident.startswith("inc-"):
            ident = "inc-" + ident
        rows = self._rows(
            "SELECT * FROM incidents WHERE lower(id) = ? OR id LIKE ? ESCAPE '\\' "
            "ORDER BY id LIMIT 6",
            (ident, ident.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"),
        )
        exact = [r for r in rows if r["id"].lower() == ident]
        if exact:
            return _incident_from_row(exact[0])
        if len(rows) > 1:
            raise UsageError(
                f"incident id {quoted(ident)} is ambiguous (matches "
                f"{', '.join(r['id'] for r in rows[:5])}{', ...' if len(rows) > 5 else ''}): "
                "give more characters"
            )
        return _incident_from_row(rows[0]) if rows else None

    def events_of(self, incident_id: str, limit: int = 10_000) -> list[EventRecord]:
        rows = self._rows(
            "SELECT e.* FROM incident_events ie JOIN events e ON e.id = ie.event_id "
            "WHERE ie.incident_id = ? ORDER BY e.wall LIMIT ?",
            (incident_id, limit),
        )
        return [_event_from_row(r) for r in rows]

    def count_events_of(self, incident_id: str) -> int:
        """How many events the incident has: :meth:`events_of` reads at most its ``limit``."""
        rows = self._rows(
            "SELECT count(*) FROM incident_events WHERE incident_id = ?", (incident_id,)
        )
        return int(rows[0][0])

    def events(self, since: float | None = None, limit: int = 10_000) -> list[EventRecord]:
        rows = self._rows(
            "SELECT * FROM events WHERE wall >= ? ORDER BY wall LIMIT ?",
            (since if since is not None else 0.0, limit),
        )
        return [_event_from_row(r) for r in rows]

    def recent_senders(self, since: float) -> list[RecentSender]:
        """Distinct (uid, exe, verdict) that attempted SMTP connections since ``since``."""
        rows = self._rows(
            "SELECT uid, max(user) AS user, max(account) AS account, exe, verdict, "
            "count(*) AS attempts, sum(blocked) AS blocked, min(wall) AS first_seen, "
            "max(wall) AS last_seen, group_concat(DISTINCT remote) AS remotes "
            "FROM events WHERE wall >= ? AND type IN (?, ?) "
            "GROUP BY uid, exe, verdict ORDER BY last_seen DESC",
            (since, EventType.CONNECT_ATTEMPTED.value, EventType.CONNECT_BLOCKED.value),
        )
        return [
            RecentSender(
                uid=r["uid"],
                user=_dec(r["user"]),
                account=_dec(r["account"]),
                exe=_dec(r["exe"]),
                verdict=r["verdict"],
                attempts=int(r["attempts"]),
                blocked=int(r["blocked"] or 0),
                destinations=tuple(sorted(set((r["remotes"] or "").split(",")) - {""}))[:256],
                first_seen=float(r["first_seen"]),
                last_seen=float(r["last_seen"]),
            )
            for r in rows
        ]

    def _actions_table(self) -> bool:
        if self.empty:
            return False
        try:
            return _has_actions(self._db)
        except sqlite3.Error as exc:
            raise StoreError(_describe(self.path, exc, self.configured)) from None

    def actions_of(self, incident_ids: Sequence[str]) -> dict[str, list[ActionRecord]]:
        """Incident id -> its actions, oldest first (empty for stores before version 3)."""
        out: dict[str, list[ActionRecord]] = {i: [] for i in incident_ids}
        if not incident_ids or not self._actions_table():
            return out
        ids = list(incident_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                f"SELECT * FROM actions WHERE incident_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY at, id",
                chunk,
            )
            for r in rows:
                out[r["incident_id"]].append(_action_from_row(r))
        return out

    def actions_of_uid(self, uid: int, action: str | None = None) -> list[ActionRecord]:
        """The uid's actions (of one kind), oldest first."""
        if not self._actions_table():
            return []
        sql = "SELECT * FROM actions WHERE uid = ?"
        args: list[Any] = [uid]
        if action is not None:
            sql += " AND action = ?"
            args.append(action)
        return [_action_from_row(r) for r in self._rows(sql + " ORDER BY at, id", args)]

    def uids_acted_on(self, name: str) -> list[int]:
        """The uids of the incidents of user or account ``name`` whose block or stop is still
        in force (done, not released): ``spamtrace release NAME`` of an account that is no
        longer a user of this host."""
        if not self._actions_table():
            return []
        rows = self._rows(
            "SELECT DISTINCT a.uid FROM actions a JOIN incidents i ON i.id = a.incident_id "
            "WHERE a.action IN ('block-uid', 'stop-process') AND a.status = 'done' AND "
            "a.undone_at IS NULL AND a.uid IS NOT NULL AND (i.user = ? OR i.account = ?) "
            "ORDER BY a.uid",
            (_enc(name), _enc(name)),
        )
        return [int(r["uid"]) for r in rows]

    def blocks_in_force(self, now: float) -> list[ActionRecord]:
        """The ``block-uid`` actions carried out (``done``), not released, and not run out at
        ``now`` (``data.timeout`` 0: until released), oldest first: what a restarted daemon
        puts back in the block set when a flush of the ruleset emptied it. ``data.user`` is the
        user the block was made for: that of its incident when the action (an older one) does
        not name it, so that a uid handed to a new account since is not blocked for it."""
        if not self._actions_table():
            return []
        rows = self._rows(
            "SELECT actions.*, incidents.user AS incident_user FROM actions "
            "LEFT JOIN incidents ON incidents.id = actions.incident_id "
            "WHERE action = 'block-uid' AND status = 'done' AND "
            "undone_at IS NULL AND actions.uid IS NOT NULL ORDER BY at, actions.id"
        )
        out = []
        for row in rows:
            a = _action_from_row(row)
            user = _dec(row["incident_user"])
            if not a.data.get("user") and user:
                a = replace(a, data={**a.data, "user": user})
            timeout = a.data.get("timeout")
            if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout < 0:
                continue  # not written by a block (a hand-edited row): never guessed
            if timeout == 0 or a.at + timeout > now:
                out.append(a)
        return out

    def released_uids(self, since: float, *, graced: bool = False) -> frozenset[int]:
        """uids whose block or stop `spamtrace release` undid at or after ``since``; with
        ``graced``, only those whose grace `release --no-grace` did not end after their last
        release (:func:`end_grace`)."""
        if not self._actions_table():
            return frozenset()
        rows = self._rows(
            "SELECT uid, max(undone_at) AS at FROM actions WHERE undone_at >= ? AND uid IS NOT "
            "NULL GROUP BY uid",
            (since,),
        )
        ended: dict[int, float] = {}
        if graced:
            for r in self._rows(f"SELECT key, value FROM meta WHERE key LIKE '{GRACE_ENDED}%'"):
                with contextlib.suppress(ValueError):
                    ended[int(r["key"][len(GRACE_ENDED):])] = float(r["value"])
        return frozenset(
            int(r["uid"]) for r in rows if ended.get(int(r["uid"]), -1.0) < float(r["at"])
        )

    def tracepoint_keys(self, since: float) -> set[tuple[float, int, str]]:
        """(monotonic, tid, remote) of the tracepoint events stored since ``since`` (wall): a
        restart recovers from a dead watcher's journal only what is not among them."""
        keys: set[tuple[float, int, str]] = set()
        for r in self._rows(
            "SELECT details, remote FROM events WHERE source = 'tracepoint' AND wall >= ?",
            (since,),
        ):
            details = _loads(r["details"], {})
            mono, tid = details.get("monotonic"), details.get("tid")
            if isinstance(mono, (int, float)) and isinstance(tid, int):
                keys.add((round(float(mono), 6), tid, str(r["remote"])))
        return keys

    def counts(self) -> dict[str, int]:
        if self.empty:
            return {"events": 0, "incidents": 0}
        ev = self._rows("SELECT count(*) AS n FROM events")[0]["n"]
        inc = self._rows("SELECT count(*) AS n FROM incidents")[0]["n"]
        return {"events": int(ev), "incidents": int(inc)}


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


# A row is read as its columns' types say, whatever a damaged or hand-edited one holds: a
# value of another type is none (an empty list, 0), never a reader's crash ("internal error",
# and no incident of the store listed at all).
def _loads_as(text: str | None, kind: type[Any]) -> Any:
    value = _loads(text, None)
    return value if isinstance(value, kind) else kind()


def _texts(text: str | None, *, decode: bool = True) -> tuple[str, ...]:
    items = [v for v in _loads_as(text, list) if isinstance(v, str)]
    return tuple(_dec_all(items) if decode else items)


def _word(value: object) -> str:
    """A verdict, action or status, which spamtrace writes from its own words: escaped, for
    one a hand (or damage) changed into terminal codes."""
    return escape(value) if isinstance(value, str) else ""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _time(value: object) -> float:
    """A REAL column's time (or rate): 0.0 when it holds no finite number."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return 0.0


def _process(text: str | None) -> dict[str, Any]:
    process: dict[str, Any] = _dec_all(_loads_as(text, dict))
    for key, kind in (("parents", list), ("cmdline", list), ("scripts", list), ("notes", list)):
        if key in process and not isinstance(process[key], kind):
            del process[key]
    if "parents" in process:
        process["parents"] = [p for p in process["parents"] if isinstance(p, dict)]
    return process


def _incident_from_row(r: sqlite3.Row) -> IncidentRecord:
    return IncidentRecord(
        id=r["id"],
        verdict=_word(r["verdict"]),
        uid=r["uid"],
        user=_dec(r["user"]),
        account=_dec(r["account"]),
        account_kind=r["account_kind"],
        home=_dec(r["home"]),
        exe=_dec(r["exe"]),
        cwd=_dec(r["cwd"]),
        scripts=_texts(r["scripts"]),
        cmdline=_texts(r["cmdline"]),
        connections=_count(r["connections"]),
        blocked=_count(r["blocked"]),
        destinations=_texts(r["destinations"]),
        pids=tuple(p for p in _loads_as(r["pids"], list) if _is_int(p)),
        first_seen=_time(r["first_seen"]),
        last_seen=_time(r["last_seen"]),
        rate_per_minute=_time(r["rate"]),
        reasons=_texts(r["reasons"]),
        methods={k: v for k, v in _loads_as(r["methods"], dict).items() if _is_int(v)},
        advice=_texts(r["advice"], decode=False),  # lines to show as they are (escape_message)
        process=_process(r["process"]),
        suspect_files=_suspects(r),
        suspect_links=_suspects(r, "suspect_links"),
        domain=_domain(r),
        not_scanned=_not_scanned(r),
    )


def _not_scanned(r: sqlite3.Row) -> int | None:
    """``incidents.not_scanned`` (absent in an older file opened read-only; a count, or none)."""
    if "not_scanned" not in r.keys():  # noqa: SIM118 (`in` on a Row tests values)
        return None
    value = r["not_scanned"]
    return value if _is_int(value) and value >= 0 else None


def _domain(r: sqlite3.Row) -> str | None:
    """``incidents.domain`` (absent in an older file opened read-only; a text, or none)."""
    if "domain" not in r.keys():  # noqa: SIM118 (`in` on a Row tests values)
        return None
    value = r["domain"]
    return _dec(value) if isinstance(value, str) and value else None


def _suspects(r: sqlite3.Row, column: str = "suspect_files") -> tuple[dict[str, Any], ...] | None:
    """``incidents.suspect_files`` or ``suspect_links`` (absent in an older file opened
    read-only)."""
    if column not in r.keys():  # noqa: SIM118 (`in` on a Row tests values)
        return None
    value = _dec_all(_loads(r[column], None))
    if not isinstance(value, list):
        return None
    return tuple(v for v in value if isinstance(v, dict))


def _event_from_row(r: sqlite3.Row) -> EventRecord:
    try:
        etype = EventType(r["type"])
    except ValueError:
        etype = EventType.CONNECT_ATTEMPTED
    return EventRecord(
        type=etype,
        wall=_time(r["wall"]),
        pid=r["pid"],
        start_time=r["start_time"],
        uid=r["uid"],
        gid=r["gid"],
        user=_dec(r["user"]),
        account=_dec(r["account"]),
        exe=_dec(r["exe"]),
        cwd=_dec(r["cwd"]),
        cmdline=_texts(r["cmdline"]),
        scripts=_texts(r["scripts"]),
        local=r["local"],
        remote=r["remote"],
        verdict=r["verdict"],
        reasons=_texts(r["reasons"]),
        method=r["method"],
        blocked=bool(r["blocked"]),
        incident_id=r["incident_id"],
        source=r["source"],
        details=_dec_all(_loads_as(r["details"], dict)),
        id=int(r["id"]),
    )


@dataclass(frozen=True, slots=True)
class _Write:
    event: EventRecord | None  # None: an update of the incident alone (e.g. its scan result)
    incident: IncidentRecord | None
    action: ActionRecord | None = None


#: the store's default folder, the only one the store creates when it is missing
DEFAULT_STORE_DIR = "/var/lib/spamtrace"


def _create_private(path: str) -> None:
    """Create the store file 0600 whatever the umask (SQLite gives its -wal and -shm files
    the database's mode): it holds command lines, which may carry a password, user names and
    addresses that the hosting accounts must not read."""
    if os.path.islink(path) and not os.path.exists(path):
        # a symlink to a store not made yet (the data moved to another disk): O_EXCL refused
        # the link, and SQLite then made its target with the umask's mode, 0644, readable by
        # every account; the target is made here, 0600, as the path itself would be
        path = os.path.realpath(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o600)  # fmt: skip
    except FileExistsError:
        return  # made meanwhile: connect() opens it as it is
    except OSError as exc:
        raise StoreError(f"store {path}: cannot create: {exc.strerror or exc}") from None
    os.close(fd)


def _retention_reference(db: sqlite3.Connection) -> float | None:
    """The time the retention pass measures the clock against: the clock of the last pass
    by age, else the newest record (None: an empty store, nothing to delete)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'retention_at'").fetchone()
    with contextlib.suppress(TypeError, ValueError):
        if row is not None and 0.0 <= float(row[0]) < _YEAR_10000:  # a mark that is a time
            return float(row[0])
    events = db.execute("SELECT max(wall) FROM events").fetchone()[0]
    incidents = db.execute("SELECT max(last_seen) FROM incidents").fetchone()[0]
    known = [float(t) for t in (events, incidents) if isinstance(t, int | float)]
    return max(known) if known else None


_YEAR_10000 = 253402300800.0  # epoch seconds: past it, no clock wrote the value


def _day(t: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.gmtime(t)) + " UTC"
    except (OverflowError, OSError, ValueError):  # a damaged row's time: no day
        return f"{t!r} (no date)"


class Store:
    """The writer side: validated and migrated at open, then a writer thread."""

    def __init__(
        self,
        path: str,
        *,
        queue_size: int = 100_000,
        retention_days: int = 90,
        max_events: int = 2_000_000,
        start_writer: bool = True,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self._warn = warn
        self._retention_refused = False  # a pass by age was refused (said once)
        self.retention_days = retention_days
        self.max_events = max_events
        self._queue: queue.Queue[_Write | None] = queue.Queue(maxsize=max(1, queue_size))
        self._lost = 0
        self._written = 0
        #: records submitted and not written nor lost yet: in the queue or in the writer's
        #: batch (a stalled batch is out of the queue while it waits)
        self._pending = 0
        self._error: str | None = None
        self._retries = 0
        self._stalled_since: float | None = None
        self._stall_reason: str | None = None
        self._closing = threading.Event()
        self._close_deadline = float("inf")
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._db = self._open()
        self._thread: threading.Thread | None = None
        if start_writer:
            self._thread = threading.Thread(target=self._run, name="spamtrace-store", daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ opening
    def _open(self) -> sqlite3.Connection:
        path = self.path
        parent = os.path.dirname(os.path.abspath(path))
        exists = os.path.exists(path)
        if exists and not os.path.isfile(path):
            raise StoreError(f"store {path}: not a regular file")
        if not exists and not os.path.isdir(parent):
            from spamtrace.folders import not_a_folder

            problem = not_a_folder(parent)
            if problem is not None:  # "does not exist" sent the admin to make what is there
                raise PathUnusable(f"store {path}: {problem}")
            # only the default folder is ours to create: a typo in --db must not leave folders
            if parent != DEFAULT_STORE_DIR:
                raise PathUnusable(
                    f"store {path}: folder {parent} does not exist (create it first; only "
                    f"the default {DEFAULT_STORE_DIR} is created)"
                )
            try:
                os.makedirs(parent, mode=0o750, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"store {path}: cannot create {parent}: {exc.strerror}") from None
        if exists and not os.access(path, os.W_OK):
            raise StoreError(f"store {path}: read-only (cannot write); the file was left untouched")
        if not os.access(parent, os.W_OK):
            raise StoreError(
                f"store {path}: directory {parent} is read-only (WAL needs to create files there)"
            )
        try:
            if exists:
                db = _connect(path, readonly=False)
            else:
                _create_private(path)
                db = sqlite3.connect(
                    path, timeout=10.0, check_same_thread=False, isolation_level=None
                )
        except sqlite3.Error as exc:
            raise StoreError(_describe(path, exc)) from None
        try:
            version = _validate(db, path)
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"store {path}: cannot switch to WAL mode (got {mode})")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=OFF")
            migrate(db, version)
            db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('opened', ?)", (str(time.time()),)
            )
            with contextlib.suppress(sqlite3.OperationalError):  # locked now: the writer's turn
                self._apply_retention(db, time.time())
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        except StoreError:
            db.close()
            raise
        except sqlite3.Error as exc:
            db.close()
            raise StoreError(_describe(path, exc)) from None
        return db

    # ------------------------------------------------------------------ writing
    def submit(self, event: EventRecord, incident: IncidentRecord | None = None) -> bool:
        """Queue one event (and the incident's new state); never blocks. False when lost."""
        return self._enqueue(_Write(event, incident))

    def submit_many(
        self, events: Sequence[EventRecord], incident: IncidentRecord | None = None
    ) -> int:
        """Queue events (a batch of the engine's backlog), the incident's new state with the
        last; never blocks. Returns how many were queued (the others are lost, counted)."""
        if not events:
            return 0
        writes = [_Write(e, None) for e in events[:-1]]
        writes.append(_Write(events[-1], incident))
        if self._error is not None:
            with self._lock:
                self._lost += len(writes)
            return 0
        with self._lock:  # counted before the writer can take them
            self._pending += len(writes)
        self._idle.clear()
        put = self._queue.put_nowait
        queued = 0
        for write in writes:
            try:
                put(write)
            except queue.Full:
                break
            queued += 1
        if queued < len(writes):
            with self._lock:
                self._pending -= len(writes) - queued
                self._lost += len(writes) - queued
        return queued

    def submit_incident(self, incident: IncidentRecord) -> bool:
        """Queue a new state of one incident without an event (e.g. its suspect files)."""
        return self._enqueue(_Write(None, incident))

    def submit_action(self, action: ActionRecord) -> bool:
        """Queue one response record (never blocks)."""
        return self._enqueue(_Write(None, None, action))

    def _enqueue(self, write: _Write) -> bool:
        if self._error is None:
            with self._lock:  # counted before the writer can take it
                self._pending += 1
            try:
                self._idle.clear()
                self._queue.put_nowait(write)
                return True
            except queue.Full:
                with self._lock:
                    self._pending -= 1
        with self._lock:
            self._lost += 1
        return False

    def _run(self) -> None:
        last_retention = time.monotonic()
        while True:
            item = self._queue.get()
            if item is None:
                self._idle.set()
                return
            batch = [item]
            stop = False
            while len(batch) < BATCH_MAX:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._write_retrying(batch)  # written, or counted lost
            with self._lock:
                self._pending -= len(batch)
            if time.monotonic() - last_retention > RETENTION_EVERY and self._error is None:
                last_retention = time.monotonic()
                with contextlib.suppress(sqlite3.Error):
                    self._apply_retention(self._db, time.time())
            if stop:
                self._idle.set()
                return
            if self._queue.empty():
                self._idle.set()

    def write_now(self, records: Sequence[tuple[EventRecord, IncidentRecord | None]]) -> None:
        """Write synchronously (tests, or a store opened with ``start_writer=False``)."""
        self._write_batch([_Write(e, i) for e, i in records])

    def _write_batch(self, batch: list[_Write]) -> None:
        """One attempt (``write_now``): what fails is counted lost and stops the writer."""
        if self._error is not None:
            self._lose(len(batch))
            return
        try:
            self._commit(batch)
        except sqlite3.Error as exc:
            self._lose(len(batch), _describe(self.path, exc))

    def _lose(self, count: int, error: str | None = None) -> None:
        """Count records that will never be written; ``error`` stops the writer."""
        with self._lock:
            self._lost += count
            if error is not None:
                self._error = error

    def _write_retrying(self, batch: list[_Write]) -> None:
        """The writer thread's write: retried while it may succeed later (see module doc)."""
        delay = 0.05
        while True:
            if self._error is not None:
                self._lose(len(batch))
                return
            try:
                self._commit(batch)
            except sqlite3.OperationalError as exc:  # locked, busy, full, I/O: may pass
                reason = _describe(self.path, exc)
                with self._lock:
                    self._retries += 1
                    first = self._stalled_since is None
                    if first:
                        self._stalled_since = time.time()
                    self._stall_reason = reason
                if first:
                    self._tell(
                        f"{reason}; writing stalled, {len(batch) + self._queue.qsize()} "
                        "record(s) waiting; retrying until it succeeds"
                    )
                if self._closing.is_set() and time.monotonic() >= self._close_deadline:
                    self._lose(len(batch), f"{reason} (not written at exit)")
                    return
                self._closing.wait(delay)
                delay = min(delay * 2, RETRY_MAX_DELAY)
                continue
            except _REFUSED as exc:  # this batch is refused as such: lose it, go on
                self._lose(len(batch))
                self._tell(f"{_describe(self.path, exc)}; {len(batch)} record(s) not stored")
                return
            except sqlite3.Error as exc:  # the file itself is damaged: stop
                self._lose(len(batch), _describe(self.path, exc))
                self._tell(f"{self._error}; writing stopped")
                return
            with self._lock:
                since, self._stalled_since, self._stall_reason = self._stalled_since, None, None
            if since is not None:
                self._tell(
                    f"store {self.path}: writing again after {time.time() - since:.1f} s "
                    f"stalled ({self._retries} retries so far); nothing lost"
                )
            return

    def _tell(self, text: str) -> None:
        if self._warn is not None:
            with contextlib.suppress(Exception):  # a failing reporter must not stop writing
                self._warn(text)

    def _commit(self, batch: list[_Write]) -> None:
        """Write one batch in one transaction; on error roll back and raise (nothing of the
        batch is then written: a crash or a failure mid-batch leaves the store as it was
        before it). The events go in as one ``executemany`` and their links to their
        incidents as one ``INSERT ... SELECT`` of the rows it added (it held ~2 statements
        per row, ~12,000 rows a second on the test VM)."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            incidents: dict[str, IncidentRecord] = {}
            # the rows of one process (a flood) share its tuples: each written as JSON once
            memo: dict[int, tuple[Sequence[Any], str]] = {}

            def jl(values: Sequence[Any]) -> str:
                hit = memo.get(id(values))
                if hit is not None and hit[0] is values:
                    return hit[1]
                text = _jl(values)
                memo[id(values)] = (values, text)
                return text

            def details(values: dict[str, Any]) -> str:
                # the parents of a process are one list shared by its rows (a flood's): their
                # JSON is made once, the rest of each row's details per row
                parents = values.get("parents")
                if type(parents) is not list or not parents:
                    return _j(values)
                rest = _j({k: v for k, v in values.items() if k != "parents"})
                return f'{rest[:-1]}{"," if len(rest) > 2 else ""}"parents":{jl(parents)}}}'

            rows: list[tuple[Any, ...]] = []
            linked = False  # a row names its incident
            for w in batch:
                if w.incident is not None:
                    incidents[w.incident.id] = _merged(incidents.get(w.incident.id), w.incident)
                if w.action is not None:
                    insert_action(db, w.action)
                ev = w.event
                if ev is None:
                    continue
                linked = linked or ev.incident_id is not None
                rows.append(
                    (
                        ev.type.value, ev.wall, ev.pid, ev.start_time, ev.uid, ev.gid,
                        _enc(ev.user), _enc(ev.account), _enc(ev.exe), _enc(ev.cwd),
                        jl(ev.cmdline), jl(ev.scripts), ev.local, ev.remote,
                        *_split_remote(ev.remote), ev.verdict, jl(ev.reasons), ev.method,
                        int(ev.blocked), ev.incident_id, ev.source, details(ev.details),
                    )
                )  # fmt: skip
            if rows:
                # the rows this transaction adds are those after the last id: the writer's
                # lock (BEGIN IMMEDIATE) keeps every other writer out until the commit
                last = db.execute("SELECT max(id) FROM events").fetchone()[0]
                db.executemany(
                    "INSERT INTO events(type, wall, pid, start_time, uid, gid, user, account, "
                    "exe, cwd, cmdline, scripts, local, remote, remote_ip, remote_port, verdict, "
                    "reasons, method, blocked, incident_id, source, details) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows,
                )
                if linked:
                    db.execute(
                        "INSERT OR IGNORE INTO incident_events(incident_id, event_id) "
                        "SELECT incident_id, id FROM events WHERE id > ? "
                        "AND incident_id IS NOT NULL",
                        (-1 if last is None else last,),
                    )
            for inc in incidents.values():
                self._upsert_incident(db, inc)
            db.execute("COMMIT")
            with self._lock:
                self._written += len(rows)
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    @staticmethod
    def _upsert_incident(db: sqlite3.Connection, inc: IncidentRecord) -> None:
        """Insert ``inc``, or update the stored incident with what a later state of it adds.

        A mail-log incident (``process["source"] == "mail-log"``) takes its reasons, advice
        and mail facts (client addresses, recipients) from each later state: they grow with
        its messages ("logged in from 12 networks", "used from 12 address(es)"), where a
        connect incident's stay those of its opening. The queue ids the opening handed to
        freeze-queue are kept when a later state holds none."""
        process = inc.process
        mail = process.get("source") == "mail-log"
        if mail and "queue_ids" not in process:
            row = db.execute("SELECT process FROM incidents WHERE id = ?", (inc.id,)).fetchone()
            kept = json.loads(row[0]).get("queue_ids") if row and row[0] else None
            if kept is not None:
                process = {**process, "queue_ids": kept}
        db.execute(
            "INSERT INTO incidents(id, verdict, uid, user, account, account_kind, home, exe, "
            "cwd, scripts, cmdline, connections, blocked, destinations, pids, first_seen, "
            "last_seen, rate, reasons, methods, advice, process, updated, suspect_files, "
            "suspect_links, domain, not_scanned) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET connections=excluded.connections, "
            "blocked=excluded.blocked, destinations=excluded.destinations, pids=excluded.pids, "
            "first_seen=min(first_seen, excluded.first_seen), "
            "last_seen=max(last_seen, excluded.last_seen), rate=excluded.rate, "
            "methods=excluded.methods, user=coalesce(user, excluded.user), "
            "domain=coalesce(domain, excluded.domain), "
            "advice=CASE WHEN excluded.suspect_files IS NULL AND NOT ? THEN advice "
            "ELSE excluded.advice END, "
            "reasons=CASE WHEN ? THEN excluded.reasons ELSE reasons END, "
            "process=CASE WHEN ? THEN excluded.process ELSE process END, "
            "suspect_files=coalesce(excluded.suspect_files, suspect_files), "
            "suspect_links=CASE WHEN excluded.suspect_files IS NULL THEN suspect_links "
            "ELSE excluded.suspect_links END, "
            "not_scanned=CASE WHEN excluded.suspect_files IS NULL THEN not_scanned "
            "ELSE excluded.not_scanned END, "
            "updated=excluded.updated",
            (
                inc.id, inc.verdict, inc.uid, _enc(inc.user), _enc(inc.account),
                inc.account_kind, _enc(inc.home), _enc(inc.exe), _enc(inc.cwd),
                _jl(inc.scripts), _jl(inc.cmdline), inc.connections, inc.blocked,
                _jl(inc.destinations), _j(list(inc.pids)), inc.first_seen, inc.last_seen,
                inc.rate_per_minute, _jl(inc.reasons), _j(inc.methods), _jl(inc.advice),
                _j(process), time.time(),
                None if inc.suspect_files is None else _j(_jsonable(inc.suspect_files)),
                None if inc.suspect_links is None else _j(_jsonable(inc.suspect_links)),
                _enc(inc.domain), inc.not_scanned, mail, mail, mail,
            ),
        )  # fmt: skip

    def _apply_retention(self, db: sqlite3.Connection, now: float) -> None:
        """Delete what is older than the retention window by ``now``, and the oldest events
        beyond ``max_events``. Deleting by age trusts the clock, so it is refused (one line
        through ``warn``, once; the count cap still applies) when ``now`` is more than the
        retention window ahead of the last pass by age (``meta.retention_at``; on a store
        without one, of its newest row): a clock that jumped ahead (a broken RTC, a bad NTP
        step) would delete the whole history. It goes on when the clock is back."""
        window = self.retention_days * 86400.0
        cutoff = now - window
        db.execute("BEGIN IMMEDIATE")
        try:
            reference = _retention_reference(db)
            if reference is None or now - reference <= window:
                db.execute("DELETE FROM events WHERE wall < ?", (cutoff,))
                db.execute("DELETE FROM incidents WHERE last_seen < ?", (cutoff,))
                db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('retention_at', ?)",
                    (repr(now),),
                )
            elif not self._retention_refused:
                self._retention_refused = True
                self._tell(
                    f"store {self.path}: the clock ({_day(now)}) is "
                    f"{(now - reference) / 86400:.0f} days ahead of the last retention pass "
                    f"or the newest record ({_day(reference)}), more than retention_days "
                    f"({self.retention_days}): nothing deleted by age (a clock that jumped "
                    "ahead would delete the whole history); set the clock right"
                )
            row = db.execute("SELECT count(*) FROM events").fetchone()
            excess = int(row[0]) - self.max_events
            if excess > 0:
                db.execute(
                    "DELETE FROM events WHERE id IN "
                    "(SELECT id FROM events ORDER BY wall, id LIMIT ?)",
                    (excess,),
                )
            db.execute(
                "DELETE FROM incident_events WHERE event_id NOT IN (SELECT id FROM events) "
                "OR incident_id NOT IN (SELECT id FROM incidents)"
            )
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def apply_retention(self, now: float | None = None) -> None:
        """Run a retention pass now (the writer also runs one every hour)."""
        self.flush()
        try:
            self._apply_retention(self._db, time.time() if now is None else now)
        except sqlite3.Error as exc:
            raise StoreError(_describe(self.path, exc)) from None

    # ------------------------------------------------------------------ lifecycle
    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or failed)."""
        if self._thread is None:
            return True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.empty() and self._idle.wait(0.05) and self._queue.empty():
                return True
        return False

    def room(self) -> int:
        """How many more writes the queue takes now before one is lost."""
        return self._queue.maxsize - self._queue.qsize()

    def health(self) -> StoreHealth:
        with self._lock:
            return StoreHealth(
                self.path,
                self._pending,
                self._written,
                self._lost,
                self._error,
                self._retries,
                self._stalled_since,
                self._stall_reason,
            )

    def close(self, timeout: float = 10.0) -> StoreHealth:
        """Write what is queued (retrying for up to ``timeout`` seconds), then close; what
        could not be written is counted lost with the reason."""
        if self._thread is not None:
            self._close_deadline = time.monotonic() + timeout
            self._closing.set()
            with contextlib.suppress(queue.Full):
                self._queue.put(None, timeout=timeout)
            self._thread.join(timeout + 1.0)
            if self._thread.is_alive():  # stuck inside SQLite: what is queued is not written
                with self._lock:
                    self._lost += self._queue.qsize()
                    self._error = self._error or f"store {self.path}: writer did not finish"
            self._thread = None
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        return self.health()

    def reader(self) -> StoreReader:
        return StoreReader(self.path)


def insert_action(db: sqlite3.Connection, a: ActionRecord) -> None:
    db.execute(
        "INSERT INTO actions(incident_id, action, status, at, detail, undo, uid, target, data, "
        "undone_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            a.incident_id, a.action, a.status, a.at, _enc(a.detail), _enc(a.undo), a.uid,
            _enc(a.target), _j(_jsonable(a.data)), a.undone_at,
        ),
    )  # fmt: skip


def _action_from_row(r: sqlite3.Row) -> ActionRecord:
    return ActionRecord(
        incident_id=r["incident_id"], action=_word(r["action"]), status=_word(r["status"]),
        at=_time(r["at"]),
        detail=_dec(r["detail"]) or "", undo=r["undo"], uid=r["uid"], target=_dec(r["target"]),
        data=_dec_all(_loads_as(r["data"], dict)), undone_at=r["undone_at"], id=int(r["id"]),
    )  # fmt: skip


def _has_actions(db: sqlite3.Connection) -> bool:
    return bool(
        db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='actions'").fetchone()
    )


def mark_undone(path: str, uid: int, when: float) -> int:
    """Mark the uid's done block/stop actions as undone (``spamtrace release``); returns how
    many. Opens the store for writing briefly (the daemon may be writing too: WAL)."""

    def blocks_and_stops(rows: list[sqlite3.Row]) -> list[int]:
        return [r["id"] for r in rows
                if r["uid"] == uid and r["action"] in ("block-uid", "stop-process")]  # fmt: skip

    return _mark(path, when, blocks_and_stops)


#: the ``meta`` key (then the uid) of when `release --no-grace` ended a uid's release grace
GRACE_ENDED = "grace_ended:"


def end_grace(path: str, uid: int, when: float) -> bool:
    """End at ``when`` the `release_grace` of the uid's releases so far (`spamtrace release
    --no-grace`): a running daemon may block or stop it again at its next connect. False when
    there is no store to record it in."""
    if not os.path.exists(path):
        return False
    try:
        db = _connect(path, readonly=False)
    except sqlite3.Error as exc:
        raise StoreError(_describe(path, exc)) from None
    try:
        _validate(db, path)
        db.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            (f"{GRACE_ENDED}{uid}", repr(when)),
        )
        return True
    except sqlite3.Error as exc:
        raise StoreError(_describe(path, exc)) from None
    finally:
        db.close()


def mark_restored(path: str, quarantine_id: str, when: float) -> int:
    """Mark the quarantine action that moved ``quarantine_id`` away as undone (``spamtrace
    quarantine restore``): the incident then no longer says the file is in quarantine."""

    def moved_it(rows: list[sqlite3.Row]) -> list[int]:
        return [r["id"] for r in rows if r["action"] == "quarantine"
                and _loads(r["data"], {}).get("quarantine_id") == quarantine_id]  # fmt: skip

    return _mark(path, when, moved_it)


def _mark(path: str, when: float, which: Callable[[list[sqlite3.Row]], list[int]]) -> int:
    """``undone_at = when`` on the done, not yet undone actions that ``which`` picks (by id);
    how many."""
    if not os.path.exists(path):
        return 0
    try:
        db = _connect(path, readonly=False)
    except sqlite3.Error as exc:
        raise StoreError(_describe(path, exc)) from None
    try:
        if _validate(db, path) < 3 or not _has_actions(db):
            return 0
        db.row_factory = sqlite3.Row
        db.execute("BEGIN IMMEDIATE")  # a writer's lock: no action changes between the two
        rows = db.execute(
            "SELECT id, uid, action, data FROM actions WHERE status = 'done' AND "
            "undone_at IS NULL"
        ).fetchall()
        ids = which(rows)
        db.executemany("UPDATE actions SET undone_at = ? WHERE id = ?", [(when, i) for i in ids])
        db.execute("COMMIT")
        return len(ids)
    except sqlite3.Error as exc:
        raise StoreError(_describe(path, exc)) from None
    finally:
        db.close()


def _merged(prev: IncidentRecord | None, new: IncidentRecord) -> IncidentRecord:
    """The later state of an incident, keeping the scan result an earlier state carried."""
    if prev is None or new.suspect_files is not None or prev.suspect_files is None:
        return new
    return replace(
        new, suspect_files=prev.suspect_files, suspect_links=prev.suspect_links,
        not_scanned=prev.not_scanned, advice=prev.advice,
    )  # fmt: skip


def _jsonable(value: Any) -> Any:
    """Strings inside nested lists/dicts, made storable (see :func:`_enc`)."""
    if isinstance(value, str):
        return _enc(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _split_remote(remote: str | None) -> tuple[str | None, int | None]:
    if not remote:
        return None, None
    host, _, port = remote.rpartition(":")
    host = host.strip("[]")
    try:
        return host, int(port)
    except ValueError:
        return remote, None


@contextlib.contextmanager
def open_reader(path: str, *, configured: bool = True) -> Iterator[StoreReader]:
    reader = StoreReader(path, configured=configured)
    try:
        yield reader
    finally:
        reader.close()
