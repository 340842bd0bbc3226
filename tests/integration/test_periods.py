"""Closing a period and archiving a group through the services (issue 16, ADR 0018), on
SQLite and PostgreSQL: every kind of write dated in a closed period is refused (one
chokepoint in LedgerCore), a close only moves forward, an archived group refuses every
write and still reads, and verify finds what was written behind the application's back."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from splitledger import domain
from splitledger.services import interchange
from splitledger.services.errors import InvalidInput, ReadOnly
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger

THROUGH = dt.date(2026, 6, 30)
CLOSED = dt.date(2026, 6, 15)
OPEN = dt.date(2026, 7, 1)


def _expense(trip: Ledger, day: dt.date, amount: str = "30", **extra: Any) -> int:
    return trip.record_expense(
        "Trip", description="Dinner", amount=amount, paid_by=[("ann", None)], date=day, **extra
    ).id


@pytest.fixture
def closed(trip: Ledger) -> tuple[Ledger, int]:
    """Trip with a bill on 15 June and a rate, closed through 30 June; the bill's id."""
    tx_id = _expense(trip, CLOSED)
    trip.add_rate("Trip", "USD", "EUR", "0.9", date=CLOSED)
    trip.close_period("Trip", THROUGH)
    return trip, tx_id


def _refused(call: Callable[[], object]) -> str:
    with pytest.raises(ReadOnly) as caught:
        call()
    return str(caught.value)


def _entry(day: dt.date, key: str) -> ImportEntry:
    tx = domain.Transaction(
        kind=domain.TxKind.PAYMENT,
        postings=(domain.Posting("bob", "EUR", 500), domain.Posting("ann", "EUR", -500)),
        date=day,
        description="imported",
        idempotency_key=key,
    )
    return ImportEntry(tx)


def test_every_write_dated_in_the_closed_period_is_refused(closed: tuple[Ledger, int]) -> None:
    trip, tx_id = closed
    before = trip.iter_transactions("Trip")
    writes: dict[str, Callable[[], object]] = {
        "expense": lambda: _expense(trip, THROUGH),
        "payment": lambda: trip.record_payment(
            "Trip", payer="bob", payee="ann", amount="5", date=CLOSED
        ),
        "rate": lambda: trip.add_rate("Trip", "GBP", "EUR", "1.1", date=THROUGH),
        "rates": lambda: trip.import_rates(
            "Trip", [domain.Rate(CLOSED, "GBP", "EUR", domain.parse_rate("1.1"))], source="x"
        ),
        "import": lambda: trip.import_transactions(
            "Trip", "EUR", ("ann", "bob"), [_entry(CLOSED, "imp:1")], source="file"
        ),
        "delete": lambda: trip.reverse(tx_id, date=OPEN),
        "edit": lambda: trip.edit_expense(tx_id, amount="40"),
        "edit-later": lambda: trip.edit_expense(tx_id, date=OPEN),
    }
    for name, write in writes.items():
        message = _refused(write)
        assert message.startswith("Trip is closed through 2026-06-30 (closed "), name
        assert "by tester); record a correction dated after it" in message, name
    assert list(trip.iter_transactions("Trip")) == list(before)
    assert trip.verify().ok


def test_writes_after_the_close_go_through_and_correct_a_closed_bill(
    closed: tuple[Ledger, int],
) -> None:
    trip, _ = closed
    _expense(trip, OPEN, "10")
    trip.record_payment("Trip", payer="bob", payee="ann", amount="5", date=OPEN)
    trip.add_rate("Trip", "GBP", "EUR", "1.1", date=OPEN)
    later = _expense(trip, OPEN, "12")
    trip.edit_expense(later, amount="13")
    trip.reverse(later + 2)  # the edit's new version, dated 1 July
    trip.import_transactions("Trip", "EUR", ("ann", "bob"), [_entry(OPEN, "imp:2")], source="file")
    assert trip.verify().ok


def test_a_conversion_or_settle_up_dated_in_the_period_is_refused(trip: Ledger) -> None:
    trip.record_expense(
        "Trip", description="Taxi", amount="9", currency="USD", paid_by=[("bob", None)],
        date=CLOSED,
    )  # fmt: skip
    trip.add_rate("Trip", "USD", "EUR", "0.9", date=CLOSED)
    trip.close_period("Trip", dt.date.today())
    assert "is closed through" in _refused(lambda: trip.convert("Trip", to="EUR"))
    assert "is closed through" in _refused(
        lambda: trip.settle_in("Trip", "EUR", record=True, dry_run=False)
    )
    assert "is closed through" in _refused(
        lambda: trip.record_settlement("Trip", trip.settle_plan("Trip"))
    )


def test_a_close_only_moves_forward_and_never_past_today(trip: Ledger) -> None:
    first = trip.close_period("Trip", THROUGH)
    assert (first.group, first.through, first.actor) == ("Trip", THROUGH, "tester")
    for day in (THROUGH, CLOSED):
        with pytest.raises(InvalidInput, match="a close only moves forward"):
            trip.close_period("Trip", day)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="is after today"):
        trip.close_period("Trip", tomorrow)
    later = trip.close_period("Trip", OPEN)
    assert trip.closed_through("Trip") == later
    assert [c.through for c in trip.period_closes("Trip")] == [THROUGH, OPEN]
    assert trip.group("Trip").closed_through == OPEN
    assert trip.list_groups()[0].closed_through == OPEN
    closes = [a.description for a in trip.activity("Trip").items if a.kind == "period_closed"]
    assert closes == ["through 2026-07-01", "through 2026-06-30"]


def test_a_close_is_idempotent_under_its_key(trip: Ledger) -> None:
    once = trip.close_period("Trip", THROUGH, key="close-june")
    assert trip.close_period("Trip", THROUGH, key="close-june") == once
    assert len(trip.period_closes("Trip")) == 1


def test_never_closed(trip: Ledger) -> None:
    assert trip.closed_through("Trip") is None
    assert trip.period_closes("Trip") == []
    assert trip.group("Trip").closed_through is None


def test_an_archived_group_refuses_every_write_and_still_reads(
    closed: tuple[Ledger, int], tmp_path: Path
) -> None:
    trip, tx_id = closed
    trip.archive_group("Trip")
    assert trip.list_groups() == []
    (shown,) = trip.list_groups(include_archived=True)
    assert shown.archived
    assert shown.closed_through == THROUGH
    writes: dict[str, Callable[[], object]] = {
        "expense": lambda: _expense(trip, OPEN),
        "payment": lambda: trip.record_payment("Trip", payer="bob", payee="ann", amount="5"),
        "rate": lambda: trip.add_rate("Trip", "GBP", "EUR", "1.1", date=OPEN),
        "delete": lambda: trip.reverse(tx_id),
        "edit": lambda: trip.edit_expense(tx_id, description="x"),
        "undo": lambda: trip.undo(tx_id),
        "member": lambda: trip.add_members("Trip", ["dee"]),
        "remove": lambda: trip.remove_member("Trip", "cy"),
        "rename": lambda: trip.rename_group("Trip", "Old trip"),
        "close": lambda: trip.close_period("Trip", OPEN),
        "archive": lambda: trip.archive_group("Trip"),
        "import": lambda: trip.import_transactions(
            "Trip", "EUR", ("ann", "bob", "zed"), [_entry(OPEN, "imp:3")], source="file"
        ),
    }
    for name, write in writes.items():
        with pytest.raises((ReadOnly, InvalidInput)) as caught:
            write()
        assert "Trip" in str(caught.value), name
        if name != "archive":
            assert isinstance(caught.value, ReadOnly), name
    assert trip.group("Trip").members == ("ann", "bob", "cy")
    assert trip.balances("Trip").balances
    assert trip.history("Trip")
    out = io.StringIO()
    assert interchange.export_group(trip, "Trip", "json", out) == 1
    assert trip.verify().ok
    again = trip.unarchive_group("Trip")
    assert not again.archived
    _expense(trip, OPEN)
    with pytest.raises(InvalidInput, match="not archived"):
        trip.unarchive_group("Trip")
    kinds = [a.kind for a in trip.activity("Trip").items]
    assert kinds[1:3] == ["group_unarchived", "group_archived"]


def test_archive_and_close_are_audited(trip: Ledger) -> None:
    trip.close_period("Trip", THROUGH)
    trip.archive_group("trip")  # a name that reads the same
    trip.unarchive_group("Trip")
    with trip.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, actor FROM audit_log WHERE action IN "
                 "('period.close', 'group.archive', 'group.unarchive') ORDER BY id")
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        ("period.close", "tester"),
        ("group.archive", "tester"),
        ("group.unarchive", "tester"),
    ]


def _insert_behind(
    trip: Ledger, *, day: dt.date, reverses: int | None = None, key: str = "behind"
) -> None:
    """A transaction written with raw SQL (not through the services), created now."""
    now = dt.datetime.now(dt.UTC)
    with trip.engine.begin() as conn:
        gid = conn.execute(text("SELECT id FROM groups WHERE name = 'Trip'")).scalar_one()
        seq = conn.execute(
            text("SELECT MAX(seq) FROM transactions WHERE group_id = :g"), {"g": gid}
        ).scalar_one()
        new_id = conn.execute(text("SELECT MAX(id) FROM transactions")).scalar_one() + 1
        conn.execute(
            text(
                "INSERT INTO transactions (id, group_id, seq, kind, date, description, "
                "category, idempotency_key, reverses_id, replaces_id, actor, created_at, "
                "prev_hash, hash, note) VALUES (:id, :g, :seq, :kind, :date, 'behind', '', "
                ":key, :rev, NULL, 'eve', :at, 'x', 'y', '')"
            ),
            {
                "id": new_id,
                "g": gid,
                "seq": seq + 1,
                "kind": "reversal" if reverses else "expense",
                "date": day if not trip.database.sqlite else day.isoformat(),
                "key": key,
                "rev": reverses,
                "at": now if not trip.database.sqlite else now.strftime("%Y-%m-%d %H:%M:%S.%f"),
            },
        )


@pytest.mark.parametrize("what", ["dated-inside", "reversal-after"])
def test_verify_finds_a_write_behind_the_apps_back(closed: tuple[Ledger, int], what: str) -> None:
    trip, tx_id = closed
    _expense(trip, OPEN)
    assert trip.verify().ok
    if what == "dated-inside":
        _insert_behind(trip, day=CLOSED)
    else:
        _insert_behind(trip, day=OPEN, reverses=tx_id)
    found = [p for p in trip.verify().problems if p.code == "closed-period-changed"]
    assert len(found) == 1
    assert found[0].group == "Trip"
    assert "the period through 2026-06-30" in found[0].message


def test_verify_leaves_writes_made_before_the_close_alone(trip: Ledger) -> None:
    _expense(trip, CLOSED)
    tx = _expense(trip, THROUGH)
    trip.reverse(tx, date=THROUGH)
    trip.close_period("Trip", THROUGH)
    _expense(trip, OPEN)
    assert trip.verify().ok


def test_a_write_that_waited_for_the_closer_sees_the_close(trip: Ledger, ledger_url: str) -> None:
    """PostgreSQL: a writer blocked on the group's lock while a close commits must see
    the close once it gets the lock (its snapshot predates the close: ADR 0018)."""
    if trip.database.sqlite:
        pytest.skip("SQLite writers take the write lock before they read anything")
    import psycopg

    _expense(trip, OPEN)  # the writer's connection and pins are warm
    outcome: dict[str, str] = {}

    def write() -> None:
        try:
            _expense(trip, CLOSED)
            outcome["written"] = "yes"
        except ReadOnly as exc:
            outcome["refused"] = str(exc)

    with psycopg.connect(ledger_url) as closer:
        row = closer.execute("SELECT id FROM groups WHERE name = 'Trip' FOR UPDATE").fetchone()
        assert row is not None
        closer.execute(
            "INSERT INTO period_closes (group_id, through, closed_at, actor) "
            "VALUES (%s, %s, now(), 'closer')",
            (row[0], THROUGH),
        )
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(1.5)
        assert writer.is_alive()  # waiting for the closer's lock
        closer.commit()
    writer.join(20)
    assert "written" not in outcome
    assert "Trip is closed through 2026-06-30" in outcome["refused"]
    assert trip.verify().ok


def test_importing_a_groups_own_dump_again_after_a_close_adds_nothing(
    closed: tuple[Ledger, int], tmp_path: Path
) -> None:
    trip, _ = closed
    out = io.StringIO()
    interchange.export_group(trip, "Trip", "json", out)
    dump = tmp_path / "trip.json"
    dump.write_text(out.getvalue(), encoding="utf-8")
    before = trip.history("Trip")
    outcome = interchange.import_file(trip, "Trip", dump, "json")
    assert (outcome.report.recorded, outcome.report.skipped) == (0, 1)
    assert trip.history("Trip") == before


def test_a_close_moves_the_groups_change_token(trip: Ledger) -> None:
    """An open screen (live refresh) learns of a close made in another terminal, and the
    token the first screen is read with equals the one watched afterwards."""
    first = trip.first_screen(prefer="Trip")
    assert first is not None
    before = trip.change_token("Trip")
    assert first.token == before
    trip.close_period("Trip", THROUGH)
    after = trip.change_token("Trip")
    assert after != before
    again = trip.first_screen(prefer="Trip")
    assert again is not None
    assert again.token == after
