"""The scanner used from two threads at once (the watcher's incident-scan thread and the
main thread of the same process): the same reports, and no yara-x scanner crosses threads."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pytest
from scanner_helpers import SAMPLES

from spamtrace.scanner.engine import FileReport, Limits, scan_file
from spamtrace.scanner.rules import YaraWords, load_rules

#: files that fire the yara-x word rules of each scope, and clean ones
_FILES = [
    SAMPLES / "malicious" / "webshell-lookalike.php",
    SAMPLES / "malicious" / "mail-loop.php",
    SAMPLES / "malicious" / "zlib-wrapper-read.php",
    SAMPLES / "clean" / "smtp-client-class.php",
    SAMPLES / "clean" / "wordpress-style.php",
]


def _same(report: FileReport) -> FileReport:
    return dataclasses.replace(report, seconds=0.0)


def test_two_threads_scan_at_once_each_with_its_own_yara_scanners(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """yara-x scanners may only be used by the thread that made them. The word rules
    (YaraWords, one per process, made on the main thread) kept one scanner of all the rules
    and one per subset of rules in the object, whichever thread made them: the incident-scan
    thread used the main thread's scanners (a PanicException from yara-x), and the scanners
    it added stayed in the object after it ended. Each thread now makes and keeps its own."""
    import yara_x

    real = yara_x.Scanner
    crossed: list[tuple[int, int]] = []
    made: list[int] = []  # the thread that made each scanner (not the scanner: it may
    # only be dropped by its own thread)

    class Traced:
        """A yara-x scanner that notes the thread that made it and those that use it."""

        def __init__(self, rules: Any) -> None:
            self.owner = threading.get_ident()
            self._scanner = real(rules)
            made.append(self.owner)

        def scan(self, data: bytes) -> Any:
            if threading.get_ident() != self.owner:
                crossed.append((self.owner, threading.get_ident()))
            return self._scanner.scan(data)

        def max_matches_per_pattern(self, n: int) -> None:
            self._scanner.max_matches_per_pattern(n)

    monkeypatch.setattr(yara_x, "Scanner", Traced)
    rules = load_rules()
    yara = YaraWords()  # made on this thread, as load_yara() is in the watcher
    limits = Limits(stop_at_score=0)  # every rule on every file (the yara ones included)
    alone = [_same(scan_file(str(p), limits, rules, yara)) for p in _FILES]
    assert any(f.rule == "shell.ui-words" for f in alone[0].findings)
    assert any(f.rule == "mailer.ui-words" for f in alone[1].findings)
    main_made = len(made)
    assert main_made >= 2  # all the rules, and a subset per scope

    start = threading.Barrier(2)
    got: dict[str, list[list[FileReport]]] = {}
    failed: list[BaseException] = []

    def scan(name: str) -> None:
        try:
            start.wait(10)
            got[name] = [
                [_same(scan_file(str(p), limits, rules, yara)) for p in _FILES] for _ in range(3)
            ]
        except BaseException as exc:  # yara-x panics are BaseExceptions
            failed.append(exc)
        finally:
            yara.forget_thread()

    threads = [threading.Thread(target=scan, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert crossed == []
    assert failed == []
    assert got["a"] == got["b"] == [alone] * 3
    assert len(set(made)) == 3  # each thread made its own
    # the main thread's scanners are still its own, and still used: none made again
    again = [_same(scan_file(str(p), limits, rules, yara)) for p in _FILES]
    assert again == alone
    assert crossed == []
    assert made.count(threading.get_ident()) == main_made
