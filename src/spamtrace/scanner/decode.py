"""Static layer decoding: peel base64 / gzip / rot13 / reverse / hex / urlencoding layers.

Nothing is ever executed: each layer is a pure byte transform that PHP's own decoders would
apply (``base64_decode``, ``gzinflate``/``gzuncompress``/``gzdecode``, ``str_rot13``,
``strrev``, ``hex2bin``, ``rawurldecode``). Depth, output size and the number of attempts are
bounded, so a decompression bomb or a deep onion costs a bounded amount of work.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Callable

MAX_DEPTH = 6
MAX_OUTPUT = 4 * 1024 * 1024
MAX_ATTEMPTS = 40

_B64 = re.compile(rb"[A-Za-z0-9+/_\-\s]+={0,2}\s*")
_HEX = re.compile(rb"(?:[0-9A-Fa-f]{2})+")
_PCT = re.compile(rb"%[0-9A-Fa-f]{2}")
_WS_BYTES = b" \t\n\r\x0b\x0c"  # what \s matches in a bytes regex
_ROT13 = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    b"NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
# Decoded text that reads as PHP code (two different signs needed).
_PHP_SIGNS = re.compile(
    rb"<\?php|\$[A-Za-z_\x80-\xff][\w\x80-\xff]*\s*(?:=|\[|->|\()|\b(?:eval|assert|function|echo|"
    rb"return|base64_decode|gzinflate|system|exec|if|foreach|isset|die|exit)\s*\(?|\)\s*;|\}\s*else"
)


_PRINTABLE = bytes(range(32, 127)) + b"\t\r\n"


def looks_like_php(buf: bytes) -> bool:
    if len(buf) < 8:
        return False
    sample = buf[:4096]
    printable = len(sample) - len(sample.translate(None, _PRINTABLE))
    if printable < 0.85 * len(sample):
        return False
    # the first two different signs decide (a 4 KB sample of code holds hundreds)
    first = None
    for m in _PHP_SIGNS.finditer(sample):
        sign = m.group(0)[:6]
        if first is None:
            first = sign
        elif sign != first:
            return True
    return False


def _b64(buf: bytes) -> bytes | None:
    if len(buf) < 16 or not _B64.fullmatch(buf):
        return None
    compact = buf.translate(None, _WS_BYTES)
    if compact.find(b"-") >= 0 or compact.find(b"_") >= 0:  # find: no TypeError inside
        compact = compact.replace(b"-", b"+").replace(b"_", b"/")
    compact = compact.rstrip(b"=")
    compact += b"=" * (-len(compact) % 4)
    try:
        out = base64.b64decode(compact, validate=False)
    except (binascii.Error, ValueError):
        return None
    return out or None


def _inflate(buf: bytes) -> bytes | None:
    for wbits in (-15, 15, 31):
        d = zlib.decompressobj(wbits)
        try:
            out = d.decompress(buf, MAX_OUTPUT)
        except zlib.error:
            continue
        if out:
            return out
    return None


def _hex(buf: bytes) -> bytes | None:
    if len(buf) < 16 or not _HEX.fullmatch(buf):
        return None
    return bytes.fromhex(buf.decode("ascii"))


def _urldecode(buf: bytes) -> bytes | None:
    if len(_PCT.findall(buf[:2048])) < 8:
        return None
    return _PCT.sub(lambda m: bytes([int(m.group(0)[1:], 16)]), buf)


def _mostly_binary(buf: bytes) -> bool:
    sample = buf[:512]
    return len(sample.translate(None, _PRINTABLE)) > len(sample) // 8


def peel(
    buf: bytes,
    uses: frozenset[str],
    check: Callable[[], None] | None = None,
) -> tuple[bytes, tuple[str, ...]] | None:
    """Decode ``buf`` through up to MAX_DEPTH layers until it reads as PHP code.

    ``uses`` names the decoders the surrounding code calls (``rot13``, ``strrev``, ``hex``,
    ``url``): text transforms are only tried when the code uses them, so that random text is
    not "decoded" by chance. Returns the payload and the list of layers, or None.
    """
    if buf.startswith(b"\x00code\x00"):  # code held in literals (glued pieces, eval("...")
        return buf[6:], ("code",)
    attempts = 0
    stack: list[tuple[bytes, tuple[str, ...]]] = [(buf, ())]
    while stack:
        cur, path = stack.pop()
        if path and looks_like_php(cur):
            return cur, path
        if len(path) >= MAX_DEPTH:
            continue
        attempts += 1
        if attempts > MAX_ATTEMPTS:
            return None
        if check is not None:
            check()
        nexts: list[tuple[bytes, str]] = []
        if _mostly_binary(cur):
            out = _inflate(cur)
            if out is not None:
                nexts.append((out, "inflate"))
        else:
            stripped = cur.strip()
            if "strrev" in uses:
                nexts.append((stripped[::-1], "strrev"))
            if "rot13" in uses:
                nexts.append((stripped.translate(_ROT13), "rot13"))
            if "url" in uses:
                out = _urldecode(stripped)
                if out is not None:
                    nexts.append((out, "urldecode"))
            out = _hex(stripped)
            if out is not None:
                nexts.append((out, "hex"))
            out = _b64(stripped)
            if out is not None:
                nexts.append((out, "base64"))
        for out, name in nexts:
            if name in ("strrev", "rot13") and path and path[-1] == name:
                continue  # applying them twice is the identity
            stack.append((out[:MAX_OUTPUT], (*path, name)))
    return None
