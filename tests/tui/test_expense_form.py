"""Adding and editing expenses: every split mode, several payers, inline errors, the live
preview, and the idempotency key that makes double submits harmless."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select, Static

from splitledger.domain import DomainError, parse_amount, parse_decimal
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from tests.tui.conftest import TODAY, idle, make_app


async def open_form(pilot: Pilot[None]) -> ExpenseFormScreen:
    await idle(pilot)
    await pilot.press("a")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExpenseFormScreen)
    return screen


def fill(screen: ExpenseFormScreen, **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#{name.replace('_', '-')}", Input).value = value


def text_of(screen: ExpenseFormScreen, selector: str) -> str:
    widget = screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


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
        fields = {
            "group": "Trip",
            "description": "Groceries",
            "amount": "45.00",
            "date": TODAY,
            "category": "",
            "paid_by": (("ann", None),),
            "split": "equal",
            "participants": (("ann", None), ("bob", None), ("cy", None)),
        }
        with Ledger.open(str(db_path), actor="other") as other:
            first = other.record_expense(**fields, key=form.key)
        form.action_save()
        form.action_save()  # a second Enter before the first finished
        await idle(pilot)
    history = trip.history("Trip")
    assert [tx.id for tx in history] == [first.id]


async def test_edit_records_a_reversal_and_a_new_version(demo: Ledger) -> None:
    taxi = next(t for t in demo.history("Lisbon trip") if t.description.startswith("Taxi"))
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        app.push_screen(ExpenseFormScreen(editing=taxi))
        await idle(pilot)
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        assert form.query_one("#amount", Input).value == "42.00"
        assert form.query_one("#mode", Select).value == "exact"
        assert form.query_one("#value-0", Input).value == "10.50"
        form.query_one("#mode", Select).value = "equal"
        fill(form, amount="50.00")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
    history = demo.history("Lisbon trip", text="taxi")
    new = next(t for t in history if t.kind == "expense" and t.reversed_by is None)
    old = demo.transaction(taxi.id).tx
    assert new.replaces_id == taxi.id
    assert old.reversed_by is not None
    assert sum(p.minor for p in new.postings if p.minor > 0) == 5000


async def test_escape_leaves_the_form_without_recording(trip: Ledger) -> None:
    app: SplitLedgerApp = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Nothing", amount="5")
        form.query_one("#in-0", Checkbox).focus()
        await pilot.press("q")  # outside a text field: a warning, not a lost form
        await idle(pilot)
        assert app.screen is form
        await pilot.press("escape")
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
