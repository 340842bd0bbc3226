"""Use cases end to end on real databases (each test runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from splitledger import domain
from splitledger.domain import Transaction, Transfer
from splitledger.services.errors import Conflict, IdempotencyConflict, InvalidInput, NotFound
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger

DAY = dt.date(2026, 11, 1)


def _balances(ledger: Ledger, group: str = "Trip") -> dict[str, int]:
    return {b.member: b.minor for b in ledger.balances(group).balances}


def test_group_lifecycle(ledger: Ledger) -> None:
    created = ledger.create_group("Flat", "usd", ["ann", "bob"])
    assert (created.name, created.currency, created.members) == ("Flat", "USD", ("ann", "bob"))
    ledger.add_members("Flat", ["cy"])
    assert [g.members for g in ledger.groups()] == [("ann", "bob", "cy")]
    with pytest.raises(InvalidInput, match="already exists"):
        ledger.create_group("Flat", "USD")
    with pytest.raises(InvalidInput, match="already in"):
        ledger.add_members("Flat", ["ann"])
    with pytest.raises(InvalidInput, match="currency"):
        ledger.create_group("Bad", "XXZ")
    with pytest.raises(InvalidInput, match="listed twice"):
        ledger.create_group("Dup", "EUR", ["a", "a"])
    with pytest.raises(NotFound):
        ledger.add_members("Nope", ["x"])


def test_expense_moves_balances_and_sums_to_zero(trip: Ledger) -> None:
    tx = trip.record_expense(
        group="Trip", description="Dinner", amount="90.00", paid_by=[("ann", None)], date=DAY
    )
    assert tx.kind == "expense"
    assert tx.seq == 1
    assert _balances(trip) == {"ann": 6000, "bob": -3000, "cy": -3000}
    assert trip.balances("Trip").total_spent == {"EUR": 9000}


@pytest.mark.parametrize(
    ("split", "participants", "expected"),
    [
        (
            "exact",
            [("ann", "10"), ("bob", "50"), ("cy", "40")],
            {"ann": 9000, "bob": -5000, "cy": -4000},
        ),
        (
            "percent",
            [("ann", "50%"), ("bob", "25"), ("cy", "25")],
            {"ann": 5000, "bob": -2500, "cy": -2500},
        ),
        (
            "shares",
            [("ann", "2"), ("bob", "1"), ("cy", "1")],
            {"ann": 5000, "bob": -2500, "cy": -2500},
        ),
        (
            "adjust",
            [("ann", None), ("bob", "+10"), ("cy", "-10")],
            {"ann": 6667, "bob": -4333, "cy": -2334},
        ),
    ],
)
def test_each_split_mode(
    trip: Ledger,
    split: str,
    participants: list[tuple[str, str | None]],
    expected: dict[str, int],
) -> None:
    trip.record_expense(
        group="Trip",
        description="Mixed",
        amount="100",
        paid_by=[("ann", None)],
        split=split,
        participants=participants,
        date=DAY,
        key=f"k-{split}",
    )
    balances = _balances(trip)
    assert sum(balances.values()) == 0
    if split == "adjust":  # odd cent placement depends on the key; check the envelope
        assert balances["bob"] in {-4333, -4334}
        assert balances["cy"] in {-2333, -2334}
    else:
        assert balances == expected


def test_several_payers_one_paying_the_rest(trip: Ledger) -> None:
    trip.record_expense(
        group="Trip",
        description="Hotel",
        amount="300",
        date=DAY,
        paid_by=[("ann", "100"), ("bob", None)],
    )
    assert _balances(trip) == {"ann": 0, "bob": 10000, "cy": -10000}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "12.345"}, "3 decimal places"),
        ({"amount": "-5"}, "positive"),
        ({"paid_by": [("zed", None)]}, "not a member"),
        ({"participants": [("ann", None), ("zed", None)]}, "not a member"),
        ({"split": "percent", "participants": [("ann", "50"), ("bob", "40")]}, "not 100"),
        ({"split": "exact", "participants": [("ann", "1")]}, "add up to"),
        ({"paid_by": [("ann", "10"), ("bob", "10")]}, "payers paid"),
        ({"description": ""}, "description"),
        ({"group": "Nope"}, "no group"),
        ({"split": "bogus"}, "split"),
    ],
)
def test_bad_expenses_write_nothing(trip: Ledger, fields: dict[str, Any], message: str) -> None:
    base = {"group": "Trip", "description": "x", "amount": "30", "paid_by": [("ann", None)]}
    with pytest.raises(InvalidInput, match=message):
        trip.record_expense(**{**base, **fields})
    assert trip.history("Trip") == []
    assert set(_balances(trip).values()) == {0}


def test_idempotency_same_key_same_payload_returns_original(trip: Ledger) -> None:
    args: ExpenseFields = {"description": "Taxi", "amount": "30", "paid_by": [("bob", None)]}
    first = trip.record_expense("Trip", key="taxi-1", **args)
    again = trip.record_expense("Trip", key="taxi-1", **args)
    assert again.id == first.id
    assert len(trip.history("Trip")) == 1
    changed: ExpenseFields = {**args, "amount": "31"}
    with pytest.raises(IdempotencyConflict):
        trip.record_expense("Trip", key="taxi-1", **changed)
    with pytest.raises(IdempotencyConflict):
        trip.record_payment(group="Trip", payer="ann", payee="bob", amount="1", key="taxi-1")


def test_payment_and_settle_plan(trip: Ledger) -> None:
    trip.record_expense(group="Trip", description="Dinner", amount="90", paid_by=[("ann", None)])
    plan = trip.settle_plan("Trip")
    assert sorted(plan, key=lambda t: t.payer) == [
        Transfer("bob", "ann", "EUR", 3000),
        Transfer("cy", "ann", "EUR", 3000),
    ]
    paid = trip.record_settlement("Trip", plan, key="settle-1")
    assert [p.kind for p in paid] == ["payment", "payment"]
    assert set(_balances(trip).values()) == {0}
    assert trip.settle_plan("Trip") == []
    # Retrying the same settlement records nothing new.
    trip.record_settlement("Trip", plan, key="settle-1")
    assert len(trip.history("Trip")) == 3


def test_reverse_once_and_edit_as_reversal_plus_new(trip: Ledger) -> None:
    tx = trip.record_expense(
        group="Trip", description="Lunch", amount="30", paid_by=[("ann", None)]
    )
    rev = trip.reverse(tx.id)
    assert rev.reverses_id == tx.id
    assert rev.kind == "reversal"
    assert set(_balances(trip).values()) == {0}
    with pytest.raises(Conflict, match="already reversed"):
        trip.reverse(tx.id)
    with pytest.raises(Conflict, match="cannot be reversed"):
        trip.reverse(rev.id)
    with pytest.raises(NotFound):
        trip.reverse(999_999)

    tx2 = trip.record_expense(group="Trip", description="Cab", amount="30", paid_by=[("bob", None)])
    new = trip.edit_expense(tx2.id, description="Cab (fixed)", amount="60").tx
    assert new is not None
    assert new.replaces_id == tx2.id
    assert new.description == "Cab (fixed)"
    assert _balances(trip) == {"ann": -2000, "bob": 4000, "cy": -2000}
    detail = trip.transaction(tx2.id)
    assert detail.tx.reversed_by is not None
    # The reversal belongs to the edit, and the audit log says so (not a deletion).
    assert [a.action for a in detail.audit] == ["tx.expense", "tx.edit"]
    kinds = [t.kind for t in trip.history("Trip")]
    assert kinds == ["expense", "reversal", "expense", "reversal", "expense"]


def test_history_filters_and_keyset_paging(trip: Ledger) -> None:
    for i in range(7):
        trip.record_expense(
            group="Trip",
            description=f"Coffee {i}",
            amount="3",
            paid_by=[("ann" if i % 2 else "bob", None)],
            participants=[("ann", None), ("bob", None)],
            date=DAY + dt.timedelta(days=i),
            category="food" if i < 4 else "fun",
        )
    trip.record_payment(group="Trip", payer="cy", payee="ann", amount="1", date=DAY)
    page1 = trip.history("Trip", limit=3)
    page2 = trip.history("Trip", limit=3, before=(page1[-1].date, page1[-1].id))
    page3 = trip.history("Trip", limit=3, before=(page2[-1].date, page2[-1].id))
    everything = page1 + page2 + page3
    assert len(everything) == 8
    assert len({t.id for t in everything}) == 8
    assert [t.date for t in everything] == sorted((t.date for t in everything), reverse=True)
    assert len(trip.history("Trip", text="coffee 3")) == 1
    assert len(trip.history("Trip", category="FUN")) == 3
    assert [t.kind for t in trip.history("Trip", kind="payment")] == ["payment"]
    assert len(trip.history("Trip", member="cy")) == 1
    assert len(trip.history("Trip", date_from=DAY + dt.timedelta(days=5))) == 2
    with pytest.raises(InvalidInput):
        trip.history("Trip", kind="nonsense")


def test_every_change_is_audited(trip: Ledger) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from splitledger.store.schema import AuditRow

    tx = trip.record_expense(group="Trip", description="A", amount="3", paid_by=[("ann", None)])
    trip.reverse(tx.id)
    with Session(trip.engine) as session:
        actions = list(session.scalars(select(AuditRow.action).order_by(AuditRow.id)))
        actors = set(session.scalars(select(AuditRow.actor)))
    assert actions == ["group.create", "tx.expense", "tx.reverse"]
    assert actors == {"tester"}


def test_verify_passes_on_a_healthy_ledger(trip: Ledger) -> None:
    tx = trip.record_expense(group="Trip", description="A", amount="3", paid_by=[("ann", None)])
    trip.reverse(tx.id)
    trip.record_payment(group="Trip", payer="bob", payee="ann", amount="1")
    report = trip.verify()
    assert report.ok, report.problems
    assert report.transactions_checked == 3


def test_rename_and_change_token(trip: Ledger) -> None:
    token = trip.change_token("Trip")
    everything = trip.change_token()
    trip.rename_member("Trip", "cy", "cyrus")
    assert trip.change_token("Trip") != token
    trip.record_payment(group="Trip", payer="bob", payee="ann", amount="1")
    assert trip.change_token() != everything
    renamed = trip.rename_group("Trip", "Lisbon")
    assert renamed.members == ("ann", "bob", "cyrus")
    with pytest.raises(NotFound):
        trip.rename_member("Lisbon", "zed", "z")
    with pytest.raises(InvalidInput, match="already"):
        trip.rename_member("Lisbon", "ann", "bob")
    assert _balances(trip, "Lisbon")["ann"] == -100


def _expense(key: str, total: int, payer: str, who: tuple[str, ...]) -> Transaction:

    return domain.build_expense(
        total=total,
        currency="EUR",
        payers={payer: total},
        split=domain.Equal(who),
        date=DAY,
        description=key,
        idempotency_key=key,
    )


def test_import_is_atomic_idempotent_and_reconciled(ledger: Ledger) -> None:
    from splitledger.services.inputs import ImportEntry

    first = _expense("row-1", 900, "ann", ("ann", "bob", "cy"))
    rev = domain.build_reversal(first, original_id=1, date=DAY, idempotency_key="row-2")
    entries = [
        ImportEntry(first),
        ImportEntry(rev, reverses_key="row-1"),
        ImportEntry(_expense("row-3", 600, "bob", ("ann", "bob"))),
    ]
    expected = {("ann", "EUR"): -300, ("bob", "EUR"): 300}

    dry = ledger.import_transactions(
        "Imp", "EUR", ["ann", "bob", "cy"], entries, source="f.csv", expected=expected, dry_run=True
    )
    assert (dry.recorded, dry.committed) == (3, False)
    assert ledger.groups() == []

    with pytest.raises(InvalidInput, match="do not reconcile"):
        ledger.import_transactions(
            "Imp",
            "EUR",
            ["ann", "bob", "cy"],
            entries,
            source="f.csv",
            expected={("ann", "EUR"): -1},
        )
    assert ledger.groups() == []

    done = ledger.import_transactions(
        "Imp", "EUR", ["ann", "bob", "cy"], entries, source="f.csv", expected=expected
    )
    assert (done.recorded, done.skipped, done.created_group) == (3, 0, True)
    again = ledger.import_transactions(
        "Imp", "EUR", ["ann", "bob", "cy"], entries, source="f.csv", expected=expected
    )
    assert (again.recorded, again.skipped) == (0, 3)
    assert _balances(ledger, "Imp") == {"ann": -300, "bob": 300, "cy": 0}
    history = list(ledger.iter_transactions("Imp", batch=2))
    assert [t.description for t in history] == ["row-1", "Reversal of: row-1", "row-3"]
    assert history[1].reverses_id == history[0].id
    changed = [ImportEntry(_expense("row-3", 700, "bob", ("ann", "bob")))]
    with pytest.raises(IdempotencyConflict):
        ledger.import_transactions("Imp", "EUR", ["ann", "bob"], changed, source="g.csv")
    assert ledger.verify().ok


def test_import_in_chunks_with_links_and_repeated_rows(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from splitledger.services import imports as ledger_module
    from splitledger.services.inputs import ImportEntry

    monkeypatch.setattr(ledger_module, "_IMPORT_CHUNK", 3)
    entries = []
    for i in range(10):
        tx = _expense(f"r{i}", 300 + i, "ann" if i % 2 else "bob", ("ann", "bob", "cy"))
        entries.append(ImportEntry(tx))
        if i % 4 == 3:  # reverse a row from an earlier chunk and one from this chunk
            for target in (f"r{i - 3}", f"r{i}"):
                original = next(e.tx for e in entries if e.tx.idempotency_key == target)
                rev = domain.build_reversal(
                    original, original_id=1, date=DAY, idempotency_key=f"undo-{target}"
                )
                entries.append(ImportEntry(rev, reverses_key=target))
    entries.append(entries[0])  # the same row twice in one file is skipped, not doubled
    progress: list[int] = []
    report = ledger.import_transactions(
        "Chunks", "EUR", ["ann", "bob", "cy"], entries, source="c.csv", progress=progress.append
    )
    assert (report.recorded, report.skipped) == (14, 1)
    assert progress[-1] == len(entries)
    history = list(ledger.iter_transactions("Chunks"))
    by_key = {t.idempotency_key: t for t in history}
    assert by_key["undo-r0"].reverses_id == by_key["r0"].id
    assert by_key["undo-r3"].reverses_id == by_key["r3"].id
    assert sum(b.minor for b in ledger.balances("Chunks").balances) == 0
    spent = ledger.balances("Chunks").total_spent["EUR"]
    reversed_keys = {"r0", "r3", "r4", "r7"}
    assert spent == sum(300 + i for i in range(10) if f"r{i}" not in reversed_keys)
    assert ledger.verify().ok
    again = ledger.import_transactions(
        "Chunks", "EUR", ["ann", "bob", "cy"], entries, source="c.csv"
    )
    assert (again.recorded, again.skipped) == (0, len(entries))


def test_remove_member_only_at_zero_and_history_stays(trip: Ledger) -> None:
    tx = trip.record_expense(group="Trip", description="Tea", amount="3", paid_by=[("ann", None)])
    with pytest.raises(Conflict, match=r"still has a balance of -1\.00 EUR"):
        trip.remove_member("Trip", "cy")
    trip.record_payment(group="Trip", payer="cy", payee="ann", amount="1")
    token = trip.change_token("Trip")
    assert trip.remove_member("Trip", "cy").members == ("ann", "bob")
    assert trip.change_token("Trip") != token
    assert "cy" not in {b.member for b in trip.balances("Trip").balances}
    assert any(p.member == "cy" for p in trip.transaction(tx.id).tx.postings)
    # Default participants are the current members; naming a removed one is refused.
    after = trip.record_expense(
        group="Trip", description="Cake", amount="2", paid_by=[("ann", None)]
    )
    assert {p.member for p in after.postings} == {"ann", "bob"}
    with pytest.raises(InvalidInput, match="was removed"):
        trip.record_payment(group="Trip", payer="cy", payee="ann", amount="1")
    with pytest.raises(NotFound):
        trip.remove_member("Trip", "cy")
    # Reversing an old expense that involved cy brings cy back (their balance moves).
    trip.reverse(tx.id)
    assert "cy" in trip.group("Trip").members
    assert {b.member: b.minor for b in trip.balances("Trip").balances}["cy"] == 100
    assert trip.verify().ok


def test_adding_a_removed_member_restores_them(trip: Ledger) -> None:
    trip.remove_member("Trip", "bob")
    assert trip.add_members("Trip", ["bob"]).members == ("ann", "bob", "cy")
    with pytest.raises(InvalidInput, match="already in"):
        trip.add_members("Trip", ["bob"])


def test_record_settlement_is_all_or_nothing(trip: Ledger) -> None:
    trip.record_expense(group="Trip", description="Dinner", amount="90", paid_by=[("ann", None)])
    plan = trip.settle_plan("Trip")
    bad = [*plan, Transfer("zed", "ann", "EUR", 100)]
    with pytest.raises(NotFound, match="zed"):
        trip.record_settlement("Trip", bad, key="s")
    assert len(trip.history("Trip")) == 1
    done = trip.record_settlement("Trip", plan, key="s")
    assert [t.id for t in trip.record_settlement("Trip", plan, key="s")] == [t.id for t in done]


def test_structured_log_records_changes_whatever_their_fields(
    trip: Ledger, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    from splitledger.services import logs

    trip.remove_member("Trip", "cy")
    trip.add_members("Trip", ["cy"])  # restores: a payload with a "name" field
    for handler in logs.get_logger().handlers:
        handler.flush()
    lines = [json.loads(line) for p in logs.log_files() for line in p.read_text().splitlines()]
    events = [(e["event"], e.get("name")) for e in lines if e["event"].startswith("member.")]
    assert ("member.remove", "cy") in events
    assert ("member.restore", "cy") in events


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("", "must not be empty"),
        ("bad\tname", "control character U\\+0009"),
        ("exchange:EUR-USD", "reserved"),
    ],
)
def test_renames_validate_the_new_name_like_creation_does(
    trip: Ledger, new: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        trip.rename_group("Trip", new)
    with pytest.raises(InvalidInput, match=message):
        trip.rename_member("Trip", "ann", new)
    assert trip.group("Trip").members == ("ann", "bob", "cy")
