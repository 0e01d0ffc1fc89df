"""The house's layers: the command modules in ``spamtrace.cli`` wire the others together, so
no module outside ``cli/`` imports one of them (``__main__`` starts the command line)."""

from __future__ import annotations

import ast
from pathlib import Path

import spamtrace

PACKAGE = Path(spamtrace.__file__).resolve().parent


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_outside_cli_imports_a_command_module() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "cli" or rel == Path("__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        cli = sorted(
            n
            for n in imported_modules(tree)
            if n == "spamtrace.cli" or n.startswith("spamtrace.cli.")
        )
        if cli:
            offenders.append(f"{rel}: {', '.join(cli)}")
    assert not offenders, offenders
    assert len(list(PACKAGE.rglob("*.py"))) > 50  # the walk found the package
