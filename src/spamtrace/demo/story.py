"""The demo's story: a spam run in the lab, found, explained and stopped by the real commands.

Every step runs the installed ``spamtrace`` as a subprocess (inside the lab's "hosting server"
namespace, with the lab's own config and store), shows its real output to a person, and
checks its ``--json`` result, so that the demo proves what it tells. A step is a
:class:`StepResult`; :func:`run_story` returns them all, in order, and stops at the first step
whose failure makes the rest meaningless.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from spamtrace.demo.lab import METRICS_LISTEN, Lab
from spamtrace.safetext import escape

SCHEMA = "spamtrace.demo/1"


@dataclass(frozen=True, slots=True)
class StepResult:
    name: str
    command: str
    ok: bool
    result: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "command": self.command, "ok": self.ok, "result": self.result}


#: the indent of a command's output under its ``$ command`` line
OUTPUT_INDENT = "   | "


class Narrator:
    """Prints the story for a person; silent in --json mode.

    On a terminal (``width`` given: its columns) the story's sentences wrap at its width and
    the commands shown lay themselves out for the width left after the indent (``COLUMNS``
    in their environment: :meth:`command_env`); in a pipe or a log, every line stays whole."""

    def __init__(self, enabled: bool, width: int | None = None) -> None:
        self.enabled = enabled
        self.width = width

    @classmethod
    def for_stdout(cls, enabled: bool) -> Narrator:
        import shutil

        tty = sys.stdout.isatty()
        return cls(enabled, shutil.get_terminal_size().columns if tty else None)

    def command_env(self) -> dict[str, str]:
        """What the commands shown need in their environment to fit under the indent."""
        if self.width is None:
            return {}
        return {"COLUMNS": str(max(60, self.width - len(OUTPUT_INDENT)))}

    def chapter(self, number: int, title: str) -> None:
        if self.enabled:
            print(f"\n== {number}. {title}", flush=True)

    def say(self, text: str) -> None:
        if not self.enabled:
            return
        import textwrap

        for line in text.splitlines():
            if self.width is None or len(line) + 3 <= self.width:
                print(f"   {line}", flush=True)
                continue
            lead = line[: len(line) - len(line.lstrip())]
            for part in textwrap.wrap(
                line, max(40, self.width - 3), subsequent_indent=lead + "  ",
                break_long_words=False, break_on_hyphens=False,
            ):  # fmt: skip
                print(f"   {part}", flush=True)

    def command(self, shown: str, output: str) -> None:
        if not self.enabled:
            return
        print(f"\n   $ {shown}", flush=True)
        for line in output.rstrip("\n").splitlines():
            print(f"{OUTPUT_INDENT}{line}", flush=True)


class _LineReader:
    """Reads a process's stdout lines on a thread, so the story can wait for one with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stdout is not None
        stream = proc.stdout
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, predicate: Callable[[str], bool], timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            self.seen.append(line)
            if predicate(line):
                return line
        return None

    def drain(self) -> list[str]:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen


class Story:
    def __init__(self, lab: Lab, narrator: Narrator, *, mta_user: str | None) -> None:
        self.lab = lab
        self.say = narrator
        self.mta_user = mta_user
        self.env = {
            **os.environ,
            "SPAMTRACE_CONFIG": str(lab.layout.config),
            "SPAMTRACE_CONFIG_DIR": str(lab.layout.path / "spamtrace.d"),
            **narrator.command_env(),
        }
        self.steps: list[StepResult] = []
        self.mailer: _LineReader | None = None
        self.watcher: subprocess.Popen[str] | None = None
        self.incident_id: str | None = None

    # ------------------------------------------------------------------ running commands
    def spamtrace(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        argv = [*self.lab.srv_prefix(), sys.executable, "-m", "spamtrace", *args]
        try:
            return subprocess.run(
                argv, text=True, capture_output=True, timeout=timeout, env=self.env, check=False
            )
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(argv, 124, "", f"timed out after {timeout} s")

    def show(self, *args: str, timeout: float = 60) -> str:
        """Run a command for the person to read (human output), return its output."""
        if not self.say.enabled:
            return ""
        proc = self.spamtrace(*args, timeout=timeout)
        out = proc.stdout + (proc.stderr if proc.returncode not in (0, 1) else "")
        self.say.command(f"spamtrace {' '.join(args)}", out)
        return out

    def json_of(self, *args: str, timeout: float = 60) -> tuple[int, dict[str, Any]]:
        proc = self.spamtrace(*args, "--json", timeout=timeout)
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            doc = {"error": lines[-1] if lines else f"exit {proc.returncode}"}
        return proc.returncode, doc if isinstance(doc, dict) else {"value": doc}

    def record(self, name: str, command: str, ok: bool, result: dict[str, Any]) -> StepResult:
        step = StepResult(name, command, ok, result)
        self.steps.append(step)
        if not ok:
            self.say.say(
                f"!! step {name!r} did not show what it should: {json.dumps(result)[:300]}"
            )
        return step

    # ------------------------------------------------------------------ the steps
    def run(self) -> Iterator[StepResult]:
        yield self.step_lab()
        for step in (
            self.step_daemon,
            self.step_spam,
            self.step_check,
            self.step_scan,
            self.step_incident,
            self.step_told,
            self.step_firewall,
            self.step_blocked,
            self.step_mta,
        ):
            result = step()
            yield result
            if not result.ok and result.name in ("daemon", "spam-starts"):
                return

    def step_lab(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(1, "The lab")
        self.say.say(
            f"A hosting server and a remote mail server, each in its own network namespace\n"
            f"({lo.srv_ns}, {lo.mx_ns}), linked by a private veth ({lo.srv_ip} -> {lo.mx_ip}).\n"
            f"A hosting account {lo.user} with a small shop site in {lo.site}.\n"
            f"An attacker has dropped {lo.script.relative_to(lo.home)}: base64 in an eval(),\n"
            "a mailer that talks SMTP straight to remote port 25, past the server's MTA.\n"
            "Nothing outside the lab is touched: its own config, store and firewall table."
        )
        return self.record(
            "lab",
            "spamtrace demo",
            True,
            {"account": lo.user, "site": str(lo.site), "script": str(lo.script),
             "server_netns": lo.srv_ns, "mx_netns": lo.mx_ns, "mx": lo.mx_ip,
             "mta_user": self.mta_user},
        )  # fmt: skip

    def step_daemon(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(2, "The guard: spamtrace daemon (what spamtrace.service runs at boot)")
        args = ["daemon", "--db", str(lo.store), "--firewall-state-dir", str(lo.firewall_state)]
        self.watcher = self.lab.spawn([sys.executable, "-m", "spamtrace", *args], env=self.env)
        doc: dict[str, Any] = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.watcher.poll() is None:
            code, doc = self.json_of("status")
            if code == 0 and "pid" in doc:
                break
            time.sleep(0.3)
        ok = self.watcher.poll() is None and "pid" in doc
        if not ok:
            err = ""
            if self.watcher.poll() is not None and self.watcher.stderr is not None:
                err = self.watcher.stderr.read()
            return self.record("daemon", "spamtrace daemon", False, {"error": escape(err)[-300:]})
        self.say.say(
            "It records every outbound SMTP connect as the kernel sees it, attributes it,\n"
            "groups connects into incidents in its store, scans the sender's files, decides\n"
            "responses, sends alerts and serves Prometheus metrics. `status` asks it:"
        )
        self.show("status")
        return self.record(
            "daemon",
            "spamtrace daemon",
            True,
            {k: doc.get(k) for k in ("pid", "capture", "capture_mode", "metrics") if k in doc},
        )

    def step_spam(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(3, "The spam run starts")
        proc = self.lab.spawn(["php", lo.script.name], user=lo.user)
        self.mailer = _LineReader(proc)
        line = self.mailer.wait_for(lambda s: s == "connected", 15)
        self.say.say(f"$ runuser -u {lo.user} -- php {lo.script.name}    (in {lo.script.parent})")
        ok = line is not None
        if ok:
            self.say.say("The script is connected to the remote MX on port 25 and sending.")
        return self.record("spam-starts", f"php {lo.script.name}", ok, {"pid": proc.pid})

    def step_check(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(4, "Who is speaking SMTP right now?  (replaces netstat + lsof by hand)")
        self.show("check")
        code, doc = self.json_of("check")
        mine = [c for c in doc.get("connections", []) if c.get("user") == lo.user]
        first = mine[0] if mine else {}
        scripts = first.get("scripts", [])
        ok = bool(mine) and first.get("verdict") == "suspicious" and str(lo.script) in scripts
        return self.record(
            "check",
            "spamtrace check",
            ok,
            {"exit": code, "connections": len(mine), "verdict": first.get("verdict"),
             "account": first.get("account"), "cwd": first.get("cwd"), "scripts": scripts,
             "process": first.get("process")},
        )  # fmt: skip

    def step_scan(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(5, "What is in the account's site?")
        self.show("scan", str(lo.site))
        code, doc = self.json_of("scan", str(lo.site))
        files = doc.get("files", [])
        malicious = [f.get("path") for f in files if f.get("verdict") == "malicious"]
        rules: list[str] = next(
            (
                [str(x.get("rule")) for x in f.get("findings", [])]
                for f in files
                if f.get("path") == str(lo.script)
            ),
            [],
        )
        ok = malicious == [str(lo.script)]
        self.say.say("Only the dropped mailer is malicious; the shop's own files are clean.")
        return self.record(
            "scan",
            f"spamtrace scan {lo.site}",
            ok,
            {"exit": code, "malicious": malicious, "rules": rules,
             "scanned": doc.get("summary", {}).get("scanned", len(files))},
        )  # fmt: skip

    def _my_incident(self) -> dict[str, Any] | None:
        _, doc = self.json_of("incidents", "--db", str(self.lab.layout.store), "--since", "all")
        for inc in doc.get("incidents", []):
            if isinstance(inc, dict) and inc.get("user") == self.lab.layout.user:
                return inc
        return None

    def step_incident(self) -> StepResult:
        self.say.chapter(6, "What the daemon recorded: one incident, not one line per connect")
        inc = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            inc = self._my_incident()
            if inc and inc.get("suspect_files"):
                break
            time.sleep(0.5)
        if inc:
            self.incident_id = str(inc["id"])
            self.show("incidents", "--db", str(self.lab.layout.store), "--since", "all")
            self.show("incident", "--db", str(self.lab.layout.store), self.incident_id)
        inc = inc or {}
        files = inc.get("suspect_files") or []
        ok = inc.get("verdict") == "suspicious" and int(inc.get("connections") or 0) >= 1
        return self.record(
            "incident",
            "spamtrace incidents",
            ok,
            {"id": self.incident_id, "verdict": inc.get("verdict"),
             "connections": inc.get("connections"), "actions": inc.get("actions", []),
             "files": [(f.get("path"), f.get("verdict")) for f in files]},
        )  # fmt: skip

    def step_told(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(7, "What it decided and whom it told")
        inc: dict[str, Any] = {}
        if self.incident_id:
            _, doc = self.json_of("incident", "--db", str(lo.store), self.incident_id)
            inc = doc.get("incident") or {}
        actions = [a for a in inc.get("actions", []) if isinstance(a, dict)]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self._lab_alerts():
            time.sleep(0.2)
        alerts = self._lab_alerts()
        self.say.say(
            'mode = "observe" (the default): each response is recorded as what it *would* do:'
        )
        for a in actions:
            self.say.say(
                f"  {a.get('status', '?'):<6} {a.get('action', '?'):<13} "
                f"{escape(str(a.get('detail', '')), 110)}"
            )
        self.say.say('With mode = "enforce" they are done at once (docs/responses.md).')
        if alerts:
            body = alerts[0].get("body")
            text = body.get("text", "") if isinstance(body, dict) else str(body)
            self.say.say(f"\nThe lab's chat webhook received {len(alerts)} alert(s); the first:")
            self.say.command(
                "(Slack/Mattermost message)", escape(str(text), 2000).replace("\\n", "\n")
            )
        metrics = self._metrics()
        if metrics:
            self.say.command(
                f"curl -s http://{METRICS_LISTEN}/metrics | grep ...", "\n".join(metrics)
            )
        first_event = _first_line(lo.events)
        if first_event:
            self.say.command(
                f"head -1 {lo.events}   (ECS JSON lines for log shippers)", first_event
            )
        ok = bool(actions) and all(a.get("status") == "would" for a in actions) and bool(alerts)
        return self.record(
            "told",
            "spamtrace incident ID; the lab's webhook; /metrics",
            ok,
            {"actions": [(a.get("action"), a.get("status")) for a in actions],
             "alerts": len(alerts), "metrics": len(metrics),
             "event_stream": bool(first_event)},
        )  # fmt: skip

    def _lab_alerts(self) -> list[dict[str, Any]]:
        """The chat alerts about the lab's account (the tracepoint sees the whole host: on a
        busy machine the lab's daemon also tells about the host's own senders)."""
        return [m for m in self.lab.hook_messages() if self.lab.layout.user in json.dumps(m)]

    def _metrics(self) -> list[str]:
        code = (
            "import urllib.request as u;"
            f"print(u.urlopen('http://{METRICS_LISTEN}/metrics', timeout=5).read().decode())"
        )
        argv = [*self.lab.srv_prefix(), sys.executable, "-c", code]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        keep = ("spamtrace_smtp", "spamtrace_incidents", "spamtrace_capture", "spamtrace_responses")
        return [
            line
            for line in proc.stdout.splitlines()
            if line.startswith(keep) and not line.rstrip().endswith(" 0.0")
        ][:12]

    def step_firewall(self) -> StepResult:
        lo = self.lab.layout
        state = ["--state-dir", str(lo.firewall_state)]
        self.say.chapter(8, "Stop it for good: only the MTA (and root) may speak SMTP")
        self.show("firewall", "plan", "--db", str(lo.store), *state)
        code, applied = self.json_of("firewall", "apply", *state, "--timeout", "600")
        self.say.command(
            "spamtrace firewall apply",
            "(--json) " + json.dumps(_short(applied)) if applied else f"exit {code}",
        )
        self.show("firewall", "confirm", *state)
        self.show("firewall", "status", *state)
        _, status = self.json_of("firewall", "status", *state)
        loaded = code == 0 and _table_loaded(status)
        self.say.say(
            "The table `inet spamtrace` is loaded in the lab's server namespace only;\n"
            "`firewall apply` rolls back by itself unless `firewall confirm` follows."
        )
        return self.record(
            "firewall",
            "spamtrace firewall apply && spamtrace firewall confirm",
            loaded,
            {"apply_exit": code, "status": _short(status)},
        )

    def step_blocked(self) -> StepResult:
        self.say.chapter(9, "The script's next attempts are refused, and counted")
        assert self.mailer is not None
        before = len(self.lab.sink_messages())
        refused = self.mailer.wait_for(lambda s: s.startswith("refused"), 15)
        time.sleep(2.5)
        lines = self.mailer.drain()
        after = len(self.lab.sink_messages())
        inc = self._my_incident() or {}
        if refused:
            self.say.say(f"The script now gets: {escape(refused)}")
        if self.incident_id:
            self.show("incident", "--db", str(self.lab.layout.store), self.incident_id)
        n_refused = sum(1 for s in lines if s.startswith("refused"))
        ok = refused is not None and int(inc.get("blocked") or 0) >= 1
        return self.record(
            "blocked",
            "(the spam script's next connects)",
            ok,
            {"refused": n_refused, "sink_messages_before": before,
             "sink_messages_after": after, "blocked_in_incident": inc.get("blocked")},
        )  # fmt: skip

    def step_mta(self) -> StepResult:
        lo = self.lab.layout
        self.say.chapter(10, "The server's MTA still delivers")
        if not self.mta_user:
            self.say.say(
                "No Exim here: this step needs exim4 (apt-get install exim4-daemon-light)."
            )
            return self.record("mta-delivers", "exim4", False, {"error": "exim4 not installed"})
        before = len(self.lab.sink_messages())
        conf = lo.path / "exim" / "exim.conf"
        argv = [*self.lab.srv_prefix(), "runuser", "-u", self.mta_user, "--",
                "exim4", "-C", str(conf), "-odf", "-oi", "postmaster@remote.example"]  # fmt: skip
        message = "Subject: order 1042 shipped\n\nYour order is on its way.\n"
        proc = subprocess.run(
            argv, input=message, text=True, capture_output=True, timeout=30, check=False
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(self.lab.sink_messages()) <= before:
            time.sleep(0.2)
        msgs = self.lab.sink_messages()[before:]
        from_mta = [m for m in msgs if "postmaster@remote.example" in str(m.get("to"))]
        self.say.say(
            f"$ echo ... | runuser -u {self.mta_user} -- exim4 -odf postmaster@remote.example\n"
            + ("The remote MX accepted it: the MTA's uid passes the firewall."
               if from_mta else f"Not delivered: {escape(proc.stderr.strip())[-200:]}")
        )  # fmt: skip
        return self.record(
            "mta-delivers",
            "exim4 -odf postmaster@remote.example",
            bool(from_mta),
            {"exit": proc.returncode, "delivered": len(from_mta)},
        )


def summary(steps: Sequence[StepResult], narrator: Narrator) -> None:
    narrator.chapter(11, "What you saw")
    for s in steps:
        narrator.say(f"[{'ok' if s.ok else 'FAILED'}] {s.name:<13} {s.command}")
    narrator.say(
        "\nOn your own server:\n"
        "  spamtrace check                who speaks SMTP now (process, account, folder, script)\n"
        "  spamtrace scan PATH            the dropped files and the rules that fired\n"
        "  spamtrace watch / incidents    every connect as it happens, kept as incidents\n"
        "  spamtrace firewall plan|apply  only the MTA may speak SMTP (rollback unless confirmed)\n"
        "  spamtrace audit                the other ways out (sshd forwarding, mail(), DNSBLs)\n"
        "Read more: README.md and docs/ (check, watch, scan, firewall, audit)."
    )


def _first_line(path: Any) -> str:
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return ""


def _loads(line: str) -> dict[str, Any]:
    try:
        doc = json.loads(line)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _table_loaded(status: dict[str, Any]) -> bool:
    text = json.dumps(status)
    return '"loaded": true' in text or '"state": "loaded"' in text or '"confirmed"' in text


def _short(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if isinstance(v, (str, int, float, bool)) or v is None}
