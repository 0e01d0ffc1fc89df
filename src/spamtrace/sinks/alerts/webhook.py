"""Webhook channel: an HTTP POST of the alert as JSON (``spamtrace.alert/1``) or Slack text.

``urllib`` with a verified TLS context (the system CAs, or ``ca_file``), a timeout on every
socket operation, no redirects followed (a 3xx is an error: the body would go elsewhere), no
proxy unless ``proxy`` is set (the environment's ``http_proxy`` is not used by a daemon that
root started with an unknown environment). A 2xx answer is success; 408, 429 and 5xx are
retried by the dispatcher; any other answer is a permanent failure.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import ssl
import urllib.error
import urllib.request
from typing import Any

from spamtrace import __version__
from spamtrace.errors import AlertError
from spamtrace.safetext import escape, shown_url
from spamtrace.sinks.alerts.content import Alert, json_body, slack_body
from spamtrace.sinks.alerts.settings import WebhookSpec, tls_context

_RETRYABLE_STATUS = frozenset({408, 425, 429})


#: how much of an error answer is read for its excerpt: an error page's text comes after its
#: <head> (styles, scripts), which the first 200 bytes, shown before, were all of
_ANSWER_READ = 16384
_HTML_HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style|head)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
_HTML_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>?")


def answer_excerpt(text: str, html: bool = False) -> str:
    """The text of a receiver's error answer on one line: an HTML page (``html``: its
    Content-Type says so, or it starts with ``<``) without its head, scripts, styles,
    comments and tags, entities decoded (its title when it has no other text); whitespace
    collapsed. Not escaped nor cut: the caller does both."""
    if html or text.lstrip().startswith("<"):
        title = _HTML_TITLE.search(text)
        body = _HTML_TAG.sub(" ", _HTML_HIDDEN.sub(" ", text))
        if not body.split() and title is not None:
            body = _HTML_TAG.sub(" ", title.group(1))
        text = htmllib.unescape(body)
    return " ".join(text.split())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


def body_of(alert: Alert, fmt: str) -> bytes:
    doc = slack_body(alert) if fmt == "slack" else json_body(alert)
    from spamtrace.render.output import to_jsonable

    # ensure_ascii: the body is valid JSON in any transport, whatever bytes a path held
    return json.dumps(to_jsonable(doc), ensure_ascii=True, allow_nan=False).encode("ascii")


class WebhookChannel:
    kind = "webhook"

    def __init__(self, spec: WebhookSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.delivery = spec.delivery
        self._opener: urllib.request.OpenerDirector | None = None
        self._refused: AlertError | None = None  # a ca_file that does not load: each send says so
        handlers: list[Any] = [_NoRedirect(), urllib.request.ProxyHandler(
            {"http": spec.proxy, "https": spec.proxy} if spec.proxy else {}
        )]  # fmt: skip
        if spec.url.startswith("https://"):
            try:
                context = tls_context(spec.ca_file)
            except AlertError as exc:
                self._refused = exc
                return
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def describe(self) -> str:
        return f"POST {shown_url(self.spec.url)} ({self.spec.format})"

    def send(self, alert: Alert) -> str:
        data = body_of(alert, self.spec.format)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"spamtrace/{__version__}",
            **dict(self.spec.headers),
        }
        req = urllib.request.Request(self.spec.url, data=data, headers=headers, method="POST")
        if self._opener is None:
            assert self._refused is not None
            raise AlertError(self._refused.message, retryable=False)
        try:
            with self._opener.open(req, timeout=self.delivery.timeout) as resp:
                resp.read(65536)
                return f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            detail = ""
            try:
                html = "html" in (exc.headers.get_content_type() if exc.headers else "")
                detail = answer_excerpt(exc.read(_ANSWER_READ).decode("utf-8", "replace"), html)
            except Exception:
                detail = ""
            finally:
                exc.close()
            retry = exc.code >= 500 or exc.code in _RETRYABLE_STATUS
            # the status line: "HTTP 404 Not Found" (the reason phrase is the receiver's text)
            phrase = " ".join(str(exc.reason or "").split())
            status = f"HTTP {exc.code} {escape(phrase, max_len=40)}".rstrip()
            text = f"{status} from {shown_url(self.spec.url)}"
            if detail:
                text += f" (it answered: {escape(detail, max_len=120)})"
            raise AlertError(text, retryable=retry) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, OSError) and not isinstance(reason, ssl.SSLError):
                text = reason.strerror or str(reason)
            else:
                text = getattr(reason, "reason", None) or str(reason)
            # a certificate that does not verify will not verify on the next try either
            verify = isinstance(reason, ssl.SSLCertVerificationError)
            raise AlertError(
                f"{shown_url(self.spec.url)}: {escape(text)}", retryable=not verify
            ) from None
        except TimeoutError:
            raise AlertError(
                f"{shown_url(self.spec.url)}: no answer within {self.delivery.timeout:g} s"
            ) from None
        except OSError as exc:
            raise AlertError(f"{shown_url(self.spec.url)}: {escape(str(exc))}") from None
