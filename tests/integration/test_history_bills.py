"""History as bills (issue 13): `history(entries=False)` lists each bill once, as its
current version, and hides deleted ones unless `show_deleted`; paging either way over
random edits, deletions and undos yields exactly the current bills (SQLite and
PostgreSQL; the property runs on SQLite). The default stays the raw ledger entries."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from tests.databases import new_sqlite_ledger

DAY = dt.date(2026, 3, 1)
MEMBERS = ["ann", "bob", "cy"]
OPS = ("add", "add", "edit", "retext", "delete", "undo", "pay")


@dataclass
class Bill:
    current: int  # the current version (a deleted bill: the deleted expense)
    deleted: bool = False
    undoable: bool = False  # its last change was an edit or a deletion, not undone


def _play(ledger: Ledger, steps: list[tuple[str, int, int]]) -> list[Bill]:
    """Run `steps` (operation, which bill, a day) and return the bills as they should be."""
    ledger.create_group("Trip", "EUR", MEMBERS)
    bills: list[Bill] = []
    for op, which, day in steps:
        date = DAY + dt.timedelta(days=day)
        if op == "pay":
            paid = ledger.record_payment(
                group="Trip", payer="cy", payee="ann", amount="1", date=date
            )
            bills.append(Bill(paid.id))
            if which % 2:
                ledger.reverse(paid.id)
                bills[-1] = Bill(paid.id, deleted=True)
            continue
        if op == "add" or not bills:
            tx = ledger.record_expense(
                group="Trip",
                description=f"bill {len(bills)}",
                amount=str(10 + day),
                paid_by=[(MEMBERS[day % 3], None)],
                date=date,
            )
            bills.append(Bill(tx.id))
            continue
        bill = bills[which % len(bills)]
        kind = ledger.transaction(bill.current).tx.kind
        if kind != "expense":
            continue
        if op in ("edit", "retext") and not bill.deleted:
            fields: dict[str, object] = (
                {"amount": f"{20 + day}.{which % 100:02d}"}
                if op == "edit"
                else {"description": f"bill renamed {day}.{which}"}
            )
            out = ledger.edit_expense(bill.current, **fields)  # type: ignore[arg-type]
            if out.tx is not None:
                bill.current, bill.undoable = out.tx.id, True
        elif op == "delete" and not bill.deleted:
            ledger.reverse(bill.current)
            bill.deleted = bill.undoable = True
        elif op == "undo" and bill.undoable:
            back = ledger.undo(bill.current)
            bill.current, bill.deleted, bill.undoable = back.id, False, False
    return bills


def _expected(ledger: Ledger, bills: list[Bill], show_deleted: bool) -> list[int]:
    wanted = [b.current for b in bills if show_deleted or not b.deleted]
    dated = [(ledger.transaction(i).tx.date, i) for i in wanted]
    return [i for _, i in sorted(dated, reverse=True)]


def _newest_first(ledger: Ledger, limit: int, show_deleted: bool) -> list[TxView]:
    pages: list[TxView] = []
    before: tuple[dt.date, int] | None = None
    while True:
        page = ledger.history(
            "Trip", limit=limit, before=before, entries=False, show_deleted=show_deleted
        )
        pages.extend(page)
        if len(page) < limit:
            return pages
        before = (page[-1].date, page[-1].id)


def _oldest_first(ledger: Ledger, limit: int, show_deleted: bool) -> list[TxView]:
    page = ledger.history(
        "Trip", limit=limit, oldest=True, entries=False, show_deleted=show_deleted
    )
    pages = list(page)
    while len(page) == limit:
        after = (pages[0].date, pages[0].id)
        page = ledger.history(
            "Trip", limit=limit, after=after, entries=False, show_deleted=show_deleted
        )
        pages[:0] = page
    return pages


def _check(ledger: Ledger, bills: list[Bill], limit: int) -> None:
    for show_deleted in (False, True):
        expected = _expected(ledger, bills, show_deleted)
        assert [t.id for t in _newest_first(ledger, limit, show_deleted)] == expected
        assert [t.id for t in _oldest_first(ledger, limit, show_deleted)] == expected
    shown = ledger.history("Trip", limit=10_000, entries=False, show_deleted=True)
    deleted = {b.current for b in bills if b.deleted}
    assert {t.id for t in shown if t.reversed_by is not None} == deleted
    assert all(t.kind != "reversal" for t in shown)


def _random_steps(seed: int, count: int) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    return [(rng.choice(OPS), rng.randrange(50), rng.randrange(6)) for _ in range(count)]


def test_bills_pages_are_the_current_bills(db_url: str) -> None:
    with Ledger.open(db_url, actor="tester") as ledger:
        bills = _play(ledger, _random_steps(13, 60))
        assert any(b.deleted for b in bills)
        for limit in (1, 3, 7):
            _check(ledger, bills, limit)


def test_entries_stay_the_default(db_url: str) -> None:
    with Ledger.open(db_url, actor="tester") as ledger:
        bills = _play(ledger, [("add", 0, 1), ("edit", 0, 2), ("add", 1, 3), ("delete", 1, 3)])
        raw = ledger.history("Trip")
        assert len(raw) == 5  # two expenses, an edit (reversal, new version), a reversal
        assert [t.id for t in ledger.history("Trip", entries=False)] == [bills[0].current]
        with_deleted = ledger.history("Trip", entries=False, show_deleted=True)
        assert [t.id for t in with_deleted] == _expected(ledger, bills, True)


def test_bills_combine_with_filters(db_url: str) -> None:
    with Ledger.open(db_url, actor="tester") as ledger:
        bills = _play(ledger, [("add", 0, 1), ("retext", 0, 2), ("add", 1, 3), ("pay", 0, 2)])
        found = ledger.history("Trip", entries=False, text="renamed")
        assert [t.id for t in found] == [bills[0].current]
        payments = ledger.history("Trip", entries=False, kind="payment")
        assert [t.id for t in payments] == [bills[2].current]
        assert ledger.history("Trip", entries=False, kind="reversal") == []


steps = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 40), st.integers(0, 4)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None)
@given(steps=steps, limit=st.integers(1, 5))
def test_bills_paging_property(
    steps: list[tuple[str, int, int]], limit: int, sqlite_template: Path
) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        Ledger.open(new_sqlite_ledger(sqlite_template, Path(tmp)), actor="tester") as ledger,
    ):
        bills = _play(ledger, steps)
        _check(ledger, bills, limit)
