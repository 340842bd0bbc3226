"""Regenerate the README's screenshots: `.venv/bin/python -m splitledger.tui.screenshots`.

Runs the real app headless on a throw-away SQLite file holding the demo trip, drives it
with key presses, and saves an SVG of each screen into `screenshots/` (or the folder
given as the first argument). Nothing touches the user's ledger or logs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select

from splitledger.services.demo import load_demo
from splitledger.services.ledger import Ledger
from splitledger.tui.app import LIGHT, SplitLedgerApp
from splitledger.tui.jobs import workers_finished

SIZE = (120, 36)
TODAY = dt.date(2026, 6, 8)
Step = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await workers_finished(pilot.app)
        await pilot.pause()


def press(*keys: str) -> Step:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


async def percent_expense(pilot: Pilot[None]) -> None:
    await press("a")(pilot)
    screen = pilot.app.screen
    for selector, value in {"#description": "Fado night", "#amount": "80.00"}.items():
        screen.query_one(selector, Input).value = value
    screen.query_one("#category", Input).value = "food"
    screen.query_one("#mode", Select).value = "percent"
    await pilot.pause()
    for index, value in enumerate(["40", "30", "20", "10"]):
        screen.query_one(f"#value-{index}", Input).value = value
    description = screen.query_one("#description", Input)
    description.cursor_blink = False  # a blinking cursor would make the picture random
    description.focus()
    await settle(pilot)


TRIP = "Tokyo & Seoul"


def load_trip(ledger: Ledger) -> None:
    """A second trip in three currencies (EUR, the group's; JPY; KRW) with their rates,
    one itemised receipt among the bills, for the multi-currency screenshots."""
    people = ["Alice", "Bob", "Chandra"]
    ledger.create_group(TRIP, "EUR", people, key="shot:trip")
    day = dt.date(2026, 5, 1)
    for base, rate in (("JPY", "0.0061"), ("KRW", "0.00068")):
        ledger.add_rate(TRIP, base, "EUR", rate, date=day, key=f"shot:rate:{base}")
    bills: list[tuple[str, str, str, str, str]] = [
        ("Flights Tokyo → Seoul", "EUR", "420.00", "Alice", "transport"),
        ("Capsule hotel, 2 nights", "JPY", "36000", "Bob", "lodging"),
        ("Ramen in Shinjuku", "JPY", "4500", "Chandra", "food"),
        ("Korean barbecue", "KRW", "96000", "Alice", "food"),
        ("T-money cards", "KRW", "30000", "Bob", "transport"),
    ]
    for n, (what, currency, amount, payer, category) in enumerate(bills):
        ledger.record_expense(
            TRIP,
            key=f"shot:bill:{n}",
            description=what,
            amount=amount,
            currency=currency,
            paid_by=[(payer, None)],
            participants=[(p, None) for p in people],
            date=day + dt.timedelta(days=n),
            category=category,
        )
    ledger.record_expense(
        TRIP,
        key="shot:izakaya",
        description="Izakaya dinner",
        amount="12210",
        currency="JPY",
        paid_by=[("Chandra", None)],
        split="itemised",
        items=[
            ("Sashimi platter", "4800", ["Alice", "Bob"]),
            ("Yakitori set", "2600", ["Chandra"]),
            ("Sake flight", "3700", people),
        ],
        tax="1110",
        date=day + dt.timedelta(days=6),
        category="food",
    )


async def on_trip(pilot: Pilot[None], *keys: str) -> None:
    """Open the multi-currency trip (through the groups list), then press `keys`."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, SplitLedgerApp)  # noqa: S101 - the screenshots' own app
    ledger = app.ledger
    assert ledger is not None  # noqa: S101
    await app.open_group(ledger.group(TRIP))
    await press(*keys)(pilot)


def trip(*keys: str) -> Step:
    async def run(pilot: Pilot[None]) -> None:
        await on_trip(pilot, *keys)

    return run


async def itemised_receipt(pilot: Pilot[None]) -> None:
    """The itemised dinner's edit form: its receipt lines, who shares each, the tax."""
    await on_trip(pilot, "h", "e")
    for field in pilot.app.screen.query(Input).results(Input):
        field.cursor_blink = False
    await settle(pilot)


FLAT = "Rome flat"


def load_flat(ledger: Ledger) -> None:
    """A flat of three with recurring bills: rent on the 31st (recorded through May),
    power, a paused weekly cleaning, internet with its bills due (offered at start)."""
    ledger.today_override = TODAY  # the schedules' today: the pictures' day
    ledger.create_group(FLAT, "EUR", ["Giulia", "Marco", "Sara"], key="shot:flat")

    def add(what: str, amount: str, payer: str, every: str, starts: dt.date, **rule: int) -> int:
        return ledger.add_schedule(
            FLAT,
            key=f"shot:flat:{what}",
            description=what,
            amount=amount,
            paid_by=[(payer, None)],
            category="home",
            every=every,
            starts=starts,
            **rule,  # type: ignore[arg-type]
        ).id

    add("Rent", "1,500.00", "Giulia", "month", dt.date(2026, 1, 31), day_of_month=31)
    add("Power", "84.20", "Marco", "month", dt.date(2026, 2, 15), count=12)
    cleaning = add("Cleaning", "45.00", "Sara", "week", dt.date(2026, 5, 4))
    ledger.run_recurring(FLAT, through=dt.date(2026, 5, 31))
    ledger.pause_schedule(cleaning, on=dt.date(2026, 6, 1))
    add("Internet", "39.90", "Sara", "month", dt.date(2026, 3, 5))


def flat(*keys: str, route: str | None = None) -> Step:
    """Open the flat (its due bills offered above the balances), then `route`, `keys`."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, SplitLedgerApp)  # noqa: S101 - the screenshots' own app
        assert app.ledger is not None  # noqa: S101
        await app.open_group(app.ledger.group(FLAT))
        await settle(pilot)
        if route is not None:
            from splitledger.tui.commands import open_route

            open_route(app, route)
        await press(*keys)(pilot)

    return run


async def recurring_form(pilot: Pilot[None]) -> None:
    """A new monthly bill on the 31st, twelve times, its rule said in words."""
    await flat("a", route="recurring")(pilot)
    screen = pilot.app.screen
    for selector, value in (
        ("#description", "Rent"),
        ("#amount", "1500"),
        ("#category", "home"),
        ("#date", "2026-01-31"),
        ("#day-of-month", "31"),
        ("#count", "12"),
    ):
        screen.query_one(selector, Input).value = value
    for field in screen.query(Input).results(Input):
        field.cursor_blink = False
    screen.query_one("#description", Input).focus()
    await settle(pilot)


async def light_theme(pilot: Pilot[None]) -> None:
    await settle(pilot)
    pilot.app.theme = LIGHT
    await settle(pilot)


SHOTS: Sequence[tuple[str, Step]] = (
    ("balances", press()),
    ("expense-form", percent_expense),
    ("history", press("h")),
    ("transaction", press("h", "down", "down", "down", "down", "enter")),
    ("settle", press("s")),
    ("help", press("question_mark")),
    ("balances-light", light_theme),
    ("multi-currency", trip()),
    ("rates", trip("r")),
    ("settle-in", trip("i")),
    ("itemised-receipt", itemised_receipt),
    ("reports", press("t")),
    ("reports-category", press("t", "c", "down", "down")),
    ("recurring", flat(route="recurring")),
    ("recurring-form", recurring_form),
    ("recurring-offer", flat()),
)


async def shoot(ledger: Ledger, name: str, step: Step, out: Path) -> Path:
    app = SplitLedgerApp(ledger=ledger)
    app.today = lambda: TODAY
    async with app.run_test(size=SIZE) as pilot:
        await step(pilot)
        saved = app.save_screenshot(filename=f"{name}.svg", path=str(out))
    return Path(saved)


async def capture(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SPLITLEDGER_LOG_DIR"] = tmp
        with Ledger.open(str(Path(tmp) / "empty.db"), actor="demo") as empty:
            saved.append(await shoot(empty, "welcome", press(), out))
        with Ledger.open(str(Path(tmp) / "demo.db"), actor="demo") as ledger:
            load_demo(ledger)
            load_trip(ledger)
            load_flat(ledger)
            for name, step in SHOTS:
                saved.append(await shoot(ledger, name, step, out))
    return saved


def main(argv: Sequence[str] = ()) -> None:
    out = Path(argv[0]) if argv else Path("screenshots")
    for path in asyncio.run(capture(out)):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
