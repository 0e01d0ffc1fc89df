"""pyproject.toml builds with the distributions' own setuptools; man page and completion ship."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from spamtrace.cli import docgen
from spamtrace.cli.main import build_parser
from spamtrace.config import parse_toml_text

ROOT = Path(__file__).resolve().parents[3]


def _setuptools_floor(requires: list[str]) -> tuple[int, ...]:
    for req in requires:
        m = re.fullmatch(r"setuptools\s*>=\s*([\d.]+)", req.strip())
        if m:
            return tuple(int(x) for x in m.group(1).split("."))
    return (0,)


def test_the_license_field_suits_the_setuptools_it_asks_for() -> None:
    doc = parse_toml_text((ROOT / "pyproject.toml").read_text(), "pyproject.toml")
    license_ = doc["project"]["license"]
    floor = _setuptools_floor(doc["build-system"]["requires"])
    # An SPDX string needs setuptools >= 77; Debian 12 has 66, Ubuntu 24.04 68
    if isinstance(license_, str):
        assert floor >= (77,), "an SPDX license string needs setuptools>=77 in build-system"
    else:
        assert set(license_) <= {"text", "file"}


def test_this_setuptools_reads_the_project_table() -> None:
    """The venv's own setuptools (65-68 on Debian 12 / Ubuntu 24.04) validates pyproject."""
    pyprojecttoml = pytest.importorskip("setuptools.config.pyprojecttoml")
    config = pyprojecttoml.read_configuration(ROOT / "pyproject.toml")
    assert config["project"]["name"] == "spamtrace"


def _commands_and_flags(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    commands: set[str] = set()
    flags: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {c.dest for c in action._choices_actions}
            for name, child in action.choices.items():
                if name in listed:
                    commands.add(name)
                    sub_commands, sub_flags = _commands_and_flags(child)
                    commands |= sub_commands
                    flags |= sub_flags
        elif action.help != argparse.SUPPRESS:
            flags.update(o for o in action.option_strings if o.startswith("--") and o != "--help")
    return commands, flags


def test_shipped_man_page_and_completion_cover_every_command_and_flag() -> None:
    commands, flags = _commands_and_flags(build_parser())
    assert {"check", "firewall", "plan", "audit", "--no-rollback", "--json"} <= commands | flags
    man = docgen.MAN_PAGE.read_text()
    bash = docgen.BASH_COMPLETION.read_text()
    man_plain = man.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")
    stale = sorted(n for n in commands | flags if n not in man_plain or n not in bash)
    assert not stale, f"run `python -m spamtrace.cli.docgen`: the shipped copies lack {stale}"


def test_docgen_writes_both(tmp_path: Path) -> None:
    pytest.importorskip("shtab")
    pytest.importorskip("argparse_manpage")
    assert docgen.main(["--man", str(tmp_path / "m.8"), "--bash", str(tmp_path / "c")]) == 0
    assert (tmp_path / "m.8").read_text().startswith(".TH SPAMTRACE")
    assert "_shtab_spamtrace" in (tmp_path / "c").read_text()


#: standard-library names that Python 3.11 added (pyproject says >= 3.10): used only behind a
#: version check (``if sys.version_info >= (3, 11):``) or an ``except ImportError``
_NEW_IN_311 = {
    "tomllib": None,  # the whole module
    "contextlib": {"chdir"},
    "datetime": {"UTC"},
    "enum": {"StrEnum", "verify", "member", "nonmember"},
    "typing": {"Self", "LiteralString", "Never", "assert_never", "reveal_type"},
    "hashlib": {"file_digest"},
    "asyncio": {"TaskGroup", "timeout", "Runner"},
}


def _guarded(parents: list[ast.AST]) -> bool:
    for node in parents:
        if isinstance(node, ast.If) and "version_info" in ast.unparse(node.test):
            return True
        if isinstance(node, ast.Try) and any(
            h.type is not None and "ImportError" in ast.unparse(h.type) for h in node.handlers
        ):
            return True
    return False


def _uses_of_new_stdlib(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(node: ast.AST, parents: list[ast.AST]) -> None:
        name = None
        if isinstance(node, ast.Import):
            name = next((a.name for a in node.names if a.name == "tomllib"), None)
        elif isinstance(node, ast.ImportFrom) and node.module in _NEW_IN_311:
            new = _NEW_IN_311[node.module]
            hits = [a.name for a in node.names if new is None or a.name in new]
            name = f"{node.module}.{hits[0]}" if hits else None
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            new = _NEW_IN_311.get(node.value.id)
            if new is not None and node.attr in new:
                name = f"{node.value.id}.{node.attr}"
        if name is not None and not _guarded(parents):
            found.append((getattr(node, "lineno", 0), name))
        for child in ast.iter_child_nodes(node):
            walk(child, [*parents, node])

    walk(tree, [])
    return found


def test_uses_of_stdlib_new_in_python_311_are_guarded() -> None:
    """tomllib, contextlib.chdir... do not exist on 3.10: code and tests read TOML the way
    the project does (tomli there) and use no other 3.11 name unguarded."""
    offenders = []
    for top in ("src", "tests", "bench"):
        for path in sorted((ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            uses = _uses_of_new_stdlib(tree)
            offenders += [f"{path.relative_to(ROOT)}:{n}: {what}" for n, what in uses]
    assert not offenders, offenders


def _toml_importers(tree: ast.AST) -> list[int]:
    """Lines of ``tree`` that import tomllib or tomli (the choice between the two)."""
    lines = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(n.split(".")[0] in ("tomllib", "tomli") for n in names):
            lines.append(node.lineno)
    return lines


def test_one_module_chooses_between_tomllib_and_tomli() -> None:
    """The 3.10 shim (tomli there, tomllib from 3.11) is written once, in spamtrace.config
    (parse_toml_text); every other reader of TOML, tests included, goes through it."""
    importers = []
    for top in ("src", "tests", "bench"):
        for path in sorted((ROOT / top).rglob("*.py")):
            lines = _toml_importers(ast.parse(path.read_text(encoding="utf-8"), str(path)))
            importers += [f"{path.relative_to(ROOT)}:{n}" for n in lines]
    assert importers and all(i.startswith("src/spamtrace/config.py:") for i in importers), importers
