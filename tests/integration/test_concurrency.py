"""Concurrent writers on real databases: exactly-once, zero-sum, verified.

The 10,000-post version is `python -m bench.concurrency` (see bench/); this keeps a
smaller run in the suite so the property is checked on every change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.concurrency import run
from splitledger.services.ledger import Ledger


def test_sqlite_processes_post_exactly_once(tmp_path: Path) -> None:
    out = run(str(tmp_path / "c.db"), workers=4, total=240, processes=True)
    assert out.landed == 240
    assert out.requests > 240  # some keys were deliberately posted twice
    assert out.balances_ok
    assert out.verify_ok


@pytest.mark.postgres
def test_postgres_connections_post_exactly_once(pg_url: str) -> None:
    out = run(pg_url, workers=16, total=320, processes=False)
    assert out.landed == 320
    assert out.balances_ok
    assert out.verify_ok


WRITER = textwrap.dedent(
    """
    import sys
    from splitledger.services.ledger import Ledger
    ledger = Ledger.open(sys.argv[1])
    if not ledger.groups():
        ledger.create_group("K", "EUR", ["ann", "bob"])
    i = 0
    while True:
        ledger.record_expense(group="K", description=f"e{i}", amount="1.01",
                              paid_by=[("ann", None)], key=f"kill-{i}")
        print(i, flush=True)
        i += 1
    """
)


def test_sigkill_mid_write_leaves_a_verified_ledger_with_every_ack(db_url: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert proc.stdout is not None
    acked = [int(proc.stdout.readline()) for _ in range(40)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    acked += [int(line) for line in proc.stdout.read().split()]
    with Ledger.open(db_url) as ledger:
        assert ledger.verify().ok
        keys = {t.idempotency_key for t in ledger.iter_transactions("K")}
        assert {f"kill-{i}" for i in acked} <= keys
        # Nothing beyond what was acknowledged plus the one write in flight.
        assert len(keys) <= len(acked) + 1
        balances = {b.member: b.minor for b in ledger.balances("K").balances}
        assert balances["ann"] == -balances["bob"]
        assert sum(balances.values()) == 0
