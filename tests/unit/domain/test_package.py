"""The domain package loads its names lazily (PEP 562): `__all__`, the lazy map and the
`TYPE_CHECKING` imports that mypy and editors read must name the same things, and
importing the package (or one module of it) must not import the rest."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from splitledger import domain

SOURCE = Path(domain.__file__).read_text(encoding="utf-8")


def _type_checking_imports() -> dict[str, str]:
    """name -> submodule, from the `if TYPE_CHECKING:` block of the package's source."""
    found: dict[str, str] = {}
    for node in ast.parse(SOURCE).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.unparse(stmt)
                assert stmt.module, ast.unparse(stmt)
                package, _, module = stmt.module.rpartition(".")
                assert package == "splitledger.domain", stmt.module
                for alias in stmt.names:
                    assert alias.asname is None, ast.unparse(stmt)
                    found[alias.name] = module
    return found


def test_lazy_map_agrees_with_type_checking_imports_and_all() -> None:
    checked = _type_checking_imports()
    assert checked == domain._LAZY
    assert sorted(domain.__all__) == sorted(checked)
    assert len(domain.__all__) == len(set(domain.__all__))


@pytest.mark.parametrize("name", domain.__all__)
def test_every_public_name_resolves_to_its_module_object(name: str) -> None:
    module = importlib.import_module(f"splitledger.domain.{domain._LAZY[name]}")
    assert getattr(domain, name) is getattr(module, name)
    assert name in dir(domain)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = domain.nope  # type: ignore[attr-defined]


def _domain_modules_after(*modules: str) -> list[str]:
    """The domain modules (and hashlib, iso4217) loaded by importing `modules` afresh."""
    probe = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('splitledger.domain.')"
        " or m in ('hashlib', 'iso4217')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("modules", "loaded"),
    [
        (("splitledger.domain",), []),
        (
            ("splitledger.domain.money", "splitledger.domain.settle"),
            ["currency", "errors", "money", "settle"],
        ),
        # Reads hold postings, transactions and rates; only writes split and allocate.
        (
            ("splitledger.domain.transactions", "splitledger.domain.fx"),
            ["currency", "errors", "fx", "money", "transactions"],
        ),
    ],
)
def test_a_module_loads_only_what_it_needs(modules: tuple[str, ...], loaded: list[str]) -> None:
    """Reading balances needs money and currency: neither the package nor they pull in
    splits, allocation (and hashlib), the text policy or the ISO table."""
    assert _domain_modules_after(*modules) == [f"splitledger.domain.{m}" for m in loaded]
