"""Adding and editing expenses: every split mode, several payers, inline errors, the live
preview (the odd cent where saving puts it), the idempotency key that makes double
submits harmless, and edits of a bill as it was entered, saying what they change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select

from splitledger.domain import DomainError, format_amount, parse_amount, parse_decimal
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.expense_fields import REST, SEVERAL
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from tests.integration.legacy import no_definitions
from tests.tui.conftest import TODAY, idle, make_app
from tests.tui.expense_pilot import fill, open_edit, open_form, text_of


def owed(tx: TxView) -> list[str]:
    """What ann, bob and cy owe in `tx` (their shares), as the form shows them."""
    shares = {p.member: -p.minor for p in tx.postings if p.minor < 0}
    return [format_amount(shares.get(m, 0), "EUR") for m in ("ann", "bob", "cy")]


def postings(tx: TxView) -> dict[str, int]:
    net: dict[str, int] = {}
    for p in tx.postings:
        net[p.member] = net.get(p.member, 0) + p.minor
    return net


async def test_typing_an_equal_split_previews_and_records_it(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Pizza", "tab", *"30.00")
        await pilot.pause()
        assert "10.00" in text_of(form, "#share-1")
        assert "ready to save" in text_of(form, "#summary")
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    (tx,) = trip.history("Trip")
    assert tx.description == "Pizza"
    assert tx.date == TODAY
    assert postings(tx) == {"ann": 2000, "bob": -1000, "cy": -1000}


SPLITS = {
    "exact": (["50.00", "30.00", "20.00"], {"ann": 5000, "bob": -3000, "cy": -2000}),
    "percent": (["50", "25", "25%"], {"ann": 5000, "bob": -2500, "cy": -2500}),
    "shares": (["2", "", "1"], {"ann": 5000, "bob": -2500, "cy": -2500}),
    # equal part of 100 - 10 + 10 = 100 each third (33.33|33.34), then the adjustments
    "adjust": (["", "+10.00", "-10.00"], {"ann": 6667, "bob": -4333, "cy": -2334}),
}


async def test_each_split_mode_records_its_shares(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        for mode, (values, _) in SPLITS.items():
            form = await open_form(pilot)
            fill(form, description=f"{mode} dinner", amount="100.00", category="food")
            form.query_one("#mode", Select).value = mode
            await pilot.pause()
            for index, value in enumerate(values):
                fill(form, **{f"value_{index}": value})
            await pilot.pause()
            assert "ready to save" in text_of(form, "#summary"), text_of(form, "#split-error")
            await pilot.press("ctrl+s")
            await idle(pilot)
            assert isinstance(app.screen, BalancesScreen)
    recorded = {tx.description.split()[0]: tx for tx in trip.history("Trip")}
    assert set(recorded) == set(SPLITS)
    for mode, (_, expected) in SPLITS.items():
        tx = recorded[mode]
        assert tx.category == "food"
        net = postings(tx)
        assert sum(net.values()) == 0
        if mode == "adjust":  # which third gets the odd cent depends on the key's seed
            assert all(abs(net[m] - expected[m]) <= 1 for m in expected), net
        else:
            assert net == expected


async def test_several_payers_and_a_subset_of_participants(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Tickets", amount="60.00")
        form.query_one("#payer", Select).value = "__several__"
        await pilot.pause()
        fill(form, paid_0="40.00", paid_1="10.00")
        await pilot.pause()
        assert "10.00 EUR unpaid" in text_of(form, "#summary")
        assert form.query_one("#save", Button).disabled
        fill(form, paid_1="20.00")
        form.query_one("#in-2", Checkbox).value = False
        await pilot.pause()
        assert "ready to save" in text_of(form, "#summary")
        await pilot.press("ctrl+s")
        await idle(pilot)
    (tx,) = trip.history("Trip")
    assert postings(tx) == {"ann": 1000, "bob": -1000}
    assert "cy" not in postings(tx)


async def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_recorded(
    trip: Ledger,
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Taxi", amount="12.345")
        await pilot.pause()
        assert "EUR allows at most 2 decimal places" in text_of(form, "#amount-error")
        fill(form, amount="12.00", date="2026-13-01")
        await pilot.pause()
        assert "not a date" in text_of(form, "#date-error")
        fill(form, date="2026-06-01")
        form.query_one("#mode", Select).value = "percent"
        await pilot.pause()
        fill(form, value_0="50", value_1="30", value_2="10")
        await pilot.pause()
        assert "add up to 90" in text_of(form, "#split-error")
        assert "10% unassigned" in text_of(form, "#summary")
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form  # still open: nothing to record
    assert trip.history("Trip") == []


async def test_double_submit_and_retry_record_once(trip: Ledger, db_path: Path) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Groceries", amount="45.00")
        await pilot.pause()
        # As if an earlier attempt committed but its answer was lost (a locked database
        # timing out on the way back): the same key from another connection.
        fields: ExpenseFields = {
            "description": "Groceries",
            "amount": "45.00",
            "date": TODAY,
            "category": "",
            "paid_by": (("ann", None),),
            "split": "equal",
            "participants": (("ann", None), ("bob", None), ("cy", None)),
        }
        with Ledger.open(str(db_path), actor="other") as other:
            first = other.record_expense("Trip", key=form.key, **fields)
        form.action_save()
        form.action_save()  # a second Enter before the first finished
        await idle(pilot)
    history = trip.history("Trip")
    assert [tx.id for tx in history] == [first.id]


def toasts(app: SplitLedgerApp) -> list[str]:
    return [n.message for n in app._notifications]


def shown_shares(form: ExpenseFormScreen) -> list[str]:
    return [text_of(form, f"#share-{i}") for i in range(len(form._members))]


async def test_edit_records_a_reversal_and_a_new_version(demo: Ledger) -> None:
    taxi = next(t for t in demo.history("Lisbon trip") if t.description.startswith("Taxi"))
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_edit(pilot, taxi)
        assert form.query_one("#amount", Input).value == "42.00"
        assert form.query_one("#mode", Select).value == "equal"  # as it was entered
        assert all(form.query_one(f"#in-{i}", Checkbox).value for i in range(4))
        fill(form, amount="50.00")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
    history = demo.history("Lisbon trip", text="taxi")
    new = next(t for t in history if t.kind == "expense" and t.reversed_by is None)
    old = demo.transaction(taxi.id).tx
    assert new.replaces_id == taxi.id
    assert old.reversed_by is not None
    assert new.description == taxi.description  # no "(edit of …)"
    assert sorted(p.minor for p in new.postings if p.minor < 0) == [-1250] * 4
    assert demo.expense_definition(new.id).split == "equal"


async def test_an_untouched_bill_in_another_currency_saves_as_nothing(ledger: Ledger) -> None:
    """Issue 13: a JPY bill in a USD group opened, untouched and saved."""
    ledger.create_group("G", "USD", ["ann", "bob", "cy"])
    ledger.record_expense(
        group="G", description="Ramen", amount="1500", currency="JPY", paid_by=(("ann", None),)
    )
    app = make_app(ledger)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await idle(pilot)
        await pilot.press("h")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        await pilot.press("e")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        assert form.query_one("#description", Input).value == "Ramen"
        assert form.query_one("#amount", Input).value == "1500"
        assert form.query_one("#currency", Input).value == "JPY"
        assert form.query_one("#mode", Select).value == "equal"
        assert form.query_one("#payer", Select).value == "ann"
        assert "500" in text_of(form, "#share-1")
        assert "Nothing changed yet" in text_of(form, "#summary")
        assert text_of(form, "#changes") == ""
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert not isinstance(app.screen, ExpenseFormScreen)
        assert toasts(app)[-1] == "Nothing changed; nothing recorded."
    (only,) = ledger.history("G")
    assert only.reversed_by is None
    assert {p.currency for p in only.postings} == {"JPY"}


async def test_editing_the_amount_of_an_equal_split_shows_the_change_and_recomputes(
    trip: Ledger,
) -> None:
    hotel = trip.record_expense(
        group="Trip", description="Hotel", amount="90.00", paid_by=(("ann", None),)
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        form = await open_edit(pilot, hotel)
        assert form.query_one("#mode", Select).value == "equal"
        fill(form, amount="120")
        await pilot.pause()
        changes = text_of(form, "#changes")
        assert "amount: 90.00 EUR → 120.00 EUR" in changes
        assert "shares: ann 30.00, bob 30.00, cy 30.00 → ann 40.00, bob 40.00, cy 40.00" in changes
        assert "split" not in changes
        assert "40.00" in text_of(form, "#share-2")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "amount: 90.00 EUR → 120.00 EUR" in toasts(app)[-1]
    new = next(t for t in trip.history("Trip") if t.kind == "expense" and t.reversed_by is None)
    assert postings(new) == {"ann": 8000, "bob": -4000, "cy": -4000}
    assert new.description == "Hotel"
    edited = trip.expense_definition(new.id)
    assert (edited.amount, edited.split) == ("120.00", "equal")


async def test_the_toast_of_an_edit_shows_changed_text_plainly(trip: Ledger) -> None:
    hotel = trip.record_expense(
        group="Trip", description="Hotel", amount="90.00", paid_by=(("ann", None),)
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        form = await open_edit(pilot, hotel)
        fill(form, description="[b]Hotel[/b] [@click=app.quit]x[/]")
        await pilot.pause()
        assert "description: Hotel → [b]Hotel[/b]" in text_of(form, "#changes")
        await pilot.press("ctrl+s")
        await idle(pilot)
        (last,) = [n for n in app._notifications if n.message.startswith("Edited")]
        assert not last.markup
        assert "description: Hotel → [b]Hotel[/b] [@click=app.quit]x[/]" in last.message
        assert app.is_running


def odd_cent_key(trip: Ledger) -> str:
    """A form key whose seed gives the odd cent of 100.00 among three to someone else
    than the seed of the key "preview" does."""
    group = trip.group("Trip")
    fields: ExpenseFields = {
        "description": "Hotel",
        "amount": "100.00",
        "paid_by": (("ann", None),),
    }
    odd = trip.preview_expense(group, **fields, key="preview").postings
    for n in range(100):
        key = f"tui:test-{n}"
        if Counter(trip.preview_expense(group, **fields, key=key).postings) != Counter(odd):
            return key
    raise AssertionError("no such key")


async def test_the_preview_gives_the_odd_cent_to_whom_saving_gives_it(trip: Ledger) -> None:
    """Issue 13: Hotel, 100.00 among three, equal: the share the preview shows with the
    odd cent is the one recorded with it."""
    key = odd_cent_key(trip)
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        form.key = key
        fill(form, description="Hotel", amount="100.00")
        await pilot.pause()
        shown = shown_shares(form)
        await pilot.press("ctrl+s")
        await idle(pilot)
    (tx,) = trip.history("Trip")
    recorded = owed(tx)
    assert [s.split()[0] for s in shown] == recorded
    assert sorted(recorded) == ["33.33", "33.33", "33.34"]


async def test_an_edit_previews_the_odd_cent_where_saving_puts_it(trip: Ledger) -> None:
    key = odd_cent_key(trip)
    hotel = trip.record_expense(
        group="Trip", description="Hotel", amount="99.00", paid_by=(("ann", None),), key="h"
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_edit(pilot, hotel)
        form.key = key
        fill(form, amount="100.00")
        await pilot.pause()
        shown = shown_shares(form)
        await pilot.press("ctrl+s")
        await idle(pilot)
    new = next(t for t in trip.history("Trip") if t.kind == "expense" and t.reversed_by is None)
    assert [s.split()[0] for s in shown] == owed(new)


async def test_an_older_expense_says_it_opens_as_exact_shares(trip: Ledger) -> None:
    with no_definitions():  # recorded as before bills kept their definitions
        old = trip.record_expense(
            group="Trip", description="Old dinner", amount="10.01", paid_by=(("ann", None),)
        )
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_edit(pilot, old)
        assert "This older expense opens as exact shares." in text_of(form, "#edit-note")
        assert form.query_one("#mode", Select).value == "exact"
        values = [form.query_one(f"#value-{i}", Input).value for i in range(3)]
        assert sorted(values) == ["3.33", "3.34", "3.34"]


async def test_a_bill_of_several_payers_opens_with_who_pays_the_rest(trip: Ledger) -> None:
    tickets = trip.record_expense(
        group="Trip",
        description="Tickets",
        amount="90.00",
        paid_by=(("bob", "50.00"), ("cy", None)),
        split="shares",
        participants=(("ann", "2"), ("bob", None)),
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        form = await open_edit(pilot, tickets)
        assert form.query_one("#payer", Select).value == SEVERAL
        assert [form.query_one(f"#paid-{i}", Input).value for i in range(3)] == [
            "",
            "50.00",
            REST,
        ]
        assert [form.query_one(f"#in-{i}", Checkbox).value for i in range(3)] == [
            True,
            True,
            False,
        ]
        assert form.query_one("#mode", Select).value == "shares"
        assert form.query_one("#value-0", Input).value == "2"
        assert text_of(form, "#edit-note") == ""
        assert "Nothing changed yet" in text_of(form, "#summary")
        fill(form, paid_1="60.00")
        await pilot.pause()
        assert "paid by: bob 50.00, cy pays the rest → bob 60.00, cy pays the rest" in (
            text_of(form, "#changes")
        )
        await pilot.press("ctrl+s")
        await idle(pilot)
    new = next(t for t in trip.history("Trip") if t.kind == "expense" and t.reversed_by is None)
    assert postings(new) == {"ann": -6000, "bob": 3000, "cy": 3000}


async def test_escape_leaves_the_form_without_recording(trip: Ledger) -> None:
    app: SplitLedgerApp = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Nothing", amount="5")
        form.query_one("#in-0", Checkbox).focus()
        await pilot.press("q")  # outside a text field: a warning, not a lost form
        await idle(pilot)
        assert app.screen is form
        await pilot.press("escape")  # something was typed: asked first
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    assert trip.history("Trip") == []


KEY_NAMES = {" ": "space", "_": "underscore", "-": "minus", "+": "plus"}


async def type_into(pilot: Pilot[None], field: Input, text: str) -> None:
    """Type `text` key by key into `field` (as a user would: what the field keeps of it
    is what it shows)."""
    field.focus()
    await pilot.pause()
    field.value = ""
    await pilot.press(*(KEY_NAMES.get(ch, ch) for ch in text))
    await pilot.pause()


def refusal(read: Callable[[], object]) -> str:
    """The domain's own message for what `read` refuses."""
    with pytest.raises(DomainError) as refused:
        read()
    return str(refused.value)


@pytest.mark.parametrize("typed", ["1e3", "1 000", "1_0_0", "0x10", "10 eur"])
async def test_an_amount_the_domain_cannot_read_is_refused_inline_as_typed(
    trip: Ledger, typed: str
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        amount = form.query_one("#amount", Input)
        await type_into(pilot, amount, typed)
        assert amount.value == typed  # nothing dropped: "1e3" never becomes 13
        assert text_of(form, "#amount-error") == refusal(lambda: parse_amount(typed, "EUR"))
        assert amount.has_class("-invalid")
        fill(form, description="Cake")  # the rest of the form is fine: still refused
        await pilot.pause()
        assert "✓" not in text_of(form, "#summary")
        assert form.query_one("#save", Button).disabled
        await type_into(pilot, amount, "1,000")
        assert text_of(form, "#amount-error") == ""
        assert not amount.has_class("-invalid")
        assert "1,000.00 EUR split between 3" in text_of(form, "#summary")


async def test_numbers_in_the_split_and_payer_columns_are_refused_inline(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        form.query_one("#mode", Select).value = "exact"
        form.query_one("#payer", Select).value = "__several__"
        await pilot.pause()
        await type_into(pilot, form.query_one("#value-1", Input), "1e3")
        assert text_of(form, "#split-error") == refusal(
            lambda: parse_amount("1e3", "EUR", allow_zero=True, field="share of bob")
        )
        assert form.query_one("#value-1", Input).has_class("-invalid")
        await type_into(pilot, form.query_one("#paid-0", Input), "0x10")
        assert text_of(form, "#paid_by-error") == refusal(
            lambda: parse_amount("0x10", "EUR", field="paid by ann")
        )
        form.query_one("#mode", Select).value = "percent"
        await pilot.pause()
        assert text_of(form, "#split-error") == refusal(
            lambda: parse_decimal("1e3", field="percent of bob", allow_percent=True)
        )
