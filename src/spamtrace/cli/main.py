"""The `spamtrace` command: argument parsing, config loading and the one top-level error catch.

One module per command in this package; each exposes ``register(subparsers)`` which adds its
parser(s) and sets ``handler`` to a function ``(args, cfg) -> int``. Modules are light at
import time: heavy imports (rich, yara-x, sqlite) happen inside the handlers, and only the
named command's module is imported to build the parser.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, NoReturn

from spamtrace import __version__
from spamtrace.errors import OUTPUT_CLOSED, ConfigError, ExitCode, SpamtraceError, UsageError
from spamtrace.safetext import escape, escape_message

if TYPE_CHECKING:
    import argparse
    from collections.abc import Collection, Sequence
    from typing import Any

#: command modules, in the order their commands appear in --help
COMMAND_MODULES = (
    "check",
    "watch",
    "daemon",
    "service",
    "mail",
    "scan",
    "firewall",
    "audit",
    "respond",
    "alert",
    "config",
    "demo",
)
#: commands registered by a module of another name
_MODULE_OF = {
    "incidents": "watch",
    "incident": "watch",
    "status": "daemon",
    "release": "respond",
    "quarantine": "respond",
}
#: command modules that register no command of their own name
_NOT_A_COMMAND = frozenset({"respond"})


def _parser_class() -> type[argparse.ArgumentParser]:
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
                _chosen(self, parsed).error(f"unrecognized arguments: {' '.join(unknown)}")
            return parsed

        def error(self, message: str) -> None:  # type: ignore[override]
            # main() prints "spamtrace: error: ..."; name the command, not the program again
            command = self.prog.removeprefix("spamtrace").strip()
            unknown = _unknown_options(self, self._given)
            if unknown and message.startswith("the following arguments are required"):
                # `scan -rf`: the option typed from habit is the mistake, not the missing PATH
                message = f"unrecognized arguments: {' '.join(unknown)}"
            if unknown and message.startswith("unrecognized arguments"):
                message += _habit_hint(self, unknown)
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
    takes_paths = any(
        not a.option_strings and a.metavar == "PATH" for a in parser._actions
    )
    dashed = next((w for w in unknown if not w.startswith("--")), None)  # -rf, not --bogus
    if takes_paths and dashed is not None:
        said.append(f"a PATH that starts with '-' goes after '--': {parser.prog} -- {dashed}")
    return f": {'; '.join(said)}" if said else ""


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


def _command_of(args: Sequence[str]) -> str | None:
    """The command named in ``args`` if it is a module name (skipping ``--config FILE``)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--config":
            skip = True
        elif not arg.startswith("-"):
            if arg in _MODULE_OF:
                return _MODULE_OF[arg]
            # a module that is no command ("respond") is an unknown command: the whole
            # parser says so, with every command to choose from (not only that module's)
            return arg if arg in COMMAND_MODULES and arg not in _NOT_A_COMMAND else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that command's module is imported (fast start)."""
    import importlib

    parser_class = _parser_class()
    parser = parser_class(
        prog="spamtrace",
        description="Find, explain and stop outbound spam sent from this server.",
    )
    parser.add_argument("--version", action="version", version=f"spamtrace {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show tracebacks and debug details"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="main config file (default /etc/spamtrace/spamtrace.toml)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for name in (command,) if command else COMMAND_MODULES:
        module = importlib.import_module(f"spamtrace.cli.{name}")
        module.register(sub)
    _finish_help(parser)
    return parser


def exit_codes(clean: str = "success", found: str | None = None) -> str:
    """The exit-code epilog of a command: exit 1 (``found``) only where it can return it."""
    one = f"1 {found}, " if found else ""
    return f"exit codes: 0 {clean}, {one}2 usage or config error, 3 runtime failure"


def _finds(epilog: str | None) -> bool:
    """Does this exit-code epilog list exit 1?"""
    return bool(epilog) and ", 1 " in str(epilog)


def _finish_help(parser: argparse.ArgumentParser) -> list[str]:
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
            below = _finish_help(child)
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


def _chosen(parser: argparse.ArgumentParser, args: Any) -> argparse.ArgumentParser:
    """The deepest (sub)command parser that ``args`` went through (``spamtrace firewall plan``)."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            child = action.choices.get(getattr(args, action.dest, None) or "")
            if child is not None:
                return _chosen(child, args)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args_list or "--verbose" in args_list
    try:
        parser = build_parser(_command_of(args_list))
        args: Any = parser.parse_args(args_list)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return ExitCode.USAGE
        from spamtrace import config

        try:
            cfg = config.load(config_file=args.config)
        except ConfigError as exc:
            on_config_error = getattr(args, "on_config_error", None)
            if on_config_error is not None:  # `config check`: the error is its answer
                return int(on_config_error(args, exc))
            if not getattr(args, "report_despite_bad_config", False):
                raise
            # A read-only diagnostic (check) still reports on built-in defaults: the admin
            # hunting spam needs the report more than the config. The exit code says 2.
            from spamtrace.render.output import print_error

            print_error(
                f"spamtrace: error: {escape_message(exc.message)} "
                "(this report uses built-in defaults)"
            )
            args.handler(args, config.Config())
            return int(ExitCode.USAGE)
        return int(args.handler(args, cfg))
    except SpamtraceError as exc:
        if verbose:
            import traceback

            traceback.print_exc()
        from spamtrace.render.output import print_error

        print_error(f"spamtrace: error: {escape_message(exc.message)}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("spamtrace: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _output_closed()
    except OSError as exc:
        if not _cannot_write(exc):
            return _internal_error(exc, verbose)
        return int(ExitCode.FAILURE)
    except Exception as exc:  # the one place an unexpected error is turned into a line
        return _internal_error(exc, verbose)


def _internal_error(exc: Exception, verbose: bool) -> int:
        if verbose:
            import traceback

            traceback.print_exc()
        from spamtrace.render.output import print_error

        print_error(
            f"spamtrace: internal error: {escape(type(exc).__name__)}: {escape(str(exc))} "
            "(run with -v for the traceback)"
        )
        return int(ExitCode.FAILURE)


def _output_closed() -> int:
    """The reader of the output went away (``scan DIR | head -1``): the rest goes to
    /dev/null (Python's exit flush would fail again and print its own error), and the exit
    status says the output was cut, never "clean" (see :data:`OUTPUT_CLOSED`)."""
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return OUTPUT_CLOSED


#: the output could not be written (said once: the exit flush would fail again)
_WRITE_FAILED: list[bool] = []


def _cannot_write(exc: OSError) -> bool:
    """Say so when ``exc`` is a full disk or quota (the output redirected to a file, or a
    file written): a runtime failure of the host, not a bug of spamtrace to report."""
    import errno

    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        return False
    if not _WRITE_FAILED:
        _WRITE_FAILED.append(True)
        with contextlib.suppress(OSError):
            print(f"spamtrace: error: cannot write: {exc.strerror}", file=sys.stderr, flush=True)
    return True


#: what the command run keeps for the end of the process (:func:`keep_until_exit`); None
#: when main() runs in another program's process (tests): then nothing is kept
_KEPT: list[object] | None = None


def keep_until_exit(*objects: object) -> None:
    """Let the ``spamtrace`` program end without freeing ``objects`` one by one, as compilers
    end without freeing their trees: ``mail`` keeps its ledger and policy of a million-line
    log (some 10^6 objects, 0.08 s of CPU to free). Only under :func:`entry`; in another
    program's process (tests calling :func:`main`) nothing is kept."""
    if _KEPT is not None:
        _KEPT.extend(objects)


def entry() -> NoReturn:
    """The ``spamtrace`` program (console script, ``python -m spamtrace``): :func:`main` and
    its exit code. When the command kept objects (:func:`keep_until_exit`) and no other
    thread runs, the output is flushed, the exit handlers run, and the process ends there
    (``os._exit``) instead of freeing them; else as any Python program ends."""
    global _KEPT
    _KEPT = []
    code = main()
    try:  # the output held in the buffer: a full disk is said here, not by the interpreter's end
        sys.stdout.flush()
    except BrokenPipeError:
        code = _output_closed()  # the last of the report did not reach the reader
    except OSError as exc:
        if _cannot_write(exc):
            import os

            with contextlib.suppress(OSError):
                sys.stderr.flush()
            os._exit(int(ExitCode.FAILURE))  # the buffer cannot be written: not again at exit
    if _KEPT:
        import atexit
        import os
        import threading

        if threading.active_count() == 1:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):
                pass  # a closed pipe: as Python ends otherwise
            else:
                atexit._run_exitfuncs()
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
