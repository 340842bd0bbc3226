"""splitledger imports only the public modules of its dependencies. A module whose dotted
path has a part starting with `_` (say `textual.widgets._header`) is private to its
package and may change in any release, so that no dependency bound could hold."""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import splitledger

PACKAGE = Path(splitledger.__file__).parent
OURS = {"splitledger", "__future__"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def private_imports(source: str) -> Iterator[tuple[int, str]]:
    """(line, module) for each private module of another package that `source` imports."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] not in OURS and any(map(_private, parts)):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] in OURS:
                continue
            if any(map(_private, parts)):
                yield node.lineno, node.module
            for alias in node.names:  # `from pkg import _module` (not a private function)
                if _private(alias.name) and _is_module(f"{node.module}.{alias.name}"):
                    yield node.lineno, f"{node.module}.{alias.name}"


def test_the_check_sees_private_modules() -> None:
    found = private_imports(
        "from textual.widgets._header import HeaderIcon\n"
        "import sqlalchemy.orm._typing\n"
        "from textual.widgets import _header, Header\n"
        "from textual.widgets import Header\n"
        "from splitledger.domain.settle import _greedy\n"
    )
    assert list(found) == [
        (1, "textual.widgets._header"),
        (2, "sqlalchemy.orm._typing"),
        (3, "textual.widgets._header"),
    ]


def test_no_private_module_of_a_dependency_is_imported() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, module in private_imports(path.read_text(encoding="utf-8"))
    ]
    assert found == []
