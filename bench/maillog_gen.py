"""Generate realistic Exim main logs and Postfix mail logs (for bench/maillog_bench.py).

The mix follows a busy shared-hosting server: local submissions from PHP (``cwd=`` argument
lines before the ``<=`` arrival, ``U=`` the account, ``P=local``), SMTP AUTH submissions
(``A=dovecot_login:user``, ``P=esmtpsa``), inbound mail, then deliveries (``=>``, ``->``),
deferrals (``==``), bounces (``**`` and the ``<= <>`` bounce message), ``Completed``, and the
noise a real log has (connections, rejected RCPTs, queue runs, TLS errors). Postfix logs hold
the same traffic as pickup / smtpd / cleanup / qmgr / smtp / bounce lines.

Deterministic for a seed. Usage::

    python bench/maillog_gen.py exim 1000000 > mainlog
    python bench/maillog_gen.py postfix 1000000 > maillog
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator

ACCOUNTS = [f"acct{i:03d}" for i in range(60)]
MAILBOXES = [f"info{i}@site{i}.example" for i in range(40)]
SCRIPTS = [
    "public_html",
    "public_html/wp-content/uploads",
    "public_html/wp-content/plugins/contact-form-7",
    "public_html/shop",
]
DOMAINS = ["gmail.example", "yahoo.example", "outlook.example", "mail.example", "web.example"]
_B36 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _exim_id(rng: random.Random) -> str:
    def part(n: int) -> str:
        return "".join(rng.choice(_B36) for _ in range(n))

    return f"1{part(5)}-{part(6)}-{part(2)}"


def _rcpt(rng: random.Random) -> str:
    return f"user{rng.randrange(100000)}@{rng.choice(DOMAINS)}"


def _ip(rng: random.Random) -> str:
    a, b, c, d = (
        rng.randrange(1, 223),
        rng.randrange(256),
        rng.randrange(256),
        rng.randrange(1, 255),
    )
    return f"{a}.{b}.{c}.{d}"


def exim_lines(count: int, seed: int = 7, start: float = 1_764_800_000.0) -> Iterator[str]:
    """About ``count`` Exim main log lines (whole messages: a few lines more at most)."""
    rng = random.Random(seed)
    now = start
    made = 0
    host = "server.example"
    while made < count:
        now += rng.random() * 0.05
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))
        mid = _exim_id(rng)
        kind = rng.random()
        rcpts = [_rcpt(rng) for _ in range(rng.choice((1, 1, 1, 2, 3, 5)))]
        size = rng.randrange(400, 40000)
        out: list[str] = []
        if kind < 0.45:  # local submission by a hosting account's script
            acct = rng.choice(ACCOUNTS)
            cwd = f"/home/{acct}/{rng.choice(SCRIPTS)}"
            out.append(f"{stamp} cwd={cwd} 3 args: /usr/sbin/sendmail -t -i")
            out.append(f"{stamp} {mid} <= {acct}@{host} U={acct} P=local S={size}")
        elif kind < 0.70:  # SMTP AUTH submission
            box = rng.choice(MAILBOXES)
            ip = _ip(rng)
            out.append(
                f"{stamp} {mid} <= {box} H=({rng.choice(('pc', 'laptop', 'User'))}) [{ip}]:"
                f"{rng.randrange(1024, 65535)} I=[10.0.0.1]:587 P=esmtpsa "
                f"X=TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=no "
                f"A=dovecot_login:{box} S={size} "
                f"id={mid}.{rng.randrange(10**6)}@{box.split('@')[1]}"
            )
        elif kind < 0.92:  # inbound mail for a hosted domain
            ip = _ip(rng)
            sender = _rcpt(rng)
            rcpts = [rng.choice(MAILBOXES)]
            out.append(
                f"{stamp} {mid} <= {sender} H=mx{rng.randrange(50)}.{rng.choice(DOMAINS)} "
                f"[{ip}]:{rng.randrange(1024, 65535)} I=[10.0.0.1]:25 P=esmtps "
                f"X=TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=no S={size} "
                f"id={rng.randrange(10**9)}@{sender.split('@')[1]}"
            )
        else:  # noise
            ip = _ip(rng)
            noise = rng.choice(
                (
                    f"SMTP connection from [{ip}]:{rng.randrange(1024, 65535)} (TCP/IP "
                    "connection count = 3)",
                    f"H=([{ip}]) [{ip}]:{rng.randrange(1024, 65535)} I=[10.0.0.1]:25 "
                    f"F=<a@b.example> rejected RCPT <{_rcpt(rng)}>: relay not permitted",
                    "SMTP protocol synchronization error (input sent without waiting for "
                    f"greeting): rejected connection from H=[{ip}]:{rng.randrange(1024, 65535)}",
                    "Start queue run: pid=12345",
                    "End queue run: pid=12345",
                    f"TLS error on connection from ({ip}) [{ip}]:{rng.randrange(1024, 65535)} "
                    "(recv): The TLS connection was non-properly terminated.",
                )
            )
            yield f"{stamp} {noise}"
            made += 1
            continue
        for i, rcpt in enumerate(rcpts):
            fate = rng.random()
            arrow = "=>" if i == 0 else "->"
            if fate < 0.90:
                out.append(
                    f"{stamp} {mid} {arrow} {rcpt} R=dnslookup T=remote_smtp "
                    f"H=mx.{rcpt.split('@')[1]} [{_ip(rng)}] X=TLS1.3:AES_256_GCM:256 CV=yes "
                    f'C="250 2.0.0 OK {rng.randrange(10**9)}"'
                )
            elif fate < 0.96:
                out.append(
                    f"{stamp} {mid} == {rcpt} R=dnslookup T=remote_smtp defer (-44) "
                    f"H=mx.{rcpt.split('@')[1]} [{_ip(rng)}]: SMTP error from remote mail server "
                    "after RCPT TO:<x>: 451 4.7.1 Greylisted"
                )
            else:
                out.append(
                    f"{stamp} {mid} ** {rcpt} R=dnslookup T=remote_smtp H=mx.{rcpt.split('@')[1]} "
                    f"[{_ip(rng)}]: SMTP error from remote mail server after RCPT TO:<{rcpt}>: "
                    "550 5.1.1 User unknown"
                )
        out.append(f"{stamp} {mid} Completed")
        yield from out
        made += len(out)


def postfix_lines(count: int, seed: int = 7, start: float = 1_764_800_000.0) -> Iterator[str]:
    """About ``count`` Postfix mail log lines (BSD syslog timestamps, as rsyslog writes)."""
    rng = random.Random(seed)
    now = start
    made = 0
    host = "server"
    hexd = "0123456789ABCDEF"
    while made < count:
        now += rng.random() * 0.05
        t = time.gmtime(now)
        stamp = f"{time.strftime('%b', t)} {t.tm_mday:2d} {time.strftime('%H:%M:%S', t)}"
        qid = "".join(rng.choice(hexd) for _ in range(10))
        pid = rng.randrange(1000, 60000)
        size = rng.randrange(400, 40000)
        kind = rng.random()
        rcpts = [_rcpt(rng) for _ in range(rng.choice((1, 1, 1, 2, 3, 5)))]
        out: list[str] = []
        if kind < 0.45:
            acct = rng.choice(ACCOUNTS)
            uid = 1000 + ACCOUNTS.index(acct)
            sender = f"{acct}@server.example"
            out.append(f"{stamp} {host} postfix/pickup[{pid}]: {qid}: uid={uid} from=<{acct}>")
        elif kind < 0.70:
            box = rng.choice(MAILBOXES)
            sender = box
            out.append(
                f"{stamp} {host} postfix/smtpd[{pid}]: {qid}: client=unknown[{_ip(rng)}], "
                f"sasl_method=LOGIN, sasl_username={box}"
            )
        elif kind < 0.92:
            sender = _rcpt(rng)
            rcpts = [rng.choice(MAILBOXES)]
            out.append(
                f"{stamp} {host} postfix/smtpd[{pid}]: {qid}: client=mx{rng.randrange(50)}."
                f"{rng.choice(DOMAINS)}[{_ip(rng)}]"
            )
        else:
            ip = _ip(rng)
            yield rng.choice(
                (
                    f"{stamp} {host} postfix/smtpd[{pid}]: connect from unknown[{ip}]",
                    f"{stamp} {host} postfix/smtpd[{pid}]: disconnect from unknown[{ip}] ehlo=1 "
                    "auth=0/1 quit=1 commands=2/3",
                    f"{stamp} {host} postfix/smtpd[{pid}]: warning: unknown[{ip}]: SASL LOGIN "
                    "authentication failed: UGFzc3dvcmQ6",
                    f"{stamp} {host} postfix/anvil[{pid}]: statistics: max connection rate "
                    f"1/60s for (smtp:{ip}) at Dec  4 10:00:00",
                    f"{stamp} {host} postfix/smtpd[{pid}]: NOQUEUE: reject: RCPT from unknown[{ip}]"
                    f": 554 5.7.1 <{_rcpt(rng)}>: Relay access denied; from=<a@b.example> "
                    f"to=<{_rcpt(rng)}> proto=ESMTP helo=<x>",
                )
            )
            made += 1
            continue
        out.append(
            f"{stamp} {host} postfix/cleanup[{pid + 1}]: {qid}: message-id=<{rng.randrange(10**9)}"
            "@server.example>"
        )
        out.append(
            f"{stamp} {host} postfix/qmgr[900]: {qid}: from=<{sender}>, size={size}, "
            f"nrcpt={len(rcpts)} (queue active)"
        )
        for rcpt in rcpts:
            fate = rng.random()
            status = (
                "sent (250 2.0.0 OK)"
                if fate < 0.90
                else "deferred (host said: 451 4.7.1 Greylisted)"
                if fate < 0.96
                else "bounced (host said: 550 5.1.1 User unknown)"
            )
            out.append(
                f"{stamp} {host} postfix/smtp[{pid + 2}]: {qid}: to=<{rcpt}>, relay=mx."
                f"{rcpt.split('@')[1]}[{_ip(rng)}]:25, delay=0.4, delays=0.1/0/0.2/0.1, "
                f"dsn={'2.0.0' if fate < 0.9 else '4.7.1' if fate < 0.96 else '5.1.1'}, "
                f"status={status}"
            )
        out.append(f"{stamp} {host} postfix/qmgr[900]: {qid}: removed")
        yield from out
        made += len(out)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("exim", "postfix") or not argv[1].isdigit():
        print("usage: maillog_gen.py exim|postfix LINES", file=sys.stderr)
        return 2
    gen = exim_lines if argv[0] == "exim" else postfix_lines
    out = sys.stdout
    for line in gen(int(argv[1])):
        out.write(line)
        out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
