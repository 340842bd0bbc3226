"""Names a module loads from other modules on first use (PEP 562), so that importing a
package costs nothing until a name of it is used (ADR 0015).

A module declares `_LAZY` (name -> the module that defines it, under `prefix`) and the
same names under `if TYPE_CHECKING:` for mypy, then takes its `__getattr__` and
`__dir__` from `lazy_attributes`. A loaded value is kept in the module, so later lookups
are plain attribute reads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_attributes(
    module: str, lazy: Mapping[str, str], *, prefix: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `module`, whose names `lazy` maps to the module
    (`prefix` + value) that defines each."""

    def __getattr__(name: str) -> Any:
        where = lazy.get(name)
        if where is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(import_module(prefix + where), name)
        setattr(sys.modules[module], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[module])) | set(lazy))

    return __getattr__, __dir__
