#!/usr/bin/env bash
# Install everything the test suite needs (apt packages, the venv with test extras) and run it:
# ruff, mypy, then pytest (unit tests, and integration tests as root in network namespaces).
# Usage: scripts/test.sh [pytest args...]
#
# Meant for a throwaway machine or CI, not a production server: the integration tests run a
# real Exim, sshd and PHP-FPM inside network namespaces. The script never replaces or removes a
# package the host already has: before installing anything it asks apt what it would do
# (apt-get -s) and refuses if a package would be removed, or if the host's MTA is not Exim
# (installing exim4-daemon-light on a Postfix server would remove Postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES=(
    php-cli php-fpm libfcgi-bin perl
    nftables iptables iproute2 procps psmisc net-tools lsof
    exim4-daemon-light openssh-server openssh-client
    dnsmasq-base python3-venv hyperfine time
    gcc python3-dev  # the scanner's compiled lexer (src/spamtrace/scanner/_lexer.c)
    yara  # bench/scan_bench.py: the peer scanner (php-malware-finder) on its own engine
    systemd  # systemd-analyze verify checks the shipped units (works without systemd as PID 1)
    forkstat  # bench/daemon_bench.py: the peer reader of the proc connector
    exim4-base pflogsumm  # bench/maillog_bench.py: the peers eximstats and pflogsumm
    prometheus  # promtool: tests/unit/fleet checks and unit-tests the shipped alert rules
    openssl  # tests/unit/alerts: a throwaway CA-less certificate for the TLS channel tests
    zstd  # tests/unit/mail: rotated mail logs compressed by logrotate's compresscmd zstd
    systemd-journal-remote  # tests/integration/test_postfix_journal.py: a journal file of Postfix lines
    at  # tests/integration/test_watch.py: a spam run queued with at, run by atd
)
installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}
refuse() {
    echo "test.sh: refusing to install the test packages: $1" >&2
    echo "test.sh: the tests are meant for a throwaway machine or CI; install the packages" \
        "yourself if you really want them here: ${missing[*]}" >&2
    exit 2
}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=()
    for p in "${APT_PACKAGES[@]}"; do
        # any Exim daemon will do: swapping the heavy one for the light one would remove it
        if [ "$p" = exim4-daemon-light ] && installed exim4-daemon-heavy; then continue; fi
        installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        # the host's MTA: an installed package that provides mail-transport-agent, other than Exim
        other_mta=$(dpkg-query -W -f='${Package} ${Status} ${Provides}\n' 2>/dev/null \
            | awk '/ok installed/ && /mail-transport-agent/ && $1 !~ /^exim4-daemon-/ {print $1}' \
            | tr '\n' ' ')
        if [ -n "$other_mta" ]; then
            refuse "this host's MTA is ${other_mta% } and the tests need Exim (exim4-daemon-light);" \
"installing it would remove ${other_mta% }"
        fi
        echo "test.sh: installing ${missing[*]}"
        apt-get update -q >/dev/null
        plan=$(DEBIAN_FRONTEND=noninteractive apt-get -s install -q --no-install-recommends \
            "${missing[@]}") || refuse "apt-get -s install failed: $(echo "$plan" | tail -n 3)"
        removed=$(echo "$plan" | awk '$1 == "Remv" {print $2}' | tr '\n' ' ')
        if [ -n "$removed" ]; then
            refuse "apt would remove ${removed% } from this host"
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            --no-remove "${missing[@]}" >/dev/null
    fi
fi
# rsyslogd and syslog-ng for tests/integration/test_syslog_rules.py, which checks spamtrace's
# reading of their rules against the daemons themselves: unpacked from their packages into
# .cache/syslogd, never installed (either would take this host's /dev/log, and the two conflict);
# the tests run them on sockets of their own. Without them those tests are skipped.
unpack_syslogd() {
    local dir=.cache/syslogd root libs
    if [ -x "$dir/rsyslogd" ] && [ -x "$dir/syslog-ng" ]; then return 0; fi
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || return 0
    mkdir -p "$dir/debs" "$dir/root"
    if ! (cd "$dir/debs" && apt-get download -q rsyslog libestr0 libfastjson4 syslog-ng-core \
            libivykis0 libnet1 libpcre3 >/dev/null 2>&1); then
        echo "test.sh: could not download rsyslog and syslog-ng: their tests are skipped" >&2
        return 0
    fi
    for deb in "$dir"/debs/*.deb; do
        [ -e "$deb" ] || continue
        if ! dpkg-deb -x "$deb" "$dir/root" 2>/dev/null; then
            echo "test.sh: could not unpack $deb (rsyslog, syslog-ng): their tests are skipped" >&2
            return 0
        fi
    done
    if [ ! -e "$dir/root/usr/sbin/rsyslogd" ] || [ ! -e "$dir/root/usr/sbin/syslog-ng" ]; then
        echo "test.sh: no rsyslogd or syslog-ng was unpacked: their tests are skipped" >&2
        return 0
    fi
    root=$(cd "$dir/root" && pwd)
    libs="$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu:$root/usr/lib/syslog-ng"
    libs="$libs:$(dirname "$(find "$root" -name 'libestr.so*' | head -n 1)")"
    printf '#!/bin/sh\nexec env LD_LIBRARY_PATH=%s %s -M %s "$@"\n' "$libs" \
        "$root/usr/sbin/rsyslogd" "$(dirname "$(find "$root" -name imuxsock.so | head -n 1)")" \
        > "$dir/rsyslogd"
    printf '#!/bin/sh\nexec env LD_LIBRARY_PATH=%s %s --module-path=%s "$@"\n' "$libs" \
        "$root/usr/sbin/syslog-ng" "$(dirname "$(find "$root" -name libaffile.so | head -n 1)")" \
        > "$dir/syslog-ng"
    chmod +x "$dir/rsyslogd" "$dir/syslog-ng"
}
unpack_syslogd
if [ -x .cache/syslogd/rsyslogd ]; then
    export TEST_RSYSLOGD="${TEST_RSYSLOGD:-$PWD/.cache/syslogd/rsyslogd}"
    export TEST_SYSLOG_NG="${TEST_SYSLOG_NG:-$PWD/.cache/syslogd/syslog-ng}"
fi
scripts/install.sh -e ".[test]"
echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy"; .venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest -p no:cacheprovider -q "$@"
