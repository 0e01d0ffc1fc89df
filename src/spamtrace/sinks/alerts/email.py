"""E-mail channel: the alert as a plain-text message, over SMTP (``smtplib``) or ``sendmail``.

The message is an :class:`email.message.EmailMessage` under ``email.policy.SMTP``, which
refuses a header value holding CR or LF (``ValueError``): a header can never be added through
an attacker's path or process name. Every such value in the subject and body is escaped first
anyway (:mod:`content`), so the refusal is a second wall, not the first. ``Auto-Submitted:
auto-generated`` keeps vacation responders from answering.

The alert must pass spamtrace's own firewall and must never be sent as the incident's account:
it is sent by this process (root, or the daemon's user) to the configured relay, or handed to
the local MTA's ``sendmail`` as root. Nothing here changes user or runs anything of the
account. ``tls = "auto"`` uses STARTTLS when the relay offers it, ``"starttls"`` requires it,
``"ssl"`` is implicit TLS (port 465); TLS is verified against the system CAs. A login is never
sent without TLS (settings refuse ``tls = "none"`` with a username; ``auto`` then requires
STARTTLS).
"""

from __future__ import annotations

import email.policy
import email.utils
import smtplib
import ssl
import subprocess
from email.message import EmailMessage

from spamtrace.errors import AlertError
from spamtrace.safetext import escape, quoted
from spamtrace.sinks.alerts.content import Alert, subject, text_body
from spamtrace.sinks.alerts.settings import EmailSpec, tls_context


def build_message(alert: Alert, spec: EmailSpec) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = spec.sender
    msg["To"] = ", ".join(spec.to)
    msg["Subject"] = subject(alert)
    msg["Date"] = email.utils.formatdate(alert.time, usegmt=True)
    domain = spec.sender.rpartition("@")[2] or None
    msg["Message-ID"] = email.utils.make_msgid("spamtrace", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    ident = alert.incident.get("id")
    if isinstance(ident, str) and ident:
        msg["X-Spamtrace-Incident"] = escape(ident, max_len=64)
    msg["X-Spamtrace-Event"] = alert.event.value
    msg.set_content(text_body(alert), charset="utf-8")
    return msg


def _retryable_smtp(exc: smtplib.SMTPException) -> bool:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        return all(400 <= c < 500 for c in codes)
    if isinstance(code, int):
        return 400 <= code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected)


def _said(exc: smtplib.SMTPException, timeout: float) -> str:
    """What the relay said, as an admin reads it: ``answered 421 busy, try later`` (the
    message was the repr of smtplib's tuple, ``(421, b'busy, try later')``), the recipients
    refused each with its answer, and ``no answer within N s`` for a relay that accepted the
    connection and went silent (``Connection unexpectedly closed: timed out``)."""

    def reply(code: int, text: bytes | str) -> str:
        said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{code} {' '.join(said.split())}"

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{rcpt} ({reply(code, text)})"
                            for rcpt, (code, text) in exc.recipients.items())  # fmt: skip
        return f"refused every recipient: {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"answered {reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected) and str(exc).endswith("timed out"):
        return f"no answer within {timeout:g} s"
    return str(exc)


class EmailChannel:
    kind = "email"

    def __init__(self, spec: EmailSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.delivery = spec.delivery

    def describe(self) -> str:
        via = self.spec.sendmail or f"smtp {self.spec.smtp_host}:{self.spec.smtp_port}"
        return f"e-mail to {', '.join(self.spec.to)} via {via}"

    def _password(self) -> str | None:
        if self.spec.password is not None:
            return self.spec.password
        if self.spec.password_file is None:
            return None
        try:
            with open(self.spec.password_file, encoding="utf-8") as fh:
                return fh.readline().rstrip("\r\n")
        except OSError as exc:
            raise AlertError(
                f"password_file {escape(self.spec.password_file)}: {exc.strerror or exc}",
                retryable=False,
            ) from None

    def send(self, alert: Alert) -> str:
        msg = build_message(alert, self.spec)
        if self.spec.sendmail:
            return self._sendmail(msg)
        return self._smtp(msg)

    def _sendmail(self, msg: EmailMessage) -> str:
        assert self.spec.sendmail is not None
        argv = [self.spec.sendmail, "-i", "-f", self.spec.sender, "--", *self.spec.to]
        try:
            done = subprocess.run(
                argv,
                input=msg.as_bytes(policy=email.policy.SMTP.clone(linesep="\n")),
                capture_output=True,
                timeout=self.delivery.timeout,
                check=False,
            )
        except FileNotFoundError:
            raise AlertError(f"{self.spec.sendmail}: not found", retryable=False) from None
        except subprocess.TimeoutExpired:
            raise AlertError(
                f"{self.spec.sendmail}: no answer within {self.delivery.timeout:g} s"
            ) from None
        except OSError as exc:
            raise AlertError(f"{self.spec.sendmail}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            err = escape(done.stderr.decode("utf-8", "replace").strip(), max_len=200)
            # sendmail's EX_TEMPFAIL (75) is worth another try; other codes are not
            raise AlertError(
                f"{self.spec.sendmail} exited {done.returncode}: {err or 'no message'}",
                retryable=done.returncode == 75,
            )
        return f"handed to {self.spec.sendmail}"

    def _smtp(self, msg: EmailMessage) -> str:
        spec = self.spec
        assert spec.smtp_host is not None
        password = self._password()
        where = f"{spec.smtp_host}:{spec.smtp_port}"
        context = tls_context(spec.ca_file)
        try:
            smtp: smtplib.SMTP
            if spec.tls == "ssl":
                smtp = smtplib.SMTP_SSL(
                    spec.smtp_host, spec.smtp_port, timeout=self.delivery.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(spec.smtp_host, spec.smtp_port, timeout=self.delivery.timeout)
            with smtp:
                smtp.ehlo()
                tls_needed = spec.tls == "starttls" or (spec.tls == "auto" and spec.username)
                if spec.tls != "ssl" and spec.tls != "none":
                    if smtp.has_extn("starttls"):
                        smtp.starttls(context=context)
                        smtp.ehlo()
                    elif tls_needed:
                        raise AlertError(
                            f"{where} does not offer STARTTLS (tls = {quoted(spec.tls)}"
                            + (
                                ", and a password is never sent in clear)" if spec.username else ")"
                            ),
                            retryable=False,
                        )
                if spec.username:
                    smtp.login(spec.username, password or "")
                refused = smtp.send_message(msg, from_addr=spec.sender, to_addrs=list(spec.to))
        except smtplib.SMTPAuthenticationError as exc:
            raise AlertError(f"{where}: login refused ({exc.smtp_code})", retryable=False) from None
        except smtplib.SMTPException as exc:
            text = escape(_said(exc, self.delivery.timeout), max_len=200)
            raise AlertError(f"{where}: {text}", retryable=_retryable_smtp(exc)) from None
        except ssl.SSLError as exc:
            # a certificate that does not verify will not verify on the next try either
            verify = isinstance(exc, ssl.SSLCertVerificationError)
            text = escape(exc.reason or str(exc))
            raise AlertError(f"{where}: TLS: {text}", retryable=not verify) from None
        except TimeoutError:
            raise AlertError(f"{where}: no answer within {self.delivery.timeout:g} s") from None
        except OSError as exc:
            raise AlertError(f"{where}: {exc.strerror or exc}") from None
        if refused:
            return f"accepted by {where}, refused for {', '.join(sorted(refused))}"
        return f"accepted by {where}"
