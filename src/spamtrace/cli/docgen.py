"""The man page and the bash completion of ``spamtrace``, generated from its argparse parser.

Run ``python -m spamtrace.cli.docgen`` (needs the ``docs`` extra: ``argparse-manpage`` and
``shtab``) after a command or flag changes; it rewrites the shipped copies in
``packaging/man/spamtrace.8`` and ``packaging/completion/spamtrace.bash``. A packager can run
it at build time instead, with ``--man FILE --bash FILE``. A unit test checks that the shipped
copies name every command and flag of the parser.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from spamtrace import __version__

ROOT = Path(__file__).resolve().parents[3]
MAN_PAGE = ROOT / "packaging" / "man" / "spamtrace.8"
BASH_COMPLETION = ROOT / "packaging" / "completion" / "spamtrace.bash"


def _parser() -> argparse.ArgumentParser:
    from spamtrace.cli.main import build_parser

    return build_parser()


def man_page(parser: argparse.ArgumentParser | None = None) -> str:
    from argparse_manpage.manpage import Manpage

    data = {
        "project_name": "spamtrace",
        "version": __version__,
        "manual_title": "spamtrace manual",
        "manual_section": "8",  # a system administration command
        "date": __version__,  # the release, not the day: the output is reproducible
        "description": (parser or _parser()).description,
    }
    return str(Manpage(parser or _parser(), _data=data))


def bash_completion(parser: argparse.ArgumentParser | None = None) -> str:
    import shtab

    return str(shtab.complete(parser or _parser(), shell="bash"))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m spamtrace.cli.docgen", description=__doc__)
    ap.add_argument("--man", type=Path, default=MAN_PAGE, help="where to write the man page")
    ap.add_argument("--bash", type=Path, default=BASH_COMPLETION, help="the bash completion")
    args = ap.parse_args(argv)
    parser = _parser()
    for path, text in ((args.man, man_page(parser)), (args.bash, bash_completion(parser))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
