"""Rules as data: load ``data/scanner/rules.toml`` into compiled :class:`Rule` objects."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from spamtrace.config import parse_toml_text
from spamtrace.errors import ConfigError
from spamtrace.safetext import quoted
from spamtrace.scanner.rx import tight

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
# a collection, or one top folder of it ("for-just-we-webshell/train": written from that part
# only, so the bench can hold out the other part)
_COLLECTION = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?$")
_FUNCTION = re.compile(r"^[a-z_][a-z0-9_]*$")
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
# a words.yar rule: "rule <name> {" at the start of a line up to a "}" alone on its line
_RULE_BLOCK = re.compile(r"(?ms)^(rule[ \t]+(\w+)[ \t]*\{.*?^\}[ \t]*$)")
_RULE_WORD = re.compile(r"(?m)^[ \t]*(?:(?:private|global)[ \t]+)*rule[ \t]+\w+")
KINDS = ("code", "yara", "feature")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    weight: int
    description: str
    category: str
    regex: re.Pattern[bytes] | None = None
    feature: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    gate: tuple[bytes, ...] = ()  # the rule runs only if one of these is in the text
    gate_also: tuple[bytes, ...] = ()  # ... and one of these
    #: the rule fires only at a call of one of these functions (``eval(``, not
    #: ``->evaluate(`` or ``assertEquals(``): where none is called, it does not run
    gate_call: tuple[bytes, ...] = ()
    yara: str | None = None  # kind "yara": rule name in words.yar
    scope: str = "strings"  # kind "yara": "strings" or "bytes"
    gate_counts: tuple[bytes, ...] = ()  # with params.min_literal_count: occurrences needed
    boundary: bool = False  # pattern began with BOUNDARY: matches are checked by the caller
    #: rules that say the same thing: of those that fire, only the heaviest counts
    overlaps: tuple[str, ...] = ()
    #: the corpus collections the rule was written from (``written_from``; () = none: general
    #: knowledge and the project's own probes), or a top folder of one ("collection/part");
    #: a collection (a part) is measured held out without them
    written_from: tuple[str, ...] = ()


def _expand(pattern: str, macros: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise ConfigError(f"scanner rules: unknown macro {{{name}}}")
        return macros[name]

    return _MACRO.sub(repl, pattern)


def _macros(doc: dict[str, Any]) -> dict[str, str]:
    macros: dict[str, str] = {}
    for key, value in doc.get("macros", {}).items():  # a macro may use the ones above it
        macros[key] = _expand(str(value), macros)
    return macros


def parse_rules(text: str, origin: str = "rules.toml") -> tuple[Rule, ...]:
    return rules_of(parse_toml_text(text, origin), origin)


def rules_of(doc: dict[str, Any], origin: str) -> tuple[Rule, ...]:
    """The rules of a parsed rules file (``origin`` names it in errors)."""
    macros = _macros(doc)
    out: list[Rule] = []
    seen: set[str] = set()
    for entry in doc.get("rule", []):
        rid = entry.get("id", "")
        if not _ID.match(rid):
            raise ConfigError(f"{origin}: bad rule id {quoted(rid)}")
        if rid in seen:
            raise ConfigError(f"{origin}: duplicate rule id {rid}")
        seen.add(rid)
        kind = entry.get("kind")
        if kind not in KINDS:
            raise ConfigError(f"{origin}: rule {rid}: unknown kind {quoted(kind)}")
        for key in ("description", "weight", "category"):
            if key not in entry:
                raise ConfigError(f"{origin}: rule {rid}: missing {key}")
        regex = None
        boundary = False
        if "pattern" in entry:
            expanded = _expand(entry["pattern"], macros)
            if expanded.startswith(BOUNDARY):
                expanded = expanded[len(BOUNDARY) :]
                boundary = True
            try:
                regex = tight(expanded.encode("ascii"), re.DOTALL)
            except re.error as exc:
                raise ConfigError(f"{origin}: rule {rid}: bad pattern: {exc}") from None
        elif kind == "code":
            raise ConfigError(f"{origin}: rule {rid}: missing pattern")
        if kind == "yara" and (not entry.get("yara") or entry.get("scope") not in SCOPES):
            raise ConfigError(f"{origin}: rule {rid}: yara rules need `yara` and `scope`")
        if kind == "feature" and not entry.get("feature"):
            raise ConfigError(f"{origin}: rule {rid}: missing feature name")
        gate_call = entry.get("gate_call", [])
        if not isinstance(gate_call, list) or not all(
            isinstance(n, str) and _FUNCTION.match(n) for n in gate_call
        ):
            raise ConfigError(f"{origin}: rule {rid}: gate_call must be a list of function names")
        params = {k: v for k, v in entry.items() if k not in _COMMON}
        written_from = _written_from(entry.get("written_from", []), rid, origin)
        out.append(
            Rule(
                id=rid,
                kind=kind,
                weight=int(entry["weight"]),
                description=str(entry["description"]),
                category=str(entry["category"]),
                regex=regex,
                feature=entry.get("feature"),
                params=params,
                gate=_gate(entry.get("gate", ())),
                gate_also=_gate(entry.get("gate_also", ())),
                gate_call=_gate(gate_call),
                yara=entry.get("yara"),
                scope=entry.get("scope", "strings"),
                boundary=boundary,
                gate_counts=_gate(entry.get("gate_counts", ())),
                overlaps=tuple(str(x) for x in entry.get("overlaps", ())),
                written_from=written_from,
            )
        )
    return _symmetric_overlaps(out, seen, origin)


def _written_from(value: Any, rid: str, origin: str) -> tuple[str, ...]:
    """``written_from``: a list of distinct collection names (a folder name of the corpus,
    or ``collection/part`` for one top folder of it)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: rule {rid}: written_from must be a list of collection names")
    for name in value:
        if not _COLLECTION.match(name):
            raise ConfigError(
                f"{origin}: rule {rid}: written_from: bad collection name {quoted(name)}"
            )
    if len(set(value)) != len(value):
        raise ConfigError(f"{origin}: rule {rid}: written_from names a collection twice")
    return tuple(value)


def _symmetric_overlaps(rules: list[Rule], ids: set[str], origin: str) -> tuple[Rule, ...]:
    """``overlaps`` holds both ways (declared on one rule of a pair, it binds the other too)."""
    pairs: dict[str, set[str]] = {r.id: set() for r in rules}
    for rule in rules:
        for other in rule.overlaps:
            if other not in ids or other == rule.id:
                raise ConfigError(
                    f"{origin}: rule {rule.id}: overlaps unknown rule {quoted(other)}"
                )
            pairs[rule.id].add(other)
            pairs[other].add(rule.id)
    return tuple(replace(r, overlaps=tuple(sorted(pairs[r.id]))) for r in rules)


_CACHE: dict[str, tuple[Rule, ...]] = {}
_COMMON = (
    "id", "kind", "weight", "description", "category", "pattern", "feature", "gate",
    "gate_also", "gate_call", "yara", "scope", "gate_counts", "overlaps", "written_from",
)  # fmt: skip
SCOPES = ("strings", "bytes")
#: a leading "not after a name, $, -> or ::" look-behind; stripped from patterns and checked
#: by the analyzer after the match (a leading look-behind makes regex scanning ~3x slower)
BOUNDARY = r"(?<![\w$>:])"


def _gate(values: Any) -> tuple[bytes, ...]:
    return tuple(str(g).lower().encode("latin-1") for g in values)


def yara_source() -> str:
    return (
        resources.files("spamtrace").joinpath("data/scanner/words.yar").read_text(encoding="utf-8")
    )


class YaraWords:
    """The compiled words.yar rules: ``scan(data) -> {spamtrace rule id: (offset, text)}``.

    One object serves every thread: the compiled rules (yara-x ``Rules``, which may cross
    threads) are shared, while the yara-x ``Scanner`` objects, which may only be used and
    dropped by the thread that made them (PyO3 "unsendable"), are made and kept per thread
    (a ``threading.local``): a thread that scans makes its own, and they go with it
    (:meth:`forget_thread` drops them at once)."""

    def __init__(self, source: str | None = None) -> None:
        import yara_x

        self._source = source if source is not None else yara_source()
        try:
            self._rules = yara_x.compile(self._source)
        except yara_x.CompileError as exc:
            raise ConfigError(f"data/scanner/words.yar: {exc}") from None
        #: the compiled rules of each subset of rule names (shared by the threads)
        self._subsets: dict[frozenset[str], Any] = {}
        self._compiling = threading.Lock()
        #: this thread's scanners: names (None: all the rules) -> yara_x.Scanner
        self._mine = threading.local()

    def _subset_rules(self, names: frozenset[str]) -> Any:
        """The compiled rules of only the yara rules called ``names`` (all of them when the
        source cannot be cut into plain rule blocks)."""
        with self._compiling:
            rules = self._subsets.get(names)
            if rules is None:
                import yara_x

                rules = self._rules
                blocks = _RULE_BLOCK.findall(self._source)
                if blocks and len(blocks) == len(_RULE_WORD.findall(self._source)):
                    rest = _RULE_BLOCK.sub("", self._source)  # comments, imports
                    chosen = [body for body, name in blocks if name in names]
                    try:
                        rules = yara_x.compile(rest + "\n" + "\n".join(chosen))
                    except Exception:  # a block that needs another one: scan with them all
                        rules = self._rules
                self._subsets[names] = rules
            return rules

    def _scanner(self, names: frozenset[str] | None) -> Any:
        """This thread's scanner of the rules ``names`` (None: all), made on first use."""
        try:
            scanners: dict[frozenset[str] | None, Any] = self._mine.scanners
        except AttributeError:
            scanners = self._mine.scanners = {}
        scanner = scanners.get(names)
        if scanner is None:
            import yara_x

            rules = self._rules if names is None else self._subset_rules(names)
            if rules is self._rules and names is not None:
                scanner = self._scanner(None)
            else:
                scanner = yara_x.Scanner(rules)
            scanners[names] = scanner
        return scanner

    def forget_thread(self) -> None:
        """Drop this thread's scanners, on this thread (a thread that ends drops them too)."""
        self._mine.__dict__.pop("scanners", None)

    def scan(self, data: bytes, only: frozenset[str] | None = None) -> dict[str, tuple[int, bytes]]:
        """Matches of the rules (of the yara rules named ``only``, if given: faster)."""
        out: dict[str, tuple[int, bytes]] = {}
        for rule in self._scanner(only).scan(data).matching_rules:
            rid = dict(rule.metadata).get("id", rule.identifier)
            first: tuple[int, int] | None = None
            words: list[bytes] = []
            for pat in rule.patterns:
                for m in pat.matches[:1]:
                    words.append(data[m.offset : m.offset + min(m.length, 40)])
                    if first is None or m.offset < first[0]:
                        first = (m.offset, m.length)
            out[str(rid)] = (first[0] if first else 0, b", ".join(sorted(set(words))[:8]))
        return out


class GateWords:
    """Which of a fixed set of words occur in a text: one pass instead of one ``in`` scan
    per word (rules are only evaluated when one of their gate words is present). The pass is
    the compiled automaton of ``_words.c``, or yara-x where that was not built (each word a
    yara rule of its own, so that only the words found come back)."""

    def __init__(self, words: set[bytes]) -> None:
        self._words = sorted(words)
        self._native: Any = None
        self._rules: Any = None  # the yara-x rules, compiled on first use (shared)
        self._compiling = threading.Lock()
        self._mine = threading.local()  # this thread's yara-x scanner (they stay on theirs)
        try:
            from spamtrace.scanner._words import WordSet

            self._native = WordSet(self._words)
        except (ImportError, ValueError):  # not built, or too many words for it
            self._yara_scanner()

    def _yara_scanner(self) -> Any:
        """This thread's yara-x scanner of the words (made on first use, as
        :class:`YaraWords` does: a yara-x scanner may not cross threads)."""
        scanner = getattr(self._mine, "scanner", None)
        if scanner is not None:
            return scanner
        import yara_x

        with self._compiling:
            if self._rules is None:
                rules = [
                    f"rule g{i} {{ strings: $w = {{ {' '.join(f'{b:02x}' for b in w)} }} "
                    "condition: $w }"
                    for i, w in enumerate(self._words)
                ]
                self._rules = yara_x.compile("\n".join(rules))
        scanner = yara_x.Scanner(self._rules)
        scanner.max_matches_per_pattern(1)
        self._mine.scanner = scanner
        return scanner

    def forget_thread(self) -> None:
        """Drop this thread's yara-x scanner, on this thread."""
        self._mine.__dict__.pop("scanner", None)

    def present(self, text: bytes) -> frozenset[bytes]:
        if self._native is not None:
            return frozenset(self._native.find(text))
        return self.present_yara(text)

    def first(self, text: bytes) -> dict[bytes, int]:
        """The words that occur in ``text``, each with the offset where it first occurs: in
        one compiled pass (what ``text.find`` gives per word)."""
        if self._native is not None:
            found: dict[bytes, int] = self._native.first(text)
            return found
        return self.first_py(text)

    def first_py(self, text: bytes) -> dict[bytes, int]:
        """:meth:`first` through yara-x and ``find`` (what runs where ``_words`` was not
        built; the tests compare the two)."""
        return {w: text.find(w) for w in sorted(self.present_yara(text))}

    def present_yara(self, text: bytes) -> frozenset[bytes]:
        """:meth:`present` through yara-x (what runs where ``_words`` was not built)."""
        words = self._words
        matching = self._yara_scanner().scan(text).matching_rules
        return frozenset([words[int(rule.identifier[1:])] for rule in matching])


_YARA: list[YaraWords] = []


def load_yara() -> YaraWords:
    """The built-in yara-x word rules (compiled once per process)."""
    if not _YARA:
        _YARA.append(YaraWords())
    return _YARA[0]


_BUILTIN = "data/scanner/rules.toml"


def _builtin_doc() -> dict[str, Any]:
    """The built-in rules file, read and parsed once per process (rules and macros)."""
    doc = _DOCS.get(_BUILTIN)
    if doc is None:
        text = resources.files("spamtrace").joinpath(_BUILTIN).read_text("utf-8")
        doc = _DOCS[_BUILTIN] = parse_toml_text(text, _BUILTIN)
    return doc


_DOCS: dict[str, dict[str, Any]] = {}


def load_rules() -> tuple[Rule, ...]:
    """The built-in rules (parsed once per process)."""
    cached = _CACHE.get("builtin")
    if cached is None:
        cached = _CACHE["builtin"] = rules_of(_builtin_doc(), _BUILTIN)
    return cached


def builtin_macro(name: str) -> str:
    """A macro of the built-in rules file, expanded (features share them with the rules)."""
    macros = _macros(_builtin_doc())
    if name not in macros:
        raise ConfigError(f"{_BUILTIN}: no macro {name}")
    return macros[name]
