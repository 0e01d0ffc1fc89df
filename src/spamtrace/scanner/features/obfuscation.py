"""Rules about hiding code: names built from pieces, encoded literals and blobs, escaped
text, machine-made identifiers, packed lines, ``goto`` spaghetti, PHP inside images.
"""

from __future__ import annotations

import binascii
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable

from spamtrace.scanner import decode, fold
from spamtrace.scanner.context import (
    BONUS_CONDITIONS,
    DOT,
    IMAGE_MAGIC,
    NAME_BYTES,
    NAME_P,
    PLACEHOLDER,
    SPACE,
    VAR,
    Ctx,
    Hit,
    bounded_finditer,
    braced,
    concats_cached,
    decoded_payloads,
    excerpt,
    feature,
    first_arg,
    has_any,
    has_word,
    prefiltered_finditer,
    site_session_gated,
    var_assigns,
)
from spamtrace.scanner.lexer import find
from spamtrace.scanner.lexer import names as lexer_names
from spamtrace.scanner.rules import Rule
from spamtrace.scanner.rx import tight

DANGEROUS_NAMES = frozenset(
    {
        "eval", "assert", "system", "exec", "shell_exec", "passthru", "popen", "proc_open",
        "pcntl_exec", "create_function", "base64_decode", "gzinflate", "gzuncompress",
        "gzdecode", "str_rot13", "call_user_func", "call_user_func_array", "preg_replace",
        "file_put_contents", "move_uploaded_file", "fsockopen", "pfsockopen", "curl_exec",
        "assert_options", "strrev", "hex2bin", "convert_uudecode", "stream_socket_client",
        "socket_create", "php_uname", "posix_getpwuid", "chr",
    }
)  # fmt: skip


_PRINTABLE_BYTES = bytes(range(32, 127)) + b"\t\r\n"


def _printable_count(buf: bytes) -> int:
    return len(buf) - len(buf.translate(None, _PRINTABLE_BYTES))


def _entropy(buf: bytes) -> float:
    n = len(buf)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(buf).values())


_B64_ALPHA = tight(rb"[A-Za-z0-9+/=\s_\-]*")


_HEX_ALPHA = tight(rb"(?:\\x)?[0-9A-Fa-f]+")


_ALNUM_BYTES = bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123))


_SERIALIZED = tight(rb'(?:a:\d+:\{|O:\d+:"[\w\\]+":\d+:\{)(?:[sidbN][:;]|a:\d+:\{|\})')


# what an image, icon or font file starts with: base64 of one is a picture kept in the code
_MEDIA_MAGIC = (
    b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"\x00\x00\x01\x00", b"wOFF",
    b"wOF2",
)
# what would make one a carrier: PHP or a call that runs code, hidden after the header
_MEDIA_CODE = tight(rb"<\?|\b(?:eval|assert|system|exec|base64_decode|gzinflate)\b", re.I)


def _media_blob(val: bytes) -> bool:
    """Whether a base64 literal is an image, icon or web font (a favicon or a pixel that a
    script serves: ``echo base64_decode('iVBORw0KGgo...')``) with no code in it."""
    try:
        if not binascii.a2b_base64(val.lstrip()[:24]).startswith(_MEDIA_MAGIC):
            return False
        data = binascii.a2b_base64(val)
    except (binascii.Error, ValueError):
        return False
    return _MEDIA_CODE.search(data) is None


def _encodedness(val: bytes) -> str | None:
    """'base64' / 'hex' / 'binary' when a literal looks like encoded data, else None."""
    if _HEX_ALPHA.fullmatch(val) and len(val) >= 64:
        return "hex"
    if _B64_ALPHA.fullmatch(val):
        compact = val[:8192]
        if SPACE in compact.strip() and compact.count(b" ") > len(compact) // 50:
            return None  # words, not data
        if _entropy(compact) < 4.6 or _media_blob(val):
            return None
        return "base64"
    sample = val[:2048]
    if _SERIALIZED.match(sample):
        return None  # serialize() output: a data table (Unicode tables, cached options)
    alnum = len(sample) - len(sample.translate(None, _ALNUM_BYTES))
    if (
        len(val) >= 1000
        and alnum < len(sample) * 0.3
        and SPACE not in sample[:200]
        and _entropy(sample) >= 3.0
    ):
        return "symbols"  # punctuation-alphabet encodings decoded by character arithmetic
    odd = len(sample) - _printable_count(sample)
    if odd > len(sample) // 4 and _entropy(sample) > 6.0:
        return "binary"
    return None


_CONCAT_PART = tight(rb"\x01(\d+)\x01|chr\s*\(\s*(\d+)\s*\)")


_TRANSFORM = tight(rb"(strrev|str_rot13|base64_decode|hex2bin)\s*\(\s*\x01(\d+)\x01\s*\)")


_STR_REPLACE = tight(
    rb"str_(?:i)?replace\s*\(\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*\)"
)


_HEX_DIGITS = tight(rb"(?:[0-9a-fA-F]{2})+")


def _hex_name(val: bytes) -> bytes | None:
    """The bytes a short hex literal stands for ("73797374656d" -> "system"), or None."""
    return bytes.fromhex(val.decode("ascii")) if _HEX_DIGITS.fullmatch(val) else None


_PACK_HEX = tight(rb"(?<![\w$>:])pack\s*\(\s*\x01(\d+)\x01\s*,\s*\x01(\d+)\x01\s*\)")


_WRAPPER = tight(
    rb"function\s+(" + NAME_P + rb")\s*\(\s*\$" + NAME_P + rb"\s*\)\s*\{\s*return\s+"
    rb"(strrev|str_rot13|base64_decode|hex2bin)\s*\(\s*\$" + NAME_P + rb"\s*\)\s*;\s*\}"
)


_IMPLODE = tight(
    rb"(?:implode|join)\s*\(\s*\x01(\d+)\x01\s*,\s*(?:array\s*\(|\[)"
    rb"((?:\s*\x01\d+\x01\s*,){1,15}\s*\x01\d+\x01\s*,?\s*)[\])]\s*\)"
)


_NAME_DECODERS = frozenset({b"strrev", b"str_rot13", b"base64_decode", b"hex2bin"})


_JOINERS = frozenset({b"implode", b"join"})


_BUILT_CODE = tight(
    rb"(?:eval|assert|base64_decode|gzinflate|gzuncompress|str_rot13|system|shell_exec|passthru)"
    rb"\s*\("
)


def _norm_name(val: bytes) -> str:
    return val.strip().lower().decode("latin-1")


@feature("built_names")
def _built_names(ctx: Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    lx = ctx.lx
    if DOT in code:
        for m in concats_cached(ctx):
            if len(m.group(0)) > 400:
                continue
            parts = []
            for p in _CONCAT_PART.finditer(m.group(0)):
                if p.group(1) is not None:
                    parts.append(lx.value(int(p.group(1))))
                else:
                    parts.append(bytes([int(p.group(2)) & 0xFF]))
            if len(parts) < 2 or sum(len(x) for x in parts) > 40:
                if len(parts) >= 4 and _BUILT_CODE.search(b"".join(parts).lower()):
                    return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
                continue
            if _norm_name(b"".join(parts)) in DANGEROUS_NAMES:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    transforms: Iterable[re.Match[bytes]] = ()
    wrappers: dict[bytes, bytes] = {}
    if has_any(ctx, _NAME_DECODERS):
        transforms = prefiltered_finditer(_TRANSFORM, code)
        if b"return" in code:  # function d($s) { return base64_decode($s); }: d() decodes too
            found = itertools.islice(_WRAPPER.finditer(code), 20)  # bounded: one alternation
            wrappers = {m.group(1): m.group(2) for m in found}
            if wrappers:
                names = b"|".join(re.escape(w) for w in wrappers)
                wrapped = re.compile(rb"(" + names + rb")\s*\(\s*\x01(\d+)\x01\s*\)")
                transforms = itertools.chain(transforms, bounded_finditer(wrapped, code, 200))
    for m in transforms:
        fn, val = m.group(1), lx.value(int(m.group(2)))
        fn = wrappers.get(fn, fn)
        if len(val) > 60:
            continue
        if fn == b"strrev":
            out: bytes | None = val[::-1]
        elif fn == b"str_rot13":
            out = val.translate(decode._ROT13)
        elif fn == b"base64_decode":
            out = decode._b64(val) if len(val) >= 4 else None
            if out is None and len(val) >= 4:
                try:
                    import base64

                    out = base64.b64decode(val + b"=" * (-len(val) % 4))
                except ValueError:
                    out = None
        else:
            out = _hex_name(val)
        if out is not None and _norm_name(out) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    packs = prefiltered_finditer(_PACK_HEX, code) if has_word(ctx, b"pack") else ()  # literal-led
    for m in itertools.islice(packs, 50):
        fmt, val = lx.value(int(m.group(1))), lx.value(int(m.group(2)))
        out = _hex_name(val) if fmt.strip() == b"H*" else None
        if out is not None and _norm_name(out) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    joins = (
        bounded_finditer(_IMPLODE, code, 200, first=ctx.first)  # literal-led, name-bounded
        if has_any(ctx, _JOINERS)
        else ()
    )
    for m in joins:  # implode('', ['as', 'se', 'rt'])
        glue = lx.value(int(m.group(1)))
        parts = [lx.value(int(i)) for i in PLACEHOLDER.findall(m.group(2))]
        if _norm_name(glue.join(parts)) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    replaces = _STR_REPLACE.finditer(code) if has_word(ctx, b"replace") else ()
    for m in replaces:
        a, b, c = (lx.value(int(m.group(i))) for i in (1, 2, 3))
        if a and len(c) <= 80 and _norm_name(c.replace(a, b)) in DANGEROUS_NAMES:
            if _norm_name(c) in DANGEROUS_NAMES:
                continue
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    for i in lx.escaped:
        raw = lx.raw_strings[i]
        # each escape holds a backslash: count those first, then the escapes, before unescaping
        if len(raw) > 200 or raw.count(b"\\") < 2 or len(_CODE_ESCAPE.findall(raw)) < 2:
            continue
        val, esc = lx.value_esc(i)
        if esc >= 2 and len(val) <= 40 and _norm_name(val) in DANGEROUS_NAMES:
            return Hit(ctx.line_of_string(i), excerpt(lx.raw_strings[i]))
    return None


@feature("decoded_payload")
def _decoded_payload(ctx: Ctx, rule: Rule) -> Hit | None:
    # literal code (eval("..."), concatenated code text) is scanned as a layer but was not
    # encoded: the finding is for payloads that something had to decode
    payloads = [p for p in decoded_payloads(ctx) if p[2] != ("code",)]
    if not payloads:
        return None
    idx, payload, layers = payloads[0]
    return Hit(ctx.line_of_string(idx), excerpt(b"[" + "+".join(layers).encode() + b"] " + payload))


@feature("encoded_literal")
def _encoded_literal(ctx: Ctx, rule: Rule) -> Hit | None:
    min_len = int(rule.params.get("min_len", 1500))
    lx = ctx.lx
    for i in lx.long:
        raw = lx.raw_strings[i]
        if len(raw) < min_len:
            continue
        val = lx.value(i)
        if len(val) >= min_len and _encodedness(val) is not None:
            return Hit(ctx.line_of_string(i), excerpt(val[:80]))
    return None


@feature("encoded_fraction")
def _encoded_fraction(ctx: Ctx, rule: Rule) -> Hit | None:
    total = len(ctx.data)
    if total < 1000:
        return None
    lx = ctx.lx
    need = float(rule.params.get("min_fraction", 0.6)) * total
    # the encoded ones are among the literals of >= 200 bytes: where those are too few bytes
    # together, none need be measured (a large application's hundreds of long literals)
    long_bytes = sum(n for n in (len(lx.raw_strings[i]) for i in lx.long) if n >= 200)
    if long_bytes < need:
        return None
    enc = 0
    first = -1
    for i in lx.long:
        raw = lx.raw_strings[i]
        if len(raw) >= 200 and _encodedness(lx.value(i)) is not None:
            enc += len(raw)
            if first < 0:
                first = i
    if enc >= need:
        return Hit(ctx.line_of_string(first), f"{enc} of {total} bytes are encoded literals")
    return None


_CODE_ESCAPE = tight(rb"\\(?:x[0-9A-Fa-f]|[0-7]|u\{)")  # \x41, \101, \u{41} in raw text


_PRINTABLE = tight(rb"[\x20-\x7e\t\r\n]*")


@feature("escaped_literals")
def _escaped_literals(ctx: Ctx, rule: Rule) -> Hit | None:
    need = int(rule.params.get("min_escapes", 10))
    lx = ctx.lx
    for i in lx.escaped:
        if len(_CODE_ESCAPE.findall(lx.raw_strings[i])) < need:
            continue
        val, esc = lx.value_esc(i)
        if esc >= need and _PRINTABLE.fullmatch(val) and re.search(rb"[A-Za-z]{3}", val):
            return Hit(ctx.line_of_string(i), excerpt(lx.raw_strings[i]))
    return None


_RANDOM_NAME = tight(
    rb"(?m)^((?=..)(?:[o0_]*o[o0_]*0[o0_]*|[o0_]*0[o0_]*o[o0_]*|[il1_]*[il][il1_]*[l1][il1_]*|"
    rb"_+0x[0-9a-f]+|_{2,}\d*|(?=[a-z]{7,}$)[a-z]*[bcdfghjklmnpqrstvwxz]{5,}[a-z]*|[a-z]{1,3}\d{3,}|"
    rb"(?=[a-z]*\d+[a-z]+\d)(?=(?:[a-z]*\d){3})(?=(?:\d*[a-z]){3})[a-z0-9]{10,}|.*[\x80-\xff].*))$"
)


_ODD_NAMES: set[bytes] = set()  # names seen that match _RANDOM_NAME (short ones only)


_PLAIN_NAMES: set[bytes] = set()  # ... and that do not


@feature("random_identifiers")
def _random_identifiers(ctx: Ctx, rule: Rule) -> Hit | None:
    names = lexer_names(ctx.code)  # of variables and declared functions
    # a name is odd when its whole line of the "\n"-joined names matches _RANDOM_NAME (names
    # hold no newline); the answer per (short) name is cached, as names recur across files
    odd_known, plain_known = _ODD_NAMES, _PLAIN_NAMES
    if len(odd_known) + len(plain_known) > 100_000:
        odd_known.clear()
        plain_known.clear()
    need = max(int(rule.params.get("min_names", 6)),
               float(rule.params.get("min_fraction", 0)) * len(names))  # fmt: skip
    unknown = names - plain_known
    if len(unknown) < need:
        return None  # the odd names are among these: too few whatever they are
    odd = list(unknown & odd_known)
    for n in unknown - odd_known:  # set operations: no Python loop for the known
        if _RANDOM_NAME.fullmatch(n) is not None:
            odd.append(n)
            if len(n) <= 64:
                odd_known.add(n)
        elif len(n) <= 64:
            plain_known.add(n)
    # enough of them, and a share of the file's names (``need``): obfuscators rename
    # everything, while a large class or a generated parser has a few odd names among
    # hundreds of ordinary ones
    if len(odd) < need:
        return None
    low = ctx.data.lower()  # bytes.lower() keeps every offset
    odd = sorted(n for n in odd if not _joined_words(ctx.data, low, n))
    if len(odd) >= need:
        return Hit(0, excerpt(b", ".join(b"$" + n for n in odd[:8])))
    return None


_INDEX = tight(rb"[\[{]\s*(\d+|\x01\d+\x01)\s*[\]}]")


@feature("index_assembly")
def _index_assembly(ctx: Ctx, rule: Rule) -> Hit | None:
    """A chain of string indexes glued together (``$t[29].$t[8].$t[3]...``, the pattern) that
    reads a table of at least ``min_index`` + 1 characters: an alphabet that spells function
    names. Byte reordering (``$b[3].$b[2].$b[1].$b[0]`` in UUID code) and hex digit copies
    (``$hex[0].$hex[0].$hex[1]``) index short tables and are not counted."""
    assert rule.regex is not None
    least = int(rule.params.get("min_index", 16))
    value = ctx.lx.value
    for m in itertools.islice(rule.regex.finditer(ctx.code), 1000):
        for x in _INDEX.findall(m.group()):
            if x[:1] == b"\x01":  # a quoted index ($t['20']): its digits, if that is all it holds
                x = value(int(x[1:-1])).strip()
                if not x.isdigit():
                    continue
            if len(x) > 4 or int(x) >= least:
                return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end()))
    return None


_CONSONANTS = tight(rb"[bcdfghjklmnpqrstvwxz]{5,}")


_LETTERS_ONLY = tight(rb"[a-z]+")


_CAMEL_WORD = tight(rb"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+")


_VOWEL = tight(rb"[aeiouy]", re.IGNORECASE)


def _joined_words(data: bytes, low: bytes, name: bytes) -> bool:
    """Whether a lower-cased ``name`` that looks random only for a run of consonants is in
    fact words joined in camelCase in the file (``getMockFromWsdl``, ``addHTMLLink``: the code
    the rules read is lower-cased, so "mfromwsdl" looked like a random run). Each word must
    be free of such runs, and most words hold a vowel, so random mixed case (``KzXwTr``)
    still counts as random."""
    if _LETTERS_ONLY.fullmatch(name) is None or _CONSONANTS.search(name) is None:
        return False
    pos = find(low, name)
    while pos >= 0:  # the first occurrence as a whole name (``low`` is ``data`` lower-cased)
        end = pos + len(name)
        if (not pos or low[pos - 1] not in NAME_BYTES) and (
            end == len(low) or low[end] not in NAME_BYTES
        ):
            break
        pos = find(low, name, pos + 1)
    if pos < 0:
        return False
    words = _CAMEL_WORD.findall(data[pos : pos + len(name)])
    if len(words) < 2 or any(_CONSONANTS.search(w.lower()) for w in words):
        return False
    return 2 * sum(1 for w in words if _VOWEL.search(w)) >= len(words)


@feature("count")
def _count(ctx: Ctx, rule: Rule) -> Hit | None:
    assert rule.regex is not None
    hits = list(bounded_finditer(rule.regex, ctx.code, 10000, first=ctx.first))
    if len(hits) >= int(rule.params.get("min_count", 1)):
        m = hits[0]
        shown = excerpt(ctx.restore(m.group(0)))
        return Hit(ctx.line_of_code(m.start()), f"{len(hits)} times, e.g. {shown}")
    return None


@feature("distinct")
def _distinct(ctx: Ctx, rule: Rule) -> Hit | None:
    assert rule.regex is not None
    seen: dict[bytes, int] = {}
    found = (
        bounded_finditer(rule.regex, ctx.code, 2000, first=ctx.first)
        if rule.boundary
        else rule.regex.finditer(ctx.code)
    )
    for m in found:
        seen.setdefault(m.group(1), m.start())
    if len(seen) >= int(rule.params.get("min_distinct", 2)):
        first = min(seen.values())
        return Hit(ctx.line_of_code(first), excerpt(b", ".join(sorted(seen))))
    return None


@feature("packed_line")
def _packed_line(ctx: Ctx, rule: Rule) -> Hit | None:
    min_len = int(rule.params.get("min_len", 3000))
    need = int(rule.params.get("min_statements", 40))
    code = ctx.code
    half = max(1, min_len // 2)
    i = 0
    n = len(code)
    # a line of >= min_len bytes contains a whole aligned window of min_len/2 bytes
    while i + half <= n:
        if find(code, b"\n", i, i + half) < 0:
            lo = code.rfind(b"\n", 0, i) + 1
            hi = find(code, b"\n", i)
            hi = n if hi < 0 else hi
            if hi - lo >= min_len and code.count(b";", lo, hi) >= need:
                return Hit(ctx.line_of_code(lo), f"{hi - lo} bytes of code on one line")
            i = hi + 1
            continue
        i += half
    return None


_QUIET = tight(
    rb"@?(error_reporting\s*\(\s*0\s*\)|set_time_limit\s*\(\s*0\s*\)|ignore_user_abort\s*\(|"
    rb"ini_set\s*\(\s*\x01\d+\x01\s*,\s*(?:0|false|\x01\d+\x01)\s*\)|"
    rb"@?ini_set\s*\(\s*\x01\d+\x01\s*,\s*0\s*\))"
)


@feature("quiet_kit")
def _quiet_kit(ctx: Ctx, rule: Rule) -> Hit | None:
    code = ctx.code
    kinds = set()
    first = -1
    for word in (b"error_reporting", b"set_time_limit", b"ignore_user_abort", b"ini_set"):
        pos = find(code, word)
        while pos >= 0:
            m = _QUIET.match(code, pos)
            if m is not None:
                kinds.add(word)
                first = pos if first < 0 else min(first, pos)
                break
            pos = find(code, word, pos + 1)
    if len(kinds) >= 2:
        return Hit(ctx.line_of_code(first), ctx.excerpt_code(first, first + 80))
    return None


# keeps running after the visitor's connection closes (not the bare call, which only reads
# the setting), with no time limit, deletes its own script, and never leaves a loop
_KEEPS_RUNNING = tight(rb"@?ignore_user_abort\s*\(\s*(?:true|1|!\s*0)\s*\)")
_NO_TIME_LIMIT = tight(
    rb"@?set_time_limit\s*\(\s*0\s*\)|"
    rb"@?ini_set\s*\(\s*\x01\d+\x01\s*,\s*(?:0|\x01\d+\x01)\s*\)"
)
_UNLINK = tight(rb"(?<![\w$>:])unlink\s*\(")
# the script's own file: __FILE__ (or its basename, its real path), or the request's
# SCRIPT_FILENAME, as the argument or through a variable set to it
_OWN_FILE = tight(
    rb"@?\s*(?:(?:basename|realpath)\s*\(\s*__file__\s*\)|__file__|"
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*"
)
_TAIL_OWN_FILE = tight(
    rb"\s*=\s*(?:(?:basename|realpath)\s*\(\s*__file__\s*\)|__file__|"
    rb"\$_server\s*\[\s*\x01(\d+)\x01\s*\])\s*;"
)
_ENDLESS_LOOP = tight(rb"\bwhile\s*\(\s*(?:true|1|!\s*0)\s*\)|\bfor\s*\(\s*;\s*;\s*\)")
# what leaves a loop: a loop with one of these in its body ends
_LEAVES = tight(rb"\b(?:break|return|exit|die)\b")
_SELF_NAMES = frozenset({b"script_filename", b"php_self", b"script_name"})
_NO_LIMIT_SETTING = frozenset({b"max_execution_time"})


@feature("self_deleting_resident")
def _self_deleting_resident(ctx: Ctx, rule: Rule) -> Hit | None:
    """A script that, once requested, deletes its own file and stays in memory: it keeps
    running after the visitor's connection closes (ignore_user_abort(true)) with no time
    limit and, once its file is gone, enters a loop that never ends, where it rewrites a
    backdoor, polls a controller or watches a file: a resident ("immortal") shell no file on
    disk shows. An installer deletes itself when it is done and leaves; a worker that loops
    for ever is a file the site keeps; a big shell's "remove me" button is followed by no
    endless loop."""
    code = ctx.code
    if _KEEPS_RUNNING.search(code) is None or _ENDLESS_LOOP.search(code) is None:
        return None
    value = ctx.lx.value
    limit = False
    for m in itertools.islice(_NO_TIME_LIMIT.finditer(code), 20):
        lits = [int(x) for x in PLACEHOLDER.findall(m.group(0))]
        if not lits or (  # set_time_limit(0), or ini_set('max_execution_time', 0 or '0')
            value(lits[0]).strip().lower() in _NO_LIMIT_SETTING
            and (len(lits) == 1 or value(lits[1]).strip() == b"0")
        ):
            limit = True
            break
    if not limit:
        return None
    for m in itertools.islice(_UNLINK.finditer(code), 40):
        arg = first_arg(code[m.end() : m.end() + 200])
        if _names_own_file(ctx, arg) and _endless_loop_after(code, m.end()):
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    return None


def _names_own_file(ctx: Ctx, arg: bytes) -> bool:
    """Whether the unlink() argument ``arg`` is the script's own file."""
    value = ctx.lx.value
    arg = arg.strip()
    own = _OWN_FILE.fullmatch(arg)
    if own is not None:
        return own.group(1) is None or value(int(own.group(1))).strip().lower() in _SELF_NAMES
    v = VAR.fullmatch(arg.strip().lstrip(b"@").strip())
    if v is None:
        return False
    for _, am in var_assigns(ctx.code, v.group(1), _TAIL_OWN_FILE, 4):
        if am.group(1) is None or value(int(am.group(1))).strip().lower() in _SELF_NAMES:
            return True
    return False


def _endless_loop_after(code: bytes, start: int) -> bool:
    """Whether a loop that never ends starts after ``start``: while (1), while (true),
    for (;;) whose body has no break, return, exit or die (the closing while of a do-loop
    counts as it is)."""
    for loop in itertools.islice(_ENDLESS_LOOP.finditer(code, start), 10):
        rest = code[loop.end() : loop.end() + 40].lstrip()
        if rest.startswith(b";"):
            return True  # } while (true);
        if rest.startswith(b"{"):
            body = braced(code, code.index(b"{", loop.end()))
            if _LEAVES.search(body) is None:
                return True
    return False


_IMAGE_EXT = re.compile(
    r"\.(?:ico|png|jpe?g|gif|bmp|webp|svg|txt|log|css|js|pdf|mp3|ttf|woff2?|zip)$", re.IGNORECASE
)


# text that documents code: PHP here counts only where it is the file itself (it starts the
# file), not an example among the prose (a plugin's readme.txt: "put <?php the_gallery(); ?>
# in your template")
_TEXT_EXT = re.compile(r"\.(?:txt|md|markdown|rst)$", re.IGNORECASE)
_LEADING = b"\xef\xbb\xbf \t\r\n"


@feature("php_in_image")
def _php_in_image(ctx: Ctx, rule: Rule) -> Hit | None:
    if ctx.layer or not ctx.lx.php_regions:
        return None
    magic = ctx.data.startswith(IMAGE_MAGIC)
    if magic or _IMAGE_EXT.search(ctx.name):
        pos = find(ctx.data, b"<?")
        if not magic and _TEXT_EXT.search(ctx.name) and ctx.data[:pos].strip(_LEADING):
            return None  # prose before the first open tag: an example in a document
        what = "image data" if magic else "a non-PHP extension"
        return Hit(ctx.data.count(b"\n", 0, pos) + 1, f"PHP open tag in a file with {what}")
    return None


def _signed_in_only(ctx: Ctx, line: int) -> bool:
    """Whether line ``line`` of the file runs only for a visitor the site's own sign-in let
    in (:func:`site_session_gated`: after ``if (!isset($_SESSION['user'])) { header(...);
    exit; }`` for a key the file never sets). A script planted on the site has no session of
    the site to rely on; a page behind it is part of the site."""
    code = ctx.code
    pos = 0
    for _ in range(line - 1):
        pos = find(code, b"\n", pos) + 1
        if pos <= 0:
            return False
    while pos < len(code) and code[pos] in b" \t":
        pos += 1
    return site_session_gated(ctx, pos)


# a run of spaces and tabs long enough to push what follows past any editor's right edge
_BLANK_RUN = tight(rb"[ \t]{150,}")
# an opening tag: "<?php", "<?=" or a short "<?" (not "<?xml")
_OPEN_TAG_AT = tight(rb"<\?(?!xml)")
_TAG_BEFORE = tight(rb"<\?(?:php|=)?$")
# 150 blanks in a row are 150 spaces once each tab is read as one
_TAB_AS_SPACE = bytes.maketrans(b"\t", b" ")
_SPACES = b" " * 150


@feature("code_past_blanks")
def _code_past_blanks(ctx: Ctx, rule: Rule) -> Hit | None:
    """PHP pushed out of sight on its line: an opening tag after text of the line and a
    run of 150 or more spaces or tabs (``</script>      …      <?file_put_contents(…)``),
    or code right after an opening tag and such a run (``<?php      …      @eval(…)``).
    Someone who opens the file sees the page or a blank first line; the code sits far to the
    right. Indentation starts a line and is no such run; layouts pad with markup."""
    if ctx.layer:
        return None
    data = ctx.data
    # most files hold no such run: a search for 150 spaces says so (the pattern counted a
    # run's blanks again from each of its offsets: ~8 % of a large clean file's scan)
    if (data.translate(_TAB_AS_SPACE) if b"\t" in data else data).find(_SPACES) < 0:
        return None
    for m in itertools.islice(_BLANK_RUN.finditer(data), 200):
        start, end = m.span()
        line = data.rfind(b"\n", 0, start) + 1
        if _OPEN_TAG_AT.match(data, end) is not None and data[line:start].strip():
            return Hit(data.count(b"\n", 0, start) + 1, f"PHP tag after {end - start} blanks")
        nxt = data[end : end + 1]
        if nxt.strip() and _TAG_BEFORE.search(data[max(line, start - 5) : start]) is not None:
            return Hit(data.count(b"\n", 0, start) + 1, f"code after {end - start} blanks")
    return None


@feature("small_file")
def _small_file(ctx: Ctx, rule: Rule) -> Hit | None:
    """A small file whose other findings already make it suspicious: droppers, backdoors and
    mailers are a few lines that do only the flagged thing, while legitimate code with the
    same construct sits among a lot of ordinary code."""
    hits: dict[str, tuple[Rule, Hit, int]] = ctx.cache["hits"]
    if len(ctx.data) > int(rule.params.get("max_size", 4096)):
        return None
    score = 0
    for r, hit, layer in hits.values():
        if r.params.get("no_small_bonus"):
            continue  # legitimate uses in small files (a careless upload, a contact form)
        if layer == 0 and hit.line and _signed_in_only(ctx, hit.line):
            continue  # behind the site's own sign-in: a page of the site, not a planted script
        cond = r.params.get("small_bonus_if")
        if cond and not BONUS_CONDITIONS[cond](ctx):
            continue  # the plain use of the call (mail to the address typed, in own words)
        score += r.weight
    if score < int(rule.params.get("min_score", 5)):
        return None
    return Hit(0, f"{len(ctx.data)} bytes, other findings score {score}")


_VARVAR = tight(rb"\$\{\s*\$(" + NAME_P + rb")\s*\}|\$\$(" + NAME_P + rb")")
# ``${`` and an expression that is no single variable (those are _VARVAR's)
_VARVAR_EXPR = tight(rb"\$\{(?!\s*\$" + NAME_P + rb"\s*\})")
_SUPERGLOBALS = frozenset(
    {b"_get", b"_post", b"_request", b"_cookie", b"_server", b"_files", b"globals", b"_env"}
)


@feature("folded_superglobal")
def _folded_superglobal(ctx: Ctx, rule: Rule) -> Hit | None:
    """A variable variable (``${$a}``, ``$$a``) whose name the script computed from literals
    into a superglobal (``$a = "~+d()" ^ "!{+{}"`` is ``_POST``): request input read under a
    name no reader or scanner sees."""
    if not has_any(ctx, (b"${", b"$$")):
        return None  # every variable variable starts with one of them (gate words: no search)
    code = ctx.code
    env = fold.Env(code, ctx.lx, ctx.cache)
    for m in bounded_finditer(_VARVAR, code, 500):
        var = m.group(1) or m.group(2)
        held = env.get(var, m.start())
        if held is not None and held[1] and held[0].strip().lower() in _SUPERGLOBALS:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), m.end() + 40))
    # the name computed inside the braces: ${(chr(63) ^ chr(96)) . 'GET'}, ${'_PO' . 'ST'}
    for m in bounded_finditer(_VARVAR_EXPR, code, 500):
        f = fold.fold_at(code, ctx.lx, m.end(), env)
        if f is None or not f.built:
            continue
        close = _skip_ws(code, f.end)
        if code[close : close + 1] != b"}":
            continue
        if f.value.strip().lower() in _SUPERGLOBALS:
            return Hit(ctx.line_of_code(m.start()), ctx.excerpt_code(m.start(), f.end + 40))
    return None


_WS_RUN = tight(rb"\s*")


def _skip_ws(code: bytes, pos: int) -> int:
    m = _WS_RUN.match(code, pos)
    return m.end() if m else pos


# variables named only with underscores ($_, $__, $___) and string placeholders: what a
# statement written without letters or digits may still hold
_SYMBOL_NAMES = tight(rb"\$_+(?![\w\x80-\xff])|\x01\d+\x01")
_LETTER_OR_DIGIT = tight(rb"[a-z0-9\x80-\xff]")
# a call through such a variable or one of its items: $_(...), $__[$_](...), $_[@-_](...)
_SYMBOL_CALL = tight(rb"\$_+(?![\w\x80-\xff])(?:\s*\[[^\]\n]{0,40}\])*\s*\(")


@feature("symbol_only_call")
def _symbol_only_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A run of statements with no letter or digit at all, only variables named with
    underscores and operators (``$_[] = @!+_; $__ = @${_} >> $_; ... $_[@-_]($_[@!+_]);``),
    that calls one of those variables: function names and superglobals spelled from the
    bits of ``!``, ``_`` and ``++``, a backdoor no word list sees. Code people write names
    things; even minified PHP keeps its function names."""
    code = ctx.code
    need = int(rule.params.get("min_statements", 4))
    run = 0
    called = -1
    pos = 0
    for stmt in itertools.islice(code.split(b";"), 2000):
        start, pos = pos, pos + len(stmt) + 1
        body = stmt.strip()
        if not body:
            continue
        if b"$_" not in body or _LETTER_OR_DIGIT.search(_SYMBOL_NAMES.sub(b"", body)):
            run, called = 0, -1
            continue
        run += 1
        m = _SYMBOL_CALL.search(stmt)
        if m is not None and called < 0:
            called = start + m.start()
        if run >= need and called >= 0:
            return Hit(ctx.line_of_code(called), ctx.excerpt_code(called, called + 60))
    return None


# a string literal, a bitwise operator on strings (not ||, &&, ^=, |=, &=) and another
# literal or a bare word (an undefined constant: its own name in PHP 7), ~ allowed
_BIT_AFTER_LITERAL = tight(
    rb"\x01\d+\x01\s*([\^|&])(?![|&=^])\s*~?\s*(?:\x01\d+\x01|[a-z_][a-z0-9_]*(?![\w\x80-\xff(\\:$]))"
)
# an operator a literal follows (no lookbehind: it would make the search try every byte);
# that it is not half of ||, && or ^=, and that a bare word precedes it, are checked after
_BIT_BEFORE_LITERAL = tight(rb"([\^|&])\s*~?\s*\x01\d+\x01")
_BIT_OPS = (b"^", b"|", b"&")
_BARE_WORD_END = tight(rb"(?<![\w\x80-\xff$>:\\])~?\s*[a-z_][a-z0-9_]*\s*$")


@feature("bitwise_literals")
def _bitwise_literals(ctx: Ctx, rule: Rule) -> Hit | None:
    """String literals XOR-ed, OR-ed or AND-ed with each other or with bare words
    (``'W2vzV' ^ SJJs``, ``'pu7T' | ~X2Zq``, ``"k/]*" & WuTt``): each operation makes
    characters that appear nowhere in the file, the way droppers spell the functions they
    call. Bit flags combine constants and integers, not strings."""
    code = ctx.code
    need = int(rule.params.get("min_count", 3))
    ops: dict[int, tuple[int, int]] = {}  # operator position -> the operation's span
    for m in itertools.islice(_BIT_AFTER_LITERAL.finditer(code), 10000):
        ops.setdefault(m.start(1), (m.start(), m.end()))
    if len(ops) < need:
        for m in itertools.islice(_BIT_BEFORE_LITERAL.finditer(code), 10000):
            op = m.start(1)
            if op in ops or code[op - 1 : op] in _BIT_OPS or code[op + 1 : op + 2] == b"=":
                continue
            b = _BARE_WORD_END.search(code, max(0, op - 64), op)
            if b is not None:
                ops[op] = (b.start(), m.end())
            if len(ops) >= need:
                break
    if len(ops) < need:
        return None
    start, end = min(ops.values())
    shown = excerpt(ctx.restore(code[start:end].strip()))
    return Hit(ctx.line_of_code(start), f"{len(ops)} times, e.g. {shown}")


# ------------------------------------------------------- names read off a string's offsets
# one character of a variable's string at an offset: $v{...} or $v[...] (no brackets inside)
_IDX = rb"(?:\{[^{}\[\];]{1,200}\}|\[[^{}\[\];]{1,200}\])"
# a read of a variable at an offset glued on ("." then $v{ or $v[): where a chain of them is
# looked for (what stands before the "." is checked apart: a pattern that starts with a
# bracket class was tried at every offset, four times slower than one that starts with ".")
_OFFSET_JOIN = tight(rb"\.\s*\$([a-z_]\w*)\s*[\[{]")
# four or more characters of one string glued and called at once, or kept in a variable
# that is called within the next 3,000 bytes
_CHAR_OFFSET_CALL = tight(
    rb"\(\s*\$([a-z_]\w*)\s*" + _IDX + rb"\s*\.\s*(?:\$\1\s*" + _IDX + rb"\s*\.\s*){2,10}"
    rb"\$\1\s*" + _IDX + rb"\s*\)\s*\(|"
    rb"\$([a-z_]\w*)\s*=\s*\$([a-z_]\w*)\s*" + _IDX + rb"\s*\.\s*(?:\$\3\s*" + _IDX
    + rb"\s*\.\s*){2,10}\$\3\s*" + _IDX + rb"\s*;(?=[\s\S]{0,3000}?(?<![\w$>:])\$\2\s*\()"
)


@feature("char_offset_call")
def _char_offset_call(ctx: Ctx, rule: Rule) -> Hit | None:
    """A function name assembled from four or more single characters of one string, each
    read at an offset (``$v{round(pow(27784,0))} . $v{sqrt(16)} ...``), and called at once
    or kept in a variable that is then called. Looked for around each chain of glued
    offset reads (the whole pattern tried at every "(" and "$" of a file was 3 % of a pass);
    a captcha or a code generator glues characters too, but calls nothing it made."""
    code = ctx.code
    # chains of glued reads (joins less than 250 bytes apart), each with the variable it
    # reads most; a chain of three joins of one variable is searched around
    chain_at = chain_end = -1
    names: Counter[bytes] = Counter()
    joins = (
        j for j in _OFFSET_JOIN.finditer(code)
        if code[max(0, j.start() - 40) : j.start()].rstrip()[-1:] in (b"]", b"}")
    )
    for j in itertools.chain(itertools.islice(joins, 200), [None]):
        if j is not None and chain_end >= 0 and j.start() < chain_end + 250:
            chain_end = j.end()
            names[j.group(1)] += 1
            continue
        if names and names.most_common(1)[0][1] >= 3:
            m = _CHAR_OFFSET_CALL.search(code, max(0, chain_at - 400), chain_end + 3400)
            if m is not None:
                at = m.start()
                return Hit(ctx.line_of_code(at), ctx.excerpt_code(at, at + 120))
        if j is None:
            break
        chain_at, chain_end = j.start(), j.end()
        names = Counter({j.group(1): 1})
    return None

