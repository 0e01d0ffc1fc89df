"""Rules about phishing kits and SEO spam: crawler cloaking, remote content served to crawlers,
visitor data relayed to a controller.
"""

from __future__ import annotations

import itertools
import re

from spamtrace.scanner.context import (
    CRAWLER_TESTS,
    NOT_CALL_BEFORE,
    PLACEHOLDER,
    REMOTE_FETCH,
    WEB_SCHEMES,
    Ctx,
    Hit,
    calls_to,
    feature,
    has_any,
    has_word,
    string_text,
)
from spamtrace.scanner.rules import Rule

_WHOLE_REQUEST = re.compile(rb"\s*\(\s*\$_(?:server|request|cookie|post|get)\s*[,)]")


_REMOTE_SEND = (b"curl_exec", b"file_get_contents", b"fsockopen", b"stream_context_create",
                b"stream_socket_client", b"fopen")  # fmt: skip


_HASHED = re.compile(rb"(?:md5|sha1|hash|hash_hmac|crc32)\s*\([^;]{0,60}$")


_RANDOM_SOURCES = re.compile(rb"microtime|uniqid|mt_rand|random_bytes|random_int|openssl_random")


def _seed_or_hash(code: bytes, pos: int) -> bool:
    """Whether the serialize() call at ``pos`` is hashed (``md5(serialize($_SERVER))``) or
    glued to a random source (``serialize($_SERVER) . microtime(true)``): a unique id or a
    random seed, which libraries such as TCPDF build this way, not data sent anywhere."""
    if _HASHED.search(code, max(0, pos - 80), pos) is not None:
        return True
    start = code.rfind(b";", max(0, pos - 160), pos) + 1 or max(0, pos - 160)
    end = code.find(b";", pos, pos + 200)
    stmt = code[start : end if end >= 0 else pos + 200]
    return _RANDOM_SOURCES.search(stmt) is not None


@feature("request_relay")
def _request_relay(ctx: Ctx, rule: Rule) -> Hit | None:
    """The visitor's whole $_SERVER/$_REQUEST/$_COOKIE array serialized in a script that
    talks to a remote web server: every visit is relayed to a controller (cloaking / traffic
    sale / click fraud kits), which then decides what the visitor sees."""
    code = ctx.code
    if not has_word(ctx, b"$_") or not has_any(ctx, _REMOTE_SEND):
        return None
    if string_text(ctx).find(b"http") < 0:
        return None
    for name in (b"serialize", b"var_export"):
        pos = code.find(name)
        while pos >= 0:
            if (
                (not pos or code[pos - 1] not in NOT_CALL_BEFORE)
                and _WHOLE_REQUEST.match(code, pos + len(name))
                and not _seed_or_hash(code, pos)
            ):
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
            pos = code.find(name, pos + len(name))
    return None


_CRAWLERS = re.compile(rb"googlebot|bingbot|slurp|yandex|baiduspider|msnbot")


_PHARMA = re.compile(
    rb"viagra|cialis|levitra|tadalafil|sildenafil|casino|payday|replica|porn|pharma"
)


@feature("crawler_cloaking")
def _crawler_cloaking(ctx: Ctx, rule: Rule) -> Hit | None:
    """A test of the user agent for search-engine crawlers in the same condition as spam
    keywords of the requested URL (pharma, casino...): search engines and spam-search visitors
    are served other content than the site's (SEO spam cloaking)."""
    code = ctx.code
    if string_text(ctx).find(b"user_agent") < 0:
        return None
    for start, args in calls_to(ctx, CRAWLER_TESTS, 100):
        p = PLACEHOLDER.match(args.strip())
        if p is None or _CRAWLERS.search(ctx.lx.value(int(p.group(1))).lower()) is None:
            continue
        # the same condition also looks for spam words
        lo = max(code.rfind(b"if", 0, start), start - 400)
        hi = code.find(b"{", start)
        window = code[lo : hi if 0 <= hi - start < 800 else start + 800]
        for q in PLACEHOLDER.finditer(window):
            if _PHARMA.search(ctx.lx.value(int(q.group(1))).lower()):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_SERVE = re.compile(rb"\b(?:echo|print|die|exit|eval|include|require)\b")


@feature("crawler_remote")
def _crawler_remote(ctx: Ctx, rule: Rule) -> Hit | None:
    """A test of the user agent for search-engine crawlers, followed (in the next ~1,000
    bytes of code) by content fetched from a literal http(s) address and output: crawlers
    are served pages from the operator's host (a doorway, SEO spam cloaking)."""
    code = ctx.code
    text = string_text(ctx)
    if text.find(b"user_agent") < 0 or text.find(b"http") < 0:
        return None
    value = ctx.lx.value
    for start, args in calls_to(ctx, CRAWLER_TESTS, 100):
        crawler = any(
            _CRAWLERS.search(value(int(q.group(1))).lower())
            for q in itertools.islice(PLACEHOLDER.finditer(args), 4)
        )
        if not crawler:
            continue
        window = code[start : start + 1000]
        for f in REMOTE_FETCH.finditer(window):
            url = value(int(f.group(1))).lower().lstrip()
            if url.startswith(WEB_SCHEMES[:2]) and _SERVE.search(window):
                at = start + f.start()
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None
