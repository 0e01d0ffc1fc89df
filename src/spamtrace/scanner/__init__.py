"""Static analysis of PHP: find obfuscated droppers, spam mailers and web shells.

Pure over bytes (``analyze``), with rules as data (``data/scanner/rules.toml`` and
``words.yar``); ``engine`` adds safe reading, limits and worker processes; ``walk`` the
symlink-safe tree walk. ``rank_files`` is the small bounded API for ``check`` and ``watch``.
"""

from __future__ import annotations

from spamtrace.scanner.engine import Limits, rank_files, scan_file, scan_paths
from spamtrace.scanner.report import FileReport, Finding, ScanVerdict

__all__ = [
    "FileReport",
    "Finding",
    "Limits",
    "ScanVerdict",
    "rank_files",
    "scan_file",
    "scan_paths",
]
