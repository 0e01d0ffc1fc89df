"""spamtrace's argparse: a parser that says a usage error in one line (exit 2) with a hint
for an option typed from another tool's habit, help wrapped without breaking option names,
and every (sub)command's --help ending with the exit codes it can return."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from spamtrace.errors import UsageError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Collection
    from typing import Any


def parser_class() -> type[argparse.ArgumentParser]:
    import argparse
    import textwrap

    class _Formatter(argparse.HelpFormatter):
        """Help wrapped at the terminal's width, never inside a hyphenated word or an option
        (``--no-scan``, ``spamtrace-firewall.service``, ``non-MTA``)."""

        def _split_lines(self, text: str, width: int) -> list[str]:
            text = " ".join(text.split())
            return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)

        def _fill_text(self, text: str, width: int, indent: str) -> str:
            text = " ".join(text.split())
            return textwrap.fill(
                text, width, initial_indent=indent, subsequent_indent=indent,
                break_on_hyphens=False, break_long_words=False,
            )  # fmt: skip

    class _Parser(argparse.ArgumentParser):
        """argparse that raises UsageError (exit 2, one line) instead of printing usage."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", _Formatter)
            super().__init__(*args, **kwargs)
            #: what an option of another tool's habit means here ({"-r": "scan goes ..."})
            self.habits: dict[str, str] = {}
            self._given: list[str] = []

        def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
            self._given = [str(a) for a in (sys.argv[1:] if args is None else args)]
            return super().parse_known_args(args, namespace)

        def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
            parsed, unknown = self.parse_known_args(args, namespace)
            if unknown:  # said by the (sub)command that was given them: its --help is the one
                chosen(self, parsed).error(f"unrecognized arguments: {' '.join(unknown)}")
            return parsed

        def error(self, message: str) -> None:  # type: ignore[override]
            # main() prints "spamtrace: error: ..."; name the command, not the program again
            command = self.prog.removeprefix("spamtrace").strip()
            unknown = _unknown_options(self, self._given)
            if unknown and message.startswith("the following arguments are required"):
                # `scan -rf`: the option typed from habit is the mistake, not the missing PATH
                message = f"unrecognized arguments: {' '.join(unknown)}"
            if unknown and message.startswith("unrecognized arguments"):
                message += _habit_hint(self, unknown) + _global_hint(command, unknown)
            message += _dash_value_hint(message, self._given, self._option_string_actions)
            hint = f" (see: {self.prog} --help)"
            raise UsageError(f"{command}: {message}{hint}" if command else f"{message}{hint}")

    return _Parser


def _unknown_options(parser: argparse.ArgumentParser, given: list[str]) -> list[str]:
    """The words of ``given`` that look like options ``parser`` does not have (``-rf``), up
    to a ``--`` (after it everything is an argument). A word argparse would take for an
    abbreviation (``--js`` for ``--json``) or an ``--opt=value`` is known."""
    known = parser._option_string_actions
    out: list[str] = []
    for word in given:
        if word == "--":
            break
        if not word.startswith("-") or word == "-" or word[1:2].isdigit():
            continue
        name = word.split("=", 1)[0]
        if name in known or (name.startswith("--") and any(k.startswith(name) for k in known)):
            continue
        out.append(word)
    return out


def _habit_hint(parser: argparse.ArgumentParser, unknown: list[str]) -> str:
    """What a word typed from another tool's habit means here, and, for a command that takes
    a PATH, how to give one that starts with '-' (``scan -- -rf``)."""
    habits: dict[str, str] = getattr(parser, "habits", {})
    said: list[str] = []
    for word in unknown:
        # a cluster of short options (-rf) is each of its letters
        names = [f"-{c}" for c in word[1:]] if not word.startswith("--") else [word]
        for name in names:
            if name in habits and habits[name] not in said:
                said.append(habits[name])
    takes_paths = any(not a.option_strings and a.metavar == "PATH" for a in parser._actions)
    dashed = next((w for w in unknown if not w.startswith("--")), None)  # -rf, not --bogus
    if takes_paths and dashed is not None:
        said.append(f"a PATH that starts with '-' goes after '--': {parser.prog} -- {dashed}")
    return f": {'; '.join(said)}" if said else ""


#: the options of `spamtrace` itself, which go before the command
_GLOBAL = {"--config": "--config FILE", "-v": "-v", "--verbose": "-v"}


def _global_hint(command: str, unknown: list[str]) -> str:
    """``spamtrace alert test --config FILE``: --config (and -v) are options of spamtrace
    itself, given before the command; said with the command line that works."""
    words = [_GLOBAL[w.split("=", 1)[0]] for w in unknown if w.split("=", 1)[0] in _GLOBAL]
    if not command or not words:
        return ""
    options = list(dict.fromkeys(words))
    names = " and ".join(o.removesuffix(" FILE") for o in options)
    verb = "go" if len(options) > 1 else "goes"
    return f" ({names} {verb} before the command: spamtrace {' '.join(options)} {command} ...)"


def _dash_value_hint(message: str, given: list[str], options: Collection[str]) -> str:
    """``--exclude -x.bak``: argparse takes a value that starts with '-' for an option and says
    "expected one argument"; it is given as ``--exclude=-x.bak`` (not said when the word
    after is one of the command's ``options``: then the value was left out)."""
    import itertools
    import re

    m = re.match(r"argument (--[\w-]+)(?:/-\w)?: expected one argument$", message)
    if m is None:
        return ""
    option = m.group(1)
    for word, after in itertools.pairwise(given):
        known = after in options or any(o.startswith(after) for o in options if len(after) > 2)
        if word == option and after.startswith("-") and after not in ("-", "--") and not known:
            return f" (a value that starts with '-' goes after '=': {option}={after})"
    return ""


#: the status of a command whose reader went away (errors.OUTPUT_CLOSED), as the epilogs say it
CUT = "141 the output was cut (its reader went away: | head)"


def exit_codes(clean: str = "success", found: str | None = None) -> str:
    """The exit-code epilog of a command: exit 1 (``found``) only where it can return it,
    and 141 (:data:`CUT`), which any command that writes its report can return."""
    one = f"1 {found}, " if found else ""
    return f"exit codes: 0 {clean}, {one}2 usage or config error, 3 runtime failure, {CUT}"


def _finds(epilog: str | None) -> bool:
    """Does this exit-code epilog list exit 1?"""
    return bool(epilog) and ", 1 " in str(epilog)


def finish_help(parser: argparse.ArgumentParser) -> list[str]:
    """Every (sub)command's --help: its one-line summary as description, and the exit codes
    it can return. A command lists exit 1 only in an epilog of its own that says what it
    means; a group lists it when a subcommand does, and names them. Returns the (sub)commands
    under ``parser`` that can exit 1."""
    import argparse

    finders: list[str] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        summaries = {choice.dest: choice.help for choice in action._choices_actions}
        for name, child in action.choices.items():
            if child.description is None and summaries.get(name):
                summary = str(summaries[name])
                child.description = summary[:1].upper() + summary[1:] + "."
            below = finish_help(child)
            if name.startswith("_"):
                continue  # internal, never listed
            if below:
                finders += [f"{name} {b}" for b in below]
            elif _finds(child.epilog):
                finders.append(name)
    if not parser.epilog:
        group = parser.prog.split(" ", 1)[1] + " " if " " in parser.prog else ""
        names = ", ".join(group + f for f in finders)
        whose = "its" if len(finders) == 1 else "their"
        found = f"something found ({names}: see {whose} --help)" if finders else None
        if finders and not group:  # spamtrace --help: too many to name on a line
            found = "something found (the commands whose --help says so)"
        parser.epilog = exit_codes(found=found)
    return finders


def chosen(parser: argparse.ArgumentParser, args: Any) -> argparse.ArgumentParser:
    """The deepest (sub)command parser that ``args`` went through (``spamtrace firewall plan``)."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            child = action.choices.get(getattr(args, action.dest, None) or "")
            if child is not None:
                return chosen(child, args)
    return parser


def hide_internal_actions(subparsers: Any) -> None:
    """Leave the actions of ``subparsers`` whose names start with "_" (a helper a command
    starts itself, such as the firewall's ``_rollback``) out of every listing: argparse's
    "invalid choice ... (choose from ...)", the man page and the shell completion named them
    as commands to run. They are still parsed: argparse looks an action up by its name."""
    import argparse
    from collections.abc import Iterator

    class _Listed(dict[str, argparse.ArgumentParser]):
        def __iter__(self) -> Iterator[str]:
            return (name for name in dict.__iter__(self) if not name.startswith("_"))

        def keys(self) -> list[str]:  # type: ignore[override]
            return list(self)

        def items(self) -> list[tuple[str, argparse.ArgumentParser]]:  # type: ignore[override]
            return [(name, self[name]) for name in self]

        def values(self) -> list[argparse.ArgumentParser]:  # type: ignore[override]
            return [self[name] for name in self]

        def __len__(self) -> int:
            return sum(1 for _ in self)

    subparsers.choices = subparsers._name_parser_map = _Listed(subparsers._name_parser_map)
