"""Modules that reads and formats use import nothing heavy (issue 14): the views a read
returns carry no pydantic, the domain's names load on use, and the interop formats know
no database or validation library. Each check runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
    ids=["views", "balances-domain", "interop"],
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
