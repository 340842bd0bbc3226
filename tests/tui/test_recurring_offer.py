"""The offer of the due recurring bills when a group is shown (issue 16): after the
balances are up, never instead of them; y records them once each through the services,
n dismisses it for the session; a date after today is never offered, nor anything in an
archived group."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Static

from splitledger.services.ledger import Ledger
from splitledger.services.recurring import Occurrence
from splitledger.tui.due_offer import DueOffer, headline
from splitledger.tui.screens.balances import BalancesScreen
from tests.tui.conftest import TODAY, idle, make_app

BOLD = "[bold]x[/]"


@pytest.fixture(autouse=True)
def _today(trip: Ledger) -> None:
    trip.today_override = TODAY


def add(ledger: Ledger, description: str, starts: dt.date, every: str = "month") -> None:
    ledger.add_schedule(
        "Trip",
        description=description,
        amount="900",
        paid_by=[("ann", None)],
        every=every,
        starts=starts,
    )


def offer_of(app: object) -> DueOffer | None:
    screen = app.screen  # type: ignore[attr-defined]
    found = screen.query(DueOffer)
    return found.first() if found else None


async def test_the_due_bills_are_offered_and_recorded_once(trip: Ledger) -> None:
    add(trip, "Rent", dt.date(2026, 3, 31))  # 31 Mar, 30 Apr, 31 May; 30 Jun is later
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        offer = offer_of(app)
        assert offer is not None
        head = str(offer.query_one(".offer-head", Static).render())
        assert head == "3 Rent bills are due since 31 Mar — record them?"
        listed = str(offer.query_one("#due-list", Static).render())
        assert "2026-05-31  Rent  900.00 EUR" in listed
        assert "2026-06-30" not in listed  # a future date is never offered
        await pilot.press("y")
        await idle(pilot)
        assert offer_of(app) is None
        assert any("Recorded 3 bills" in str(n.message) for n in app._notifications)
        await pilot.press("h")  # the balances' keys work as before
        await idle(pilot)
    assert sorted(t.date for t in trip.history("Trip")) == [
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
    ]


async def test_not_now_dismisses_it_for_the_session(trip: Ledger) -> None:
    add(trip, BOLD, dt.date(2026, 6, 1), every="week")
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        offer = offer_of(app)
        assert offer is not None
        head = str(offer.query_one(".offer-head", Static).render())
        assert head == f"2 {BOLD} bills are due since 1 Jun — record them?"  # plain
        await pilot.press("n")
        await idle(pilot)
        assert offer_of(app) is None
        group = app.group
        assert group is not None
        await app.open_group(group)  # shown again: not offered again
        await idle(pilot)
        assert offer_of(app) is None
    assert trip.history("Trip") == []


async def test_nothing_due_nothing_offered(trip: Ledger) -> None:
    add(trip, "Rent", TODAY + dt.timedelta(days=1))
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert offer_of(app) is None


async def test_an_archived_group_is_not_offered(trip: Ledger) -> None:
    add(trip, "Rent", dt.date(2026, 3, 31))
    trip.archive_group("Trip")
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        assert offer_of(app) is None


def test_the_headline() -> None:
    def due(day: dt.date, what: str = "Rent") -> Occurrence:
        return Occurrence(day, 1, "Trip", what, "900.00", "EUR", "due")

    today = dt.date(2026, 10, 20)
    assert headline([due(dt.date(2026, 10, 1))], today) == (
        "1 Rent bill is due since 1 Oct — record them?"
    )
    mixed = [due(dt.date(2025, 12, 31)), due(dt.date(2026, 1, 1), "Power")]
    assert headline(mixed, today) == "2 recurring bills are due since 31 Dec 2025 — record them?"
