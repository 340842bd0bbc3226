"""The installed console script, run as a user would (three real processes): real exit
codes, data on stdout, one plain line on stderr for bad input, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("splitledger")


def test_console_script(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SPLITLEDGER_DB": str(tmp_path / "ledger.db"),
        "SPLITLEDGER_LOG_DIR": str(tmp_path / "logs"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env)

    made = run("group", "create", "Flat", "--currency", "EUR", "--member", "ann", "--member", "bob")
    assert (made.returncode, made.stdout, made.stderr) == (
        0,
        "Created group 'Flat' (EUR) with ann, bob.\n",
        "",
    )
    spent = run("expense", "add", "Flat", "Rent", "1,200", "--paid-by", "ann", "--json")
    assert spent.returncode == 0, spent.stderr
    amounts = [p["amount"] for p in json.loads(spent.stdout)["postings"]]
    assert amounts == ["1200.00", "-600.00", "-600.00"]
    bad = run("expense", "add", "Flat", "Rent", "12,00", "--paid-by", "ann")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == (
        "error: amount: '12,00' is not an amount (use digits, e.g. 1234.50 or 1,234.50)\n"
    )
    assert (tmp_path / "ledger.db").exists()
