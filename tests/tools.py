"""The real tools the export tests check our files with (hledger, bean-check, ledger)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest


def tool(name: str) -> str:
    """The path of the program `name` (on PATH or beside this Python, for bean-check
    from the venv); skipped if it is missing, and a failure in CI, which installs it."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI and is not installed")
        pytest.skip(f"{name} is not installed")
    return found
