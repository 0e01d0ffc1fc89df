"""Literal words that every match of a regex holds: where one of them is absent, the regex
cannot match and need not run. Derived from the pattern itself (Python's own parse of it),
so an edited pattern keeps a correct prerequisite or loses it, never a stale one.

The analyzer gates the rules of kind "code" with them (their words join the gate pass);
``context.search_needing`` checks them with fast literal searches before a feature's regex
scans a large text.
"""

from __future__ import annotations

import re
from typing import Any

from spamtrace.scanner.rx import sre

_MIN_PREREQ = 3  # shorter words say little and cost the gate scan more


def _required_words(items: Any) -> frozenset[bytes] | None:
    """Literal words of which every match of the parsed regex ``items`` (an ``re._parser``
    sequence) contains at least one, or None when no such set is known."""
    sets = _required_sets(items)
    if not sets:
        return None
    return max(sets, key=lambda ws: (min(map(len, ws)), -len(ws)))


def _required_sets(items: Any) -> list[frozenset[bytes]]:
    """Sets of literal words such that every match of ``items`` contains a word of each set.
    Only runs of consecutive literals count; groups, branches and repeats of at least one
    are followed."""
    c = sre()[1]
    found: list[frozenset[bytes]] = []

    def consider(cand: frozenset[bytes] | None) -> None:
        if cand and min(len(w) for w in cand) >= _MIN_PREREQ:
            found.append(cand)

    run = bytearray()
    for op, av in items:
        lit = None
        if op is c.LITERAL:
            lit = av
        elif op is c.IN and len(av) == 1 and av[0][0] is c.LITERAL:
            lit = av[0][1]
        if lit is not None:
            run.append(lit)
            continue
        if run:
            consider(frozenset([bytes(run)]))
            run = bytearray()
        if op is c.SUBPATTERN:
            if not (av[1] | av[2]) & c.SRE_FLAG_IGNORECASE:
                consider(_required_words(av[3]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            if av[0] >= 1:
                consider(_required_words(av[2]))
        elif op is getattr(c, "ATOMIC_GROUP", None):
            consider(_required_words(av))
        elif op is c.BRANCH:
            alts = [_required_words(b) for b in av[1]]
            if all(a is not None for a in alts):
                consider(frozenset().union(*alts))  # type: ignore[arg-type]
    if run:
        consider(frozenset([bytes(run)]))
    return found


def regex_prereq(rx: re.Pattern[bytes]) -> tuple[frozenset[bytes], ...]:
    """Word sets that every match of ``rx`` needs one word of (each set separately)."""
    if rx.flags & re.IGNORECASE:
        return ()
    try:
        parsed = sre()[0].parse(rx.pattern, rx.flags)
        if parsed.state.flags & re.IGNORECASE:
            return ()
        return tuple(dict.fromkeys(_required_sets(parsed)))
    except Exception:  # an unexpected parse tree: no prerequisite, the regex decides
        return ()
