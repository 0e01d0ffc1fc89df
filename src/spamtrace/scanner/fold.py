"""A safe constant folder over the lexed code: the values that string expressions of
literals compute, found without running anything.

Droppers build the names they call: ``'uXOKbTeNFi>p]qB' ^ "\\x16\\x2a..."`` is
``create_function``, ``~"\\x9a\\x89..."`` is ``eval``-like text, ``substr($m, 0, 3) .
substr($m, 4)`` drops the decoy letter of ``'sysatem'``, ``strrev('tressa')`` is ``assert``.
:func:`folded` reads the lexed code (literals are placeholders whose values the lexer
resolved) and folds, with PHP's semantics:

- concatenation ``.``, XOR ``^`` of two strings (the shorter length), bitwise not ``~``;
- ``chr(N)``, ``strrev``, ``str_rot13``, ``base64_decode``, ``hex2bin``, ``strtolower``,
  ``strtoupper``, ``ucfirst``, ``lcfirst``, ``trim``/``ltrim``/``rtrim`` (with a list of
  characters too), ``substr(s, start[, length])``, ``substr_replace(s, r, start[,
  length])``, ``str_replace(a, b, s)`` of folded arguments, called by name or through a
  variable that holds the name; an integer argument may be arithmetic (``+ - * %``, exact
  ``/``, parentheses, ``==``/``!=``, ``true``/``false``, ``ord()`` of a folded string or of
  such arithmetic: ``chr(47 + ord(1 == 1))`` is "`");
- a variable assigned a folded value earlier in the file (``$a = 'ass'; $b = $a . 'ert';``);
- a constant the file defines with a folded value (``define('F', 'sys' . 'tem')``,
  ``const F = 'assert';``), read by its bare name: a name hidden behind a constant counts as
  built;
- inside a named function, a parameter it does not assign: the one value every call of the
  function passes (at most :data:`MAX_CALL_SITES` calls), or its default;
- a call of the file's own function whose body is one ``return <expression>;``, with the
  parameters bound to the call's folded arguments;
- a property: ``$o->fn`` (its last assignment before), ``$this->fn`` (the one value all its
  assignments, or its declaration, give it);
- arrays: literals, ``str_split``, ``explode``, ``array_reverse``, ``array_map`` of a folding
  function's name (``array_map('chr', [115, 121])``), read by ``implode``/``join`` or an item
  (``$a[0]``); a character of a string (``'abc'[1]``, ``$s[1]``, ``$s{1}``);
- ``sprintf``/``vsprintf`` (``%s %d %c %x %o %b %%``, argument numbers, padding),
  ``str_pad``, ``str_repeat``, ``strtr`` (three arguments, or a table), ``str_replace`` with
  lists, ``urldecode``/``rawurldecode``, ``ucwords``, ``pack('H*' | 'A*' | 'a*' | 'C*', ...)``,
  ``gzinflate``/``gzuncompress``/``gzdecode`` (at most :data:`MAX_VALUE` bytes out), hex
  integers (``chr(0x73)``), ``base_convert`` (``base_convert(1751504350, 10, 36)`` is
  "system").

Everything else (any other call, an array, a variable set from anything else) stops the
fold: the expression has no constant value. Bounded: the values are at most
:data:`MAX_VALUE` bytes, the file's assignments at most :data:`MAX_ASSIGNMENTS`, the nesting
at most :data:`MAX_DEPTH`. Nothing is executed, included or evaluated by PHP.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import collections
import itertools
import math
import re
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from spamtrace.scanner.context import (
    brace_end,
    close_paren,
    expression,
    find_calls,
    next_concat_start,
    prefiltered_finditer,
    top_args,
    var_mentions,
    varcalls,
    word_searcher,
)
from spamtrace.scanner.interp import written_out
from spamtrace.scanner.lexer import Lexed, _unescape_dq, find
from spamtrace.scanner.rx import compile_possessive, tight

T = TypeVar("T")

MAX_VALUE = 4096
MAX_ASSIGNMENTS = 4000
MAX_DEPTH = 12

_WS = compile_possessive(rb"[\s@]*+")  # whitespace, and the error-silencing @ (it changes no value)
_PLACE = tight(rb"\x01(\d+)\x01")
_INT = tight(rb"-?\d{1,6}(?![\d.x])")
# a plain variable in a double-quoted string: ``{$name}`` or ``$name``
_PLAIN_INTERPOLATION = tight(
    rb"\{\$([a-zA-Z_\x80-\xff][\w\x80-\xff]*)\}|\$([a-zA-Z_\x80-\xff][\w\x80-\xff]*)"
)
MAX_INTERPOLATED = 8  # variables in one string that the folder reads
_VAR = compile_possessive(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*+)")
_CALL = compile_possessive(rb"([a-z_\x80-\xff][a-z0-9_\x80-\xff]*+)\s*+\(")
_BARE = compile_possessive(rb"([a-z_][a-z0-9_]*+)(?!\s*+(?:\(|::|\\))")
# define('NAME', ...) / const NAME = ...: where a constant gets its value
_DEFINE = compile_possessive(rb"(?<![\w$>:])define\s*+\(\s*+\x01(\d+)\x01\s*+,")
_CONST = compile_possessive(rb"(?<![\w$>:])const\s++([a-z_][a-z0-9_]*+)\s*+=(?![=>])")
#: ``$name =`` (not ``==``, ``=>``), or ``$name .=``
_ASSIGN = compile_possessive(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+(\.?)=(?![=>])")
#: ``new Cls(`` after an assignment's "="
_NEW_CALL = compile_possessive(rb"\s*+new\s++\\?([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+\(")
#: a constructor's head up to its "("
_CONSTRUCTOR = compile_possessive(rb"function\s++__construct\s*+\(")
#: a promoted parameter: a visibility or readonly word before the type and the name
_PROMOTED = tight(
    rb"\s*(?:(?:public|private|protected|readonly)\s+)+[^$]{0,60}?\$([a-z_\x80-\xff][\w\x80-\xff]*)"
)


def _promoted_param(param: bytes) -> bytes | None:
    """The name of a constructor parameter that is promoted to a property, or None."""
    m = _PROMOTED.match(param)
    return m.group(1) if m is not None else None


def _nth_arg_start(code: bytes, start: int, end: int, index: int) -> int:
    """Where the ``index``-th top-level argument of the call text ``code[start:end]``
    begins, or -1."""
    if index == 0:
        return start if code[start:end].strip() else -1
    depth = 0
    seen = 0
    for i in range(start, end):
        c = code[i]
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
        elif c == 44 and depth == 0:
            seen += 1
            if seen == index:
                return i + 1
    return -1


#: a named function's head, up to its "(": ``function f(``, ``function &f(``
_FUNC = compile_possessive(
    rb"(?<![\w$>:\\])function\s++&?\s*+([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+\("
)
#: one parameter: ``$a``, ``string $a = 'x'``, ``?int &$a``, and whether a default follows
_PARAM = compile_possessive(
    rb"\s*+(?:[a-z_\\?|][\w\\|]*+\s++)?&?\s*+\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+(=)?"
)
#: the calls whose value is an array of folded strings (:meth:`_Parser.array_value`)
_ARRAY_CALL = compile_possessive(rb"(str_split|explode|array_reverse|array_map)\s*+\(")
#: an argument that is an array: a literal, or a call whose value is one
_ARRAYISH = compile_possessive(
    rb"(?:\[|array\s*+\(|(?:str_split|explode|array_reverse|array_map)\s*+\()"
)
_DIGIT_RUN = compile_possessive(rb"\d{1,20}(?![\w.])")
_HEX = compile_possessive(rb"0x([0-9a-f]{1,8})(?![\w.])")
#: one conversion of a sprintf() format: %[argnum$][flags][width][.precision]specifier
_SPEC = tight(rb"%(?:(\d+)\$)?((?:[-+ 0]|'.)*)(\d+)?(?:\.(\d+))?([bcdeufFosxX%])", re.DOTALL)
MAX_ARGS = 32
_BOOL = compile_possessive(rb"(true|false|1|0)\b")
_HEAD_PARAMS = compile_possessive(rb"function\s*+&?\s*+[\w\x80-\xff]*+\s*+\(([^)]*+)")
_OWNER = compile_possessive(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+->\s*+$")
_PROP = compile_possessive(rb"->\s*+([a-z_\x80-\xff][\w\x80-\xff]*+)")
#: what follows a name in ``name = ...`` / ``name .= ...``, and in a call ``name(``
_SET_TAIL = compile_possessive(rb"\s*+(\.?)=(?![=>])")
_CALL_TAIL = compile_possessive(rb"\s*+\(")
#: a property's declaration: ``private $name =``, ``public static ?int $name =``
_DECLARED = compile_possessive(
    rb"(?<![\w$])(?:var|public|protected|private)\s++(?:readonly\s++)?"
    rb"(?:\??[a-z_\\][\w\\|]*+\s++)?\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+=(?![=>])"
)
MAX_FUNCTIONS = 500  # functions whose parameters are folded, per file
MAX_CALL_SITES = 8  # a function called more often: its parameters have no value
MAX_CALL_LOOKUPS = 24  # functions whose calls are looked up, per file
MAX_BODY = 200_000  # a function's body longer than this: its extent is not worked out
_BRACE = tight(rb"[{}]")
MAX_PROPERTY_SITES = 8  # a property assigned more often: no value


# a "$" that PHP reads as a variable in a double-quoted string or heredoc: "$a", "${a}", "{$a}";
# not "\$a" (an escaped "$" is the character itself), nor a "$" before no name ("5$")
_INTERPOLATION = tight(rb"(?<!\\)(?:\\\\)*\$[a-z_A-Z{\x80-\xff]")


def interpolates(raw: bytes) -> bool:
    """Whether the text of a double-quoted string or heredoc (as written) has a variable
    in it: its value is then not a constant."""
    return find(raw, b"$") >= 0 and _INTERPOLATION.search(raw) is not None


def _rot13(v: bytes) -> bytes:
    return codecs.encode(v.decode("latin-1"), "rot13").encode("latin-1")


def _b64(v: bytes) -> bytes | None:
    try:
        return base64.b64decode(v + b"=" * (-len(v) % 4), validate=False)
    except (binascii.Error, ValueError):
        return None


def _hex2bin(v: bytes) -> bytes | None:
    try:
        return binascii.unhexlify(v)
    except (binascii.Error, ValueError):
        return None


def _inflate(wbits: int) -> Callable[[bytes], bytes | None]:
    """A decompressor that gives at most MAX_VALUE bytes (None beyond, or on bad data): a
    bomb costs nothing."""

    def run(v: bytes) -> bytes | None:
        d = zlib.decompressobj(wbits)
        try:
            out = d.decompress(v, MAX_VALUE + 1)
        except zlib.error:
            return None
        return None if len(out) > MAX_VALUE or d.unconsumed_tail else out

    return run


def _ucwords(v: bytes) -> bytes:
    out = bytearray(v)
    for i in range(len(out)):
        if i == 0 or out[i - 1] in b" \t\r\n\f\v":
            out[i : i + 1] = bytes(out[i : i + 1]).upper()
    return bytes(out)


_UNARY: dict[bytes, Callable[[bytes], bytes | None]] = {
    b"strrev": lambda v: v[::-1],
    b"str_rot13": _rot13,
    b"base64_decode": _b64,
    b"hex2bin": _hex2bin,
    b"strtolower": lambda v: v.lower(),
    b"strtoupper": lambda v: v.upper(),
    b"trim": lambda v: v.strip(b" \t\n\r\0\x0b"),
    b"ltrim": lambda v: v.lstrip(b" \t\n\r\0\x0b"),
    b"rtrim": lambda v: v.rstrip(b" \t\n\r\0\x0b"),
    b"ucfirst": lambda v: v[:1].upper() + v[1:],
    b"lcfirst": lambda v: v[:1].lower() + v[1:],
    b"ucwords": _ucwords,
    b"urldecode": lambda v: urllib.parse.unquote_to_bytes(v.replace(b"+", b" ")),
    b"rawurldecode": urllib.parse.unquote_to_bytes,
    b"gzinflate": _inflate(-15),
    b"gzuncompress": _inflate(15),
    b"gzdecode": _inflate(31),
    b"strval": lambda v: v,
}


#: the functions :meth:`_Parser.call` folds (by name, as written in the lexed code)
# bare words that are no constant's name
_KEYWORDS = frozenset(
    {b"true", b"false", b"null", b"array", b"new", b"clone", b"print", b"and", b"or", b"xor",
     b"instanceof", b"as", b"function", b"fn", b"static", b"self", b"parent", b"list",
     b"isset", b"empty", b"include", b"require", b"include_once", b"require_once", b"eval"}
)  # fmt: skip
_FOLDING_CALLS = frozenset(
    {b"chr", b"substr", b"substr_replace", b"str_replace", b"str_ireplace", b"str_pad",
     b"str_repeat", b"strtr", b"sprintf", b"vsprintf", b"pack", b"base_convert", *_UNARY}
)  # fmt: skip
#: the folding calls that take an array argument (read by :meth:`_Parser.mixed_args`)
_ARRAY_ARG_CALLS = frozenset({b"str_replace", b"str_ireplace", b"strtr", b"vsprintf"})


class _NoValue(Exception):
    """The expression has no constant value (or is beyond the folder's bounds)."""


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded expression: where it is in the lexed code, its value, and whether folding
    did anything (``built``: a plain literal, or a variable holding one, is not built)."""

    start: int
    end: int
    value: bytes
    built: bool


@dataclass(slots=True)
class _FileIndex:
    """What :class:`Env` finds by searching the file alone, whatever it folds: the
    assignments of each variable, the constants, the named functions and their heads, the
    properties' declarations, where a body closes. Several rules fold in one file, each with
    an Env of its own (an Env's folded values depend on what it was asked before): they
    share this, found once."""

    code: bytes
    lx: Lexed
    index: dict[bytes, list[re.Match[bytes]]] = field(default_factory=dict)
    whole: bool | None = None  # all assignments indexed at once; None: undecided
    constants: dict[bytes, int] | None = None  # name -> where its value starts
    functions: list[tuple[re.Match[bytes], int]] | None = None
    param_names: set[bytes] = field(default_factory=set)
    closes: dict[int, int] = field(default_factory=dict)  # "{" -> its "}"
    # with ``functions``, found in the same pass (see Env._scan_functions)
    head_vars: set[bytes] = field(default_factory=set)
    defines: collections.Counter[bytes] = field(default_factory=collections.Counter)
    heads: dict[bytes, re.Match[bytes]] = field(default_factory=dict)
    #: property name -> (start, end) of its first two declarations
    declared: dict[bytes, list[tuple[int, int]]] | None = None

    def declared_sites(self, name: bytes) -> list[tuple[int, int]]:
        """The first two declarations of the property ``name`` (``private $name =``): the
        matches of one pattern with the name written in (the name is the one run of name
        bytes after the "$", and no declaration holds the start of another), all names
        found in one pass that is tried only where "var", "public"... start."""
        if self.declared is None:
            self.declared = {}
            for m in prefiltered_finditer(_DECLARED, self.code):
                found = self.declared.setdefault(m.group(1), [])
                if len(found) < 2:
                    found.append((m.start(), m.end()))
        return self.declared.get(name, [])


class Env:
    """Variables' folded values, worked out only for the variables an expression reads:
    ``$v`` at a position holds what its last assignment before that position folded to
    (``$v .= ...`` appends). Each assignment is folded once."""

    def __init__(self, code: bytes, lx: Lexed, cache: dict[str, Any] | None = None) -> None:
        """``cache``: the file's cache (``ctx.cache``), where the Envs of one file keep what
        searching the file alone finds (each rule that folds makes its own Env)."""
        self.code = code
        self.lx = lx
        index: _FileIndex | None = cache.get("fold-index") if cache is not None else None
        if index is None:
            index = _FileIndex(code, lx)
            if cache is not None:
                cache["fold-index"] = index
        self._file = index  # what is found by searching the file alone
        self._values: dict[int, tuple[int, tuple[bytes, bool] | None]] = {}
        self.depth = 0
        self._busy: set[int] = set()
        self._helpers: dict[bytes, _Function | None] = {}
        self._params: dict[tuple[int, int], tuple[bytes, bool] | None] = {}
        self._busy_params: set[tuple[int, int]] = set()
        self._lookups = 0
        self._items: dict[int, list[tuple[bytes | None, bytes]] | None] = {}
        self._tables: dict[int, tuple[bytes, list[tuple[bytes | None, bytes]], int] | None] = {}

    def _assignments(self, var: bytes) -> list[re.Match[bytes]]:
        if self._file.whole is None:
            # every assignment holds one "=": with at most MAX_ASSIGNMENTS of those the bound
            # cannot cut, and each variable's assignments are looked up alone, when it is read
            self._file.whole = self.code.count(b"=") > MAX_ASSIGNMENTS
            if self._file.whole:
                self._index_all()
        if self._file.whole:
            return self._file.index.get(var, [])
        code = self.code
        found = self._file.index.get(var)
        if found is None:  # the same matches as _index_all's (they hold no other "$")
            found = []
            needle = b"$" + var
            at = find(code, needle)
            while at >= 0:
                m = _ASSIGN.match(code, at)
                if m is not None and m.group(1) == var and not (at and code[at - 1] in b"$>:"):
                    found.append(m)
                at = find(code, needle, at + 1)
            self._file.index[var] = found
        return found

    def _index_all(self) -> None:
        """Index the first MAX_ASSIGNMENTS plain assignments of the file, in one pass."""
        code = self.code
        for n, m in enumerate(_ASSIGN.finditer(code)):
            if n >= MAX_ASSIGNMENTS:
                break
            if m.start() and code[m.start() - 1] in b"$>:":
                continue  # $$var, ->var, ::var
            self._file.index.setdefault(m.group(1), []).append(m)

    def constant(self, name: bytes) -> bytes | None:
        """The folded value of the constant ``name`` the file defines (the first of its
        definitions; case as in the lexed code, lower), or None."""
        if self._file.constants is None:
            self._file.constants = {}
            code = self.code
            # tried where "define" / "const" starts, not at every offset (a look-behind
            # first: the regex engine has no literal to scan for; "const" is in every
            # __construct)
            for m in prefiltered_finditer(_DEFINE, code):
                key = self.lx.value(int(m.group(1))).strip().lower()
                self._file.constants.setdefault(key, m.end())
            for m in prefiltered_finditer(_CONST, code):
                self._file.constants.setdefault(m.group(1), m.end())
        at = self._file.constants.get(name)
        f = None if at is None else self._guarded(at, at)
        return None if f is None else f.value

    def get(self, var: bytes, pos: int) -> tuple[bytes, bool] | None:
        """The folded value ``$var`` holds at ``pos``, and whether it was built; None when its
        last assignment before ``pos`` does not fold (or there is none). Inside a function
        that has ``$var`` as a parameter, the assignments before its body are out of scope:
        with none inside, the value is the one every call of the function passes."""
        fn = self._enclosing(var, pos)
        for site in reversed(self._assignments(var)):
            if site.start() >= pos:
                continue
            if fn is not None and site.start() < fn.open:
                break
            end, value = self._value(var, site)
            if end > pos:
                continue  # ``$v = f($v)``: the use is inside this assignment's right side
            return value
        return None if fn is None else self._param(fn, var)

    # ------------------------------------------------------------- function parameters
    def _scan_functions(self) -> list[tuple[re.Match[bytes], int]]:
        """The named functions' heads and where each body opens (-1: none found), in file
        order (the first MAX_FUNCTIONS); the variables named in any of those heads are noted
        (a parameter must be one). With them, in the same pass over the file's "function"
        words: every "$name" in any head up to its first ")" (``head_vars``), and every
        function's name, how often it is defined and its first head (``defines``,
        ``heads``)."""
        file = self._file
        if file.functions is None:
            file.functions = []
            code = self.code
            params: list[bytes] = []  # _HEAD_PARAMS.findall(code)
            at = find(code, b"function")
            func_end = head_end = 0  # finditer's: a match is looked for from the last end on
            while at >= 0:  # every match of _FUNC and of _HEAD_PARAMS begins with "function"
                if at >= head_end:
                    h = _HEAD_PARAMS.match(code, at)
                    if h is not None:
                        params.append(h.group(1))
                        head_end = h.end()
                m = _FUNC.match(code, at) if at >= func_end else None
                if m is None and at >= func_end:
                    m = _closure_head(code, at)
                if m is not None:
                    func_end = m.end()
                    key = m.group(1) if m.re is _FUNC else b"$" + m.group(1)
                    file.defines[key] += 1
                    file.heads.setdefault(key, m)
                    if m.re is _FUNC and len(file.functions) < MAX_FUNCTIONS:
                        brace = find(code, b"{", m.end(), m.end() + 2000)
                        file.functions.append((m, brace))
                        head = code[m.end() : brace]
                        if head.find(b"$") >= 0:
                            file.param_names.update(_VAR.findall(head))
                at = find(code, b"function", at + 1)
            if params:
                file.head_vars = set(_VAR.findall(b" ".join(params)))
        return file.functions

    def _enclosing(self, var: bytes, pos: int) -> _Function | None:
        """The innermost named function whose body holds ``pos``, if ``$var`` is one of its
        parameters."""
        heads = self._scan_functions()
        if var not in self._file.head_vars or var not in self._file.param_names:
            return None
        for m, brace in reversed(heads):
            if brace < 0 or brace >= pos:
                continue
            if self._closing(brace) > pos:
                fn = _head(self.code, m)
                if fn is None or var not in fn.params or fn.open != brace:
                    return None
                # a name defined twice (a method and a function): whose call is which is unsure
                if sum(1 for other, _b in heads if other.group(1) == fn.name) > 1:
                    return None
                return fn
        return None

    def defines(self, name: bytes) -> bool:
        """Whether the file defines a function ``name`` (once)."""
        self._scan_functions()
        return self._file.defines.get(name, 0) == 1

    def returns(self, name: bytes, args: list[bytes]) -> bytes | None:
        """What the file's function ``name`` returns for the folded ``args``, when its body
        is one ``return <expression>;`` that folds with its parameters bound to them (or to
        their defaults); None otherwise. The body is read, never run."""
        code = self.code
        fn = self._helper(name)
        if fn is None or fn.open in self._busy or self.depth >= MAX_DEPTH:
            return None
        start = _skip_ws(code, fn.open + 1)
        table = self._table_head(fn.open, start)
        if table is not None:
            start = table[2]
        if code[start : start + 6] != b"return" or code[start + 6 : start + 7].isalnum():
            return None
        values: dict[bytes, tuple[bytes, bool]] = {}
        for var, (index, default) in fn.params.items():
            if index < len(args):
                values[var] = (args[index], True)
            elif default >= 0:
                f = self._guarded(fn.open, default)
                if f is None:
                    return None
                values[var] = (f.value, f.built)
        self._busy.add(fn.open)
        self.depth += 1
        try:
            arrays = {} if table is None else {table[0]: table[1]}
            parser = _Parser(code, self.lx, _DictEnv(values, self, arrays))
            value, end = parser.expr(start + 6)
        except (_NoValue, ValueError, IndexError, RecursionError):
            return None
        finally:
            self.depth -= 1
            self._busy.discard(fn.open)
        end = _skip_ws(code, end)
        if code[end : end + 1] != b";" or self._closing(fn.open) != _skip_ws(code, end + 1):
            return None  # more than the one statement
        return value

    def _helper(self, name: bytes) -> _Function | None:
        """The file's function ``name`` (defined once), read once per name; None otherwise."""
        if name in self._helpers:
            return self._helpers[name]
        m = self._file.heads.get(name) if self.defines(name) else None
        fn = self._helpers[name] = None if m is None else _head(self.code, m)
        return fn

    def never_returns(self, name: bytes) -> bool:
        """Whether :meth:`returns` is None for ``name`` whatever the arguments, at the top
        of a fold (nothing being folded): no function of the file's own by that name, or a
        body that does not start with ``return`` (after a name table)."""
        fn = self._helper(name)
        if fn is None:
            return True
        start = _skip_ws(self.code, fn.open + 1)
        table = self._table_head(fn.open, start)
        if table is not None:
            start = table[2]
        code = self.code
        return code[start : start + 6] != b"return" or code[start + 6 : start + 7].isalnum()

    def _table_head(
        self, brace: int, start: int
    ) -> tuple[bytes, list[tuple[bytes | None, bytes]], int] | None:
        """A body (``start``: its first statement) that opens with ``$a = <array literal of
        folded items>;`` (an obfuscator's name table, ``function _1($i) {$a = Array(...);
        return base64_decode($a[$i]);}``): the variable, its items and where the next
        statement starts (each body read once); None otherwise."""
        if brace in self._tables:
            return self._tables[brace]
        got = None
        m = _ASSIGN.match(self.code, start)
        if m is not None and not m.group(2):
            self.depth += 1
            try:
                items, end = _Parser(self.code, self.lx, _DictEnv({}, self)).array_items(m.end())
            except (_NoValue, ValueError, IndexError, RecursionError):
                items, end = [], -1
            finally:
                self.depth -= 1
            end = _skip_ws(self.code, end) if end >= 0 else -1
            if end >= 0 and self.code[end : end + 1] == b";":
                got = (m.group(1), items, _skip_ws(self.code, end + 1))
        self._tables[brace] = got
        return got

    def _closing(self, brace: int) -> int:
        """Where the body that opens at ``brace`` closes (-1: not within MAX_BODY bytes)."""
        known = self._file.closes.get(brace)
        if known is None and self.code[brace : brace + 1] == b"{":
            # the depth is 1 after the "{" and can get back to 0 only at a "}": the compiled
            # block walk (a Python step per brace of a long body was most of this)
            stop = brace_end(self.code, brace, brace + MAX_BODY)
            known = self._file.closes[brace] = stop - 1 if stop >= 0 else -1
        if known is None:
            known = -1
            depth = 0
            for m in _BRACE.finditer(self.code, brace, brace + MAX_BODY):
                depth += 1 if self.code[m.start()] == 123 else -1  # {
                if depth == 0:
                    known = m.start()
                    break
            self._file.closes[brace] = known
        return known

    def _param(self, fn: _Function, var: bytes) -> tuple[bytes, bool] | None:
        """The value of the parameter ``$var`` of ``fn`` that every call of it (by its bare
        name, at most MAX_CALL_SITES) passes, or its default where a call passes none."""
        index, default = fn.params[var]
        key = (fn.open, index)
        if key in self._params:
            return self._params[key]
        if key in self._busy_params or self.depth >= MAX_DEPTH:
            return None
        self._busy_params.add(key)
        self.depth += 1
        try:
            result = self._param_value(fn, index, default)
        finally:
            self.depth -= 1
            self._busy_params.discard(key)
        self._params[key] = result
        return result

    def _param_value(self, fn: _Function, index: int, default: int) -> tuple[bytes, bool] | None:
        code = self.code
        self._lookups += 1
        if self._lookups > MAX_CALL_LOOKUPS:
            return None
        values: set[bytes] = set()
        built = False
        sites = 0
        for at, m in _word_then(code, fn.name, _CALL_TAIL):
            if (at and _is_word_before(code, at)) or at + len(fn.name) == fn.head_end:
                continue
            if _after_function(code, at):
                continue
            sites += 1
            if sites > MAX_CALL_SITES:
                return None
            arg = _argument(code, m.end(), index)
            if arg == -2:
                return None  # a spread, a named argument: not read
            start = arg if arg >= 0 else default
            f = fold_at(code, self.lx, start, self) if start >= 0 else None
            if f is None:
                return None
            nxt = _skip_ws(code, f.end)
            if code[nxt : nxt + 1] not in (b",", b")"):
                return None  # only the argument's head folds
            values.add(f.value)
            built = built or f.built
            if len(values) > 1:
                return None
        if not values:
            return None
        return values.pop(), built

    def prop(self, var: bytes, name: bytes, pos: int) -> tuple[bytes, bool] | None:
        """The folded value of the property ``$var->name`` at ``pos``: the last ``$var->name
        = ...`` before it; for ``$this``, the one value that every ``$this->name = ...`` gives
        it, in any order (methods run in any order), or with none, the value it is declared
        with (``private $name = ...``; two classes that declare it: no value)."""
        code = self.code
        #: (start, end, ".") of each "name .= " / "name = " site
        sites: list[tuple[int, int, bytes]] = []
        # searched from the property's name (a literal), then "$var->" checked before it
        for start, m in _word_then(code, name, _SET_TAIL):
            back = code[max(0, start - len(var) - 24) : start]
            if back[-1:].isalnum() or back[-1:] in (b"_", b"$") or back[-1:] >= b"\x80":
                continue  # inside a longer name
            owner = _OWNER.search(back)
            if owner is None or owner.group(1) != var:
                continue
            at = start - len(back) + owner.start()
            if at and code[at - 1] in b"$>:":
                continue
            sites.append((start, m.end(), m.group(1)))
            if len(sites) > MAX_PROPERTY_SITES:
                break
        if len(sites) > MAX_PROPERTY_SITES:
            return None
        if var != b"this":
            before = [site for site in sites if site[0] < pos]
            if not before:
                return self._promoted(var, name, pos)
            if before[-1][2]:
                return None
            return self._fold_site(before[-1][0], before[-1][1])
        if not sites:  # no method assigns it: the value it is declared with (the first two)
            sites = [(start, end, b"") for start, end in self._file.declared_sites(name)]
        if not sites:
            return None
        values: set[bytes] = set()
        built = False
        for start, end, dot in sites:
            held = None if dot else self._fold_site(start, end)
            if held is None:
                return None
            values.add(held[0])
            built = built or held[1]
        return (values.pop(), built) if len(values) == 1 else None

    def _promoted(self, var: bytes, name: bytes, pos: int) -> tuple[bytes, bool] | None:
        """``$var->name`` where ``$var = new Cls(...)`` (its last assignment before ``pos``)
        and Cls's constructor promotes a parameter ``$name`` (``public function
        __construct(public string $name)``, PHP 8): the argument the ``new`` passes there."""
        code = self.code
        last = None
        for site in self._assignments(var):
            if site.start() >= pos:
                break
            last = site
        if last is None or last.group(2):
            return None
        new = _NEW_CALL.match(code, last.end())
        if new is None:
            return None
        cls = None
        at = find(code, b"class " + new.group(1))
        while at >= 0:
            end = at + 6 + len(new.group(1))
            if code[end : end + 1] in (b" ", b"\n", b"\t", b"{") and (
                at == 0 or code[at - 1] in b" \t\n;}"
            ):
                cls = at
                break
            at = find(code, b"class " + new.group(1), end)
        if cls is None:
            return None
        body = find(code, b"{", cls)
        if body < 0:
            return None
        body_end = body + 1 + close_paren(code[body + 1 :], 123, 125)
        ctor = _CONSTRUCTOR.search(code, body, body_end)  # this class's own constructor
        if ctor is None:
            return None
        params = top_args(code[ctor.end() : ctor.end() + close_paren(code[ctor.end() :])])
        index = next(
            (i for i, p in enumerate(params) if _promoted_param(p) == name), -1
        )
        if index < 0:
            return None
        # the argument's place: after ``index`` top-level commas of the call's text
        open_at = new.end()
        args_end = open_at + close_paren(code[open_at : open_at + MAX_HELPER_CALL])
        start = _nth_arg_start(code, open_at, args_end, index)
        if start < 0:
            return None
        f = self._guarded(last.start(), start)
        if f is None:
            return None
        nxt = _skip_ws(code, f.end)
        return (f.value, f.built) if code[nxt : nxt + 1] in (b",", b")") else None

    def _fold_site(self, key: int, at: int) -> tuple[bytes, bool] | None:
        """The statement's value that starts at ``at`` (``key``: its assignment, folded once
        at a time)."""
        f = self._guarded(key, at)
        if f is None:
            return None
        nxt = _skip_ws(self.code, f.end)
        return (f.value, f.built) if self.code[nxt : nxt + 1] in (b";", b")") else None

    def _guarded(self, key: int, at: int) -> Folded | None:
        """``fold_at(at)``, unless the definition ``key`` is being folded already (it reads
        itself) or the lookups are MAX_DEPTH deep."""
        if key in self._busy or self.depth >= MAX_DEPTH:
            return None
        self._busy.add(key)
        self.depth += 1
        try:
            return fold_at(self.code, self.lx, at, self)
        finally:
            self.depth -= 1
            self._busy.discard(key)

    def items(self, var: bytes, pos: int) -> list[tuple[bytes | None, bytes]] | None:
        """The items (key or None, folded value) of the array literal that ``$var``'s last
        plain assignment before ``pos`` gives it (``$a = ['sy', 'st', 'em'];``), or None.
        Each assignment's items are worked out once (a name table read 200 times)."""
        for site in reversed(self._assignments(var)):
            if site.start() >= pos:
                continue
            if site.group(2) or site.start() in self._busy or self.depth >= MAX_DEPTH:
                return None
            if site.start() in self._items:
                return self._items[site.start()]
            self._busy.add(site.start())
            self.depth += 1
            got: list[tuple[bytes | None, bytes]] | None = None
            try:
                got = _Parser(self.code, self.lx, self).array_value(site.end(), self.depth)[0]
            except _NoValue:
                pass  # no value, now or later: not looked at again
            finally:
                self.depth -= 1
                self._busy.discard(site.start())
            self._items[site.start()] = got
            return got
        return None

    def _value(self, var: bytes, site: re.Match[bytes]) -> tuple[int, tuple[bytes, bool] | None]:
        known = self._values.get(site.start())
        if known is not None:
            return known
        code = self.code
        result: tuple[bytes, bool] | None = None
        end = -1
        # an assignment read while it is being folded (``$n = $n(...)``), or too deep: no value
        # now, and nothing remembered (a shallower look folds it)
        final = self.depth < MAX_DEPTH and site.start() not in self._busy
        if final:
            self._busy.add(site.start())
            self.depth += 1
            try:
                f = fold_at(code, self.lx, site.end(), self)
                if f is not None and code[_skip_ws(code, f.end) : _skip_ws(code, f.end) + 1] in (
                    b";",
                    b")",
                ):
                    end = f.end
                    result = (f.value, f.built)
                    if site.group(2):  # .=
                        old = self.get(var, site.start())
                        result = None if old is None else (old[0] + f.value, True)
                    if result is not None and len(result[0]) > MAX_VALUE:
                        result = None
            finally:
                self.depth -= 1
                self._busy.discard(site.start())
        if end < 0:  # the statement's end: its right side is evaluated before the variable changes
            semi = find(code, b";", site.end(), site.end() + 2000)
            end = semi if semi >= 0 else site.end()
        if final:
            self._values[site.start()] = (end, result)
        return end, result


class _DictEnv:
    """A fixed set of values (``fold_at``'s ``env`` given as a dict; a function's
    parameters bound to one call's arguments, the file's constants and functions from
    ``outer``)."""

    def __init__(
        self,
        values: dict[bytes, tuple[bytes, bool]],
        outer: Env | None = None,
        arrays: dict[bytes, list[tuple[bytes | None, bytes]]] | None = None,
    ) -> None:
        self.values = values
        self.outer = outer
        self.arrays = arrays or {}

    def get(self, var: bytes, pos: int) -> tuple[bytes, bool] | None:
        return self.values.get(var)

    def constant(self, name: bytes) -> bytes | None:
        return None if self.outer is None else self.outer.constant(name)

    def returns(self, name: bytes, args: list[bytes]) -> bytes | None:
        return None if self.outer is None else self.outer.returns(name, args)

    def defines(self, name: bytes) -> bool:
        return self.outer is not None and self.outer.defines(name)

    def items(self, var: bytes, pos: int) -> list[tuple[bytes | None, bytes]] | None:
        return self.arrays.get(var)

    def prop(self, var: bytes, name: bytes, pos: int) -> tuple[bytes, bool] | None:
        return None


class _Parser:
    def __init__(self, code: bytes, lx: Lexed, env: Env | _DictEnv) -> None:
        self.code = code
        self.lx = lx
        self.env = env
        self.built = False

    def ws(self, pos: int) -> int:
        m = _WS.match(self.code, pos)
        return m.end() if m else pos

    def expr(self, pos: int, depth: int = 0, bare: bool = False) -> tuple[bytes, int]:
        """``concat ('^' concat)*``: PHP binds ``.`` tighter than ``^``. ``bare``: inside a
        concatenation, where a bare word is an undefined constant's name (PHP < 8)."""
        value, pos = self.concat(pos, depth, bare)
        while True:
            p = self.ws(pos)
            if self.code[p : p + 1] != b"^" or self.code[p : p + 2] == b"^=":
                return value, pos
            other, pos = self.concat(p + 1, depth)
            value = bytes(a ^ b for a, b in zip(value, other, strict=False))
            self.built = True

    def concat(self, pos: int, depth: int, bare: bool = False) -> tuple[bytes, int]:
        start = pos
        try:
            value, pos = self.unary(pos, depth, bare=bare)
        except _NoValue:
            # a bare word that a "." follows: an undefined constant glued on (sy . 'stem')
            b = _BARE.match(self.code, self.ws(start))
            if (
                b is None
                or self.code[self.ws(b.end()) : self.ws(b.end()) + 1] != b"."
                or (start and self.code[start - 1 : start] in (b"$", b">", b":", b"\\"))
            ):
                raise
            value, pos = self.unary(start, depth, bare=True)
        while True:
            p = self.ws(pos)
            if self.code[p : p + 1] != b"." or self.code[p : p + 2] == b".=":
                return value, pos
            if self.code[p + 1 : p + 2].isdigit():
                return value, pos  # a float, not a concatenation
            other, pos = self.unary(p + 1, depth, bare=True)
            value += other
            if len(value) > MAX_VALUE:
                raise _NoValue
            self.built = True

    def interpolated(self, raw: bytes, pos: int) -> bytes:
        """The value of a double-quoted string or heredoc (``raw`` as written) whose variables
        are plain ones (``$a``, ``{$a}``) that hold folded values at ``pos``; any other
        variable syntax (an element, a property, ``${...}``, an escaped brace) has none."""
        if find(raw, b"${") >= 0 or len(raw) > MAX_VALUE:
            raise _NoValue
        out: list[bytes] = []
        last = 0
        for n, m in enumerate(_PLAIN_INTERPOLATION.finditer(raw)):
            back = m.start()
            while back > 0 and raw[back - 1] == 92:
                back -= 1
            after = raw[m.end() : m.end() + 2]
            if (
                n >= MAX_INTERPOLATED
                or (m.start() - back) % 2
                or (m.group(2) is not None and (after[:1] == b"[" or after == b"->"))
            ):
                raise _NoValue  # escaped, or an element or a property: not read here
            held = self.env.get((m.group(1) or m.group(2)).lower(), pos)
            if held is None:
                raise _NoValue
            out.append(_unescape_dq(raw[last : m.start()])[0])
            out.append(held[0])
            last = m.end()
        out.append(_unescape_dq(raw[last:])[0])
        value = b"".join(out)
        if len(value) > MAX_VALUE:
            raise _NoValue
        return value

    def unary(self, pos: int, depth: int, bare: bool = False) -> tuple[bytes, int]:
        if depth > MAX_DEPTH:
            raise _NoValue
        code = self.code
        pos = self.ws(pos)
        c = code[pos : pos + 1]
        if c == b"~":
            value, pos = self.unary(pos + 1, depth + 1)
            self.built = True
            return bytes(~b & 0xFF for b in value), pos
        if c == b"(":
            value, pos = self.expr(pos + 1, depth + 1, bare)
            pos = self.ws(pos)
            if code[pos : pos + 1] != b")":
                raise _NoValue
            return value, pos + 1
        if c == b"\x01":
            m = _PLACE.match(code, pos)
            if m is None:
                raise _NoValue
            idx = int(m.group(1))
            if self.lx.kinds[idx] in ("bq",):
                raise _NoValue  # a shell command
            if self.lx.kinds[idx] in ("dq", "heredoc") and interpolates(self.lx.raw_strings[idx]):
                # a string with variables in it: "{$a}tem" after $a = 'sys'
                value = self.interpolated(self.lx.raw_strings[idx], pos)
                self.built = True
                return self.offset(value, m.end(), depth)
            value = self.lx.value(idx)
            if len(value) > MAX_VALUE:
                raise _NoValue
            return self.offset(value, m.end(), depth)
        if c == b"$":
            m = _VAR.match(code, pos)
            if m is not None and code[self.ws(m.end()) : self.ws(m.end()) + 1] == b"[":
                return self.element(m.group(1), pos, self.ws(m.end()) + 1, depth)
            p = _PROP.match(code, self.ws(m.end())) if m is not None else None
            if m is not None and p is not None:
                after = code[self.ws(p.end()) : self.ws(p.end()) + 2]
                if after[:1] in (b"(", b"[") or after == b"->":
                    raise _NoValue  # a method call, an element or a property of the property
                held = self.env.prop(m.group(1), p.group(1), pos)
                if held is None:
                    raise _NoValue
                self.built = self.built or held[1]
                return held[0], p.end()
            held = self.env.get(m.group(1), pos) if m is not None else None
            if m is not None and held is None and self.env.defines(b"$" + m.group(1)):
                nxt = self.ws(m.end())
                if code[nxt : nxt + 1] == b"(":  # a closure of the file's: what it returns
                    args, end = self.args(nxt + 1, depth + 1)
                    returned = self.env.returns(b"$" + m.group(1), args)
                    if returned is None:
                        raise _NoValue
                    self.built = True
                    return returned, end
            if m is None or held is None:
                raise _NoValue
            nxt = self.ws(m.end())
            if code[nxt : nxt + 1] == b"{":  # $s{1}: a character (PHP < 8)
                self.built = True
                return self.offset(held[0], m.end(), depth)
            value, built = held
            if code[nxt : nxt + 1] == b"(":  # $f(...) where $f holds a folding function's name
                name = value.strip().lower().lstrip(b"\\")
                args, end = self.args(nxt + 1, depth + 1)
                self.built = True
                return self.call(name, args), end
            if code[nxt : nxt + 1] == b"[" or code[nxt : nxt + 2] == b"->":
                raise _NoValue  # an element, a property: not the variable's value
            self.built = self.built or built
            return value, m.end()
        m = _CALL.match(code, pos)
        if m is None:
            b = _BARE.match(code, pos)
            if b is not None and not (pos and code[pos - 1] in b"$>:\\"):
                const = self.env.constant(b.group(1))
                if const is not None:  # a constant the file defines
                    self.built = True
                    return const, b.end()
                if bare and b.group(1) not in _KEYWORDS:
                    # glued on with "." and defined nowhere: PHP 7 reads its name (sy.(st))
                    self.built = True
                    return b.group(1), b.end()
            raise _NoValue
        if m.group(1) in (b"implode", b"join"):
            return self.implode(m.end(), depth + 1)
        if m.group(1) == b"call_user_func":  # call_user_func('strrev', 'x'): strrev('x')
            args, end = self.args(m.end(), depth + 1)
            if not args:
                raise _NoValue
            name = args[0].strip().lower().lstrip(b"\\")
            self.built = True
            if name in _FOLDING_CALLS:
                return self.call(name, args[1:]), end
            returned = self.env.returns(name, args[1:]) if self.env.defines(name) else None
            if returned is None:
                raise _NoValue
            return returned, end
        if m.group(1) in _ARRAY_ARG_CALLS:
            margs, end = self.mixed_args(m.end(), depth + 1)
            self.built = True
            return self.call_mixed(m.group(1), margs), end
        if m.group(1) not in _FOLDING_CALLS:
            if not self.env.defines(m.group(1)):
                raise _NoValue  # any other call has no constant value: its arguments are not read
            args, end = self.args(m.end(), depth + 1)
            returned = self.env.returns(m.group(1), args)  # a function of the file's own
            if returned is None:
                raise _NoValue
            self.built = True
            return returned, end
        args, end = self.args(m.end(), depth + 1)
        self.built = True
        return self.call(m.group(1), args), end

    def offset(self, value: bytes, pos: int, depth: int) -> tuple[bytes, int]:
        """``value`` and where it ends, or its character when an integer offset follows
        (``'abc'[1]``, ``{1}``): PHP reads one byte of the string."""
        code = self.code
        p = self.ws(pos)
        close = {b"[": b"]", b"{": b"}"}.get(code[p : p + 1])
        if close is None:
            return value, pos
        number = self.arithmetic_until(p + 1, depth, close)
        if number is None:
            raise _NoValue
        i, end = number
        if not -len(value) <= i < len(value):
            raise _NoValue
        self.built = True
        return value[i : i + 1 or None], self.ws(end) + 1

    def arithmetic_until(self, pos: int, depth: int, close: bytes) -> tuple[int, int] | None:
        try:
            value, _, end = self._compare(pos, depth)
        except (_NoValue, ValueError, ZeroDivisionError, RecursionError):
            return None
        if self.code[self.ws(end) : self.ws(end) + 1] != close:
            return None
        return value, end

    def mixed_args(
        self, pos: int, depth: int
    ) -> tuple[list[bytes | list[tuple[bytes, bytes]]], int]:
        """A call's arguments (``pos`` after the "(") where an argument may be an array:
        each a folded string, or the array's (key, value) items."""
        code = self.code

        def one(pos: int) -> tuple[bytes | list[tuple[bytes, bytes]], int]:
            pos = self.ws(pos)
            if _ARRAYISH.match(code, pos) is not None or (
                code[pos : pos + 1] == b"$" and code[self.ws(pos + 1) : pos + 1] != b"{"
            ):
                try:
                    arr = self.array_value(pos, depth)
                except _NoValue:
                    if code[pos : pos + 1] != b"$":
                        raise
                else:
                    return _keyed(arr[0]), arr[1]
            return self.args_one(pos, depth)

        return self._arg_list(pos, one)

    def call_mixed(self, name: bytes, args: list[bytes | list[tuple[bytes, bytes]]]) -> bytes:
        if name == b"vsprintf" and len(args) == 2:
            fmt, table = args
            if isinstance(fmt, bytes) and isinstance(table, list):
                return _sprintf(fmt, [v for _k, v in table])
            raise _NoValue
        if name == b"strtr" and len(args) == 2:
            s, table = args
            if not isinstance(s, bytes) or not isinstance(table, list):
                raise _NoValue
            pairs = {k: v for k, v in table if k}
            if not pairs:
                return s
            rx = re.compile(b"|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True)))
            return _bounded(rx.sub(lambda m: pairs[m.group(0)], s))
        if name in (b"str_replace", b"str_ireplace") and len(args) == 3:
            search, repl, subject = args
            if not isinstance(subject, bytes):
                raise _NoValue
            finds = [search] if isinstance(search, bytes) else [v for _k, v in search]
            if isinstance(repl, bytes):
                repls = [repl] * len(finds)
            else:
                repls = [v for _k, v in repl] + [b""] * max(0, len(finds) - len(repl))
            for f, r in zip(finds, repls, strict=False):
                if f:
                    subject = _bounded(self.call(name, [f, r, subject]))
            return subject
        if all(isinstance(a, bytes) for a in args):
            return self.call(name, [a for a in args if isinstance(a, bytes)])
        raise _NoValue

    def element(self, var: bytes, at: int, pos: int, depth: int) -> tuple[bytes, int]:
        """``$var[key]`` (``pos`` after the "["), an item of the array literal ``$var``
        holds."""
        code = self.code
        pos = self.ws(pos)
        m = _INT.match(code, pos)
        if m is not None:
            key, pos = m.group(0), m.end()
        else:
            key, pos = self.expr(pos, depth + 1)
        pos = self.ws(pos)
        if code[pos : pos + 1] != b"]":
            raise _NoValue
        try:
            items = self.env.items(var, at)
        except _NoValue:
            items = None
        if items is None:
            held = self.env.get(var, at)  # a string: its character at an integer offset
            if held is None or _INT.fullmatch(key) is None:
                raise _NoValue
            i = int(key)
            if not -len(held[0]) <= i < len(held[0]):
                raise _NoValue
            self.built = True
            return held[0][i : i + 1 or None], pos + 1
        found = None
        for k, v in _keyed(items):
            if k == key:
                found = v  # the last of equal keys counts
        if found is None:
            raise _NoValue
        self.built = True
        return found, pos + 1

    def array_items(self, pos: int) -> tuple[list[tuple[bytes | None, bytes]], int]:
        """The items of the array literal at ``pos`` (``[...]`` or ``array(...)``), each
        folded, with its literal key, and where the literal ends; _NoValue for anything
        else."""
        code = self.code
        pos = self.ws(pos)
        if code[pos : pos + 1] == b"[":
            close = b"]"
            pos += 1
        elif code[pos : pos + 5] == b"array" and code[self.ws(pos + 5)] == 40:  # (
            close = b")"
            pos = self.ws(pos + 5) + 1
        else:
            raise _NoValue
        out: list[tuple[bytes | None, bytes]] = []
        total = strings = 0
        while True:
            pos = self.ws(pos)
            if code[pos : pos + 1] == close:
                return out, pos + 1
            m = _INT.match(code, pos)
            h = _HEX.match(code, pos)
            after = code[self.ws(m.end()) : self.ws(m.end()) + 2] if m is not None else b""
            if m is not None and (after == b"=>" or after[:1] in (b",", close)):
                first: bytes = m.group(0)  # an integer key, or an integer item
                pos = m.end()
            elif h is not None and code[self.ws(h.end()) : self.ws(h.end()) + 1] in (b",", close):
                first, pos = b"%d" % int(h.group(1), 16), h.end()
            else:
                first, pos = self.expr(pos, MAX_DEPTH - 2)
            pos = self.ws(pos)
            key: bytes | None = None
            if code[pos : pos + 2] == b"=>":
                key = first
                first, pos = self.expr(pos + 2, MAX_DEPTH - 2)
                pos = self.ws(pos)
            out.append((key, first))
            # an integer item counts as the one byte chr() makes of it: a payload written
            # as character codes is as long as its text
            numeric = _INT.fullmatch(first) is not None
            total += 1 if numeric else len(first)
            strings += not numeric
            if strings > 256 or len(out) > MAX_VALUE or total > MAX_VALUE:
                raise _NoValue
            if code[pos : pos + 1] == b",":
                pos += 1
            elif code[pos : pos + 1] != close:
                raise _NoValue

    def array_value(self, pos: int, depth: int) -> tuple[list[tuple[bytes | None, bytes]], int]:
        """The items of the array at ``pos`` and where it ends: an array literal, a variable
        that holds one, or ``str_split(s[, n])``, ``explode(sep, s)``, ``array_reverse(a)``
        of those (the keys as PHP gives them: string keys kept, positions renumbered)."""
        code = self.code
        if depth > MAX_DEPTH:
            raise _NoValue
        pos = self.ws(pos)
        m = _VAR.match(code, pos)
        if m is not None:
            nxt = self.ws(m.end())
            if code[nxt : nxt + 1] in (b"[", b"(") or code[nxt : nxt + 2] == b"->":
                raise _NoValue
            items = self.env.items(m.group(1), pos)
            if items is None:
                raise _NoValue
            return items, m.end()
        c = _ARRAY_CALL.match(code, pos)
        if c is None:
            return self.array_items(pos)
        name = c.group(1)
        if name == b"array_map":  # array_map('chr', [...]): a folding function over the items
            fn, pos = self.expr(c.end(), depth + 1)
            fn = fn.strip().lower().lstrip(b"\\")
            if fn != b"chr" and fn not in _UNARY:
                raise _NoValue
            pos = self.ws(pos)
            if code[pos : pos + 1] != b",":
                raise _NoValue
            items, pos = self.array_value(pos + 1, depth + 1)
            pos = self.ws(pos)
            if code[pos : pos + 1] != b")":
                raise _NoValue
            mapped: list[tuple[bytes | None, bytes]] = []
            for k, v in items:
                if fn == b"chr" and _INT.fullmatch(v) is None:
                    raise _NoValue
                mapped.append((k, self.call(fn, [v])))
            return mapped, pos + 1
        if name == b"array_reverse":
            items, pos = self.array_value(c.end(), depth + 1)
            pos = self.ws(pos)
            keep = False
            if code[pos : pos + 1] == b",":  # preserve_keys
                flag = _BOOL.match(code, self.ws(pos + 1))
                if flag is None:
                    raise _NoValue
                keep = flag.group(1) in (b"true", b"1")
                pos = flag.end()
            pos = self.ws(pos)
            if code[pos : pos + 1] != b")":
                raise _NoValue
            rev: list[tuple[bytes | None, bytes]] = []
            for k, v in _keyed(items)[::-1]:  # numbered again from 0 unless the keys are kept
                rev.append((k if keep or not _INT.fullmatch(k) else None, v))
            return rev, pos + 1
        args, end = self.args(c.end(), depth + 1)
        if name == b"str_split" and len(args) in (1, 2):
            size = int(args[1]) if len(args) == 2 else 1
            if size < 1:
                raise _NoValue  # PHP throws
            if len(args[0]) > MAX_VALUE:
                raise _NoValue
            pieces = [args[0][i : i + size] for i in range(0, len(args[0]), size)] or [b""]
            return [(None, piece) for piece in pieces], end
        if name == b"explode" and len(args) == 2 and args[0]:
            return [(None, piece) for piece in args[1].split(args[0])], end
        raise _NoValue

    def implode(self, pos: int, depth: int) -> tuple[bytes, int]:
        """``implode(glue, pieces)`` / ``join(pieces)`` (``pos`` after the "("), the pieces an
        array literal or a variable that holds one."""
        code = self.code
        pos = self.ws(pos)
        glue = b""
        if code[pos : pos + 1] not in (b"$", b"[") and _ARRAY_CALL.match(code, pos) is None:
            glue, pos = self.expr(pos, depth)
            pos = self.ws(pos)
            if code[pos : pos + 1] != b",":
                raise _NoValue
            pos = self.ws(pos + 1)
        items, pos = self.array_value(pos, depth)
        pos = self.ws(pos)
        if code[pos : pos + 1] != b")":
            raise _NoValue
        self.built = True
        value = glue.join(v for _k, v in items)
        if len(value) > MAX_VALUE:
            raise _NoValue
        return value, pos + 1

    def call(self, name: bytes, args: list[bytes]) -> bytes:
        if name == b"chr" and len(args) == 1:
            return bytes([int(args[0]) & 0xFF])
        if name == b"substr" and len(args) in (2, 3):
            s, start = args[0], int(args[1])
            length = int(args[2]) if len(args) == 3 else None
            return _substr(s, start, length)
        if name == b"substr_replace" and len(args) in (3, 4):
            s, repl, start = args[0], args[1], int(args[2])
            length = int(args[3]) if len(args) == 4 else None
            kept = _substr(s, start, length)  # the part replaced, PHP's offsets
            head = _substr(s, 0, start) if start >= 0 else s[: max(0, len(s) + start)]
            return head + repl + s[len(head) + len(kept) :]
        if name in (b"ltrim", b"rtrim", b"trim") and len(args) == 2:
            chars = args[1]
            if b".." in chars:
                raise _NoValue  # a range of characters: not folded
            strip = {b"ltrim": bytes.lstrip, b"rtrim": bytes.rstrip, b"trim": bytes.strip}[name]
            return strip(args[0], chars)
        if name in (b"str_replace", b"str_ireplace") and len(args) == 3 and args[0]:
            if name == b"str_ireplace":
                return re.sub(re.escape(args[0]), lambda _m: args[1], args[2], flags=re.I)
            return args[2].replace(args[0], args[1])
        if name == b"str_repeat" and len(args) == 2 and _INT.fullmatch(args[1]):
            n = int(args[1])
            if n < 0 or len(args[0]) * n > MAX_VALUE:
                raise _NoValue
            return args[0] * n
        if name == b"str_pad" and len(args) in (2, 3) and _INT.fullmatch(args[1]):
            width, pad = int(args[1]), args[2] if len(args) == 3 else b" "
            if not pad or width > MAX_VALUE:
                raise _NoValue
            need = width - len(args[0])
            return args[0] + (pad * (need // len(pad) + 1))[: max(0, need)]
        if name == b"strtr" and len(args) == 3:
            frm, to = args[1], args[2]
            n = min(len(frm), len(to))
            return args[0].translate(bytes.maketrans(frm[:n], to[:n])) if n else args[0]
        if name == b"base_convert" and len(args) == 3:  # base_convert(1751504350, 10, 36)
            return _base_convert(args[0], args[1], args[2])
        if name == b"sprintf" and args:
            return _sprintf(args[0], args[1:])
        if name == b"pack" and args:
            return _pack(args[0], args[1:])
        fn = _UNARY.get(name)
        if fn is not None and len(args) == 1:
            result = fn(args[0])
            if result is None or len(result) > MAX_VALUE:
                raise _NoValue
            return result
        raise _NoValue

    def args(self, pos: int, depth: int) -> tuple[list[bytes], int]:
        return self._arg_list(pos, lambda at: self.args_one(at, depth))

    def _arg_list(self, pos: int, one: Callable[[int], tuple[T, int]]) -> tuple[list[T], int]:
        """A call's arguments from ``pos`` (after the "(") to its ")", each read by ``one``
        (offset -> (value, offset after it)); _NoValue past MAX_ARGS or at anything else."""
        out: list[T] = []
        code = self.code
        pos = self.ws(pos)
        if code[pos : pos + 1] == b")":
            return out, pos + 1
        while True:
            value, pos = one(pos)
            out.append(value)
            pos = self.ws(pos)
            c = code[pos : pos + 1]
            if c == b")":
                return out, pos + 1
            if c != b"," or len(out) >= MAX_ARGS:
                raise _NoValue
            pos += 1

    def args_one(self, pos: int, depth: int) -> tuple[bytes, int]:
        """One argument: an integer (or integer arithmetic, written as its digits), or a
        folded string."""
        code = self.code
        pos = self.ws(pos)
        m = _INT.match(code, pos)
        lead = code[pos : pos + 1]
        arith = m is not None or lead in (b"(", b"o", b"-") or lead.isdigit()
        number = self.arithmetic(pos, depth) if arith else None
        if number is not None:  # an integer, or integer arithmetic: chr(4*4*(5+5)-40)
            return b"%d" % number[0], number[1]
        if m is not None and code[self.ws(m.end()) : self.ws(m.end()) + 1] in b",)":
            return m.group(0), m.end()
        digits = _DIGIT_RUN.match(code, pos)  # a long number: base_convert(1751504350, ...)
        if digits is not None and code[self.ws(digits.end()) : self.ws(digits.end()) + 1] in (
            b",",
            b")",
        ):
            return digits.group(0), digits.end()
        return self.expr(pos, depth)


    def arithmetic(self, pos: int, depth: int) -> tuple[int, int] | None:
        """The integer arithmetic at ``pos`` that a "," or ")" ends (a call's argument),
        and where it ends, or None: integers, parentheses, ``+ - * %`` and exact ``/``,
        ``==``/``!=`` (1 or 0), ``true``/``false`` and ``ord()`` of a folded string or of
        such arithmetic (``chr(47 + ord(1 == 1))``: "`")."""
        try:
            value, _, end = self._compare(pos, depth)
        except (_NoValue, ValueError, ZeroDivisionError, RecursionError):
            return None
        after = self.code[self.ws(end) : self.ws(end) + 1]
        if after not in (b",", b")"):
            return None
        if _INT.fullmatch(self.code[pos:end].strip()) is None:
            self.built = True
        return value, end

    def _compare(self, pos: int, depth: int) -> tuple[int, bool, int]:
        """``sum (("==" | "!=") sum)?``: (value, whether it is a boolean, end)."""
        left, is_bool, pos = self._sum(pos, depth)
        p = self.ws(pos)
        op = self.code[p : p + 2]
        if op in (b"==", b"!=") and self.code[p + 2 : p + 3] != b"=":
            right, _, pos = self._sum(p + 2, depth)
            return int((left == right) == (op == b"==")), True, pos
        return left, is_bool, pos

    def _sum(self, pos: int, depth: int) -> tuple[int, bool, int]:
        value, is_bool, pos = self._product(pos, depth)
        while True:
            p = self.ws(pos)
            op = self.code[p : p + 1]
            if op not in (b"+", b"-") or self.code[p + 1 : p + 2] in (b"+", b"-", b"="):
                return value, is_bool, pos
            other, _, pos = self._product(p + 1, depth)
            value = value + other if op == b"+" else value - other
            is_bool = False

    def _product(self, pos: int, depth: int) -> tuple[int, bool, int]:
        value, is_bool, pos = self._operand(pos, depth)
        while True:
            p = self.ws(pos)
            op = self.code[p : p + 1]
            if op not in (b"*", b"/", b"%") or self.code[p + 1 : p + 2] in (b"*", b"="):
                return value, is_bool, pos
            other, _, pos = self._operand(p + 1, depth)
            if op == b"*":
                value *= other
            elif op == b"%":
                value = int(math.fmod(value, other))  # PHP: the sign of the dividend
            elif value % other:
                raise _NoValue  # a fraction: not an integer
            else:
                value //= other
            if abs(value) > 1 << 32:
                raise _NoValue
            is_bool = False

    def _operand(self, pos: int, depth: int) -> tuple[int, bool, int]:
        if depth > MAX_DEPTH:
            raise _NoValue
        code = self.code
        pos = self.ws(pos)
        c = code[pos : pos + 1]
        if c == b"(":
            value, is_bool, end = self._compare(pos + 1, depth + 1)
            end = self.ws(end)
            if code[end : end + 1] != b")":
                raise _NoValue
            return value, is_bool, end + 1
        if c == b"-":
            value, _, end = self._operand(pos + 1, depth + 1)
            return -value, False, end
        h = _HEX.match(code, pos)
        if h is not None:
            return int(h.group(1), 16), False, h.end()
        m = _INT.match(code, pos)
        if m is not None:
            return int(m.group(0)), False, m.end()
        b = _BARE.match(code, pos)
        if b is not None and b.group(1) in (b"true", b"false"):
            return int(b.group(1) == b"true"), True, b.end()
        call = _CALL.match(code, pos)
        if call is None or call.group(1) != b"ord":
            raise _NoValue
        inner = self.arithmetic(call.end(), depth + 1)
        if inner is not None:  # ord(1 == 1): the character of the value as PHP prints it
            number, end = inner
            text = b"%d" % number
            # a comparison prints as "1" or ""
            if self._compare(call.end(), depth + 1)[1]:
                text = b"1" if number else b""
        else:
            text, end = self.expr(call.end(), depth + 1)
        end = self.ws(end)
        if code[end : end + 1] != b")":
            raise _NoValue
        return (text[0] if text else 0), False, end + 1


def _bounded(v: bytes) -> bytes:
    if len(v) > MAX_VALUE:
        raise _NoValue
    return v


def _php_int(v: bytes) -> int:
    """A string argument read as an integer the way PHP's numeric conversion starts: its
    leading digits (none: 0)."""
    m = re.match(rb"\s*([+-]?\d+)", v)
    return int(m.group(1)) if m else 0


def _sprintf(fmt: bytes, args: list[bytes]) -> bytes:
    """PHP's ``sprintf`` for the conversions names are spelled with; _NoValue for a float,
    a missing argument or anything it does not know."""
    out = bytearray()
    nxt = 0
    pos = 0
    while True:
        at = fmt.find(b"%", pos)
        if at < 0:
            out += fmt[pos:]
            return _bounded(bytes(out))
        out += fmt[pos:at]
        m = _SPEC.match(fmt, at)
        if m is None:
            raise _NoValue
        pos = m.end()
        spec = m.group(5)
        if spec == b"%":
            out += b"%"
            continue
        if m.group(1) is not None:
            i = int(m.group(1)) - 1
        else:
            i, nxt = nxt, nxt + 1
        if not 0 <= i < len(args):
            raise _NoValue  # PHP throws: too few arguments
        arg = args[i]
        flags = re.findall(rb"[-+ 0]|'.", m.group(2), re.DOTALL)
        if spec == b"s":
            text = arg if m.group(4) is None else arg[: int(m.group(4))]
        elif spec == b"c":
            text = bytes([_php_int(arg) & 0xFF])
        elif spec in (b"d", b"u"):
            text = b"%d" % _php_int(arg)
        elif spec in (b"x", b"X", b"o", b"b"):
            n = _php_int(arg)
            if n < 0:
                raise _NoValue
            if spec == b"b":
                text = bin(n)[2:].encode()
            else:
                text = {b"x": b"%x", b"X": b"%X"}.get(spec, b"%o") % n
        else:
            raise _NoValue  # floats: not a name's spelling
        width = int(m.group(3)) if m.group(3) else 0
        if spec != b"c" and len(text) < width:
            padc = b" "
            for f in flags:
                if f == b"0":
                    padc = b"0"
                elif f.startswith(b"'"):
                    padc = f[1:]
            fill = padc * (width - len(text))
            text = text + fill if b"-" in flags else fill + text
        out += text
        if len(out) > MAX_VALUE:
            raise _NoValue


_DIGITS = b"0123456789abcdefghijklmnopqrstuvwxyz"


def _base_convert(number: bytes, frm: bytes, to: bytes) -> bytes:
    """PHP's ``base_convert``: the digits of ``number`` in base ``frm`` (others ignored, as
    PHP does) written in base ``to``, lower case."""
    if not (_INT.fullmatch(frm) and _INT.fullmatch(to)):
        raise _NoValue
    b1, b2 = int(frm), int(to)
    if not (2 <= b1 <= 36 and 2 <= b2 <= 36) or len(number) > 64:
        raise _NoValue
    n = 0
    for c in number.lower():
        d = _DIGITS.find(bytes([c]))
        if 0 <= d < b1:
            n = n * b1 + d
    out = bytearray()
    while True:
        n, r = divmod(n, b2)
        out.append(_DIGITS[r])
        if not n:
            return bytes(reversed(out))


def _pack(fmt: bytes, args: list[bytes]) -> bytes:
    """``pack()`` for the formats a hidden name is written in: ``H*``/``h*`` (hex), ``A*``/
    ``a*`` (the string), ``C*``/``c*`` (bytes); _NoValue for the rest."""
    f = fmt.strip()
    if f in (b"H*", b"h*") and len(args) == 1:
        v = args[0]
        if f == b"h*":
            v = bytes(b for pair in zip(v[1::2], v[::2], strict=False) for b in pair)
        if len(v) % 2:
            v += b"0"
        out = _hex2bin(v)
        if out is None:
            raise _NoValue
        return out
    if f in (b"A*", b"a*") and len(args) == 1:
        return args[0]
    if f in (b"C*", b"c*") and args and all(_INT.fullmatch(a) for a in args):
        return bytes(int(a) & 0xFF for a in args)
    raise _NoValue


def _keyed(items: list[tuple[bytes | None, bytes]]) -> list[tuple[bytes, bytes]]:
    """The items with the keys PHP gives them: an item with none gets one more than the
    largest integer key before it (from 0)."""
    out: list[tuple[bytes, bytes]] = []
    nxt = 0
    for k, v in items:
        if k is None:
            k = str(nxt).encode()
        if _INT.fullmatch(k):
            nxt = max(nxt, int(k) + 1)
        out.append((k, v))
    return out


def _substr(s: bytes, start: int, length: int | None) -> bytes:
    """PHP 8's ``substr``: negative start and length count from the end."""
    n = len(s)
    if start < 0:
        start = max(0, n + start)
    if start > n:
        return b""
    if length is None:
        return s[start:]
    if length < 0:
        return s[start : max(start, n + length)]
    return s[start : start + length]


def fold_at(
    code: bytes,
    lx: Lexed,
    pos: int,
    env: Env | dict[bytes, tuple[bytes, bool]] | None = None,
) -> Folded | None:
    """The expression that starts at ``pos``, folded, or None if it has no constant value.
    ``env``: the variables' values (an :class:`Env` works them out as they are read)."""
    parser = _Parser(code, lx, env if isinstance(env, Env) else _DictEnv(env or {}))
    try:
        value, end = parser.expr(pos)
    except (_NoValue, ValueError, IndexError, RecursionError):
        return None
    return Folded(pos, end, value, parser.built)


def _word_then(
    code: bytes, word: bytes, tail: re.Pattern[bytes]
) -> Iterator[tuple[int, re.Match[bytes]]]:
    """Where ``re.escape(word) + tail.pattern`` matches in ``code``, as ``finditer`` gives
    it (left to right, each search from the end of the last match): the start and the
    tail's match. The word (a name, never empty) is found by a literal search and the tail
    matched after it, so no pattern is compiled per name (a scan of many files meets
    thousands of names; each pattern cost ~50 us to compile)."""
    n = len(word)
    at = find(code, word)
    while at >= 0:
        m = tail.match(code, at + n)
        if m is None:
            at = find(code, word, at + 1)
        else:
            yield at, m
            at = find(code, word, max(m.end(), at + 1))


def _skip_ws(code: bytes, pos: int) -> int:
    m = _WS.match(code, pos)
    return m.end() if m else pos


@dataclass(frozen=True, slots=True)
class _Function:
    """A named function: its name, its parameters (name -> place, where the default value
    starts or -1), where its name ends and where its body opens."""

    name: bytes
    params: dict[bytes, tuple[int, int]]
    head_end: int
    open: int


#: a closure assigned to a variable, from the "$": ``$mk = function ($a, $b) {``
_CLOSURE = compile_possessive(
    rb"\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+=\s*+(?:static\s++)?function\s*+&?\s*+\("
)
_CLOSURE_BEFORE = tight(rb"\$[a-z_\x80-\xff][\w\x80-\xff]*\s*=\s*(?:static\s+)?$")


def _closure_head(code: bytes, at: int) -> re.Match[bytes] | None:
    """The head of a closure whose "function" is at ``at`` when it is assigned to a
    variable (``$mk = function ($a, $b) { return $a . $b; };``), matched from the "$": the
    file's function named "$mk", called as ``$mk('pass', 'thru')``."""
    before = _CLOSURE_BEFORE.search(code, max(0, at - 80), at)
    if before is None:
        return None
    return _CLOSURE.match(code, before.start())


def _head(code: bytes, m: re.Match[bytes]) -> _Function | None:
    """The function whose head ``_FUNC`` matched (``m`` ends after its "("), or None when its
    parameter list or body is not plain (a variadic, no body: an interface's)."""
    params: dict[bytes, tuple[int, int]] = {}
    pos = m.end()
    while True:
        p = _PARAM.match(code, pos)
        if p is None:
            break
        default = -1
        pos = p.end()
        if p.group(2):
            default = pos
            pos = _argument_end(code, pos)
            if pos < 0:
                return None
        params[p.group(1)] = (len(params), default)
        pos = _skip_ws(code, pos)
        if code[pos : pos + 1] != b",":
            break
        pos += 1
    pos = _skip_ws(code, pos)
    if code[pos : pos + 1] != b")":
        return None
    brace = find(code, b"{", pos, pos + 200)
    if brace < 0 or b";" in code[pos:brace] or b"=>" in code[pos:brace]:
        return None
    return _Function(m.group(1), params, m.start(1) + len(m.group(1)), brace)


def _argument_end(code: bytes, pos: int) -> int:
    """Where the argument (or default value) that starts at ``pos`` ends: at the "," or ")"
    outside brackets that follows it (within 2,000 bytes), or -1."""
    depth = 0
    for i in range(pos, min(len(code), pos + 2000)):
        c = code[i]
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            if depth == 0:
                return i if c == 41 else -1
            depth -= 1
        elif c == 44 and depth == 0:  # ,
            return i
        elif c == 59:  # ;
            return -1
    return -1


def _argument(code: bytes, pos: int, index: int) -> int:
    """Where the argument number ``index`` of the call whose "(" ends at ``pos`` starts: -1
    when the call passes fewer, -2 when an argument is unpacked (``...$a``) or named."""
    for n in range(index + 1):
        pos = _skip_ws(code, pos)
        if code[pos : pos + 1] == b")":
            return -1
        if code[pos : pos + 3] == b"..." or _NAMED_ARG.match(code, pos):
            return -2
        if n == index:
            return pos
        end = _argument_end(code, pos)
        if end < 0 or code[end] != 44:
            return -1 if end >= 0 else -2
        pos = end + 1
    return -2


def argument_start(code: bytes, pos: int, index: int) -> int:
    """Where the argument number ``index`` of the call whose "(" ends at ``pos`` starts
    (-1 when there is no such plain argument)."""
    at = _argument(code, pos, index)
    return at if at >= 0 else -1


_NAMED_ARG = compile_possessive(rb"[a-z_][a-z0-9_]*+\s*+:(?!:)")
_BEFORE_FUNCTION = tight(rb"(?:function|new|fn)\s*&?\s*$")


def _is_word_before(code: bytes, at: int) -> bool:
    c = code[at - 1]
    return c in b"$>:\\_" or chr(c).isalnum() or c >= 0x80


def _after_function(code: bytes, at: int) -> bool:
    """Whether the name at ``at`` follows ``function``, ``new`` or ``fn`` (no call)."""
    return _BEFORE_FUNCTION.search(code, max(0, at - 12), at) is not None


# ``$f(``: a variable called as a function (found from its "$", the byte before checked
# apart: ``$$f(``, ``->$f(``, ``::$f(`` are not)
_NAME_VAR_CALL = compile_possessive(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+\(")
_NOT_BEFORE_CALL = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_$>:\\")
_FUNCTION_NAME = tight(rb"[a-z_\x80-\xff][\w\x80-\xff]*\Z")
# names PHP does not call through a variable (language constructs): left as they are
_CONSTRUCTS = frozenset(
    b"eval include include_once require require_once echo print isset empty exit die list "
    b"array unset".split()
)
MAX_NAME_CALLS = 200  # variable calls looked at per file
# what may stand before a variable another way than "=" writes: a foreach target, a
# reference, global, static
_WRITE_BEFORE = tight(rb"(?:(?<![\w\x80-\xff])(?:as|global|static)|=>|(?<!&)&)\s*$")
_USE_LIST = compile_possessive(rb"use\s*+\(([^)]{0,400}+)\)")


def _written_otherwise(code: bytes, var: bytes, used: set[bytes]) -> bool:
    """Whether ``$var`` is written otherwise than by "=" (see :data:`_WRITE_BEFORE`), or is in
    a closure's ``use`` list (``used``)."""
    if var in used:
        return True
    return any(_WRITE_BEFORE.search(code, max(0, at - 12), at) for at in var_mentions(code, var))


def name_var_calls(code: bytes) -> list[re.Match[bytes]]:
    """The first :data:`MAX_NAME_CALLS` matches of :data:`_NAME_VAR_CALL` in ``code`` that
    no byte of :data:`_NOT_BEFORE_CALL` precedes. In code of ASCII bytes (nearly every file)
    each start is found by the compiled scan of ``context.varcalls`` (the same pattern; it
    passes over a start after a byte of ``NOT_CALL_BEFORE``, which is this set less "\\" and
    plus the bytes >= 0x80; a match holds no "$" but its first byte, so both resume alike):
    the regex tried its pattern at every "$" of the file."""
    calls = []
    if not code.isascii():
        for m in _NAME_VAR_CALL.finditer(code):
            if m.start() and code[m.start() - 1] in _NOT_BEFORE_CALL:
                continue
            calls.append(m)
            if len(calls) >= MAX_NAME_CALLS:
                break
        return calls
    for m in varcalls(code, brackets=False):  # BUILT_VARCALL: the same pattern
        if m.start() and code[m.start() - 1] == 92:  # "\\": the one byte of the set left
            continue
        calls.append(m)
        if len(calls) >= MAX_NAME_CALLS:
            break
    return calls


MAX_PAREN_CALLS = 500  # ``(...)(`` looked at per file
# ``)`` then ``(``: after any byte (PAREN_CALL's finder skips a ``)`` after a name byte)
_PAREN_THEN_CALL = tight(rb"\)[ \t\r\n]*\(")
# words after which "(" opens an expression, not a call's arguments
_BEFORE_EXPRESSION = frozenset(
    b"echo print return and or xor else case yield throw include include_once require "
    b"require_once".split()
)


def paren_name_calls(lx: Lexed, cache: dict[str, Any] | None = None) -> bytes | None:
    """The lexed code with each parenthesized expression called as a function, ``('sys' .
    'tem')($c)``, ``($o->fn)($c)``, ``(RUN)($c)``, written as the call of the function name
    the folder finds it holds (``system($c)``), or None where there is none: PHP calls the
    name the parentheses give. A call's own argument list called again (``f($a)($b)``) is
    not such an expression. The line breaks are kept."""
    code = lx.code
    env: Env | None = None
    edits: list[tuple[int, int, bytes]] = []
    for n, m in enumerate(_PAREN_THEN_CALL.finditer(code)):
        if n >= MAX_PAREN_CALLS:
            break
        close = m.start()
        depth = 0
        start = -1
        for i in range(close, max(-1, close - 400), -1):
            c = code[i]
            if c == 41:
                depth += 1
            elif c == 40:
                depth -= 1
                if depth == 0:
                    start = i
                    break
        if start < 0:
            continue
        before = start - 1
        while before >= 0 and code[before] in b" \t\r\n":
            before -= 1
        if before >= 0 and code[before] in _NAME_BYTES:
            word = before
            while word > 0 and code[word - 1] in _NAME_BYTES:
                word -= 1
            if code[word : before + 1] not in _BEFORE_EXPRESSION:
                continue  # the arguments of a call: f($a)($b)
        elif before >= 0 and code[before] in b")]$>":
            continue  # a call's result, an element's or a property's arguments
        if env is None:
            env = Env(code, lx, cache)
        f = fold_at(code, lx, start, env)
        if f is None or f.end != close + 1:
            continue
        name = f.value.strip().lower().lstrip(b"\\")
        if not _FUNCTION_NAME.match(name) or name in _CONSTRUCTS:
            continue
        edits.append((start, m.end(), name + b"(" + b"\n" * code.count(b"\n", start, m.end())))
    if not edits:
        return None
    out: list[bytes] = []
    last = 0
    for start, end, text in edits:
        if start < last:
            continue
        out.append(code[last:start])
        out.append(text)
        last = end
    out.append(code[last:])
    return b"".join(out)


def inline_name_variables(lx: Lexed, cache: dict[str, Any] | None = None) -> bytes | None:
    """The lexed code with each variable called as a function (``$f(...)``) replaced by the
    function name it holds there, where the folder finds one (``$f = 'system';``, ``$f =
    'sys' . 'tem';``, ``$f = strrev('metsys');``: the value of its last assignment before the
    call; inside a function, the value every call passes for a parameter), or None where
    there is none. Moving a call behind a variable
    (``$f = 'system'; $f($_GET['c'])``) changes nothing PHP does: the rules read the code this
    gives as they read ``system($_GET['c'])``. A variable that is also a
    ``foreach`` target, a reference, ``global`` or ``static`` is left alone (the folder does
    not follow those writes). The line breaks are kept."""
    code = lx.code
    calls = name_var_calls(code)
    if not calls:
        return None
    env = Env(code, lx, cache)
    used: set[bytes] = set()  # the variables of closures' use lists
    for u in _USE_LIST.finditer(code):
        if not u.start() or code[u.start() - 1] not in _NOT_BEFORE_CALL:
            used.update(_VAR.findall(u.group(1)))
    other: dict[bytes, bool] = {}
    out: list[bytes] = []
    last = 0
    for m in calls:
        var = m.group(1)
        if var not in other:
            other[var] = var == b"this" or _written_otherwise(code, var, used)
        if other[var]:
            continue
        try:
            held = env.get(var, m.start())
        except (_NoValue, ValueError, IndexError, RecursionError):
            held = None
        if held is None:
            continue
        name = held[0].strip().lower().lstrip(b"\\")
        if not _FUNCTION_NAME.match(name) or name in _CONSTRUCTS:
            continue
        out.append(code[last : m.start()])
        out.append(name)
        last = m.end(1)
    if not out:
        return None
    out.append(code[last:])
    return b"".join(out)


_SUPERGLOBALS = frozenset(
    b"_get _post _cookie _request _files _server _env _session globals".split()
)
# ``$GLOBALS[`` and ``${`` (not ``$${``): where a superglobal may be named by an expression
_ALIAS_OPEN = tight(rb"\$globals\s*\[|(?<!\$)\$\{")
# a run of two or more literals glued by "." (each a placeholder), and one literal
_LITERAL_RUN = compile_possessive(rb"\x01\d++\x01(?:\s*+\.\s*+\x01\d++\x01)++")
MAX_RUN_PIECES = 4096  # literals glued into one, at most


_OPEN_BRACKET = tight(rb"\s*\[")


def alias_opens(code: bytes) -> list[tuple[int, int]]:
    """The spans of :data:`_ALIAS_OPEN`'s matches, in order, found by literal searches: the
    regex tried its "$" at every "$" of the file (most of its variables)."""
    spans = []
    at = find(code, b"$globals")
    while at >= 0:
        m = _OPEN_BRACKET.match(code, at + 8)
        if m is None:
            at = find(code, b"$globals", at + 1)
        else:
            spans.append((at, m.end()))
            at = find(code, b"$globals", m.end())
    at = find(code, b"${")
    while at >= 0:  # neither kind of match holds the start of the other
        if not at or code[at - 1] != 36:  # not after "$": $${...}
            spans.append((at, at + 2))
        at = find(code, b"${", at + 2)
    spans.sort()
    return spans


# a literal called as a function: ``'system'($c)``, ``"\\x73ystem"($c)`` (PHP 7 calls the
# function a string names), and ``system(...)($c)`` once :func:`_modern_calls` wrote the
# first-class callable as its name's literal
_LITERAL_THEN_CALL = tight(rb"\x01(\d+)\x01[ \t\r\n]*\(")
MAX_LITERAL_CALLS = 500  # literals called looked at per file
# what a literal called as a function looks like where it ends: searched before the pattern
# (a pattern tried at every literal of a file cost 3 % of a pass; a call after more than one
# blank byte is left to the rules that read the code as written)
_LITERAL_CALL_ENDS = (b"\x01(", b"\x01 (", b"\x01\t(", b"\x01\n(", b"\x01\r\n(")
# getenv('HTTP_…') called at once as a function: the request header PHP also gives as
# $_SERVER['HTTP_…'] (elsewhere the rules read getenv() as it is: a header read so is kept
# apart from the request's form fields, and the taint pass follows it into variables)
_GETENV_LITERAL = tight(rb"getenv\s*\(\s*(\x01\d+\x01)\s*\)(?=[ \t\r\n]*\()")
# filter_input(INPUT_GET, 'k') with no filter or one that keeps the raw text, called at once
# as a function: $_GET['k'](...) (elsewhere the rules read filter_input() as it is)
_RAW_FILTER_INPUT = tight(
    rb"filter_input\s*\(\s*\\?input_(get|post|cookie|server|env)\s*,\s*(\x01\d+\x01)\s*"
    rb"(?:,\s*\\?filter_(?:default|unsafe_raw)\s*)?\)(?=[ \t\r\n]*\()"
)


def _literal_name_calls(code: bytes, lx: Lexed) -> bytes:
    """The code with each string literal called as a function written as the call of the
    function it names (``'system'($c)``, ``"\\x73ystem"($c)``, ``"\\u{73}ystem"($c)`` ->
    ``system($c)``): PHP calls the function whose name the string holds, as it does for
    ``$f = 'system'; $f($c)``. A literal whose value is no function's name (text, a command
    in backticks, a construct PHP does not call so) is left as it is. The line breaks are
    kept."""
    if all(find(code, end) < 0 for end in _LITERAL_CALL_ENDS):
        return code
    out: list[bytes] = []
    last = 0
    for n, m in enumerate(_LITERAL_THEN_CALL.finditer(code)):
        if n >= MAX_LITERAL_CALLS:
            break
        idx = int(m.group(1))
        if idx >= len(lx.raw_strings) or lx.kinds[idx] == "bq":
            continue
        before = m.start() - 1
        while before >= 0 and code[before] in b" \t\r\n":
            before -= 1
        if before >= 0 and code[before] in b"$>:\\":
            continue  # not a call of the string itself
        name = lx.value(idx).strip().lower().lstrip(b"\\")
        if not _FUNCTION_NAME.match(name) or name in _CONSTRUCTS:
            continue
        out.append(code[last : m.start()])
        out.append(name + b"(" + b"\n" * code.count(b"\n", m.start(), m.end()))
        last = m.end()
    if not out:
        return code
    out.append(code[last:])
    return b"".join(out)


def _request_reads(code: bytes, lx: Lexed, has: Callable[[bytes], bool]) -> bytes:
    """The code with ``getenv('HTTP_…')`` and ``filter_input(INPUT_GET, 'k')`` (no filter,
    ``FILTER_DEFAULT`` or ``FILTER_UNSAFE_RAW``) called at once as a function
    (``getenv('HTTP_X_F')($a)``, ``filter_input(INPUT_GET, 'f')($a)``) written as
    ``$_server['HTTP_X_F']`` and ``$_get['k']``: PHP returns the same request value either
    way, and the rules that read a request value called as a function read the superglobal.
    A validating or sanitizing filter, a name that is no literal and ``getenv()`` of what the
    server sets (``DOCUMENT_ROOT``) are left as they are."""

    def header(m: re.Match[bytes]) -> bytes:
        key = lx.value(int(m.group(1)[1:-1])).strip().upper()
        return b"$_server[" + m.group(1) + b"]" if key.startswith(b"HTTP_") else m.group()

    if has(b"getenv") and _GETENV_LITERAL.search(code) is not None:
        code = _GETENV_LITERAL.sub(header, code)
    if has(b"filter_input") and _RAW_FILTER_INPUT.search(code) is not None:
        code = _RAW_FILTER_INPUT.sub(lambda m: b"$_" + m.group(1) + b"[" + m.group(2) + b"]", code)
    return code


def _superglobal_aliases(code: bytes, lx: Lexed, env: Env) -> bytes:
    """``$GLOBALS['_POST']``, ``${'_' . 'POST'}``, ``$GLOBALS[strrev('TSOP_')]``... written
    ``$_post``: the array itself, whatever expression of literals names it."""
    out: list[bytes] = []
    last = 0
    for start, end in alias_opens(code):
        if start < last:
            continue
        folded = fold_at(code, lx, end, env)
        if folded is None:
            continue
        close = _skip_ws(code, folded.end)
        want = b"]" if code[start + 1 : start + 2] == b"g" else b"}"
        name = folded.value.strip().lower()
        if code[close : close + 1] != want or name not in _SUPERGLOBALS:
            continue
        out.append(code[last:start])
        out.append(b"$" + name)
        last = close + 1
    if not out:
        return code
    out.append(code[last:])
    return b"".join(out)


def literal_runs(code: bytes) -> Iterator[re.Match[bytes]]:
    """``_LITERAL_RUN.finditer(code)``: every match starts with a literal, ".", a literal, a
    match of ``context._CONCAT_START`` (whose starts a compiled scan finds), and is tried
    there only (the regex engine tried its pattern at every literal of the file)."""
    pos = 0
    while True:
        start = next_concat_start(code, pos)
        if start < 0:
            return
        m = _LITERAL_RUN.match(code, start)
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()  # never empty


_CUT_AT = frozenset(b" \t\r\n<>")


def _cut_inside(a: bytes, b: bytes) -> bool:
    """Whether ``a . b`` cuts text anywhere but at a space or a tag's edge."""
    return bool(a) and bool(b) and a[-1] not in _CUT_AT and b[0] not in _CUT_AT


def _glued_literals(code: bytes, lx: Lexed) -> tuple[bytes, list[bytes]]:
    """Each run of literals glued by "." that cuts text anywhere but at a space or a tag's
    edge (``'ev' . 'al'``, ``'php://i' . 'nput'``, :func:`_cut_inside`) as one
    literal: the code with a new placeholder for each run, and the new literals' bodies
    (single-quoted, numbered after the file's own). A run with a shell command or an
    interpolating string is left alone."""
    added: list[bytes] = []
    out: list[bytes] = []
    last = 0
    n = len(lx.raw_strings)
    for m in literal_runs(code):
        idxs = [int(x) for x in _PLACE.findall(m.group())]
        if len(idxs) > MAX_RUN_PIECES or any(
            lx.kinds[i] == "bq"
            or (lx.kinds[i] in ("dq", "heredoc") and interpolates(lx.raw_strings[i]))
            for i in idxs
        ):
            continue
        values = [lx.value(i) for i in idxs]
        # only text cut inside a word or a name (``'ev' . 'al'``, ``'php:/' . '/input'``):
        # text glued at a space or a tag is how long strings are written, text glued from
        # pieces cut anywhere else is how a name, a path or a command is hidden
        if not any(_cut_inside(a, b) for a, b in itertools.pairwise(values)):
            continue
        value = b"".join(values)
        out.append(code[last : m.start()])
        out.append(b"\x01%d\x01" % (n + len(added)))
        added.append(value.replace(b"\\", b"\\\\").replace(b"'", b"\\'"))
        last = m.end()
    if not out:
        return code, added
    out.append(code[last:])
    return b"".join(out), added


# PHP 8's call syntax, read as the older one it means:
# - a named argument's label (``str_replace(search: '_', ...)``, ``system(command: $c)``):
#   after "(" or ",", a name and one ":" (not "::", not the request body's ``php://input``,
#   written out in the code); blanked, the arguments are read in the
#   order written (the way every call of a built name is written)
_NAMED_LABEL = compile_possessive(rb"([(,]\s*+)([a-z_][a-z0-9_]*+:)(?![:/])")
# - a first-class callable ``strlen(...)``, ``$f(...)``, ``$o->m(...)``: the callable itself;
#   a function's name the literal of its name, anything else the expression without "(...)"
_FIRST_CLASS = compile_possessive(rb"\(\s*+\.\.\.\s*+\)")
_FCC_NAME = tight(rb"\\?[a-z_\x80-\xff][\w\x80-\xff\\]*\s*\Z")
# - the nullsafe operator ``$o?->m()``: a call of ``$o->m()`` as far as a reader is concerned
_NULLSAFE = b"?->"


_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
MAX_COLONS = 100_000  # colons looked at per file for a named argument's label


def _has_named_label(code: bytes) -> bool:
    """Whether a ":" (not "::") of ``code`` ends a name that a "(" or "," stands before
    (a named argument's label, :data:`_NAMED_LABEL`): a scan of the colons, faster than the
    pattern's search at every "(" and "," of a file."""
    i = find(code, b":")
    seen = 0
    while i >= 0 and seen < MAX_COLONS:
        seen += 1
        if code[i + 1 : i + 2] == b":":
            i = find(code, b":", i + 2)
            continue
        j = i - 1
        while j >= 0 and code[j] in _NAME_BYTES:
            j -= 1
        if j < i - 1 and not code[j + 1 : j + 2].isdigit():
            while j >= 0 and code[j] in b" \t\r\n":
                j -= 1
            if j >= 0 and code[j] in b"(,":
                return True
        i = find(code, b":", i + 1)
    return False


def _modern_calls(code: bytes, lx: Lexed) -> tuple[bytes, list[bytes]]:
    """The code with PHP 8's call syntax written the older way (see :data:`_NAMED_LABEL`,
    :data:`_FIRST_CLASS`, :data:`_NULLSAFE`), and the new literals' bodies (the names of
    first-class callables, numbered after the file's own). Labels and ``(...)`` become
    spaces: the offsets of everything else stay."""
    added: list[bytes] = []
    if find(code, b"...") >= 0:
        out: list[bytes] = []
        last = 0
        n = len(lx.raw_strings)
        for m in _FIRST_CLASS.finditer(code):
            head = code[max(last, m.start() - 80) : m.start()]
            name = _FCC_NAME.search(head)
            if name is not None:
                at = m.start() - len(head) + name.start()
                before = code[at - 1 : at] if at else b""
                word = name.group().strip().lstrip(b"\\")
                if (
                    before not in (b"$", b">", b":")
                    and not (before.isalnum() or before == b"_")
                    and _BEFORE_FUNCTION.search(code, max(0, at - 12), at) is None
                    and word not in _KEYWORDS
                ):
                    out.append(code[last:at])
                    out.append(b"\x01%d\x01" % (n + len(added)))
                    added.append(word)
                    last = m.end()
                    continue
            out.append(code[last : m.start()])
            out.append(b" " * (m.end() - m.start()))
            last = m.end()
        if out:
            out.append(code[last:])
            code = b"".join(out)
    if _has_named_label(code):
        code = _NAMED_LABEL.sub(lambda m: m.group(1) + b" " * len(m.group(2)), code)
    if find(code, _NULLSAFE) >= 0:
        code = code.replace(_NULLSAFE, b" ->")
    if find(code, b"request") >= 0:
        code = _framework_requests(code, len(lx.raw_strings), added)
    if find(code, b"::") >= 0 and (
        (find(code, b"enum ") >= 0 and _ENUM_CASE.search(code) is not None)
        or _CALLED_VALUE.search(code) is not None
    ):
        code = _class_members(code)
    return code, added


# an expression called as a function, ``(Cls::F)(...)``, ``(Op::make())(...)``: where a
# constant or an enum's case may hold the name (in a file that declares an enum, its cases
# are read wherever they are); a class's constants elsewhere change nothing a rule reads
_CALLED_VALUE = compile_possessive(
    rb"\(\s*+\\?[a-z_\x80-\xff][\w\\\x80-\xff]*+\s*+::\s*+[a-z_\x80-\xff][\w\x80-\xff]*+\s*+"
    rb"(?:\(\s*+\)\s*+)?\)\s*+\("
)


# an enum's case with its value (``case Local = 'pas';``), a constant (``const F = ...``); a
# function or method of the file (``function make(``) is a match of :data:`_FUNC`
_ENUM_CASE = compile_possessive(rb"case\s++([a-z_]\w*+)\s*+=\s*+(\x01\d++\x01)\s*+;")
_CLASS_CONST = compile_possessive(rb"(?<![\w$>:])const\s++([a-z_]\w*+)\s*+=(?![=>])")
# Cls::NAME->value, Cls::NAME, Cls::name( (also self::, static::)
_MEMBER = compile_possessive(
    rb"(?<![\w$>\\\x80-\xff])(?:\\?[a-z_\x80-\xff][\w\\\x80-\xff]*+|self|static|parent)\s*+::\s*+"
    rb"([a-z_\x80-\xff][\w\x80-\xff]*+)"
    rb"(\s*+->\s*+value\b|\s*+\(|(?!\s*+(?:::|->|\()))"
)


def _class_members(code: bytes) -> bytes:
    """``Driver::Local->value`` as the case's literal, ``Cfg::F`` as the constant ``F`` (the
    file defines it with ``const``), ``Driver::make(`` as ``make(`` (the file declares a
    function or method of that name): the folder reads the file's own constants and the
    functions that return one expression by their bare names."""
    cases: dict[bytes, bytes] = {}
    consts: set[bytes] = set()
    functions: set[bytes] = set()
    if find(code, b"case") >= 0:
        cases = {m.group(1): m.group(2) for m in itertools.islice(_ENUM_CASE.finditer(code), 200)}
    if find(code, b"const") >= 0:
        found = itertools.islice(prefiltered_finditer(_CLASS_CONST, code), 500)
        consts = {m.group(1) for m in found}
    if find(code, b"function") >= 0:
        found = itertools.islice(prefiltered_finditer(_FUNC, code), 500)
        functions = {m.group(1) for m in found}
    if not (cases or consts or functions):
        return code

    def member(m: re.Match[bytes]) -> bytes:
        name, tail = m.group(1), m.group(2)
        if tail.strip().startswith(b"->"):
            return cases.get(name, m.group(0))
        if tail.strip() == b"(":
            return name + tail if name in functions else m.group(0)
        return name if name in consts and name != b"class" else m.group(0)

    return _MEMBER.sub(member, code)


# a framework's request object read the way PHP's own arrays are (Laravel's $request->input('k'),
# request('k'), $request->all(), $request->userAgent(); Symfony's $request->request->get('k')):
# the rules that follow request input to a sink read them as $_REQUEST['k'], $_SERVER[...]
_REQ_OBJ = rb"(?:\$request|(?<![\w$>:\\])request\s*\(\s*\))\s*->\s*"
_REQ_KEY = rb"\s*\(\s*(\x01\d+\x01)\s*(?:,[^();]{0,80})?\)"
_FRAMEWORK_READS: tuple[tuple[re.Pattern[bytes], bytes], ...] = (
    (
        compile_possessive(_REQ_OBJ + rb"(?:request|query|cookies|files)\s*->\s*get" + _REQ_KEY),
        b"$_request[%s]",
    ),
    (
        compile_possessive(_REQ_OBJ + rb"(?:input|get|post|query|string|str)" + _REQ_KEY),
        b"$_request[%s]",
    ),
    (compile_possessive(rb"(?<![\w$>:\\])request" + _REQ_KEY), b"$_request[%s]"),
    (compile_possessive(_REQ_OBJ + rb"cookie" + _REQ_KEY), b"$_cookie[%s]"),
    (compile_possessive(_REQ_OBJ + rb"(?:file|allfiles)" + _REQ_KEY), b"$_files[%s]"),
    (compile_possessive(
        _REQ_OBJ + rb"(?:all|only|except|input|post|query|validated|collect)\s*\("
        rb"\s*(?:\[[^\]\[;]{0,300}\]|\x01\d+\x01(?:\s*,\s*\x01\d+\x01){0,20})?\s*\)"
    ), b"$_request"),
)
# the visitor's own values: the agent, the address, the page asked for, the host named
_FRAMEWORK_SERVER = compile_possessive(
    _REQ_OBJ + rb"(useragent|ip|path|fullurl|url|requesturi|getrequesturi|gethost|host|root)"
    rb"\s*\(\s*\)"
)
MAX_FRAMEWORK_READS = 2000  # places holding "request" tried per file
_SERVER_KEYS = {
    b"useragent": b"HTTP_USER_AGENT",
    b"ip": b"REMOTE_ADDR",
    b"gethost": b"HTTP_HOST",
    b"host": b"HTTP_HOST",
    b"root": b"HTTP_HOST",
}


def _named_fields(m: re.Match[bytes]) -> bytes:
    """``$request->only(['email', 'password'])`` as ``[ 'email' => $_request['email'], ...]``:
    the fields by name; a read of all of them as ``$_request``."""
    keys = _PLACE.findall(m.group(0))
    if not keys or m.group(0).find(b"only") < 0:
        return b"$_request"
    return b"[" + b", ".join(b"\x01%s\x01 => $_request[\x01%s\x01]" % (k, k) for k in keys) + b"]"


def _framework_requests(code: bytes, base: int, added: list[bytes]) -> bytes:
    """``code`` with a framework's request reads written as PHP's request arrays (see
    :data:`_FRAMEWORK_READS`); a literal key the view adds goes to ``added`` (numbered from
    ``base`` on, after those already there). Each read holds "request": the patterns are
    tried where it is (at most :data:`MAX_FRAMEWORK_READS` places)."""
    out: list[bytes] = []
    last = 0
    at = find(code, b"request")
    for _ in range(MAX_FRAMEWORK_READS):
        if at < 0:
            break
        start = at - 1 if at and code[at - 1] == 36 else at  # "$request"
        found: bytes | None = None
        end = 0
        for rx, form in _FRAMEWORK_READS:
            m = rx.match(code, start)
            if m is not None:
                found = form % m.group(1) if b"%s" in form else _named_fields(m)
                end = m.end()
                break
        if found is None:
            m = _FRAMEWORK_SERVER.match(code, start)
            if m is not None:
                added.append(_SERVER_KEYS.get(m.group(1), b"REQUEST_URI"))
                found = b"$_server[\x01%d\x01]" % (base + len(added) - 1)
                end = m.end()
        if found is not None and start >= last:
            out.append(code[last:start])
            out.append(found)
            last = end
            at = find(code, b"request", end)
        else:
            at = find(code, b"request", at + 7)
    if not out:
        return code
    out.append(code[last:])
    return b"".join(out)


# a closure or an arrow function held by a variable: ``$f = function ($c) use ($x) {`` or
# ``$f = static fn ($u) =>`` (the parameters follow the match)
_HELD_CLOSURE = compile_possessive(
    rb"(?<![\w$>:\x80-\xff])\$([a-z_\x80-\xff][\w\x80-\xff]*+)\s*+=\s*+(?:static\s++)?"
    rb"(function|fn)\s*+\("
)
_CLOSURE_TAIL = compile_possessive(
    rb"\s*+(?:use\s*+\([^()]{0,300}\)\s*+)?(?::\s*+\??[\w\\]{1,60}\s*+)?(\{|=>)"
)
MAX_HELD_CLOSURES = 50
CLOSURE_PREFIX = b"fnvar_"
# where _HELD_CLOSURE can match: its "function (" or "fn (" (the variable and "=" before it
# are read backwards from there)
_CLOSURE_WORD = tight(rb"f(?:unction|n)\s*+\(")
_SPACE = frozenset(b" \t\n\r\f\v")
_NAME_BYTES = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + bytes(range(0x80, 0x100))
)
_NAME_FIRST = _NAME_BYTES - frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_BEFORE_VAR = _NAME_BYTES | frozenset(b"$>:")


def _space_before(code: bytes, at: int) -> int:
    """The start of the run of whitespace that ends at ``at``."""
    while at > 0 and code[at - 1] in _SPACE:
        at -= 1
    return at


def held_closures(code: bytes) -> list[tuple[int, bytes, bytes, int]]:
    """Each match of :data:`_HELD_CLOSURE` in ``code`` (the first
    :data:`MAX_HELD_CLOSURES`), as (start, the variable's name, "function" or "fn", end):
    found from the keyword, which is rare, and read backwards to the "$", instead of trying
    the pattern (it starts with a look-behind) at every offset of the code."""
    found: list[tuple[int, bytes, bytes, int]] = []
    for m in _CLOSURE_WORD.finditer(code):
        word_at = m.start()
        if word_at and code[word_at - 1] in _NAME_BYTES:
            continue  # "myfn(": not the keyword (nor is "=" right before it)
        at = _space_before(code, word_at)
        if at < word_at and code[at - 6 : at] == b"static":
            at = _space_before(code, at - 6)
        if at == 0 or code[at - 1] != 0x3D:  # "="
            continue
        end_name = _space_before(code, at - 1)
        start_name = end_name
        while start_name > 0 and code[start_name - 1] in _NAME_BYTES:
            start_name -= 1
        if (
            start_name == end_name
            or code[start_name] not in _NAME_FIRST
            or start_name < 1
            or code[start_name - 1] != 0x24  # "$"
            or (start_name > 1 and code[start_name - 2] in _BEFORE_VAR)
        ):
            continue
        word = code[word_at : word_at + (8 if code[word_at + 1] == 0x75 else 2)]
        found.append((start_name - 1, code[start_name:end_name], word, m.end()))
        if len(found) >= MAX_HELD_CLOSURES:
            break
    return found


def named_closures(code: bytes) -> bytes:
    """``code`` with each closure or arrow function that a variable holds written as a
    function of its own, and the variable's calls as calls of it: ``$f = function ($c) {
    system($c); }; $f($_GET['c']);`` reads ``function fnvar_f($c) { system($c); };
    fnvar_f($_GET['c']);`` and ``$get = fn($u) => file_get_contents($u);`` reads ``function
    fnvar_get($u) { return file_get_contents($u); }``; ``call_user_func($f, $a)`` reads
    ``fnvar_f( $a)``. The rules that follow a call into a
    function (a parameter that reaches a sink, what a helper returns) then follow these too.
    At most :data:`MAX_HELD_CLOSURES` closures; one held by a name set twice is left."""
    if find(code, b"function") < 0 and find(code, b"fn") < 0:
        return code
    found = held_closures(code)
    if not found:
        return code
    names = [m[1] for m in found]
    out: list[bytes] = []
    last = 0
    done: set[bytes] = set()
    for start, name, word, end in found:
        if names.count(name) > 1 or start < last:
            continue
        params_end = end + close_paren(code[end:])
        tail = _CLOSURE_TAIL.match(code, params_end + 1)
        if params_end >= len(code) or tail is None:
            continue
        if (tail.group(1) == b"=>") != (word == b"fn"):
            continue
        head = b"function " + CLOSURE_PREFIX + name + code[end - 1 : params_end + 1] + b" {"
        out.append(code[last:start])
        if tail.group(1) == b"{":
            out.append(head)
            last = tail.end()
        else:
            body = expression(code[tail.end() :])
            out.append(head + b" return " + body + b"; }")
            last = tail.end() + len(body)
        done.add(name)
    if not done:
        return code
    out.append(code[last:])
    text = b"".join(out)
    return _calls_renamed(text, done)


def held_calls_rx(done: set[bytes]) -> re.Pattern[bytes]:
    """A call of a variable of ``done`` that holds a closure (``$f(``), or the variable given
    to call_user_func(): ``call_user_func($run, $arg)`` calls it with ``$arg``."""
    held = b"|".join(re.escape(n) for n in sorted(done))
    return re.compile(
        rb"(?<![\w$>:\x80-\xff])\$(" + held + rb")\s*\("
        rb"|(?<![\w$>:\x80-\xff])call_user_func\s*\(\s*\$(" + held + rb")\s*(?:,|(?=\)))"
    )


def _calls_renamed(text: bytes, done: set[bytes]) -> bytes:
    """``held_calls_rx(done).sub(...)``: each call written as a call of the function the
    closure became (``fnvar_f(``), the pattern tried only where a match can start, at a
    ``$name`` of ``done`` or a ``call_user_func`` (it begins with a look-behind: the regex
    engine tried it at every offset of the file). The matches are never empty."""
    calls = held_calls_rx(done)
    search = word_searcher(calls, text, (*(b"$" + n for n in sorted(done)), b"call_user_func"))
    parts: list[bytes] = []
    last = 0
    c = search(0)
    while c is not None:
        parts.append(text[last : c.start()])
        parts.append(CLOSURE_PREFIX + (c.group(1) or c.group(2)) + b"(")
        last = c.end()
        c = search(last)
    if not parts:
        return text
    parts.append(text[last:])
    return b"".join(parts)


# ``call_user_func(`` as a function's call (not a method's, not ``fnvar_call_user_func(``)
_USER_FUNC = tight(rb"(?<![\w$>:\\\x80-\xff])call_user_func(_array)?\s*\(\s*")
# the literal list of call_user_func_array()'s arguments: ``[`` or ``array(``
_ARG_LIST = tight(rb"\[|array\s*\(")
_HELD_NAME = tight(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*)\s*(?=[,)])")
MAX_USER_FUNC_CALLS = 200  # call_user_func() calls looked at per file


def user_func_calls(code: bytes, lx: Lexed, env: Env) -> bytes:
    """``call_user_func('system', $c)`` written ``system($c)``: the same call, made by PHP's
    function instead of its syntax. The name may be any expression the folder reads
    (``strrev('metsys')``, ``'sys' . 'tem'``) or a variable that holds one where it is called
    (as :func:`inline_name_variables` reads ``$f($c)``); one it cannot read, or that is not a
    function's name, is left as it is."""
    out: list[bytes] = []
    last = 0
    used: set[bytes] | None = None  # the variables of closures' use lists
    for seen, m in enumerate(prefiltered_finditer(_USER_FUNC, code)):
        if seen >= MAX_USER_FUNC_CALLS:
            break
        arg = m.end()
        held = _HELD_NAME.match(code, arg)
        value: bytes | None = None
        if held is not None:
            var, end = held.group(1), held.end()
            if used is None:
                used = {
                    v
                    for u in _USE_LIST.finditer(code)
                    if not u.start() or code[u.start() - 1] not in _NOT_BEFORE_CALL
                    for v in _VAR.findall(u.group(1))
                }
            if var != b"this" and not _written_otherwise(code, var, used):
                try:
                    got = env.get(var, m.start())
                except (_NoValue, ValueError, IndexError, RecursionError):
                    got = None
                value = None if got is None else got[0]
        else:
            folded = fold_at(code, lx, arg, env)
            if folded is not None:
                value, end = folded.value, _skip_ws(code, folded.end)
        if value is None:
            continue
        name = value.strip().lower().lstrip(b"\\")
        if (
            not _FUNCTION_NAME.match(name)
            or name in _CONSTRUCTS
            or code[end : end + 1] not in (b",", b")")
        ):
            continue
        after = _skip_ws(code, end + 1) if code[end : end + 1] == b"," else end
        close = -1  # call_user_func_array(): where its literal list of arguments closes
        if m.group(1):
            opened = _ARG_LIST.match(code, after) if code[end : end + 1] == b"," else None
            if opened is None:
                continue  # the arguments in a variable: no call written out
            square = code[after : after + 1] == b"["
            close = opened.end() + close_paren(
                code[opened.end() :], *((91, 93) if square else (40, 41))
            )
            if code[_skip_ws(code, close + 1) : _skip_ws(code, close + 1) + 1] != b")":
                continue
            after = opened.end()
        out.append(code[last : m.start()])
        # the line breaks of the name's expression are kept: findings keep their lines
        out.append(name + b"(" + b"\n" * code.count(b"\n", m.start(), after))
        last = after
        if close >= 0:  # the list's items are the call's arguments: its brackets go
            out.append(code[after:close] + b" ")
            last = close + 1
    if not out:
        return code
    out.append(code[last:])
    return b"".join(out)


# a named function's head (not a method's: one is called as ``->name(``, never ``name(``)
_FUNCTION_HEAD = tight(
    rb"(?<![\w$>:\\\x80-\xff])function\s+&?\s*([a-z_\x80-\xff][\w\x80-\xff]*)\s*\("
)
# what follows the parameters up to the body: a return type
_BODY_OPEN = tight(rb"\s*(?::\s*\??[\w\\|]{1,60}\s*)?\{\s*")
# one parameter: a type, maybe a reference, the name, maybe a default
_HELPER_PARAM = tight(
    rb"\s*(?:\??[\w\\|]{1,60}\s+)?&?\s*\$([a-z_\x80-\xff][\w\x80-\xff]*)\s*(=\s*[^=].*)?\Z",
    re.DOTALL,
)
# an argument written into the body: a variable (its elements, its properties), a literal,
# a number; a call or an expression is not copied (it would be read twice)
_SIMPLE_ARG = tight(
    rb"\s*(?:\$[a-z_\x80-\xff][\w\x80-\xff]*(?:\s*\[[^\[\];()]{0,80}\]|\s*->\s*\w+)*"
    rb"|\x01\d+\x01|-?\d+)\s*\Z"
)
_ANY_VAR = tight(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*)")
_CALL_OPEN = tight(rb"\s*\(")
# what a helper written out at its calls does: writes, moves or removes a file, mails,
# fetches, opens a socket or includes (the rules read those calls with their arguments)
_HELPER_SINK = tight(
    rb"(?<![\w$>:\\\x80-\xff])(?:(?:move_uploaded_file|copy|file_put_contents|fopen|fwrite|fputs|"
    rb"unlink|rename|chmod|symlink|mkdir|mail|mb_send_mail|file_get_contents|readfile|file|"
    rb"curl_init|curl_exec|fsockopen|pfsockopen|stream_socket_client|socket_connect)\s*\(|"
    rb"(?:include|require)(?:_once)?\b)"
)
# a method's modifier just before ``function``
_METHOD_WORD = tight(rb"(?:public|private|protected|static|abstract|final)\s+\Z")
# what the rules that follow a call into a function of the file's own already read there
# (a shell command, code run, a parameter called): such a helper is not written out
_FOLLOWED_ELSEWHERE = tight(
    rb"\$[a-z_\x80-\xff][\w\x80-\xff]*\s*\(|(?<![\w$>:\\\x80-\xff])(?:system|exec|shell_exec|passthru|"
    rb"popen|proc_open|pcntl_exec|eval|assert|create_function|call_user_func(?:_array)?)\s*\("
)
MAX_HELPERS = 100  # one-statement functions looked at per file
MAX_HELPER_CALLS = 200  # their calls written out per file
MAX_HELPER_BODY = 400  # bytes of the one statement
MAX_HELPER_HEAD = 600  # bytes of a helper's parameters
MAX_HELPER_CALL = 2000  # bytes of a call's arguments


def _function_heads(code: bytes) -> Iterator[re.Match[bytes]]:
    """The matches of :data:`_FUNCTION_HEAD`, found from the word "function" by a literal
    search (a pattern that starts with a look-behind is tried at every offset)."""
    at = find(code, b"function")
    while at >= 0:
        m = _FUNCTION_HEAD.match(code, at)
        if m is not None:
            yield m
        at = find(code, b"function", at + 8)


def _one_statement_helpers(
    code: bytes,
) -> dict[bytes, tuple[list[tuple[bytes, bytes]], bytes]]:
    """The file's named functions whose body is one statement (``return EXPR;`` or ``EXPR;``)
    that reads no variable but its parameters: name -> (the parameters with their
    default's text or b"", the expression). A name defined twice, a variadic or
    by-reference parameter, a nested block is left out, and so is a statement that runs a
    command or code or calls a parameter (:data:`_FOLLOWED_ELSEWHERE`): the rules that
    follow a call into a function of the file's own read those with the checks around them
    (a file writer, an upload, a mail, a fetch behind a helper are read where it is called)."""
    found: dict[bytes, tuple[list[tuple[bytes, bytes]], bytes]] = {}
    seen: set[bytes] = set()
    for n, m in enumerate(_function_heads(code)):
        if n >= MAX_HELPERS * 4:
            break
        name = m.group(1)
        if name in seen:
            found.pop(name, None)
            continue
        seen.add(name)
        if _METHOD_WORD.search(code, max(0, m.start() - 40), m.start()) is not None:
            continue  # a class's method: called through an object or the class
        head = code[m.end() : m.end() + MAX_HELPER_HEAD]  # a slice: not the rest of the file
        close = m.end() + close_paren(head)
        body = _BODY_OPEN.match(code, close + 1)
        if close >= m.end() + len(head) or body is None:
            continue
        at = body.end()
        if code.startswith(b"return", at) and code[at + 6 : at + 7] in (b" ", b"(", b"\t", b"\n"):
            at += 6  # return EXPR;
        end = find(code, b";", at)
        if end < 0 or end - at > MAX_HELPER_BODY:
            continue
        expr = code[at:end]
        after = _skip_ws(code, end + 1)
        if b"{" in expr or b"}" in expr or code[after : after + 1] != b"}":
            continue
        params: list[tuple[bytes, bytes]] = []
        text = code[m.end() : close]
        for part in top_args(text) if text.strip() else []:
            pm = _HELPER_PARAM.match(part)
            if pm is None or b"..." in part or b"&" in part:
                params = []
                break
            params.append((pm.group(1), (pm.group(2) or b"=")[1:].strip()))
        else:
            names = {p for p, _ in params}
            if not all(v in names for v in _ANY_VAR.findall(expr)):
                continue  # a variable of its own, or request input: followed by other rules
            if _FOLLOWED_ELSEWHERE.search(expr) is not None:
                continue  # a command, code or a parameter run: the wrapper rules follow those
            if _HELPER_SINK.search(expr) is None:
                continue  # formats or computes: nothing a rule reads at its calls
            found[name] = (params, expr)
            if len(found) >= MAX_HELPERS:
                break
    return found


def _substituted(expr: bytes, values: dict[bytes, bytes]) -> bytes:
    """``expr`` with each variable of ``values`` written as its value."""
    return _ANY_VAR.sub(lambda v: values.get(v.group(1), v.group(0)), expr)


def inline_helpers(lx: Lexed) -> bytes:
    """``code`` with each call of a one-statement function of the file's own
    (:func:`_one_statement_helpers`) written as that statement's expression with the call's
    arguments for the parameters: ``function save($f, $to) { return move_uploaded_file(
    $f['tmp_name'], $to); } save($_FILES['u'], $_FILES['u']['name']);`` reads
    ``(move_uploaded_file($_FILES['u']['tmp_name'], $_FILES['u']['name']))``, as PHP runs it;
    a closure or arrow function a variable holds is such a function in the view
    (:func:`named_closures`). Only calls whose arguments are variables, their elements or
    properties, literals or numbers; the line breaks are kept."""
    code = lx.code
    if find(code, b"function") < 0:
        return code
    helpers = _one_statement_helpers(code)
    if not helpers:
        return code
    edits: list[tuple[int, int, bytes]] = []
    done = 0
    for name, (params, expr) in sorted(helpers.items()):
        for at, m in _word_then(code, name, _CALL_OPEN):
            if done >= MAX_HELPER_CALLS:
                break
            if at and code[at - 1] in _NOT_BEFORE_CALL:
                continue  # a method's call, a longer name, a variable
            if code[max(0, at - 12) : at].rstrip().endswith(b"function"):
                continue  # the function's own head
            open_at = m.end()
            call = code[open_at : open_at + MAX_HELPER_CALL]  # a slice: not the rest of the file
            close = open_at + close_paren(call)
            if close >= open_at + len(call):
                continue
            args = top_args(code[open_at:close]) if code[open_at:close].strip() else []
            if len(args) > len(params) or not all(_SIMPLE_ARG.match(a) for a in args):
                continue
            values: dict[bytes, bytes] = {}
            for i, (param, default) in enumerate(params):
                if i < len(args):
                    values[param] = args[i].strip()
                elif default:
                    values[param] = default
                else:
                    break
            else:
                text = _substituted(expr, values)
                lines = b"\n" * code.count(b"\n", at, close + 1)
                edits.append((at, close + 1, b"(" + text.replace(b"\n", b" ") + b")" + lines))
                done += 1
    if not edits:
        return code
    edits.sort()
    last = 0
    parts: list[bytes] = []
    for start, end, text in edits:
        if start < last:
            continue
        parts.append(code[last:start])
        parts.append(text)
        last = end
    parts.append(code[last:])
    return b"".join(parts)


# ``new ReflectionFunction(`` and ``Closure::fromCallable(``: a function taken by its name
_REFLECTED = tight(
    rb"(?<![\w$>:\\\x80-\xff])(?:new\s+\\?reflectionfunction|\\?closure\s*::\s*fromcallable)\s*\("
)
_INVOKED = tight(rb"\s*->\s*invoke(args)?\s*\(\s*")
_ASSIGNED_TO = tight(rb"\$([a-z_\x80-\xff][\w\x80-\xff]*)\s*=\s*\Z")
MAX_REFLECTED = 100  # functions taken by name looked at per file


def reflected_calls(code: bytes, lx: Lexed, env: Env) -> bytes:
    """``(new ReflectionFunction('system'))->invoke($c)`` written ``call_user_func('system',
    $c)`` (``->invokeArgs([$c])``: ``call_user_func_array('system', [$c])``), also through a
    variable (``$r = new ReflectionFunction($n); $r->invoke($c)``: ``$r`` holds the name
    and its ``->invoke(`` is ``call_user_func($r, ``), and ``Closure::fromCallable('system')``
    as the name itself (``$f = Closure::fromCallable($n); $f($c)`` calls ``$n``): the same
    call through PHP's reflection, which :func:`user_func_calls` then writes as the plain
    call. Only where the folder reads the name and it is a function's (a closure or a
    method taken so is left as it is). The offsets and line breaks are kept."""
    edits: list[tuple[int, int, bytes]] = []
    held: list[bytes] = []  # variables set to a reflected function
    for seen, m in enumerate(_REFLECTED.finditer(code)):
        if seen >= MAX_REFLECTED:
            break
        inner = m.end()
        close = inner + close_paren(code[inner:])
        folded = fold_at(code, lx, inner, env)
        if folded is None or _skip_ws(code, folded.end) != close:
            continue
        name = folded.value.strip().lower().lstrip(b"\\")
        if not _FUNCTION_NAME.match(name) or name in _CONSTRUCTS:
            continue
        expr = code[inner:close]
        start = m.start()
        if code[m.start() : m.start() + 1] == b"n":  # new ReflectionFunction(...)
            lead = start
            while lead > 0 and code[lead - 1] in b" \t\r\n":
                lead -= 1
            outer = lead > 0 and code[lead - 1] == 40  # (new ReflectionFunction(...))
            end = close + 1
            if outer:
                end = _skip_ws(code, end)
                if code[end : end + 1] != b")":
                    outer = False
                    end = close + 1
                else:
                    end += 1
            inv = _INVOKED.match(code, end)
            if inv is not None:
                begin = lead - 1 if outer else start
                call = b"call_user_func_array(" if inv.group(1) else b"call_user_func("
                sep = b"" if code[inv.end() : inv.end() + 1] == b")" else b", "
                lines = b"\n" * code.count(b"\n", begin, inv.end())
                edits.append((begin, inv.end(), call + expr + sep + lines))
                continue
            to = _ASSIGNED_TO.search(code, max(0, start - 80), start)
            if to is None:
                continue
            held.append(to.group(1))
        edits.append((start, inner, b" " * (inner - start)))
        edits.append((close, close + 1, b" "))
    for var in set(held):
        word = b"$" + var
        at = find(code, word)
        while at >= 0:
            after = at + len(word)
            inv = _INVOKED.match(code, after)
            if inv is not None:
                call = b"call_user_func_array(" if inv.group(1) else b"call_user_func("
                sep = b"" if code[inv.end() : inv.end() + 1] == b")" else b", "
                lines = b"\n" * code.count(b"\n", at, inv.end())
                edits.append((at, inv.end(), call + word + sep + lines))
            at = find(code, word, after)
    if not edits:
        return code
    edits.sort()
    out: list[bytes] = []
    last = 0
    for start, end, text in edits:
        if start < last:
            continue  # overlapping: the first one holds
        out.append(code[last:start])
        out.append(text)
        last = end
    out.append(code[last:])
    return b"".join(out)


# ``$name[`` as a read (not ``$$name[``, ``->name[``, ``::$name[``)
_ELEMENT_OPEN = tight(rb"(?<![\w$>:\\\x80-\xff])\$([a-z_\x80-\xff][\w\x80-\xff]*)\s*\[")
_ITEM_CALL = tight(rb"\]\s+\(")
MAX_TABLE_CALLS = 400  # calls of an array's item looked at per file
MAX_GLOBAL_NAMES = 400  # ``$GLOBALS['name']`` read as ``$name``, per file


def _globals_as_variables(code: bytes, lx: Lexed, env: Env) -> bytes:
    """``$GLOBALS['_123_']`` (any expression of literals for the name) written ``$_123_``:
    the global variable it is. The line breaks of the name's expression are kept."""
    out: list[bytes] = []
    last = 0
    for n, (start, end) in enumerate(alias_opens(code)):
        if n >= MAX_GLOBAL_NAMES:
            break
        if start < last or code[start + 1 : start + 2] != b"g":
            continue
        folded = fold_at(code, lx, end, env)
        if folded is None:
            continue
        close = _skip_ws(code, folded.end)
        name = folded.value.lower()
        if (
            code[close : close + 1] != b"]"
            or not _FUNCTION_NAME.match(name)
            or name in _SUPERGLOBALS
            or name == b"this"
        ):
            continue
        out.append(code[last:start])
        out.append(b"$" + name + b"\n" * code.count(b"\n", start, close))
        last = close + 1
    if not out:
        return code
    out.append(code[last:])
    return b"".join(out)


def table_calls(lx: Lexed, cache: dict[str, Any] | None = None) -> bytes | None:
    """The lexed code with each call of an array's item (``$t[3](...)``) written as a call
    of the function whose name that item holds, where the array is a literal of folded
    names (``$t = Array('sy' . 'stem', base64_decode('dG91Y2g='))``; through another
    variable assigned it too), or None where there is none. The obfuscators' name tables
    live in ``$GLOBALS['_123_']``: read as the global ``$_123_`` it is. An array that is
    written to otherwise (an item set, ``foreach``, a reference) is left alone. Bounded: at
    most :data:`MAX_TABLE_CALLS` calls, each table's items folded once (at most 256 names,
    :data:`MAX_VALUE` bytes: a larger table has no value)."""
    code = lx.code
    if b"$globals" in code:
        code = _globals_as_variables(code, lx, Env(code, lx, cache))
    if b"](" not in code and _ITEM_CALL.search(code) is None:
        return _returned_name_calls(code, lx)
    env = Env(code, lx, cache if code is lx.code else None)
    used: set[bytes] | None = None
    other: dict[bytes, bool] = {}
    out: list[bytes] = []
    last = 0
    seen = 0
    for m in _ELEMENT_OPEN.finditer(code):
        if m.start() < last:
            continue
        var = m.group(1)
        if var in _SUPERGLOBALS or var == b"this":
            continue
        seen += 1
        if seen > MAX_TABLE_CALLS:
            break
        try:
            if env.items(var, m.start()) is None:
                continue
        except (_NoValue, ValueError, IndexError, RecursionError):
            continue
        if var not in other:
            if used is None:
                used = {
                    v
                    for u in _USE_LIST.finditer(code)
                    if not u.start() or code[u.start() - 1] not in _NOT_BEFORE_CALL
                    for v in _VAR.findall(u.group(1))
                }
            other[var] = _table_written(code, var, used)
        if other[var]:
            continue
        folded = fold_at(code, lx, m.start(), env)
        if folded is None:
            continue
        paren = _skip_ws(code, folded.end)
        name = folded.value.strip().lower().lstrip(b"\\")
        if (
            code[paren : paren + 1] != b"("
            or not _FUNCTION_NAME.match(name)
            or name in _CONSTRUCTS
        ):
            continue
        out.append(code[last : m.start()])
        out.append(name + b"\n" * code.count(b"\n", m.start(), paren))
        last = paren
    if out:
        out.append(code[last:])
        code = b"".join(out)
    called = _returned_name_calls(code, lx)
    if called is not None:
        return called
    return code if out else None


# a call of a function by its name (not a method's, not ``new``'s: a look-behind)
_NAMED_CALL = tight(rb"(?<![\w$>:\\\x80-\xff])([a-z_\x80-\xff][\w\x80-\xff]*)\s*\(")
_CALL_OF_CALL = tight(rb"\)\s*\(")


def _returned_name_calls(code: bytes, lx: Lexed) -> bytes | None:
    """``_1(3)(...)``: a call of what the file's own function returns, written as a call of
    the function name it returns (:meth:`Env.returns`: a body of one ``return``, or a name
    table and a ``return``), or None where there is none."""
    if _CALL_OF_CALL.search(code) is None or b"function" not in code:
        return None
    env = Env(code, lx)
    out: list[bytes] = []
    last = 0
    seen = 0
    # a call whose arguments hold no "(" and no variable, folded once: ``_1(3)`` read 40 times
    known: dict[bytes, tuple[bytes, int] | None] = {}
    for m in _own_function_calls(code, env):
        name = m.group(1)
        if m.start() < last or name in _CONSTRUCTS or name == b"function":
            continue
        if not env.defines(name):
            continue
        close = code.find(b")", m.end(), m.end() + 200)
        key = code[m.start() : close + 1] if close >= 0 else b""
        if b"(" in code[m.end() : close] or b"$" in key:
            key = b""
        if key and key in known:
            got_end = known[key]
            if got_end is None:
                continue
            got, end = got_end[0], m.start() + got_end[1]
        else:
            seen += 1
            if seen > MAX_TABLE_CALLS:
                break
            if _fold_fails(code, m.start(), name, env):
                if key:
                    known[key] = None
                continue
            folded = fold_at(code, lx, m.start(), env)
            if folded is None or code[folded.end - 1 : folded.end] != b")":
                if key:
                    known[key] = None
                continue
            got, end = folded.value.strip().lower().lstrip(b"\\"), folded.end
            if key:
                known[key] = (got, end - m.start())
        paren = _skip_ws(code, end)
        if code[paren : paren + 1] != b"(" or not _FUNCTION_NAME.match(got) or got in _CONSTRUCTS:
            continue
        out.append(code[last : m.start()])
        out.append(got + b"\n" * code.count(b"\n", m.start(), paren))
        last = paren
    if not out:
        return None
    out.append(code[last:])
    return b"".join(out)


#: the file's own functions whose calls :func:`_own_function_calls` looks for one name at a
#: time (past them, one pass over every call is cheaper)
_OWN_CALLS_SEARCHED = 48


def _own_function_calls(code: bytes, env: Env) -> Iterator[re.Match[bytes]]:
    """The matches of :data:`_NAMED_CALL` in ``code`` (in file order) that may be calls of a
    function the file defines once (:meth:`Env.defines`), and no fewer: of a file's hundreds
    of calls (the functions PHP has) only those of its own few functions, found by a compiled
    search of each name (:func:`find_calls`, the same places: a name that ends before
    "(" and follows no name byte, "$", ">" or ":"), each then matched as before."""
    env._scan_functions()
    own = tuple(
        name for name, count in env._file.defines.items() if count == 1 and name[:1] != b"$"
    )
    if len(own) > _OWN_CALLS_SEARCHED:
        yield from _NAMED_CALL.finditer(code)
        return
    for at, _args in find_calls(code, own, len(code)):
        m = _NAMED_CALL.match(code, at)
        if m is not None:
            yield m


def _fold_fails(code: bytes, pos: int, name: bytes, env: Env) -> bool:
    """Whether ``fold_at(code, lx, pos, env)`` is None for the call of the file's own function
    ``name`` at ``pos``, known without folding its arguments: the folder reads such a call as
    what the function returns (:meth:`Env.returns`), which is nothing whatever the arguments
    where its body is not one ``return``; folding the arguments first (``wp_parse_args($a,
    $defaults)`` in every WordPress function) was most of the rewritten view's cost."""
    if name in _FOLDING_CALLS or name in _ARRAY_ARG_CALLS or name in _FOLD_SPECIAL_CALLS:
        return False
    m = _CALL.match(code, pos)
    if m is None or m.group(1) != name:
        return False
    try:
        return env.never_returns(name)
    except (_NoValue, ValueError, IndexError, RecursionError):
        return False  # folded as before, which stops where it stopped


_FOLD_SPECIAL_CALLS = frozenset({b"implode", b"join", b"call_user_func"})  # unary's own cases


def _table_written(code: bytes, var: bytes, used: set[bytes]) -> bool:
    """Whether the array ``$var`` is written otherwise than by "=" (:func:`_written_otherwise`;
    but ``'k' => $var[1](...)`` in an array literal reads it), an item of it is set
    (``$var[1] = ...``, ``$var[] = ...``), or it is passed where a function may change it
    (``array_push($var``, ``sort($var``)."""
    if var in used:
        return True
    for n, at in enumerate(var_mentions(code, var, MAX_MENTIONS)):
        if n + 1 >= MAX_MENTIONS:
            return True
        w = _WRITE_BEFORE.search(code, max(0, at - 12), at)
        after = at + 1 + len(var)
        if w is not None and not (
            w.group(0).startswith(b"=>") and _OPEN_BRACKET.match(code, after)
        ):
            return True
        if _ITEM_SET.match(code, after) is not None:
            return True
        paren = _back_ws(code, at) - 1
        if (
            paren >= 0
            and code[paren] == 40  # "("
            and code[_skip_ws(code, after) : _skip_ws(code, after) + 1] in (b",", b")")
            and _READ_ONLY.search(code, max(0, paren - 12), paren) is None
        ):
            return True  # array_push($var, ...), sort($var)
    return False


# calls that read the array given them, never change it
_READ_ONLY = tight(
    rb"(?<![\w$>:\\])(?:isset|empty|count|sizeof|is_array|in_array|implode|join)\s*$"
)


MAX_MENTIONS = 4096  # a table mentioned more often is counted as written (not looked at)
# what follows ``$var`` where an item of it is set: ``[...] =``, ``[] .=``, ``[1] ??=``
_ITEM_SET = tight(rb"\s*\[[^\]\n;]{0,200}\]\s*(?:[.+\-*/|&^%]|\?\?|<<|>>)?=(?![=>])")


def _back_ws(code: bytes, at: int) -> int:
    """Where the whitespace that ends at ``at`` starts."""
    while at > 0 and code[at - 1] in b" \t\r\n@":
        at -= 1
    return at


def normalized(
    lx: Lexed,
    cache: dict[str, Any] | None = None,
    has: Callable[[bytes], bool] | None = None,
) -> Lexed | None:
    """:func:`normalized_view`'s view alone."""
    got = normalized_view(lx, cache, has)
    return None if got is None else got[0]


def normalized_view(
    lx: Lexed,
    cache: dict[str, Any] | None = None,
    has: Callable[[bytes], bool] | None = None,
) -> tuple[Lexed, bool] | None:
    """The lexed file as a reader who undoes the usual rewrites sees it, or None where that
    changes nothing: PHP 8's call syntax and a framework's request reads written the older
    way (:func:`_modern_calls`), a string literal called as a function as the call of the
    function it names (:func:`_literal_name_calls`), ``getenv('HTTP_…')`` and a raw
    ``filter_input()`` called at once as the superglobal they read (:func:`_request_reads`),
    literals glued by "." as one literal (``'sys' . 'tem'``),
    a superglobal named through ``$GLOBALS[...]`` or ``${...}`` as itself, and a variable
    called as a function as the name it holds (:func:`inline_name_variables`). PHP does the
    same with either text; the rules read both (the rewrites themselves are findings of
    their own).
    ``has(word)``: whether ``word`` is in the code (the gate pass knows without a search).
    With the view, whether it differs from the code only by PHP's own ``"…{$x}…"`` written
    as the concatenation it is (no rewrite that hides)."""
    orig = lx
    if has is None:
        has = lx.code.__contains__
    written = written_out(lx)  # "a{$_GET['p']}" as 'a' . $_GET['p']
    if written is not None:
        lx = written
        has = lx.code.__contains__
    code = lx.code
    code, modern = _modern_calls(code, lx)
    if modern:
        lx = replace(
            lx,
            code=code,
            raw_strings=lx.raw_strings + modern,
            kinds=lx.kinds + ["sq"] * len(modern),
            _values={},
        )
    code = _literal_name_calls(code, lx)
    code = _request_reads(code, lx, has)
    if has(b"$globals") or has(b"${"):
        # the file's cached index is of its own code: not of code the rewrites changed
        code = _superglobal_aliases(code, lx, Env(code, lx, cache if code is orig.code else None))
    code, added = _glued_literals(code, lx)
    view = lx
    if added:
        view = lx.with_literals(code, added)
    elif code is not lx.code:
        view = replace(lx, code=code, _values={})
    named = named_closures(view.code)
    if named is not view.code:
        view = replace(view, code=named) if view is not lx else replace(lx, code=named, _values={})
    inlined_helpers = inline_helpers(view)
    if inlined_helpers is not view.code:
        view = (
            replace(view, code=inlined_helpers)
            if view is not lx
            else replace(lx, code=inlined_helpers, _values={})
        )
    reflected = False  # calls through reflection written as call_user_func()
    if has(b"reflectionfunction") or has(b"fromcallable"):
        env = Env(view.code, view, cache if view is orig else None)
        code = reflected_calls(view.code, view, env)
        reflected = code is not view.code
        if reflected:
            view = (
                replace(view, code=code)
                if view is not lx
                else replace(lx, code=code, _values={})
            )
    if reflected or has(b"call_user_func"):
        env = Env(view.code, view, cache if view is orig else None)
        called = user_func_calls(view.code, view, env)
        if called is not view.code:
            view = (
                replace(view, code=called)
                if view is not lx
                else replace(lx, code=called, _values={})
            )
    tabled = table_calls(view, None if view is not orig else cache)
    if tabled is not None:
        view = (
            replace(view, code=tabled) if view is not lx else replace(lx, code=tabled, _values={})
        )
    parened = paren_name_calls(view, None if view is not orig else cache)
    if parened is not None:
        view = (
            replace(view, code=parened) if view is not lx else replace(lx, code=parened, _values={})
        )
    inlined = inline_name_variables(view, None if view is not orig else cache)
    if inlined is not None:
        view = (
            replace(view, code=inlined) if view is not lx else replace(lx, code=inlined, _values={})
        )
    if view is orig or view.code == orig.code:
        return None
    return view, written is not None and view.code == written.code
