"""False positives of `spamtrace scan` on clean PHP that the rules were not tuned on.

Usage: .venv/bin/python bench/scan_fp_bench.py [--cache DIR] [--jobs 2] [--list] [PACKAGE...]

Downloads Debian's packages of PHP applications and libraries (MediaWiki, phpMyAdmin,
Roundcube, Laravel, Symfony, PHPUnit, Composer, Smarty, TCPDF...) with ``apt-get download``
(no installation, no maintainer scripts), unpacks them with ``dpkg-deb -x`` into the cache
folder, and scans every file with a PHP extension that holds a PHP open tag, the way the dev
corpus selected its clean files. Prints, per package and in all, how many files come out
``malicious`` (a false positive) and ``suspicious``, and lists the malicious ones with their
rules. Nothing is installed or executed; the cache is kept for the next run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spamtrace.scanner.engine import Limits, scan_paths
from spamtrace.scanner.lexer import has_php
from spamtrace.scanner.report import ScanVerdict

PACKAGES = (
    "mediawiki", "phpmyadmin", "roundcube-core", "dokuwiki", "tt-rss", "php-laravel-framework",
    "php-symfony-http-foundation", "php-symfony-http-kernel", "php-symfony-console",
    "php-symfony-dependency-injection", "php-symfony-cache", "php-symfony-mailer",
    "php-symfony-mime", "php-symfony-validator", "php-symfony-form", "php-symfony-serializer",
    "php-symfony-routing", "php-symfony-var-dumper", "php-symfony-error-handler",
    "php-symfony-translation", "php-symfony-yaml", "php-twig", "php-guzzlehttp-guzzle",
    "php-monolog", "php-phpseclib3", "php-league-commonmark", "php-doctrine-dbal",
    "php-swiftmailer", "composer", "php-sabre-dav", "php-horde-imp", "php-horde-mail",
    "smarty4", "php-zend-code", "php-pear", "php-mockery", "phpunit", "php-net-smtp",
    "php-mail-mime", "php-getid3", "php-tcpdf", "php-htmlpurifier", "php-php-gettext",
    "libphp-phpmailer", "php-nesbot-carbon", "php-league-flysystem", "php-predis",
    "php-ramsey-uuid",
)  # fmt: skip
PHP_EXT = (".php", ".inc", ".phtml", ".module", ".php5", ".php7")


def fetch(packages: list[str], cache: Path) -> dict[str, Path]:
    """Download and unpack each package once into ``cache/<name>``; returns name -> folder."""
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for name in packages:
        root = cache / "unpacked" / name
        if not root.is_dir():
            got = subprocess.run(
                ["apt-get", "download", name], cwd=debs, capture_output=True, text=True
            )
            found = sorted(debs.glob(f"{name}_*.deb"))
            if got.returncode != 0 or not found:
                print(f"  {name}: not available ({got.stderr.strip()[:80]})", file=sys.stderr)
                continue
            root.mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(found[-1]), str(root)], check=True)
        out[name] = root
    return out


def php_files(root: Path) -> list[str]:
    files: list[str] = []
    for d, _dirs, names in os.walk(root):  # os.walk does not follow symlinks
        for n in names:
            p = os.path.join(d, n)
            if n.lower().endswith(PHP_EXT) and not os.path.islink(p):
                with open(p, "rb") as fh:
                    if has_php(fh.read()) >= 0:
                        files.append(p)
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("packages", nargs="*", help="Debian package names (default: a built-in list)")
    ap.add_argument("--cache", type=Path, help="keep downloads here (default: a temp folder)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="print the default package list")
    ap.add_argument(
        "--show-suspicious",
        action="store_true",
        help="list the suspicious files too, with their rules",
    )
    ap.add_argument(
        "--learned-words",
        action=argparse.BooleanOptionalAction,
        default=Limits().learned_words,
        help="the learned word model's second opinion (default: as in the scanner's default)",
    )
    args = ap.parse_args()
    if args.list:
        print("\n".join(PACKAGES))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        roots = fetch(list(args.packages or PACKAGES), cache)
        by_pkg = {name: php_files(root) for name, root in roots.items()}
        owner = {p: name for name, files in by_pkg.items() for p in files}
        files = sorted(owner)
        t0 = time.perf_counter()
        reports = list(scan_paths(files, Limits(learned_words=args.learned_words), jobs=args.jobs))
        wall = time.perf_counter() - t0
        size = sum(r.size for r in reports)
        mal: Counter[str] = Counter()
        sus: Counter[str] = Counter()
        flagged = []
        for r in reports:
            if r.verdict is ScanVerdict.MALICIOUS:
                mal[owner[r.path]] += 1
                flagged.append(r)
            elif r.verdict is ScanVerdict.SUSPICIOUS:
                sus[owner[r.path]] += 1
                if args.show_suspicious:
                    flagged.append(r)
        print(f"{len(files)} PHP files, {size / 1e6:.1f} MB from {len(roots)} Debian packages")
        for name in sorted(by_pkg):
            n = len(by_pkg[name])
            print(f"  {name:36s} files {n:5d}  malicious {mal[name]:3d}  suspicious {sus[name]:3d}")
        total_mal, total_sus = sum(mal.values()), sum(sus.values())
        n = max(1, len(files))
        print(
            f"false positives (malicious): {total_mal}/{len(files)} = {100 * total_mal / n:.2f} %"
            f"; suspicious: {total_sus} = {100 * total_sus / n:.2f} %"
        )
        print(f"throughput: {size / 1e6 / wall:.1f} MB/s (wall {wall:.2f}s, {args.jobs} workers)")
        for r in sorted(flagged, key=lambda r: r.path):
            rel = os.path.relpath(r.path, cache / "unpacked")
            rules = ",".join(f.rule for f in r.findings)
            print(f"  {r.verdict.name:10s} {r.score:3d} {rel} {rules}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
