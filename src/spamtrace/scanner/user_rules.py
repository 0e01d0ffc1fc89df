"""The admin's own YARA rules (``[scan] yara_rules``): a folder of ``*.yar`` / ``*.yara``
files, or one rule file, compiled with yara-x, run over each file's raw bytes, and reported
as findings like the built-in rules.

Each matching rule is the finding ``yara.<namespace>.<rule>`` (the namespace is the file's
name without its extension; with it when two files differ only there: ``x.yar``, ``x.yara``)
with the weight of its ``weight`` meta value (an integer, default 10: malicious on its own)
and its ``description`` meta value. A rule file that does not compile, a folder that cannot
be read or a ``weight`` that is not a whole number from 0 to 100 is a configuration error,
reported with the file and the line.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from typing import Any

from spamtrace.config import file_kind
from spamtrace.errors import ConfigError
from spamtrace.safetext import escape
from spamtrace.scanner.report import MALICIOUS_SCORE, USER_RULE_PREFIX, Finding

RULE_EXTENSIONS = (".yar", ".yara")
MAX_RULE_FILE = 4 * 1024 * 1024
_EXCERPT = 60


@dataclass(frozen=True, slots=True)
class _Meta:
    weight: int
    description: str


class UserRules:
    """Compiled rules of one folder; :meth:`findings` scans bytes."""

    def __init__(self, rules: Any, meta: dict[tuple[str, str], _Meta], files: int) -> None:
        self._rules = rules
        self._meta = meta
        self.files = files

    def findings(self, data: bytes) -> tuple[Finding, ...]:
        out: list[Finding] = []
        for m in self._rules.scan(data).matching_rules:
            meta = self._meta.get((m.namespace, m.identifier), _Meta(MALICIOUS_SCORE, ""))
            offset, length = 0, 0
            for pattern in m.patterns:
                if pattern.matches:
                    offset, length = pattern.matches[0].offset, pattern.matches[0].length
                    break
            text = data[offset : offset + min(length, _EXCERPT)] if length else b""
            out.append(
                Finding(
                    # the namespace is the rule file's name: escaped, as any name
                    rule=f"{USER_RULE_PREFIX}{escape(m.namespace)}.{m.identifier}",
                    description=meta.description or f"your YARA rule {m.identifier}",
                    weight=meta.weight,
                    line=data.count(b"\n", 0, offset) + 1 if length else 0,
                    excerpt=escape(text.decode("utf-8", "replace")),
                )
            )
        return tuple(out)


def problem(folder: str) -> str | None:
    """Why the rules of ``folder`` cannot be used (the ConfigError's message), None when they
    compile: what ``config check`` refuses and ``check``/``watch`` note (they scan on with the
    built-in rules)."""
    try:
        load(folder)
    except ConfigError as exc:
        return exc.message
    return None


def none_note(folder: str, rules: UserRules) -> str | None:
    """A note when ``folder`` holds no rule file (``scan`` and ``config check`` say it): an
    empty folder, or rules put in its subfolders (``yara/community/*.yar``), which are not read,
    compiled to no rule and the scan went on with the built-in rules alone, without a word."""
    if rules.files:
        return None
    inside: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        if any(n.endswith(RULE_EXTENSIONS) for n in os.listdir(entry.path)):
                            inside.append(entry.name)
    except OSError:
        pass
    shown = ", ".join(f"{escape(n)}/" for n in sorted(inside)[:3])
    where = (
        f"; the rule files in its subfolders ({shown}) are not read: put them in the folder "
        "itself"
        if inside
        else ""
    )
    return (
        f"scan.yara_rules {escape(folder)} holds no *.yar or *.yara file: no rule of yours is "
        f"used{where}"
    )


def unused_note(folder: str) -> str | None:
    """The note of ``check``, ``watch`` and the daemon when the admin's rules of ``folder``
    are not used: they do not compile (they scan on with the built-in rules), or the folder
    holds no rule file (:func:`none_note`); None when they are used."""
    try:
        rules = load(folder)
    except ConfigError as exc:
        return f"your YARA rules are not used: {exc.message}"
    return none_note(folder, rules)


def load(folder: str) -> UserRules:
    """Compile every rule file of ``folder`` (not its subfolders), or the one rule file it
    names (whatever its extension: maldet's ``custom.yara``, a community set's one file);
    ConfigError on any fault."""
    import yara_x

    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(RULE_EXTENSIONS))
    except NotADirectoryError:
        # one rule file named: read as a folder holding it alone (a file named in the
        # setting is not second-guessed by its name). "cannot read FILE: Not a directory"
        # was all a ClamAV or maldet user, used to naming the rule file, was told
        folder, names = os.path.dirname(folder), [os.path.basename(folder)]
    except OSError as exc:
        raise ConfigError(
            f"scan.yara_rules: cannot read {escape(folder)}: {exc.strerror or exc}"
        ) from None
    compiler = yara_x.Compiler()
    namespaces: dict[str, str] = {}
    stems = [os.path.splitext(name)[0] for name in names]
    for name, stem in zip(names, stems, strict=True):
        path = os.path.join(folder, name)
        # x.yar and x.yara: a namespace each (their name with its extension); one name
        # shared, a rule name in both did not compile, and a file's own name keeps its ids
        namespace = name if stems.count(stem) > 1 else stem
        namespaces[namespace] = path
        raw = _read_rule_file(path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{escape(path)}: not UTF-8 text") from None
        compiler.new_namespace(namespace)
        try:
            compiler.add_source(text, origin=path)
        except Exception as exc:  # yara_x.CompileError: the message names the file and line
            first = str(exc).strip().splitlines()
            detail = " ".join(line.strip() for line in first[:2])
            raise ConfigError(f"{escape(path)}: YARA rule does not compile: {detail}") from None
    rules = compiler.build()
    meta = {(rule.namespace, rule.identifier): _meta(rule, namespaces) for rule in rules}
    return UserRules(rules, meta, len(names))


def _read_rule_file(path: str) -> bytes:
    """The bytes of one rule file: a regular file (through a symlink too) of at most
    MAX_RULE_FILE bytes. A FIFO, socket or device of a rule's name is refused unread: opening
    a FIFO waited for a writer, and ``scan``/``config check`` hung for good."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        raise ConfigError(f"{escape(path)}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ConfigError(f"{escape(path)}: not a regular file ({file_kind(mode)})")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_RULE_FILE + 1)
    except OSError as exc:
        raise ConfigError(f"{escape(path)}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_RULE_FILE:
        raise ConfigError(f"{escape(path)}: larger than {MAX_RULE_FILE} bytes")
    return raw


def _meta(rule: Any, namespaces: dict[str, str]) -> _Meta:
    values = dict(rule.metadata)
    weight = values.get("weight", MALICIOUS_SCORE)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
        where = namespaces.get(rule.namespace, rule.namespace)
        raise ConfigError(
            f"{escape(where)}: rule {rule.identifier}: meta weight must be a whole number "
            "from 0 to 100"
        )
    description = values.get("description", "")
    if isinstance(description, bytes):  # yara-x gives a string with escapes ("\\x41") as bytes
        description = description.decode("utf-8", "replace")
    return _Meta(weight, escape(str(description), max_len=200))
