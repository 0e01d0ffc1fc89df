#!/usr/bin/env bash
# Install everything the test suite needs (apt packages, the venv with test extras) and run it:
# ruff, mypy, then pytest (unit tests, and integration tests as root in network namespaces).
# Usage: scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES=(
    php-cli php-fpm libfcgi-bin perl
    nftables iptables iproute2 procps psmisc net-tools lsof
    exim4-daemon-light openssh-server openssh-client
    dnsmasq-base python3-venv hyperfine time
    gcc python3-dev  # the scanner's compiled lexer (src/spamtrace/scanner/_lexer.c)
    yara  # bench/scan_bench.py: the peer scanner (php-malware-finder) on its own engine
    exim4-base pflogsumm  # bench/maillog_bench.py: the peers eximstats and pflogsumm
)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "test.sh: installing ${missing[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi
scripts/install.sh -e ".[test]"
echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy"; .venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest -p no:cacheprovider -q "$@"
