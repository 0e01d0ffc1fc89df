#!/usr/bin/env bash
# Install spamtrace into ./.venv (runtime dependencies only). Safe to run again.
# Usage: scripts/install.sh            (as root on a server, or as any user for a local try)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv
    else
        echo "install.sh: python3 venv support is missing (Debian/Ubuntu: apt-get install python3-venv)" >&2
        exit 2
    fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
if [ $# -eq 0 ]; then set -- -e .; fi
# the build backend's deprecation notices (the license table that Debian 12's setuptools
# needs) mean nothing to an admin: pip's output is shown only when the install fails
pip_log=$(mktemp)
trap 'rm -f "$pip_log"' EXIT
if ! .venv/bin/python -m pip install -q --disable-pip-version-check "$@" >"$pip_log" 2>&1; then
    grep -v "^WARNING: Location" "$pip_log" >&2
    echo "install.sh: pip install failed (output above)" >&2
    exit 3
fi
# the modules' bytecode, as a wheel's install writes it: an editable install (this tree) run
# where PYTHONDONTWRITEBYTECODE is set would compile every module at every start (~0.05 s)
if [ -d src/spamtrace ]; then .venv/bin/python -m compileall -q src/spamtrace >/dev/null 2>&1 || true; fi
if ! .venv/bin/python -c 'import spamtrace.scanner._lexer, spamtrace.scanner._words, spamtrace.sources.maillog._scan' 2>/dev/null; then
    echo "install.sh: note: the compiled parts (scanner, mail log parsers) were not built (no C compiler or Python" \
        "headers: apt-get install gcc python3-dev); scan and mail work, taking about 1.5 and 6 times as long" >&2
fi
echo "spamtrace installed: $(pwd)/.venv/bin/spamtrace"
