"""scripts/test.sh never removes or replaces a package the host has (it asks apt first).

The script runs in a copy of the repository layout with fake `id`, `dpkg-query`, `apt-get`,
install.sh and venv tools on PATH, so no package is touched and no root is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

FAKE_DPKG = """#!/bin/sh
# dpkg-query -W -f=FORMAT [PKG]: the packages in $FAKE_INSTALLED are installed
if [ $# -ge 3 ]; then
    for p in $FAKE_INSTALLED; do
        [ "$p" = "$3" ] && { printf 'install ok installed'; exit 0; }
    done
    exit 1
fi
for p in $FAKE_INSTALLED; do
    case "$p" in
        postfix) echo "postfix install ok installed default-mta, mail-transport-agent" ;;
        exim4-daemon-*) echo "$p install ok installed default-mta, mail-transport-agent" ;;
        *) echo "$p install ok installed " ;;
    esac
done
"""

FAKE_APT = """#!/bin/sh
echo "$*" >> "$FAKE_LOG"
case "$*" in
    *" -s "*|"-s "*) printf '%b' "$FAKE_PLAN" ;;
esac
exit 0
"""


def _tree(tmp_path: Path, installed: list[str], plan: str) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "test.sh", root / "scripts" / "test.sh")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    stubs = {
        bindir / "id": "#!/bin/sh\necho 0\n",
        bindir / "dpkg-query": FAKE_DPKG,
        bindir / "apt-get": FAKE_APT,
        root / "scripts" / "install.sh": "#!/bin/sh\nexit 0\n",
        venv / "ruff": "#!/bin/sh\nexit 0\n",
        venv / "mypy": "#!/bin/sh\nexit 0\n",
        venv / "python": "#!/bin/sh\necho ran-tests\n",
    }
    for path, text in stubs.items():
        path.write_text(text)
        path.chmod(0o755)
    env = {
        "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "FAKE_INSTALLED": " ".join(installed),
        "FAKE_PLAN": plan,
        "FAKE_LOG": str(tmp_path / "apt.log"),
    }
    (tmp_path / "apt.log").write_text("")
    return root, env


def _run(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(root / "scripts" / "test.sh")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def _installs(tmp_path: Path) -> list[str]:
    calls = (tmp_path / "apt.log").read_text().splitlines()
    return [c for c in calls if "install" in c.split() and "-s" not in c.split()]


def test_refuses_on_a_postfix_host_and_installs_nothing(tmp_path: Path) -> None:
    root, env = _tree(tmp_path, ["postfix", "perl"], "Remv postfix [3.7]\\nInst exim4\\n")
    result = _run(root, env)
    assert result.returncode == 2
    assert "this host's MTA is postfix" in result.stderr
    assert "throwaway machine or CI" in result.stderr
    assert _installs(tmp_path) == []
    assert "ran-tests" not in result.stdout


def test_refuses_when_apt_would_remove_a_package(tmp_path: Path) -> None:
    root, env = _tree(tmp_path, [], "Inst php-cli\\nRemv libfoo1 [1.0]\\nRemv bar [2]\\n")
    result = _run(root, env)
    assert result.returncode == 2
    assert "apt would remove libfoo1 bar from this host" in result.stderr
    assert _installs(tmp_path) == []


def test_installs_when_nothing_is_removed(tmp_path: Path) -> None:
    root, env = _tree(tmp_path, [], "Inst php-cli\\nInst exim4-daemon-light\\n")
    result = _run(root, env)
    assert result.returncode == 0, result.stderr
    installs = _installs(tmp_path)
    assert len(installs) == 1 and "--no-remove" in installs[0]
    assert "exim4-daemon-light" in installs[0]
    assert "ran-tests" in result.stdout


def test_a_heavy_exim_is_kept(tmp_path: Path) -> None:
    root, env = _tree(tmp_path, ["exim4-daemon-heavy"], "Inst php-cli\\n")
    result = _run(root, env)
    assert result.returncode == 0, result.stderr
    assert "exim4-daemon-light" not in _installs(tmp_path)[0]


def test_the_syslog_daemons_are_unpacked_never_installed(tmp_path: Path) -> None:
    """rsyslogd and syslog-ng (for the syslog rules' tests) are downloaded and unpacked into
    the repository's .cache, never installed: an install would take the host's /dev/log. A
    download that gives nothing skips their tests, not the run."""
    root, env = _tree(tmp_path, [], "Inst php-cli\\n")
    result = _run(root, env)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    downloads = [c for c in calls if c.split()[:1] == ["download"]]
    assert downloads and "rsyslog" in downloads[0] and "syslog-ng-core" in downloads[0]
    assert not any("rsyslog" in c for c in _installs(tmp_path))
    assert "their tests are skipped" in result.stderr and "ran-tests" in result.stdout
