"""The expense form does every expense the services record (issue 15): a bill in another
currency than the group's (the services' refusals shown at the field), the itemised
mode's receipt editor driven from the keyboard (lines, who shares each, tax and tip, the
difference to the amount live), edits of an itemised bill, and the form at 80x24 with
ten members keeping the focused field and its error in view."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from splitledger.domain import DomainError, Posting, parse_amount
from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.services.views import Receipt, TxView
from splitledger.tui.expense_fields import MODE_HINTS, MODES
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from splitledger.tui.widgets.receipt_editor import MemberToggles
from tests.tui.conftest import idle, make_app, until
from tests.tui.expense_pilot import fill, open_edit, open_form, text_of


def shares(form: ExpenseFormScreen) -> list[str]:
    return [text_of(form, f"#share-{i}").split(" (")[0] for i in range(len(form._members))]


def refusal(read: Callable[[], object]) -> str:
    """The domain's own message for what `read` refuses."""
    with pytest.raises(DomainError) as refused:
        read()
    return str(refused.value)


def current(ledger: Ledger, group: str) -> TxView:
    (tx,) = [t for t in ledger.history(group) if t.kind == "expense" and t.reversed_by is None]
    return tx


def counted(tx: TxView) -> Counter[Posting]:
    return Counter(Posting(p.member, p.currency, p.minor) for p in tx.postings)


# -- the currency field ----------------------------------------------------------


async def test_a_bill_in_another_currency_previews_and_records_in_it(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        assert form.query_one("#currency", Input).value == "EUR"  # the group's
        fill(form, description="Ramen", amount="1,000", currency="jpy")
        await pilot.pause()
        assert sorted(shares(form)) == ["333", "333", "334"]
        assert "1,000 JPY split between 3" in text_of(form, "#summary")
        preview = form.preview
        assert preview is not None
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    (tx,) = trip.history("Trip")
    assert counted(tx) == Counter(preview.postings)
    assert {p.currency for p in tx.postings} == {"JPY"}
    assert trip.expense_definition(tx.id).currency == "JPY"


@pytest.mark.parametrize("typed", ["XAU", "ABC", "XXX", "eu"])
async def test_a_currency_the_services_refuse_is_said_at_the_field(
    trip: Ledger, typed: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        trip.preview_expense(
            trip.group("Trip"),
            description="x",
            amount="5",
            currency=typed,
            paid_by=(("ann", None),),
        )
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Gold", amount="5", currency=typed)
        await pilot.pause()
        assert text_of(form, "#currency-error") == str(refused.value)
        assert form.query_one("#currency", Input).has_class("-invalid")
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form
    assert trip.history("Trip") == []


async def test_an_edit_keeps_the_bills_currency_or_changes_it(trip: Ledger) -> None:
    ramen = trip.record_expense(
        group="Trip", description="Ramen", amount="1500", currency="JPY", paid_by=(("ann", None),)
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_edit(pilot, ramen)
        assert form.query_one("#currency", Input).value == "JPY"
        fill(form, amount="1800")
        await pilot.pause()
        assert "amount: 1500 JPY → 1800 JPY" in text_of(form, "#changes")
        fill(form, currency="USD", amount="12.00")
        await pilot.pause()
        assert "amount: 1500 JPY → 12.00 USD" in text_of(form, "#changes")
        assert shares(form) == ["4.00", "4.00", "4.00"]
        await pilot.press("ctrl+s")
        await idle(pilot)
    tx = current(trip, "Trip")
    assert {p.currency for p in tx.postings} == {"USD"}


# -- the itemised mode -----------------------------------------------------------


async def itemised(pilot: Pilot[None], form: ExpenseFormScreen) -> None:
    form.query_one("#mode", Select).value = "itemised"
    await idle(pilot)
    form.query_one("#item-desc-0", Input).focus()
    await pilot.pause()


async def test_a_receipt_typed_from_the_keyboard_previews_and_records_it(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Dinner", amount="50.00")
        await itemised(pilot, form)
        assert form.query_one("#value-0", Input).display is False
        await pilot.press(*"Pizza", "tab", *"30.00", "tab")
        assert isinstance(app.focused, MemberToggles)
        await pilot.press("ctrl+n", *"Wine", "tab", *"12.00", "tab")
        await pilot.press("right", "space", "right", "space")  # wine: ann only
        await pilot.pause()
        assert form.receipt.items()[1].members == ("ann",)
        assert "8.00 EUR left to assign" in text_of(form, "#summary")
        assert "8.00 EUR left to assign" in text_of(form, "#receipt-total")
        assert form.query_one("#save", Button).disabled
        fill(form, tax="3.00", tip="6.00")
        await pilot.pause()
        assert "1.00 EUR over the amount" in text_of(form, "#receipt-total")
        fill(form, tip="5.00")
        await pilot.pause()
        assert "matches the amount" in text_of(form, "#receipt-total")
        # ann: 10 + 12 = 22 of 42, bob and cy 10 each; 8.00 of tax and tip spread so
        assert shares(form) == ["26.19", "11.90", "11.91"] or sorted(shares(form)) == sorted(
            ["26.19", "11.91", "11.90"]
        )
        preview = form.preview
        assert preview is not None
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    (tx,) = trip.history("Trip")
    assert counted(tx) == Counter(preview.postings)
    definition = trip.expense_definition(tx.id)
    assert definition.split == "itemised"
    assert definition.receipt == Receipt(
        (("Pizza", "30.00", ("ann", "bob", "cy")), ("Wine", "12.00", ("ann",))), "3.00", "5.00"
    )


async def test_a_line_is_removed_and_every_member_ticked_with_keys(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await itemised(pilot, form)
        await pilot.press(*"A", "ctrl+n", *"B", "ctrl+n", *"C")
        assert [r.description for r in form.receipt.items()] == ["A", "B", "C"]
        form.query_one("#item-desc-1", Input).focus()
        await pilot.press("ctrl+l")
        await idle(pilot)
        assert [r.description for r in form.receipt.items()] == ["A", "C"]
        assert app.focused is form.query_one("#item-desc-2", Input)
        assert "Item 2" in str(form.receipt.lines()[1].query_one(".item-label", Static).render())
        await pilot.press("tab", "tab", "a")  # the members of C: everyone ticked → no one
        assert form.receipt.items()[1].members == ()
        fill(form, description="Snacks", amount="3.00", item_amount_0="1.00", item_amount_2="2.00")
        await pilot.pause()
        assert text_of(form, "#items-error") == "item 2: tick who shares it"
        await pilot.press("a")
        await pilot.pause()
        assert text_of(form, "#items-error") == ""
        assert "ready to save" in text_of(form, "#summary")


async def test_a_receipts_bad_numbers_are_refused_as_typed(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await itemised(pilot, form)
        fill(form, description="x", amount="5", item_desc_0="a", item_amount_0="1e3")
        await pilot.pause()
        assert text_of(form, "#items-error") == refusal(
            lambda: parse_amount("1e3", "EUR", field="item 1")
        )
        assert form.query_one("#item-amount-0", Input).has_class("-invalid")
        fill(form, item_amount_0="5", tax="-1")
        await pilot.pause()
        assert text_of(form, "#items-error").startswith("tax:")
        assert form.query_one("#tax", Input).has_class("-invalid")


def dinner(ledger: Ledger) -> TxView:
    return ledger.record_expense(
        group="Trip",
        description="Dinner",
        amount="60.00",
        paid_by=(("bob", None),),
        split="itemised",
        items=(("Pizza", "30", ("ann", "bob", "cy")), ("Wine", "20", ("ann", "bob"))),
        tax="4",
        tip="6",
        date=dt.date(2026, 6, 1),
    )


async def test_an_itemised_bill_opens_as_its_receipt_and_an_edit_changes_only_that(
    trip: Ledger,
) -> None:
    tx = dinner(trip)
    app = make_app(trip)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        form = await open_edit(pilot, tx)
        assert form.query_one("#mode", Select).value == "itemised"
        assert form.receipt.display
        items = form.receipt.items()
        assert [(r.description, r.amount, r.members) for r in items] == [
            ("Pizza", "30.00", ("ann", "bob", "cy")),
            ("Wine", "20.00", ("ann", "bob")),
        ]
        assert (form.receipt.tax, form.receipt.tip) == ("4.00", "6.00")
        assert "Nothing changed yet" in text_of(form, "#summary")
        assert text_of(form, "#edit-note") == ""
        fill(form, tip="", amount="54.00")
        await pilot.pause()
        changes = text_of(form, "#changes")
        assert "amount: 60.00 EUR → 54.00 EUR" in changes
        assert "tip 6.00 →" in changes
        plan = form.plan
        assert plan is not None
        assert plan.changed == {"amount": "54.00", "tip": "0"}
        preview = form.preview
        assert preview is not None
        await pilot.press("ctrl+s")
        await idle(pilot)
    new = current(trip, "Trip")
    assert counted(new) == Counter(preview.postings)
    receipt = trip.expense_definition(new.id).receipt
    assert receipt is not None
    assert (receipt.tax, receipt.tip) == ("4.00", "0.00")


async def test_an_equal_bill_is_edited_into_a_receipt_and_back(trip: Ledger) -> None:
    hotel = trip.record_expense(
        group="Trip", description="Hotel", amount="90.00", paid_by=(("ann", None),)
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_edit(pilot, hotel)
        await itemised(pilot, form)
        fill(form, item_desc_0="Room", item_amount_0="80.00", tax="10")
        await pilot.pause()
        assert "split: equal → itemised" in text_of(form, "#changes")
        await pilot.press("ctrl+s")
        await idle(pilot)
    receipt_bill = current(trip, "Trip")
    assert trip.expense_definition(receipt_bill.id).split == "itemised"
    async with make_app(trip).run_test(size=(100, 40)) as pilot:
        form = await open_edit(pilot, receipt_bill)
        form.query_one("#mode", Select).value = "equal"
        await idle(pilot)
        assert "split: itemised → equal" in text_of(form, "#changes")
        await pilot.press("ctrl+s")
        await idle(pilot)
    back = trip.expense_definition(current(trip, "Trip").id)
    assert (back.split, back.receipt, back.amount) == ("equal", None, "90.00")


async def test_hostile_member_names_are_plain_in_the_receipt(ledger: Ledger) -> None:
    names = ["[bold]x[/]", "[@click=app.quit]y[/]", "w" * 100]
    ledger.create_group("Odd", "EUR", names)
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await itemised(pilot, form)
        shown = str(form.query_one("#item-who-0", MemberToggles).render())
        assert "[bold]x[/]" in shown
        assert "[@click=app.q…" in shown  # cut, and never run
        assert "w" * 14 not in shown  # a long name is cut
        await pilot.press("tab", "tab", "space")
        assert app.is_running


# -- 80x24 with ten members ------------------------------------------------------

TEN = [f"member{n}" for n in range(10)]


def in_view(form: ExpenseFormScreen, widget: Widget) -> bool:
    return form.query_one("#expense-form").region.contains_region(widget.region)


async def focus_and_check(
    pilot: Pilot[None], form: ExpenseFormScreen, selector: str, error: str | None
) -> None:
    field = form.query_one(selector)
    field.focus()
    await idle(pilot)
    assert await until(pilot, lambda: in_view(form, field)), selector
    if error is None:
        return
    shown = form.query_one(f"#{error}-error", Static)
    assert shown.display, (selector, error)
    assert await until(pilot, lambda: in_view(form, shown)), (selector, error)
    assert in_view(form, field), selector


async def test_at_80x24_with_ten_members_the_focused_field_and_its_error_are_in_view(
    ledger: Ledger,
) -> None:
    ledger.create_group("Ten", "EUR", TEN)
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Trip", amount="1e3", currency="EUR")
        await focus_and_check(pilot, form, "#amount", "amount")
        fill(form, amount="100", date="soon")
        await focus_and_check(pilot, form, "#date", "date")
        fill(form, date="2026-06-01", currency="XAU")
        await focus_and_check(pilot, form, "#currency", "currency")
        fill(form, currency="EUR")
        form.query_one("#mode", Select).value = "exact"
        form.query_one("#payer", Select).value = "__several__"
        await idle(pilot)
        fill(form, value_9="1e3")
        await focus_and_check(pilot, form, "#value-9", "split")
        await focus_and_check(pilot, form, "#value-0", "split")
        fill(form, value_9="", paid_9="0x10")
        await focus_and_check(pilot, form, "#paid-9", "paid_by")
        await focus_and_check(pilot, form, "#description", None)  # scrolled back up
        fill(form, paid_9="")
        form.query_one("#payer", Select).value = "member0"
        form.query_one("#mode", Select).value = "itemised"
        await idle(pilot)
        form.query_one("#item-desc-0", Input).focus()
        for _ in range(4):
            await pilot.press("ctrl+n")
        await idle(pilot)
        fill(form, item_amount_4="1e3")
        await focus_and_check(pilot, form, "#item-amount-4", "items")
        await focus_and_check(pilot, form, "#item-who-4", "items")
        fill(form, item_amount_4="", tax="x")
        await focus_and_check(pilot, form, "#item-amount-0", "items")
        await focus_and_check(pilot, form, "#tip", "items")
        await focus_and_check(pilot, form, "#tax", "items")


def test_the_editors_keys_are_bound_nowhere_else() -> None:
    """ctrl+n and ctrl+l add and remove lines; nothing the form, its fields or the app
    binds is shadowed by them (ctrl+r, say, opens the rates everywhere)."""
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import Checkbox

    from splitledger.tui.app import SplitLedgerApp
    from splitledger.tui.widgets.receipt_editor import ReceiptEditor

    def keys(*owners: type[object]) -> set[str]:
        found: set[str] = set()
        for owner in owners:
            for binding in getattr(owner, "BINDINGS", []):
                assert isinstance(binding, Binding)
                found.update(k.strip() for k in binding.key.split(","))
        return found

    editor = keys(ReceiptEditor)
    assert editor == {"ctrl+n", "ctrl+l"}
    others = keys(App, SplitLedgerApp, Screen, ExpenseFormScreen, Input, Select, Checkbox, Button)
    assert not editor & others
    assert not keys(MemberToggles) & keys(ExpenseFormScreen, SplitLedgerApp, App)


async def test_at_80x24_every_split_modes_hint_is_whole(ledger: Ledger) -> None:
    """The hint beside the split mode fits at 80 columns, the form scrolled (ten
    members: a scrollbar takes its column); 'percentage (they sum to 100)' was cut."""
    ledger.create_group("Ten", "EUR", TEN)
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        hint = form.query_one("#mode-hint", Static)
        for mode in MODES:
            form.query_one("#mode", Select).value = mode
            await idle(pilot)
            shown = str(hint.render())
            assert shown == MODE_HINTS[mode]
            assert cell_len(shown) <= hint.content_region.width, mode
