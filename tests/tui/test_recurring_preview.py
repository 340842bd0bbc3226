"""The recurring form shows what is recorded (ADR 0012): its preview of the shares is
the first bill the schedule records, odd cent included (the report: Netflix, 15.99 among
the demo trip's four from 2026-09-30, previewed one person's 3.99 and recorded another's),
and it says when later bills put the odd cent elsewhere. Its Interval takes a whole
number from 1 to 1000: 0, a negative or a word is refused at the panel, the field marked
and focused, what was typed kept and nothing added (0 used to be saved as 1); left
empty it is 1, as the form's help says."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from splitledger.domain import parse_amount
from splitledger.services.ledger import Ledger
from splitledger.services.recurring import share_key
from splitledger.tui.commands import open_route
from splitledger.tui.screens.recurring import RecurringScreen
from splitledger.tui.screens.recurring_form import RecurringFormScreen
from tests.tui.conftest import idle, make_app
from tests.tui.expense_pilot import fill, text_of

NETFLIX = {"description": "Netflix", "amount": "15.99", "date": "2026-09-30"}


async def open_form(pilot: Pilot[None]) -> RecurringFormScreen:
    await idle(pilot)
    open_route(pilot.app, "recurring")  # type: ignore[arg-type]
    await idle(pilot)
    assert isinstance(pilot.app.screen, RecurringScreen)
    await pilot.press("a")
    await idle(pilot)
    form = pilot.app.screen
    assert isinstance(form, RecurringFormScreen)
    return form


def shown_shares(form: RecurringFormScreen) -> dict[str, int]:
    """Each member's share as the form shows it (minor units; 0: none)."""
    shares = {}
    for i, name in enumerate(form._members):
        text = text_of(form, f"#share-{i}").split(" ")[0]
        shares[name] = 0 if text in ("", "—") else parse_amount(text, "EUR")
    return shares


def recorded_shares(ledger: Ledger, tx_id: int | None) -> dict[str, int]:
    assert tx_id is not None
    postings = ledger.transaction(tx_id).tx.postings
    return {p.member: -p.minor for p in postings if p.minor < 0}


@pytest.mark.parametrize(
    ("day_of_month", "dates"),
    [
        ("", ["2026-09-30", "2026-10-30", "2026-11-30", "2026-12-30"]),
        ("15", ["2026-10-15", "2026-11-15", "2026-12-15", "2027-01-15"]),  # after From
    ],
)
async def test_the_preview_is_the_first_bill_recorded(
    demo: Ledger, day_of_month: str, dates: list[str]
) -> None:
    first, *later = map(dt.date.fromisoformat, dates)
    app = make_app(demo)
    async with app.run_test(size=(100, 50)) as pilot:
        form = await open_form(pilot)
        fill(form, **NETFLIX, day_of_month=day_of_month)
        await pilot.pause()
        shown = shown_shares(form)
        assert sorted(shown.values()) == [399, 400, 400, 400]
        words = text_of(form, "#rule-text")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, RecurringScreen)
    group = demo.group("Lisbon trip")
    demo.today_override = later[-1]
    recorded = demo.run_recurring(group.name).having("recorded")
    assert [o.date for o in recorded] == [first, *later]
    assert recorded_shares(demo, recorded[0].tx_id) == {
        name: share for name, share in shown.items() if share
    }
    moves = any(recorded_shares(demo, o.tx_id) != shown for o in recorded[1:])
    note = f"The shares above are the first bill's ({first.isoformat()})"
    assert (note in words) == moves
    assert share_key(group.id, "Netflix", first) != share_key(group.id, "Netflix", later[0])


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0", "interval: must be from 1 to 1000, not 0"),
        ("-1", "interval: write a whole number from 1 to 1000, not '-1'"),
        ("two", "interval: write a whole number from 1 to 1000, not 'two'"),
        ("[b]x", "interval: write a whole number from 1 to 1000, not '[b]x'"),  # plain
    ],
)
async def test_an_interval_of_0_or_not_a_number_is_refused_and_kept(
    trip: Ledger, typed: str, said: str
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Gym", amount="30", interval=typed)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form  # not added
        interval = form.query_one("#interval", Input)
        assert said in text_of(form, "#rule-error")
        assert interval.value == typed
        assert interval.has_class("-invalid")
        assert form.focused is interval
        assert text_of(form, "#rule-text") == ""  # no rule said while it is refused
        fill(form, interval="2")
        await pilot.pause()
        assert not interval.has_class("-invalid")
        assert text_of(form, "#rule-error") == ""
        assert "every 2 months" in text_of(form, "#rule-text")
    assert trip.schedules("Trip") == []


async def test_an_empty_interval_is_every_1(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot)
        assert "left empty: 1" in form.HELP_TEXT
        fill(form, description="Gym", amount="30", interval="")
        await pilot.pause()
        assert "every month" in text_of(form, "#rule-text")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, RecurringScreen)
    (view,) = trip.schedules("Trip")
    assert (view.description, view.interval) == ("Gym", 1)
