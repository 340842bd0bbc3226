"""Packages that load their names lazily (PEP 562, ADR 0015): each one's `__all__`, its
lazy map and the `TYPE_CHECKING` imports that mypy reads name the same things, every
name resolves to its submodule's object, and importing the package imports none of its
submodules."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from types import ModuleType

import pytest

PACKAGES = ("splitledger.store.repository", "splitledger.services.views")


def _type_checking_imports(package: ModuleType) -> dict[str, str]:
    """name -> submodule, from the `if TYPE_CHECKING:` block of the package's source."""
    found: dict[str, str] = {}
    for node in ast.parse(inspect.getsource(package)).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.unparse(stmt)
                parent, _, module = (stmt.module or "").rpartition(".")
                assert parent == package.__name__, stmt.module
                for alias in stmt.names:
                    assert alias.asname is None, ast.unparse(stmt)
                    found[alias.name] = module
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_the_lazy_map_names_what_type_checkers_see_and_all_resolve(name: str) -> None:
    package = importlib.import_module(name)
    lazy: dict[str, str] = package._LAZY
    assert _type_checking_imports(package) == lazy
    assert sorted(package.__all__) == sorted(lazy)
    for attribute, module in lazy.items():
        defining = importlib.import_module(f"{name}.{module}")
        assert getattr(package, attribute) is getattr(defining, attribute)
        assert attribute in dir(package)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = package.nope


@pytest.mark.parametrize("name", PACKAGES)
def test_importing_the_package_imports_none_of_its_submodules(name: str) -> None:
    probe = f"import sys, {name}; print(sorted(m for m in sys.modules if m.startswith('{name}.')))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
