"""psycopg is the `postgres` extra, not a dependency: without it, a postgresql:// ledger
is refused with one line naming the extra (the CLI: exit 2, no traceback; the app: its
"Cannot open the ledger" screen). Real processes in which `import psycopg` fails, as it
does where the extra is not installed; nothing of ours is replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("splitledger")
URL = "postgresql://nobody@127.0.0.1:1/ledger"
MESSAGE = "PostgreSQL needs the \"postgres\" extra: pip install 'splitledger[postgres]'"

APP = """
import asyncio, sys
sys.modules["psycopg"] = None  # as without the extra: `import psycopg` fails
from textual.widgets import Static
from splitledger.tui.app import SplitLedgerApp

async def main() -> None:
    app = SplitLedgerApp(sys.argv[1])
    async with app.run_test(size=(100, 24)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            found = app.screen_stack[0].query("#status")
            text = str(found.only_one(Static).render()) if found else ""
            if "Cannot open" in text:
                break
        print(text)
        await pilot.press("q")

asyncio.run(main())
"""


@pytest.fixture
def without_psycopg(tmp_path: Path) -> dict[str, str]:
    """An environment whose processes cannot import psycopg (a sitecustomize blocks it)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['psycopg'] = None\n")
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "PYTHONPATH": path,
        "SPLITLEDGER_LOG_DIR": str(tmp_path / "logs"),
        "SPLITLEDGER_DB": URL,
    }


@pytest.mark.parametrize("args", [["--db", URL, "balances", "Trip"], ["group", "list"]])
def test_the_cli_names_the_extra(without_psycopg: dict[str, str], args: list[str]) -> None:
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=without_psycopg, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {MESSAGE}\n")


def test_the_app_names_the_extra(without_psycopg: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", APP, URL],
        capture_output=True,
        text=True,
        env=without_psycopg,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Cannot open the ledger" in done.stdout
    assert MESSAGE in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
