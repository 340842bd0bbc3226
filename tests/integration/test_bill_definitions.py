"""Issue 13, "what you see is what is recorded": each expense keeps how it was split, an
edit changes only what it names, undo takes back a deletion or an edit once, and the
activity says what changed (ADR 0011). On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from splitledger.services.errors import Conflict, InvalidInput, NotFound
from splitledger.services.ledger import Ledger
from splitledger.services.views import FieldChange, TxView
from tests.cli.legacy import plant

DAY = dt.date(2026, 6, 1)


def _postings(tx: TxView) -> list[tuple[str, str, int]]:
    return [(p.member, p.currency, p.minor) for p in tx.postings]


def _balances(ledger: Ledger, group: str = "Trip") -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances(group).balances if b.minor}


def _fields(changes: tuple[FieldChange, ...]) -> dict[str, tuple[str, str]]:
    return {c.field: (c.old, c.new) for c in changes}


def _lunch(trip: Ledger, **fields: Any) -> TxView:
    """Lunch in Trip with `fields` changed (any value: the service checks them)."""
    base: dict[str, Any] = {
        "group": "Trip",
        "description": "Lunch",
        "amount": "90",
        "paid_by": [("ann", None)],
        "date": DAY,
    }
    return trip.record_expense(**{**base, **fields})


def test_the_ramen_bill_edited_without_changes_records_nothing(ledger: Ledger) -> None:
    """The bug: a JPY bill in a USD group reopened as USD exact shares and recorded
    150 times its value. Now it opens as it was entered, and an unchanged edit is no
    edit at all."""
    ledger.create_group("G", "USD", ["ann", "bob"])
    ramen = ledger.record_expense(
        group="G", description="Ramen", amount="1500", currency="JPY", paid_by=[("ann", None)]
    )
    defn = ledger.expense_definition(ramen.id)
    assert (defn.amount, defn.currency, defn.split, defn.derived) == ("1500", "JPY", "equal", False)
    assert defn.paid_by == (("ann", None),)
    assert defn.participants == (("ann", None), ("bob", None))
    before = (ledger.change_token("G"), _balances(ledger, "G"))
    assert ledger.edit_expense(ramen.id).tx is None
    again = ledger.edit_expense(ramen.id, **defn.as_fields())
    assert (again.tx, again.changes) == (None, ())
    assert (ledger.change_token("G"), _balances(ledger, "G")) == before
    assert _balances(ledger, "G") == {("ann", "JPY"): 750, ("bob", "JPY"): -750}


@pytest.mark.parametrize(
    ("split", "participants", "shares_after"),
    [
        ("equal", [("ann", None), ("bob", None), ("cy", None)], [-4000, -4000, -4000]),
        ("exact", [("ann", "20"), ("bob", "30"), ("cy", "40")], None),
        ("percent", [("ann", "50"), ("bob", "25%"), ("cy", "25")], [-6000, -3000, -3000]),
        ("shares", [("ann", "2"), ("bob", None), ("cy", "1")], [-6000, -3000, -3000]),
        ("adjust", [("ann", "+6"), ("bob", None), ("cy", "-3")], [-4500, -3900, -3600]),
    ],
)
def test_an_edit_keeps_the_split_mode_and_recomputes_the_shares(
    trip: Ledger,
    split: str,
    participants: list[tuple[str, str | None]],
    shares_after: list[int] | None,
) -> None:
    lunch = _lunch(trip, split=split, participants=participants)
    renamed = trip.edit_expense(lunch.id, description="Team lunch").tx
    assert renamed is not None
    assert _postings(renamed) == _postings(lunch)  # same bill, only the description
    assert trip.expense_definition(renamed.id).split == split
    if shares_after is None:  # exact amounts cannot follow a new total by themselves
        with pytest.raises(InvalidInput, match=r"exact amounts adding up to 90\.00 EUR"):
            trip.edit_expense(renamed.id, amount="120")
        return
    outcome = trip.edit_expense(renamed.id, amount="120")
    assert outcome.tx is not None
    assert [p.minor for p in outcome.tx.postings if p.minor < 0] == shares_after
    assert trip.expense_definition(outcome.tx.id).split == split
    assert _fields(outcome.changes)["amount"] == ("90.00 EUR", "120.00 EUR")


def test_an_equal_split_edited_to_120_is_40_each(trip: Ledger) -> None:
    lunch = _lunch(trip, category="food")
    outcome = trip.edit_expense(lunch.id, amount="120")
    assert outcome.tx is not None
    assert _postings(outcome.tx) == [
        ("ann", "EUR", 12000),
        ("ann", "EUR", -4000),
        ("bob", "EUR", -4000),
        ("cy", "EUR", -4000),
    ]
    new = outcome.tx
    assert (new.description, new.category, new.date, new.replaces_id) == (
        "Lunch",
        "food",
        DAY,
        lunch.id,
    )
    assert "edit of" not in new.description
    assert outcome.changes == (
        FieldChange("amount", "90.00 EUR", "120.00 EUR"),
        FieldChange("shares", "ann 30.00, bob 30.00, cy 30.00", "ann 40.00, bob 40.00, cy 40.00"),
    )
    assert trip.transaction(lunch.id).tx.reversed_by is not None


def test_several_payers_are_kept(trip: Ledger) -> None:
    hotel = _lunch(trip, description="Hotel", amount="100", paid_by=[("bob", "60"), ("cy", None)])
    defn = trip.expense_definition(hotel.id)
    assert defn.paid_by == (("bob", "60.00"), ("cy", None))
    outcome = trip.edit_expense(hotel.id, amount="120")
    assert outcome.tx is not None
    assert [(p.member, p.minor) for p in outcome.tx.postings if p.minor > 0] == [
        ("bob", 6000),
        ("cy", 6000),
    ]
    assert trip.expense_definition(outcome.tx.id).paid_by == (("bob", "60.00"), ("cy", None))
    changed = trip.edit_expense(outcome.tx.id, paid_by=[("ann", "20"), ("bob", None)])
    assert _fields(changed.changes)["paid by"] == (
        "bob 60.00, cy pays the rest",
        "ann 20.00, bob pays the rest",
    )


def test_the_currency_is_kept(trip: Ledger) -> None:
    ramen = _lunch(trip, description="Ramen", amount="1500", currency="JPY")
    outcome = trip.edit_expense(ramen.id, amount="1800")
    assert outcome.tx is not None
    assert {p.currency for p in outcome.tx.postings} == {"JPY"}
    assert outcome.tx.postings[0].minor == 1800
    with pytest.raises(InvalidInput, match="JPY allows no decimals"):
        trip.edit_expense(outcome.tx.id, amount="18.50")
    usd = trip.edit_expense(outcome.tx.id, currency="USD")
    assert usd.tx is not None
    assert usd.tx.postings[0] == outcome.tx.postings[0].__class__("ann", "USD", 180000)


def test_edits_name_the_current_version_and_refuse_older_ones(trip: Ledger) -> None:
    lunch = _lunch(trip)
    second = trip.edit_expense(lunch.id, amount="60").tx
    assert second is not None
    with pytest.raises(Conflict, match=f"#{lunch.id} is not the current .* #{second.id} is"):
        trip.edit_expense(lunch.id, amount="70")
    deleted = trip.reverse(second.id)
    with pytest.raises(Conflict, match=f"#{second.id} was deleted \\(#{deleted.id}\\)"):
        trip.edit_expense(second.id, amount="70")
    with pytest.raises(Conflict, match="only expenses edit"):
        trip.edit_expense(deleted.id, amount="70")
    with pytest.raises(NotFound):
        trip.edit_expense(999_999, amount="1")
    with pytest.raises(InvalidInput, match="description: contains a control character"):
        trip.edit_expense(lunch.id, description="a\x1b[2Jb")


def test_an_edit_with_a_key_is_answered_once(trip: Ledger) -> None:
    lunch = _lunch(trip)
    first = trip.edit_expense(lunch.id, amount="120", key="edit-1")
    again = trip.edit_expense(lunch.id, amount="120", key="edit-1")
    assert again == first
    assert len(trip.history("Trip")) == 3  # the expense, its reversal, the new version


def test_undo_a_deletion_then_refuse_a_second_undo(trip: Ledger) -> None:
    lunch = _lunch(trip, split="shares", participants=[("ann", "2"), ("bob", None)])
    before = _balances(trip)
    deleted = trip.reverse(lunch.id)
    assert _balances(trip) == {}
    back = trip.undo(deleted.id, key="undo-1")  # by its reversal (or the expense itself)
    assert back.replaces_id == lunch.id
    assert _postings(back) == _postings(lunch)
    assert _balances(trip) == before
    assert trip.undo(deleted.id, key="undo-1") == back  # the same key: the same answer
    assert trip.expense_definition(back.id).participants == (("ann", "2"), ("bob", "1"))
    with pytest.raises(Conflict, match=r"deletion of expense .* was already undone"):
        trip.undo(lunch.id)
    with pytest.raises(Conflict, match=r"deletion of expense .* was already undone"):
        trip.undo(deleted.id)
    assert _balances(trip) == before


def test_undo_an_edit_goes_back_to_the_previous_definition_once(trip: Ledger) -> None:
    lunch = _lunch(trip, paid_by=[("bob", None)])
    edited = trip.edit_expense(lunch.id, amount="120", split="percent",
                               participants=[("ann", "50"), ("cy", "50")]).tx  # fmt: skip
    assert edited is not None
    undone = trip.undo(edited.id)
    assert undone.replaces_id == edited.id
    assert sorted(_postings(undone)) == sorted(_postings(lunch))
    defn = trip.expense_definition(undone.id)
    assert (defn.amount, defn.split, defn.paid_by) == ("90.00", "equal", (("bob", None),))
    with pytest.raises(Conflict, match="already undone"):
        trip.undo(edited.id)
    with pytest.raises(Conflict, match="nothing to undo"):
        trip.undo(_lunch(trip).id)
    payment = trip.record_payment(group="Trip", payer="bob", payee="ann", amount="5")
    with pytest.raises(Conflict, match="is a payment"):
        trip.undo(payment.id)
    assert trip.verify().ok


def test_bill_versions_and_activity_say_what_changed(trip: Ledger) -> None:
    lunch = _lunch(trip)
    edited = trip.edit_expense(lunch.id, amount="120", category="food").tx
    assert edited is not None
    deleted = trip.reverse(edited.id)
    restored = trip.undo(edited.id)
    versions = trip.bill_versions(deleted.id)
    assert [(v.tx_id, v.kind) for v in versions] == [
        (lunch.id, "recorded"),
        (edited.id, "edited"),
        (deleted.id, "deleted"),
        (restored.id, "restored"),
    ]
    assert versions[2].definition is None
    assert {v.actor for v in versions} == {"tester"}
    assert _fields(versions[1].changes) == {
        "amount": ("90.00 EUR", "120.00 EUR"),
        "shares": ("ann 30.00, bob 30.00, cy 30.00", "ann 40.00, bob 40.00, cy 40.00"),
        "category": ("", "food"),
    }
    trip.record_payment(group="Trip", payer="bob", payee="ann", amount="5")
    trip.rename_member("Trip", "cy", "Cy")
    page = trip.activity("Trip")
    kinds = [(i.kind, i.tx) for i in page.items]
    assert kinds == [
        ("member_renamed", None),
        ("payment", kinds[1][1]),
        ("restored", restored.id),
        ("deleted", deleted.id),
        ("edited", edited.id),
        ("recorded", lunch.id),
        ("group_created", None),
    ]
    # Members are named as they are called now (definitions keep them by id).
    assert page.items[4].changes == trip.bill_versions(lunch.id)[1].changes
    assert _fields(page.items[4].changes)["shares"][1] == "ann 40.00, bob 40.00, Cy 40.00"
    assert page.items[4].description == page.items[3].description == "Lunch"
    assert page.items[0].changes == (FieldChange("name", "cy", "Cy"),)
    assert all(i.actor == "tester" and i.at.tzinfo is not None for i in page.items)
    assert (page.more, page.before) == (False, None)
    # Paged like the history: `before` continues, each item once.
    first = trip.activity("Trip", limit=3)
    assert (first.more, first.before) == (True, first.items[-1].id)
    rest = trip.activity("Trip", before=first.before, limit=10)
    assert first.items + rest.items == page.items
    with pytest.raises(InvalidInput, match="limit"):
        trip.activity("Trip", limit=0)
    with pytest.raises(NotFound):
        trip.activity("Nowhere")


def test_a_definition_names_members_as_they_are_called_now(trip: Ledger) -> None:
    lunch = _lunch(trip, split="exact", participants=[("bob", "40"), ("cy", "50")])
    trip.rename_member("Trip", "bob", "Bob")
    defn = trip.expense_definition(lunch.id)
    assert defn.participants == (("Bob", "40.00"), ("cy", "50.00"))
    assert trip.edit_expense(lunch.id).tx is None


def test_a_zero_share_must_still_be_a_member(trip: Ledger) -> None:
    with pytest.raises(NotFound, match="'zed' is not a member"):
        _lunch(trip, split="exact", participants=[("ann", "90"), ("zed", "0")])


def test_definitions_are_append_only(trip: Ledger) -> None:
    _lunch(trip)
    for statement in (
        "UPDATE expense_definitions SET body = '{}'",
        "DELETE FROM expense_definitions",
    ):
        with pytest.raises(DBAPIError, match="append-only"), trip.engine.begin() as conn:
            conn.execute(text(statement))
    with trip.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM expense_definitions")).scalar() == 1


def test_an_expense_without_a_definition_opens_as_exact_shares(db_url: str) -> None:
    tx_id = plant(db_url, description="Old dinner", category="", actor="old", minor=1001)
    with Ledger.open(db_url, actor="tester") as ledger:
        defn = ledger.expense_definition(tx_id)
        assert defn.derived
        assert (defn.split, defn.amount, defn.paid_by) == ("exact", "10.01", (("ann", None),))
        assert defn.participants == (("ann", "5.00"), ("bob", "5.01"))
        assert ledger.edit_expense(tx_id).tx is None
        equal = ledger.edit_expense(tx_id, amount="12", split="equal")
        assert equal.tx is not None
        assert [p.minor for p in equal.tx.postings] == [1200, -600, -600]
        assert not ledger.expense_definition(equal.tx.id).derived
        back = ledger.undo(equal.tx.id)  # the derived definition, once more
        assert [p.minor for p in back.postings] == [1001, -500, -501]
        assert ledger.expense_definition(back.id).derived
        with pytest.raises(InvalidInput, match="not an expense"):
            ledger.expense_definition(ledger.reverse(back.id).id)


def test_an_undo_brings_back_the_very_postings_odd_cents_included(trip: Ledger) -> None:
    """The odd cent of 100.00 / 3 goes where the key's seed put it; undoing a deletion
    or an edit must give back those postings, not a new draw under a new key."""
    for n in range(6):
        bill = _lunch(trip, amount="100", key=f"odd-{n}")
        back = trip.undo(trip.reverse(bill.id).id)
        assert _postings(back) == _postings(bill)
        edited = trip.edit_expense(back.id, amount="200.01").tx
        assert edited is not None
        assert _postings(trip.undo(edited.id)) == _postings(bill)


def test_an_edit_that_leaves_the_money_alone_leaves_the_postings_alone(trip: Ledger) -> None:
    for n in range(6):
        bill = _lunch(trip, amount="100", key=f"cents-{n}")
        outcome = trip.edit_expense(bill.id, description="Brunch", date=DAY.replace(day=2))
        assert outcome.tx is not None
        assert _postings(outcome.tx) == _postings(bill)
        assert [c.field for c in outcome.changes] == ["description", "date"]


def test_two_edits_at_once_make_one_version_and_name_it_to_the_other(db_url: str) -> None:
    """Each edit locks the group before it reads which version is current."""
    with Ledger.open(db_url, actor="tester") as setup:
        setup.create_group("Trip", "EUR", ["ann", "bob", "cy"])
        lunch = _lunch(setup)
    results: list[object] = []
    start = threading.Barrier(4)

    def edit(amount: str) -> None:
        with Ledger.open(db_url, actor=f"t{amount}") as mine:
            start.wait()
            try:
                results.append(mine.edit_expense(lunch.id, amount=amount).tx)
            except Conflict as exc:
                results.append(exc)

    threads = [threading.Thread(target=edit, args=(str(60 + i),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [r for r in results if isinstance(r, TxView)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(made), len(refused)) == (1, 3)
    assert all(f"#{made[0].id} is" in str(r) for r in refused)
    with Ledger.open(db_url) as after:
        assert after.verify().ok
        assert [v.kind for v in after.bill_versions(lunch.id)] == ["recorded", "edited"]
