"""Notes on expenses and payments (issue 16, part 5) through the services, on SQLite and
PostgreSQL: the input policy of descriptions (ADR 0010) at most 2000 characters, kept by
an edit unless changed ('' clears it), brought back by undo, searched by `note`, in the
chain hash (verify), round-tripped by the JSON dump; idempotency fingerprints of
requests without a note are what they were before notes existed."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger.domain import clean_text
from splitledger.services import inputs, interchange
from splitledger.services.errors import IdempotencyConflict, InvalidInput
from splitledger.services.ledger import Ledger

DAY = dt.date(2026, 5, 1)
_names = itertools.count()


def _expense(trip: Ledger, note: str = "", **extra: Any) -> int:
    return trip.record_expense(
        "Trip",
        description="Dinner",
        amount="30",
        paid_by=[("ann", None)],
        date=DAY,
        note=note,
        **extra,
    ).id


def test_fingerprints_without_a_note_are_unchanged() -> None:
    plain = {"group": "Trip", "description": "D", "amount": "1", "paid_by": (("ann", None),)}
    fields = (plain, {**plain, "note": ""})
    expense = {inputs.RecordExpense.model_validate(f).fingerprint("tx.expense") for f in fields}
    assert len(expense) == 1
    noted = inputs.RecordExpense.model_validate({**plain, "note": "x"})
    assert noted.fingerprint("tx.expense") not in expense
    pay = {"group": "Trip", "payer": "bob", "payee": "ann", "amount": "1"}
    payments = {
        inputs.RecordPayment.model_validate(f).fingerprint("tx.payment")
        for f in (pay, {**pay, "note": ""})
    }
    assert len(payments) == 1
    edits = {
        inputs.EditExpense.model_validate(f).fingerprint("tx.edit")
        for f in ({"tx_id": 1}, {"tx_id": 1, "note": None})
    }
    assert len(edits) == 1
    cleared = inputs.EditExpense.model_validate({"tx_id": 1, "note": ""})
    assert cleared.fingerprint("tx.edit") not in edits


def test_a_key_commits_to_its_note(trip: Ledger) -> None:
    first = _expense(trip, "receipt in the drawer", key="k1")
    assert _expense(trip, "receipt in the drawer", key="k1") == first
    with pytest.raises(IdempotencyConflict):
        _expense(trip, "another note", key="k1")


@pytest.mark.parametrize(
    "note", ["a\x1b[2Jb", "a\u202eb", "a\x07b", "a\nb", "n" * 2001, "a\u200bb"]
)
def test_hostile_notes_are_refused_and_nothing_is_written(trip: Ledger, note: str) -> None:
    with pytest.raises(InvalidInput, match="note"):
        _expense(trip, note)
    with pytest.raises(InvalidInput, match="note"):
        trip.record_payment("Trip", payer="bob", payee="ann", amount="5", note=note)
    assert trip.history("Trip") == []


def test_notes_are_kept_by_edits_cleared_by_an_empty_one_and_undone(trip: Ledger) -> None:
    longest = "n" * 2000
    first = _expense(trip, f"  [bold]x[/] {longest[:100]}  ")
    assert trip.transaction(first).tx.note == f"[bold]x[/] {longest[:100]}"
    kept = trip.edit_expense(first, amount="40").tx
    assert kept is not None
    assert kept.note == f"[bold]x[/] {longest[:100]}"
    assert trip.expense_definition(kept.id).note == kept.note
    changed = trip.edit_expense(kept.id, note=longest)
    assert changed.tx is not None
    assert changed.tx.note == longest
    assert [c.field for c in changed.changes] == ["note"]
    cleared = trip.edit_expense(changed.tx.id, note="").tx
    assert cleared is not None
    assert cleared.note == ""
    assert trip.edit_expense(cleared.id, note="").tx is None  # nothing different
    back = trip.undo(cleared.id)
    assert back.note == longest
    deleted = trip.reverse(back.id)
    assert trip.undo(deleted.id).note == longest
    assert trip.verify().ok


def test_history_searches_notes_and_text_searches_descriptions(trip: Ledger) -> None:
    _expense(trip, "Paid with the JUNE card")
    trip.record_payment("Trip", payer="bob", payee="ann", amount="5", note="100% cash_back")
    assert [t.note for t in trip.history("Trip", note="june")] == ["Paid with the JUNE card"]
    assert [t.note for t in trip.history("Trip", note="0% c")] == ["100% cash_back"]
    for literal in ("%", "_"):  # characters to find, not wildcards
        assert [t.note for t in trip.history("Trip", note=literal)] == ["100% cash_back"]
    assert trip.history("Trip", text="june") == []
    assert len(trip.history("Trip", text="dinner")) == 1
    page = trip.history_page("Trip", note="cash")
    assert [t.note for t in page.transactions] == ["100% cash_back"]


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30, deadline=None
)
@given(note=st.text(max_size=60))
def test_any_note_is_refused_or_kept_as_the_policy_says_and_round_trips(
    ledger: Ledger, tmp_path: Path, note: str
) -> None:
    group = f"N{next(_names)}"
    ledger.create_group(group, "EUR", ["ann", "bob"])
    try:
        expected = clean_text(note, field="note", max_length=2000, required=False)
    except ValueError:
        with pytest.raises(InvalidInput):
            ledger.record_payment(group, payer="bob", payee="ann", amount="1", note=note)
        return
    expected = " ".join(expected.split())
    tx = ledger.record_payment(group, payer="bob", payee="ann", amount="1", note=note)
    assert ledger.transaction(tx.id).tx.note == expected
    assert ledger.verify().ok
    out = io.StringIO()
    interchange.export_group(ledger, group, "json", out)
    dump = tmp_path / f"{group}.json"
    dump.write_text(out.getvalue(), encoding="utf-8")
    with Ledger.open(str(tmp_path / f"{group}.db")) as restored:  # keys are per ledger
        interchange.import_file(restored, group, dump, "json")
        assert [t.note for t in restored.history(group)] == [expected]
