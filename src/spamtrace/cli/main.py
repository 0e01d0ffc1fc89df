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
from spamtrace.cli import argparsing
from spamtrace.errors import OUTPUT_CLOSED, ConfigError, ExitCode, SpamtraceError, UsageError
from spamtrace.safetext import escape, escape_message

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
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

    parser_class = argparsing.parser_class()
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
    argparsing.finish_help(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # a character the output's encoding cannot show (a Latin-1 locale, an attacker's
        # file name in CJK) is written escaped (\u65e5), as control characters are: it
        # ended the report where it stood ("internal error: UnicodeEncodeError")
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    if sys.stdout is None:  # started with its standard output closed (`spamtrace scan ... >&-`)
        closed = _stdout_closed(args_list)
        if closed is not None:
            return closed
    code = _main(args_list)
    if code in (ExitCode.USAGE, ExitCode.FAILURE) and _json_wanted(args_list):
        from spamtrace.render import output

        # --json gets a JSON answer on every path: the reason of a failure too
        said = output.LAST_ERROR[0] if output.LAST_ERROR else ""
        said = said.removeprefix("spamtrace: ").removeprefix("error: ") or "failed (see stderr)"
        with contextlib.suppress(OSError, ValueError):
            output.json_error(said, code, lines=_streams_json_lines(args_list))
    return code


def _stdout_closed(args_list: list[str]) -> int | None:
    """Python gives a process started with file descriptor 1 closed no ``sys.stdout``: every
    command ran to its end (a scan of an hour, a quarantine) and died writing its report,
    with an "internal error" and a traceback. The daemon, which writes its log on stderr,
    runs with its standard output on /dev/null (None: go on); every other command is
    refused before it starts, with one line (exit 3, as a full disk)."""
    import os

    if _command_of(args_list) == "daemon":
        fd = os.open(os.devnull, os.O_WRONLY)
        if fd != 1:  # the lowest free descriptor is 1: it is there already
            os.dup2(fd, 1)
            os.close(fd)
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        return None
    from spamtrace.render.output import print_error

    print_error(
        "spamtrace: error: cannot write: standard output is closed (`>&-`): the report would "
        "be lost; send it to a file, or to /dev/null to keep only the exit status"
    )
    return int(ExitCode.FAILURE)


#: the commands whose ``--json`` is a JSON-lines stream (one object per line), not a document
JSON_LINES_COMMANDS = frozenset({"watch"})


def _streams_json_lines(args: Sequence[str]) -> bool:
    """Whether the command named in ``args`` (skipping ``--config FILE``) is a JSON-lines one."""
    words = [a for i, a in enumerate(args)
             if not a.startswith("-") and (i == 0 or args[i - 1] != "--config")]  # fmt: skip
    return bool(words) and words[0] in JSON_LINES_COMMANDS


def _json_wanted(args_list: list[str]) -> bool:
    """Whether ``--json`` was given (before a ``--``: after it, a PATH named so)."""
    options = args_list[: args_list.index("--")] if "--" in args_list else args_list
    return "--json" in options


def _main(args_list: list[str]) -> int:
    from spamtrace.render import output

    output.WRITTEN.clear()
    output.LAST_ERROR.clear()
    # -v shows the traceback of a failure; a word after "--" is a PATH named so
    options = args_list[: args_list.index("--")] if "--" in args_list else args_list
    verbose = "-v" in options or "--verbose" in options
    args: Any = None
    try:
        parser = build_parser(_command_of(args_list))
        args = parser.parse_args(args_list)
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
            args.config_error = exc.message  # said in the report too (its JSON's notes)
            args.handler(args, config.Config())
            return int(ExitCode.USAGE)
        return int(args.handler(args, cfg))
    except SpamtraceError as exc:
        # a usage or config error is the admin's input, said whole in its line: no traceback
        if verbose and not isinstance(exc, UsageError):
            import traceback

            traceback.print_exc()
        from spamtrace.render.output import print_error

        print_error(f"spamtrace: error: {escape_message(exc.message)}")
        after = getattr(args, "after_usage_error", None) if args is not None else None
        if after is not None and isinstance(exc, UsageError):
            said = after(exc)  # the daemon under systemd: why it is not restarted
            if said:
                print_error(escape_message(said))
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
        if sys.stdout is not None:  # None: started with it closed (said by main)
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
