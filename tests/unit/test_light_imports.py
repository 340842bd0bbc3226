"""Modules that reads and formats use import nothing heavy (issue 14): the views a read
returns and the typed inputs faces pass carry no pydantic (request models load on first
use), the domain's names load on use, and the interop formats know no database or
validation library. Each check runs in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from splitledger.services import inputs, request_models

HEAVY = ("pydantic", "sqlalchemy", "alembic", "textual", "numpy", "babel", "iso4217")


def _loaded(*modules: str) -> set[str]:
    """Top-level packages of HEAVY that importing `modules` loads."""
    probe = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "print(' '.join(sorted({m.partition('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split()) & set(HEAVY)


@pytest.mark.parametrize(
    "modules",
    [
        ("splitledger.services.views", "splitledger.services.errors", "splitledger.services.files"),
        ("splitledger.services.inputs",),
        ("splitledger.domain.money", "splitledger.domain.currency", "splitledger.domain.settle"),
        tuple(
            f"splitledger.interop.{name}"
            for name in (
                "accounts",
                "beancount",
                "cells",
                "csv_safe",
                "errors",
                "hledger",
                "json_dump",
                "rates_csv",
                "records",
                "splitwise",
                "tables",
                "text",
            )
        ),
    ],
    ids=["views", "inputs", "balances-domain", "interop"],
)
def test_imports_nothing_heavy(modules: tuple[str, ...]) -> None:
    assert _loaded(*modules) == set()


def test_request_models_are_built_on_first_use() -> None:
    """Importing the request models builds no validator (defer_build): a write pays
    for the one model it validates."""
    probe = (
        "from splitledger.services import inputs\n"
        "print(sorted(m.__name__ for m in inputs.Request.__subclasses__()"
        " if m.__pydantic_complete__))\n"
        "inputs.validate(inputs.Undo, tx_id=1)\n"
        "print(sorted(m.__name__ for m in inputs.Request.__subclasses__()"
        " if m.__pydantic_complete__))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "['Undo']"]


def test_inputs_lazy_models_agree_with_type_checking_imports() -> None:
    """`inputs` names every request model lazily, for mypy under TYPE_CHECKING too."""
    checked: set[str] = set()
    for node in ast.parse(Path(inputs.__file__).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.module == request_models.__name__:
                    checked |= {alias.name for alias in stmt.names}
    assert checked == inputs._MODELS
    assert checked <= set(inputs.__all__)
    models = {
        name
        for name, value in vars(request_models).items()
        if isinstance(value, type)
        and issubclass(value, request_models.Request)
        and value.__module__ == request_models.__name__
    }
    assert models == checked
    for name in checked:
        assert getattr(inputs, name) is getattr(request_models, name)
