"""The payment form checks itself on every change: an error says what is wrong now (not
what was wrong before a correction), the preview describes only a payment that can be
recorded, and Escape asks before throwing away what was typed."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.payment import PaymentScreen
from splitledger.tui.screens.settle import SettleScreen
from tests.tui.conftest import idle, make_app, on_top, press
from tests.tui.test_hostile_text import look

GROUP = "Lisbon trip"
MARKUP, CLICK = "[bold]x[/]", "[@click=app.quit]q[/]"


async def open_form(pilot: Pilot[None], *keys: str) -> PaymentScreen:
    await press(pilot, *keys)
    form = pilot.app.screen
    assert isinstance(form, PaymentScreen), form
    return form


def error(form: PaymentScreen, slot: str) -> str:
    """`slot`'s error line as drawn ('' when it shows none)."""
    line = form.query_one(f"#{slot}-error", Static)
    return str(line.render()) if line.display else ""


def errors(form: PaymentScreen) -> dict[str, str]:
    slots = ("payer", "payee", "amount", "currency", "date", "description", "note", "form")
    return {slot: error(form, slot) for slot in slots if error(form, slot)}


def summary(form: PaymentScreen) -> str:
    return str(form.query_one("#payment-summary", Static).render())


async def fill(pilot: Pilot[None], form: PaymentScreen, **fields: str) -> None:
    for name, value in fields.items():
        if name in ("payer", "payee"):
            form.query_one(f"#{name}", Select).value = value
        else:
            form.query_one(f"#{name}", Input).value = value
    await idle(pilot)


def payments(ledger: Ledger) -> list[tuple[str, int]]:
    """The payments recorded by hand (the demo has one of its own, from Bob)."""
    return sorted(
        (p.member, p.minor)
        for tx in ledger.history(GROUP, kind="payment")
        for p in tx.postings
        if p.minor > 0 and p.member != "Bob"
    )


async def test_an_error_goes_once_the_field_is_corrected(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "p")
        await fill(pilot, form, payer="Bob", payee="Bob", amount="10")
        await press(pilot, "ctrl+s")
        assert on_top(app) is form
        assert "cannot pay themselves" in error(form, "payee")
        await fill(pilot, form, payer="Chandra")
        assert errors(form) == {}  # the refusal no longer holds: it is gone
        assert summary(form) == "Records: Chandra paid Bob 10.00 EUR on 2026-06-10."
        await fill(pilot, form, amount="ten")
        assert "'ten' is not an amount" in error(form, "amount")  # said as it is typed
        await fill(pilot, form, amount="10")
        assert errors(form) == {}
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BalancesScreen)
    assert payments(demo) == [("Chandra", 1000)]


async def test_the_preview_describes_only_a_payment_that_can_be_recorded(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "p")
        assert "Records" not in summary(form)
        await fill(pilot, form, payer="Bob", payee="Bob", amount="10")
        assert "Records" not in summary(form)
        assert "cannot pay themselves" in summary(form)
        assert "cannot pay themselves" in error(form, "payee")  # before any save
        await fill(pilot, form, payer="Dana", amount="usd")
        assert "Records" not in summary(form)
        assert "'usd' is not an amount" in summary(form)
        assert list(errors(form)) == ["amount"]
        await fill(pilot, form, amount="12.345")
        assert "decimal places" in error(form, "amount")
        await fill(pilot, form, amount="1,234.5", currency="zzq")
        assert "Records" not in summary(form)
        assert list(errors(form)) == ["currency"]
        await fill(pilot, form, currency="usd", date="2026-13-01")
        assert list(errors(form)) == ["date"]
        await fill(pilot, form, date="2026-06-01")
        assert errors(form) == {}
        assert summary(form) == "Records: Dana paid Bob 1,234.50 USD on 2026-06-01."
        form.query_one("#payee", Select).clear()
        await idle(pilot)
        assert summary(form) == "Still to fill in: who received it."
        assert errors(form) == {}  # empty is not an error until a save is tried
        await press(pilot, "ctrl+s")
        assert on_top(app) is form
        assert "pick who received" in error(form, "payee")
        assert form.focused is form.query_one("#payee", Select)
    assert payments(demo) == []


async def test_errors_and_preview_quote_typed_text_plainly(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, "p")
        await fill(pilot, form, payer="Alice", payee="Dana", amount=CLICK, currency="[b]")
        await look(pilot, PaymentScreen, "'[b]' is not a 3-letter")
        await fill(pilot, form, currency="EUR")
        await look(pilot, PaymentScreen, f"'{CLICK}' is not an amount")
        await fill(pilot, form, amount="5", description=MARKUP, date=MARKUP)
        await look(pilot, PaymentScreen, f"'{MARKUP}' is not a date")
        await fill(pilot, form, date="2026-06-10")
        await look(pilot, PaymentScreen, "Records: Alice paid Dana 5.00 EUR on 2026-06-10.")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BalancesScreen)
        assert app.is_running
    [paid] = [tx for tx in demo.history(GROUP, kind="payment") if tx.description == MARKUP]
    assert {(p.member, p.minor) for p in paid.postings} == {("Alice", 500), ("Dana", -500)}


async def test_escape_asks_before_throwing_a_typed_payment_away(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        balances = app.screen
        assert isinstance(balances, BalancesScreen)
        form = await open_form(pilot, "p")
        await press(pilot, "escape")  # nothing typed: it just goes
        assert on_top(app) is balances

        form = await open_form(pilot, "p")
        await fill(pilot, form, payer="Bob", amount="10")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await look(pilot, ConfirmScreen, "Discard this payment? Nothing is saved.")
        await press(pilot, "n")  # kept, as typed
        assert on_top(app) is form
        assert form.query_one("#amount", Input).value == "10"
        assert form.query_one("#payer", Select).value == "Bob"
        await press(pilot, "escape", "y")
        assert on_top(app) is balances

        form = await open_form(pilot, "p")
        await fill(pilot, form, note="call back")  # any field counts
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert on_top(app) is balances
    assert payments(demo) == []


async def test_a_plan_line_corrected_to_two_decimals_loses_its_error(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "s")
        settle = app.screen
        assert isinstance(settle, SettleScreen)
        line = settle.plan[0]
        form = await open_form(pilot, "e")
        await press(pilot, "escape")  # as it opened: leaves without asking
        assert on_top(app) is settle
        form = await open_form(pilot, "e")
        await fill(pilot, form, amount="12.345")
        await press(pilot, "ctrl+s")
        assert on_top(app) is form
        assert "decimal places" in error(form, "amount")
        await fill(pilot, form, amount="12.34")
        assert errors(form) == {}
        assert summary(form).startswith(f"Records: {line.payer} paid {line.payee} 12.34 EUR")
        await press(pilot, "ctrl+s")
        assert on_top(app) is settle
    assert (line.payer, 1234) in payments(demo)
