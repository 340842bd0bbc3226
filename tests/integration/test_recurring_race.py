"""Several real processes run the recurring bills at once, on SQLite and PostgreSQL:
every occurrence is recorded exactly once, by exactly one of them (ADR 0016)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from splitledger.services.ledger import Ledger

ROOT = Path(__file__).parents[2]
PROCESSES = 4
DAYS = 260  # more than one CHUNK of 200, so that the runs interleave their batches

#: Open the ledger, wait for the common start, run, and print the keys recorded.
RUN = """
import json, sys, time
from splitledger.services.ledger import Ledger

url, start = sys.argv[1], float(sys.argv[2])
with Ledger.open(url, actor="racer") as book:
    time.sleep(max(0.0, start - time.time()))
    report = book.run_recurring()
print(json.dumps([f"{o.schedule_id}:{o.date}" for o in report.having("recorded")]))
"""


def test_concurrent_runs_record_each_occurrence_once(ledger_url: str) -> None:
    today = dt.date.today()
    with Ledger.open(ledger_url, actor="tester") as book:
        book.create_group("Flat", "EUR", ["ann", "bob"])
        for what, every in (("Bread", "day"), ("Rent", "month")):
            book.add_schedule(
                "Flat",
                description=what,
                amount="3.00",
                paid_by=[("ann", None)],
                every=every,
                starts=today - dt.timedelta(days=DAYS - 1),
            )
        expected = {f"{o.schedule_id}:{o.date}" for o in book.recurring_due()}
    assert len(expected) > DAYS

    start = time.time() + 2.0
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, ledger_url, str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    answers = []
    for racer in racers:
        out, err = racer.communicate(timeout=300)
        assert racer.returncode == 0, err
        answers.append(json.loads(out))

    recorded = [key for answer in answers for key in answer]
    assert sorted(recorded) == sorted(expected)  # each once, by one process
    with Ledger.open(ledger_url, actor="tester") as book:
        assert book.recurring_due() == []
        assert book.verify().ok
        with book.engine.connect() as conn:
            keys = conn.execute(
                text(
                    "SELECT idempotency_key FROM transactions "
                    "WHERE idempotency_key LIKE 'recurring:%'"
                )
            ).scalars()
            assert sorted(k.removeprefix("recurring:") for k in keys) == sorted(expected)
        spent = book.balances("Flat").total_spent["EUR"]
        assert spent == 300 * len(expected)


@pytest.mark.parametrize("runs", [2, 3])
def test_runs_one_after_another_record_nothing_more(trip: Ledger, runs: int) -> None:
    trip.add_schedule(
        "Trip",
        description="Gym",
        amount="20",
        paid_by=[("bob", None)],
        every="week",
        starts=dt.date.today() - dt.timedelta(weeks=10),
    )
    reports = [trip.run_recurring() for _ in range(runs)]
    assert len(reports[0].having("recorded")) == 11
    assert all(r.occurrences == () for r in reports[1:])
